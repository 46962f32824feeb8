/*
 * Is the image in use by the kernel?  A filesystem mounted from it
 * changes under our feet and the kernel's cache overwrites what we write.
 * The same storage has several names: a block device and its partitions
 * (/dev/loop0, /dev/loop0p1), and for an image file, every loop device
 * whose backing file it is, with their partitions.  All of them are
 * collected as device numbers and looked up in /proc/self/mountinfo,
 * which names mounts by device number whatever path was used.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "disk/disk.h"

#define MAX_NAMES 64

struct names {
	dev_t dev[MAX_NAMES];
	char name[MAX_NAMES][32];	/* "loop0p1" */
	uint64_t offset[MAX_NAMES];	/* a loop device's offset in the file */
	int n;
};

static void add_name(struct names *s, dev_t dev, const char *name,
		     uint64_t offset)
{
	if (s->n == MAX_NAMES)
		return;
	s->dev[s->n] = dev;
	snprintf(s->name[s->n], sizeof(s->name[0]), "%.31s", name);
	s->offset[s->n] = offset;
	s->n++;
}

/* A small sysfs file's first line. */
static bool read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)size, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

static bool dev_of(const char *sysdir, dev_t *dev)
{
	char path[512], buf[32];
	unsigned maj, min;

	snprintf(path, sizeof(path), "%s/dev", sysdir);
	if (!read_line(path, buf, sizeof(buf)) ||
	    sscanf(buf, "%u:%u", &maj, &min) != 2)
		return false;
	*dev = makedev(maj, min);
	return true;
}

/* The device /sys/block/NAME and its partitions (NAMEpN, NAMEN). */
static void add_disk(struct names *s, const char *name, uint64_t offset)
{
	char dir[64], sub[384];
	struct dirent *d;
	dev_t dev;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/sys/block/%.40s", name);
	if (!dev_of(dir, &dev))
		return;
	add_name(s, dev, name, offset);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		if (strncmp(d->d_name, name, strlen(name)) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%.256s/partition", dir, d->d_name);
		if (access(sub, F_OK) != 0)
			continue;
		snprintf(sub, sizeof(sub), "%s/%.256s", dir, d->d_name);
		if (dev_of(sub, &dev))
			add_name(s, dev, d->d_name, offset);
	}
	closedir(dp);
}

/* The /sys/block name of block device DEV, or of the disk it is a
 * partition of.  */
static bool disk_name(dev_t dev, char *buf, size_t size)
{
	char link[128], target[512];
	const char *base;
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(dev), minor(dev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return false;
	target[n] = '\0';
	/* .../block/loop0 or .../block/loop0/loop0p1 */
	base = strstr(target, "/block/");
	if (!base)
		return false;
	base += 7;
	snprintf(buf, size, "%.*s", (int)strcspn(base, "/"), base);
	return true;
}

/* Every loop device whose backing file is the inode ST. */
static void add_loops_over(struct names *s, const struct stat *st)
{
	struct dirent *d;
	DIR *dp = opendir("/sys/block");

	if (!dp)
		return;
	while ((d = readdir(dp))) {
		char path[512], backing[4096], off[32];
		struct stat bst;

		if (strncmp(d->d_name, "loop", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file",
			 d->d_name);
		if (!read_line(path, backing, sizeof(backing)) ||
		    stat(backing, &bst) != 0 || bst.st_dev != st->st_dev ||
		    bst.st_ino != st->st_ino)
			continue;
		snprintf(path, sizeof(path), "/sys/block/%s/loop/offset", d->d_name);
		if (!read_line(path, off, sizeof(off)))
			snprintf(off, sizeof(off), "0");
		add_disk(s, d->d_name, strtoull(off, NULL, 10));
	}
	closedir(dp);
}

/* The kernel's show_mountinfo() writes a blank, a tab, a newline and a
 * backslash of a path as \040, \011, \012 and \134: the name the
 * path really has, decoded in place.  */
static void unescape_octal(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* mountinfo: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ..."; mount points
 * have their blanks escaped (unescape_octal).  */
static bool find_mount(const struct names *s, struct mount_use *m)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		unsigned maj, min;
		char point[1024], opts[256];

		if (sscanf(line, "%*u %*u %u:%u %*s %1023s %255s", &maj, &min,
			   point, opts) != 4)
			continue;
		for (int i = 0; i < s->n; i++) {
			if (s->dev[i] != makedev(maj, min))
				continue;
			m->mounted = true;
			snprintf(m->device, sizeof(m->device), "/dev/%s", s->name[i]);
			unescape_octal(point);
			snprintf(m->mountpoint, sizeof(m->mountpoint), "%s", point);
			m->read_only = strncmp(opts, "ro", 2) == 0 &&
				       (opts[2] == ',' || opts[2] == '\0');
			m->loop_offset = s->offset[i];
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

/* The file behind loop device RDEV (or behind the loop device RDEV is a
 * partition of), as the kernel names it in sysfs, and where the device
 * starts in it.  False for any other device, and for a backing file that
 * was removed (the kernel's name then ends in " (deleted)").  */
bool loop_backing(dev_t rdev, struct loop_backing *lb)
{
	char disk[64], path[512], off[32];
	const char *deleted = " (deleted)";
	size_t n, dn = strlen(deleted);
	dev_t whole;

	memset(lb, 0, sizeof(*lb));
	if (!disk_name(rdev, disk, sizeof(disk)) || strncmp(disk, "loop", 4) != 0)
		return false;
	snprintf(path, sizeof(path), "/sys/block/%.40s/loop/backing_file", disk);
	if (!read_line(path, lb->path, sizeof(lb->path)) || lb->path[0] != '/')
		return false;
	n = strlen(lb->path);
	if (n >= dn && strcmp(lb->path + n - dn, deleted) == 0)
		return false;
	snprintf(path, sizeof(path), "/sys/block/%.40s/loop/offset", disk);
	if (read_line(path, off, sizeof(off)))
		lb->offset = strtoull(off, NULL, 10);
	snprintf(path, sizeof(path), "/sys/block/%.40s", disk);
	lb->whole = dev_of(path, &whole) && whole == rdev;
	snprintf(lb->device, sizeof(lb->device), "/dev/%.40s", disk);
	return true;
}

bool image_mount_use(const struct image *img, struct mount_use *m)
{
	struct names s = { .n = 0 };
	struct stat st;
	char name[64];

	memset(m, 0, sizeof(*m));
	if (fstat(img->fd, &st) != 0)
		return false;
	if (S_ISBLK(st.st_mode)) {
		if (disk_name(st.st_rdev, name, sizeof(name)))
			add_disk(&s, name, 0);
		else
			add_name(&s, st.st_rdev, "?", 0);
	} else if (S_ISREG(st.st_mode)) {
		add_loops_over(&s, &st);
	}
	return s.n && find_mount(&s, m);
}
