/* The installer on a disk image whose every byte the fuzzer chooses: a
 * dry run, then an install that writes into a copy of the input.  An
 * install that does not succeed must leave the image exactly as it was,
 * and leave no undo record behind.  Seeds: small images before and after
 * an install by grubinst (fuzz/make-corpus); mutations mostly where their
 * metadata is (mutate_image.c).  */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz/common.h"

static void run(const char *path, bool dry_run, const uint8_t *data,
		size_t size)
{
	struct grubinst_options o;
	grubinst *g;
	int rc;

	grubinst_options_init(&o);
	o.dry_run = dry_run;
	o.kernel = "/boot/vmlinuz";
	g = grubinst_open(path, &o);
	fuzz_require(g != NULL, "grubinst_open", "");
	rc = grubinst_install(g);
	fuzz_check_status(g, rc);
	if (rc != GRUBINST_OK || dry_run) {
		fuzz_check_line("error", grubinst_error(g), 1024);
		fuzz_require(fuzz_same_contents(path, data, size),
			     "an install that did not succeed changed the image",
			     grubinst_error(g));
	}
	fuzz_require(access(fuzz_undo_record(), F_OK) != 0, "an undo record left behind",
		     grubinst_error(g));
	grubinst_close(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_image_file(data, size);

	run(path, true, data, size);
	run(path, false, data, size);
	return 0;
}
