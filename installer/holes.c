/*
 * Files GRUB must read whole: the kernel and initrd of every menu entry.
 * mke2fs -d leaves a file's all-zero blocks unallocated, and GRUB 0.97's
 * extent lookup cannot cross such holes ("Error 16", tests/verify_boot.
 * test); the kernel's own lookup can.  So the install allocates and zeroes
 * them (ext2fs_fallocate, through the journal like every other write) in
 * the files of the boot partition, and the report names the files.
 *
 * A file of more than four extents keeps them in blocks of their own, and
 * GRUB 0.97 reads such an index block again for every block of the file:
 * between two reads of the data, its one-track disk cache loses the
 * track the data is in.  The man page's recipe (ext4 of 1 KiB blocks)
 * booted in minutes instead of seconds.  Such files are moved into at
 * most four runs of free blocks, whose extents the inode holds; and so
 * is the image's menu when the install keeps it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

#define MENU_READ_MAX (1024 * 1024)

struct filling {
	struct install *inst;
	int rc;
	/* The directory of the last file looked up, read once: the menu of
	 * thousands of kernels in /boot names them one by one.  */
	bool listed;
	char dir[PATH_MAX];
	struct fs_listing listing;
};

/* PATH's inode when it is a regular file the directory listing names;
 * else a lookup by path, which follows links.  */
static int find_file(struct filling *f, const char *path, ext2_ino_t *ino)
{
	struct install *inst = f->inst;
	const char *slash = strrchr(path, '/');
	const struct fs_dirent *d = NULL;
	ext2_ino_t dir = 0;

	*ino = 0;
	if (slash && (size_t)(slash - path) < sizeof(f->dir)) {
		if (!f->listed || strncmp(f->dir, path, (size_t)(slash - path)) ||
		    f->dir[slash - path]) {
			struct gi_err probe = { 0 };

			fs_listing_free(&f->listing);
			f->listed = true;
			snprintf(f->dir, sizeof(f->dir), "%.*s", (int)(slash - path), path);
			if (fs_lookup(&inst->fs, f->dir[0] ? f->dir : "/", &dir, &probe) ||
			    !dir || fs_list_dir(&inst->fs, dir, &f->listing, &probe))
				fs_listing_free(&f->listing);
		}
		d = fs_listing_find(&f->listing, slash + 1);
	}
	if (d && d->type == EXT2_FT_REG_FILE) {
		*ino = d->ino;
		return 0;
	}
	return fs_resolve(&inst->fs, path, ino, inst->err);
}

/* Appends "PATH (N blocks)" to the list LIST of SIZE bytes. */
static void name_file(char *list, size_t size, const char *path, uint64_t n)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s (%llu blocks)", len ? ", " : "",
		 path, (unsigned long long)n);
}

static void fill_one(void *ctx, int grub_part, const char *path)
{
	struct filling *f = ctx;
	struct install *inst = f->inst;
	uint64_t filled = 0, moved = 0;
	ext2_ino_t ino = 0;

	/* Only the partition the install writes into. */
	if (f->rc || (grub_part >= 0 && grub_part != partition_grub_index(inst->boot)))
		return;
	if (find_file(f, path, &ino) || !ino) {
		/* A missing file is the check of the result's to report. */
		memset(inst->err, 0, sizeof(*inst->err));
		return;
	}
	/* A file met again (another entry, a link to it) has no holes left:
	 * FILLED says so, and it is named once.  */
	f->rc = fs_fill_holes(&inst->fs, ino, path, &filled, inst->err);
	if (!f->rc)
		f->rc = fs_compact(&inst->fs, ino, path, &moved, inst->err);
	if (filled)
		name_file(inst->filled, sizeof(inst->filled), path, filled);
	if (moved)
		name_file(inst->moved, sizeof(inst->moved), path, moved);
}

/* The menu GRUB will read: the one the install writes, or the image's. */
static int menu_text(struct install *inst, uint8_t **data, size_t *len)
{
	const char *paths[] = { inst->paths.conf, inst->paths.menu };
	ext2_ino_t ino = 0;

	*data = NULL;
	*len = 0;
	if (inst->write_config) {
		*data = malloc(inst->config.len ? inst->config.len : 1);
		if (!*data)
			return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
		memcpy(*data, inst->config.data, inst->config.len);
		*len = inst->config.len;
		return 0;
	}
	/* A menu that cannot be read fills nothing: the check of the
	 * result says what GRUB will make of it.  */
	for (size_t i = 0; i < 2; i++) {
		struct gi_err probe = { 0 };

		if (fs_resolve(&inst->fs, paths[i], &ino, &probe) || !ino)
			continue;
		if (fs_read_file(&inst->fs, ino, MENU_READ_MAX, data, len, &probe))
			*data = NULL;
		return 0;
	}
	return 0;
}

int holes_fill(struct install *inst)
{
	struct filling f = { .inst = inst };
	uint8_t *data;
	size_t len;

	if (menu_text(inst, &data, &len))
		return inst->err->code;
	/* A menu the install keeps is read by GRUB like any other file
	 * (menu.lst, or the grub.conf it names); a missing one is skipped. */
	if (!inst->write_config) {
		fill_one(&f, -1, inst->paths.menu);
		fill_one(&f, -1, inst->paths.conf);
	}
	if (data)
		menu_list_files(data, len, fill_one, &f);
	fs_listing_free(&f.listing);
	free(data);
	return f.rc;
}
