/*
 * Every block of every inode, and the filesystem's own metadata, against
 * the end of its partition: the tutorial's "Error 24" image, made by
 * mke2fs over the rest of the disk instead of the partition.
 *
 * Inodes are read as a stream (ext2fs_open_inode_scan) so that memory does
 * not grow with the number of files; only the offending inodes are kept,
 * and only they are turned into paths, by one pass over the directories.
 * The same pass answers "which inode owns block B?" for the chain check.
 *
 * The scan is the whole cost of a verify on a big filesystem.  As e2fsck's
 * pass 1 does, the block iterator is handed the inode the scan just read
 * (fs->read_inode) instead of reading it again and checking its checksum,
 * and one block buffer serves every inode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>

#include "inspect/inspect.h"

/* Block counts a hostile inode may claim: a corrupt indirect tree could
 * make the iterator walk billions of entries.  Stop at what i_blocks
 * accounts for, plus slack.  */
#define BUDGET_SLACK 64

/* Inode tables are read this many bytes at a time. */
#define SCAN_BYTES (64 * 1024)

struct walk_ctx {
	struct pfs *p;
	uint64_t limit;		/* blocks from here on are noted in O */
	ext2_ino_t ino;
	uint64_t budget;
	bool over_budget;
	char *block_buf;	/* 3 blocks for ext2fs_block_iterate3, or NULL */
	struct file_overhang o;
};

/* The inode the scan is at, for fs->read_inode: a whole on-disk inode,
 * or ext2fs_get_next_inode_full() allocates one for every inode.  */
struct scanned {
	ext2_ino_t ino;
	int size;
	struct ext2_inode *inode;
};

static void note_block(struct walk_ctx *c, uint64_t b, bool meta)
{
	struct census *cs = &c->p->census;

	for (size_t i = 0; i < cs->nwant; i++)
		if (b == cs->want[i] && !cs->owner[i]) {
			cs->owner[i] = c->ino;
			cs->owner_lblk[i] = -1;
		}
	if (c->o.count && meta)
		c->o.meta_after = true;
	if (b < c->limit)
		return;
	if (!c->o.count) {
		c->o.first_read = b;
		c->o.first_read_meta = meta;
	}
	if (!c->o.count || b < c->o.first)
		c->o.first = b;
	if (!c->o.count || b > c->o.last)
		c->o.last = b;
	c->o.count++;
	c->o.meta |= meta;
	c->o.data |= !meta;
}

/* One block of the map, BLOCKCNT < 0 for indirect and extent-tree
 * blocks; BLOCK_ABORT when the inode claims more than it accounts for.  */
static int visit(struct walk_ctx *c, blk64_t blk, e2_blkcnt_t blockcnt)
{
	struct census *cs = &c->p->census;

	note_block(c, blk, blockcnt < 0);
	if (blockcnt >= 0)
		for (size_t i = 0; i < cs->nwant; i++)
			if (blk == cs->want[i] && cs->owner[i] == c->ino)
				cs->owner_lblk[i] = blockcnt;
	if (c->budget-- == 0) {
		c->over_budget = true;
		return BLOCK_ABORT;
	}
	return 0;
}

/* LEN data blocks from PBLK on, file blocks LBLK on: what visit() does
 * for each of them, at once (a 1 GiB journal is 262,144 blocks in a few
 * extents).  False, as BLOCK_ABORT, when the budget runs out.  */
static bool visit_run(struct walk_ctx *c, uint64_t pblk, uint64_t lblk,
		      uint64_t len)
{
	struct census *cs = &c->p->census;
	uint64_t end;

	if (!len)
		return true;
	if (len > c->budget) {
		len = c->budget + 1;	/* visit() notes the block it stops at */
		c->over_budget = true;
		c->budget = 0;
	} else {
		c->budget -= len;
	}
	end = pblk + len;
	for (size_t i = 0; i < cs->nwant; i++)
		if (cs->want[i] >= pblk && cs->want[i] < end &&
		    (!cs->owner[i] || cs->owner[i] == c->ino)) {
			cs->owner[i] = c->ino;
			cs->owner_lblk[i] = (int64_t)(lblk + (cs->want[i] - pblk));
		}
	if (end > c->limit) {
		uint64_t from = pblk > c->limit ? pblk : c->limit;

		if (!c->o.count) {
			c->o.first_read = from;
			c->o.first_read_meta = false;
		}
		if (!c->o.count || from < c->o.first)
			c->o.first = from;
		if (!c->o.count || end - 1 > c->o.last)
			c->o.last = end - 1;
		c->o.count += end - from;
		c->o.data = true;
	}
	return !c->over_budget;
}

/* An extent tree deeper than the inode, in ext2fs_block_iterate3()'s
 * order (each index block before what it maps), a leaf extent at a time.  */
static errcode_t walk_extent_tree(struct walk_ctx *c, ext2_filsys e2,
				  ext2_ino_t ino, struct ext2_inode *inode)
{
	ext2_extent_handle_t h;
	struct ext2fs_extent e;
	int op = EXT2_EXTENT_ROOT;
	errcode_t rc = ext2fs_extent_open2(e2, ino, inode, &h);

	if (rc)
		return rc;
	for (;;) {
		rc = ext2fs_extent_get(h, op, &e);
		op = EXT2_EXTENT_NEXT;
		if (rc) {
			if (rc == EXT2_ET_EXTENT_NO_NEXT)
				rc = 0;
			break;
		}
		if (!(e.e_flags & EXT2_EXTENT_FLAGS_LEAF)) {
			if (!(e.e_flags & EXT2_EXTENT_FLAGS_SECOND_VISIT) &&
			    visit(c, e.e_pblk, -1))
				break;
			continue;
		}
		if (!visit_run(c, e.e_pblk, e.e_lblk, e.e_len))
			break;
	}
	ext2fs_extent_free(h);
	return rc;
}

static int visit_block(ext2_filsys e2, blk64_t *blocknr, e2_blkcnt_t blockcnt,
		       blk64_t ref_blk, int ref_offset, void *priv)
{
	(void)e2, (void)ref_blk, (void)ref_offset;
	return visit(priv, *blocknr, blockcnt);
}

/* An extent tree of depth 0 lives in i_block: its extents are read here,
 * in order; an unsorted or overlapping one is left to the iterator.  */
static bool walk_extents_in_inode(struct walk_ctx *c,
				  const struct ext2_inode *inode)
{
	union {
		uint32_t raw[EXT2_N_BLOCKS];
		struct ext3_extent_header h;
	} root;
	struct ext3_extent x[EXT2_N_BLOCKS * 4 / sizeof(struct ext3_extent)];
	uint64_t next = 0;
	unsigned n;

	memcpy(root.raw, inode->i_block, sizeof(root.raw));
	if (ext2fs_extent_header_verify(root.raw, sizeof(root.raw)) ||
	    ext2fs_le16_to_cpu(root.h.eh_depth) != 0)
		return false;
	n = ext2fs_le16_to_cpu(root.h.eh_entries);
	memcpy(x, (const char *)root.raw + sizeof(root.h), n * sizeof(x[0]));
	for (unsigned i = 0; i < n; i++) {
		uint64_t lblk = ext2fs_le32_to_cpu(x[i].ee_block);
		unsigned len = ext2fs_le16_to_cpu(x[i].ee_len);

		if (len > EXT_INIT_MAX_LEN)
			len -= EXT_INIT_MAX_LEN;	/* uninitialised */
		if (lblk < next)
			return false;
		next = lblk + len;
	}
	for (unsigned i = 0; i < n; i++) {
		uint64_t lblk = ext2fs_le32_to_cpu(x[i].ee_block);
		uint64_t pblk = ext2fs_le32_to_cpu(x[i].ee_start) +
				((uint64_t)ext2fs_le16_to_cpu(x[i].ee_start_hi) << 32);
		unsigned len = ext2fs_le16_to_cpu(x[i].ee_len);

		if (len > EXT_INIT_MAX_LEN)
			len -= EXT_INIT_MAX_LEN;
		if (!visit_run(c, pblk, lblk, len))
			return true;
	}
	return true;
}

/* Most files keep their whole block map in the inode the scan read: up to
 * twelve direct blocks, or a depth-0 extent tree.  Those are visited here,
 * with no read and no allocation, in ext2fs_block_iterate3()'s order.
 * False when the map goes on in other blocks: the iterator walks it.  */
static bool walk_in_inode(struct walk_ctx *c, ext2_filsys e2,
			  const struct ext2_inode *inode)
{
	if (e2->super->s_creator_os == EXT2_OS_HURD)
		return false;	/* the iterator also visits its translator */
	if (inode->i_flags & EXT4_EXTENTS_FL)
		return walk_extents_in_inode(c, inode);
	for (int i = EXT2_IND_BLOCK; i < EXT2_N_BLOCKS; i++)
		if (inode->i_block[i])
			return false;
	for (int i = 0; i < EXT2_NDIR_BLOCKS; i++)
		if (inode->i_block[i] && visit(c, inode->i_block[i], i))
			break;
	return true;
}

/* Walks the blocks of one in-use inode: data, indirect and extent-tree
 * blocks (no BLOCK_FLAG_DATA_ONLY) and its extended-attribute block.  */
static errcode_t walk_inode(struct pfs *p, ext2_ino_t ino,
			    struct ext2_inode *inode, uint64_t limit,
			    char *block_buf, struct walk_ctx *c)
{
	ext2_filsys e2 = p->fs.e2;
	unsigned spb = fs_block_size(&p->fs) / SECTOR_SIZE;
	blk64_t acl = ext2fs_file_acl_block(e2, inode);
	errcode_t rc = 0;

	memset(c, 0, sizeof(*c));
	c->p = p;
	c->limit = limit;
	c->ino = ino;
	c->block_buf = block_buf;
	c->budget = ext2fs_get_stat_i_blocks(e2, inode) / spb +
		    BUDGET_SLACK;
	if (acl)
		note_block(c, acl, true);
	if (!ext2fs_inode_has_valid_blocks2(e2, inode) ||
	    walk_in_inode(c, e2, inode))
		return 0;
	/* The iterator returns 0 for an extent root it cannot open. */
	if ((inode->i_flags & EXT4_EXTENTS_FL) &&
	    ext2fs_extent_header_verify(inode->i_block, sizeof(inode->i_block)))
		return EXT2_ET_EXTENT_HEADER_BAD;
	if (inode->i_flags & EXT4_EXTENTS_FL)
		return walk_extent_tree(c, e2, ino, inode);
	rc = ext2fs_block_iterate3(e2, ino, BLOCK_FLAG_READ_ONLY, c->block_buf,
				   visit_block, c);
	if (rc == EXT2_ET_INLINE_DATA_CANT_ITERATE)
		rc = 0;
	return rc;
}

static void keep_hit(struct census *cs, ext2_ino_t ino,
		     const struct file_overhang *o)
{
	struct census_hit *h;

	cs->bad_inodes++;
	if (cs->nhits == CENSUS_HITS)
		return;
	h = &cs->hit[cs->nhits++];
	h->ino = ino;
	h->first = o->first;
	h->last = o->last;
	h->count = o->count;
	h->meta = o->meta;
	h->data = o->data;
}

/* An inode whose block map the iterator cannot follow (a corrupt extent
 * header, an extent out of order): damage, as e2fsck says.  */
static void keep_damaged(struct census *cs, ext2_ino_t ino, errcode_t rc)
{
	cs->bad_inodes++;
	if (cs->nhits == CENSUS_HITS)
		return;
	cs->hit[cs->nhits++] = (struct census_hit){ .ino = ino, .map_error = rc };
}

static bool in_use(ext2_ino_t ino, const struct ext2_inode *inode)
{
	/* Inode 1 lists bad blocks: not data anyone reads. */
	return ino != EXT2_BAD_INO && inode->i_links_count > 0;
}

/* fs->read_inode during the scan: the inode just read, as it was read. */
static errcode_t read_scanned(ext2_filsys e2, ext2_ino_t ino,
			      struct ext2_inode *inode)
{
	const struct scanned *s = e2->priv_data;

	if (ino != s->ino)
		return EXT2_ET_CALLBACK_NOTHANDLED;
	memcpy(inode, s->inode, sizeof(*inode));
	return 0;
}

static void scan_inodes(struct pfs *p, ext2_inode_scan scan, char *block_buf,
			struct scanned *s)
{
	struct census *cs = &p->census;
	struct ext2_inode *inode = s->inode;
	struct walk_ctx c;
	errcode_t rc;

	for (;;) {
		rc = ext2fs_get_next_inode_full(scan, &s->ino, inode, s->size);
		if (rc == EXT2_ET_BAD_BLOCK_IN_INODE_TABLE)
			continue;
		if (rc || s->ino == 0) {
			cs->failed = rc != 0;
			return;
		}
		if (!in_use(s->ino, inode))
			continue;
		cs->inodes++;
		rc = walk_inode(p, s->ino, inode, p->limit, block_buf, &c);
		if (c.o.count)
			keep_hit(cs, s->ino, &c.o);
		else if (rc && fs_failure_of(rc) == FS_FAILURE_DAMAGE)
			keep_damaged(cs, s->ino, rc);
	}
}

/* A filesystem unmounted cleanly, with nothing to replay: its bitmaps are
 * the ones e2fsck would find.  Otherwise (and rule_fs_state() says so)
 * only the inodes tell.  */
static bool bitmaps_trusted(const struct pfs *p)
{
	struct ext2_super_block *sb = p->fs.e2->super;

	return sb->s_state == EXT2_VALID_FS &&
	       !ext2fs_has_feature_journal_needs_recovery(sb);
}

/* No block past the partition end in use, by the bitmaps of the groups
 * there (none at all when the filesystem ends inside): every inode
 * stays inside without reading one.  */
static bool inside_by_bitmaps(struct pfs *p)
{
	const struct ext2_super_block *sb = p->fs.e2->super;
	struct census *cs = &p->census;
	blk64_t at;

	if (!bitmaps_trusted(p) || fs_used_from(&p->fs, p->limit, &at) || at)
		return false;
	cs->by_bitmaps = true;
	cs->inodes = sb->s_inodes_count - sb->s_free_inodes_count;
	return true;
}

int census_run(struct inspect *in, struct pfs *p)
{
	ext2_filsys e2 = p->fs.e2;
	struct census *cs = &p->census;
	struct scanned s = { 0 };
	ext2_inode_scan scan;
	char *block_buf;
	void *saved_priv;

	if (cs->done || !p->ok)
		return 0;
	cs->done = true;
	/* --verify reads no inode table for this; the install's own check
	 * walks them all, to refuse writing into a filesystem with a block
	 * map e2fsck would repair (rule_file_damaged()).  */
	if (!in->census_every_inode && !cs->nwant && inside_by_bitmaps(p))
		return 0;
	cs->by_bitmaps = false;
	cs->inodes = 0;
	s.size = EXT2_INODE_SIZE(e2->super);
	if (s.size < (int)sizeof(struct ext2_inode_large))
		s.size = sizeof(struct ext2_inode_large);
	s.inode = calloc(1, s.size);
	block_buf = malloc(3 * (size_t)e2->blocksize);
	if (!s.inode || !block_buf ||
	    ext2fs_open_inode_scan(e2, SCAN_BYTES / e2->blocksize, &scan)) {
		free(s.inode);
		free(block_buf);
		cs->failed = true;
		return 0;
	}
	saved_priv = e2->priv_data;
	e2->priv_data = &s;
	e2->read_inode = read_scanned;
	scan_inodes(p, scan, block_buf, &s);
	e2->read_inode = NULL;
	e2->priv_data = saved_priv;
	ext2fs_close_inode_scan(scan);
	free(block_buf);
	free(s.inode);
	return 0;
}

void census_want(struct pfs *p, uint64_t blk)
{
	struct census *cs = &p->census;

	/* Owners need the walk the bitmaps spared. */
	if (cs->by_bitmaps)
		cs->done = false;
	if (!cs->done && cs->nwant < CENSUS_WANTS)
		cs->want[cs->nwant++] = blk;
}

ext2_ino_t census_owner(const struct pfs *p, uint64_t blk, int64_t *lblk)
{
	const struct census *cs = &p->census;

	for (size_t i = 0; i < cs->nwant; i++)
		if (cs->want[i] == blk) {
			*lblk = cs->owner_lblk[i];
			return cs->owner[i];
		}
	*lblk = -1;
	return 0;
}

/* The map of one inode against LIMIT: the iterator's damage code, if any. */
static errcode_t walk_one(struct pfs *p, ext2_ino_t ino, uint64_t limit,
			  struct file_overhang *o)
{
	struct ext2_inode_large inode;
	struct walk_ctx c;
	size_t saved;
	errcode_t rc;

	memset(o, 0, sizeof(*o));
	rc = ext2fs_read_inode_full(p->fs.e2, ino, (struct ext2_inode *)&inode,
				    sizeof(inode));
	if (rc) {
		o->corrupt = true;
		return 0;
	}
	/* No reverse lookups here: they belong to the census. */
	saved = p->census.nwant;
	p->census.nwant = 0;
	rc = walk_inode(p, ino, (struct ext2_inode *)&inode, limit, NULL, &c);
	p->census.nwant = saved;
	*o = c.o;
	o->corrupt = rc != 0 || c.over_budget;
	return rc;
}

/* A file walked on its own (one GRUB or Linux reads) is a finding of the
 * census too: a census answered by the bitmaps read no inode, and a map
 * that names blocks past the filesystem's end is damage they cannot
 * show.  */
static void census_note(struct census *cs, ext2_ino_t ino,
			const struct file_overhang *o, errcode_t rc)
{
	struct census_hit *h;

	if (!o->count && !(rc && fs_failure_of(rc) == FS_FAILURE_DAMAGE))
		return;
	for (size_t i = 0; i < cs->nnoted; i++)
		if (cs->noted[i].ino == ino)
			return;
	if (cs->nnoted == CENSUS_HITS)
		return;
	h = &cs->noted[cs->nnoted++];
	*h = (struct census_hit){ .ino = ino, .first = o->first, .last = o->last,
				  .count = o->count, .meta = o->meta, .data = o->data,
				  .map_error = o->count ? 0 : rc };
}

int file_overhang(struct pfs *p, ext2_ino_t ino, struct file_overhang *o)
{
	errcode_t rc = walk_one(p, ino, p->limit, o);

	census_note(&p->census, ino, o, rc);
	return 0;
}

int file_blocks_from(struct pfs *p, ext2_ino_t ino, uint64_t limit,
		     struct file_overhang *o)
{
	walk_one(p, ino, limit, o);
	return 0;
}

/* ---- inode numbers to paths ---- */

struct name_ctx {
	const ext2_ino_t *want;
	ext2_ino_t *parent;
	size_t n, left;
};

static int find_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *d,
		      int offset, int blocksize, char *buf, void *priv)
{
	struct name_ctx *c = priv;
	int len = ext2fs_dirent_name_len(d);

	(void)entry, (void)offset, (void)blocksize, (void)buf;
	if ((len == 1 && d->name[0] == '.') ||
	    (len == 2 && d->name[0] == '.' && d->name[1] == '.'))
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (d->inode == c->want[i] && !c->parent[i]) {
			c->parent[i] = dir;
			if (--c->left == 0)
				return DIRENT_ABORT;
		}
	return 0;
}

/* Finds the directory holding each of WANT[0..N-1] in one pass. */
static void find_parents(struct pfs *p, const ext2_ino_t *want, ext2_ino_t *parent,
			 size_t n)
{
	struct name_ctx c = { want, parent, n, n };
	struct ext2_inode inode;
	ext2_inode_scan scan;
	ext2_ino_t ino;

	if (ext2fs_open_inode_scan(p->fs.e2, 0, &scan))
		return;
	while (c.left && ext2fs_get_next_inode(scan, &ino, &inode) == 0 && ino) {
		if (!LINUX_S_ISDIR(inode.i_mode) || !inode.i_links_count)
			continue;
		ext2fs_dir_iterate2(p->fs.e2, ino, 0, NULL, find_entry, &c);
	}
	ext2fs_close_inode_scan(scan);
}

static void special_name(ext2_ino_t ino, char *buf, size_t size)
{
	if (ino == EXT2_RESIZE_INO)
		snprintf(buf, size, "(the resize inode %u)", ino);
	else if (ino == EXT2_JOURNAL_INO)
		snprintf(buf, size, "(the journal, inode %u)", ino);
	else
		snprintf(buf, size, "(inode %u, in no directory)", ino);
}

static void paths_of(struct pfs *p, const ext2_ino_t *ino, size_t n,
		     char (*out)[256])
{
	ext2_ino_t parent[CENSUS_HITS] = { 0 };
	ext2_ino_t want[CENSUS_HITS] = { 0 };
	size_t nwant = 0;

	for (size_t i = 0; i < n && i < CENSUS_HITS; i++)
		if (ino[i] >= EXT2_FIRST_INO(p->fs.e2->super) ||
		    ino[i] == EXT2_ROOT_INO)
			want[nwant++] = ino[i];
	find_parents(p, want, parent, nwant);
	for (size_t i = 0; i < n && i < CENSUS_HITS; i++) {
		char *name = NULL;
		ext2_ino_t dir = 0;

		special_name(ino[i], out[i], sizeof(out[i]));
		for (size_t j = 0; j < nwant; j++)
			if (want[j] == ino[i])
				dir = parent[j];
		if (ino[i] == EXT2_ROOT_INO)
			snprintf(out[i], sizeof(out[i]), "/");
		else if (dir && ext2fs_get_pathname(p->fs.e2, dir, ino[i], &name) == 0) {
			snprintf(out[i], sizeof(out[i]), "%s", name);
			ext2fs_free_mem(&name);
		}
	}
}

int inode_path(struct pfs *p, ext2_ino_t ino, char *buf, size_t size)
{
	char out[1][256];

	paths_of(p, &ino, 1, out);
	snprintf(buf, size, "%s", out[0]);
	return 0;
}

/* ---- reports ---- */

/* Does the boot mount this filesystem?  The root= one does; when root=
 * names nothing grubinst can find, count every one as mounted.  */
static bool mounted_by_linux(const struct inspect *in, const struct pfs *p)
{
	return !in->linux_root || in->linux_root == p->part->number;
}

static void block_range(const struct file_overhang *o, char *buf, size_t size)
{
	if (o->first == o->last)
		snprintf(buf, size, "block %llu lies", (unsigned long long)o->first);
	else
		snprintf(buf, size, "%llu blocks in %llu..%llu lie",
			 (unsigned long long)o->count, (unsigned long long)o->first,
			 (unsigned long long)o->last);
}

/* What the kernel logs for a block past the end, in 512-byte sectors
 * relative to the partition: want = end of the request, limit = size.  */
void report_file_overhang(struct inspect *in, struct pfs *p, const char *path,
			  const struct file_overhang *o, bool only_resize)
{
	const struct partition *part = p->part;
	unsigned bs = fs_block_size(&p->fs);
	char blocks[96], fix[640];

	block_range(o, blocks, sizeof(blocks));
	/* Past the filesystem's own end: the inode is damaged, a rule the
	 * installer shares (rules.c).  */
	if (o->last >= fs_blocks(&p->fs) && !only_resize) {
		struct rule_target t;
		struct verdict v;

		char what[192];

		snprintf(what, sizeof(what), "%s past the end of the filesystem "
			 "of partition %d (%llu blocks)", blocks, part->number,
			 (unsigned long long)fs_blocks(&p->fs));
		pfs_target(p, false, &t);
		if (rule_file_damaged(&t, path, what, o->first, &v))
			finding_verdict(in, &v, NOTE(IN_AREA(AREA_FILESYSTEM), .path = path));
		return;
	}
	/* Past the partition but inside the filesystem: shrinking it moves
	 * the blocks in; past the filesystem too: the inode is corrupt.  */
	if (fs_blocks(&p->fs) > p->limit) {
		struct rule_target t;

		pfs_target(p, true, &t);
		rule_shrink_fix(&t, fix, sizeof(fix));
	} else {
		rule_fsck_fix(part, p->sectors, fix, sizeof(fix));
	}
	/* The resize inode's blocks are read by online resizing only (past
	 * the filesystem's end too: damaged, but nothing reads it).  */
	finding(in, only_resize || !mounted_by_linux(in, p) ? WARN : FAIL,
		o->last >= fs_blocks(&p->fs) ? FC_FS_DAMAGED : FC_FS_OVERHANG,
		NOTE(IN_AREA(AREA_FILESYSTEM), .path = path,
		     AT(fs_block_sector(&p->fs, o->first)), .fix = fix),
		"%s: %s past the end of %s %d (sector %llu); a kernel "
		"that mounts this filesystem logs \"attempt to access beyond "
		"end of device\" sda%d: rw=0, want=%llu, limit=%llu",
		path, blocks, p->cut ? "the image, inside partition" : "partition",
		part->number, (unsigned long long)(part->start + p->sectors - 1),
		part->number, (unsigned long long)((o->first + 1) * bs / SECTOR_SIZE),
		(unsigned long long)p->sectors);
}

/* GRUB meets the first such block reading the file from its start, and
 * devread() sets Error 24.  ext2fs_read() goes on to the end of the read,
 * and once errnum is set every disk read fails: the next indirect or
 * extent-tree block it needs (or an out-of-partition one met first) makes
 * ext2fs_block_map() overwrite it with Error 16.  Seen booting: a kernel
 * with blocks past the partition end gives "Error 16".  */
void report_grub_overhang(struct inspect *in, struct pfs *p, enum grubinst_area area,
			  const char *path, const struct file_overhang *o)
{
	bool sixteen = o->first_read_meta || o->meta_after;
	int err = sixteen ? GERR_FSYS_CORRUPT : GERR_OUTSIDE_PART;

	/* In the chain, the reader is a stage1.5: it prints the number only. */
	bool stage1_5 = area == AREA_CHAIN;

	finding(in, FAIL, FC_GRUB_OUTSIDE_PARTITION,
		NOTE(IN_AREA(area), .path = path,
		     AT(fs_block_sector(&p->fs, o->first_read)), .grub_error = err),
		"GRUB must read %s, but its %s block %llu lies past the end of "
		"partition %d: %s \"Error %d%s%s\"%s", path,
		o->first_read_meta ? "indirect (block map)" : "data",
		(unsigned long long)o->first_read, p->part->number,
		stage1_5 ? "the stage1.5 prints" : "GRUB stops with", err,
		stage1_5 ? "" : ": ",
		stage1_5 ? "" : sixteen ? "Inconsistent filesystem structure"
				       : "Attempt to access block outside partition",
		sixteen && !o->first_read_meta
			? " (reading it fails with Error 24, which the next "
			  "block-map lookup turns into Error 16)" : "");
}

/* The filesystem claims more blocks than its partition has: a rule the
 * installer refuses too.  */
static void check_size(struct inspect *in, struct pfs *p)
{
	struct rule_target t;
	struct verdict v;

	pfs_target(p, mounted_by_linux(in, p), &t);
	if (rule_fs_fits(&t, &v))
		finding_verdict(in, &v, NOTE(0));
}

/* The group descriptor blocks readers use: the primary table after the
 * superblock, or with meta_bg one block in the first group of each
 * meta-group.  Backups are not read.  */
static blk64_t descriptor_block_past(struct pfs *p, dgrp_t g)
{
	ext2_filsys e2 = p->fs.e2;
	blk64_t super = 0, old_desc = 0, new_desc = 0;
	blk_t used = 0;

	if (ext2fs_super_and_bgd_loc2(e2, g, &super, &old_desc, &new_desc, &used))
		return 0;
	if (g == 0 && old_desc && old_desc + e2->desc_blocks - 1 >= p->limit)
		return old_desc;
	if (new_desc && new_desc >= p->limit && (g == 0 || !old_desc))
		return new_desc;
	return 0;
}

/* Group descriptors, bitmaps and inode tables: every read of any file
 * needs some of them.  */
static void check_metadata(struct inspect *in, struct pfs *p)
{
	ext2_filsys e2 = p->fs.e2;
	int reported = 0;

	for (dgrp_t g = 0; g < e2->group_desc_count && reported < 4; g++) {
		blk64_t bb = ext2fs_block_bitmap_loc(e2, g);
		blk64_t ib = ext2fs_inode_bitmap_loc(e2, g);
		blk64_t it = ext2fs_inode_table_loc(e2, g);
		blk64_t itend = it + e2->inode_blocks_per_group - 1;
		blk64_t gd = descriptor_block_past(p, g);
		const char *what = NULL;
		blk64_t at = 0;

		if (gd) {
			what = "group descriptor block";
			at = gd;
		} else if (itend >= p->limit) {
			what = "inode table";
			at = it;
		} else if (bb >= p->limit) {
			what = "block bitmap";
			at = bb;
		} else if (ib >= p->limit) {
			what = "inode bitmap";
			at = ib;
		}
		if (!what)
			continue;
		reported++;
		/* GRUB's own reads are judged file by file (fsfeatures.c):
		 * here, what Linux meets when it mounts the filesystem.  */
		finding(in, mounted_by_linux(in, p) ? FAIL : WARN, FC_FS_METADATA_OVERHANG,
			NOTE(AT(fs_block_sector(&p->fs, at)), .scope = SCOPE_LINUX,
			     .grub_error = GERR_OUTSIDE_PART),
			"partition %d: the %s of block group %u (block %llu) "
			"lies past the partition end: the files of that group "
			"cannot be opened (GRUB \"Error 24\", kernel \"attempt "
			"to access beyond end of device\")%s",
			p->part->number, what, g, (unsigned long long)at,
			mounted_by_linux(in, p) ? ""
				: "; Linux does not mount this partition and no "
				  "file GRUB reads is in that group");
	}
}

static const char *fsck_fix(struct inspect *in, struct pfs *p)
{
	rule_fsck_fix(p->part, p->sectors, in->fixbuf, sizeof(in->fixbuf));
	return in->fixbuf;
}

/* A file whose block map cannot be followed: the same rule as blocks
 * past the filesystem's end (rules.c).  */
static void report_map_damaged(struct inspect *in, struct pfs *p,
			       const char *path, errcode_t rc)
{
	struct rule_target t;
	struct verdict v;
	char what[160];

	snprintf(what, sizeof(what), "its block map cannot be followed (%s)",
		 error_message(rc));
	pfs_target(p, false, &t);
	if (rule_file_damaged(&t, path, what, UINT64_MAX, &v))
		finding_verdict(in, &v, NOTE(IN_AREA(AREA_FILESYSTEM), .path = path));
}

static void report_census(struct inspect *in, struct pfs *p)
{
	struct census *cs = &p->census;
	ext2_ino_t inos[CENSUS_HITS];
	char paths[CENSUS_HITS][256];

	if (cs->failed)
		finding(in, WARN, FC_FS_SCAN,
			NOTE(AT(p->part->start),
			     .fix = fsck_fix(in, p)),
			"partition %d: the inode tables could not be read to the "
			"end; files after the error were not checked",
			p->part->number);
	if (cs->by_bitmaps && cs->nnoted) {
		memcpy(cs->hit, cs->noted, cs->nnoted * sizeof(cs->hit[0]));
		cs->nhits = cs->nnoted;
		cs->bad_inodes = cs->nnoted;
	}
	if (!cs->bad_inodes && cs->by_bitmaps) {
		finding(in, OK, FC_FS_BLOCKS, NOTE(AT(p->part->start)),
			"partition %d: every block of its %llu inodes lies "
			"inside the partition (%s)", p->part->number,
			(unsigned long long)cs->inodes,
			fs_blocks(&p->fs) <= p->limit
				? "the filesystem ends inside it"
				: "the block bitmaps mark nothing past its end");
		return;
	}
	if (!cs->bad_inodes) {
		finding(in, OK, FC_FS_BLOCKS, NOTE(AT(p->part->start)),
			"partition %d: every block of its %llu inodes lies "
			"inside the partition", p->part->number,
			(unsigned long long)cs->inodes);
		return;
	}
	for (size_t i = 0; i < cs->nhits; i++)
		inos[i] = cs->hit[i].ino;
	paths_of(p, inos, cs->nhits, paths);
	for (size_t i = 0; i < cs->nhits; i++) {
		if (cs->hit[i].map_error) {
			report_map_damaged(in, p, paths[i], cs->hit[i].map_error);
			continue;
		}
		struct file_overhang o = {
			.count = cs->hit[i].count, .first = cs->hit[i].first,
			.last = cs->hit[i].last, .meta = cs->hit[i].meta,
			.data = cs->hit[i].data,
		};
		report_file_overhang(in, p, paths[i], &o,
				     cs->hit[i].ino == EXT2_RESIZE_INO);
	}
	if (cs->bad_inodes > cs->nhits)
		finding(in, mounted_by_linux(in, p) ? FAIL : WARN, FC_FS_OVERHANG_MORE,
			NOTE(AT(p->part->start + p->part->size)),
			"partition %d: %llu more files have blocks past the "
			"partition end", p->part->number,
			(unsigned long long)(cs->bad_inodes - cs->nhits));
}

static int check_one(struct inspect *in, struct pfs *p)
{
	check_size(in, p);
	check_metadata(in, p);
	census_run(in, p);
	report_census(in, p);
	return 0;
}

int check_blocks(struct inspect *in)
{
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		struct pfs *p = pfs_get(in, in->pt.part[i].number);
		if (p && p->ok && check_one(in, p) < 0)
			return -1;
	}
	return 0;
}
