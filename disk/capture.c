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
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "disk.h"

struct capture {
	struct struct_io_manager manager;
	struct struct_io_channel channel;
	io_channel real;		/* ext2fs_open2's, closed with ours */
	struct image *img;
	struct journal *journal;
	uint64_t offset;		/* of the filesystem, bytes */
	/* Blocks free on disk when the filesystem was opened: writes to
	 * them cannot break it, so they go first.  */
	ext2fs_block_bitmap free_before;
	unsigned fs_block_size;
	struct struct_io_stats stats;
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
	if (c->free_before)
		ext2fs_free_block_bitmap(c->free_before);
	free(c);
	return 0;
}

static errcode_t cap_set_blksize(io_channel channel, int blksize)
{
	channel->block_size = blksize;
	return 0;
}

static errcode_t cap_read_blk64(io_channel channel, unsigned long long block,
				int count, void *data)
{
	struct capture *c = capture_of(channel);
	size_t len = request_bytes(channel, count), done = 0;
	uint64_t off = c->offset + block * (uint64_t)channel->block_size;

	while (done < len) {
		ssize_t n = pread(c->img->fd, (uint8_t *)data + done, len - done,
				  (off_t)(off + done));
		if (n < 0)
			return errno;
		if (n == 0)
			return EXT2_ET_SHORT_READ;
		done += (size_t)n;
	}
	journal_overlay(c->journal, off, data, len);
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

	if (!c->free_before ||
	    first < ext2fs_get_block_bitmap_start2(c->free_before) ||
	    last > ext2fs_get_block_bitmap_end2(c->free_before))
		return JOURNAL_FS;
	return ext2fs_test_block_bitmap_range2(c->free_before, first,
					       (unsigned)(last - first + 1))
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

static void fill_manager(struct struct_io_manager *m)
{
	m->magic = EXT2_ET_MAGIC_IO_MANAGER;
	m->name = "grubinst capture";
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

int fs_capture(struct fs *fs, struct image *img, struct journal *j,
	       struct gi_err *err)
{
	ext2_filsys e2 = fs->e2;
	struct capture *c = calloc(1, sizeof(*c));

	if (!c)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	if (e2->block_map &&
	    ext2fs_copy_bitmap(e2->block_map, &c->free_before) != 0) {
		free(c);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	fill_manager(&c->manager);
	c->real = e2->io;
	c->img = img;
	c->journal = j;
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
