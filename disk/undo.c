/*
 * The undo record: IMAGE.grubinst-undo, next to the image, holds the old
 * and the new contents of the sectors an install is about to change (all
 * but the blocks that were free, whose old contents nothing needs).  It
 * is written and synced (as IMAGE.grubinst-undo.tmp, then renamed) before
 * the first write to the image and removed after the last sync, so it
 * exists only while the image may be half written.  A process killed in
 * between leaves it behind; the next install puts the old contents back
 * first (undo_recover), after checking that every sector still holds
 * either its old or its new contents.
 *
 * Format, little-endian: "GRUBINST-UNDO-1\n", u64 image size, u64 number
 * of changes, then per change u64 first sector, u64 sector count, the old
 * sectors, the new sectors; last a u32 CRC-32 (zlib) of all that precedes.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "disk/disk.h"
#include "lib/bytes.h"

#define UNDO_SUFFIX ".grubinst-undo"
#define UNDO_MAGIC "GRUBINST-UNDO-1\n"
#define MAGIC_LEN 16
#define HEADER_LEN (MAGIC_LEN + 16)
#define CHANGE_HEADER 16
/* A record larger than this is not one of ours. */
#define UNDO_MAX ((uint64_t)1 << 32)

static int undo_path(const char *image, const char *suffix, char *buf,
		     size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", image, UNDO_SUFFIX, suffix);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* IMAGE.grubinst-undo and the .tmp it is written as. */
struct undo_paths {
	char record[PATH_MAX], tmp[PATH_MAX];
};

static int undo_paths(const struct image *img, struct undo_paths *p,
		      struct gi_err *err)
{
	if (undo_path(img->path, "", p->record, sizeof(p->record)) ||
	    undo_path(img->path, ".tmp", p->tmp, sizeof(p->tmp)))
		return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  img->path, "path too long");
	return 0;
}

bool undo_pending(const char *image_path)
{
	char path[PATH_MAX];
	struct stat st;

	return undo_path(image_path, "", path, sizeof(path)) == 0 &&
	       stat(path, &st) == 0;
}

/* A rename or unlink is durable once the directory is synced. */
static int sync_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd, rc;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s",
			 (int)(slash == path ? 1 : slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* ---- saving ---- */

static uint8_t *build_record(uint64_t image_size, const struct sector_change *c,
			     size_t n, size_t *len)
{
	size_t size = HEADER_LEN + 4, pos = HEADER_LEN;
	uint8_t *buf;

	for (size_t i = 0; i < n; i++)
		size += CHANGE_HEADER + 2 * c[i].count * SECTOR_SIZE;
	buf = malloc(size);
	if (!buf)
		return NULL;
	memcpy(buf, UNDO_MAGIC, MAGIC_LEN);
	put_le64(buf + MAGIC_LEN, image_size);
	put_le64(buf + MAGIC_LEN + 8, n);
	for (size_t i = 0; i < n; i++) {
		size_t bytes = c[i].count * SECTOR_SIZE;

		put_le64(buf + pos, c[i].sector);
		put_le64(buf + pos + 8, c[i].count);
		memcpy(buf + pos + CHANGE_HEADER, c[i].before, bytes);
		memcpy(buf + pos + CHANGE_HEADER + bytes, c[i].after, bytes);
		pos += CHANGE_HEADER + 2 * bytes;
	}
	put_le32(buf + pos, (uint32_t)crc32(0, buf, (uInt)pos));
	*len = size;
	return buf;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	size_t done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		/* pwrite, not write: the library links to nothing that
		 * could print (tests/library.test).  */
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	/* A new file: fdatasync() writes its size and blocks too. */
	if (fdatasync(fd) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int undo_save(struct image *img, const struct sector_change *c, size_t n,
	      struct gi_err *err)
{
	struct undo_paths p;
	uint8_t *rec;
	size_t len = 0;
	int saved;

	if (img->no_undo_file)
		return 0;
	if (undo_paths(img, &p, err))
		return err->code;
	rec = build_record(img->size, c, n, &len);
	if (!rec)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	if (write_file(p.tmp, rec, len) < 0 || rename(p.tmp, p.record) < 0 ||
	    sync_dir(p.record) < 0) {
		saved = errno;
		free(rec);
		unlink(p.tmp);
		unlink(p.record);
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, img->path,
				  "cannot write the undo record "
				  "%s: %s; nothing was written", p.record,
				  strerror(saved));
	}
	free(rec);
	return 0;
}

int undo_discard(struct image *img, struct gi_err *err)
{
	struct undo_paths p;

	if (img->no_undo_file)
		return 0;
	if (undo_paths(img, &p, err))
		return err->code;
	if ((unlink(p.record) < 0 && errno != ENOENT) || sync_dir(p.record) < 0)
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, img->path,
				  "installed, but the undo "
				  "record %s cannot be removed: %s", p.record,
				  strerror(errno));
	return 0;
}

/* ---- recovering ---- */

struct record {
	const uint8_t *data;
	size_t len, pos;	/* LEN counts the CRC at the end */
	uint64_t left;		/* changes not yet read */
};

/* The next change; false at the end or on a malformed one (*BAD). */
static bool next_change(struct record *r, uint64_t image_sectors,
			struct sector_change *c, bool *bad)
{
	size_t end = r->len - 4;
	uint64_t bytes, count;

	*bad = false;
	if (!r->left)
		return false;
	r->left--;
	*bad = true;
	if (end - r->pos < CHANGE_HEADER)
		return false;
	c->sector = le64(r->data + r->pos);
	count = le64(r->data + r->pos + 8);
	if (count == 0 || count > image_sectors ||
	    c->sector > image_sectors - count)
		return false;
	c->count = (size_t)count;
	bytes = count * SECTOR_SIZE;
	if ((end - r->pos - CHANGE_HEADER) / 2 < bytes)
		return false;
	c->before = (uint8_t *)r->data + r->pos + CHANGE_HEADER;
	c->after = c->before + bytes;
	r->pos += CHANGE_HEADER + 2 * bytes;
	*bad = false;
	return true;
}

static int read_record(const char *path, uint8_t **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t done = 0;

	*data = NULL;
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return -1;
	}
	if ((uint64_t)st.st_size > UNDO_MAX) {
		close(fd);
		errno = EFBIG;
		return -1;
	}
	*len = (size_t)st.st_size;
	*data = malloc(*len ? *len : 1);
	while (*data && done < *len) {
		ssize_t n = read(fd, *data + done, *len - done);
		if (n <= 0) {
			if (n == 0)
				errno = EINVAL;
			break;
		}
		done += (size_t)n;
	}
	close(fd);
	return *data && done == *len ? 0 : -1;
}

/* Checks the record against the image; the message says why not. */
static int check_record(struct image *img, struct record *r, const char *path,
			struct gi_err *err)
{
	struct record it;
	struct sector_change c;
	uint8_t cur[SECTOR_SIZE];
	bool bad = false;

	if (r->len < HEADER_LEN + 4 || memcmp(r->data, UNDO_MAGIC, MAGIC_LEN) ||
	    crc32(0, r->data, (uInt)(r->len - 4)) != le32(r->data + r->len - 4))
		return gi_refuse(err, GI_CAUSE_UNDO, img->path,
				 "the undo record %s of "
				 "an interrupted install is corrupt; check the "
				 "image (grubinst --verify, e2fsck -fn), then "
				 "remove it", path);
	if (le64(r->data + MAGIC_LEN) != img->size)
		return gi_refuse(err, GI_CAUSE_UNDO, img->path,
				 "the undo record %s is "
				 "for an image of %llu bytes, not %llu; remove it "
				 "if it belongs to no install", path,
				 (unsigned long long)le64(r->data + MAGIC_LEN),
				 (unsigned long long)img->size);
	r->pos = HEADER_LEN;
	r->left = le64(r->data + MAGIC_LEN + 8);
	it = *r;
	while (next_change(&it, image_sectors(img), &c, &bad))
		for (size_t s = 0; s < c.count; s++) {
			if (image_read(img, c.sector + s, cur, 1, err))
				return err->code;
			if (memcmp(cur, c.before + s * SECTOR_SIZE, SECTOR_SIZE) &&
			    memcmp(cur, c.after + s * SECTOR_SIZE, SECTOR_SIZE))
				return gi_refuse(err, GI_CAUSE_UNDO, img->path,
						 "sector %llu "
						 "holds neither what the interrupted "
						 "install found nor what it wrote: "
						 "the image changed since; remove %s "
						 "if the image is fine",
						 (unsigned long long)(c.sector + s),
						 path);
		}
	if (bad || it.pos != r->len - 4)
		return gi_refuse(err, GI_CAUSE_UNDO, img->path,
				 "the undo record %s is "
				 "malformed; remove it", path);
	return 0;
}

static int restore(struct image *img, struct record *r, uint64_t *sectors,
		   struct gi_err *err)
{
	struct sector_change c;
	uint8_t cur[SECTOR_SIZE];
	bool bad;

	*sectors = 0;
	while (next_change(r, image_sectors(img), &c, &bad))
		for (size_t s = 0; s < c.count; s++) {
			const uint8_t *old = c.before + s * SECTOR_SIZE;

			if (image_read(img, c.sector + s, cur, 1, err))
				return err->code;
			if (!memcmp(cur, old, SECTOR_SIZE))
				continue;
			if (image_write(img, c.sector + s, old, 1, err))
				return err->code;
			(*sectors)++;
		}
	return image_sync(img, err);
}

int undo_recover(struct image *img, const struct gi_reporter *rep,
		 struct gi_err *err)
{
	struct undo_paths p;
	struct record r = { 0 };
	uint8_t *data = NULL;
	uint64_t restored = 0;
	int rc;

	if (img->no_undo_file)
		return 0;
	if (undo_paths(img, &p, err))
		return err->code;
	/* Killed while saving the record: the image was not written yet. */
	unlink(p.tmp);
	if (read_record(p.record, &data, &r.len) < 0) {
		free(data);
		if (errno == ENOENT)
			return 0;
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, img->path,
				  "cannot read the undo record "
				  "%s of an interrupted install: %s", p.record,
				  strerror(errno));
	}
	r.data = data;
	rc = check_record(img, &r, p.record, err);
	if (!rc)
		rc = restore(img, &r, &restored, err);
	free(data);
	if (rc)
		return rc;
	if (unlink(p.record) < 0 || sync_dir(p.record) < 0)
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, img->path,
				  "rolled back, but the undo "
				  "record %s cannot be removed: %s", p.record,
				  strerror(errno));
	gi_report(rep, "%s: rolled back an interrupted install: %llu sectors "
		  "restored from %s", img->path, (unsigned long long)restored,
		  p.record);
	return 0;
}
