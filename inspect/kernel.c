/*
 * The kernel of the default entry as GRUB's load_image() (stage2/boot.c)
 * sees it: a multiboot header in the first 8 KiB, else a Linux boot sector
 * (55 AA at 0x1fe, at most 64 setup sectors) with the "HdrS" header of the
 * boot protocol; anything else is "Error 13".  Then its command line: the
 * root= the kernel (or its initrd) will look for.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uuid/uuid.h>

#include "inspect/inspect.h"

#define HEAD_SIZE (64 * 1024)
#define MULTIBOOT_SEARCH 8192
#define MULTIBOOT_MAGIC 0x1badb002u
#define MULTIBOOT_UNSUPPORTED 0x0000fffcu
#define LINUX_MAX_SETUP_SECTS 64
#define HDRS 0x53726448u		/* "HdrS" */
#define OFF_SETUP_SECTS 0x1f1
#define OFF_BOOT_FLAG 0x1fe
#define OFF_HEADER 0x202
#define OFF_VERSION 0x206
#define OFF_KERNEL_VERSION 0x20e
#define OFF_LOADFLAGS 0x211
#define OFF_XLOADFLAGS 0x236
#define XLF_KERNEL_64 0x1
#define LOADED_HIGH 0x1
/* A zImage must fit below the real-mode data at 0x90000 from 0x10000. */
#define ZIMAGE_MAX (0x90000 - 0x10000)

int read_head(struct pfs *p, ext2_ino_t ino, uint8_t *buf, size_t n, size_t *got)
{
	ext2_file_t f;
	unsigned int r = 0;

	*got = 0;
	if (ext2fs_file_open(p->fs.e2, ino, 0, &f))
		return 1;
	if (ext2fs_file_read(f, buf, (unsigned)n, &r) == 0)
		*got = r;
	ext2fs_file_close(f);
	return 0;
}

/* The value of KEY= on a kernel command line, or NULL. */
const char *cmdline_arg(const char *cmdline, const char *key, char *buf,
			size_t size)
{
	size_t klen = strlen(key);
	const char *p = cmdline, *found = NULL;

	while (*p) {
		size_t n;

		p += strspn(p, " ");
		n = strcspn(p, " ");
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			/* The last one wins, as in the kernel. */
			snprintf(buf, size, "%.*s", (int)(n - klen - 1), p + klen + 1);
			found = buf;
		}
		p += n;
	}
	return found;
}

static bool find_multiboot(const uint8_t *h, size_t len, uint32_t *flags)
{
	for (size_t i = 0; i + 12 <= len && i < MULTIBOOT_SEARCH; i += 4) {
		uint32_t magic = le32(h + i), f = le32(h + i + 4);
		if (magic == MULTIBOOT_MAGIC && magic + f + le32(h + i + 8) == 0) {
			*flags = f;
			return true;
		}
	}
	return false;
}

static void parse_version(struct kernel_info *e, const uint8_t *h, size_t len)
{
	size_t off = (size_t)le16(h + OFF_KERNEL_VERSION) + 0x200;
	size_t n;

	if (le16(h + OFF_KERNEL_VERSION) == 0 || off >= len)
		return;
	n = strnlen((const char *)h + off, len - off);
	if (n >= sizeof(e->version))
		n = sizeof(e->version) - 1;
	memcpy(e->version, h + off, n);
	e->version[n] = '\0';
	e->version[strcspn(e->version, " ")] = '\0';
	sscanf(e->version, "%d.%d.%d", &e->major, &e->minor, &e->patch);
}

/* Linux kernel version at least MAJ.MIN (unknown counts as no). */
static bool version_at_least(const struct kernel_info *e, int maj, int min)
{
	return e->major > maj || (e->major == maj && e->minor >= min);
}

static void check_linux(struct inspect *in, const uint8_t *h, size_t len,
			uint64_t size)
{
	const struct boot_entry *e = &in->entry;
	struct kernel_info *k = &in->kernel;
	bool hdrs = le32(h + OFF_HEADER) == HDRS && le16(h + OFF_VERSION) >= 0x200;
	bool big = hdrs && (h[OFF_LOADFLAGS] & LOADED_HIGH);
	unsigned setup = h[OFF_SETUP_SECTS] ? h[OFF_SETUP_SECTS] : 4;

	k->protocol = hdrs ? le16(h + OFF_VERSION) : 0;
	if (hdrs)
		parse_version(k, h, len);
	if (k->protocol >= 0x20c) {
		k->arch_known = true;
		k->x86_64 = le16(h + OFF_XLOADFLAGS) & XLF_KERNEL_64;
	}
	if (!big && size - (setup + 1) * SECTOR_SIZE > ZIMAGE_MAX) {
		finding(in, FAIL, AREA_MENU, "kernel-zimage-too-big",
			NOTE(.path = e->kernel, .grub_error = 28),
			"%s is a zImage of %llu bytes: GRUB stops with \"linux "
			"'zImage' kernel too big, try 'make bzImage'\" and "
			"\"Error 28: Selected item cannot fit into memory\"",
			e->kernel, (unsigned long long)size);
		return;
	}
	k->ok = true;
	finding(in, OK, AREA_MENU, "kernel", NOTE(.path = e->kernel),
		"%s: Linux %s, boot protocol %u.%02u%s%s%s", e->kernel,
		big ? "bzImage" : "zImage", k->protocol >> 8, k->protocol & 0xff,
		k->version[0] ? ", version " : "", k->version,
		!k->arch_known ? "" : k->x86_64 ? ", x86_64" : ", 32-bit x86");
}

static int kernel_image(struct inspect *in)
{
	struct boot_entry *e = &in->entry;
	struct pfs *p = pfs_get(in, e->partno);
	uint8_t *h;
	size_t len = 0;
	uint32_t flags;
	struct walk w;

	walk_path(p, e->kernel, WALK_GRUB, &w);
	if (!w.ino)
		return 0;
	h = calloc(1, HEAD_SIZE);
	if (!h) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	read_head(p, w.ino, h, HEAD_SIZE, &len);
	if (len < 32) {
		finding(in, FAIL, AREA_MENU, "kernel-format",
			NOTE(.path = e->kernel, .grub_error = GERR_EXEC_FORMAT),
			"%s is %zu bytes: not a kernel (\"Error 13: Invalid or "
			"unsupported executable format\")", e->kernel, len);
	} else if (find_multiboot(h, len, &flags)) {
		in->kernel.ok = !(flags & MULTIBOOT_UNSUPPORTED);
		finding(in, in->kernel.ok ? OK : FAIL, AREA_MENU, "kernel-multiboot",
			NOTE(.path = e->kernel,
			     .grub_error = in->kernel.ok ? 0 : GERR_BOOT_FEATURES),
			"%s: a multiboot kernel%s", e->kernel,
			in->kernel.ok ? "" : " asking for features GRUB 0.97 lacks "
					    "(\"Error 10\")");
	} else if (len > OFF_XLOADFLAGS + 2 && le16(h + OFF_BOOT_FLAG) == 0xaa55 &&
		   h[OFF_SETUP_SECTS] <= LINUX_MAX_SETUP_SECTS) {
		check_linux(in, h, len, EXT2_I_SIZE(&w.inode));
	} else {
		finding(in, FAIL, AREA_MENU, "kernel-format",
			NOTE(.path = e->kernel, .grub_error = GERR_EXEC_FORMAT),
			"%s is neither a Linux bzImage (no 55 AA + \"HdrS\" boot "
			"header%s) nor a multiboot kernel: \"Error 13: Invalid or "
			"unsupported executable format\"", e->kernel,
			memcmp(h, "\177ELF", 4) == 0 ? "; an ELF vmlinux is not "
						      "bootable, use bzImage" : "");
	}
	free(h);
	return 0;
}

/* ---- root= ---- */

/* The partition a /dev name or major:minor names; 0 if none. */
static int dev_partition(const char *dev, char *disk, size_t size)
{
	const char *prefixes[] = { "/dev/sd", "/dev/hd", "/dev/vd", "/dev/xvd" };

	for (size_t i = 0; i < 4; i++) {
		size_t n = strlen(prefixes[i]);
		char *end;
		long part;

		if (strncmp(dev, prefixes[i], n) || !islower((unsigned char)dev[n]))
			continue;
		snprintf(disk, size, "%.*s", (int)n + 1, dev);
		part = strtol(dev + n + 1, &end, 10);
		if (end == dev + n + 1 || *end || dev[n] != 'a')
			return dev[n] != 'a' ? -1 : 0;
		return (int)part;
	}
	return 0;
}

/* A filesystem by UUID= or LABEL=. */
static int fs_by_id(struct inspect *in, const char *key, const char *val)
{
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		struct pfs *p = pfs_get(in, in->pt.part[i].number);
		char text[64];

		if (!p || !p->ok)
			continue;
		if (strcmp(key, "UUID") == 0)
			uuid_unparse(p->fs.e2->super->s_uuid, text);
		else
			snprintf(text, sizeof(text), "%.*s", EXT2_LABEL_LEN,
				 (const char *)p->fs.e2->super->s_volume_name);
		if (strcasecmp(text, val) == 0)
			return p->part->number;
	}
	return 0;
}

static int partuuid(struct inspect *in, const char *val)
{
	unsigned id, part;
	char tail;

	if (sscanf(val, "%8x-%2x%c", &id, &part, &tail) != 2 ||
	    id != in->pt.disk_id || !ptable_find(&in->pt, (int)part))
		return 0;
	return (int)part;
}

static void root_device(struct inspect *in, const char *root)
{
	struct boot_entry *e = &in->entry;
	char disk[32] = "", val[200];
	int part;

	if (strncmp(root, "/dev/loop", 9) == 0) {
		finding(in, FAIL, AREA_MENU, "root-loop",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: a loop device of the machine that "
			"built the image; at boot it does not exist (\"VFS: Unable "
			"to mount root fs\"); use root=/dev/sdaN", root);
		return;
	}
	if (strncmp(root, "UUID=", 5) == 0 || strncmp(root, "LABEL=", 6) == 0) {
		snprintf(val, sizeof(val), "%.*s", (int)strcspn(root, "="), root);
		part = fs_by_id(in, val, root + strlen(val) + 1);
		finding(in, part && e->has_initrd ? OK : FAIL, AREA_MENU, "root-id",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s%s", root,
			part ? "a filesystem of this disk" : "no filesystem of this disk has it",
			e->has_initrd ? " (resolved by the initrd)"
				      : "; without an initrd the kernel cannot "
					"resolve UUID= or LABEL=");
		return;
	}
	if (strncmp(root, "PARTUUID=", 9) == 0) {
		part = partuuid(in, root + 9);
		finding(in, part ? OK : FAIL, AREA_MENU, "root-partuuid",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s", root,
			part ? "names a partition of this disk"
			     : "matches no partition of this disk (disk id and number)");
		return;
	}
	part = dev_partition(root, disk, sizeof(disk));
	if (part < 0 || (part == 0 && disk[0])) {
		finding(in, FAIL, AREA_MENU, "root-disk", NOTE(.path = in->menu.path),
			"kernel line root=%s: not the first partition table's "
			"disk (this image boots as the only disk, %sa)", root,
			disk[0] ? disk : "sd");
		return;
	}
	if (!disk[0]) {
		finding(in, WARN, AREA_MENU, "root-unknown", NOTE(.path = in->menu.path),
			"kernel line root=%s: not a device name grubinst can map "
			"to a partition", root);
		return;
	}
	if (!ptable_find(&in->pt, part)) {
		finding(in, FAIL, AREA_MENU, "root-no-partition",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: this disk has no partition %d "
			"(\"VFS: Unable to mount root fs\")", root, part);
		return;
	}
	if (strncmp(disk, "/dev/hd", 7) == 0) {
		bool gone = version_at_least(&in->kernel, 5, 14);
		finding(in, gone || !in->kernel.version[0] ? FAIL : WARN, AREA_MENU,
			"root-hd",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s; libata names this disk sda, so "
			"the kernel waits for a device that never appears (\"VFS: "
			"Unable to mount root fs\"); use root=/dev/sda%d", root,
			gone ? "the old IDE driver that made /dev/hdX was removed "
			       "in Linux 5.14"
			     : "only kernels built with the old IDE driver "
			       "(CONFIG_IDE, gone since 5.14) have /dev/hdX",
			part);
		return;
	}
	if (strncmp(disk, "/dev/sd", 7))
		finding(in, WARN, AREA_MENU, "root-bus", NOTE(.path = in->menu.path),
			"kernel line root=%s: exists only if the disk is attached "
			"as %s (QEMU's default -hda is IDE: /dev/sda)", root,
			strncmp(disk, "/dev/vd", 7) ? "a Xen disk" : "virtio");
	else
		finding(in, OK, AREA_MENU, "root", NOTE(.path = in->menu.path),
			"kernel line root=%s: partition %d of this disk", root,
			part);
}

static void check_root_arg(struct inspect *in)
{
	struct boot_entry *e = &in->entry;
	char root[256];

	if (!cmdline_arg(e->cmdline, "root", root, sizeof(root))) {
		finding(in, e->has_initrd ? WARN : FAIL, AREA_MENU, "root-missing",
			NOTE(.path = in->menu.path),
			"the kernel line has no root=%s", e->has_initrd
				? ": the initrd must find the root filesystem itself"
				: ": the kernel panics with \"VFS: Unable to mount "
				  "root fs on unknown-block(0,0)\"");
		return;
	}
	root_device(in, root);
}

/* The partition root= names, for the userspace checks; 0 if unknown. */
int root_partition(struct inspect *in)
{
	char root[256], disk[32] = "";
	unsigned major, minor;
	int part;

	if (!cmdline_arg(in->entry.cmdline, "root", root, sizeof(root)))
		return 0;
	if (strncmp(root, "UUID=", 5) == 0)
		return fs_by_id(in, "UUID", root + 5);
	if (strncmp(root, "LABEL=", 6) == 0)
		return fs_by_id(in, "LABEL", root + 6);
	if (strncmp(root, "PARTUUID=", 9) == 0)
		return partuuid(in, root + 9);
	/* major:minor or the old hex "0801": sd is 8, hd 3 */
	if (sscanf(root, "%u:%u", &major, &minor) == 2 ||
	    (strlen(root) == 4 && sscanf(root, "%2x%2x", &major, &minor) == 2))
		return (major == 8 || major == 3) && minor < 16 ? (int)minor : 0;
	part = dev_partition(root, disk, sizeof(disk));
	return part > 0 && ptable_find(&in->pt, part) ? part : 0;
}

/* What GRUB loads: the kernel image of the default entry. */
int check_kernel(struct inspect *in)
{
	if (!in->entry.valid)
		return 0;
	return kernel_image(in) < 0 ? -1 : 0;
}

/* What the kernel looks for once GRUB started it: its root= device. */
int check_root(struct inspect *in)
{
	if (in->entry.valid)
		check_root_arg(in);
	return 0;
}
