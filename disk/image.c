/* Raw sector access to the image file or block device. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/loop.h>

#include "disk/disk.h"

static int lock_fd(struct image *img, int fd, const char *other,
		   struct gi_err *err)
{
	int op = (img->writable ? LOCK_EX : LOCK_SH) | LOCK_NB;

	if (flock(fd, op) == 0)
		return 0;
	if (errno == EWOULDBLOCK && other)
		return gi_refuse(err, GI_CAUSE_BUSY, img->path,
				 "in use by another grubinst (locked through "
				 "%s, the file behind it)", other);
	if (errno == EWOULDBLOCK)
		return gi_refuse(err, GI_CAUSE_BUSY, img->path,
				 "in use by another grubinst (locked)");
	return gi_fail_errno(err, errno, img->path, "cannot lock: %s",
			     strerror(errno));
}

/* What loop device DEV (open on FD, ST) reads from: its backing file, or
 * the block device of a loop device stacked on another, opened read-only
 * as *BST and checked against the inode the loop device reports; -1 for
 * none, or one the kernel no longer names.  */
static int open_backing(int fd, const struct stat *st, struct loop_backing *lb,
			struct stat *bst)
{
	struct loop_info64 info;
	int bfd;

	if (!S_ISBLK(st->st_mode) || !loop_backing(st->st_rdev, lb))
		return -1;
	bfd = open(lb->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
		   O_CLOEXEC);
	if (bfd < 0)
		return -1;
	if (fstat(bfd, bst) != 0 ||
	    (!S_ISREG(bst->st_mode) && !S_ISBLK(bst->st_mode)) ||
	    ioctl(fd, LOOP_GET_STATUS64, &info) != 0 ||
	    info.lo_inode != (uint64_t)bst->st_ino ||
	    info.lo_device != (uint64_t)bst->st_dev) {
		close(bfd);
		return -1;
	}
	return bfd;
}

/*
 * A loop device and the file behind it are one storage under two names:
 * grubinst on /dev/loop0 also locks the file, so that it and grubinst on
 * the file exclude each other (flock() locks an inode, and the device
 * node is another one).  A loop device over another loop device locks
 * that one too, and so on down to the file: whichever name of the stack
 * an install writes through, every other one is locked.  The kernel's
 * name of each is checked against the inode the loop device reports; a
 * file it no longer names (moved, removed, or in another mount
 * namespace) cannot be locked by name here, nor opened by that name: the
 * stack is locked down to it only.
 */
static int lock_backing(struct image *img, const struct stat *st,
			struct gi_err *err)
{
	struct loop_backing lb;
	struct stat cur = *st, bst;
	int fd = img->fd;

	while (img->nstack < IMAGE_STACK_MAX) {
		int bfd = open_backing(fd, &cur, &lb, &bst);

		if (bfd < 0)
			return 0;
		img->stack_fd[img->nstack++] = bfd;
		if (img->nstack == 1 && S_ISREG(bst.st_mode))
			img->backing_fd = bfd;
		if (lock_fd(img, bfd, lb.path, err))
			return err->code;
		fd = bfd;
		cur = bst;
	}
	return 0;
}

/* A usage error, for an install as for --verify: the name given is not
 * something an image can be (a directory, a FIFO, a terminal).  */
static int refuse_non_disk(const char *path, struct gi_err *err)
{
	return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_NOT_A_DISK, path,
			 "not a disk image (neither a regular file nor a "
			 "block device)");
}

static void image_init(struct image *img, const char *path, bool writable)
{
	memset(img, 0, sizeof(*img));
	img->path = path;
	img->fd = -1;
	img->backing_fd = -1;
	img->writable = writable;
}

/* What both ways of opening share, once img->fd is open: the kind of
 * file, its size and the lock.  Closes on failure.  (Whether the kernel
 * has it mounted is a rule of the installer's: inspect/rules.c.)  */
static int image_setup(struct image *img, struct gi_err *err)
{
	struct stat st;
	off_t end;

	if (fstat(img->fd, &st) < 0)
		goto io_error;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		image_close(img);
		return refuse_non_disk(img->path, err);
	}
	img->is_blockdev = S_ISBLK(st.st_mode);
	end = lseek(img->fd, 0, SEEK_END);
	if (end < 0)
		goto io_error;
	img->size = (uint64_t)end;

	if (lock_fd(img, img->fd, NULL, err) || lock_backing(img, &st, err)) {
		image_close(img);
		return err->code;
	}
	return 0;

io_error:
	gi_fail_errno(err, errno, img->path, "%s", strerror(errno));
	image_close(img);
	return err->code;
}

int image_open(struct image *img, const char *path, bool writable,
	       struct gi_err *err)
{
	struct stat st;
	int flags;

	image_init(img, path, writable);
	/* Look before opening: O_RDWR on a directory fails with a less
	 * helpful message, and opening a FIFO or a terminal may block or
	 * have effects.  O_NONBLOCK covers the name changing in between;
	 * image_setup() refuses what fstat() says is neither a file nor a
	 * block device.  */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return refuse_non_disk(path, err);
	img->fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_NONBLOCK |
		       O_NOCTTY | O_CLOEXEC);
	if (img->fd < 0) {
		int code = (errno == EACCES || errno == EROFS) && writable
				   ? GRUBINST_REFUSED
				   : GRUBINST_EIO;
		if (code == GRUBINST_EIO)
			return gi_fail_errno(err, errno, path, "cannot open: %s",
					     strerror(errno));
		return gi_refuse(err, GI_CAUSE_READ_ONLY, path,
				 "cannot open for writing: %s", strerror(errno));
	}
	flags = fcntl(img->fd, F_GETFL);
	if (flags < 0 || fcntl(img->fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		gi_fail_errno(err, errno, path, "%s", strerror(errno));
		image_close(img);
		return err->code;
	}
	return image_setup(img, err);
}

/* The caller keeps FD: we work on a duplicate, which shares its file
 * offset and its lock but can be closed on our own.  */
int image_open_fd(struct image *img, int fd, const char *name, bool writable,
		  struct gi_err *err)
{
	int mode;

	image_init(img, name, writable);
	mode = fcntl(fd, F_GETFL);
	if (mode < 0)
		return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, name,
				  "bad file descriptor %d: %s", fd,
				  strerror(errno));
	/* pwrite() on an O_APPEND descriptor writes at the end of the file. */
	if (writable && (mode & O_APPEND))
		return gi_refuse(err, GI_CAUSE_USAGE, name, "file descriptor %d "
				 "is open with O_APPEND: writes would go to the end",
				 fd);
	mode &= O_ACCMODE;
	if (mode == O_WRONLY || (writable && mode != O_RDWR))
		return gi_refuse(err, GI_CAUSE_USAGE, name,
				 "file descriptor %d is not open for %s", fd,
				 mode == O_WRONLY ? "reading" : "reading and writing");
	img->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (img->fd < 0)
		return gi_fail_errno(err, errno, name, "cannot duplicate file "
				     "descriptor %d: %s", fd, strerror(errno));
	return image_setup(img, err);
}

int image_open_handle(struct image *img, const grubinst *g, bool writable,
		      struct gi_err *err)
{
	if (g->by_fd) {
		int rc = image_open_fd(img, g->fd, g->path, writable, err);

		img->unnamed = g->unnamed;
		return rc;
	}
	return image_open(img, g->path, writable, err);
}

/* An image never opened has fd -1 and nothing else open either (image_init
 * comes first): its other descriptors are not looked at.  */
void image_close(struct image *img)
{
	if (img->fd < 0)
		return;
	close(img->fd);
	for (int i = 0; i < img->nstack; i++)
		close(img->stack_fd[i]);
	img->nstack = 0;
	img->fd = img->backing_fd = -1;
}

int image_read(struct image *img, uint64_t sector, void *buf, size_t nsect,
	       struct gi_err *err)
{
	size_t len = nsect * SECTOR_SIZE;
	ssize_t n = pread(img->fd, buf, len, (off_t)(sector * SECTOR_SIZE));

	if (n == (ssize_t)len) {
		return 0;
	}
	if (n >= 0)
		return gi_refuse(err, GI_CAUSE_TRUNCATED, img->path,
				 "truncated: sector %llu lies beyond the end of "
				 "the image (%llu bytes)", (unsigned long long)sector,
				 (unsigned long long)img->size);
	return gi_fail_errno(err, errno, img->path, "cannot read sector %llu: %s",
			     (unsigned long long)sector, strerror(errno));
}

/* A full disk first takes part of a write: the rest then fails with the
 * real cause (ENOSPC), which is what the message must say.  */
int image_write(struct image *img, uint64_t sector, const void *buf,
		size_t nsect, struct gi_err *err)
{
	size_t len = nsect * SECTOR_SIZE, done = 0;
	off_t off = (off_t)(sector * SECTOR_SIZE);

	while (done < len) {
		ssize_t n = pwrite(img->fd, (const uint8_t *)buf + done,
				   len - done, off + (off_t)done);
		if (n <= 0)
			return gi_fail_errno(err, n < 0 ? errno : ENOSPC, img->path,
					     "cannot write sector %llu: %s",
					     (unsigned long long)(sector + done / SECTOR_SIZE),
					     n < 0 ? strerror(errno) : "short write");
		done += (size_t)n;
	}
	return 0;
}

/* The data, and what reading it back needs; not the modification time,
 * which would cost a journal commit of the host filesystem each time.  */
int image_sync(struct image *img, struct gi_err *err)
{
	if (fdatasync(img->fd) == 0)
		return 0;
	return gi_fail_errno(err, errno, img->path, "cannot sync: %s",
			     strerror(errno));
}
