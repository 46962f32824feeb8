/* Findings: formatted here, handed to the caller's function at once. */
#include <stdio.h>

#include "inspect.h"

void finding(struct inspect *in, enum grubinst_severity sev, const char *area,
	     const char *code, struct note n, const char *fmt, ...)
{
	struct grubinst_finding f;
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (sev == FAIL)
		in->fails++;
	else if (sev == WARN)
		in->warns++;
	if (!in->fn)
		return;
	f.severity = sev;
	f.area = area;
	f.code = code;
	f.message = msg;
	f.fix = n.fix;
	f.path = n.path;
	f.sector = n.sector_plus1 ? n.sector_plus1 - 1 : -1;
	f.grub_error = n.grub_error;
	in->fn(in->ctx, &f);
}

GI_API const char *grubinst_severity_name(enum grubinst_severity s)
{
	switch (s) {
	case GRUBINST_SEV_OK:
		return "ok";
	case GRUBINST_SEV_WARN:
		return "warn";
	case GRUBINST_SEV_FAIL:
		return "FAIL";
	}
	return "?";
}

/* Truncating on purpose: messages and paths from hostile images may be
 * longer than any buffer, and a cut message is still a message.  */
void text_printf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return;
	va_start(ap, fmt);
	if (vsnprintf(buf, size, fmt, ap) < 0)
		buf[0] = '\0';
	va_end(ap);
}

void text_copy(char *dst, size_t size, const char *src)
{
	text_printf(dst, size, "%s", src);
}

const char *fixf(struct inspect *in, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(in->fixbuf, sizeof(in->fixbuf), fmt, ap) < 0)
		in->fixbuf[0] = '\0';
	va_end(ap);
	return in->fixbuf;
}
