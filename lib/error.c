/* Error recording and report lines. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"

/* The length of the UTF-8 character at S, its code point in *CP; 0 for
 * a byte that starts none (a terminal in an 8-bit mode takes 0x9b for
 * CSI).  */
static size_t utf8_char(const unsigned char *s, uint32_t *cp)
{
	static const uint32_t least[] = { 0, 0x80, 0x800, 0x10000 };
	unsigned extra = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;

	*cp = s[0];
	if (s[0] < 0x80)
		return 1;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	*cp = s[0] & (0x3f >> extra);
	for (unsigned i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < least[extra] || (*cp >= 0xd800 && *cp < 0xe000) || *cp > 0x10ffff)
		return 0;
	return extra + 1;
}

/* Characters that change what the terminal shows rather than show: C0
 * and C1 controls (U+0080..U+009F start escape sequences too), DEL, the
 * bidirectional controls that reorder what follows them (U+202E makes
 * "gpj.exe" of "exe.jpg"), and the line and paragraph separators, which
 * some terminals and viewers break the line at.  */
static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x061c ||
	       cp == 0x200e || cp == 0x200f || (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t gi_text_char(const char *s)
{
	uint32_t cp;
	size_t n = utf8_char((const unsigned char *)s, &cp);

	return n && !is_control(cp) ? n : 0;
}

/* Each control character becomes one '?', and so does each byte that is
 * not UTF-8: the string can only get shorter.  */
void gi_printable(char *s)
{
	const unsigned char *r = (const unsigned char *)s;
	char *w = s;

	while (*r) {
		uint32_t cp;
		size_t n = utf8_char(r, &cp);

		if (!n || is_control(cp)) {
			*w++ = '?';
			r += n ? n : 1;
			continue;
		}
		memmove(w, r, n);
		w += n;
		r += n;
	}
	*w = '\0';
}

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

/* A path may hold a newline, a message may quote one from an image:
 * the message stays one line of text (control characters read '?').  */
static void compose(struct gi_err *err)
{
	gi_printable(err->subject);
	gi_printable(err->msg);
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
		[GI_CAUSE_FS_FEATURE] = "fs-feature",
		[GI_CAUSE_READ_ONLY] = "read-only",
		[GI_CAUSE_TOO_LARGE] = "file-too-large",
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
	gi_printable(line);
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
