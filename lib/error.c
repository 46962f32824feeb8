/* Error recording and report lines. */
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"

static enum gi_cause cause_of(int code)
{
	switch (code) {
	case GRUBINST_ENOMEM:
		return GI_CAUSE_NOMEM;
	case GRUBINST_EUSAGE:
		return GI_CAUSE_USAGE;
	case GRUBINST_EIO:
		return GI_CAUSE_IO;
	}
	return GI_CAUSE_OTHER;
}

static void compose(struct gi_err *err)
{
	if (err->subject[0])
		snprintf(err->text, sizeof(err->text), "%s: %s", err->subject,
			 err->msg);
	else
		snprintf(err->text, sizeof(err->text), "%s", err->msg);
}

static int record(struct gi_err *err, int code, enum gi_cause cause,
		  int errnum, const char *subject, const char *fmt, va_list ap)
{
	if (err->code != GRUBINST_OK)
		return err->code;
	err->code = code;
	err->cause = cause;
	err->errnum = errnum;
	err->rule = NULL;
	snprintf(err->subject, sizeof(err->subject), "%s", subject ? subject : "");
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	compose(err);
	return code;
}

int gi_fail(struct gi_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = record(err, code, cause_of(code), 0, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int gi_fail_as(struct gi_err *err, int code, enum gi_cause cause,
	       const char *subject, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = record(err, code, cause, 0, subject, fmt, ap);
	va_end(ap);
	return rc;
}

int gi_fail_errno(struct gi_err *err, int errnum, const char *subject,
		  const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = record(err, GRUBINST_EIO, GI_CAUSE_IO, errnum, subject, fmt, ap);
	va_end(ap);
	return rc;
}

int gi_pass(struct gi_err *dst, const struct gi_err *src, int code)
{
	if (dst->code != GRUBINST_OK)
		return dst->code;
	*dst = *src;
	if (code)
		dst->code = code;
	return dst->code;
}

void gi_append(struct gi_err *err, const char *fmt, ...)
{
	size_t n = strlen(err->msg);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg + n, sizeof(err->msg) - n, fmt, ap);
	va_end(ap);
	compose(err);
}

const char *gi_cause_name(enum gi_cause cause)
{
	static const char *const names[GI_CAUSE_COUNT] = {
		[GI_CAUSE_NONE] = "none",
		[GI_CAUSE_OTHER] = "refused",
		[GI_CAUSE_NOMEM] = "no-memory",
		[GI_CAUSE_USAGE] = "usage",
		[GI_CAUSE_IO] = "io",
		[GI_CAUSE_NOT_A_DISK] = "not-a-disk",
		[GI_CAUSE_BUSY] = "busy",
		[GI_CAUSE_MOUNTED] = "mounted",
		[GI_CAUSE_TRUNCATED] = "truncated",
		[GI_CAUSE_NO_LABEL] = "ptable-none",
		[GI_CAUSE_GPT] = "ptable-gpt",
		[GI_CAUSE_OTHER_LABEL] = "ptable-other",
		[GI_CAUSE_PTABLE] = "ptable-bad",
		[GI_CAUSE_NO_FS] = "no-fs",
		[GI_CAUSE_FS_DAMAGED] = "fs-damaged",
		[GI_CAUSE_STAGE] = "stage-file",
		[GI_CAUSE_NO_ROOM] = "no-room",
		[GI_CAUSE_PATH_TAKEN] = "path-taken",
		[GI_CAUSE_UNDO] = "undo-record",
		[GI_CAUSE_RULE] = "rule",
	};

	return cause < GI_CAUSE_COUNT && names[cause] ? names[cause] : "unknown";
}

void gi_report(const struct gi_reporter *r, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!r || !r->fn)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	r->fn(r->ctx, line);
}

char *gi_strdup(const char *s)
{
	return s ? strdup(s) : NULL;
}

GI_API const char *grubinst_status_name(int status)
{
	switch (status) {
	case GRUBINST_OK:
		return "ok";
	case GRUBINST_REFUSED:
		return "refused";
	case GRUBINST_EUSAGE:
		return "usage error";
	case GRUBINST_EIO:
		return "I/O error";
	case GRUBINST_ENOMEM:
		return "out of memory";
	case GRUBINST_WONT_BOOT:
		return "will not boot";
	}
	return "unknown status";
}
