/* The whole inspector on a disk image whose every byte the fuzzer chooses:
 * grubinst_verify() and grubinst_map(), as `grubinst --verify --map` runs
 * them.  An input may carry an undo record after the image
 * (fuzz_split_disk()): then the image is a file with the record beside
 * it, the report must say what it is (install-interrupted or
 * undo-invalid), and neither may change.  Seeds: small images installed
 * by grubinst, interrupted installs with their records (fuzz/make-corpus);
 * mutations mostly where their metadata is (mutate_image.c).  */
#include <string.h>

#include "fuzz/common.h"

static int record_named;

static void check_finding(void *ctx, const struct grubinst_finding *f)
{
	fuzz_check_finding(ctx, f);
	if (strcmp(f->code, "install-interrupted") == 0 ||
	    strcmp(f->code, "undo-invalid") == 0)
		record_named = 1;
}

static void check_map_line(void *ctx, const char *line)
{
	(void)ctx;
	fuzz_require(line != NULL, "map line", "");
	fuzz_check_line("map line", line, 1024);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_disk d;
	const char *path;
	grubinst *g;
	int rc;

	fuzz_split_disk(data, size, &d);
	/* Without a record, the image in memory (faster); with one, a file
	 * in a directory, where the record goes.  */
	path = d.rec ? fuzz_disk_file(&d) : fuzz_image(d.img, d.img_len);
	g = grubinst_open(path, NULL);
	fuzz_require(g != NULL, "grubinst_open", "");
	record_named = 0;
	rc = grubinst_verify(g, check_finding, NULL);
	fuzz_check_status(g, rc);
	if (d.rec) {
		fuzz_require(record_named || (rc != GRUBINST_OK &&
					      rc != GRUBINST_WONT_BOOT),
			     "an undo record beside the image not reported",
			     grubinst_error(g));
		fuzz_require(fuzz_record_kept(&d), "--verify changed the undo "
			     "record", "");
		fuzz_require(fuzz_same_contents(path, d.img, d.img_len),
			     "--verify changed the image", "");
	}
	rc = grubinst_map(g, check_map_line, NULL);
	fuzz_check_status(g, rc);
	fuzz_require(rc == GRUBINST_OK || rc == GRUBINST_EIO ||
			     rc == GRUBINST_ENOMEM,
		     "grubinst_map status", grubinst_error(g));
	grubinst_close(g);
	fuzz_disk_free(&d);
	return 0;
}
