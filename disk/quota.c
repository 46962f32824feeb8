/*
 * Quota usage (ext4 -O quota, -O project): the filesystem keeps, per
 * user, group and project, the space and the inodes its files use, in
 * quota files that e2fsck checks against the inodes ("[QUOTA WARNING]
 * Usage inconsistent", exit 4).  libext2fs leaves them alone, and its
 * quota code (e2fsprogs' lib/support) is not installed.
 *
 * An install changes few inodes, and every change is in the journal: the
 * inode-table blocks it rewrote, against the same blocks on the image,
 * give each changed inode's usage before and after.  The differences are
 * added to the entries of the quota files (the "vfsv1" tree format of
 * Linux's quota_v2), which the install rewrites in place: they never
 * grow.  An owner the quota file has no entry for (the tree would have
 * to grow) is a refusal, with a fix.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

#define QT_BLOCK 1024u		/* the quota file's blocks */
#define QT_TREE_ROOT 1u		/* block of the tree's root */
#define QT_DEPTH 4
#define QT_DATA_HEADER 16	/* the header of a data block */
#define QT_ENTRY 72		/* struct v2r1_disk_dqblk */
#define QT_ENTRY_INODES 24	/* offset of dqb_curinodes */
#define QT_ENTRY_SPACE 48	/* offset of dqb_curspace */
#define QT_VERSION 1

enum { QUOTA_USER, QUOTA_GROUP, QUOTA_PROJECT, QUOTA_TYPES };

static const uint32_t quota_magic[QUOTA_TYPES] = {
	0xd9c01f11, 0xd9c01927, 0xd9c03f14,
};

static const char *const quota_name[QUOTA_TYPES] = {
	"user", "group", "project",
};

/* What one id's usage changes by. */
struct quota_delta {
	uint32_t id;
	int64_t space;		/* bytes */
	int64_t inodes;
};

struct quota_deltas {
	struct quota_delta *d;
	size_t n, cap;
};

struct quota_change {
	ext2_filsys e2;
	const struct image *img;
	uint64_t offset;	/* of the filesystem, bytes */
	ext2_ino_t prj_ino;	/* the project quota file: not counted */
	struct quota_deltas type[QUOTA_TYPES];
};

static int delta_add(struct quota_deltas *q, uint32_t id, int64_t space,
		     int64_t inodes)
{
	for (size_t i = 0; i < q->n; i++)
		if (q->d[i].id == id) {
			q->d[i].space += space;
			q->d[i].inodes += inodes;
			return 0;
		}
	if (gi_grow(&q->d, &q->cap, q->n, sizeof(*q->d), 8))
		return -1;
	q->d[q->n++] = (struct quota_delta){ id, space, inodes };
	return 0;
}

/* Does inode INO (its bytes IN) count towards quota, as e2fsck counts:
 * an inode in use, the root directory or an ordinary inode, not the
 * project quota file, not an extended attribute's inode.  */
static bool counted(const struct quota_change *qc, ext2_ino_t ino, bool used,
		    const struct ext2_inode_large *in)
{
	if (!used || ino == qc->prj_ino)
		return false;
	if (ino != EXT2_ROOT_INO && ino < EXT2_FIRST_INODE(qc->e2->super))
		return false;
	return !(in->i_flags & EXT4_EA_INODE_FL);
}

static uint32_t project_of(const struct quota_change *qc,
			   const struct ext2_inode_large *in)
{
	size_t end = offsetof(struct ext2_inode_large, i_projid) + 4;

	if (EXT2_INODE_SIZE(qc->e2->super) < end ||
	    EXT2_GOOD_OLD_INODE_SIZE + (size_t)in->i_extra_isize < end)
		return 0;
	return in->i_projid;
}

/* Adds SIGN times inode IN's usage to its user, group and project. */
static int account(struct quota_change *qc, const struct ext2_inode_large *in,
		   int sign)
{
	int64_t space = (int64_t)ext2fs_get_stat_i_blocks(qc->e2,
				(struct ext2_inode *)in) * 512 * sign;
	uint32_t id[QUOTA_TYPES] = {
		inode_uid(*in), inode_gid(*in), project_of(qc, in),
	};

	for (int t = 0; t < QUOTA_TYPES; t++)
		if (delta_add(&qc->type[t], id[t], space, sign) < 0)
			return -1;
	return 0;
}

/* Block BLK of the filesystem as the image holds it: before the install. */
static errcode_t read_old(const struct quota_change *qc, uint64_t blk,
			  void *buf, size_t len)
{
	struct gi_err err = { 0 };
	uint64_t sector = qc->offset / SECTOR_SIZE +
			  blk * (qc->e2->blocksize / SECTOR_SIZE);

	if (image_read((struct image *)qc->img, sector, buf,
		       len / SECTOR_SIZE, &err))
		return err.errnum ? err.errnum : EXT2_ET_SHORT_READ;
	return 0;
}

/* The group's inode bitmap as the image holds it (before the install),
 * into MAP; all clear for a group whose inodes were never initialized.  */
static errcode_t old_inode_bitmap(const struct quota_change *qc, dgrp_t g,
				  uint8_t *map)
{
	ext2_filsys e2 = qc->e2;
	unsigned desc_size = EXT2_DESC_SIZE(e2->super);
	unsigned per_block = e2->blocksize / desc_size;
	blk64_t dblk = ext2fs_descriptor_block_loc2(e2, e2->super->s_first_data_block,
						    g / per_block);
	uint8_t *desc = malloc(e2->blocksize);
	errcode_t rc;
	uint16_t flags;

	if (!desc)
		return EXT2_ET_NO_MEMORY;
	rc = read_old(qc, dblk, desc, e2->blocksize);
	if (rc) {
		free(desc);
		return rc;
	}
	flags = le16(desc + (g % per_block) * desc_size +
		     offsetof(struct ext2_group_desc, bg_flags));
	free(desc);
	if (ext2fs_has_group_desc_csum(e2) && (flags & EXT2_BG_INODE_UNINIT)) {
		memset(map, 0, e2->blocksize);
		return 0;
	}
	return read_old(qc, ext2fs_inode_bitmap_loc(e2, g), map, e2->blocksize);
}

/* Is the new inode IN in use: a file libext2fs wrote, not one it freed
 * (it clears the links and sets the deletion time).  */
static bool new_used(const struct ext2_inode_large *in)
{
	return in->i_links_count > 0 && in->i_dtime == 0 && in->i_mode != 0;
}

/* The usage changes of the inodes in block BLK of GROUP's inode table. */
static errcode_t table_block(struct quota_change *qc, const struct journal *j,
			     dgrp_t g, blk64_t blk, uint8_t *old, uint8_t *now,
			     uint8_t *map)
{
	ext2_filsys e2 = qc->e2;
	unsigned isize = EXT2_INODE_SIZE(e2->super);
	unsigned per_block = e2->blocksize / isize;
	uint64_t first = (blk - ext2fs_inode_table_loc(e2, g)) * per_block;
	struct ext2_inode_large a, b;
	errcode_t rc = read_old(qc, blk, old, e2->blocksize);

	if (rc)
		return rc;
	memcpy(now, old, e2->blocksize);
	journal_overlay(j, qc->offset + blk * e2->blocksize, now, e2->blocksize);
	if (!memcmp(old, now, e2->blocksize))
		return 0;
	rc = old_inode_bitmap(qc, g, map);
	if (rc)
		return rc;
	for (unsigned i = 0; i < per_block; i++) {
		uint64_t index = first + i;
		ext2_ino_t ino = (ext2_ino_t)(g * e2->super->s_inodes_per_group +
					      index + 1);
		size_t n = isize < sizeof(a) ? isize : sizeof(a);

		if (index >= e2->super->s_inodes_per_group)
			break;
		if (!memcmp(old + i * isize, now + i * isize, isize))
			continue;
		memset(&a, 0, sizeof(a));
		memset(&b, 0, sizeof(b));
		memcpy(&a, old + i * isize, n);
		memcpy(&b, now + i * isize, n);
		if ((counted(qc, ino, map[index / 8] & (1u << (index % 8)), &a) &&
		     account(qc, &a, -1)) ||
		    (counted(qc, ino, new_used(&b), &b) && account(qc, &b, +1)))
			return EXT2_ET_NO_MEMORY;
	}
	return 0;
}

/* Every inode-table block the journal changes. */
static errcode_t scan_tables(struct quota_change *qc, const struct journal *j)
{
	ext2_filsys e2 = qc->e2;
	uint8_t *old = malloc(e2->blocksize), *now = malloc(e2->blocksize),
		*map = malloc(e2->blocksize);
	uint64_t spb = e2->blocksize / SECTOR_SIZE, base = qc->offset / SECTOR_SIZE;
	errcode_t rc = old && now && map ? 0 : EXT2_ET_NO_MEMORY;

	for (dgrp_t g = 0; !rc && g < e2->group_desc_count; g++) {
		blk64_t t0 = ext2fs_inode_table_loc(e2, g);
		blk64_t t1 = t0 + e2->inode_blocks_per_group;

		for (size_t r = 0; !rc && r < j->n; r++) {
			const struct journal_run *run = &j->run[r];
			uint64_t s0 = run->sector, s1 = run->sector + run->count;
			blk64_t b0, b1;

			if (s1 <= base || run->cls == JOURNAL_FS_FREE)
				continue;
			b0 = (s0 < base ? 0 : (s0 - base) / spb);
			b1 = (s1 - base + spb - 1) / spb;
			if (b0 < t0)
				b0 = t0;
			if (b1 > t1)
				b1 = t1;
			for (blk64_t b = b0; !rc && b < b1; b++)
				rc = table_block(qc, j, g, b, old, now, map);
		}
	}
	free(old);
	free(now);
	free(map);
	return rc;
}

/* The quota files' inodes, by type; 0 where a type is not kept. */
static void quota_inodes(ext2_filsys e2, ext2_ino_t ino[QUOTA_TYPES])
{
	ino[QUOTA_USER] = e2->super->s_usr_quota_inum;
	ino[QUOTA_GROUP] = e2->super->s_grp_quota_inum;
	ino[QUOTA_PROJECT] = ext2fs_has_feature_project(e2->super)
				     ? e2->super->s_prj_quota_inum : 0;
}

static errcode_t qread(ext2_file_t f, uint64_t off, void *buf, unsigned len)
{
	unsigned got = 0;
	errcode_t rc = ext2fs_file_llseek(f, off, EXT2_SEEK_SET, NULL);

	if (!rc)
		rc = ext2fs_file_read(f, buf, len, &got);
	return rc ? rc : got == len ? 0 : EXT2_ET_SHORT_READ;
}

/* Where the entry of ID is in quota file F: *AT, or 0 when it has none. */
static errcode_t find_entry(ext2_file_t f, uint32_t id, uint64_t *at)
{
	uint8_t block[QT_BLOCK];
	uint32_t ref = QT_TREE_ROOT;
	unsigned entries = (QT_BLOCK - QT_DATA_HEADER) / QT_ENTRY;
	static const uint8_t unused[QT_ENTRY];
	errcode_t rc;

	*at = 0;
	for (int depth = 0; depth < QT_DEPTH; depth++) {
		unsigned index = (id >> ((QT_DEPTH - depth - 1) * 8)) & 0xff;

		rc = qread(f, (uint64_t)ref * QT_BLOCK + index * 4, block, 4);
		if (rc)
			return rc;
		ref = le32(block);
		if (!ref)
			return 0;
		if (ref <= QT_TREE_ROOT)
			return EXT2_ET_BAD_BLOCK_NUM;	/* a loop: damage */
	}
	rc = qread(f, (uint64_t)ref * QT_BLOCK, block, QT_BLOCK);
	if (rc)
		return rc;
	for (unsigned i = 0; i < entries; i++) {
		const uint8_t *e = block + QT_DATA_HEADER + i * QT_ENTRY;

		if (memcmp(e, unused, QT_ENTRY) && le32(e) == id) {
			*at = (uint64_t)ref * QT_BLOCK + QT_DATA_HEADER +
			      i * QT_ENTRY;
			return 0;
		}
	}
	return 0;
}

/* Adds D to the entry at AT of F. */
static errcode_t update_entry(ext2_file_t f, uint64_t at,
			      const struct quota_delta *d)
{
	uint8_t e[QT_ENTRY];
	unsigned put = 0;
	errcode_t rc = qread(f, at, e, QT_ENTRY);

	if (rc)
		return rc;
	put_le64(e + QT_ENTRY_SPACE, le64(e + QT_ENTRY_SPACE) + (uint64_t)d->space);
	put_le64(e + QT_ENTRY_INODES,
		 le64(e + QT_ENTRY_INODES) + (uint64_t)d->inodes);
	rc = ext2fs_file_llseek(f, at, EXT2_SEEK_SET, NULL);
	if (!rc)
		rc = ext2fs_file_write(f, e, QT_ENTRY, &put);
	return rc ? rc : put == QT_ENTRY ? 0 : EXT2_ET_SHORT_WRITE;
}

/* Applies the changes of type T to its quota file INO: 0, or *MISSING
 * names an id the file has no entry for.  */
static errcode_t apply(struct quota_change *qc, int t, ext2_ino_t ino,
		       const struct quota_delta **missing)
{
	const struct quota_deltas *q = &qc->type[t];
	uint8_t head[8];
	ext2_file_t f;
	errcode_t rc, rc2;

	rc = ext2fs_file_open(qc->e2, ino, EXT2_FILE_WRITE, &f);
	if (rc)
		return rc;
	rc = qread(f, 0, head, sizeof(head));
	if (!rc && (le32(head) != quota_magic[t] || le32(head + 4) != QT_VERSION))
		rc = EXT2_ET_UNSUPP_FEATURE;	/* not the format Linux writes */
	for (size_t i = 0; !rc && i < q->n; i++) {
		uint64_t at;

		if (!q->d[i].space && !q->d[i].inodes)
			continue;
		rc = find_entry(f, q->d[i].id, &at);
		if (!rc && !at) {
			*missing = &q->d[i];
			break;
		}
		if (!rc)
			rc = update_entry(f, at, &q->d[i]);
	}
	rc2 = ext2fs_file_close(f);
	return rc ? rc : rc2;
}

/* The fix when an owner has no entry: quota off on a copy of the
 * filesystem; tune2fs -O quota after the install counts everything
 * again.  */
static void no_quota_fix(const struct fs *fs, const char *image, char *buf,
			 size_t size)
{
	char tmpl[640];

	snprintf(tmpl, sizeof(tmpl),
		 "t=$(mktemp) && dd if=IMAGE of=\"$t\" bs=512 skip=%llu "
		 "count=%llu status=none && tune2fs -O ^quota \"$t\" && "
		 "dd if=\"$t\" of=IMAGE bs=512 seek=%llu conv=notrunc "
		 "status=none && rm \"$t\"",
		 (unsigned long long)(fs->offset / SECTOR_SIZE),
		 (unsigned long long)(fs->blocks * fs->block_size / SECTOR_SIZE),
		 (unsigned long long)(fs->offset / SECTOR_SIZE));
	if (!gi_fix_expand(buf, size, tmpl, image))
		snprintf(buf, size, "tune2fs -O ^quota on a copy of the filesystem");
}

int fs_quota_update(struct fs *fs, const struct image *img,
		    const struct journal *j, struct gi_err *err)
{
	struct quota_change qc = { .e2 = fs->e2, .img = img, .offset = fs->offset };
	const struct quota_delta *missing = NULL;
	ext2_ino_t ino[QUOTA_TYPES];
	errcode_t rc;
	int t = 0;
	char fix[1024];

	if (!ext2fs_has_feature_quota(fs->e2->super))
		return 0;
	quota_inodes(fs->e2, ino);
	qc.prj_ino = ino[QUOTA_PROJECT];
	rc = scan_tables(&qc, j);
	for (t = 0; !rc && !missing && t < QUOTA_TYPES; t++)
		if (ino[t])
			rc = apply(&qc, t, ino[t], &missing);
	for (int i = 0; i < QUOTA_TYPES; i++)
		free(qc.type[i].d);
	if (rc)
		return fs_fail(fs, rc, "cannot update the quota files", err);
	if (!missing)
		return 0;
	no_quota_fix(fs, fs->image_path, fix, sizeof(fix));
	return gi_refuse(err, GI_CAUSE_FS_FEATURE, fs->image_path,
			 "the filesystem at byte %llu keeps quotas, and its %s "
			 "quota file has no entry for id %u, whose files the "
			 "install changes; grubinst updates entries but does "
			 "not add them: turn quotas off first (tune2fs -O "
			 "quota counts them again after the install): %s",
			 (unsigned long long)fs->offset, quota_name[t - 1],
			 missing->id, fix);
}
