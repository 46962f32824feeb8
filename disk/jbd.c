/*
 * The log of an ext3/ext4 journal (JBD2) that still needs recovery: which
 * filesystem blocks it holds newer copies of.  A reader that ignores the
 * journal, as GRUB 0.97 does, sees the old contents of exactly those
 * blocks; Linux replays the log when it mounts.  Only transactions the log
 * committed are counted: the kernel replays no others.
 *
 * The newest copy of each block is remembered by its place in the log, so
 * that a reader can tell whether the copy differs from the block in place.
 *
 * Format (include/linux/jbd2.h), big-endian: the journal superblock in the
 * journal's block 0 gives the first log block and sequence; from there
 * descriptor blocks (type 1) list the tags of the blocks that follow them,
 * a commit block (2) ends a transaction, revoke blocks (5) are skipped.
 */
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

#define JBD2_MAGIC 0xc03b3998u
#define JBD2_DESCRIPTOR 1
#define JBD2_COMMIT 2
#define JBD2_SB_V1 3
#define JBD2_SB_V2 4
#define JBD2_REVOKE 5
#define JBD2_FEATURE_64BIT 0x2
#define JBD2_FEATURE_CSUM_V2 0x8
#define JBD2_FEATURE_CSUM_V3 0x10
#define JBD2_FLAG_ESCAPE 0x1
#define JBD2_FLAG_SAME_UUID 0x2
#define JBD2_FLAG_LAST_TAG 0x8
/* A log longer than this many blocks is not walked further. */
#define LOG_MAX_BLOCKS (1u << 20)

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct log {
	ext2_filsys e2;
	ext2_ino_t ino;
	uint8_t *buf;
	uint32_t first, maxlen;
	struct fs_logged *pending;	/* the open transaction's blocks */
	size_t npending, cap;
};

static bool add(struct fs_logged **v, size_t *n, size_t *cap, struct fs_logged e)
{
	if (gi_grow(v, cap, *n, sizeof(**v), 64))
		return false;
	(*v)[(*n)++] = e;
	return true;
}

/* Journal block LBLK, through the journal inode's block map. */
static bool read_journal_block(ext2_filsys e2, ext2_ino_t ino, uint32_t lblk,
			       uint8_t *buf)
{
	blk64_t pblk = 0;

	return ext2fs_bmap2(e2, ino, NULL, NULL, 0, lblk, NULL, &pblk) == 0 &&
	       pblk && io_channel_read_blk64(e2->io, pblk, 1, buf) == 0;
}

static bool read_log(struct log *l, uint32_t lblk)
{
	return read_journal_block(l->e2, l->ino, lblk, l->buf);
}

static uint32_t next_block(const struct log *l, uint32_t b)
{
	return ++b >= l->maxlen ? l->first : b;
}

/* The tags of the descriptor block at B: their filesystem blocks and
 * where their copies are (the blocks after B); *COUNT is how many.  */
static bool read_tags(struct log *l, uint32_t b, uint32_t incompat, uint32_t bs,
		      uint32_t *count)
{
	bool v3 = incompat & JBD2_FEATURE_CSUM_V3;
	bool b64 = incompat & JBD2_FEATURE_64BIT;
	size_t tag = v3 ? 16 : b64 ? 12 : 8;
	size_t end = bs - ((incompat & (JBD2_FEATURE_CSUM_V2 | JBD2_FEATURE_CSUM_V3)) ? 4 : 0);
	size_t off = 12;

	*count = 0;
	while (off + tag <= end) {
		const uint8_t *t = l->buf + off;
		uint32_t flags = v3 ? be32(t + 4) : (uint32_t)(t[6] << 8 | t[7]);
		struct fs_logged e = { .block = be32(t) };

		if (b64)
			e.block |= (uint64_t)be32(t + 8) << 32;
		b = next_block(l, b);
		e.log = b;
		e.escaped = flags & JBD2_FLAG_ESCAPE;
		if (!add(&l->pending, &l->npending, &l->cap, e))
			return false;
		(*count)++;
		off += tag + ((flags & JBD2_FLAG_SAME_UUID) ? 0 : 16);
		if (flags & JBD2_FLAG_LAST_TAG)
			break;
	}
	return true;
}

static struct fs_logged *find(const struct fs_blocks *s, uint64_t blk)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->block[i].block == blk)
			return &s->block[i];
	return NULL;
}

/* A committed transaction: its copies are now the newest. */
static bool commit(struct log *l, struct fs_blocks *out)
{
	for (size_t i = 0; i < l->npending; i++) {
		struct fs_logged *old = find(out, l->pending[i].block);

		if (old)
			*old = l->pending[i];
		else if (!add(&out->block, &out->n, &out->cap, l->pending[i]))
			return false;
	}
	l->npending = 0;
	return true;
}

int fs_journal_blocks(struct fs *fs, struct fs_blocks *out, struct gi_err *err)
{
	ext2_filsys e2 = fs->e2;
	struct log l = { .e2 = e2 };
	uint32_t bs, start, seq, incompat = 0, b, steps = 0;
	bool ok = true;

	memset(out, 0, sizeof(*out));
	l.ino = e2->super->s_journal_inum;
	if (!ext2fs_has_feature_journal(e2->super) || !l.ino)
		return 0;
	l.buf = malloc(e2->blocksize);
	if (!l.buf)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	if (!read_log(&l, 0) || be32(l.buf) != JBD2_MAGIC ||
	    (be32(l.buf + 4) != JBD2_SB_V1 && be32(l.buf + 4) != JBD2_SB_V2)) {
		free(l.buf);
		out->unreadable = true;
		return 0;
	}
	bs = be32(l.buf + 12);
	l.maxlen = be32(l.buf + 16);
	l.first = be32(l.buf + 20);
	seq = be32(l.buf + 24);
	start = be32(l.buf + 28);
	if (be32(l.buf + 4) == JBD2_SB_V2)
		incompat = be32(l.buf + 40);
	if (bs != e2->blocksize || !start || l.first >= l.maxlen) {
		free(l.buf);
		out->unreadable = bs != e2->blocksize;
		return 0;
	}
	out->journal_ino = l.ino;
	for (b = start; ok && steps < LOG_MAX_BLOCKS; steps++) {
		uint32_t type, count;

		if (!read_log(&l, b) || be32(l.buf) != JBD2_MAGIC ||
		    be32(l.buf + 8) != seq)
			break;
		type = be32(l.buf + 4);
		if (type == JBD2_DESCRIPTOR) {
			ok = read_tags(&l, b, incompat, bs, &count);
			while (count--)
				b = next_block(&l, b);
		} else if (type == JBD2_COMMIT) {
			ok = commit(&l, out);
			seq++;
		} else if (type != JBD2_REVOKE) {
			break;
		}
		b = next_block(&l, b);
	}
	free(l.pending);
	free(l.buf);
	if (ok)
		return 0;
	fs_blocks_free(out);
	return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
}

bool fs_blocks_has(const struct fs_blocks *s, uint64_t blk)
{
	return find(s, blk) != NULL;
}

/* The newest copy of BLK that LOG holds, into BUF; false when it holds
 * none or it cannot be read.  */
static bool logged_copy(struct fs *fs, const struct fs_blocks *log, uint64_t blk,
			uint8_t *buf)
{
	const struct fs_logged *e = find(log, blk);

	if (!e || !read_journal_block(fs->e2, log->journal_ino, e->log, buf))
		return false;
	if (e->escaped) {		/* the log zeroed a leading magic */
		buf[0] = 0xc0, buf[1] = 0x3b, buf[2] = 0x39, buf[3] = 0x98;
	}
	return true;
}

/* Does the copy of BLK in LOG differ from the block in place? */
static bool block_differs(struct fs *fs, const struct fs_blocks *log, uint64_t blk,
			  uint8_t *a, uint8_t *b)
{
	return logged_copy(fs, log, blk, a) &&
	       io_channel_read_blk64(fs->e2->io, blk, 1, b) == 0 &&
	       memcmp(a, b, fs->e2->blocksize) != 0;
}

struct find_ctx {
	struct fs *fs;
	const struct fs_blocks *log;
	uint8_t *a, *b;
	uint64_t hit;
	bool found;
};

static int find_block(ext2_filsys e2, blk64_t *blocknr, e2_blkcnt_t blockcnt,
		      blk64_t ref_blk, int ref_offset, void *priv)
{
	struct find_ctx *c = priv;

	(void)e2, (void)blockcnt, (void)ref_blk, (void)ref_offset;
	if (!block_differs(c->fs, c->log, *blocknr, c->a, c->b))
		return 0;
	c->hit = *blocknr;
	c->found = true;
	return BLOCK_ABORT;
}

/* What a reader of the inode uses: type, size, flags, block map. */
static bool inode_differs(const struct ext2_inode *x, const struct ext2_inode *y)
{
	return x->i_mode != y->i_mode || x->i_size != y->i_size ||
	       x->i_size_high != y->i_size_high || x->i_flags != y->i_flags ||
	       memcmp(x->i_block, y->i_block, sizeof(x->i_block)) != 0;
}

bool fs_inode_stale(struct fs *fs, ext2_ino_t ino, const struct fs_blocks *log,
		    uint64_t *blk, bool *is_inode_block)
{
	ext2_filsys e2 = fs->e2;
	uint64_t byte = (uint64_t)((ino - 1) % e2->super->s_inodes_per_group) *
			EXT2_INODE_SIZE(e2->super);
	uint64_t itable = fs_inode_block(fs, ino);
	struct find_ctx c = { .fs = fs, .log = log };
	struct ext2_inode inode;
	bool stale = false;

	*is_inode_block = true;
	*blk = itable;
	if (!log->n || ext2fs_read_inode(e2, ino, &inode))
		return false;
	c.a = malloc(e2->blocksize);
	c.b = malloc(e2->blocksize);
	if (!c.a || !c.b)
		goto out;
	if (logged_copy(fs, log, itable, c.a) &&
	    inode_differs((const struct ext2_inode *)(c.a + byte % e2->blocksize),
			  &inode)) {
		stale = true;
		goto out;
	}
	/* Inline data and fast symbolic links have no blocks of their own. */
	if ((inode.i_flags & EXT4_INLINE_DATA_FL) || ext2fs_is_fast_symlink(&inode))
		goto out;
	ext2fs_block_iterate3(e2, ino, BLOCK_FLAG_READ_ONLY, NULL, find_block, &c);
	*is_inode_block = false;
	*blk = c.hit;
	stale = c.found;
out:
	free(c.a);
	free(c.b);
	return stale;
}

void fs_blocks_free(struct fs_blocks *s)
{
	free(s->block);
	memset(s, 0, sizeof(*s));
}
