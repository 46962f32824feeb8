/*
 * Allocation bitmaps read one block group at a time.
 *
 * ext2fs_read_bitmaps() reads the block and inode bitmap of every group
 * and keeps a bit per block in memory: up to 16,384 reads, and 80 MiB, for
 * a 2 TiB ext4 filesystem, to place three files.  An install needs two or
 * three groups.  Here the in-memory bitmaps start with every block and
 * every inode marked in use, so that libext2fs' allocators never choose
 * anything in a group that was not read; a group's real bits are read
 * when an allocation needs room, when something in it is freed, or when
 * an inode is taken from it.  The allocators themselves are libext2fs':
 * the hooks below only make sure the groups they look at are loaded.
 *
 * On close, fs->write_bitmaps writes back the loaded groups only, the way
 * ext2fs_write_bitmaps() writes every group.
 */
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

struct fs_groups {
	ext2_filsys e2;
	unsigned char *block_loaded;	/* one bit per group */
	unsigned char *inode_loaded;
	dgrp_t *read;			/* the groups read, in that order */
	size_t nread, cap;
	char *buf;			/* one filesystem block */
	/* The block bitmaps of the loaded groups as read from the disk,
	 * before the install allocated anything in them.  */
	ext2fs_block_bitmap on_disk;
};

static bool group_csum(ext2_filsys e2)
{
	return ext2fs_has_group_desc_csum(e2);
}

/* A group whose bitmap was never written: ext2fs_read_bitmaps() trusts
 * the flag only when the descriptor's checksum holds.  */
static bool uninit(ext2_filsys e2, dgrp_t g, int flag)
{
	return group_csum(e2) && ext2fs_bg_flags_test(e2, g, flag) &&
	       ext2fs_group_desc_csum_verify(e2, g);
}

/* The first and the number of blocks of group G inside the filesystem. */
static void group_blocks(ext2_filsys e2, dgrp_t g, blk64_t *first,
			 unsigned *n)
{
	*first = ext2fs_group_first_block2(e2, g);
	*n = (unsigned)(ext2fs_group_last_block2(e2, g) - *first + 1);
}

/* What ext2fs_read_bitmaps() puts in memory for a group whose block
 * bitmap is uninitialised: its superblock and descriptor backups and the
 * bitmaps and inode table that belong to it.  With flex_bg those lie in
 * another group: marking them there changes nothing, that group is either
 * not read (all in use) or read from a bitmap that has them.  */
static void mark_uninit_group(ext2_filsys e2, dgrp_t g)
{
	blk64_t end = ext2fs_blocks_count(e2->super);
	blk64_t it = ext2fs_inode_table_loc(e2, g);
	blk64_t bb = ext2fs_block_bitmap_loc(e2, g);
	blk64_t ib = ext2fs_inode_bitmap_loc(e2, g);

	ext2fs_reserve_super_and_bgd(e2, g, e2->block_map);
	if (it && it + e2->inode_blocks_per_group <= end)
		ext2fs_mark_block_bitmap_range2(e2->block_map, it,
						e2->inode_blocks_per_group);
	if (bb && bb < end)
		ext2fs_mark_block_bitmap2(e2->block_map, bb);
	if (ib && ib < end)
		ext2fs_mark_block_bitmap2(e2->block_map, ib);
}

/* Remembers G for the write back: looking at every group's bits then
 * would cost more than the install on a filesystem of 100,000 groups.  */
static errcode_t note_read(struct fs_groups *gs, dgrp_t g)
{
	if (ext2fs_test_bit(g, gs->block_loaded) ||
	    ext2fs_test_bit(g, gs->inode_loaded))
		return 0;
	if (gi_grow(&gs->read, &gs->cap, gs->nread, sizeof(*gs->read), 16))
		return EXT2_ET_NO_MEMORY;
	gs->read[gs->nread++] = g;
	return 0;
}

/* One group's bitmap block into BUF: all zeros (all free) when the group
 * was never initialised or its descriptor names no block inside the
 * filesystem.  */
static errcode_t read_bitmap(ext2_filsys e2, dgrp_t g, blk64_t loc,
			     int uninit_flag, errcode_t read_error, char *buf)
{
	if (uninit(e2, g, uninit_flag) || !loc ||
	    loc >= ext2fs_blocks_count(e2->super)) {
		memset(buf, 0, e2->blocksize);
		return 0;
	}
	/* The read's own error, an errno or a short read past the end of
	 * the image, says more than READ_ERROR (fs_failure_of()).  */
	errcode_t rc = io_channel_read_blk64(e2->io, loc, 1, buf);

	if (!rc || rc == EXT2_ET_SHORT_READ || (rc > 0 && rc < 4096))
		return rc;
	return read_error;
}

/* Was the bitmap read from the disk, and must its checksum match?  As
 * libext2fs' own ext2fs_read_bitmaps() checks it, unless the filesystem
 * was opened to read past wrong checksums.  */
static bool checked(ext2_filsys e2, dgrp_t g, blk64_t loc, int uninit_flag,
		    bool strict)
{
	return (strict || !(e2->flags & EXT2_FLAG_IGNORE_CSUM_ERRORS)) &&
	       ext2fs_has_feature_metadata_csum(e2->super) &&
	       !uninit(e2, g, uninit_flag) && loc &&
	       loc < ext2fs_blocks_count(e2->super);
}

errcode_t fs_read_block_bitmap_of(ext2_filsys e2, dgrp_t g, bool strict,
				  char *buf)
{
	blk64_t loc = ext2fs_block_bitmap_loc(e2, g);
	errcode_t rc = read_bitmap(e2, g, loc, EXT2_BG_BLOCK_UNINIT,
				   EXT2_ET_BLOCK_BITMAP_READ, buf);

	if (!rc && checked(e2, g, loc, EXT2_BG_BLOCK_UNINIT, strict) &&
	    !ext2fs_block_bitmap_csum_verify(e2, g, buf,
					     EXT2_CLUSTERS_PER_GROUP(e2->super) / 8))
		rc = EXT2_ET_BLOCK_BITMAP_CSUM_INVALID;
	return rc;
}

static errcode_t load_block_group(struct fs_groups *gs, dgrp_t g)
{
	ext2_filsys e2 = gs->e2;
	blk64_t first;
	unsigned n, bits = EXT2_CLUSTERS_PER_GROUP(e2->super);
	errcode_t rc;

	if (ext2fs_test_bit(g, gs->block_loaded))
		return 0;
	rc = note_read(gs, g);
	if (rc)
		return rc;
	group_blocks(e2, g, &first, &n);
	ext2fs_unmark_block_bitmap_range2(e2->block_map, first, n);
	rc = fs_read_block_bitmap_of(e2, g, false, gs->buf);
	if (rc)
		return rc;
	/* The whole group, with the padding past the last block. */
	rc = ext2fs_set_block_bitmap_range2(e2->block_map, first, bits, gs->buf);
	if (!rc)
		rc = ext2fs_set_block_bitmap_range2(gs->on_disk, first, bits,
						    gs->buf);
	if (rc)
		return rc;
	if (ext2fs_bg_flags_test(e2, g, EXT2_BG_BLOCK_UNINIT))
		mark_uninit_group(e2, g);
	ext2fs_set_bit(g, gs->block_loaded);
	return 0;
}

static errcode_t load_inode_group(struct fs_groups *gs, dgrp_t g)
{
	ext2_filsys e2 = gs->e2;
	unsigned ipg = EXT2_INODES_PER_GROUP(e2->super);
	ext2_ino_t first = g * ipg + 1;
	blk64_t loc = ext2fs_inode_bitmap_loc(e2, g);
	errcode_t rc;

	if (ext2fs_test_bit(g, gs->inode_loaded))
		return 0;
	rc = note_read(gs, g);
	if (rc)
		return rc;
	/* libext2fs has no range calls for inode bitmaps; the block ones
	 * work on any 64-bit bitmap.  */
	ext2fs_unmark_block_bitmap_range2(e2->inode_map, first, ipg);
	rc = read_bitmap(e2, g, loc, EXT2_BG_INODE_UNINIT,
			 EXT2_ET_INODE_BITMAP_READ, gs->buf);
	if (!rc && checked(e2, g, loc, EXT2_BG_INODE_UNINIT, false) &&
	    !ext2fs_inode_bitmap_csum_verify(e2, g, (char *)gs->buf,
					     EXT2_INODES_PER_GROUP(e2->super) / 8))
		rc = EXT2_ET_INODE_BITMAP_CSUM_INVALID;
	if (rc)
		return rc;
	rc = ext2fs_set_inode_bitmap_range2(e2->inode_map, first, ipg, gs->buf);
	if (rc)
		return rc;
	ext2fs_set_bit(g, gs->inode_loaded);
	return 0;
}

/* Loads the first group from G on (wrapping around) that is not loaded
 * and has free blocks; *LOADED is false when there is none.  */
static errcode_t load_next_with_room(struct fs_groups *gs, dgrp_t g,
				     bool *loaded)
{
	ext2_filsys e2 = gs->e2;

	*loaded = false;
	for (dgrp_t i = 0; i < e2->group_desc_count; i++) {
		dgrp_t h = (dgrp_t)(((uint64_t)g + i) % e2->group_desc_count);

		if (ext2fs_test_bit(h, gs->block_loaded) ||
		    ext2fs_bg_free_blocks_count(e2, h) == 0)
			continue;
		*loaded = true;
		return load_block_group(gs, h);
	}
	return 0;
}

static errcode_t load_if_room(struct fs_groups *gs, dgrp_t g)
{
	return ext2fs_bg_free_blocks_count(gs->e2, g) ? load_block_group(gs, g)
						       : 0;
}

static dgrp_t goal_group(ext2_filsys e2, blk64_t goal)
{
	if (goal < e2->super->s_first_data_block ||
	    goal >= ext2fs_blocks_count(e2->super))
		goal = e2->super->s_first_data_block;
	return ext2fs_group_of_blk2(e2, goal);
}

/* fs->get_alloc_block: one block, as near GOAL as the loaded groups
 * allow, loading more groups until one has it.  */
static errcode_t alloc_block(ext2_filsys e2, blk64_t goal, blk64_t *ret)
{
	struct fs_groups *gs = e2->priv_data;
	dgrp_t g = goal_group(e2, goal);
	bool more = true;
	errcode_t rc = load_if_room(gs, g);

	while (!rc) {
		/* An explicit map: libext2fs searches it, no hook again. */
		rc = ext2fs_new_block2(e2, goal, e2->block_map, ret);
		if (rc != EXT2_ET_BLOCK_ALLOC_FAIL || !more)
			return rc;
		rc = load_next_with_room(gs, g, &more);
	}
	return rc;
}

/* The first run of LEN free blocks that starts in group G: the search of
 * ext2fs_new_range(), bounded.  With EXT2_NEWRANGE_MIN_LENGTH that one
 * never returns when no free run is long enough and no block after the
 * last free one is free (libext2fs 1.47): here, every group not read.  */
static errcode_t run_in_group(ext2_filsys e2, dgrp_t g, blk64_t len,
			      blk64_t *start)
{
	blk64_t last = ext2fs_group_last_block2(e2, g);
	blk64_t end = ext2fs_blocks_count(e2->super) - 1, set;
	blk64_t b = ext2fs_group_first_block2(e2, g);

	while (b <= last &&
	       ext2fs_find_first_zero_block_bitmap2(e2->block_map, b, last,
						    &b) == 0) {
		if (b + len - 1 > end)
			break;
		/* The run may go on into the next group, if that is read. */
		if (ext2fs_find_first_set_block_bitmap2(e2->block_map, b,
							b + len - 1, &set) != 0) {
			*start = b;
			return 0;
		}
		b = set + 1;
	}
	return EXT2_ET_BLOCK_ALLOC_FAIL;
}

/* fs->new_range: a run of LEN blocks from the groups with room, in order
 * from GOAL's, each read when the search reaches it.  A run that must
 * start at GOAL is in GOAL's group, and a run of any length is found at
 * the first free block: libext2fs answers those two without looping.  */
static errcode_t alloc_range(ext2_filsys e2, int flags, blk64_t goal,
			     blk64_t len, blk64_t *pblk, blk64_t *plen)
{
	struct fs_groups *gs = e2->priv_data;
	dgrp_t g0 = goal_group(e2, goal);
	bool more = !(flags & EXT2_NEWRANGE_FIXED_GOAL);
	errcode_t rc;

	if (!(flags & EXT2_NEWRANGE_MIN_LENGTH) || !more) {
		rc = load_if_room(gs, g0);
		while (!rc) {
			rc = ext2fs_new_range(e2, flags, goal, len,
					      e2->block_map, pblk, plen);
			if (rc != EXT2_ET_BLOCK_ALLOC_FAIL || !more)
				return rc;
			rc = load_next_with_room(gs, g0, &more);
		}
		return rc;
	}
	for (dgrp_t i = 0; i < e2->group_desc_count; i++) {
		dgrp_t g = (dgrp_t)(((uint64_t)g0 + i) % e2->group_desc_count);

		if (ext2fs_bg_free_blocks_count(e2, g) == 0)
			continue;
		rc = load_block_group(gs, g);
		if (rc)
			return rc;
		if (run_in_group(e2, g, len, pblk) == 0) {
			*plen = len;
			return 0;
		}
	}
	return EXT2_ET_BLOCK_ALLOC_FAIL;
}

/* Called after libext2fs changed the bits of BLK..BLK+NUM-1: a group
 * read only now gets its bits from disk, so the change is made again.
 * Allocations come from loaded groups; this is for blocks freed.  (If
 * that read fails the group stays unread and its bitmap is not written:
 * the free count says more than the bitmap, which e2fsck repairs.)  */
static void stats_range(ext2_filsys e2, blk64_t blk, blk_t num, int inuse)
{
	struct fs_groups *gs = e2->priv_data;

	while (num) {
		dgrp_t g = ext2fs_group_of_blk2(e2, blk);
		blk64_t last = ext2fs_group_last_block2(e2, g);
		blk_t n = last - blk + 1 < num ? (blk_t)(last - blk + 1) : num;

		if (!ext2fs_test_bit(g, gs->block_loaded) &&
		    load_block_group(gs, g) == 0) {
			if (inuse > 0)
				ext2fs_mark_block_bitmap_range2(e2->block_map,
								blk, n);
			else
				ext2fs_unmark_block_bitmap_range2(e2->block_map,
								  blk, n);
		}
		blk += n;
		num -= n;
	}
}

static void stats_block(ext2_filsys e2, blk64_t blk, int inuse)
{
	stats_range(e2, blk, 1, inuse);
}

/* A group's bitmap, in gs->buf with its checksum set, back where its
 * descriptor says (nowhere for a descriptor naming no block inside the
 * filesystem); the descriptor's checksum follows.  */
static errcode_t put_bitmap(struct fs_groups *gs, dgrp_t g, blk64_t loc,
			    errcode_t write_error)
{
	ext2_filsys e2 = gs->e2;

	ext2fs_group_desc_csum_set(e2, g);
	e2->flags |= EXT2_FLAG_DIRTY;
	if (!loc || loc >= ext2fs_blocks_count(e2->super))
		return 0;
	return io_channel_write_blk64(e2->io, loc, 1, gs->buf) ? write_error : 0;
}

/* fs->write_bitmaps at close: the loaded groups, as ext2fs_write_bitmaps()
 * writes all: checksums in the descriptors, the last group's bits past the
 * end set, uninitialised groups left alone.  */
static errcode_t write_block_group(struct fs_groups *gs, dgrp_t g)
{
	ext2_filsys e2 = gs->e2;
	unsigned bits = EXT2_CLUSTERS_PER_GROUP(e2->super);
	blk64_t loc = ext2fs_block_bitmap_loc(e2, g), first;
	unsigned n;
	errcode_t rc;

	if (group_csum(e2) && ext2fs_bg_flags_test(e2, g, EXT2_BG_BLOCK_UNINIT))
		return 0;
	group_blocks(e2, g, &first, &n);
	memset(gs->buf, 0xff, e2->blocksize);
	rc = ext2fs_get_block_bitmap_range2(e2->block_map, first, bits, gs->buf);
	if (rc)
		return rc;
	for (unsigned j = n; j < e2->blocksize * 8; j++)
		ext2fs_set_bit(j, gs->buf);	/* past the end of the filesystem */
	rc = ext2fs_block_bitmap_csum_set(e2, g, gs->buf, bits / 8);
	return rc ? rc : put_bitmap(gs, g, loc, EXT2_ET_BLOCK_BITMAP_WRITE);
}

static errcode_t write_inode_group(struct fs_groups *gs, dgrp_t g)
{
	ext2_filsys e2 = gs->e2;
	unsigned ipg = EXT2_INODES_PER_GROUP(e2->super);
	blk64_t loc = ext2fs_inode_bitmap_loc(e2, g);
	errcode_t rc;

	if (group_csum(e2) && ext2fs_bg_flags_test(e2, g, EXT2_BG_INODE_UNINIT))
		return 0;
	memset(gs->buf, 0xff, e2->blocksize);
	rc = ext2fs_get_inode_bitmap_range2(e2->inode_map, g * ipg + 1, ipg,
					    gs->buf);
	if (rc)
		return rc;
	rc = ext2fs_inode_bitmap_csum_set(e2, g, gs->buf, (ipg + 7) / 8);
	return rc ? rc : put_bitmap(gs, g, loc, EXT2_ET_INODE_BITMAP_WRITE);
}

static errcode_t write_loaded(ext2_filsys e2)
{
	struct fs_groups *gs = e2->priv_data;
	errcode_t rc = 0;

	if (!(e2->flags & EXT2_FLAG_RW))
		return EXT2_ET_RO_FILSYS;
	for (size_t i = 0; i < gs->nread && !rc; i++) {
		dgrp_t g = gs->read[i];

		if (ext2fs_test_bit(g, gs->block_loaded) &&
		    (e2->flags & EXT2_FLAG_BB_DIRTY))
			rc = write_block_group(gs, g);
		if (!rc && ext2fs_test_bit(g, gs->inode_loaded) &&
		    (e2->flags & EXT2_FLAG_IB_DIRTY))
			rc = write_inode_group(gs, g);
	}
	if (!rc)
		e2->flags &= ~(EXT2_FLAG_BB_DIRTY | EXT2_FLAG_IB_DIRTY);
	return rc;
}

/* Both bitmaps with everything in use: red-black trees, a few extents
 * whatever the size of the filesystem.  */
static errcode_t allocate_maps(ext2_filsys e2)
{
	errcode_t rc;

	e2->default_bitmap_type = EXT2FS_BMAP64_RBTREE;
	rc = ext2fs_allocate_block_bitmap(e2, "block bitmap", &e2->block_map);
	if (!rc)
		rc = ext2fs_allocate_inode_bitmap(e2, "inode bitmap",
						  &e2->inode_map);
	if (rc)
		return rc;
	ext2fs_mark_block_bitmap_range2(e2->block_map,
					e2->super->s_first_data_block,
					ext2fs_blocks_count(e2->super) -
						e2->super->s_first_data_block);
	ext2fs_mark_block_bitmap_range2(e2->inode_map, 1,
					e2->super->s_inodes_count);
	return 0;
}

errcode_t fs_groups_start(struct fs *fs)
{
	ext2_filsys e2 = fs->e2;
	size_t bytes = (e2->group_desc_count + 7) / 8;
	struct fs_groups *gs = calloc(1, sizeof(*gs));
	errcode_t rc;

	if (fs->groups)
		return 0;
	if (!gs)
		return EXT2_ET_NO_MEMORY;
	gs->e2 = e2;
	gs->block_loaded = calloc(1, bytes);
	gs->inode_loaded = calloc(1, bytes);
	gs->buf = malloc(e2->blocksize);
	fs->groups = gs;
	if (!gs->block_loaded || !gs->inode_loaded || !gs->buf)
		return EXT2_ET_NO_MEMORY;
	rc = allocate_maps(e2);
	if (!rc)
		rc = ext2fs_allocate_block_bitmap(e2, "block bitmap on disk",
						  &gs->on_disk);
	if (rc)
		return rc;
	e2->priv_data = gs;
	e2->write_bitmaps = write_loaded;
	ext2fs_set_alloc_block_callback(e2, alloc_block, NULL);
	ext2fs_set_new_range_callback(e2, alloc_range, NULL);
	ext2fs_set_block_alloc_stats_callback(e2, stats_block, NULL);
	ext2fs_set_block_alloc_stats_range_callback(e2, stats_range, NULL);
	return 0;
}

void fs_groups_free(struct fs *fs)
{
	struct fs_groups *gs = fs->groups;

	if (!gs)
		return;
	free(gs->block_loaded);
	free(gs->inode_loaded);
	free(gs->read);
	free(gs->buf);
	if (gs->on_disk)
		ext2fs_free_block_bitmap(gs->on_disk);
	free(gs);
	fs->groups = NULL;
}

bool fs_groups_were_free(struct fs *fs, blk64_t first, blk64_t count)
{
	struct fs_groups *gs = fs->groups;
	ext2_filsys e2 = fs->e2;
	blk64_t last = first + count - 1;

	if (!gs || !count || first < e2->super->s_first_data_block ||
	    last >= ext2fs_blocks_count(e2->super) || last < first)
		return false;
	for (dgrp_t g = ext2fs_group_of_blk2(e2, first);
	     g <= ext2fs_group_of_blk2(e2, last); g++)
		if (!ext2fs_test_bit(g, gs->block_loaded))
			return false;
	return ext2fs_test_block_bitmap_range2(gs->on_disk, first,
					       (unsigned)count);
}

errcode_t fs_groups_need_inode(struct fs *fs, ext2_ino_t ino)
{
	if (!fs->groups)
		return 0;
	return load_inode_group(fs->groups, ext2fs_group_of_ino(fs->e2, ino));
}

/* Is one of the inodes of group G free in memory? */
static bool has_free_inode(ext2_filsys e2, dgrp_t g)
{
	unsigned ipg = EXT2_INODES_PER_GROUP(e2->super);
	ext2_ino_t start = g * ipg + 1, end = start + ipg - 1, found;

	if (start < EXT2_FIRST_INODE(e2->super))
		start = EXT2_FIRST_INODE(e2->super);
	if (end > e2->super->s_inodes_count)
		end = e2->super->s_inodes_count;
	return start <= end &&
	       ext2fs_find_first_zero_inode_bitmap2(e2->inode_map, start, end,
						    &found) == 0;
}

/* ext2fs_new_inode() searches from the group of its DIR argument on and
 * takes the first free inode; given an inode of a loaded group with a
 * free one, it looks at no other group.  Taking an inode may clear the
 * group's BLOCK_UNINIT flag, so its block bitmap is loaded too.  */
errcode_t fs_groups_new_inode(struct fs *fs, ext2_ino_t dir, int mode,
			      ext2_ino_t *ino)
{
	struct fs_groups *gs = fs->groups;
	ext2_filsys e2 = fs->e2;
	dgrp_t g0 = ext2fs_group_of_ino(e2, dir);
	errcode_t rc;

	if (!gs)
		return ext2fs_new_inode(e2, dir, mode, NULL, ino);
	for (dgrp_t i = 0; i < e2->group_desc_count; i++) {
		dgrp_t g = (dgrp_t)(((uint64_t)g0 + i) % e2->group_desc_count);
		ext2_ino_t in_g = g * EXT2_INODES_PER_GROUP(e2->super) + 1;

		if (ext2fs_bg_free_inodes_count(e2, g) == 0)
			continue;
		rc = load_inode_group(gs, g);
		if (!rc)
			rc = load_block_group(gs, g);
		if (rc)
			return rc;
		if (has_free_inode(e2, g))
			return ext2fs_new_inode(e2, i ? in_g : dir, mode, NULL, ino);
	}
	return EXT2_ET_INODE_ALLOC_FAIL;
}
