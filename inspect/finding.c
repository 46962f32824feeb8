/*
 * Findings: formatted here, held until the checks are done, then handed
 * to the caller's function in order.  Holding them lets a fix line be
 * judged against the whole report: "grubinst IMAGE" is no fix while the
 * installer refuses the image, so such a line gets the refusal's own fix
 * in front of it.  IMAGE in a fix becomes the image's path, quoted
 * (lib/fixline.c), so that every line runs as printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

/* Names and titles come from the image: a control character in one (a
 * newline, an escape sequence) must not reach the caller's terminal or
 * break the one-line promise.  Each such byte reads '?' (gi_printable). */
static void printable(char *s)
{
	gi_printable(s);
}

/* A code reported with a severity, or in an area, that its row in
 * codes.c does not allow is a mistake of ours, not the image's: the row,
 * and docs/verify.md with it, no longer say what --verify reports.  The
 * finding goes out as it is: a user's run must not stop or lose a
 * finding over it (and the library never prints or aborts).  With
 * GRUBINST_CHECK_CODES set, as tests/lib/tap.sh sets it for every test,
 * the run fails as well, naming the code (grubinst_error(), exit 2 for
 * the command), so that any test that reaches such a finding fails.  */
static void check_row(struct inspect *in, enum finding_code code,
		      enum grubinst_severity sev, enum grubinst_area area)
{
	const char *strict = getenv("GRUBINST_CHECK_CODES");
	const char *name = grubinst_area_name(area);

	if (finding_code_allows(code, sev, area) || !strict || !*strict)
		return;
	gi_fail(&in->fatal, GRUBINST_EUSAGE, "finding %s reported as %s in "
		"area %s, which its row in inspect/codes.c does not allow "
		"(GRUBINST_CHECK_CODES)", finding_code_name(code),
		grubinst_severity_name(sev), name ? name : "?");
}

/* Keeps a copy of the finding until findings_deliver().  Out of memory,
 * the finding is lost but still counted: the verdict stays right.  */
static void hold(struct inspect *in, enum grubinst_severity sev,
		 enum grubinst_area area, enum finding_code code,
		 const struct note *n, const char *msg)
{
	struct held *h;

	if (gi_grow(&in->held, &in->held_cap, in->nheld, sizeof(*in->held), 64))
		return;
	h = &in->held[in->nheld];
	*h = (struct held){
		.sev = sev, .area = area, .code = code,
		.msg = gi_strdup(msg),
		.fix = n->fix ? gi_strdup(n->fix) : NULL,
		.path = n->path ? gi_strdup(n->path) : NULL,
		.sector = n->sector_plus1 ? n->sector_plus1 - 1 : -1,
		.grub_error = n->grub_error,
		.scope = n->scope ? n->scope : in->check_scope,
		.refuses_install = n->refuses_install,
		.fix_installs = n->fix_installs,
	};
	if (!h->msg || (n->fix && !h->fix) || (n->path && !h->path)) {
		free(h->msg);
		free(h->fix);
		free(h->path);
		return;
	}
	in->nheld++;
}

void finding(struct inspect *in, enum grubinst_severity sev,
	     enum finding_code code, struct note n, const char *fmt, ...)
{
	enum grubinst_area area = n.area_plus1 ? (enum grubinst_area)(n.area_plus1 - 1)
					       : finding_code_area(code);
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
	if (in->mute)
		return;
	check_row(in, code, sev, area);
	if (sev == FAIL)
		in->fails++;
	else if (sev == WARN)
		in->warns++;
	if (!in->fn && !in->scoped)
		return;
	hold(in, sev, area, code, &n, msg);
}

/* The first finding the installer refuses the image for. */
static const struct held *install_blocker(const struct inspect *in)
{
	for (size_t i = 0; i < in->nheld; i++)
		if (in->held[i].refuses_install)
			return &in->held[i];
	return NULL;
}

/* H's fix as the user runs it: behind the blocker's fix when the
 * installer would refuse the image; NULL when nothing runnable is left.  */
static const char *runnable_fix(const struct inspect *in, const struct held *h,
				const struct held *blocker, char *buf, size_t size)
{
	char joined[2 * sizeof(in->fixbuf) + 8];
	const char *fix = h->fix;

	if (!fix)
		return NULL;
	if (blocker && blocker != h && h->fix_installs) {
		if (!blocker->fix)
			return NULL;
		snprintf(joined, sizeof(joined), "%s && %s", blocker->fix, fix);
		fix = joined;
	}
	/* The installer's own check keeps IMAGE for its refusal to fill. */
	if (in->scoped) {
		text_copy(buf, size, fix);
		return buf;
	}
	if (!gi_fix_expand(buf, size, fix, in->img.path ? in->img.path : "IMAGE"))
		return NULL;	/* a cut command must not run */
	return buf;
}

void findings_deliver(struct inspect *in)
{
	const struct held *blocker = install_blocker(in);

	for (size_t i = 0; i < in->nheld; i++) {
		const struct held *h = &in->held[i];
		struct grubinst_finding f = {
			.severity = h->sev,
			.area = grubinst_area_name(h->area),
			.area_id = h->area,
			.code = finding_code_name(h->code),
			.message = h->msg,
			.path = h->path,
			.sector = h->sector,
			.grub_error = h->grub_error,
		};
		char fix[4096];

		f.fix = runnable_fix(in, h, blocker, fix, sizeof(fix));
		if (in->scoped)
			in->scoped(in->ctx, &f, h->code, h->scope);
		else if (in->fn)
			in->fn(in->ctx, &f);
	}
	findings_free(in);
}

void findings_free(struct inspect *in)
{
	for (size_t i = 0; i < in->nheld; i++) {
		free(in->held[i].msg);
		free(in->held[i].fix);
		free(in->held[i].path);
	}
	free(in->held);
	in->held = NULL;
	in->nheld = in->held_cap = 0;
}

void finding_verdict(struct inspect *in, const struct verdict *v,
		     struct note n)
{
	n.fix = v->fix[0] ? v->fix : NULL;
	n.grub_error = v->grub_error;
	n.sector_plus1 = v->sector == UINT64_MAX ? 0 : note_sector(v->sector);
	n.scope = v->refuse ? SCOPE_REFUSE : SCOPE_CHECK;
	n.refuses_install = v->refuse && v->severity != GRUBINST_SEV_OK;
	n.fix_installs = v->fix_installs;
	finding(in, v->severity, v->code, n, "%s", v->message);
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
