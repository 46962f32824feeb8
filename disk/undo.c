/*
 * The undo record: the old and the new contents of the sectors an install
 * is about to change (all but the blocks that were free, whose old
 * contents nothing needs).  It is written and synced before the first
 * write to the image and removed after the last sync, so it exists only
 * while the image may be half written.  A process killed in between
 * leaves it behind; the next install puts the old contents back first
 * (undo_recover), and --verify reports it (undo_examine).
 *
 * grubinst runs as root on images in shared directories, so the record is
 * bound to the storage it was written for, not to a name:
 *
 * - It lives in the directory that holds the image file (found from the
 *   open file, so every symlink and every name of it in that directory
 *   lead to one record) and is named after the file's inode:
 *   DIR/grubinst-undo.INODE.  A block device's goes to /dev, named after
 *   its device number (/dev/grubinst-undo.MAJOR:MINOR); a loop device
 *   over a file from its start shares the file's.  The directory is
 *   opened once and every use goes through it.
 * - It is written without a name (O_TMPFILE; where the filesystem has
 *   none, a new file of a random name made with O_EXCL|O_NOFOLLOW), mode
 *   0600, synced, then linked into place without replacing anything
 *   (linkat, or renameat2 RENAME_NOREPLACE): nothing planted at the name
 *   is followed or overwritten.
 * - Before it is opened at all, it must be a regular file of one link,
 *   owned by root, by the image's owner or by whoever runs grubinst, with
 *   no permission for group or others, and of a size a record of this
 *   image can have; then it is opened without following a link and
 *   without blocking.  Its SHA-512 must match, it must name this storage
 *   and this size, and every sector it would restore must hold either its
 *   old or its new contents, before a byte is written.  Anything else at
 *   the name is refused, named, and left alone (UNDO_INVALID).
 *
 * Format 2, little-endian:
 *   "GRUBINST-UNDO-2\n"
 *   u32 kind: 1 a file, 2 a block device; u32 0
 *   u64 st_dev and u64 st_ino of the file (0 for a block device)
 *   u64 st_rdev of the block device (0 for a file)
 *   u64 image size in bytes, u64 number of changes
 *   per change: u64 first sector, u64 sector count, the old sectors, the
 *   new sectors
 *   the SHA-512 (ext2fs_sha512) of all that precedes.
 * Format 1 ("GRUBINST-UNDO-1\n", IMAGE.grubinst-undo, no identity, a
 * CRC-32) is recognised, never rolled back.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk/disk.h"
#include "lib/bytes.h"

#define UNDO_PREFIX "grubinst-undo."
#define UNDO_MAGIC "GRUBINST-UNDO-2\n"
#define UNDO_MAGIC_V1 "GRUBINST-UNDO-1\n"
#define V1_SUFFIX ".grubinst-undo"
#define MAGIC_LEN 16
#define KIND_FILE 1
#define KIND_BLOCKDEV 2
#define HEADER_LEN 64
#define CHANGE_HEADER 16
#define HASH_LEN EXT2FS_SHA512_LENGTH
/* No install changes this much outside the blocks that were free (the
 * metadata of a few groups, files rewritten in place): a record larger
 * than this is neither written nor read.  */
#define UNDO_MAX ((uint64_t)256 << 20)

/* ---- where it lives ---- */

static void set_place(struct undo *undo, const char *dir, const char *fmt, ...)
	GI_PRINTF(3, 4);

static void set_place(struct undo *undo, const char *dir, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(undo->name, sizeof(undo->name), fmt, ap);
	va_end(ap);
	snprintf(undo->path, sizeof(undo->path), "%s%s%s", dir,
		 strcmp(dir, "/") ? "/" : "", undo->name);
}

/* Opens the directory of the file FD is open on, from the kernel's name
 * of it (symlinks resolved; without /proc, the real path of GIVEN, the
 * name it was opened by), and checks that it holds that very file.  */
static int open_file_dir(int fd, const char *given, const struct stat *st,
			 char *dir, size_t size)
{
	char link[64], path[4096];
	struct stat got;
	char *slash;
	ssize_t n;
	int dfd;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n >= 0) {
		path[n] = '\0';
	} else {
		char *real = given ? realpath(given, NULL) : NULL;

		if (!real || strlen(real) >= sizeof(path)) {
			free(real);
			return -1;
		}
		snprintf(path, sizeof(path), "%s", real);
		free(real);
	}
	/* A file without a name (memfd, removed, O_TMPFILE) has no place. */
	slash = strrchr(path, '/');
	if (path[0] != '/' || !slash || slash[1] == '\0') {
		errno = ENOENT;
		return -1;
	}
	*slash = '\0';
	snprintf(dir, size, "%s", path[0] ? path : "/");
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	if (fstatat(dfd, slash + 1, &got, AT_SYMLINK_NOFOLLOW) != 0 ||
	    got.st_dev != st->st_dev || got.st_ino != st->st_ino) {
		close(dfd);
		errno = ENOENT;
		return -1;
	}
	return dfd;
}

/* Finds the storage and the record's place, once per open image. */
static void locate(struct undo *undo)
{
	struct loop_backing lb;
	struct stat st, bst;
	char dir[4096];

	if (undo->located)
		return;
	undo->located = true;
	undo->dir = -1;
	undo->dir_errno = ENOENT;
	if (fstat(undo->img->fd, &st) != 0) {
		undo->dir_errno = errno;
		return;
	}
	memset(&undo->id, 0, sizeof(undo->id));
	undo->id.owner = st.st_uid;
	if (S_ISBLK(st.st_mode) && undo->img->backing_fd >= 0 &&
	    fstat(undo->img->backing_fd, &bst) == 0 && loop_backing(st.st_rdev, &lb) &&
	    lb.whole && lb.offset == 0) {
		/* The same sectors as the file: one record for both names. */
		undo->id.is_file = true;
		undo->id.dev = bst.st_dev;
		undo->id.ino = bst.st_ino;
		undo->dir = open_file_dir(undo->img->backing_fd, lb.path, &bst,
					  dir, sizeof(dir));
	} else if (S_ISBLK(st.st_mode)) {
		undo->id.rdev = st.st_rdev;
		undo->dir = open("/dev", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		snprintf(dir, sizeof(dir), "/dev");
		set_place(undo, dir, UNDO_PREFIX "%u:%u", major(st.st_rdev),
			  minor(st.st_rdev));
	} else {
		undo->id.is_file = true;
		undo->id.dev = st.st_dev;
		undo->id.ino = st.st_ino;
		undo->dir = open_file_dir(undo->img->fd,
					  undo->img->unnamed ? NULL : undo->img->path,
					  &st, dir, sizeof(dir));
	}
	if (undo->dir < 0) {
		undo->dir_errno = errno;
		undo->path[0] = '\0';
		return;
	}
	if (undo->id.is_file)
		set_place(undo, dir, UNDO_PREFIX "%llu",
			  (unsigned long long)undo->id.ino);
}

void undo_attach(struct undo *undo, struct image *img)
{
	memset(undo, 0, sizeof(*undo));
	undo->img = img;
	undo->dir = -1;
}

void undo_detach(struct undo *undo)
{
	if (undo->dir >= 0)
		close(undo->dir);
	undo->dir = -1;
	undo->located = false;
	undo->saved = false;
}

/* Until undo_save() has put the record on disk, a write could leave the
 * image half changed with nothing to roll it back from: the layer refuses
 * it, whichever path above tried.  */
int undo_write(struct undo *undo, uint64_t sector, const void *buf,
	       size_t nsect, struct gi_err *err)
{
	if (!undo->saved)
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, undo->img->path,
				  "cannot write sector %llu: no undo record "
				  "was saved first", (unsigned long long)sector);
	return image_write(undo->img, sector, buf, nsect, err);
}

int undo_sync(struct undo *undo, struct gi_err *err)
{
	return image_sync(undo->img, err);
}

/* A rename, link or unlink is durable once the directory is synced. */
static int sync_dir(const struct undo *undo)
{
	return fsync(undo->dir);
}

/* ---- saving ---- */

static uint64_t record_size(const struct sector_change *c, size_t n)
{
	uint64_t size = HEADER_LEN + HASH_LEN;

	for (size_t i = 0; i < n; i++)
		size += CHANGE_HEADER + 2 * (uint64_t)c[i].count * SECTOR_SIZE;
	return size;
}

static uint8_t *build_record(const struct undo *undo,
			     const struct sector_change *c, size_t n, size_t len)
{
	size_t pos = HEADER_LEN;
	uint8_t *buf = calloc(1, len);

	if (!buf)
		return NULL;
	memcpy(buf, UNDO_MAGIC, MAGIC_LEN);
	put_le32(buf + 16, undo->id.is_file ? KIND_FILE : KIND_BLOCKDEV);
	put_le64(buf + 24, undo->id.is_file ? (uint64_t)undo->id.dev : 0);
	put_le64(buf + 32, undo->id.is_file ? (uint64_t)undo->id.ino : 0);
	put_le64(buf + 40, undo->id.is_file ? 0 : (uint64_t)undo->id.rdev);
	put_le64(buf + 48, undo->img->size);
	put_le64(buf + 56, n);
	for (size_t i = 0; i < n; i++) {
		size_t bytes = c[i].count * SECTOR_SIZE;

		put_le64(buf + pos, c[i].sector);
		put_le64(buf + pos + 8, c[i].count);
		memcpy(buf + pos + CHANGE_HEADER, c[i].before, bytes);
		memcpy(buf + pos + CHANGE_HEADER + bytes, c[i].after, bytes);
		pos += CHANGE_HEADER + 2 * bytes;
	}
	ext2fs_sha512(buf, pos, buf + pos);
	return buf;
}

static int write_all(int fd, const uint8_t *data, size_t len)
{
	size_t done = 0;

	while (done < len) {
		/* pwrite, not write: the library links to nothing that
		 * could print (tests/library.test).  */
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			return -1;
		}
		done += (size_t)n;
	}
	/* A new file: fdatasync() writes its size and blocks too. */
	return fdatasync(fd);
}

/* A new file in the record's directory that nobody else can have named:
 * O_TMPFILE has no name at all; else a random one, created exclusively.
 * TMP receives that name ("" for none).  */
static int create_unnamed(struct undo *undo, char *tmp, size_t size)
{
	int fd = openat(undo->dir, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);

	tmp[0] = '\0';
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	for (int tries = 0; tries < 100; tries++) {
		unsigned long long r = 0;

		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r ^= (unsigned long long)getpid() << 20 ^ (unsigned long long)tries;
		snprintf(tmp, size, "%s.%016llx", undo->name, r);
		fd = openat(undo->dir, tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0)
		tmp[0] = '\0';
	return fd;
}

/* Gives the written file FD its name, never replacing what is there. */
static int link_into_place(struct undo *undo, int fd, const char *tmp)
{
	char proc[64];

	if (tmp[0]) {
		if (renameat2(undo->dir, tmp, undo->dir, undo->name,
			      RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EINVAL && errno != ENOSYS)
			return -1;
		if (linkat(undo->dir, tmp, undo->dir, undo->name, 0) != 0)
			return -1;
		unlinkat(undo->dir, tmp, 0);
		return 0;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (linkat(AT_FDCWD, proc, undo->dir, undo->name,
		   AT_SYMLINK_FOLLOW) == 0)
		return 0;
	if (errno != ENOENT)
		return -1;
	/* No /proc: AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH, which root has. */
	return linkat(fd, "", undo->dir, undo->name, AT_EMPTY_PATH);
}

static int save_failed(struct undo *undo, int saved, const char *why,
		       struct gi_err *err)
{
	return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, undo->img->path,
			  "cannot write the undo record %s: %s; nothing was "
			  "written", undo->path[0] ? undo->path
						       : "(no directory)",
			  why ? why : strerror(saved));
}

int undo_save(struct undo *undo, const struct sector_change *c, size_t n,
	      struct gi_err *err)
{
	char tmp[128];
	uint64_t size;
	uint8_t *rec;
	struct stat st;
	int fd, saved = 0;

	if (undo->img->unnamed) {
		undo->saved = true;	/* no place for a record: none to wait for */
		return 0;
	}
	locate(undo);
	if (undo->dir < 0)
		return save_failed(undo, undo->dir_errno, NULL, err);
	size = record_size(c, n);
	if (size > UNDO_MAX)
		return save_failed(undo, 0, "the install would change more "
				   "metadata than a record holds", err);
	rec = build_record(undo, c, n, (size_t)size);
	if (!rec)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	fd = create_unnamed(undo, tmp, sizeof(tmp));
	if (fd < 0 || fchmod(fd, 0600) < 0 || write_all(fd, rec, size) < 0 ||
	    fstat(fd, &st) < 0 || link_into_place(undo, fd, tmp) < 0 ||
	    sync_dir(undo) < 0)
		saved = errno;
	free(rec);
	if (fd >= 0)
		close(fd);
	if (saved) {
		if (tmp[0])
			unlinkat(undo->dir, tmp, 0);
		return save_failed(undo, saved, NULL, err);
	}
	undo->written = undo->saved = true;
	undo->rec_dev = st.st_dev;
	undo->rec_ino = st.st_ino;
	return 0;
}

/* Removes the record this run wrote, and nothing else: a file put at its
 * name since is someone else's.  */
int undo_discard(struct undo *undo, struct gi_err *err)
{
	struct stat st;

	undo->saved = false;
	if (undo->img->unnamed || !undo->written)
		return 0;
	undo->written = false;
	if (fstatat(undo->dir, undo->name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    st.st_dev != undo->rec_dev || st.st_ino != undo->rec_ino)
		return 0;
	if (unlinkat(undo->dir, undo->name, 0) < 0 || sync_dir(undo) < 0)
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, undo->img->path,
				  "installed, but the undo record %s cannot be "
				  "removed: %s", undo->path, strerror(errno));
	return 0;
}

/* ---- reading and checking ---- */

static bool invalid(struct undo_state *u, const char *fmt, ...) GI_PRINTF(2, 3);

static bool invalid(struct undo_state *u, const char *fmt, ...)
{
	va_list ap;

	u->status = UNDO_INVALID;
	va_start(ap, fmt);
	vsnprintf(u->why, sizeof(u->why), fmt, ap);
	va_end(ap);
	return false;
}

/* The largest record an image of SIZE bytes can have: every sector
 * changed, old and new, each a change of its own.  */
static uint64_t largest_record(uint64_t size)
{
	uint64_t sectors = size / SECTOR_SIZE;
	uint64_t per = 2 * SECTOR_SIZE + CHANGE_HEADER;

	if (sectors > (UNDO_MAX - HEADER_LEN - HASH_LEN) / per)
		return UNDO_MAX;
	return HEADER_LEN + HASH_LEN + sectors * per;
}

/* What the file at the record's name is, before it is opened: the checks
 * that tell grubinst's own record from one planted there.  ST receives
 * its status.  */
static bool trusted_file(const struct undo *undo, const struct stat *st,
			 struct undo_state *u)
{
	uid_t me = geteuid();

	if (!S_ISREG(st->st_mode))
		return invalid(u, "is %s, not a record", gi_file_kind(st->st_mode));
	if (st->st_nlink != 1)
		return invalid(u, "has %llu hard links, and a record has one",
			       (unsigned long long)st->st_nlink);
	if (st->st_uid != 0 && st->st_uid != undo->id.owner && st->st_uid != me)
		return invalid(u, "is owned by uid %u, neither root nor the "
			       "image's owner (uid %u): someone else may have "
			       "written it", (unsigned)st->st_uid,
			       (unsigned)undo->id.owner);
	if (st->st_mode & 077)
		return invalid(u, "has mode %04o, and grubinst writes its records "
			       "0600 (nobody but their owner may write them)",
			       (unsigned)(st->st_mode & 07777));
	if (st->st_size < HEADER_LEN + HASH_LEN)
		return invalid(u, "is %llu bytes, too short for a record",
			       (unsigned long long)st->st_size);
	if ((uint64_t)st->st_size > largest_record(undo->img->size))
		return invalid(u, "is %llu bytes, larger than any record of "
			       "this %llu-byte image", (unsigned long long)st->st_size,
			       (unsigned long long)undo->img->size);
	return true;
}

/* Reads the record at the name whose status was ST into *DATA. */
static int read_record(struct undo *undo, const struct stat *st,
		       uint8_t **data, struct undo_state *u)
{
	int fd = openat(undo->dir, undo->name, O_RDONLY | O_NOFOLLOW |
			O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	size_t len = (size_t)st->st_size, done = 0;
	struct stat now;
	uint8_t *buf;

	*data = NULL;
	if (fd < 0) {
		u->status = UNDO_UNREADABLE;
		snprintf(u->why, sizeof(u->why), "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &now) != 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino || now.st_size != st->st_size) {
		close(fd);
		invalid(u, "changed while it was being read");
		return -1;
	}
	buf = malloc(len);
	while (buf && done < len) {
		ssize_t n = pread(fd, buf + done, len - done, (off_t)done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (!buf || done != len) {
		free(buf);
		if (buf)
			invalid(u, "changed while it was being read");
		else
			invalid(u, "cannot be read: out of memory");
		return -1;
	}
	*data = buf;
	return 0;
}

struct record {
	const uint8_t *data;
	size_t end, pos;	/* END: where the hash starts */
	uint64_t left;		/* changes not yet read */
	dev_t dev;		/* the file it was read from */
	ino_t ino;
};

/* The next change; false at the end or on a malformed one (*BAD). */
static bool next_change(struct record *r, uint64_t image_sectors,
			struct sector_change *c, bool *bad)
{
	uint64_t bytes, count;

	*bad = false;
	if (!r->left)
		return false;
	r->left--;
	*bad = true;
	if (r->end - r->pos < CHANGE_HEADER)
		return false;
	c->sector = le64(r->data + r->pos);
	count = le64(r->data + r->pos + 8);
	if (count == 0 || count > image_sectors ||
	    c->sector > image_sectors - count)
		return false;
	c->count = (size_t)count;
	bytes = count * SECTOR_SIZE;
	if ((r->end - r->pos - CHANGE_HEADER) / 2 < bytes)
		return false;
	c->before = (uint8_t *)r->data + r->pos + CHANGE_HEADER;
	c->after = c->before + bytes;
	r->pos += CHANGE_HEADER + 2 * bytes;
	*bad = false;
	return true;
}

static void describe(const struct storage *s, char *buf, size_t size)
{
	if (s->is_file)
		snprintf(buf, size, "the file of inode %llu on device %u:%u",
			 (unsigned long long)s->ino, major(s->dev), minor(s->dev));
	else
		snprintf(buf, size, "block device %u:%u", major(s->rdev),
			 minor(s->rdev));
}

/* The header: the format, the hash, the storage and the size. */
static bool check_header(const struct undo *undo, const uint8_t *d, size_t len,
			 struct undo_state *u)
{
	uint8_t hash[HASH_LEN];
	struct storage was = { 0 };
	char a[128], b[128];
	uint32_t kind;

	if (memcmp(d, UNDO_MAGIC_V1, MAGIC_LEN) == 0)
		return invalid(u, "is a record of an older grubinst (format 1), "
			       "which did not say what image it was for");
	if (memcmp(d, UNDO_MAGIC, MAGIC_LEN) != 0)
		return invalid(u, "is not a grubinst undo record (no %.15s "
			       "header)", UNDO_MAGIC);
	ext2fs_sha512(d, len - HASH_LEN, hash);
	if (memcmp(hash, d + len - HASH_LEN, HASH_LEN) != 0)
		return invalid(u, "is corrupt: its SHA-512 does not match its "
			       "contents");
	kind = le32(d + 16);
	was.is_file = kind == KIND_FILE;
	was.dev = (dev_t)le64(d + 24);
	was.ino = (ino_t)le64(d + 32);
	was.rdev = (dev_t)le64(d + 40);
	if ((kind != KIND_FILE && kind != KIND_BLOCKDEV) ||
	    was.is_file != undo->id.is_file ||
	    (was.is_file ? was.dev != undo->id.dev || was.ino != undo->id.ino
			 : was.rdev != undo->id.rdev)) {
		describe(&was, a, sizeof(a));
		describe(&undo->id, b, sizeof(b));
		return invalid(u, "was written for %s, and this image is %s",
			       kind == KIND_FILE || kind == KIND_BLOCKDEV ? a
			       : "an unknown kind of storage", b);
	}
	if (le64(d + 48) != undo->img->size)
		return invalid(u, "was written for this image at %llu bytes, and "
			       "it is %llu bytes now",
			       (unsigned long long)le64(d + 48),
			       (unsigned long long)undo->img->size);
	return true;
}

/* Every change against the image: each sector holds what the install
 * found there or what it wrote.  */
static int check_changes(struct undo *undo, struct record *r,
			 struct undo_state *u, struct gi_err *err)
{
	struct record it = *r;
	struct sector_change c;
	uint8_t cur[SECTOR_SIZE];
	bool bad = false;

	u->sectors = 0;
	while (next_change(&it, image_sectors(undo->img), &c, &bad))
		for (size_t s = 0; s < c.count; s++) {
			if (image_read(undo->img, c.sector + s, cur, 1, err))
				return err->code;
			if (memcmp(cur, c.before + s * SECTOR_SIZE, SECTOR_SIZE) &&
			    memcmp(cur, c.after + s * SECTOR_SIZE, SECTOR_SIZE)) {
				invalid(u, "does not match the image: sector %llu "
					"holds neither what the interrupted "
					"install found there nor what it wrote "
					"(the image changed since)",
					(unsigned long long)(c.sector + s));
				return 0;
			}
			u->sectors++;
		}
	if (bad || it.pos != it.end)
		invalid(u, "is malformed: its changes do not fit this image or "
			"the record");
	return 0;
}

/* Reads and checks the record; *DATA holds it when U says UNDO_PENDING. */
static int examine(struct undo *undo, struct undo_state *u, uint8_t **data,
		   struct record *r, struct gi_err *err)
{
	struct stat st;
	int rc;

	*data = NULL;
	memset(u, 0, sizeof(*u));
	if (undo->img->unnamed)
		return 0;
	locate(undo);
	if (undo->dir < 0)
		return 0;	/* no place: nothing can have been written */
	snprintf(u->path, sizeof(u->path), "%s", undo->path);
	if (fstatat(undo->dir, undo->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno == ENOENT)
			return 0;
		u->status = UNDO_UNREADABLE;
		snprintf(u->why, sizeof(u->why), "%s", strerror(errno));
		return 0;
	}
	if (!trusted_file(undo, &st, u) || read_record(undo, &st, data, u))
		return 0;
	if (!check_header(undo, *data, (size_t)st.st_size, u))
		goto drop;
	*r = (struct record){ *data, (size_t)st.st_size - HASH_LEN, HEADER_LEN,
			      le64(*data + 56), st.st_dev, st.st_ino };
	rc = check_changes(undo, r, u, err);
	if (rc) {
		free(*data);
		*data = NULL;
		return rc;
	}
	if (u->status == UNDO_INVALID)
		goto drop;
	u->status = UNDO_PENDING;
	return 0;
drop:
	free(*data);
	*data = NULL;
	return 0;
}

/* A record of grubinst before format 2 sits at IMAGE.grubinst-undo: it
 * is not trusted, but it is not ignored either.  */
static void examine_v1(struct undo *undo, struct undo_state *u)
{
	char path[4096 + 64];
	struct stat st;
	int n;

	if (undo->img->unnamed || u->status != UNDO_NONE)
		return;
	n = snprintf(path, sizeof(path), "%s" V1_SUFFIX, undo->img->path);
	if (n < 0 || (size_t)n >= sizeof(path) ||
	    fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return;
	snprintf(u->path, sizeof(u->path), "%s", path);
	invalid(u, "is where an older grubinst kept its undo record (format "
		"1), which did not say what image it was for");
}

int undo_examine(struct undo *undo, struct undo_state *u, struct gi_err *err)
{
	struct record r;
	uint8_t *data;
	int rc = examine(undo, u, &data, &r, err);

	free(data);
	if (!rc)
		examine_v1(undo, u);
	return rc;
}

static int restore(struct undo *undo, struct record *r, uint64_t *sectors,
		   struct gi_err *err)
{
	struct sector_change c;
	uint8_t cur[SECTOR_SIZE];
	bool bad;

	*sectors = 0;
	while (next_change(r, image_sectors(undo->img), &c, &bad))
		for (size_t s = 0; s < c.count; s++) {
			const uint8_t *old = c.before + s * SECTOR_SIZE;

			if (image_read(undo->img, c.sector + s, cur, 1, err))
				return err->code;
			if (!memcmp(cur, old, SECTOR_SIZE))
				continue;
			if (image_write(undo->img, c.sector + s, old, 1, err))
				return err->code;
			(*sectors)++;
		}
	return image_sync(undo->img, err);
}

int undo_recover(struct undo *undo, struct undo_state *u,
		 const struct gi_reporter *rep, struct gi_err *err)
{
	struct record r;
	struct stat st;
	uint8_t *data;
	int rc = examine(undo, u, &data, &r, err);

	if (!rc)
		examine_v1(undo, u);
	if (rc || u->status != UNDO_PENDING) {
		free(data);
		return rc;
	}
	rc = restore(undo, &r, &u->sectors, err);
	free(data);
	if (rc)
		return rc;
	/* Only after the image is synced: killed before, the next run finds
	 * the record again, and every sector still old or new.  A file put
	 * at its name since is someone else's: it stays.  */
	if (fstatat(undo->dir, undo->name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_dev == r.dev && st.st_ino == r.ino &&
	    (unlinkat(undo->dir, undo->name, 0) < 0 || sync_dir(undo) < 0))
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, undo->img->path,
				  "rolled back, but the undo record %s cannot be "
				  "removed: %s", undo->path, strerror(errno));
	u->status = UNDO_RESTORED;
	gi_report(rep, "%s: rolled back an interrupted install: %llu sectors "
		  "restored from %s", undo->img->path, (unsigned long long)u->sectors,
		  undo->path);
	return 0;
}
