/*
 * Features GRUB 0.97's ext2 reader (Debian's, with its ext4 patches) cannot
 * follow: shared by the installer, which refuses such a filesystem, and the
 * inspector, which reports it.  Established by booting images in QEMU
 * (tests/boot.test, tests/verify_boot.test): default ext2, ext3 and ext4 (extents, flex_bg,
 * 64bit, metadata_csum, 256-byte inodes) boot; these do not, or make a
 * reader see stale data.
 */
#include "inspect/rules.h"
#include "stages/layout.h"

static const struct fs_problem unreadable_incompat[] = {
	{ EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery",
	  "needs journal recovery: GRUB and grubinst would see stale data",
	  "e2fsck -fy" },
	{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev",
	  "is an external journal, not a filesystem", "mke2fs" },
	{ EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression", "uses compression",
	  "mke2fs" },
	{ EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data",
	  "has inline_data: GRUB cannot read small files and directories kept "
	  "inside their inodes", "mke2fs -O ^inline_data" },
};

const struct fs_problem *fs_grub_unreadable(const struct ext2_super_block *sb,
					    size_t *pos)
{
	size_t n = sizeof(unreadable_incompat) / sizeof(unreadable_incompat[0]);

	for (; *pos < n; (*pos)++)
		if (sb->s_feature_incompat & unreadable_incompat[*pos].mask)
			return &unreadable_incompat[(*pos)++];
	return NULL;
}

/* The state the kernel records: a filesystem it found errors in, or did
 * not unmount.  GRUB reads it regardless; the installer refuses it, since
 * its bitmaps may not match its files.  */
const char *fs_unclean(const struct ext2_super_block *sb,
		       const char **kernel_says)
{
	/* A journal to replay is the needs_recovery feature above. */
	if (sb->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER)
		return NULL;
	if (sb->s_state & EXT2_ERROR_FS) {
		*kernel_says = "mounting fs with errors";
		return "has errors recorded";
	}
	if (!(sb->s_state & EXT2_VALID_FS)) {
		*kernel_says = "mounting unchecked fs";
		return "was not cleanly unmounted";
	}
	return NULL;
}

/* ext2fs_mount() in stage2/fsys_ext2fs.c refuses any other partition type
 * ("Error 17: Cannot mount selected partition").  */
bool grub_mounts_type(unsigned type)
{
	return type == PART_TYPE_LINUX || type == PART_TYPE_LINUX_RAID;
}
