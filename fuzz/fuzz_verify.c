/* The whole inspector on a disk image whose every byte the fuzzer chooses:
 * grubinst_verify() and grubinst_map(), as `grubinst --verify --map` runs
 * them.  Seeds: small images installed by grubinst (fuzz/make-corpus);
 * mutations mostly where their metadata is (mutate_image.c).  */
#include <string.h>

#include "fuzz/common.h"

static void check_map_line(void *ctx, const char *line)
{
	(void)ctx;
	fuzz_require(line != NULL, "map line", "");
	fuzz_check_line("map line", line, 1024);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	grubinst *g = grubinst_open(fuzz_image(data, size), NULL);
	int rc;

	fuzz_require(g != NULL, "grubinst_open", "");
	rc = grubinst_verify(g, fuzz_check_finding, NULL);
	fuzz_check_status(g, rc);
	rc = grubinst_map(g, check_map_line, NULL);
	fuzz_check_status(g, rc);
	fuzz_require(rc == GRUBINST_OK || rc == GRUBINST_EIO ||
			     rc == GRUBINST_ENOMEM,
		     "grubinst_map status", grubinst_error(g));
	grubinst_close(g);
	return 0;
}
