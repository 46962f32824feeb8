/* A directory read once, its entries sorted by name: lookups of many
 * names in one big directory (a /boot of thousands of kernels) without
 * reading it again for each, as a lookup by path does.  */
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

struct lister {
	struct fs_listing *l;
	bool oom;
};

static int add_entry(struct ext2_dir_entry *de, int offset, int blocksize,
		     char *buf, void *priv)
{
	struct lister *c = priv;
	struct fs_listing *l = c->l;
	int len = ext2fs_dirent_name_len(de);
	struct fs_dirent *e;

	(void)offset, (void)blocksize, (void)buf;
	if (gi_grow(&l->e, &l->cap, l->n, sizeof(*l->e), 64)) {
		c->oom = true;
		return DIRENT_ABORT;
	}
	e = &l->e[l->n++];
	memcpy(e->name, de->name, (size_t)len);
	e->name[len] = '\0';
	e->ino = de->inode;
	e->type = ext2fs_dirent_file_type(de);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct fs_dirent *)a)->name,
		      ((const struct fs_dirent *)b)->name);
}

int fs_list_dir(struct fs *fs, ext2_ino_t dir, struct fs_listing *l,
		struct gi_err *err)
{
	struct lister c = { l, false };
	errcode_t rc;

	memset(l, 0, sizeof(*l));
	rc = ext2fs_dir_iterate(fs->e2, dir, 0, NULL, add_entry, &c);
	if (c.oom)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	if (rc)
		return fs_fail(fs, rc, "cannot list a directory", err);
	if (l->n > 1)
		qsort(l->e, l->n, sizeof(*l->e), by_name);
	return 0;
}

const struct fs_dirent *fs_listing_find(const struct fs_listing *l,
					const char *name)
{
	struct fs_dirent key;

	if (!l->n || strlen(name) >= sizeof(key.name))
		return NULL;
	strcpy(key.name, name);
	return bsearch(&key, l->e, l->n, sizeof(*l->e), by_name);
}

void fs_listing_free(struct fs_listing *l)
{
	free(l->e);
	memset(l, 0, sizeof(*l));
}
