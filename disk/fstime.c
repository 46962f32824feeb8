/* The times an install writes into the filesystem.  libext2fs stamps new
 * inodes and the superblock's last write time with its "now" (its clock,
 * or E2FSPROGS_FAKE_TIME); we stamp what we change with the same value,
 * so that clamping it once covers every time written.  */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "disk/disk.h"

time_t fs_now(const struct fs *fs)
{
	return fs->e2->now ? fs->e2->now : time(NULL);
}

void fs_clamp_time(struct fs *fs, long long epoch)
{
	if (epoch < 0 || epoch >= (long long)fs_now(fs))
		return;
	/* libext2fs reads a zero "now" as "ask the clock": 1 is the earliest
	 * time it can be given.  */
	fs->e2->now = epoch > 0 ? (time_t)epoch : 1;
}

/* A large inode keeps the bits of a time beyond 2038 and its nanoseconds
 * in an extra word: the epoch bits as the kernel encodes them, and zero
 * nanoseconds so that the result does not depend on when we ran.  */
static __u32 time_extra(time_t t)
{
	long long secs = (long long)t;

	return (__u32)((secs - (__s32)secs) >> 32) & EXT4_EPOCH_MASK;
}

static bool has_extra_times(const struct fs *fs,
			    const struct ext2_inode_large *in)
{
	return EXT2_INODE_SIZE(fs->e2->super) > EXT2_GOOD_OLD_INODE_SIZE &&
	       in->i_extra_isize >= offsetof(struct ext2_inode_large,
					     i_atime_extra) -
					    EXT2_GOOD_OLD_INODE_SIZE;
}

errcode_t fs_stamp_changed(struct fs *fs, ext2_ino_t ino)
{
	struct ext2_inode_large in;
	time_t t = fs_now(fs);
	errcode_t rc;

	memset(&in, 0, sizeof(in));
	rc = ext2fs_read_inode_full(fs->e2, ino, (struct ext2_inode *)&in,
				    sizeof(in));
	if (rc)
		return rc;
	in.i_mtime = in.i_ctime = (__u32)t;
	if (has_extra_times(fs, &in))
		in.i_mtime_extra = in.i_ctime_extra = time_extra(t);
	return ext2fs_write_inode_full(fs->e2, ino, (struct ext2_inode *)&in,
				       sizeof(in));
}
