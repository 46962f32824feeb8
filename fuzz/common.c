/* Helpers of the fuzz harnesses; see common.h. */
#include <fcntl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>
#include <wctype.h>

#include <ext2fs/ext2fs.h>

#include "fuzz/common.h"

static void fill(int fd, const char *path, const uint8_t *data, size_t len)
{
	size_t done = 0;

	fuzz_require(ftruncate(fd, 0) == 0, "ftruncate", path);
	while (done < len) {
		ssize_t n = pwrite(fd, data + done, len - done, (off_t)done);
		fuzz_require(n > 0, "pwrite", path);
		done += (size_t)n;
	}
}

const char *fuzz_image(const uint8_t *data, size_t len)
{
	/* One file per process, reused: the harness itself may keep state,
	 * the library may not.  */
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		fd = memfd_create("grubinst-fuzz", MFD_CLOEXEC);
		fuzz_require(fd >= 0, "memfd_create", "");
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	fill(fd, path, data, len);
	return path;
}

static char file_dir[64];
static char file_path[96];
static char undo_path[128];

const char *fuzz_undo_record(void)
{
	struct stat st;

	fuzz_require(file_path[0] && stat(file_path, &st) == 0, "stat", file_path);
	snprintf(undo_path, sizeof(undo_path), "%s/grubinst-undo.%llu", file_dir,
		 (unsigned long long)st.st_ino);
	return undo_path;
}

static void remove_file_dir(void)
{
	unlink(fuzz_undo_record());
	unlink(file_path);
	rmdir(file_dir);
}

const char *fuzz_image_file(const uint8_t *data, size_t len)
{
	static int fd = -1;

	if (fd < 0) {
		snprintf(file_dir, sizeof(file_dir), "%s/grubinst-fuzz.XXXXXX",
			 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
		fuzz_require(mkdtemp(file_dir) != NULL, "mkdtemp", file_dir);
		snprintf(file_path, sizeof(file_path), "%s/disk.img", file_dir);
		fd = open(file_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		fuzz_require(fd >= 0, "open", file_path);
		atexit(remove_file_dir);
	}
	fill(fd, file_path, data, len);
	return file_path;
}

#define RECORD_MAGIC "GRUBINST-UNDO-2\n"
#define RECORD_HASH 64

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void fuzz_split_disk(const uint8_t *data, size_t size, struct fuzz_disk *d)
{
	const size_t m = sizeof(RECORD_MAGIC) - 1;
	size_t at = size;

	memset(d, 0, sizeof(*d));
	for (size_t i = size >= m ? size - m + 1 : 0; i-- > 0;)
		if (memcmp(data + i, RECORD_MAGIC, m) == 0) {
			at = i;
			break;
		}
	d->img = data;
	d->img_len = at;
	if (at == size)
		return;
	d->rec_len = size - at;
	d->rec = malloc(d->rec_len);
	fuzz_require(d->rec != NULL, "malloc", "");
	memcpy(d->rec, data + at, d->rec_len);
}

const char *fuzz_disk_file(struct fuzz_disk *d)
{
	const char *path = fuzz_image_file(d->img, d->img_len);
	const char *rec = fuzz_undo_record();
	struct stat st;
	size_t done = 0;
	int fd;

	unlink(rec);
	if (!d->rec)
		return path;
	fuzz_require(stat(path, &st) == 0, "stat", path);
	/* Header: magic, kind and 0, st_dev, st_ino, st_rdev, size, count. */
	if (d->rec_len >= 40 && all_zero(d->rec + 24, 16)) {
		put_le64(d->rec + 24, (uint64_t)st.st_dev);
		put_le64(d->rec + 32, (uint64_t)st.st_ino);
	}
	if (d->rec_len >= RECORD_HASH + 16 &&
	    all_zero(d->rec + d->rec_len - RECORD_HASH, RECORD_HASH))
		ext2fs_sha512(d->rec, d->rec_len - RECORD_HASH,
			      d->rec + d->rec_len - RECORD_HASH);
	fd = open(rec, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	fuzz_require(fd >= 0 && fchmod(fd, 0600) == 0, "open", rec);
	while (done < d->rec_len) {
		ssize_t n = pwrite(fd, d->rec + done, d->rec_len - done, (off_t)done);
		fuzz_require(n > 0, "pwrite", rec);
		done += (size_t)n;
	}
	close(fd);
	return path;
}

int fuzz_record_kept(const struct fuzz_disk *d)
{
	return d->rec && fuzz_same_contents(fuzz_undo_record(), d->rec, d->rec_len);
}

void fuzz_disk_free(struct fuzz_disk *d)
{
	free(d->rec);
	memset(d, 0, sizeof(*d));
}

int fuzz_same_contents(const char *path, const uint8_t *data, size_t len)
{
	uint8_t buf[65536];
	size_t done = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), same = fd >= 0;

	while (same && done <= len) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			same = n == 0 && done == len;
			break;
		}
		same = (size_t)n <= len - done && memcmp(buf, data + done, (size_t)n) == 0;
		done += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	return same;
}

void fuzz_require(int cond, const char *what, const char *text)
{
	if (cond)
		return;
	fprintf(stderr, "fuzz: broken promise: %s: \"%s\"\n", what,
		text ? text : "(null)");
	abort();
}

/* Decoded by the C library, independently of the library's own check:
 * UTF-8 only, and no character the locale calls a control.  */
void fuzz_check_line(const char *what, const char *s, size_t max)
{
	static locale_t utf8;
	mbstate_t st;
	size_t left;

	if (!s)
		return;
	if (!utf8)
		utf8 = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	fuzz_require(utf8 != (locale_t)0, "the C.UTF-8 locale", "");
	left = strlen(s);
	fuzz_require(left <= max, what, s);
	memset(&st, 0, sizeof(st));
	for (const char *p = s; left;) {
		wchar_t wc;
		size_t n;
		locale_t old = uselocale(utf8);

		n = mbrtowc(&wc, p, left, &st);
		fuzz_require(n != (size_t)-1 && n != (size_t)-2 && n != 0,
			     what, s);
		fuzz_require(!iswcntrl(wc), what, s);
		uselocale(old);
		p += n;
		left -= n;
	}
}

static int is_code(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_'))
			return 0;
	return 1;
}

void fuzz_check_finding(void *ctx, const struct grubinst_finding *f)
{
	int known = 0;

	(void)ctx;
	fuzz_require(f->severity == GRUBINST_SEV_OK ||
			     f->severity == GRUBINST_SEV_WARN ||
			     f->severity == GRUBINST_SEV_FAIL,
		     "severity", f->message);
	known = (unsigned)f->area_id < GRUBINST_AREA_COUNT && f->area &&
		strcmp(f->area, grubinst_area_name(f->area_id)) == 0;
	fuzz_require(known, "area", f->area);
	fuzz_require(is_code(f->code), "code", f->code);
	fuzz_require(f->message && *f->message, "message", f->message);
	fuzz_check_line("message", f->message, 2048);
	fuzz_check_line("fix", f->fix, 2048);
	fuzz_require(f->sector >= -1, "sector", f->message);
	fuzz_require(f->grub_error >= 0 && f->grub_error <= 35, "grub_error",
		     f->message);
}

void fuzz_check_status(grubinst *g, int rc)
{
	const char *msg = grubinst_error(g);

	fuzz_require(rc >= GRUBINST_OK && rc <= GRUBINST_WONT_BOOT, "status", msg);
	if (rc == GRUBINST_OK || rc == GRUBINST_REFUSED || rc == GRUBINST_WONT_BOOT)
		return;
	fuzz_require(strcmp(msg, "no error") != 0, "error without a message", msg);
	fuzz_check_line("error", msg, 1024);
}
