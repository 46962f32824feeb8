/*
 * What GRUB 0.97 can boot from: the rules that the installer (which
 * refuses) and the inspector (which reports) share.  One home per rule.
 */
#ifndef GRUBINST_INSPECT_RULES_H
#define GRUBINST_INSPECT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include <ext2fs/ext2fs.h>

/* A filesystem feature GRUB 0.97's ext2 reader cannot follow. */
struct fs_problem {
	uint32_t mask;		/* in s_feature_incompat */
	const char *name;	/* as mke2fs -O names it */
	const char *why;	/* "is ...", "has ...", "needs ..." */
	const char *fix;
};

/* The next such feature set in SB, searching from *POS (start at 0);
 * NULL when there is none left.  */
const struct fs_problem *fs_grub_unreadable(const struct ext2_super_block *sb,
					    size_t *pos);
/* "has errors recorded" or "was not cleanly unmounted", and what Linux
 * warns when it mounts it ("mounting ..."); NULL for a clean filesystem.  */
const char *fs_unclean(const struct ext2_super_block *sb,
		       const char **kernel_says);

/* Does GRUB 0.97's ext2 reader mount a partition of this MBR type? */
bool grub_mounts_type(unsigned type);

#endif
