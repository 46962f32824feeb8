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
} checks[] = {
	{ "partitions", check_partitions, true },	/* partitions.c */
	{ "bootcode", check_bootcode, true },		/* bootcode.c */
	{ "chain", check_chain, true },			/* chain.c */
	{ "blocks", check_blocks, false },		/* blocks.c */
	{ "fsfeatures", check_fs_features, false },	/* fsfeatures.c */
	{ "menu", check_menu, false },			/* menu.c */
	{ "kernel", check_kernel, false },		/* kernel.c */
	{ "userspace", check_userspace, false },	/* userspace.c */
};

/* Runs the checks in order (only those the map needs when MAP_ONLY) until
 * one finds that the image cannot be read: -1, and IN->fatal says why.  */
int inspect_run(struct inspect *in, bool map_only)
{
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		if (map_only && !checks[i].map)
			continue;
		if (checks[i].run(in) < 0)
			return -1;
	}
	return 0;
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
