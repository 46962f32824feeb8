/*
 * The boot loaders --verify follows, one row each: the boot code that is
 * theirs (as bootcode.c recognises it) and their checks from that code to
 * the kernel the menu boots.  What comes before them (the partitions, the
 * boot code) and after them (the kernel, root=, the blocks, userspace) is
 * the same for every loader: pipeline.c runs those.  A second loader is a
 * row here and the files of its checks (docs/HACKING.md, "Adding a boot
 * loader").
 */
#include "inspect/inspect.h"

/* GRUB Legacy 0.97: stage1 -> stage1.5 -> stage2 by their block lists and
 * names, what its ext2 reader cannot read, then menu.lst as stage2 runs
 * it.  */
static const struct check grub_legacy_checks[] = {
	{ "chain", check_chain, true, SCOPE_GRUB },		/* chain.c */
	{ "fsfeatures", check_fs_features, false, SCOPE_GRUB },	/* fsfeatures.c */
	{ "menu", check_menu, false, SCOPE_GRUB },		/* menu.c */
};

static const struct verify_loader loaders[] = {
	{ "grub-legacy", BOOT_GRUB_LEGACY, grub_legacy_checks,
	  sizeof(grub_legacy_checks) / sizeof(grub_legacy_checks[0]) },
};

const struct verify_loader *verify_loader_of(enum boot_kind kind)
{
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i].kind == kind)
			return &loaders[i];
	return &loaders[0];
}
