/* Findings: formatted here, handed to the caller's function at once. */
#include <stdint.h>
#include <stdio.h>

#include "inspect/inspect.h"

/* The length of the character at S if a terminal shows it as text, else
 * 0: C0 and C1 controls (U+0080..U+009F would start escape sequences
 * too), DEL, and bytes that are not UTF-8 (a terminal in an 8-bit mode
 * takes 0x9b for CSI).  */
static size_t text_char(const unsigned char *s)
{
	static const uint32_t least[] = { 0, 0xa0, 0x800, 0x10000 };
	unsigned extra = s[0] >= 0xf0 ? 3 : s[0] >= 0xe0 ? 2 : 1;
	uint32_t cp;

	if (s[0] < 0x80)
		return s[0] >= 0x20 && s[0] != 0x7f;
	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	cp = s[0] & (0x3f >> extra);
	for (unsigned i = 1; i <= extra; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < least[extra] || (cp >= 0xd800 && cp < 0xe000) || cp > 0x10ffff)
		return 0;
	return extra + 1;
}

/* Names and titles come from the image: a control character in one (a
 * newline, an escape sequence) must not reach the caller's terminal or
 * break the one-line promise.  Each such byte reads '?'.  */
static void printable(char *s)
{
	unsigned char *p = (unsigned char *)s;

	while (*p) {
		size_t n = text_char(p);

		if (!n)
			*p = '?';
		p += n ? n : 1;
	}
}

void finding(struct inspect *in, enum grubinst_severity sev, enum grubinst_area area,
	     const char *code, struct note n, const char *fmt, ...)
{
	struct grubinst_finding f;
	char msg[1536], fix[sizeof(in->fixbuf)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printable(msg);
	if (n.fix) {
		text_copy(fix, sizeof(fix), n.fix);
		printable(fix);
		n.fix = fix;
	}
	if (sev == FAIL)
		in->fails++;
	else if (sev == WARN)
		in->warns++;
	if (!in->fn && !in->scoped)
		return;
	f.severity = sev;
	f.area = grubinst_area_name(area);
	f.area_id = area;
	f.code = code;
	f.message = msg;
	f.fix = n.fix;
	f.path = n.path;
	f.sector = n.sector_plus1 ? n.sector_plus1 - 1 : -1;
	f.grub_error = n.grub_error;
	if (in->scoped)
		in->scoped(in->ctx, &f, n.scope ? n.scope : in->check_scope);
	else
		in->fn(in->ctx, &f);
}

void finding_verdict(struct inspect *in, enum grubinst_area area,
		     const struct verdict *v, const char *path)
{
	finding(in, v->severity, area, v->code,
		NOTE(.path = path, .fix = v->fix[0] ? v->fix : NULL,
		     .grub_error = v->grub_error,
		     .sector_plus1 = v->sector == UINT64_MAX ? 0 : note_sector(v->sector),
		     .scope = v->refuse ? SCOPE_GRUB : SCOPE_CHECK),
		"%s", v->message);
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

GI_API const char *grubinst_area_name(enum grubinst_area area)
{
	static const char *const names[GRUBINST_AREA_COUNT] = {
		[GRUBINST_AREA_DISK] = "disk",
		[GRUBINST_AREA_BOOTCODE] = "bootcode",
		[GRUBINST_AREA_CHAIN] = "chain",
		[GRUBINST_AREA_FILESYSTEM] = "filesystem",
		[GRUBINST_AREA_FEATURES] = "features",
		[GRUBINST_AREA_MENU] = "menu",
		[GRUBINST_AREA_USERSPACE] = "userspace",
	};

	return (unsigned)area < GRUBINST_AREA_COUNT ? names[area] : NULL;
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
