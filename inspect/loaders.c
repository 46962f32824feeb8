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

/* GRUB 2 (i386-pc): boot.img -> diskboot.img -> core.img, its prefix,
 * normal.mod and the modules it needs, then grub.cfg as normal.mod runs
 * it.  */
static const struct check grub2_checks[] = {
	{ "grub2-core", check_grub2_core, true, SCOPE_GRUB },	/* grub2.c */
	{ "grub2-normal", check_grub2_normal, false, SCOPE_GRUB },	/* grub2.c */
	{ "grub2-cfg", check_grub2_cfg, false, SCOPE_GRUB },	/* grub2cfg.c */
};

static const struct verify_loader loaders[] = {
	{ "grub-legacy", BOOT_GRUB_LEGACY, grub_legacy_checks,
	  sizeof(grub_legacy_checks) / sizeof(grub_legacy_checks[0]), NULL, false },
	{ "grub2", BOOT_GRUB2, grub2_checks,
	  sizeof(grub2_checks) / sizeof(grub2_checks[0]), g2_free, true },
};

const struct verify_loader *verify_loader_of(enum boot_kind kind)
{
	for (size_t i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++)
		if (loaders[i].kind == kind)
			return &loaders[i];
	return &loaders[0];
}
