/* Error recording and report lines. */
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"

int gi_fail(struct gi_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err->code != GRUBINST_OK)
		return err->code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
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

GI_API const char *grubinst_strstatus(int status)
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
	}
	return "unknown status";
}
