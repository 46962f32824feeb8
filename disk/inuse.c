/*
 * Which blocks the block bitmaps mark in use past a point: "does any file
 * reach past the end of the partition?" answered from the bitmaps of the
 * groups there, without reading every inode table.
 *
 * Those groups always hold some metadata marked in use: superblock and
 * descriptor backups, and without flex_bg their own bitmaps and inode
 * table.  Those are not file blocks (the metadata GRUB or Linux read is
 * judged on its own, inspect/blocks.c), so they are left out.
 */
#include <stdlib.h>

#include "disk/disk.h"

/* Every metadata block from FIRST on, in a tree of extents: a few
 * entries per group whatever the size of the filesystem.  */
static errcode_t metadata_from(ext2_filsys e2, blk64_t first,
			       ext2fs_block_bitmap *out)
{
	blk64_t end = ext2fs_blocks_count(e2->super);
	int type = e2->default_bitmap_type;
	ext2fs_block_bitmap meta;
	errcode_t rc;

	e2->default_bitmap_type = EXT2FS_BMAP64_RBTREE;
	rc = ext2fs_allocate_block_bitmap(e2, "metadata", &meta);
	e2->default_bitmap_type = type;
	if (rc)
		return rc;
	for (dgrp_t g = 0; g < e2->group_desc_count; g++) {
		blk64_t bb = ext2fs_block_bitmap_loc(e2, g);
		blk64_t ib = ext2fs_inode_bitmap_loc(e2, g);
		blk64_t it = ext2fs_inode_table_loc(e2, g);

		if (ext2fs_group_last_block2(e2, g) >= first)
			ext2fs_reserve_super_and_bgd(e2, g, meta);
		if (bb >= first && bb < end)
			ext2fs_mark_block_bitmap2(meta, bb);
		if (ib >= first && ib < end)
			ext2fs_mark_block_bitmap2(meta, ib);
		if (it && it + e2->inode_blocks_per_group > first &&
		    it + e2->inode_blocks_per_group <= end)
			ext2fs_mark_block_bitmap_range2(meta, it,
							e2->inode_blocks_per_group);
	}
	*out = meta;
	return 0;
}

/* The first block from FROM to LAST of group G (whose bitmap is BITS)
 * that is in use and no metadata, or 0.  */
static blk64_t file_block_in(ext2_filsys e2, dgrp_t g, const unsigned char *bits,
			     blk64_t from, blk64_t last, ext2fs_block_bitmap meta)
{
	blk64_t base = ext2fs_group_first_block2(e2, g);

	for (blk64_t b = from; b <= last; b++) {
		blk64_t i = b - base;

		if (i % 8 == 0 && b + 7 <= last && !bits[i / 8]) {
			b += 7;		/* eight free blocks */
			continue;
		}
		if (ext2fs_test_bit(i, bits) && !ext2fs_test_block_bitmap2(meta, b))
			return b;
	}
	return 0;
}

static errcode_t scan_groups(ext2_filsys e2, blk64_t first,
			     ext2fs_block_bitmap meta, char *buf, blk64_t *at)
{
	blk64_t end = ext2fs_blocks_count(e2->super);

	for (dgrp_t g = ext2fs_group_of_blk2(e2, first); g < e2->group_desc_count; g++) {
		blk64_t from = ext2fs_group_first_block2(e2, g);
		blk64_t last = ext2fs_group_last_block2(e2, g);
		errcode_t rc;

		if (from < first)
			from = first;
		if (last >= end)
			last = end - 1;
		rc = fs_read_block_bitmap_of(e2, g, true, buf);
		if (rc)
			return rc;
		*at = file_block_in(e2, g, (unsigned char *)buf, from, last, meta);
		if (*at)
			return 0;
	}
	return 0;
}

errcode_t fs_used_from(struct fs *fs, blk64_t first, blk64_t *at)
{
	ext2_filsys e2 = fs->e2;
	ext2fs_block_bitmap meta;
	char *buf;
	errcode_t rc;

	*at = 0;
	if (first < e2->super->s_first_data_block)
		first = e2->super->s_first_data_block;
	if (first >= ext2fs_blocks_count(e2->super))
		return 0;
	/* One bit per cluster: bigalloc's bitmaps are not read here. */
	if (EXT2FS_CLUSTER_RATIO(e2) != 1)
		return EXT2_ET_OP_NOT_SUPPORTED;
	buf = malloc(e2->blocksize);
	if (!buf)
		return EXT2_ET_NO_MEMORY;
	rc = metadata_from(e2, first, &meta);
	if (!rc) {
		rc = scan_groups(e2, first, meta, buf, at);
		ext2fs_free_block_bitmap(meta);
	}
	free(buf);
	return rc;
}
