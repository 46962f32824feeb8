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
