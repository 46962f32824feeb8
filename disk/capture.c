/*
 * An io_channel for libext2fs that writes nothing: every write goes to the
 * install's journal (journal.c), and reads come from the image with the
 * journal's pending writes laid over them, so that libext2fs sees its own
 * changes.  The filesystem reaches the image only in journal_commit(), in
 * the order chosen there, and can be taken back if that fails.
 *
 * The channel replaces the one ext2fs_open2() made, which is only kept to
 * be closed.  Each channel carries its own io_manager table: no state is
 * shared between handles.
 *
 * The same channel, read-only and opened by ext2fs_open2() itself
 * (fs_open_overlay), shows another reader the filesystem as the install
 * will leave it: superblock, descriptors and all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk/disk.h"

struct capture {
	struct struct_io_manager manager;
	struct struct_io_channel channel;
	io_channel real;		/* ext2fs_open2's, closed with ours */
	const struct image *img;
	struct journal *journal;	/* NULL when read-only */
	const struct journal *pending;	/* what reads see laid over the image */
	bool opened;			/* by ext2fs_open2(), through cap_open */
	bool in_open;			/* fs_open_overlay() frees it on failure */
	uint64_t offset;		/* of the filesystem, bytes */
	/* groups.c knows the blocks that were free on disk before the
	 * install: writes to them cannot break the filesystem, so they go
	 * first.  */
	struct fs *fs;
	unsigned fs_block_size;
	struct struct_io_stats stats;
	/* The image's own blocks read last (an inode table block is read
	 * once per inode in it; the check reads the kernel's head and the
	 * directories of /boot again).  The image does not change until
	 * commit, so an entry never goes stale; pending writes are laid
	 * over it.  64 entries: the tutorial's install makes 210 reads of
	 * the image instead of 270 with 8.  */
	struct cached {
		uint64_t off;
		size_t len;	/* 0: empty */
		size_t cap;	/* bytes allocated at data */
		uint8_t *data;
	} cache[64];
	unsigned next_slot;
	char name[40];
};

static struct capture *capture_of(io_channel channel)
{
	return channel->private_data;
}

static size_t request_bytes(io_channel channel, int count)
{
	return count < 0 ? (size_t)-(long)count
			 : (size_t)count * (size_t)channel->block_size;
}

static errcode_t cap_close(io_channel channel)
{
	struct capture *c = capture_of(channel);

	if (--channel->refcount > 0)
		return 0;
	if (c->real)
		io_channel_close(c->real);
	for (size_t i = 0; i < sizeof(c->cache) / sizeof(c->cache[0]); i++) {
		free(c->cache[i].data);
		c->cache[i].data = NULL;
	}
	/* Inside fs_open_overlay()'s ext2fs_open2() the opener frees C. */
	if (!c->in_open)
		free(c);
	return 0;
}

static errcode_t cap_set_blksize(io_channel channel, int blksize)
{
	channel->block_size = blksize;
	return 0;
}

static errcode_t read_image(struct capture *c, uint64_t off, void *data,
			    size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(c->img->fd, (uint8_t *)data + done, len - done,
				  (off_t)(off + done));
		if (n < 0)
			return errno;
		if (n == 0)
			return EXT2_ET_SHORT_READ;
		done += (size_t)n;
	}
	return 0;
}

/* LEN bytes of the image at OFF, from the cache when they were read
 * before; a single block is kept for next time.  */
static errcode_t read_cached(struct capture *c, uint64_t off, void *data,
			     size_t len)
{
	const size_t slots = sizeof(c->cache) / sizeof(c->cache[0]);
	struct cached *e;
	errcode_t rc;

	for (size_t i = 0; i < slots; i++)
		if (c->cache[i].len == len && c->cache[i].off == off) {
			memcpy(data, c->cache[i].data, len);
			return 0;
		}
	rc = read_image(c, off, data, len);
	if (rc || len > c->fs_block_size)
		return rc;
	e = &c->cache[c->next_slot++ % slots];
	if (e->cap < len) {
		free(e->data);
		e->data = malloc(len);
		e->cap = e->data ? len : 0;
		e->len = 0;
	}
	if (e->data) {
		memcpy(e->data, data, len);
		e->off = off;
		e->len = len;
	}
	return 0;
}

static errcode_t cap_read_blk64(io_channel channel, unsigned long long block,
				int count, void *data)
{
	struct capture *c = capture_of(channel);
	size_t len = request_bytes(channel, count);
	uint64_t off = c->offset + block * (uint64_t)channel->block_size;
	errcode_t rc;

	/* What the install wrote itself (new directories, the stage
	 * files' indirect blocks, read again for every block mapped) comes
	 * from memory alone.  */
	if (!journal_covers(c->pending, off, len)) {
		rc = read_cached(c, off, data, len);
		if (rc)
			return rc;
	}
	journal_overlay(c->pending, off, data, len);
	c->stats.bytes_read += len;
	return 0;
}

static errcode_t cap_read_blk(io_channel channel, unsigned long block,
			      int count, void *data)
{
	return cap_read_blk64(channel, block, count, data);
}

/* Metadata, or the data of files the install rewrites in place. */
static enum journal_class class_of(const struct capture *c, uint64_t off,
				   size_t len)
{
	uint64_t first = off / c->fs_block_size;
	uint64_t last = (off + len - 1) / c->fs_block_size;

	return fs_groups_were_free(c->fs, first, last - first + 1)
		       ? JOURNAL_FS_FREE
		       : JOURNAL_FS;
}

static errcode_t cap_write_blk64(io_channel channel, unsigned long long block,
				 int count, const void *data)
{
	struct capture *c = capture_of(channel);
	size_t len = request_bytes(channel, count);
	uint64_t off = block * (uint64_t)channel->block_size;
	struct gi_err err = { 0 };

	/* libext2fs writes whole blocks (and the superblock as 1024 bytes
	 * at 1024): always whole sectors.  */
	if (len == 0)
		return 0;
	if (!c->journal)
		return EXT2_ET_RO_FILSYS;
	if ((c->offset + off) % SECTOR_SIZE || len % SECTOR_SIZE)
		return EXT2_ET_INVALID_ARGUMENT;
	if (journal_add(c->journal, (c->offset + off) / SECTOR_SIZE, data,
			len / SECTOR_SIZE, class_of(c, off, len), &err))
		return EXT2_ET_NO_MEMORY;
	c->stats.bytes_written += len;
	return 0;
}

static errcode_t cap_write_blk(io_channel channel, unsigned long block,
			       int count, const void *data)
{
	return cap_write_blk64(channel, block, count, data);
}

static errcode_t cap_flush(io_channel channel)
{
	(void)channel;
	return 0;
}

static errcode_t cap_set_option(io_channel channel, const char *option,
				const char *arg)
{
	(void)channel, (void)option, (void)arg;
	return EXT2_ET_INVALID_ARGUMENT;
}

static errcode_t cap_get_stats(io_channel channel, io_stats *stats)
{
	*stats = &capture_of(channel)->stats;
	return 0;
}

static errcode_t cap_open(const char *name, int flags, io_channel *channel);

static void fill_manager(struct struct_io_manager *m)
{
	m->magic = EXT2_ET_MAGIC_IO_MANAGER;
	m->name = "grubinst capture";
	m->open = cap_open;
	m->close = cap_close;
	m->set_blksize = cap_set_blksize;
	m->read_blk = cap_read_blk;
	m->write_blk = cap_write_blk;
	m->flush = cap_flush;
	m->set_option = cap_set_option;
	m->get_stats = cap_get_stats;
	m->read_blk64 = cap_read_blk64;
	m->write_blk64 = cap_write_blk64;
}

/* The channel's name is the address of its struct capture, made by
 * fs_open_overlay(): the state travels with the name, not in a global.  */
static errcode_t cap_open(const char *name, int flags, io_channel *channel)
{
	struct capture *c = NULL;

	(void)flags;
	if (sscanf(name, "capture:%p", (void **)&c) != 1 || !c || c->opened)
		return EXT2_ET_BAD_DEVICE_NAME;
	c->opened = true;
	c->channel.magic = EXT2_ET_MAGIC_IO_CHANNEL;
	c->channel.manager = &c->manager;
	c->channel.name = c->name;
	c->channel.block_size = 1024;
	c->channel.refcount = 1;
	c->channel.private_data = c;
	*channel = &c->channel;
	return 0;
}

errcode_t fs_open_overlay(const struct image *img, const struct journal *j,
			  uint64_t offset, int flags, ext2_filsys *e2)
{
	struct capture *c = calloc(1, sizeof(*c));
	errcode_t rc;

	if (!c)
		return EXT2_ET_NO_MEMORY;
	fill_manager(&c->manager);
	c->img = img;
	c->pending = j;
	c->offset = offset;
	c->fs_block_size = 1024;	/* the cache takes blocks up to it */
	c->stats.num_fields = 2;
	snprintf(c->name, sizeof(c->name), "capture:%p", (void *)c);
	c->in_open = true;
	rc = ext2fs_open2(c->name, NULL, flags & ~EXT2_FLAG_RW, 0, 0,
			  &c->manager, e2);
	c->in_open = false;
	/* A failed open has closed the channel, if it had one. */
	if (rc) {
		free(c);
		return rc;
	}
	c->fs_block_size = (*e2)->blocksize;
	return 0;
}

int fs_capture(struct fs *fs, struct image *img, struct journal *j,
	       struct gi_err *err)
{
	ext2_filsys e2 = fs->e2;
	struct capture *c = calloc(1, sizeof(*c));

	if (!c)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	fill_manager(&c->manager);
	c->real = e2->io;
	c->img = img;
	c->fs = fs;
	c->journal = j;
	c->pending = j;
	c->offset = fs->offset;
	c->fs_block_size = e2->blocksize;
	c->stats.num_fields = 2;
	c->channel = *e2->io;
	c->channel.magic = EXT2_ET_MAGIC_IO_CHANNEL;
	c->channel.manager = &c->manager;
	c->channel.refcount = 1;
	c->channel.private_data = c;
	c->channel.read_error = NULL;
	c->channel.write_error = NULL;
	/* ext2fs_free closes image_io apart only when it differs. */
	if (e2->image_io == e2->io)
		e2->image_io = &c->channel;
	e2->io = &c->channel;
	return 0;
}
