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

static void free_option_strings(struct grubinst_options *o)
{
	free((char *)o->stage_dir);
	free((char *)o->config);
	free((char *)o->kernel);
	free((char *)o->initrd);
	free((char *)o->append);
	free((char *)o->title);
	free((char *)o->serial);
	free((char *)o->boot_dir);
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
	*valid = copy_known(dst, src);
	if (!*valid)
		return 0;	/* the defaults, with no strings */
	dst->stage_dir = gi_strdup(dst->stage_dir);
	dst->config = gi_strdup(dst->config);
	dst->kernel = gi_strdup(dst->kernel);
	dst->initrd = gi_strdup(dst->initrd);
	dst->append = gi_strdup(dst->append);
	dst->title = gi_strdup(dst->title);
	dst->serial = gi_strdup(dst->serial);
	dst->boot_dir = gi_strdup(dst->boot_dir);
	if ((src->stage_dir && !dst->stage_dir) ||
	    (src->config && !dst->config) || (src->kernel && !dst->kernel) ||
	    (src->initrd && !dst->initrd) || (src->append && !dst->append) ||
	    (src->title && !dst->title) || (src->serial && !dst->serial) ||
	    (src->boot_dir && !dst->boot_dir))
		return -1;
	return 0;
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
	if (!g->path || copy_options(&g->opts, opts, &g->options_valid) < 0) {
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
	if (!g->options_valid)
		return gi_fail_as(&g->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, g->path,
				  "the options were not set up with "
				  "grubinst_options_init()");
	return 0;
}

GI_API void grubinst_close(grubinst *g)
{
	if (!g)
		return;
	free_option_strings(&g->opts);
	free(g->path);
	free(g);
}
