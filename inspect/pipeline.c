/*
 * grubinst_verify(): the checks in boot order, one row each.  A check
 * reads the image through the state of context.c and what the rows
 * before it learned (struct inspect says which row writes which field),
 * and reports findings as it goes.  A new check is a row here, a file,
 * a test and a line in docs/verify.md (docs/HACKING.md).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

static const struct check {
	const char *name;
	int (*run)(struct inspect *in);
	bool map;		/* grubinst_map() draws what it learns */
	enum scope scope;	/* who its failures stop (a finding may say) */
} checks[] = {
	{ "partitions", check_partitions, true, SCOPE_GRUB },	/* partitions.c */
	{ "bootcode", check_bootcode, true, SCOPE_GRUB },	/* bootcode.c */
	{ "chain", check_chain, true, SCOPE_GRUB },		/* chain.c */
	{ "fsfeatures", check_fs_features, false, SCOPE_GRUB },	/* fsfeatures.c */
	{ "menu", check_menu, false, SCOPE_GRUB },		/* menu.c */
	{ "kernel", check_kernel, false, SCOPE_LINUX },		/* kernel.c */
	{ "root", check_root, false, SCOPE_LINUX },		/* kernel.c */
	/* After root: whether Linux mounts a filesystem decides how bad
	 * its blocks past the partition end are.  */
	{ "blocks", check_blocks, false, SCOPE_LINUX },		/* blocks.c */
	{ "userspace", check_userspace, false, SCOPE_LINUX },	/* userspace.c */
};

/* Runs the checks in order (only those the map needs when MAP_ONLY) until
 * one finds that the image cannot be read: -1, and IN->fatal says why.  */
int inspect_run(struct inspect *in, bool map_only)
{
	int rc = 0;

	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (map_only && !checks[i].map)
			continue;
		in->check_scope = checks[i].scope;
		if (checks[i].run(in) < 0) {
			rc = -1;
			break;
		}
	}
	findings_deliver(in);
	return rc;
}

int inspect_image(grubinst *g, struct image *img,
		  const struct journal *pending, const struct stage_set *builtin,
		  inspect_scoped_fn fn, void *ctx)
{
	struct inspect *in = inspect_new(g, NULL, ctx);
	int fails, rc;

	if (!in)
		return -gi_fail(&g->err, GRUBINST_ENOMEM, "out of memory");
	in->scoped = fn;
	in->given_img = img;
	in->pending = pending;
	in->given_builtin = builtin;
	inspect_run(in, false);
	fails = in->fails;
	rc = inspect_free(in);
	return rc ? -rc : fails;
}

GI_API int grubinst_verify(grubinst *g, grubinst_finding_fn fn, void *ctx)
{
	struct inspect *in;
	int fails, rc;

	if (!g)
		return GRUBINST_ENOMEM;
	if (gi_start(g))
		return g->err.code;
	in = inspect_new(g, fn, ctx);
	if (!in)
		return gi_fail(&g->err, GRUBINST_ENOMEM, "out of memory");
	inspect_run(in, false);
	fails = in->fails;
	rc = inspect_free(in);
	if (rc)
		return rc;
	return fails ? GRUBINST_WONT_BOOT : GRUBINST_OK;
}
