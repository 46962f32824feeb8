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
#include <zlib.h>

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

bool kernel_is_linux_image(const uint8_t *h, size_t len)
{
	return len >= OFF_HEADER + 4 && le16(h + OFF_BOOT_FLAG) == 0xaa55 &&
	       le32(h + OFF_HEADER) == HDRS;
}

/* A bzImage or zImage as GRUB's load_image() takes it: GRUB error or 0. */
static int check_linux(struct inspect *in, const char *path, const uint8_t *h,
		       size_t len, uint64_t size, enum grubinst_severity sev,
		       struct kernel_info *k)
{
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
		finding(in, sev, AREA_MENU, "kernel-zimage-too-big",
			NOTE(.path = path, .grub_error = 28),
			"%s is a zImage of %llu bytes: GRUB stops with \"linux "
			"'zImage' kernel too big, try 'make bzImage'\" and "
			"\"Error 28: Selected item cannot fit into memory\"",
			path, (unsigned long long)size);
		return 28;
	}
	k->ok = true;
	k->bzimage = big;
	finding(in, OK, AREA_MENU, "kernel", NOTE(.path = path),
		"%s: Linux %s, boot protocol %u.%02u%s%s%s", path,
		big ? "bzImage" : "zImage", k->protocol >> 8, k->protocol & 0xff,
		k->version[0] ? ", version " : "", k->version,
		!k->arch_known ? "" : k->x86_64 ? ", x86_64" : ", 32-bit x86");
	return 0;
}

int kernel_check_load(struct inspect *in, struct pfs *p, ext2_ino_t ino,
		      uint64_t size, const char *path, enum grubinst_severity sev,
		      struct kernel_info *k)
{
	uint8_t *h;
	size_t len = 0;
	uint32_t flags;
	int rc = 0;

	memset(k, 0, sizeof(*k));
	h = calloc(1, HEAD_SIZE);
	if (!h) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	read_head(p, ino, h, HEAD_SIZE, &len);
	if (len < 32) {
		finding(in, sev, AREA_MENU, "kernel-format",
			NOTE(.path = path, .grub_error = GERR_EXEC_FORMAT),
			"%s is %zu bytes: not a kernel (\"Error 13: Invalid or "
			"unsupported executable format\")", path, len);
		rc = GERR_EXEC_FORMAT;
	} else if (find_multiboot(h, len, &flags)) {
		k->ok = !(flags & MULTIBOOT_UNSUPPORTED);
		k->multiboot = true;
		finding(in, k->ok ? OK : sev, AREA_MENU, "kernel-multiboot",
			NOTE(.path = path, .grub_error = k->ok ? 0 : GERR_BOOT_FEATURES),
			"%s: a multiboot kernel%s", path,
			k->ok ? "" : " asking for features GRUB 0.97 lacks "
				     "(\"Error 10\")");
		rc = k->ok ? 0 : GERR_BOOT_FEATURES;
	} else if (len > OFF_XLOADFLAGS + 2 && le16(h + OFF_BOOT_FLAG) == 0xaa55 &&
		   h[OFF_SETUP_SECTS] <= LINUX_MAX_SETUP_SECTS) {
		rc = check_linux(in, path, h, len, size, sev, k);
	} else {
		finding(in, sev, AREA_MENU, "kernel-format",
			NOTE(.path = path, .grub_error = GERR_EXEC_FORMAT),
			"%s is neither a Linux bzImage (no 55 AA + \"HdrS\" boot "
			"header%s) nor a multiboot kernel: \"Error 13: Invalid or "
			"unsupported executable format\"", path,
			memcmp(h, "\177ELF", 4) == 0 ? "; an ELF vmlinux is not "
						       "bootable, use bzImage" : "");
		rc = GERR_EXEC_FORMAT;
	}
	free(h);
	return rc;
}

/* ---- root= ---- */

/* What root= names, as the kernel's name_to_dev_t() reads it. */
struct root_spec {
	enum { ROOT_DEV, ROOT_NUMBER, ROOT_UUID, ROOT_LABEL, ROOT_PARTUUID,
	       ROOT_LOOP, ROOT_UNKNOWN } kind;
	char family[8];		/* ROOT_DEV: "sd", "hd", "vd", "xvd" */
	int disk;		/* ROOT_DEV, ROOT_NUMBER: 0 for the first disk */
	int part;		/* 0: the whole disk */
	const char *value;	/* UUID, LABEL, PARTUUID: after the '=' */
};

/* Beyond any disk or partition number a kernel names (sdzzz is disk
 * 18277); keeps the arithmetic on them in range.  */
#define ROOT_DISK_MAX 100000
#define ROOT_PART_MAX 100000

static int root_part_number(const char *s, char **end)
{
	long n = strtol(s, end, 10);

	return n < 0 || n > ROOT_PART_MAX ? ROOT_PART_MAX : (int)n;
}

/* The partition reference (PART_REF) of a parsed root=, or 0 when its
 * numbers lie past what a reference can hold: no such partition.  */
static int root_ref(const struct root_spec *r)
{
	if (r->disk < 0 || r->disk >= GRUBINST_MAX_DISKS || r->part <= 0 ||
	    r->part >= PART_DISK_STRIDE)
		return 0;
	return PART_REF(r->disk, r->part);
}

static void parse_root(const char *root, struct root_spec *r)
{
	static const char *const families[] = { "xvd", "sd", "hd", "vd" };
	static const struct { const char *prefix; int kind; } ids[] = {
		{ "UUID=", ROOT_UUID }, { "LABEL=", ROOT_LABEL },
		{ "PARTUUID=", ROOT_PARTUUID },
		{ "/dev/disk/by-uuid/", ROOT_UUID },
		{ "/dev/disk/by-label/", ROOT_LABEL },
		{ "/dev/disk/by-partuuid/", ROOT_PARTUUID },
	};
	unsigned major, minor, hex;
	char *end;

	memset(r, 0, sizeof(*r));
	r->kind = ROOT_UNKNOWN;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strncmp(root, ids[i].prefix, strlen(ids[i].prefix)) == 0) {
			r->kind = ids[i].kind;
			r->value = root + strlen(ids[i].prefix);
			return;
		}
	if (strncmp(root, "/dev/loop", 9) == 0) {
		r->kind = ROOT_LOOP;
		return;
	}
	/* MAJOR:MINOR, or the old hexadecimal MAJOR*256+MINOR ("801").  sd
	 * disks are major 8 with 16 minors each, IDE hd ones major 3 with 64. */
	if (sscanf(root, "%u:%u", &major, &minor) == 2 ||
	    ((hex = (unsigned)strtoul(root, &end, 16)), *root && !*end &&
	     strlen(root) <= 4 && ((major = hex >> 8), (minor = hex & 0xff), 1))) {
		if (major == 8 || major == 3) {
			unsigned per = major == 8 ? 16 : 64;

			r->kind = ROOT_NUMBER;
			snprintf(r->family, sizeof(r->family), major == 8 ? "sd" : "hd");
			r->disk = (int)(minor / per);
			r->part = (int)(minor % per);
		}
		return;
	}
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		size_t n = strlen(families[i]);
		const char *d = root + 5 + n;

		if (strncmp(root, "/dev/", 5) || strncmp(root + 5, families[i], n) ||
		    !islower((unsigned char)d[0]))
			continue;
		r->kind = ROOT_DEV;
		snprintf(r->family, sizeof(r->family), "%s", families[i]);
		/* sda..sdz, then sdaa...: the letters make the disk number. */
		/* Saturated: a name of many letters is a disk far past any
		 * machine's, not an overflow.  */
		r->disk = -1;
		while (islower((unsigned char)*d))
			r->disk = r->disk < ROOT_DISK_MAX
					  ? (r->disk + 1) * 26 + (*d++ - 'a')
					  : (d++, ROOT_DISK_MAX);
		r->part = *d ? root_part_number(d, &end) : 0;
		if (*d && *end)
			r->kind = ROOT_UNKNOWN;
		return;
	}
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
	struct root_spec r;
	int part;

	parse_root(root, &r);
	if (r.kind == ROOT_LOOP) {
		finding(in, FAIL, AREA_MENU, "root-loop",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: a loop device of the machine that "
			"built the image; at boot it does not exist (\"VFS: Unable "
			"to mount root fs\"); use root=/dev/sdaN", root);
		return;
	}
	if (r.kind == ROOT_UUID || r.kind == ROOT_LABEL) {
		part = fs_by_id(in, r.kind == ROOT_UUID ? "UUID" : "LABEL", r.value);
		finding(in, part && e->has_initrd ? OK : FAIL, AREA_MENU, "root-id",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s%s", root,
			part ? "a filesystem of this disk" : "no filesystem of this disk has it",
			e->has_initrd ? " (resolved by the initrd)"
				      : "; without an initrd the kernel cannot "
					"resolve a filesystem's UUID or LABEL");
		return;
	}
	if (r.kind == ROOT_PARTUUID) {
		part = partuuid(in, r.value);
		finding(in, part ? OK : FAIL, AREA_MENU, "root-partuuid",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s", root,
			part ? "names a partition of this disk"
			     : "matches no partition of this disk (its identifier "
			       "and the partition's number)");
		return;
	}
	parse_root(root, &r);
	if (r.kind == ROOT_UNKNOWN) {
		finding(in, WARN, AREA_MENU, "root-unknown", NOTE(.path = in->menu.path),
			"kernel line root=%s: not a device name grubinst can map "
			"to a partition", root);
		return;
	}
	if (r.disk > 0 && !other_disk(in, r.disk)) {
		finding(in, FAIL, AREA_MENU, "root-disk", NOTE(.path = in->menu.path),
			"kernel line root=%s: partition %d of disk %d (%s%c), but this "
			"image boots as the only disk, /dev/%sa (\"VFS: Unable to "
			"mount root fs\"); a machine with more disks is checked "
			"with --disk hd%d=IMAGE", root, r.part, r.disk + 1, r.family,
			'a' + (r.disk < 26 ? r.disk : 25), r.family,
			r.disk < 26 ? r.disk : 25);
		return;
	}
	part = r.part;
	if (part == 0) {
		finding(in, FAIL, AREA_MENU, "root-disk", NOTE(.path = in->menu.path),
			"kernel line root=%s: the whole disk, not a partition: "
			"the kernel finds no filesystem there (\"VFS: Unable to "
			"mount root fs\"); use root=/dev/sda%d", root,
			in->entry.partno > 0 ? in->entry.partno : 1);
		return;
	}
	if (!root_ref(&r) || !part_of_ref(in, root_ref(&r))) {
		finding(in, FAIL, AREA_MENU, "root-no-partition",
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s has no partition %d "
			"(\"VFS: Unable to mount root fs\")", root,
			r.disk ? "that disk" : "this disk", part);
		return;
	}
	if (strcmp(r.family, "hd") == 0) {
		bool gone = version_at_least(&in->entry.k, 5, 14);
		finding(in, gone || !in->entry.k.version[0] ? FAIL : WARN, AREA_MENU,
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
	if (strcmp(r.family, "sd"))
		finding(in, WARN, AREA_MENU, "root-bus", NOTE(.path = in->menu.path),
			"kernel line root=%s: exists only if the disk is attached "
			"as %s (QEMU's default -hda is IDE: /dev/sda)", root,
			strcmp(r.family, "vd") ? "a Xen disk" : "virtio");
	else
		finding(in, OK, AREA_MENU, "root", NOTE(.path = in->menu.path),
			"kernel line root=%s: partition %d of %s", root, part,
			r.disk ? other_disk(in, r.disk)->path : "this disk");
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
	struct root_spec r;
	char root[256];

	if (!cmdline_arg(in->entry.cmdline, "root", root, sizeof(root)))
		return 0;
	parse_root(root, &r);
	switch (r.kind) {
	case ROOT_UUID:
	case ROOT_LABEL:
		return fs_by_id(in, r.kind == ROOT_UUID ? "UUID" : "LABEL", r.value);
	case ROOT_PARTUUID:
		return partuuid(in, r.value);
	case ROOT_DEV:
	case ROOT_NUMBER:
		/* Linux names the disks in the BIOS's order (sda is hd0). */
		return root_ref(&r) && part_of_ref(in, root_ref(&r)) ? root_ref(&r) : 0;
	default:
		return 0;
	}
}

/* What GRUB loads: the kernel image of the default entry. */
/* ---- the kernel's payload: what GRUB loads but does not look at ---- */

#define KERNEL_MAX (64u * 1024 * 1024)
#define OFF_SYSSIZE 0x1f4
/* The CRC-32 the x86 build appends (arch/x86/boot/tools/build.c) came
 * with boot protocol 2.10 (Linux 2.6.31).  */
#define PROTOCOL_CRC 0x20a

/* A signed kernel is a PE/COFF image whose certificate table sbsign
 * appended at the end, after setting the table's entry and the PE
 * checksum: the build's CRC covers the file as it was before.  Makes DATA
 * that file again (of *LEN bytes); false when DATA is no such image.  */
static bool strip_signature(uint8_t *data, size_t *len)
{
	size_t pe, opt, dir;
	uint32_t cert_off, cert_size;

	if (*len < 0x40 || memcmp(data, "MZ", 2))
		return false;
	pe = le32(data + 0x3c);
	if (pe > *len - 24 - 240 || memcmp(data + pe, "PE\0\0", 4))
		return false;
	opt = pe + 24;
	/* PE32+ (0x20b) keeps its data directories at 112, PE32 at 96. */
	dir = opt + (le16(data + opt) == 0x20b ? 112 : 96);
	if (le32(data + dir - 4) <= 4)
		return false;		/* no certificate table entry */
	cert_off = le32(data + dir + 32);
	cert_size = le32(data + dir + 36);
	if (!cert_size || cert_off >= *len || cert_size != *len - cert_off)
		return false;
	put_le32(data + opt + 64, 0);		/* CheckSum */
	put_le32(data + dir + 32, 0);
	put_le32(data + dir + 36, 0);
	*len = cert_off;
	return true;
}

static void check_payload(struct inspect *in, struct pfs *p, ext2_ino_t ino,
			  const char *path)
{
	struct gi_err err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0, declared;
	unsigned setup;
	bool signed_pe;
	uint32_t want, got;

	if (fs_read_file(&p->fs, ino, KERNEL_MAX, &data, &len, &err) ||
	    len < OFF_XLOADFLAGS + 2) {
		free(data);
		return;
	}
	setup = data[OFF_SETUP_SECTS] ? data[OFF_SETUP_SECTS] : 4;
	declared = (size_t)(setup + 1) * SECTOR_SIZE + (size_t)le32(data + OFF_SYSSIZE) * 16;
	if (len < declared) {
		finding(in, FAIL, AREA_MENU, "kernel-truncated",
			NOTE(.path = path),
			"%s is %zu bytes, but its boot header declares %zu (%u "
			"setup sectors and the protected-mode code): the file was "
			"cut short; GRUB loads it and the machine resets in the "
			"kernel's decompressor", path, len, declared, setup);
		free(data);
		return;
	}
	if (in->entry.k.protocol < PROTOCOL_CRC) {
		free(data);
		return;
	}
	signed_pe = strip_signature(data, &len);
	want = le32(data + len - 4);
	got = (uint32_t)crc32(0, data, (uInt)(len - 4)) ^ 0xffffffffu;
	if (want != got)
		finding(in, FAIL, AREA_MENU, "kernel-corrupt", NOTE(.path = path),
			"%s: the CRC-32 its build appended does not match its "
			"bytes%s: the file changed after the build (a damaged "
			"copy); GRUB loads it and its decompressor stops with "
			"\"Decoding failed -- System halted\" or the machine resets",
			path, signed_pe ? " (its signature set aside)" : "");
	else
		finding(in, OK, AREA_MENU, "kernel-crc", NOTE(.path = path),
			"%s: the CRC-32 of its build matches%s", path,
			signed_pe ? " (a signed kernel, its signature set aside)" : "");
	free(data);
}

/* The drivers a kernel needs to mount root on QEMU's first IDE disk
 * without an initrd: the PIIX IDE controller, libata, SCSI disks, and the
 * root filesystem's driver.  */
static const struct driver {
	const char *config;	/* CONFIG_... */
	const char *module;	/* modules.builtin's path, after kernel/ */
} disk_drivers[] = {
	{ "CONFIG_ATA", "drivers/ata/libata.ko" },
	{ "CONFIG_ATA_PIIX", "drivers/ata/ata_piix.ko" },
	{ "CONFIG_SCSI", "drivers/scsi/scsi_mod.ko" },
	{ "CONFIG_BLK_DEV_SD", "drivers/scsi/sd_mod.ko" },
	{ "CONFIG_EXT4_FS", "fs/ext4/ext4.ko" },
};

/* The text of FILE in the partition P (NULL when missing), at most 4 MiB. */
static char *read_text(struct pfs *p, const char *file)
{
	struct gi_err err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	struct walk w;
	char *text;

	if (!p || !p->ok)
		return NULL;
	walk_path(p, file, WALK_LINUX, &w);
	if (!w.ino || fs_read_file(&p->fs, w.ino, 4u << 20, &data, &len, &err))
		return NULL;
	text = realloc(data, len + 1);
	if (!text) {
		free(data);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

static bool built_in(const struct driver *d, const char *config,
		     const char *builtin)
{
	char line[96];

	if (builtin) {
		snprintf(line, sizeof(line), "kernel/%s\n", d->module);
		return strstr(builtin, line) != NULL;
	}
	snprintf(line, sizeof(line), "\n%s=y\n", d->config);
	return strstr(config, line) || strncmp(config, line + 1, strlen(line) - 1) == 0;
}

/* A kernel with its disk drivers as modules needs an initrd to load them
 * (Debian's do): without one it panics, "VFS: Cannot open root device".  */
static void check_drivers(struct inspect *in)
{
	const struct boot_entry *e = &in->entry;
	int root = root_partition(in);
	struct pfs *rootfs = pfs_get(in, root ? root : e->partno);
	struct pfs *bootfs = pfs_get(in, e->kernel_partno);
	char path[200], missing[300] = "", *builtin, *config = NULL;
	size_t n = 0;

	if (e->has_initrd || !e->k.version[0] || e->k.multiboot)
		return;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.builtin", e->k.version);
	builtin = read_text(rootfs, path);
	if (!builtin) {
		snprintf(path, sizeof(path), "/boot/config-%s", e->k.version);
		config = read_text(bootfs, path);
	}
	if (!builtin && !config) {
		finding(in, WARN, AREA_MENU, "kernel-drivers-unknown", NOTE(.path = e->kernel),
			"%s is started without an initrd; neither "
			"/lib/modules/%s/modules.builtin nor /boot/config-%s is in "
			"the image, so grubinst cannot tell whether it has its disk "
			"and filesystem drivers built in", e->kernel, e->k.version,
			e->k.version);
		return;
	}
	for (size_t i = 0; i < sizeof(disk_drivers) / sizeof(disk_drivers[0]); i++)
		if (!built_in(&disk_drivers[i], config, builtin))
			n += (size_t)snprintf(missing + n, n < sizeof(missing) ? sizeof(missing) - n : 0,
					      "%s%s", n ? ", " : "", disk_drivers[i].config);
	if (missing[0])
		finding(in, FAIL, AREA_MENU, "kernel-no-initrd",
			NOTE(.path = e->kernel),
			"%s is started without an initrd, but has %s as modules "
			"(%s): it cannot reach the IDE disk or its filesystem and "
			"panics with \"VFS: Cannot open root device\"; add the "
			"initrd built for it (initrd in the entry)", e->kernel,
			missing, builtin ? path : path);
	free(builtin);
	free(config);
}

/* What GRUB loads but does not look at: the kernel file whole, and the
 * drivers it brings.  */
int check_kernel(struct inspect *in)
{
	struct walk w;
	struct pfs *p;

	if (!in->entry.valid || !in->entry.k.bzimage)
		return 0;
	p = pfs_get(in, in->entry.kernel_partno);
	walk_path(p, in->entry.kernel, WALK_GRUB, &w);
	if (w.ino)
		check_payload(in, p, w.ino, in->entry.kernel);
	check_drivers(in);
	return 0;
}

/* What the kernel looks for once GRUB started it: its root= device. */
int check_root(struct inspect *in)
{
	if (!in->entry.valid)
		return 0;
	check_root_arg(in);
	in->linux_root = root_partition(in);
	return 0;
}
