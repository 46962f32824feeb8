/* The public handle: options are copied so the caller's strings may go. */
#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"

/* Reproducible builds want a malformed SOURCE_DATE_EPOCH to stop the
 * build, not to be ignored: it becomes GRUBINST_TIME_INVALID, which an
 * install refuses.  */
static long long source_date_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !*s)
		return GRUBINST_TIME_NOW;
	if (!isdigit((unsigned char)*s))
		return GRUBINST_TIME_INVALID;
	errno = 0;
	v = strtoll(s, &end, 10);
	return errno || *end ? GRUBINST_TIME_INVALID : v;
}

GI_API void grubinst_options_init(struct grubinst_options *o)
{
	memset(o, 0, sizeof(*o));
	o->size = sizeof(*o);
	o->timeout = -1;
	o->target = GRUBINST_TARGET_MBR;
	o->timestamp = source_date_epoch();
	o->set_default = -1;
	o->once = -1;
}

/* Every string option, where it is in the options: the handle keeps its
 * own copy of each, so that the caller may free or reuse its strings as
 * soon as grubinst_open() returns.  A string option added to the header
 * goes here, and only here.  */
#define STRING_OPTION(field) offsetof(struct grubinst_options, field)
static const size_t string_options[] = {
	STRING_OPTION(stage_dir),
	STRING_OPTION(config),
	STRING_OPTION(kernel),
	STRING_OPTION(initrd),
	STRING_OPTION(append),
	STRING_OPTION(title),
	STRING_OPTION(serial),
	STRING_OPTION(boot_dir),
	STRING_OPTION(grub2_dir),
	STRING_OPTION(disks[0]),
	STRING_OPTION(disks[1]),
	STRING_OPTION(disks[2]),
	STRING_OPTION(disks[3]),
};
_Static_assert(GRUBINST_MAX_DISKS == 4,
	       "string_options[] lists every element of disks[]");

static const char **string_option(struct grubinst_options *o, size_t i)
{
	return (const char **)((char *)o + string_options[i]);
}

static void free_option_strings(struct grubinst_options *o)
{
	for (size_t i = 0; i < sizeof(string_options) / sizeof(string_options[0]); i++) {
		free((char *)*string_option(o, i));
		*string_option(o, i) = NULL;
	}
}

/* The options as the caller's version of the header knows them; fields
 * added after them keep their defaults.  A SIZE that no version had means
 * the options were never initialised: every call on the handle fails.  */
static bool copy_known(struct grubinst_options *dst,
		       const struct grubinst_options *src)
{
	size_t n = src->size < sizeof(*dst) ? src->size : sizeof(*dst);

	grubinst_options_init(dst);
	if (src->size < offsetof(struct grubinst_options, report_ctx) +
				sizeof(src->report_ctx) ||
	    src->size > 64 * sizeof(*dst))
		return false;
	memcpy(dst, src, n);
	dst->size = sizeof(*dst);
	return true;
}

static int copy_options(struct grubinst_options *dst,
			const struct grubinst_options *src, bool *valid)
{
	bool failed = false;

	*valid = copy_known(dst, src);
	if (!*valid)
		return 0;	/* the defaults, with no strings */
	/* Each string of DST is still the caller's until it is copied here;
	 * a failed copy leaves NULL, so that free_option_strings() frees only
	 * copies.  */
	for (size_t i = 0; i < sizeof(string_options) / sizeof(string_options[0]); i++) {
		const char **s = string_option(dst, i);
		const char *theirs = *s;

		*s = NULL;
		if (theirs && !(*s = strdup(theirs)))
			failed = true;
	}
	return failed ? -1 : 0;
}

static grubinst *new_handle(const char *name,
			    const struct grubinst_options *opts)
{
	struct grubinst_options defaults;
	grubinst *g = calloc(1, sizeof(*g));

	if (!g)
		return NULL;
	if (!opts) {
		grubinst_options_init(&defaults);
		opts = &defaults;
	}
	g->fd = -1;
	g->path = strdup(name);
	g->shown = strdup(name);
	if (g->shown)
		gi_printable(g->shown);
	if (!g->path || !g->shown ||
	    copy_options(&g->opts, opts, &g->options_valid) < 0) {
		grubinst_close(g);
		return NULL;
	}
	g->rep.fn = g->opts.report;
	g->rep.ctx = g->opts.report_ctx;
	return g;
}

GI_API grubinst *grubinst_open(const char *path,
			       const struct grubinst_options *opts)
{
	return new_handle(path ? path : "", opts);
}

/* A bad descriptor is reported by the calls that use it, like a bad
 * path: opening only copies.  */
GI_API grubinst *grubinst_open_fd(int fd, const char *name,
				  const struct grubinst_options *opts)
{
	char fallback[48];
	grubinst *g;

	if (!name) {
		snprintf(fallback, sizeof(fallback), "file descriptor %d", fd);
		name = fallback;
	}
	g = new_handle(name, opts);
	if (g) {
		g->by_fd = true;
		g->unnamed = name == fallback;
		g->fd = fd;
	}
	return g;
}

GI_API const char *grubinst_name(const grubinst *g)
{
	return g ? g->shown : NULL;
}

GI_API const char *grubinst_error(const grubinst *g)
{
	if (!g)
		return "out of memory";
	return g->err.code ? g->err.text : "no error";
}

GI_API const char *grubinst_error_code(const grubinst *g)
{
	if (!g)
		return gi_cause_name(GI_CAUSE_NOMEM);
	if (!g->err.code)
		return gi_cause_name(GI_CAUSE_NONE);
	if (g->err.cause == GI_CAUSE_RULE && g->err.rule)
		return g->err.rule;
	return gi_cause_name(g->err.cause);
}

GI_API const char *grubinst_version(void)
{
	return GRUBINST_VERSION;
}

int gi_start(grubinst *g)
{
	memset(&g->err, 0, sizeof(g->err));
	g->verified_loader = NULL;
	if (!g->options_valid)
		return gi_fail_as(&g->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, g->path,
				  "the options were not set up with "
				  "grubinst_options_init()");
	return 0;
}

GI_API void grubinst_free(void *p)
{
	free(p);
}

GI_API void grubinst_close(grubinst *g)
{
	if (!g)
		return;
	free_option_strings(&g->opts);
	free(g->path);
	free(g->shown);
	free(g);
}
