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
		finding(in, sev, FC_KERNEL_ZIMAGE_TOO_BIG,
			NOTE(.path = path, .grub_error = 28),
			"%s is a zImage of %llu bytes: GRUB stops with \"linux "
			"'zImage' kernel too big, try 'make bzImage'\" and "
			"\"Error 28: Selected item cannot fit into memory\"",
			path, (unsigned long long)size);
		return 28;
	}
	k->ok = true;
	k->bzimage = big;
	finding(in, OK, FC_KERNEL, NOTE(.path = path),
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
		finding(in, sev, FC_KERNEL_FORMAT,
			NOTE(.path = path, .grub_error = GERR_EXEC_FORMAT),
			"%s is %zu bytes: not a kernel (\"Error 13: Invalid or "
			"unsupported executable format\")", path, len);
		rc = GERR_EXEC_FORMAT;
	} else if (find_multiboot(h, len, &flags)) {
		k->ok = !(flags & MULTIBOOT_UNSUPPORTED);
		k->multiboot = true;
		finding(in, k->ok ? OK : sev, FC_KERNEL_MULTIBOOT,
			NOTE(.path = path, .grub_error = k->ok ? 0 : GERR_BOOT_FEATURES),
			"%s: a multiboot kernel%s", path,
			k->ok ? "" : " asking for features GRUB 0.97 lacks "
				     "(\"Error 10\")");
		rc = k->ok ? 0 : GERR_BOOT_FEATURES;
	} else if (len > OFF_XLOADFLAGS + 2 && le16(h + OFF_BOOT_FLAG) == 0xaa55 &&
		   h[OFF_SETUP_SECTS] <= LINUX_MAX_SETUP_SECTS) {
		rc = check_linux(in, path, h, len, size, sev, k);
	} else {
		finding(in, sev, FC_KERNEL_FORMAT,
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

void root_parse(const char *root, struct root_spec *r)
{
	static const char *const families[] = { "xvd", "sd", "hd", "vd" };
	static const struct { const char *prefix; int kind; } ids[] = {
		{ "UUID=", ROOT_UUID }, { "LABEL=", ROOT_LABEL },
		{ "PARTUUID=", ROOT_PARTUUID },
		{ "/dev/disk/by-uuid/", ROOT_UUID },
		{ "/dev/disk/by-label/", ROOT_LABEL },
		{ "/dev/disk/by-partuuid/", ROOT_PARTUUID },
	};
	unsigned major, minor, unused;
	bool number = false;
	char *end, c;

	memset(r, 0, sizeof(*r));
	r->kind = ROOT_UNKNOWN;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strncmp(root, ids[i].prefix, strlen(ids[i].prefix)) == 0) {
			r->kind = ids[i].kind;
			r->value = root + strlen(ids[i].prefix);
			r->link = strncmp(root, "/dev/disk/", 10) == 0;
			return;
		}
	if (strncmp(root, "/dev/loop", 9) == 0) {
		r->kind = ROOT_LOOP;
		return;
	}
	/* MAJOR:MINOR (or MAJOR:MINOR:N), or the old hexadecimal
	 * MAJOR*256+MINOR ("801"), as devt_from_devnum() reads them: digits
	 * only, no sign or blank, nothing after.  sd disks are major 8 with
	 * 16 minors each, IDE hd ones major 3 with 64.  */
	if (!root[strspn(root, "0123456789:")] &&
	    (sscanf(root, "%u:%u%c", &major, &minor, &c) == 2 ||
	     sscanf(root, "%u:%u:%u:%c", &major, &minor, &unused, &c) == 3)) {
		number = true;
	} else if (*root && !root[strspn(root, "0123456789abcdefABCDEF")] &&
		   strlen(root) <= 4) {
		unsigned long hex = strtoul(root, NULL, 16);

		major = (unsigned)(hex >> 8);
		minor = (unsigned)(hex & 0xff);
		number = true;
	}
	if (number) {
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
		/* The partition in decimal digits and nothing else: the
		 * kernel takes the digits at the end off for the disk's name. */
		if (d[strspn(d, "0123456789")])
			r->kind = ROOT_UNKNOWN;
		else if (*d == '0')
			r->kind = ROOT_NONE;	/* "sda0", "sda01" */
		else
			r->part = *d ? root_part_number(d, &end) : 0;
		return;
	}
}

/* The partition table of disk DISK of the machine (0: the image), or NULL. */
static const struct ptable *disk_table(const struct inspect *in, int disk)
{
	const struct other_disk *d = other_disk(in, disk);

	if (!disk)
		return in->have_table ? &in->pt : NULL;
	return d && d->have_table ? &d->pt : NULL;
}

/* How many disks the machine has: the image and those of --disk. */
static int disk_count(const struct inspect *in)
{
	int n = 1;

	for (int d = 1; d < GRUBINST_MAX_DISKS; d++)
		n += other_disk(in, d) != NULL;
	return n;
}

/* What names a filesystem on root=: its UUID or its label. */
enum fs_id { FS_ID_UUID, FS_ID_LABEL };

static void fs_id_text(const struct pfs *p, enum fs_id id, char *text,
		       size_t size)
{
	if (id == FS_ID_UUID && size >= 37)
		uuid_unparse(p->fs.e2->super->s_uuid, text);
	else
		snprintf(text, size, "%.*s", EXT2_LABEL_LEN,
			 (const char *)p->fs.e2->super->s_volume_name);
}

/* A filesystem by UUID= or LABEL=, on any disk of the machine: its
 * partition reference (PART_REF), the first one found, or 0; *MATCHES
 * counts them all.  */
static int fs_by_id(struct inspect *in, enum fs_id id, const char *val,
		    int *matches)
{
	int found = 0;

	*matches = 0;
	for (int d = 0; d < GRUBINST_MAX_DISKS; d++) {
		const struct ptable *pt = disk_table(in, d);

		for (int i = 0; pt && i < pt->count; i++) {
			int ref = PART_REF(d, pt->part[i].number);
			struct pfs *p = pfs_get(in, ref);
			char text[64];

			if (!p || !p->ok)
				continue;
			fs_id_text(p, id, text, sizeof(text));
			if (strcasecmp(text, val))
				continue;
			found = found ? found : ref;
			++*matches;
		}
	}
	return found;
}

int partuuid_match(const struct ptable *pt, const char *val, int *part)
{
	const char *slash = strchr(val, '/');
	size_t len = slash ? (size_t)(slash - val) : strlen(val);
	int offset = 0, first = 0;
	char c;

	*part = 0;
	/* The kernel's sscanf() takes no '+' before the number. */
	if (slash && (sscanf(slash + 1, "PARTNROFF=%d%c", &offset, &c) != 1 ||
		      strchr(slash, '+')))
		return -1;
	if (!len)
		return -1;
	for (int i = 0; i < pt->count; i++) {
		const struct partition *p = &pt->part[i];
		char uuid[sizeof(p->guid)];

		/* An extended partition gets no PARTUUID (msdos.c). */
		if (p->container || (first && p->number >= first))
			continue;
		if (ptable_partuuid(pt, p, uuid, sizeof(uuid)) &&
		    strncasecmp(val, uuid, len) == 0)
			first = p->number;
	}
	if (!first)
		return 0;
	if (offset > -first && offset < PART_DISK_STRIDE &&
	    ptable_find(pt, first + offset))
		*part = first + offset;
	return 1;
}

/* A PARTUUID= of an MBR disk on any disk of the machine, as
 * partuuid_match() reads it: its reference or 0; *MATCHES counts the
 * disks with a partition whose PARTUUID it matches.  The kernel takes
 * the first of them it finds; 0 also when that one's PARTNROFF= leads
 * to no partition.  */
static int partuuid(struct inspect *in, const char *val, int *matches)
{
	int found = 0;

	*matches = 0;
	for (int d = 0; d < GRUBINST_MAX_DISKS; d++) {
		const struct ptable *pt = disk_table(in, d);
		int part;

		if (!pt || partuuid_match(pt, val, &part) != 1)
			continue;
		if (!*matches && part)
			found = PART_REF(d, part);
		++*matches;
	}
	return found;
}

/* The disk the name of a partition reference is about: "this disk", or
 * the file given with --disk.  */
static const char *disk_name(const struct inspect *in, int ref)
{
	const struct other_disk *d = other_disk(in, part_ref_disk(ref));

	return d ? d->path : "this disk";
}

/* A root= that names the partition REF whatever order the kernel finds
 * the disks in: PARTUUID= (the kernel's own, no initrd needed) when no
 * other partition of the machine has it (an MBR disk's identifier 0
 * names none), else the filesystem's UUID= when only it has that UUID
 * and an initrd resolves it; "" when neither.  */
static void stable_root(struct inspect *in, int ref, char *out, size_t size)
{
	const struct ptable *pt = disk_table(in, part_ref_disk(ref));
	const struct partition *q = pt ? ptable_find(pt, part_ref_number(ref)) : NULL;
	struct pfs *p = pfs_get(in, ref);
	char uuid[64];
	int matches;

	out[0] = '\0';
	if (q && (pt->gpt || pt->disk_id) && ptable_partuuid(pt, q, uuid, sizeof(uuid)) &&
	    partuuid(in, uuid, &matches) == ref && matches == 1) {
		snprintf(out, size, "PARTUUID=%s", uuid);
		return;
	}
	if (!p || !p->ok || !in->entry.has_initrd)
		return;
	fs_id_text(p, FS_ID_UUID, uuid, sizeof(uuid));
	if (fs_by_id(in, FS_ID_UUID, uuid, &matches) == ref && matches == 1)
		snprintf(out, size, "UUID=%s", uuid);
}

/* The menu the boot reads was written by grubinst (config.c's first line). */
static bool menu_generated(struct inspect *in)
{
	static const char mark[] = "# GRUB Legacy menu, generated by grubinst\n";
	char *text = read_text(pfs_get(in, in->menu.partno), in->menu.path);
	bool yes = text && strncmp(text, mark, strlen(mark)) == 0;

	free(text);
	return yes;
}

/* The kernel line after root= is what config.c writes without --append:
 * "ro", and with --serial the two consoles.  */
static bool cmdline_generated(const struct inspect *in, bool *serial)
{
	static const char consoles[] = " console=tty0 console=ttyS0,115200";
	const char *c = in->entry.cmdline, *ro = strstr(c, " ro");

	*serial = false;
	if (strncmp(c, "root=", 5) || !ro || ro != c + strcspn(c, " "))
		return false;
	ro += 3;
	if (*ro == '\0')
		return true;
	*serial = strcmp(ro, consoles) == 0;
	return *serial;
}

/* A word a fix line holds as it is: no quoting needed.  */
static bool shell_plain(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			   "0123456789/._+-=,:") == strlen(s);
}

/* The kernel line's arguments with root=ROOT in place of its root=, in
 * single quotes for the shell; false when it does not fit or holds a
 * quote.  */
static bool cmdline_with_root(const char *cmdline, const char *root,
			      char *out, size_t size)
{
	const char *p = cmdline;
	size_t n = (size_t)snprintf(out, size, "'root=%s", root);

	if (strchr(cmdline, '\'') || n >= size)
		return false;
	while (*p) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (len && strncmp(p, "root=", 5))
			n += (size_t)snprintf(out + n, n < size ? size - n : 0,
					      " %.*s", (int)len, p);
		p += len;
	}
	n += (size_t)snprintf(out + n, n < size ? size - n : 0, "'");
	return n < size;
}

/* The options of a new menu that keeps the one there: its timeout, the
 * serial line, and the kernel and initrd of a menu of one entry.  */
static bool menu_options(struct inspect *in, char *out, size_t size)
{
	const struct boot_entry *e = &in->entry;

	out[0] = '\0';
	if (in->menu.timeout >= 0 && in->menu.timeout != 5)
		text_printf(out, size, " --timeout %d", in->menu.timeout);
	if (in->menu.serial)
		text_printf(out + strlen(out), size - strlen(out), " --serial");
	if (in->menu.nentries != 1)
		return true;
	if (!shell_plain(e->kernel) || (e->has_initrd && !shell_plain(e->initrd)))
		return false;
	text_printf(out + strlen(out), size - strlen(out), " --kernel %s%s%s",
		    e->kernel, e->has_initrd ? " --initrd " : "",
		    e->has_initrd ? e->initrd : "");
	return true;
}

/* The fix that makes the kernel line say root=STABLE for the partition
 * REF of the image: a new menu of the installer, when it wrote the one
 * there (it writes root= for partitions of the image only) and the new
 * one keeps the old one's options: --root-by partuuid when the line is
 * one it writes itself, else the line as it is, with the new root=, as
 * --append.  NULL when the menu is to be edited by hand.  */
static const char *root_fix(struct inspect *in, int ref, const char *stable)
{
	char opts[600], append[1100];
	bool serial;

	if (part_ref_disk(ref) || !stable[0] || !menu_generated(in) ||
	    !menu_options(in, opts, sizeof(opts)))
		return NULL;
	if (strncmp(stable, "PARTUUID=", 9) == 0 && cmdline_generated(in, &serial) &&
	    serial == in->menu.serial) {
		if (ref == in->entry.partno)
			return fixf(in, "grubinst --replace-menu --root-by partuuid%s IMAGE",
				    opts);
		return fixf(in, "grubinst --replace-menu --root-by partuuid "
			    "--root-partition %d%s IMAGE", ref, opts);
	}
	if (!cmdline_with_root(in->entry.cmdline, stable, append, sizeof(append)) ||
	    strlen(append) + strlen(opts) + 64 > sizeof(in->fixbuf))
		return NULL;
	return fixf(in, "grubinst --replace-menu --append %s%s IMAGE", append, opts);
}

/* root=/dev/sdXN (or 8:N) on a machine of several disks: Linux names sd
 * disks in the order its drivers find them, and the disks of one
 * controller are probed side by side, so sda is not always the BIOS's
 * first disk.  */
static void root_probe_order(struct inspect *in, const char *root, int ref)
{
	char stable[80];

	stable_root(in, ref, stable, sizeof(stable));
	finding(in, WARN, FC_ROOT_PROBE_ORDER,
		NOTE(.path = in->menu.path, INSTALL_FIX(root_fix(in, ref, stable))),
		"kernel line root=%s: partition %d of %s when Linux names the "
		"disks in the BIOS's order, but with %d disks the names follow "
		"the order the kernel finds them in, which changes from boot to "
		"boot: it may mount the other disk's partition; %s%s%s", root,
		part_ref_number(ref), disk_name(in, ref), disk_count(in),
		stable[0] ? "name it root=" : "give the disk its own identifier "
			"(sfdisk --disk-id) and name it root=PARTUUID=",
		stable, stable[0] ? " in the menu" : "");
}

static void root_by_id(struct inspect *in, const char *root,
		       const struct root_spec *r)
{
	struct boot_entry *e = &in->entry;
	int matches, part;

	part = fs_by_id(in, r->kind == ROOT_UUID ? FS_ID_UUID : FS_ID_LABEL, r->value,
			&matches);
	if (part && e->has_initrd && matches > 1) {
		finding(in, WARN, FC_ROOT_PROBE_ORDER,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %d filesystems of the machine's "
			"disks have it; the initrd mounts the first it finds, "
			"which depends on the order the kernel finds the disks "
			"in: give each filesystem its own (tune2fs -U random)",
			root, matches);
		return;
	}
	finding(in, part && e->has_initrd ? OK : FAIL, FC_ROOT_ID,
		NOTE(.path = in->menu.path),
		"kernel line root=%s: %s%s", root,
		!part ? "no filesystem of this disk has it"
		      : part_ref_disk(part) ? "a filesystem of another disk"
					    : "a filesystem of this disk",
		e->has_initrd ? " (the initrd must resolve it, as those of "
				"initramfs-tools and dracut do; grubinst does "
				"not look into the initrd)"
			      : "; without an initrd the kernel cannot "
				"resolve a filesystem's UUID or LABEL");
}

/* The PARTUUID of partition REF as the kernel and udev spell it. */
static const char *partuuid_text(struct inspect *in, int ref, char *buf,
				 size_t size)
{
	const struct ptable *pt = disk_table(in, part_ref_disk(ref));
	const struct partition *p = pt ? ptable_find(pt, part_ref_number(ref)) : NULL;

	if (!p || !ptable_partuuid(pt, p, buf, size))
		text_copy(buf, size, "");
	return buf;
}

static void root_by_partuuid(struct inspect *in, const char *root,
			     const struct root_spec *r)
{
	int matches, part = partuuid(in, r->value, &matches);
	char where[320], canon[40];

	/* devt_from_devname() looks for a disk named "disk!by-partuuid!..."
	 * and finds none: only an initrd has the link.  */
	if (r->link && !in->entry.has_initrd) {
		finding(in, FAIL, FC_ROOT_PARTUUID,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: a link udev makes, in an initrd; "
			"without one the kernel finds no device of that name "
			"(\"VFS: Unable to mount root fs\"): put root=PARTUUID=%s "
			"instead", root, r->value);
		return;
	}

	if (part_ref_disk(part))
		text_printf(where, sizeof(where), "partition %d of %s",
			    part_ref_number(part), disk_name(in, part));
	else
		text_copy(where, sizeof(where), "a partition of this disk");
	if (matches > 1) {
		finding(in, WARN, FC_ROOT_PROBE_ORDER,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %d disks of the machine have that "
			"identifier and partition; the kernel takes the first it "
			"finds, which depends on the order it finds the disks in: "
			"give each disk its own (sfdisk --disk-id)", root, matches);
		return;
	}
	/* The kernel resolves PARTUUID= itself (block/early-lookup); an
	 * initrd takes root= over and must do it in its place, by the whole
	 * PARTUUID: initramfs-tools with blkid, which compares the text as
	 * it is; dracut by udev's link, after lowering its case.  */
	if (part && in->entry.has_initrd &&
	    strcmp(r->value, partuuid_text(in, part, canon, sizeof(canon)))) {
		bool case_only = strcasecmp(r->value, canon) == 0;

		finding(in, case_only ? WARN : FAIL, FC_ROOT_PARTUUID,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: the kernel alone would take %s, "
			"whose PARTUUID is %s, but the initrd looks root= up "
			"itself: %s; write root=PARTUUID=%s", root, where, canon,
			case_only ? "initramfs-tools' blkid compares the text "
				    "as it is and finds no such device "
				    "(\"ALERT! ... does not exist\"); dracut "
				    "lowers the case first"
				  : "initramfs-tools (blkid) and dracut (udev's "
				    "/dev/disk/by-partuuid/ link) take the whole "
				    "PARTUUID, not a beginning or a PARTNROFF=, "
				    "and find no such device",
			canon);
	} else if (!part)
		finding(in, FAIL, FC_ROOT_PARTUUID,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: matches no partition of this "
			"machine's disks (their identifier and the partition's "
			"number)", root);
	else
		finding(in, OK, FC_ROOT_PARTUUID,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: names %s%s", root,
			where, in->entry.has_initrd
				? " (the initrd must resolve it, as those of "
				  "initramfs-tools and dracut do; grubinst does "
				  "not look into the initrd)"
				: " (the kernel resolves it itself)");
}

/* root=/dev/hdXN: what libata calls that partition.  */
static void root_hd(struct inspect *in, const char *root,
		    const struct root_spec *r)
{
	bool gone = version_at_least(&in->entry.k, 5, 14);
	int ref = root_ref(r);
	char name[80];

	if (disk_count(in) > 1)
		stable_root(in, ref, name, sizeof(name));
	else
		snprintf(name, sizeof(name), "/dev/sd%c%d",
			 'a' + (r->disk < 26 ? r->disk : 25), r->part);
	finding(in, gone || !in->entry.k.version[0] ? FAIL : WARN, FC_ROOT_HD,
		NOTE(.path = in->menu.path, INSTALL_FIX(root_fix(in, ref, name))),
		"kernel line root=%s: %s; libata names this disk sd%c, so "
		"the kernel waits for a device that never appears (\"VFS: "
		"Unable to mount root fs\"); %s%s%s", root,
		gone ? "the old IDE driver that made /dev/hdX was removed "
		       "in Linux 5.14"
		     : "only kernels built with the old IDE driver "
		       "(CONFIG_IDE, gone since 5.14) have /dev/hdX",
		'a' + (r->disk < 26 ? r->disk : 25),
		name[0] ? "put root=" : "give the disk its own identifier "
			"(sfdisk --disk-id) and put root=PARTUUID=",
		name, name[0] ? " in the menu instead" : "");
}

/* root=/dev/loopNpM, partition M of the image as the build host's loop
 * device named it, made /dev/sdaM (or, with several disks, what names it
 * whatever the probe order) in the menu file itself, the rest of the
 * menu kept.  */
static const char *loop_fix(struct inspect *in, const char *root)
{
	const struct partition *p;
	char name[80], script[400];
	char *end;
	long part;

	/* Digits, 'p', digits: nothing else gets into the fix line. */
	end = (char *)root + 9 + strspn(root + 9, "0123456789");
	part = end > root + 9 && *end == 'p' && end[1] >= '1' && end[1] <= '9' &&
	       strspn(end + 1, "0123456789") == strlen(end + 1) && strlen(end + 1) < 6
		       ? strtol(end + 1, &end, 10) : 0;
	if (part <= 0 || !(p = ptable_find(&in->pt, (int)part)) || p->container)
		return NULL;
	if (disk_count(in) > 1)
		stable_root(in, PART_REF(0, (int)part), name, sizeof(name));
	else
		text_printf(name, sizeof(name), "/dev/sda%ld", part);
	if (!name[0])
		return NULL;
	text_printf(script, sizeof(script), "s|root=%s\\([[:space:]]\\)|root=%s\\1|g; "
		    "s|root=%s$|root=%s|", root, name, root, name);
	return menu_edit_fix(in, in->menu.partno, in->menu.path, root, script);
}

static void root_device(struct inspect *in, const char *root)
{
	struct root_spec r;
	int part;

	root_parse(root, &r);
	if (r.kind == ROOT_LOOP) {
		finding(in, FAIL, FC_ROOT_LOOP,
			NOTE(.path = in->menu.path, .fix = loop_fix(in, root)),
			"kernel line root=%s: a loop device of the machine that "
			"built the image; at boot it does not exist (\"VFS: Unable "
			"to mount root fs\"); use root=/dev/sdaN", root);
		return;
	}
	if (r.kind == ROOT_UUID || r.kind == ROOT_LABEL) {
		root_by_id(in, root, &r);
		return;
	}
	if (r.kind == ROOT_PARTUUID) {
		root_by_partuuid(in, root, &r);
		return;
	}
	if (r.kind == ROOT_NONE) {
		finding(in, FAIL, FC_ROOT_NO_PARTITION, NOTE(.path = in->menu.path),
			"kernel line root=%s: Linux reads no partition number "
			"that begins with 0 (devt_from_devname()), and no device "
			"has that name (\"VFS: Unable to mount root fs\")", root);
		return;
	}
	if (r.kind == ROOT_UNKNOWN) {
		finding(in, WARN, FC_ROOT_UNKNOWN, NOTE(.path = in->menu.path),
			"kernel line root=%s: not a device name grubinst can map "
			"to a partition", root);
		return;
	}
	if (r.disk > 0 && !other_disk(in, r.disk)) {
		finding(in, FAIL, FC_ROOT_DISK, NOTE(.path = in->menu.path),
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
		finding(in, FAIL, FC_ROOT_DISK, NOTE(.path = in->menu.path),
			"kernel line root=%s: the whole disk, not a partition: "
			"the kernel finds no filesystem there (\"VFS: Unable to "
			"mount root fs\"); use root=/dev/sda%d", root,
			in->entry.partno > 0 ? in->entry.partno : 1);
		return;
	}
	if (!root_ref(&r) || !part_of_ref(in, root_ref(&r))) {
		finding(in, FAIL, FC_ROOT_NO_PARTITION,
			NOTE(.path = in->menu.path),
			"kernel line root=%s: %s has no partition %d "
			"(\"VFS: Unable to mount root fs\")", root,
			r.disk ? "that disk" : "this disk", part);
		return;
	}
	if (strcmp(r.family, "hd") == 0) {
		root_hd(in, root, &r);
		return;
	}
	if (strcmp(r.family, "sd") == 0 && disk_count(in) > 1) {
		root_probe_order(in, root, root_ref(&r));
		return;
	}
	if (strcmp(r.family, "sd"))
		finding(in, WARN, FC_ROOT_BUS, NOTE(.path = in->menu.path),
			"kernel line root=%s: exists only if the disk is attached "
			"as %s (QEMU's default -hda is IDE: /dev/sda)", root,
			strcmp(r.family, "vd") ? "a Xen disk" : "virtio");
	else
		finding(in, OK, FC_ROOT, NOTE(.path = in->menu.path),
			"kernel line root=%s: partition %d of %s", root, part,
			r.disk ? other_disk(in, r.disk)->path : "this disk");
}

static void check_root_arg(struct inspect *in)
{
	struct boot_entry *e = &in->entry;
	char root[256];

	if (!cmdline_arg(e->cmdline, "root", root, sizeof(root))) {
		finding(in, e->has_initrd ? WARN : FAIL, FC_ROOT_MISSING,
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
	int matches;

	if (!cmdline_arg(in->entry.cmdline, "root", root, sizeof(root)))
		return 0;
	root_parse(root, &r);
	switch (r.kind) {
	case ROOT_UUID:
	case ROOT_LABEL:
		return fs_by_id(in, r.kind == ROOT_UUID ? FS_ID_UUID : FS_ID_LABEL, r.value,
				&matches);
	case ROOT_PARTUUID:
		return partuuid(in, r.value, &matches);
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

#define OFF_SYSSIZE 0x1f4
/* The CRC-32 the x86 build appends (arch/x86/boot/tools/build.c) came
 * with boot protocol 2.10 (Linux 2.6.31).  */
#define PROTOCOL_CRC 0x20a
/* The boot header and a PE/COFF header are read whole, the rest of the
 * kernel streamed through a buffer this size: no copy of a 40 MiB kernel
 * in memory.  */
#define KERNEL_HEAD (64u * 1024)
#define KERNEL_CHUNK (256u * 1024)
/* Real kernels are a few tens of MiB; a header that declares more (up to
 * 64 GiB, syssize * 16) in a sparse file would have --verify read it all
 * for minutes: its CRC is not checked.  */
#define KERNEL_CRC_MAX (512ull * 1024 * 1024)

/* A signed kernel is a PE/COFF image whose certificate table sbsign
 * appended after the image, after setting the table's entry and the PE
 * checksum: the build's CRC covers the file as it was before.  Makes the
 * file that again, its first AVAIL bytes in DATA (of *LEN bytes in all);
 * false when it is no such image or its PE header is not in DATA.  */
static bool strip_signature(uint8_t *data, size_t avail, size_t *len)
{
	size_t pe, opt, dir;
	uint32_t cert_off, cert_size;

	if (avail < 0x40 + 24 + 240 || memcmp(data, "MZ", 2))
		return false;
	pe = le32(data + 0x3c);
	if (pe > avail - 24 - 240 || memcmp(data + pe, "PE\0\0", 4))
		return false;
	opt = pe + 24;
	/* PE32+ (0x20b) keeps its data directories at 112, PE32 at 96. */
	dir = opt + (le16(data + opt) == 0x20b ? 112 : 96);
	if (le32(data + dir - 4) <= 4)
		return false;		/* no certificate table entry */
	cert_off = le32(data + dir + 32);
	cert_size = le32(data + dir + 36);
	/* Bytes after it (a copy padded with zeros) are no part of it. */
	if (!cert_size || cert_off >= *len || cert_size > *len - cert_off)
		return false;
	put_le32(data + opt + 64, 0);		/* CheckSum */
	put_le32(data + dir + 32, 0);
	put_le32(data + dir + 36, 0);
	*len = cert_off;
	return true;
}

/* The CRC of the bytes before END - 4 and the 4 bytes there. */
struct payload_crc {
	uint64_t end;
	uint32_t crc;
	uint8_t tail[4];
};

static void crc_bytes(struct payload_crc *c, const uint8_t *data, size_t len,
		      uint64_t off)
{
	uint64_t tail = c->end - 4;

	if (off < tail)
		c->crc = (uint32_t)crc32(c->crc, data,
					 (uInt)(tail - off < len ? tail - off : len));
	for (uint64_t at = off > tail ? off : tail; at < off + len && at < c->end; at++)
		c->tail[at - tail] = data[at - off];
}

static int crc_chunk(const uint8_t *data, size_t len, uint64_t off, void *ctx)
{
	crc_bytes(ctx, data, len, off);
	return 0;
}

static void check_payload(struct inspect *in, struct pfs *p, ext2_ino_t ino,
			  const char *path)
{
	struct ext2_inode_large inode;
	struct payload_crc c = { 0 };
	struct gi_err err = { 0 };
	uint8_t *head, *chunk = NULL;
	size_t got = 0, len, declared;
	unsigned setup;
	bool signed_pe;
	uint32_t want;

	head = malloc(KERNEL_HEAD);
	if (!head || fs_read_inode(&p->fs, ino, &inode, &err) ||
	    fs_read_head(&p->fs, ino, head, KERNEL_HEAD, &got, &err) ||
	    got < OFF_XLOADFLAGS + 2) {
		free(head);
		return;
	}
	len = (size_t)EXT2_I_SIZE(&inode);
	setup = head[OFF_SETUP_SECTS] ? head[OFF_SETUP_SECTS] : 4;
	declared = (size_t)(setup + 1) * SECTOR_SIZE + (size_t)le32(head + OFF_SYSSIZE) * 16;
	if (len < declared) {
		finding(in, FAIL, FC_KERNEL_TRUNCATED,
			NOTE(.path = path),
			"%s is %zu bytes, but its boot header declares %zu (%u "
			"setup sectors and the protected-mode code): the file was "
			"cut short; GRUB loads it and the machine resets in the "
			"kernel's decompressor", path, len, declared, setup);
		free(head);
		return;
	}
	if (in->entry.k.protocol < PROTOCOL_CRC) {
		free(head);
		return;
	}
	/* The build writes the CRC into the last 4 bytes of the size it
	 * declares (syssize counts them), and what follows is not the
	 * kernel's: zeros a copy padded it with, or a signature.  */
	signed_pe = strip_signature(head, got, &len);
	if (declared > len)
		declared = len;
	if (declared < 4 || declared > KERNEL_CRC_MAX) {
		free(head);
		return;
	}
	c.end = declared;
	c.crc = (uint32_t)crc32(0, NULL, 0);
	crc_bytes(&c, head, got < declared ? got : declared, 0);
	if (declared > got) {
		chunk = malloc(KERNEL_CHUNK);
		if (!chunk || fs_read_chunks(&p->fs, ino, got, declared, chunk,
					     KERNEL_CHUNK, crc_chunk, &c, &err)) {
			free(chunk);
			free(head);
			return;
		}
	}
	want = le32(c.tail);
	if (want != (c.crc ^ 0xffffffffu))
		finding(in, FAIL, FC_KERNEL_CORRUPT, NOTE(.path = path),
			"%s: the CRC-32 its build appended does not match its "
			"bytes%s: the file changed after the build (a damaged "
			"copy); GRUB loads it and its decompressor stops with "
			"\"Decoding failed -- System halted\" or the machine resets",
			path, signed_pe ? " (its signature set aside)" : "");
	else
		finding(in, OK, FC_KERNEL_CRC, NOTE(.path = path),
			"%s: the CRC-32 of its build matches%s", path,
			signed_pe ? " (a signed kernel, its signature set aside)" : "");
	free(chunk);
	free(head);
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

/* What a kernel has built in, as the image tells: its modules.builtin
 * in the root filesystem's /lib/modules, else its config beside it in
 * /boot.  Neither (both NULL): it cannot be known.  */
struct kernel_build {
	char *builtin, *config;
	char path[200];		/* the file read */
};

static bool kernel_build_read(struct inspect *in, struct kernel_build *b)
{
	const struct boot_entry *e = &in->entry;
	int root = root_partition(in);

	memset(b, 0, sizeof(*b));
	if (!e->k.version[0] || e->k.multiboot)
		return false;
	snprintf(b->path, sizeof(b->path), "/lib/modules/%s/modules.builtin",
		 e->k.version);
	b->builtin = read_text(pfs_get(in, root ? root : e->partno), b->path);
	if (b->builtin)
		return true;
	snprintf(b->path, sizeof(b->path), "/boot/config-%s", e->k.version);
	b->config = read_text(pfs_get(in, e->kernel_partno), b->path);
	return b->config != NULL;
}

static void kernel_build_free(struct kernel_build *b)
{
	free(b->builtin);
	free(b->config);
}

/* A kernel with its disk drivers as modules needs an initrd to load them
 * (Debian's do): without one it panics, "VFS: Cannot open root device".  */
static void check_drivers(struct inspect *in)
{
	const struct boot_entry *e = &in->entry;
	struct kernel_build b;
	char missing[300] = "";
	size_t n = 0;

	if (e->has_initrd || !e->k.version[0] || e->k.multiboot)
		return;
	if (!kernel_build_read(in, &b)) {
		finding(in, WARN, FC_KERNEL_DRIVERS_UNKNOWN, NOTE(.path = e->kernel),
			"%s is started without an initrd; neither "
			"/lib/modules/%s/modules.builtin nor /boot/config-%s is in "
			"the image, so grubinst cannot tell whether it has its disk "
			"and filesystem drivers built in", e->kernel, e->k.version,
			e->k.version);
		return;
	}
	for (size_t i = 0; i < sizeof(disk_drivers) / sizeof(disk_drivers[0]); i++)
		if (!built_in(&disk_drivers[i], b.config, b.builtin))
			n += (size_t)snprintf(missing + n, n < sizeof(missing) ? sizeof(missing) - n : 0,
					      "%s%s", n ? ", " : "", disk_drivers[i].config);
	if (missing[0])
		finding(in, FAIL, FC_KERNEL_NO_INITRD,
			NOTE(.path = e->kernel),
			"%s is started without an initrd, but has %s as modules "
			"(%s): it cannot reach the IDE disk or its filesystem and "
			"panics with \"VFS: Cannot open root device\"; add the "
			"initrd built for it (initrd in the entry)", e->kernel,
			missing, b.path);
	kernel_build_free(&b);
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

/* The page size of x86 Linux: ext4 (which mounts ext2 and ext3 too)
 * refuses blocks larger than a page, "EXT4-fs (sda2): bad block size
 * 65536" (fs/ext4/super.c), where GRUB and libext2fs read them.  */
#define LINUX_PAGE_SIZE 4096

static void check_root_blocksize(struct inspect *in)
{
	struct pfs *p = pfs_get(in, in->linux_root);
	unsigned bs;

	if (!p || !p->ok || in->entry.k.multiboot)
		return;
	bs = fs_block_size(&p->fs);
	if (bs <= LINUX_PAGE_SIZE)
		return;
	finding(in, FAIL, FC_ROOT_FS_BLOCKSIZE,
		NOTE(AT(p->part->start)),
		"the root filesystem (partition %d) has blocks of %u bytes, more "
		"than the %u-byte pages of an x86 kernel: Linux does not mount "
		"it (\"EXT4-fs: bad block size %u\", \"VFS: Unable to mount "
		"root fs\"); make it again with at most %u-byte blocks (mke2fs "
		"-b %u)", part_ref_number(in->linux_root), bs, LINUX_PAGE_SIZE,
		bs, LINUX_PAGE_SIZE, LINUX_PAGE_SIZE);
}

/* The code of the quota files' format, which ext4 needs to mount a
 * filesystem with the quota feature read-write (ext4_enable_quotas());
 * read-only it mounts without it.  */
static const struct driver quota_format = { "CONFIG_QFMT_V2", "fs/quota/quota_v2.ko" };

/* The module file of the quota format on the root, which the kernel
 * loads by itself (request_module runs the root's /sbin/modprobe) once
 * init runs.  */
static bool quota_module_on_root(struct inspect *in, struct pfs *p)
{
	static const char *const ext[] = { "", ".xz", ".zst", ".gz" };
	char path[256];
	struct walk w;

	walk_path(p, "/sbin/modprobe", WALK_LINUX, &w);
	if (!w.ino)
		return false;
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(path, sizeof(path), "/lib/modules/%s/kernel/%s%s",
			 in->entry.k.version, quota_format.module, ext[i]);
		walk_path(p, path, WALK_LINUX, &w);
		if (w.ino)
			return true;
	}
	return false;
}

static void check_root_quota(struct inspect *in)
{
	struct pfs *p = pfs_get(in, in->linux_root);
	struct kernel_build b;
	bool known, builtin;

	if (!p || !p->ok || in->entry.k.multiboot ||
	    !ext2fs_has_feature_quota(p->fs.e2->super))
		return;
	known = kernel_build_read(in, &b);
	builtin = known && built_in(&quota_format, b.config, b.builtin);
	kernel_build_free(&b);
	if (builtin || quota_module_on_root(in, p))
		return;
	finding(in, WARN, FC_ROOT_QUOTA,
		NOTE(AT(p->part->start),
		     .fix = part_ref_disk(in->linux_root) ? NULL
			    : fixf(in, "tune2fs -O ^quota 'IMAGE?offset=%llu'",
				   (unsigned long long)(p->part->start * SECTOR_SIZE))),
		"the root filesystem (partition %d) has the quota feature, and %s: "
		"it mounts read-only, but the remount read-write (init's, or "
		"rw) fails (\"Failed to enable quota tracking\") unless the "
		"initrd loads quota_v2 first, and the system runs with its root "
		"read-only; or turn the feature off (tune2fs -O ^quota)",
		part_ref_number(in->linux_root),
		known ? "this kernel has the code of its quota files (quota_v2) "
			"as a module, not on the root filesystem"
		      : "grubinst cannot tell whether this kernel has the code "
			"of its quota files (quota_v2) built in: neither its "
			"modules.builtin nor its config is in the image");
}

/* What the kernel looks for once GRUB started it: its root= device, and
 * whether it can mount what it finds there.  */
int check_root(struct inspect *in)
{
	if (!in->entry.valid)
		return 0;
	check_root_arg(in);
	in->linux_root = root_partition(in);
	if (in->linux_root) {
		check_root_blocksize(in);
		check_root_quota(in);
	}
	return 0;
}
