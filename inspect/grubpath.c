/*
 * Path lookup inside an image's filesystem, following symbolic links the
 * way the reader of the file will:
 *   WALK_GRUB   stage2/fsys_ext2fs.c: at most 5 links (MAX_LINK_COUNT,
 *               the 6th is "Error 26: Too many symbolic links"), relative
 *               targets from the link's directory, absolute ones from the
 *               partition's root; the name ends at a space; the result must
 *               be a regular file ("Error 2: Bad file or directory type").
 *   WALK_LINUX  the kernel's namei, any file type: libext2fs'
 *               ext2fs_namei_follow(), which follows 8 nested links where
 *               the kernel follows 40 (deeper chains are not met in root
 *               filesystems).
 * Directories are searched with libext2fs; GRUB's walk is here because its
 * rules (and the path it ends up at, for messages) matter.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>

#include "inspect/inspect.h"

#define GRUB_MAX_LINKS 5
#define WALK_BUF 4096

struct cursor {
	char path[WALK_BUF];	/* textual path of the current inode */
	char dirpath[WALK_BUF];	/* ...and of its directory */
};

static void path_push(char *path, const char *name, size_t len)
{
	size_t n = strlen(path);

	if (len == 1 && name[0] == '.')
		return;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		char *slash = strrchr(path, '/');
		if (slash)
			*slash = '\0';
		return;
	}
	if (n + 1 + len < WALK_BUF) {
		path[n] = '/';
		memcpy(path + n + 1, name, len);
		path[n + 1 + len] = '\0';
	}
}

static int fail(struct walk *w, int error, const char *fmt, const char *a,
		const char *b) GI_PRINTF(3, 0);
static int fail(struct walk *w, int error, const char *fmt, const char *a,
		const char *b)
{
	w->ino = 0;
	w->error = error;
	text_printf(w->why, sizeof(w->why), fmt, a, b);
	return 0;
}

static bool ends_name(char c, enum walk_mode mode)
{
	return c == '\0' || (mode == WALK_GRUB && isspace((unsigned char)c));
}

/* Makes BUF the link's TARGET followed by the rest of the name, REST
 * (which may point into BUF).  */
static bool splice_link(char *buf, const char *rest, const char *target,
			enum walk_mode mode)
{
	char tmp[WALK_BUF];
	size_t len = 0, tlen = strlen(target);

	while (!ends_name(rest[len], mode))
		len++;
	if (tlen + len + 2 > sizeof(tmp))
		return false;
	memcpy(tmp, target, tlen);
	memcpy(tmp + tlen, rest, len);
	tmp[tlen + len] = '\0';
	memcpy(buf, tmp, tlen + len + 1);
	return true;
}

static int read_inode(struct pfs *p, ext2_ino_t ino, struct walk *w)
{
	errcode_t rc;

	memset(&w->inode, 0, sizeof(w->inode));
	if (w->nread < WALK_INODES)
		w->read[w->nread++] = ino;
	rc = ext2fs_read_inode_full(p->fs.e2, ino, (struct ext2_inode *)&w->inode,
				    sizeof(w->inode));
	if (rc) {
		char num[16];
		snprintf(num, sizeof(num), "%u", ino);
		return fail(w, GERR_FSYS_CORRUPT, "inode %s cannot be read: %s",
			    num, error_message(rc)), -1;
	}
	return 0;
}

static int follow(struct pfs *p, struct walk *w, struct cursor *c,
		  char *buf, const char *rest, ext2_ino_t *cur, ext2_ino_t dir,
		  enum walk_mode mode)
{
	char target[WALK_BUF];
	struct gi_err err = { 0 };
	int max = GRUB_MAX_LINKS;

	if (++w->links > max) {
		char n[16];
		snprintf(n, sizeof(n), "%d", max);
		return fail(w, GERR_SYMLINK_LOOP, "more than %s symbolic links "
			    "(a loop?) at %s", n, c->path), -1;
	}
	if (fs_readlink(&p->fs, *cur, target, sizeof(target), &err))
		return fail(w, GERR_FSYS_CORRUPT, "symbolic link %s cannot be "
			    "read%s", c->path, ""), -1;
	if (!splice_link(buf, rest, target, mode))
		return fail(w, GERR_FILELENGTH, "symbolic link %s -> %s makes the "
			    "path too long", c->path, target), -1;
	if (target[0] == '/') {
		*cur = EXT2_ROOT_INO;
		c->path[0] = '\0';
	} else {
		*cur = dir;
		memcpy(c->path, c->dirpath, sizeof(c->path));
	}
	return 0;
}

/* The kernel's lookup, by libext2fs. */
static int walk_linux(struct pfs *p, const char *path, struct walk *w)
{
	ext2_ino_t ino = 0, link = 0;
	errcode_t rc = ext2fs_namei_follow(p->fs.e2, EXT2_ROOT_INO, EXT2_ROOT_INO,
					   path, &ino);

	if (rc == EXT2_ET_FILE_NOT_FOUND)
		return fail(w, GERR_FILE_NOT_FOUND, "%s does not exist%s", path, "");
	if (rc == EXT2_ET_NO_DIRECTORY)
		return fail(w, GERR_BAD_FILETYPE, "a directory on the way to %s "
			    "is not a directory%s", path, "");
	if (rc == EXT2_ET_SYMLINK_LOOP)
		return fail(w, GERR_SYMLINK_LOOP, "%s: too many levels of "
			    "symbolic links%s", path, "");
	if (rc)
		return fail(w, GERR_FSYS_CORRUPT, "%s cannot be looked up: %s",
			    path, error_message(rc));
	if (read_inode(p, ino, w))
		return 0;
	/* Not the inode the name itself has: links were followed. */
	if (ext2fs_namei(p->fs.e2, EXT2_ROOT_INO, EXT2_ROOT_INO, path, &link) ||
	    link != ino)
		w->links = 1;
	text_copy(w->final, sizeof(w->final), path);
	w->ino = ino;
	return 0;
}

int walk_path(struct pfs *p, const char *path, enum walk_mode mode,
	      struct walk *w)
{
	char rest_buf[WALK_BUF];
	struct cursor c = { "", "" };
	ext2_ino_t cur = EXT2_ROOT_INO, dir = EXT2_ROOT_INO;
	char *rest = rest_buf;

	memset(w, 0, sizeof(*w));
	if (!p || !p->ok)
		return fail(w, GERR_FSYS_MOUNT, "no ext2 filesystem to look in%s%s",
			    "", "");
	if (path[0] != '/')
		return fail(w, 1, "%s is not an absolute path%s", path, "");
	if (mode == WALK_LINUX)
		return walk_linux(p, path, w);
	snprintf(rest_buf, sizeof(rest_buf), "%s", path);
	for (;;) {
		size_t len;
		errcode_t rc;

		if (read_inode(p, cur, w))
			return 0;
		if (LINUX_S_ISLNK(w->inode.i_mode)) {
			if (follow(p, w, &c, rest_buf, rest, &cur, dir, mode))
				return 0;
			rest = rest_buf;
			continue;
		}
		while (*rest == '/')
			rest++;
		if (ends_name(*rest, mode))
			break;
		if (!LINUX_S_ISDIR(w->inode.i_mode))
			return fail(w, GERR_BAD_FILETYPE, "%s is not a directory%s",
				    c.path[0] ? c.path : "/", "");
		if ((w->inode.i_flags & EXT4_INLINE_DATA_FL) && !w->inline_dir[0])
			text_copy(w->inline_dir, sizeof(w->inline_dir),
				  c.path[0] ? c.path : "/");
		len = strcspn(rest, mode == WALK_GRUB ? "/ \t\n\r\f\v" : "/");
		dir = cur;
		memcpy(c.dirpath, c.path, sizeof(c.dirpath));
		path_push(c.path, rest, len);
		rc = ext2fs_lookup(p->fs.e2, dir, rest, (int)len, NULL, &cur);
		if (rc == EXT2_ET_FILE_NOT_FOUND) {
			/* The whole path the links led to, for messages. */
			size_t tail = len;
			while (!ends_name(rest[tail], mode))
				tail++;
			text_printf(w->final, sizeof(w->final), "%s%.*s", c.path,
				    (int)(tail - len), rest + len);
			return fail(w, GERR_FILE_NOT_FOUND, "%s does not exist%s",
				    c.path, "");
		}
		if (rc)
			return fail(w, GERR_FSYS_CORRUPT, "directory %s cannot be "
				    "read: %s", c.dirpath[0] ? c.dirpath : "/",
				    error_message(rc));
		rest += len;
	}
	text_copy(w->final, sizeof(w->final), c.path[0] ? c.path : "/");
	if (mode == WALK_GRUB && !LINUX_S_ISREG(w->inode.i_mode))
		return fail(w, GERR_BAD_FILETYPE, "%s is not a regular file%s",
			    w->final, "");
	w->ino = cur;
	w->dir = dir;
	return 0;
}
