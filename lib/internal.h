/* Internal interfaces shared by the library's parts.  Not installed. */
#ifndef GRUBINST_INTERNAL_H
#define GRUBINST_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "grubinst.h"

#define GI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GI_API __attribute__((visibility("default")))

/* The first failure wins: later, more generic messages from callers that
 * only pass the error up must not overwrite the precise one.  */
struct gi_err {
	int code;
	char msg[1024];
};

/* Records a failure (unless one is already recorded) and returns its code,
 * so that callers can write "return gi_fail(err, ...)".  */
int gi_fail(struct gi_err *err, int code, const char *fmt, ...) GI_PRINTF(3, 4);

/* A line for the report callback. */
struct gi_reporter {
	void (*fn)(void *ctx, const char *line);
	void *ctx;
};

void gi_report(const struct gi_reporter *r, const char *fmt, ...) GI_PRINTF(2, 3);

struct grubinst {
	char *path;		/* the image's path, or the name given with fd */
	bool by_fd;		/* opened by grubinst_open_fd() on fd */
	bool unnamed;		/* ...without a name: no undo record file */
	int fd;
	struct grubinst_options opts;
	struct gi_reporter rep;
	struct gi_err err;
};

/* Duplicates a string or returns NULL (also for NULL input). */
char *gi_strdup(const char *s);

#endif
