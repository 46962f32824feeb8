/* The installer on a disk image whose every byte the fuzzer chooses: a
 * dry run, then an install that writes into a copy of the input.  An
 * install that does not succeed must leave the image exactly as it was,
 * and leave no undo record behind.  An input may carry an undo record
 * after the image (fuzz_split_disk()), planted beside it: the dry run
 * must leave both alone; the install either rolls it back (the record is
 * gone) or refuses it, and then neither the image nor the record may have
 * changed by a byte.  Seeds: small images before and after an install by
 * grubinst, and interrupted installs with their records
 * (fuzz/make-corpus); mutations mostly where their metadata is
 * (mutate_image.c).  */
#include <stdbool.h>
#include <unistd.h>

#include "fuzz/common.h"

static void run(struct fuzz_disk *d, bool dry_run)
{
	struct grubinst_options o;
	const char *path = fuzz_disk_file(d);
	bool kept;
	grubinst *g;
	int rc;

	grubinst_options_init(&o);
	o.dry_run = dry_run;
	o.kernel = "/boot/vmlinuz";
	g = grubinst_open(path, &o);
	fuzz_require(g != NULL, "grubinst_open", "");
	rc = grubinst_install(g);
	fuzz_check_status(g, rc);
	if (rc != GRUBINST_OK || dry_run)
		fuzz_check_line("error", grubinst_error(g), 1024);
	kept = access(fuzz_undo_record(), F_OK) == 0;
	if (!d->rec) {
		fuzz_require(!kept, "an undo record left behind", grubinst_error(g));
		if (rc != GRUBINST_OK || dry_run)
			fuzz_require(fuzz_same_contents(path, d->img, d->img_len),
				     "an install that did not succeed changed "
				     "the image", grubinst_error(g));
	} else if (kept) {
		/* Refused (and a dry run refuses any record): nothing may
		 * have been written, the record not touched.  */
		fuzz_require(fuzz_record_kept(d), "an undo record that was not "
			     "rolled back changed", grubinst_error(g));
		fuzz_require(rc != GRUBINST_OK && rc != GRUBINST_WONT_BOOT,
			     "an install went ahead beside an undo record it "
			     "did not roll back", grubinst_error(g));
		fuzz_require(fuzz_same_contents(path, d->img, d->img_len),
			     "an install changed the image beside an undo record "
			     "it did not roll back", grubinst_error(g));
	} else {
		fuzz_require(!dry_run, "a dry run removed the undo record",
			     grubinst_error(g));
	}
	grubinst_close(g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_disk d;

	fuzz_split_disk(data, size, &d);
	run(&d, true);
	run(&d, false);
	fuzz_disk_free(&d);
	return 0;
}
