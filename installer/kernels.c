/* The kernels a generated menu offers: every file of the kernels'
 * directory (/boot, or the one above --boot-dir) named vmlinuz*, vmlinux*
 * or bzImage* that GRUB can boot, newest version first.  A symbolic link
 * to one of them (Debian's vmlinuz -> vmlinuz-6.1.0-9-amd64) is the same
 * kernel: it gets no entry of its own.  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

static bool is_initrd_name(const char *name)
{
	return strncmp(name, "initrd", 6) == 0 || strncmp(name, "initramfs", 9) == 0;
}

/* An initrd a generated menu may pair with a kernel: found by name later
 * (find_initrd() in config.c), without a lookup in the directory each.  */
static int add_initrd(struct kernel_list *kl, const struct ext2_dir_entry *de,
		      const char *name)
{
	struct kernel *k;

	if (gi_grow(&kl->initrd, &kl->initrd_cap, kl->ninitrd, sizeof(*kl->initrd), 16))
		return -1;
	k = &kl->initrd[kl->ninitrd++];
	memset(k, 0, sizeof(*k));
	snprintf(k->name, sizeof(k->name), "%s", name);
	k->ino = de->inode;
	k->link = ext2fs_dirent_file_type(de) != EXT2_FT_REG_FILE;
	return 0;
}

static bool is_kernel_name(const char *name)
{
	return strncmp(name, "vmlinuz", 7) == 0 || strncmp(name, "vmlinux", 7) == 0 ||
	       strncmp(name, "bzImage", 7) == 0;
}

static int add_name(struct kernel_list *kl, const char *name, size_t len)
{
	if (gi_grow(&kl->k, &kl->cap, (size_t)kl->count, sizeof(*kl->k), 16))
		return -1;
	memset(&kl->k[kl->count], 0, sizeof(kl->k[0]));
	memcpy(kl->k[kl->count].name, name, len);
	kl->count++;
	return 0;
}

/* Each name with the inode its directory entry gives: no lookup by path
 * per kernel, which reads the whole directory each time.  */
static int collect_name(struct ext2_dir_entry *de, int offset, int blocksize,
			char *buf, void *priv)
{
	struct kernel_list *kl = priv;
	int len = ext2fs_dirent_name_len(de);
	char name[KERNEL_NAME_MAX];

	(void)offset, (void)blocksize, (void)buf;
	if (len >= (int)sizeof(name) || ext2fs_dirent_file_type(de) == EXT2_FT_DIR)
		return 0;
	memcpy(name, de->name, len);
	name[len] = '\0';
	if (is_initrd_name(name) && add_initrd(kl, de, name)) {
		kl->oom = true;
		return DIRENT_ABORT;
	}
	if (!is_kernel_name(name) || !grub_menu_line_fits(name, false))
		return 0;
	if (add_name(kl, name, (size_t)len)) {
		kl->oom = true;
		return DIRENT_ABORT;
	}
	kl->k[kl->count - 1].ino = de->inode;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	const struct kernel *x = a, *y = b;

	return strcmp(x->name, y->name);
}

/* The kernels' directory as listed: every name with its entry's inode,
 * sorted by name, so that a link to a sibling is found without reading
 * the directory again.  */
struct listing {
	const struct kernel *k;
	int count;
};

/* The inode of the regular file TARGET, a name in the kernels' directory
 * that the listing holds; 0 when it is not that simple (a path, a link
 * to a link, a name the listing leaves out).  */
static ext2_ino_t sibling_file(struct install *inst, const struct listing *l,
			       const char *target)
{
	struct kernel key = { .ino = 0 };
	struct ext2_inode_large inode;
	struct gi_err probe = { 0 };
	const struct kernel *k;

	if (strchr(target, '/') || strlen(target) >= sizeof(key.name))
		return 0;
	strcpy(key.name, target);
	k = bsearch(&key, l->k, (size_t)l->count, sizeof(*k), by_name);
	if (!k || fs_read_inode(&inst->fs, k->ino, &inode, &probe) ||
	    !LINUX_S_ISREG(inode.i_mode))
		return 0;
	return k->ino;
}

/* The file the link K in the kernels' directory leads to, in *TO: a
 * sibling from the listing, else as a reader resolves K's path.  */
static bool follow_link(struct install *inst, const struct listing *l,
			const struct kernel *k, ext2_ino_t *to)
{
	char target[KERNEL_NAME_MAX + 64], path[KERNEL_NAME_MAX + 64];
	struct gi_err probe = { 0 };

	*to = 0;
	if (!fs_readlink(&inst->fs, k->ino, target, sizeof(target), &probe))
		*to = sibling_file(inst, l, target);
	if (*to)
		return true;
	kernels_path(inst, k->name, path, sizeof(path));
	return fs_resolve(&inst->fs, path, to, &probe) == 0 && *to;
}

/* Is K, in the kernels' directory, a kernel GRUB boots: a regular file
 * (links followed) with a Linux boot header?  Sets OUT to K with the
 * file's inode and whether the name is a link.  A link that leads
 * nowhere, or a file that cannot be read, is no kernel.  */
static bool is_bootable(struct install *inst, const struct listing *l,
			const struct kernel *k, struct kernel *out)
{
	struct gi_err probe = { 0 };
	struct ext2_inode_large inode;
	uint8_t head[KERNEL_HEAD_SIZE];
	size_t got = 0;

	*out = *k;
	out->link = false;
	if (fs_read_inode(&inst->fs, k->ino, &inode, &probe))
		return false;
	if (LINUX_S_ISLNK(inode.i_mode)) {
		out->link = true;
		if (!follow_link(inst, l, k, &out->ino) ||
		    fs_read_inode(&inst->fs, out->ino, &inode, &probe))
			return false;
	}
	if (!LINUX_S_ISREG(inode.i_mode) ||
	    fs_read_head(&inst->fs, out->ino, head, sizeof(head), &got, &probe))
		return false;
	return kernel_is_linux_image(head, got);
}

/* Newest first: by the version after "vmlinuz" (strverscmp puts 6.1.0-10
 * after 6.1.0-9), then by name.  */
static int by_version_desc(const void *a, const void *b)
{
	const struct kernel *x = a, *y = b;
	int c = strverscmp(y->name + 7, x->name + 7);

	return c ? c : strcmp(y->name, x->name);
}

/* The list, sorted by name with the entries' inodes, becomes the
 * bootable ones with their files' inodes: the listing is read while the
 * results go to a new array.  */
static void keep_bootable(struct install *inst, struct kernel_list *kl)
{
	struct listing l = { kl->k, kl->count };
	struct kernel *kept;
	int n = 0;

	if (kl->count == 0)
		return;
	qsort(kl->k, (size_t)kl->count, sizeof(kl->k[0]), by_name);
	kept = malloc((size_t)kl->count * sizeof(*kept));
	if (!kept) {
		kl->oom = true;
		return;
	}
	for (int i = 0; i < kl->count; i++)
		if (is_bootable(inst, &l, &kl->k[i], &kept[n]))
			n++;
	free(kl->k);
	kl->k = kept;
	kl->count = n;
	kl->cap = (size_t)kl->count;
}

/* A name of the list as duplicates are looked for: its file, whether it
 * is a link, and its position (the newest name first).  */
struct name_of_file {
	ext2_ino_t ino;
	bool link;
	int pos;
};

/* By file, then the file itself before links to it, then by position. */
static int by_file(const void *a, const void *b)
{
	const struct name_of_file *x = a, *y = b;

	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	if (x->link != y->link)
		return x->link ? 1 : -1;
	return x->pos - y->pos;
}

/* Another name of the same kernel that is listed instead is dropped: the
 * file itself rather than a link to it, else the newest name.  Sorted by
 * file, the name kept comes first among its file's names.  */
static void drop_duplicates(struct kernel_list *kl)
{
	size_t count = kl->count ? (size_t)kl->count : 1;
	struct name_of_file *names = malloc(count * sizeof(*names));
	bool *drop = calloc(count, sizeof(*drop));
	int n = 0;

	if (!names || !drop) {
		free(names);
		free(drop);
		kl->oom = true;
		return;
	}
	for (int i = 0; i < kl->count; i++)
		names[i] = (struct name_of_file){ kl->k[i].ino, kl->k[i].link, i };
	qsort(names, (size_t)kl->count, sizeof(*names), by_file);
	for (int i = 1; i < kl->count; i++)
		drop[names[i].pos] = names[i].ino == names[i - 1].ino;
	for (int i = 0; i < kl->count; i++)
		if (!drop[i])
			kl->k[n++] = kl->k[i];
	kl->count = n;
	free(names);
	free(drop);
}

void kernels_path(const struct install *inst, const char *name, char *buf,
		  size_t size)
{
	const char *dir = inst->paths.kernels;

	snprintf(buf, size, "%s/%s", strcmp(dir, "/") ? dir : "", name);
}

int kernels_list(struct install *inst, struct kernel_list *kl)
{
	ext2_ino_t dir = 0;
	errcode_t rc;

	memset(kl, 0, sizeof(*kl));
	if (fs_resolve(&inst->fs, inst->paths.kernels, &dir, inst->err))
		return inst->err->code;
	if (!dir)
		return 0;
	rc = ext2fs_dir_iterate(inst->fs.e2, dir, 0, NULL, collect_name, kl);
	if (kl->oom)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (rc)
		return fs_fail(&inst->fs, rc, "cannot list the kernels' directory",
			       inst->err);
	if (kl->ninitrd > 1)
		qsort(kl->initrd, kl->ninitrd, sizeof(kl->initrd[0]), by_name);
	keep_bootable(inst, kl);
	if (kl->oom)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (kl->count > 1)	/* no list at all is a NULL one */
		qsort(kl->k, (size_t)kl->count, sizeof(kl->k[0]), by_version_desc);
	drop_duplicates(kl);
	if (kl->oom)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	return 0;
}

int kernels_has_initrd(const struct kernel_list *kl, const char *name)
{
	struct kernel key;
	const struct kernel *k;

	if (strlen(name) >= sizeof(key.name) || !kl->ninitrd)
		return 0;
	strcpy(key.name, name);
	k = bsearch(&key, kl->initrd, kl->ninitrd, sizeof(*k), by_name);
	return !k ? 0 : k->link ? -1 : 1;
}

void kernels_free(struct kernel_list *kl)
{
	free(kl->k);
	free(kl->initrd);
	memset(kl, 0, sizeof(*kl));
}
