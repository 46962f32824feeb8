/* The kernels a generated menu offers: every file of the kernels'
 * directory (/boot, or the one above --boot-dir) named vmlinuz*, vmlinux*
 * or bzImage* that GRUB can boot, newest version first.  A symbolic link
 * to one of them (Debian's vmlinuz -> vmlinuz-6.1.0-9-amd64) is the same
 * kernel: it gets no entry of its own.  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

static bool is_kernel_name(const char *name)
{
	return strncmp(name, "vmlinuz", 7) == 0 || strncmp(name, "vmlinux", 7) == 0 ||
	       strncmp(name, "bzImage", 7) == 0;
}

static int add_name(struct kernel_list *kl, const char *name, size_t len)
{
	if (kl->count == kl->cap) {
		int cap = kl->cap ? 2 * kl->cap : 16;
		struct kernel *k = realloc(kl->k, (size_t)cap * sizeof(*k));

		if (!k)
			return -1;
		kl->k = k;
		kl->cap = cap;
	}
	memset(&kl->k[kl->count], 0, sizeof(kl->k[0]));
	memcpy(kl->k[kl->count].name, name, len);
	kl->count++;
	return 0;
}

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
	if (!is_kernel_name(name) || !menu_fits(name, false))
		return 0;
	if (add_name(kl, name, (size_t)len)) {
		kl->oom = true;
		return DIRENT_ABORT;
	}
	return 0;
}

/* Is K, in the kernels' directory, a kernel GRUB boots: a regular file
 * (links followed) with a Linux boot header?  Sets its inode and whether
 * the name is a link.  A link that leads nowhere, or a file that cannot
 * be read, is no kernel.  */
static bool is_bootable(struct install *inst, struct kernel *k)
{
	struct gi_err probe = { 0 };
	struct ext2_inode_large inode;
	uint8_t head[KERNEL_HEAD_SIZE];
	char path[KERNEL_NAME_MAX + 64];
	ext2_ino_t named = 0;
	size_t got = 0;

	kernels_path(inst, k->name, path, sizeof(path));
	if (fs_resolve(&inst->fs, path, &k->ino, &probe) || !k->ino ||
	    fs_lookup(&inst->fs, path, &named, &probe) ||
	    fs_read_inode(&inst->fs, k->ino, &inode, &probe) ||
	    !LINUX_S_ISREG(inode.i_mode) ||
	    fs_read_head(&inst->fs, k->ino, head, sizeof(head), &got, &probe))
		return false;
	k->link = named != k->ino;
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

/* Another name of the same kernel that is listed instead: the file
 * itself rather than a link to it, else the newest name.  */
static bool listed_elsewhere(const struct kernel_list *kl, int i)
{
	for (int j = 0; j < kl->count; j++)
		if (j != i && kl->k[j].ino == kl->k[i].ino &&
		    (kl->k[j].link < kl->k[i].link ||
		     (kl->k[j].link == kl->k[i].link && j < i)))
			return true;
	return false;
}

static void keep_bootable(struct install *inst, struct kernel_list *kl)
{
	int n = 0;

	for (int i = 0; i < kl->count; i++)
		if (is_bootable(inst, &kl->k[i]))
			kl->k[n++] = kl->k[i];
	kl->count = n;
}

static void drop_duplicates(struct kernel_list *kl)
{
	bool *drop = calloc(kl->count ? (size_t)kl->count : 1, sizeof(*drop));
	int n = 0;

	if (!drop) {
		kl->oom = true;
		return;
	}
	for (int i = 0; i < kl->count; i++)
		drop[i] = listed_elsewhere(kl, i);
	for (int i = 0; i < kl->count; i++)
		if (!drop[i])
			kl->k[n++] = kl->k[i];
	kl->count = n;
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
	keep_bootable(inst, kl);
	if (kl->count > 1)	/* no list at all is a NULL one */
		qsort(kl->k, (size_t)kl->count, sizeof(kl->k[0]), by_version_desc);
	drop_duplicates(kl);
	if (kl->oom)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	return 0;
}

void kernels_free(struct kernel_list *kl)
{
	free(kl->k);
	memset(kl, 0, sizeof(*kl));
}
