/*
 * The undo layer (disk/undo.c) between the journal and the image: no write
 * reaches the image before the record of it is on disk, and none after the
 * record is removed.  Built against the library's internal headers
 * (tests/unit.test runs it).  Prints "PASS what" or "FAIL what"; exits 1
 * if any failed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk/disk.h"

static int failures;

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

/* Is sector 0 of PATH all bytes B? */
static int sector_is(const char *path, int b)
{
	unsigned char buf[SECTOR_SIZE];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = pread(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf);
	close(fd);
	for (size_t i = 0; ok && i < sizeof(buf); i++)
		ok = buf[i] == b;
	return ok;
}

/* How many undo records DIR holds. */
static int records(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strncmp(e->d_name, "grubinst-undo.", 14) == 0;
	closedir(d);
	return n;
}

int main(void)
{
	char dir[] = "/tmp/unit_undo.XXXXXX", path[256];
	unsigned char ones[SECTOR_SIZE], zeros[SECTOR_SIZE] = { 0 };
	struct sector_change c;
	struct gi_err err = { 0 };
	struct image img;
	struct undo undo;
	int fd;

	memset(ones, 1, sizeof(ones));
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/disk.img", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || ftruncate(fd, 8 * SECTOR_SIZE) < 0 || close(fd) < 0)
		return 2;
	if (image_open(&img, path, true, &err))
		return 2;
	undo_attach(&undo, &img);

	verdict(undo_write(&undo, 0, ones, 1, &err) != 0 && err.code == GRUBINST_EIO,
		"a write before the record is refused");
	verdict(sector_is(path, 0), "...and the image is unchanged");

	c = (struct sector_change){ 0, 1, JOURNAL_BOOT, zeros, ones, 1 };
	memset(&err, 0, sizeof(err));
	verdict(undo_save(&undo, &c, 1, &err) == 0, "the record is saved");
	verdict(records(dir) == 1, "...beside the image");
	verdict(undo_write(&undo, 0, ones, 1, &err) == 0 && undo_sync(&undo, &err) == 0,
		"a write after it goes through");
	verdict(sector_is(path, 1), "...to the image");

	verdict(undo_discard(&undo, &err) == 0 && records(dir) == 0,
		"the record is removed");
	memset(&err, 0, sizeof(err));
	verdict(undo_write(&undo, 0, zeros, 1, &err) != 0 && sector_is(path, 1),
		"a write after the record is removed is refused");

	undo_detach(&undo);
	image_close(&img);
	unlink(path);
	rmdir(dir);
	return failures ? 1 : 0;
}
