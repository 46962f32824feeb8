/*
 * grubinst_verify(): the checks in boot order, one row each: the disk and
 * the boot code, then the rows of the boot loader in use (loaders.c),
 * then Linux's.  A check reads the image through the state of context.c
 * and what the rows before it learned (struct inspect says which row
 * writes which field), and reports findings as it goes.  A new check is a
 * row here or in its loader's table, a file, a test, and for each code a
 * row in codes.c and a line in docs/verify.md (docs/HACKING.md).
 */
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

/* What every boot goes through before its loader: the disk, and the
 * code the BIOS runs.  */
static const struct check before[] = {
	{ "partitions", check_partitions, true, SCOPE_GRUB },	/* partitions.c */
	{ "bootcode", check_bootcode, true, SCOPE_GRUB },	/* bootcode.c */
};

/* ...and after it, once a kernel is loaded: Linux's part. */
static const struct check after[] = {
	{ "kernel", check_kernel, false, SCOPE_LINUX },		/* kernel.c */
	{ "root", check_root, false, SCOPE_LINUX },		/* kernel.c */
	/* After root: whether Linux mounts a filesystem decides how bad
	 * its blocks past the partition end are.  */
	{ "blocks", check_blocks, false, SCOPE_LINUX },		/* blocks.c */
	{ "userspace", check_userspace, false, SCOPE_LINUX },	/* userspace.c */
};

/* Runs N checks of C in order (only those the map needs when MAP_ONLY):
 * -1 when one finds that the image cannot be read.  */
static int run_checks(struct inspect *in, const struct check *c, size_t n,
		      bool map_only)
{
	for (size_t i = 0; i < n; i++) {
		if (map_only && !c[i].map)
			continue;
		in->check_scope = c[i].scope;
		if (c[i].run(in) < 0)
			return -1;
	}
	return 0;
}

/* The checks in boot order, the loader's between the shared ones, until
 * one finds that the image cannot be read: -1, and IN->fatal says why.  */
int inspect_run(struct inspect *in, bool map_only)
{
	const struct verify_loader *l;
	int rc = run_checks(in, before, sizeof(before) / sizeof(before[0]), map_only);

	if (!rc) {
		l = verify_loader_of(in->boot.kind);
		in->loader = l;
		if (in->g)
			in->g->verified_loader = l->kind == in->boot.kind ? l->name : NULL;
		rc = run_checks(in, l->checks, l->nchecks, map_only);
	}
	if (!rc)
		rc = run_checks(in, after, sizeof(after) / sizeof(after[0]), map_only);
	if (in->loader && in->loader->done)
		in->loader->done(in);
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
	in->census_every_inode = true;
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
