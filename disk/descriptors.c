/*
 * The group descriptors, checked before the install allocates anything:
 * each block bitmap, inode bitmap and inode table lies inside the
 * filesystem (inside its own group without flex_bg) and on no other
 * group's metadata nor on a copy of the superblock and descriptors.  A
 * bitmap read from the wrong blocks makes the allocator hand out blocks
 * that are in use.
 *
 * ext2fs_check_desc() checks the same by testing and marking every
 * metadata block in a bitmap: 16 million bitmap operations, 3.4 billion
 * instructions, on a 2 TiB filesystem.  Here the
 * locations are compared as runs instead, in one pass over the groups:
 * without flex_bg a group's metadata cannot reach another group, so each
 * group is checked alone; with flex_bg mke2fs and resize2fs place each
 * kind in group order, so the four sequences (superblock copies, block
 * bitmaps, inode bitmaps, inode tables) are merged like sorted lists.  A
 * layout in any other order goes to ext2fs_check_desc().
 */
#include "disk/disk.h"

enum run_kind { RUN_SUPER, RUN_BLOCK_MAP, RUN_INODE_MAP, RUN_INODE_TABLE, RUN_KINDS };

struct run {
	blk64_t start, len;	/* len 0: none */
};

/* What ext2fs_check_desc() returns for a run of this kind in the wrong
 * place; a superblock copy is never the one at fault.  */
static const errcode_t bad_kind[RUN_KINDS] = {
	[RUN_SUPER] = EXT2_ET_GDESC_BAD_INODE_TABLE,
	[RUN_BLOCK_MAP] = EXT2_ET_GDESC_BAD_BLOCK_MAP,
	[RUN_INODE_MAP] = EXT2_ET_GDESC_BAD_INODE_MAP,
	[RUN_INODE_TABLE] = EXT2_ET_GDESC_BAD_INODE_TABLE,
};

/* Group G's run of kind K. */
static struct run group_run(ext2_filsys e2, dgrp_t g, enum run_kind k)
{
	blk64_t super, old_desc, new_desc;
	blk_t used = 0;

	switch (k) {
	case RUN_SUPER:
		/* The copy of the superblock and descriptors (with the
		 * reserved descriptor blocks) at the start of the group.  */
		if (!ext2fs_bg_has_super(e2, g) &&
		    !ext2fs_has_feature_meta_bg(e2->super))
			return (struct run){ 0, 0 };
		ext2fs_super_and_bgd_loc2(e2, g, &super, &old_desc, &new_desc,
					  &used);
		return (struct run){ ext2fs_group_first_block2(e2, g), used };
	case RUN_BLOCK_MAP:
		return (struct run){ ext2fs_block_bitmap_loc(e2, g), 1 };
	case RUN_INODE_MAP:
		return (struct run){ ext2fs_inode_bitmap_loc(e2, g), 1 };
	default:
		return (struct run){ ext2fs_inode_table_loc(e2, g),
				     e2->inode_blocks_per_group };
	}
}

static bool overlap(struct run a, struct run b)
{
	return a.len && b.len && a.start < b.start + b.len &&
	       b.start < a.start + a.len;
}

static bool outside(struct run r, blk64_t lo, blk64_t hi)
{
	return r.start < lo || r.start > hi || r.len - 1 > hi - r.start;
}

/* Without flex_bg: a group's runs inside the group and apart from each
 * other, in the order ext2fs_check_desc() marks them.  */
static errcode_t check_group_alone(ext2_filsys e2, dgrp_t g)
{
	blk64_t lo = ext2fs_group_first_block2(e2, g);
	blk64_t hi = ext2fs_group_last_block2(e2, g);
	struct run r[RUN_KINDS];

	for (int k = 0; k < RUN_KINDS; k++) {
		r[k] = group_run(e2, g, k);
		if (k != RUN_SUPER && outside(r[k], lo, hi))
			return bad_kind[k];
		for (int before = 0; before < k; before++)
			if (overlap(r[before], r[k]))
				return bad_kind[k];
	}
	return 0;
}

/* Where the merge of one kind stands: HEAD is the next run, joined with
 * those of the following groups that continue it (mke2fs puts a flex
 * group's bitmaps, and its inode tables, side by side).  */
struct cursor {
	enum run_kind kind;
	dgrp_t next;		/* the first group not in HEAD */
	struct run head;	/* len 0: no more */
};

/* The first group from G on that holds a copy of the superblock, when
 * sparse_super makes them few (0, 1 and the powers of 3, 5 and 7): asking
 * every group of a 2 TiB filesystem costs more than the rest of the
 * check.  Otherwise G, and group_run() decides.  */
static dgrp_t next_super(ext2_filsys e2, dgrp_t g)
{
	static const unsigned bases[] = { 3, 5, 7 };
	dgrp_t best = e2->group_desc_count;

	if (g <= 1 || !ext2fs_has_feature_sparse_super(e2->super) ||
	    ext2fs_has_feature_sparse_super2(e2->super) ||
	    ext2fs_has_feature_meta_bg(e2->super))
		return g;
	for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++) {
		uint64_t power = bases[i];

		while (power < g)
			power *= bases[i];
		if (power < best)
			best = (dgrp_t)power;
	}
	return best;
}

static errcode_t advance(ext2_filsys e2, struct cursor *c, blk64_t first,
			 blk64_t last)
{
	c->head.len = 0;
	for (; c->next < e2->group_desc_count; c->next++) {
		struct run r;

		if (c->kind == RUN_SUPER) {
			c->next = next_super(e2, c->next);
			if (c->next >= e2->group_desc_count)
				break;
		}
		r = group_run(e2, c->next, c->kind);

		if (!r.len)
			continue;
		if (c->kind != RUN_SUPER && outside(r, first, last))
			return bad_kind[c->kind];
		if (!c->head.len)
			c->head = r;
		else if (r.start == c->head.start + c->head.len)
			c->head.len += r.len;
		else
			break;
	}
	return 0;
}

/* With flex_bg: the runs of all kinds in block order, each kind taken in
 * group order; *UNORDERED when a kind is not in increasing order.  */
static errcode_t check_merged(ext2_filsys e2, bool *unordered)
{
	blk64_t first = e2->super->s_first_data_block;
	blk64_t last = ext2fs_blocks_count(e2->super) - 1;
	blk64_t kind_end[RUN_KINDS] = { 0 };
	struct cursor c[RUN_KINDS];
	struct run prev = { 0, 0 };
	int prev_kind = RUN_SUPER;
	errcode_t rc;

	*unordered = false;
	for (int k = 0; k < RUN_KINDS; k++) {
		c[k] = (struct cursor){ .kind = k };
		rc = advance(e2, &c[k], first, last);
		if (rc)
			return rc;
	}
	for (;;) {
		int k = -1;

		for (int i = 0; i < RUN_KINDS; i++)
			if (c[i].head.len &&
			    (k < 0 || c[i].head.start < c[k].head.start))
				k = i;
		if (k < 0)
			return 0;
		if (c[k].head.start < kind_end[k]) {
			*unordered = true;
			return 0;
		}
		if (overlap(prev, c[k].head))
			return bad_kind[k == RUN_SUPER ? prev_kind : k];
		prev = c[k].head;
		prev_kind = k;
		kind_end[k] = prev.start + prev.len;
		rc = advance(e2, &c[k], first, last);
		if (rc)
			return rc;
	}
}

errcode_t fs_check_descriptors_slowly(ext2_filsys e2)
{
	int type = e2->default_bitmap_type;
	errcode_t rc;

	e2->default_bitmap_type = EXT2FS_BMAP64_RBTREE;
	rc = ext2fs_check_desc(e2);
	e2->default_bitmap_type = type;
	return rc;
}

errcode_t fs_check_descriptors(ext2_filsys e2)
{
	errcode_t rc = 0;
	bool unordered;

	if (!ext2fs_has_feature_flex_bg(e2->super)) {
		for (dgrp_t g = 0; g < e2->group_desc_count && !rc; g++)
			rc = check_group_alone(e2, g);
		return rc;
	}
	rc = check_merged(e2, &unordered);
	return rc || !unordered ? rc : fs_check_descriptors_slowly(e2);
}
