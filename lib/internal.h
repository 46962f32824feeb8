/* Internal interfaces shared by the library's parts.  Not installed. */
#ifndef GRUBINST_INTERNAL_H
#define GRUBINST_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "grubinst.h"

#define GI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GI_API __attribute__((visibility("default")))

/* Why something failed, as a value: code that must react to a failure
 * decides by the cause (and the errno), never by reading the message.  */
enum gi_cause {
	GI_CAUSE_NONE = 0,
	GI_CAUSE_OTHER,		/* a failure with no more precise cause */
	GI_CAUSE_NOMEM,
	GI_CAUSE_USAGE,		/* bad options or arguments */
	GI_CAUSE_IO,		/* a system call failed: errnum says why */
	GI_CAUSE_NOT_A_DISK,	/* neither a regular file nor a block device */
	GI_CAUSE_BUSY,		/* another grubinst holds the image */
	GI_CAUSE_MOUNTED,	/* the kernel has the filesystem mounted */
	GI_CAUSE_TRUNCATED,	/* shorter than what it describes */
	GI_CAUSE_NO_LABEL,	/* no partition table at all */
	GI_CAUSE_GPT,		/* a GPT disk (GRUB Legacy reads MBRs only) */
	GI_CAUSE_OTHER_LABEL,	/* a partition table that is not an MBR */
	GI_CAUSE_PTABLE,	/* an MBR table that cannot be used */
	GI_CAUSE_NO_FS,		/* no ext2/3/4 filesystem there */
	GI_CAUSE_FS_DAMAGED,	/* a filesystem whose metadata is corrupt */
	GI_CAUSE_STAGE,		/* a stage file that cannot be installed */
	GI_CAUSE_NO_ROOM,	/* the filesystem has no room for the files */
	GI_CAUSE_PATH_TAKEN,	/* a directory where a file must go */
	GI_CAUSE_UNDO,		/* the undo record of an interrupted install */
	GI_CAUSE_RULE,		/* a boot rule refused: rule names its finding */
	GI_CAUSE_FS_FEATURE,	/* a filesystem feature grubinst cannot write */
	GI_CAUSE_READ_ONLY,	/* the image may not be written */
	GI_CAUSE_TOO_LARGE,	/* a file larger than grubinst reads */
	GI_CAUSE_COUNT
};

/* The first failure wins: later, more generic messages from callers that
 * only pass the error up must not overwrite the precise one.  */
struct gi_err {
	int code;		/* GRUBINST_* */
	enum gi_cause cause;
	int errnum;		/* errno of the failed system call, or 0 */
	const char *rule;	/* GI_CAUSE_RULE: the finding code (static) */
	char subject[1024];	/* what failed: the image, a stage file...;
				   "" when the message stands alone */
	char msg[1024];		/* the failure, without the subject */
	char text[1024 + 1024 + 2];	/* "SUBJECT: MSG", or MSG */
};

/* Records a failure (unless one is already recorded) and returns its
 * code, so that callers can write "return gi_fail(err, ...)".  gi_fail()
 * is for failures that need no subject ("out of memory"); the cause
 * follows from the code.  */
int gi_fail(struct gi_err *err, int code, const char *fmt, ...) GI_PRINTF(3, 4);
/* A failure of SUBJECT (a path) for CAUSE. */
int gi_fail_as(struct gi_err *err, int code, enum gi_cause cause,
	       const char *subject, const char *fmt, ...) GI_PRINTF(5, 6);
/* A system call on SUBJECT failed with ERRNUM (GRUBINST_EIO).  */
int gi_fail_errno(struct gi_err *err, int errnum, const char *subject,
		  const char *fmt, ...) GI_PRINTF(4, 5);
/* A refusal (GRUBINST_REFUSED) of SUBJECT for CAUSE. */
#define gi_refuse(err, cause, subject, ...) \
	gi_fail_as(err, GRUBINST_REFUSED, cause, subject, __VA_ARGS__)
/* Passes SRC's failure on to DST (first failure wins), as CODE when it is
 * not 0.  */
int gi_pass(struct gi_err *dst, const struct gi_err *src, int code);
/* Adds to the message of the failure recorded, e.g. what became of the
 * image after it.  */
void gi_append(struct gi_err *err, const char *fmt, ...) GI_PRINTF(2, 3);
/* Replaces, in place, every character of S a terminal would not show as
 * text (C0 and C1 controls, DEL, the bidirectional controls U+061C,
 * U+200E, U+200F, U+202A..U+202E and U+2066..U+2069, the separators
 * U+2028 and U+2029) and every byte that is not UTF-8 by one '?': error
 * messages and report lines stay one line in their order, whatever paths
 * and images hold.  */
void gi_printable(char *s);
/* The length of the character at S if gi_printable() keeps it, else 0. */
size_t gi_text_char(const char *s);
/* A stable short name of a cause, e.g. "no-fs" (grubinst_error_code()). */
const char *gi_cause_name(enum gi_cause cause);

/* A line for the report callback. */
struct gi_reporter {
	void (*fn)(void *ctx, const char *line);
	void *ctx;
};

void gi_report(const struct gi_reporter *r, const char *fmt, ...) GI_PRINTF(2, 3);

struct grubinst {
	char *path;		/* the image's path, or the name given with fd */
	char *shown;		/* ...as messages show it (gi_printable) */
	bool by_fd;		/* opened by grubinst_open_fd() on fd */
	bool unnamed;		/* ...without a name: no undo record file */
	int fd;
	struct grubinst_options opts;
	bool options_valid;	/* the caller's came from grubinst_options_init() */
	struct gi_reporter rep;
	struct gi_err err;
	/* The boot loader the last verify found in sector 0 ("grub-legacy",
	 * "grub2"), or NULL: --json says which (inspect/pipeline.c).  */
	const char *verified_loader;
};

/* What every entry point does first: clears the last failure, and fails
 * when the handle's options are unusable.  */
int gi_start(grubinst *g);

/* A small file read whole by name (lib/file.c): --config, stage files. */
enum gi_file_status {
	GI_FILE_OK,
	GI_FILE_MISSING,	/* no such file (errnum ENOENT) */
	GI_FILE_ERRNO,		/* stat, open or read failed: errnum */
	GI_FILE_NOT_REGULAR,	/* a FIFO, a device, a directory: mode */
	GI_FILE_TOO_LARGE,	/* more than the caller's maximum */
};

struct gi_file {
	enum gi_file_status status;
	int errnum;
	mode_t mode;
	uint64_t size;		/* as stat() gives it */
	uint8_t *data;		/* malloc'ed, a NUL after the LEN bytes */
	size_t len;
};

/* Reads PATH, a regular file of at most MAX bytes, without opening
 * anything else at that name and without blocking.  0, or -1 with F's
 * status saying why.  */
int gi_read_file(const char *path, size_t max, struct gi_file *f);
/* ...and a symbolic link at PATH is not a regular file (a file of a
 * directory listing, which the user did not name).  */
int gi_read_file_nofollow(const char *path, size_t max, struct gi_file *f);
/* Why F could not be read, in words ("a FIFO, not a regular file"). */
void gi_file_why(const struct gi_file *f, size_t max, char *buf, size_t size);
/* "a FIFO", "a directory"... for a file that is not a regular one. */
const char *gi_file_kind(mode_t mode);

/* lib/run.c: runs ARGV[0] (looked up in PATH) with ARGV, no shell, stdin
 * /dev/null; what it writes to stdout and stderr goes to OUT (SIZE bytes,
 * cut).  Its exit status, 128 + the signal that ended it, or -1 with
 * errno when it could not be run.  */
int gi_run(const char *const argv[], char *out, size_t size);

/* lib/buf.c, the one growable buffer.  gi_grow() makes room for element
 * N of the array *ARRAY (a pointer to it) of ELEM-byte elements holding
 * *CAP, doubling it (FIRST elements the first time): 0, or -1 out of
 * memory, the array as it was.  */
int gi_grow(void *array, size_t *cap, size_t n, size_t elem, size_t first);

/* Text appended printf-style; OOM once an append failed (the text so far
 * stays).  S is NUL-terminated, or NULL while empty.  */
struct gi_text {
	char *s;
	size_t len, cap;
	bool oom;
};
void gi_text_add(struct gi_text *t, const char *fmt, ...) GI_PRINTF(2, 3);
void gi_text_free(struct gi_text *t);

/* Duplicates a string or returns NULL (also for NULL input). */
char *gi_strdup(const char *s);

/* lib/fixline.c: PATH as one shell word that a shell reads back as PATH,
 * for every path a fix line names: as it is when that is safe, else in
 * single quotes, else, when it holds a character gi_printable() would
 * replace, as $'...' with those bytes as \xHH, so that the line is
 * printable text and still runs as printed.  The word IMAGE is never left
 * whole outside $'...' (in quotes it is IMA''GE): gi_fix_expand() does
 * not take it for the image.  False when BUF was too small (it is cut).  */
bool gi_shell_quote(char *buf, size_t size, const char *path);

/* lib/fixline.c: FIX with each word IMAGE outside $'...' replaced by the
 * path IMAGE, quoted by gi_shell_quote() (inside FIX's own single quotes,
 * as their body when it is printable).  False when BUF was too small (it
 * is cut).  */
bool gi_fix_expand(char *buf, size_t size, const char *fix, const char *image);

/* lib/fixline.c: the fix for a damaged filesystem of SECTORS sectors (0:
 * to the end of the image) at sector START, with IMAGE for the image:
 * e2fsck -fy on a copy, copied back.  */
void gi_fsck_fix(char *buf, size_t size, uint64_t start, uint64_t sectors);

#endif
