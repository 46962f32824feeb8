/*
 * Shared by the libFuzzer harnesses (fuzz/fuzz_*.c): the fuzzer's bytes as
 * a file the library can open by name, and checks on what the library
 * hands back.  A failed check aborts, which libFuzzer reports as a crash
 * and keeps the input.
 */
#ifndef GRUBINST_FUZZ_COMMON_H
#define GRUBINST_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "grubinst.h"

/* Replaces the contents of one in-memory file (a memfd, made on the first
 * call) with DATA and returns its name, "/proc/self/fd/N": libext2fs and
 * libfdisk open images by name.  */
const char *fuzz_image(const uint8_t *data, size_t len);

/* The same in a regular file of a private directory, for callers that
 * need a real path: an install writes its undo record next to the image.  */
const char *fuzz_image_file(const uint8_t *data, size_t len);

/* Where an install into the fuzz_image_file() image keeps its undo record
 * (disk/undo.c): beside it, named after its inode.  */
const char *fuzz_undo_record(void);

/* The input of the disk-image harnesses: a disk image and, when the input
 * holds "GRUBINST-UNDO-2\n", an undo record from the last one on, as an
 * interrupted install leaves it beside the image.  A record whose image
 * identity (device and inode) is zero gets the image file's, and one
 * whose SHA-512 is zero gets its own, so that seeds (fuzz/make-corpus)
 * and mutations reach past those checks.  */
struct fuzz_disk {
	const uint8_t *img;
	size_t img_len;
	uint8_t *rec;		/* NULL: no record; else malloc'ed, fixed up */
	size_t rec_len;
};

void fuzz_split_disk(const uint8_t *data, size_t size, struct fuzz_disk *d);
/* Writes D's image with fuzz_image_file() and its record (mode 0600) at
 * fuzz_undo_record(), or removes any record there; returns the image's
 * path.  */
const char *fuzz_disk_file(struct fuzz_disk *d);
/* Is the record at fuzz_undo_record() still D's, byte for byte? */
int fuzz_record_kept(const struct fuzz_disk *d);
void fuzz_disk_free(struct fuzz_disk *d);

/* Does the file PATH hold exactly DATA? */
int fuzz_same_contents(const char *path, const uint8_t *data, size_t len);

/* Aborts with MSG unless COND: a broken promise of the library. */
void fuzz_require(int cond, const char *what, const char *text);

/* The library's text promises: one line, printable (hostile images must
 * not get control characters through to a terminal), at most MAX bytes.  */
void fuzz_check_line(const char *what, const char *s, size_t max);

/* Checks every field of a finding: see grubinst.h.  */
void fuzz_check_finding(void *ctx, const struct grubinst_finding *f);

/* After a call that returned RC on handle G: a known status, and an error
 * message of one line naming the image when it failed.  */
void fuzz_check_status(grubinst *g, int rc);

#endif
