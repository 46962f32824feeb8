/*
 * root= on the kernel line as root_parse() (inspect/kernel.c) reads it,
 * row by row against what Linux's early lookup of the root device does
 * with the same text (block/early-lookup.c: early_lookup_bdev(),
 * devt_from_devname(), devt_from_devnum(); name_to_dev_t() in
 * init/do_mounts.c before 6.5).  Each row is what Linux does: a device
 * it finds is the disk and partition it names, a text it rejects is
 * ROOT_UNKNOWN.  Built against the library's internal headers
 * (tests/unit.test runs it).  Prints "PASS what" or "FAIL what"; exits 1
 * if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"

static int failures;

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static const char *kind_name(int kind)
{
	static const char *const names[] = {
		[ROOT_DEV] = "dev", [ROOT_NUMBER] = "number", [ROOT_UUID] = "uuid",
		[ROOT_LABEL] = "label", [ROOT_PARTUUID] = "partuuid",
		[ROOT_LOOP] = "loop", [ROOT_UNKNOWN] = "unknown",
		[ROOT_NONE] = "none",
	};

	return kind >= 0 && kind <= ROOT_NONE ? names[kind] : "?";
}

struct row {
	const char *in;
	int kind;
	const char *family;	/* ROOT_DEV, ROOT_NUMBER */
	int disk, part;		/* ROOT_DEV, ROOT_NUMBER */
	const char *value;	/* ROOT_UUID, ROOT_LABEL, ROOT_PARTUUID */
	bool link;		/* /dev/disk/by-*: udev's, not the kernel's */
};

#define DEV(in, fam, disk, part) { in, ROOT_DEV, fam, disk, part, NULL, false }
#define NUM(in, fam, disk, part) { in, ROOT_NUMBER, fam, disk, part, NULL, false }
#define ID(in, kind, value) { in, kind, NULL, 0, 0, value, false }
#define LINK(in, kind, value) { in, kind, NULL, 0, 0, value, true }
#define KIND(in, kind) { in, kind, NULL, 0, 0, NULL, false }

static const struct row rows[] = {
	/* /dev/<disk><partition>: the disk by its name, the partition in
	 * decimal after it; the disk alone is the whole disk (8:0).  sd,
	 * vd and xvd disks are named a..z, aa..zz, aaa...
	 * (sd_format_disk_name()): the letters are the disk's index.  */
	DEV("/dev/sda1", "sd", 0, 1),
	DEV("/dev/sda", "sd", 0, 0),
	DEV("/dev/sdb2", "sd", 1, 2),
	DEV("/dev/sdz1", "sd", 25, 1),
	DEV("/dev/sdaa1", "sd", 26, 1),
	DEV("/dev/sdap1", "sd", 41, 1),
	DEV("/dev/sdba1", "sd", 52, 1),
	DEV("/dev/sdzz1", "sd", 701, 1),
	DEV("/dev/sdaaa1", "sd", 702, 1),
	DEV("/dev/sda15", "sd", 0, 15),
	/* Past the disk's 16 minors: found only if the partition exists
	 * (part_devt()), which the checks look up.  */
	DEV("/dev/sda16", "sd", 0, 16),
	DEV("/dev/hda1", "hd", 0, 1),
	DEV("/dev/hdb3", "hd", 1, 3),
	DEV("/dev/hdc1", "hd", 2, 1),
	DEV("/dev/vda1", "vd", 0, 1),
	DEV("/dev/vdb", "vd", 1, 0),
	DEV("/dev/xvda1", "xvd", 0, 1),
	DEV("/dev/xvdb2", "xvd", 1, 2),
	/* A partition number that begins with 0 is none: devt_from_devname()
	 * gives up on it ("*p == '0'"), and no disk has such a name.  */
	KIND("/dev/sda0", ROOT_NONE),
	KIND("/dev/sda01", ROOT_NONE),
	KIND("/dev/vdb010", ROOT_NONE),

	/* Names of no disk Linux makes: no device.  Disk names are lower
	 * case; "sda1x" and "sda1/" end in no partition number; "sda1p1"
	 * would be partition 1 of a disk named "sda1", and partitions are
	 * no disks (blk_lookup_devt() looks at disks only).  */
	KIND("/dev/sdA1", ROOT_UNKNOWN),
	KIND("/dev/SDA1", ROOT_UNKNOWN),
	KIND("/dev/sd", ROOT_UNKNOWN),
	KIND("/dev/sd1", ROOT_UNKNOWN),
	KIND("/dev/sda1x", ROOT_UNKNOWN),
	KIND("/dev/sda1/", ROOT_UNKNOWN),
	KIND("/dev/sda1p1", ROOT_UNKNOWN),
	/* The partition is the digits at the end, no sign before them. */
	KIND("/dev/sda+1", ROOT_UNKNOWN),
	KIND("/dev/sda-1", ROOT_UNKNOWN),
	KIND("sda1", ROOT_UNKNOWN),
	KIND("dev/sda1", ROOT_UNKNOWN),
	KIND("", ROOT_UNKNOWN),

	/* MAJOR:MINOR in decimal ("08:01" is 8:1); the kernel also takes
	 * MAJOR:MINOR:N, N unused.  sd disks are major 8 with 16 minors
	 * each, IDE's first two disks major 3 with 64.  */
	NUM("8:1", "sd", 0, 1),
	NUM("08:01", "sd", 0, 1),
	NUM("8:0", "sd", 0, 0),
	NUM("8:15", "sd", 0, 15),
	NUM("8:16", "sd", 1, 0),
	NUM("8:17", "sd", 1, 1),
	NUM("8:10", "sd", 0, 10),
	NUM("8:255", "sd", 15, 15),
	NUM("8:1:0", "sd", 0, 1),
	NUM("8:1:0:", "sd", 0, 1),
	NUM("3:1", "hd", 0, 1),
	NUM("3:65", "hd", 1, 1),
	/* Else one hexadecimal number, MAJOR * 256 + MINOR
	 * (new_decode_dev()), either case.  */
	NUM("801", "sd", 0, 1),
	NUM("0801", "sd", 0, 1),
	NUM("800", "sd", 0, 0),
	NUM("811", "sd", 1, 1),
	NUM("80a", "sd", 0, 10),
	NUM("80A", "sd", 0, 10),
	NUM("301", "hd", 0, 1),
	NUM("341", "hd", 1, 1),
	/* Neither: the hexadecimal number ends before the text does. */
	KIND("8:", ROOT_UNKNOWN),
	KIND(":1", ROOT_UNKNOWN),
	KIND("8.1", ROOT_UNKNOWN),
	KIND("80g", ROOT_UNKNOWN),
	/* The kernel's sscanf() and simple_strtoul() take no sign, and
	 * "%u:%u%c" must not match a third item.  */
	KIND("8:1x", ROOT_UNKNOWN),
	KIND("08:0a", ROOT_UNKNOWN),
	KIND("8:1:", ROOT_UNKNOWN),
	KIND("8:1:0:5", ROOT_UNKNOWN),
	KIND("8:+1", ROOT_UNKNOWN),
	KIND("+8:1", ROOT_UNKNOWN),
	KIND("+801", ROOT_UNKNOWN),
	KIND("-801", ROOT_UNKNOWN),

	/* PARTUUID= as the kernel looks it up: the text after '=', matched
	 * later against the disks' "<identifier>-<partition>".  */
	ID("PARTUUID=0badc0de-01", ROOT_PARTUUID, "0badc0de-01"),
	ID("PARTUUID=0BADC0DE-0A", ROOT_PARTUUID, "0BADC0DE-0A"),
	ID("PARTUUID=0badc0de-01/PARTNROFF=1", ROOT_PARTUUID,
	   "0badc0de-01/PARTNROFF=1"),
	ID("PARTUUID=", ROOT_PARTUUID, ""),	/* ...which matches nothing */
	/* What an initrd resolves (initramfs-tools, dracut): the
	 * filesystem's UUID or label, and udev's links by those and by
	 * the partition's PARTUUID.  */
	ID("UUID=2d15c0de-5ec0-4d15-8c0d-0badd15c0002", ROOT_UUID,
	   "2d15c0de-5ec0-4d15-8c0d-0badd15c0002"),
	ID("LABEL=root", ROOT_LABEL, "root"),
	LINK("/dev/disk/by-uuid/2d15c0de-5ec0-4d15-8c0d-0badd15c0002", ROOT_UUID,
	     "2d15c0de-5ec0-4d15-8c0d-0badd15c0002"),
	LINK("/dev/disk/by-label/root", ROOT_LABEL, "root"),
	/* The kernel's own lookup takes this one for a disk named
	 * "disk!by-partuuid!0badc0de-01": no device without an initrd. */
	LINK("/dev/disk/by-partuuid/0badc0de-01", ROOT_PARTUUID, "0badc0de-01"),
	/* The prefixes are case-sensitive, in the kernel and in initrds. */
	KIND("partuuid=0badc0de-01", ROOT_UNKNOWN),
	KIND("uuid=2d15c0de-5ec0-4d15-8c0d-0badd15c0002", ROOT_UNKNOWN),

	/* A loop device: the build host's, never the booted machine's. */
	KIND("/dev/loop0", ROOT_LOOP),
	KIND("/dev/loop0p1", ROOT_LOOP),

	/* Names Linux finds that grubinst does not map to a partition of
	 * the machine's disks (a warning, never a partition): disks whose
	 * name ends in a digit take "p" before the partition, and majors
	 * other than 8 and 3 (179 is mmc, 253 device-mapper or virtio).  */
	KIND("/dev/nvme0n1p1", ROOT_UNKNOWN),
	KIND("/dev/mmcblk0p1", ROOT_UNKNOWN),
	KIND("/dev/md0", ROOT_UNKNOWN),
	KIND("/dev/ram", ROOT_UNKNOWN),
	KIND("PARTLABEL=root", ROOT_UNKNOWN),
	KIND("b302", ROOT_UNKNOWN),
	KIND("fd00", ROOT_UNKNOWN),
	KIND("253:0", ROOT_UNKNOWN),
	KIND("259:1", ROOT_UNKNOWN),
};

static bool row_holds(const struct row *t, const struct root_spec *r)
{
	if ((int)r->kind != t->kind || r->link != t->link)
		return false;
	switch (t->kind) {
	case ROOT_DEV:
	case ROOT_NUMBER:
		return strcmp(r->family, t->family) == 0 && r->disk == t->disk &&
		       r->part == t->part;
	case ROOT_UUID:
	case ROOT_LABEL:
	case ROOT_PARTUUID:
		return r->value && strcmp(r->value, t->value) == 0;
	default:
		return true;
	}
}

/* The MBR table of 0x0badc0de: partition 1, the extended partition 2,
 * logical partitions 5..17 in it.  */
static void mbr_table(struct ptable *pt, bool gpt)
{
	memset(pt, 0, sizeof(*pt));
	pt->disk_id = 0x0badc0de;
	pt->gpt = gpt;
	pt->part[pt->count++] = (struct partition){ .number = 1, .type = 0x83 };
	pt->part[pt->count++] = (struct partition){ .number = 2, .type = 0x05,
						    .container = true };
	for (int n = 5; n <= 17; n++)
		pt->part[pt->count++] = (struct partition){ .number = n, .type = 0x83,
							    .logical = true };
}

/* A PARTUUID= and what partuuid_match() must make of it. */
struct match_row {
	const char *val;
	int rc, part;	/* rc: 1 a match, 0 none, -1 rejected */
};

static void check_matches(const struct ptable *pt, const char *disk,
			  const struct match_row *t, size_t n)
{
	char what[200];
	int part, rc;

	for (size_t i = 0; i < n; i++) {
		part = -7;
		rc = partuuid_match(pt, t[i].val, &part);
		snprintf(what, sizeof(what), "%s PARTUUID=%s: %s, partition %d", disk,
			 t[i].val, t[i].rc > 0 ? "matches" : t[i].rc ? "invalid" : "no match",
			 t[i].part);
		verdict(rc == t[i].rc && part == t[i].part, what);
		if (rc != t[i].rc || part != t[i].part)
			fprintf(stderr, "PARTUUID=%s: %d, partition %d\n", t[i].val, rc,
				part);
	}
}

/* A GPT disk: partition 1 without a GUID, 2 and 3 with theirs. */
static void gpt_rows(struct ptable *pt)
{
	static const struct match_row t[] = {
		{ "6f1e2d3c-0000-4000-8000-000000000002", 1, 2 },
		{ "6F1E2D3C-0000-4000-8000-000000000002", 1, 2 },
		{ "6f1e2d3c-0000-4000-8000-000000000003", 1, 3 },
		{ "6f1e2d3c-0000-4000-8000-000000000004", 0, 0 },
		/* A beginning: the first partition it begins. */
		{ "6f1e2d3c", 1, 2 },
		{ "6f1e2d3c-0000-4000-8000-000000000002/PARTNROFF=1", 1, 3 },
	};
	char buf[40];

	memset(pt, 0, sizeof(*pt));
	pt->gpt = true;
	pt->part[pt->count++] = (struct partition){ .number = 1 };
	pt->part[pt->count++] = (struct partition){
		.number = 2, .guid = "6F1E2D3C-0000-4000-8000-000000000002" };
	pt->part[pt->count++] = (struct partition){
		.number = 3, .guid = "6F1E2D3C-0000-4000-8000-000000000003" };
	check_matches(pt, "GPT", t, sizeof(t) / sizeof(t[0]));
	verdict(ptable_partuuid(pt, &pt->part[1], buf, sizeof(buf)) &&
			strcmp(buf, "6f1e2d3c-0000-4000-8000-000000000002") == 0,
		"a GPT entry's PARTUUID is its GUID in lower case");
	verdict(!ptable_partuuid(pt, &pt->part[0], buf, sizeof(buf)),
		"a GPT entry without a GUID has no PARTUUID");
}

/* PARTUUID= against that table as devt_from_partuuid() looks it up:
 * each partition's is "%08x-%02x" (msdos.c set_info()), compared with
 * strncasecmp() for the length of the text given (up to a '/'), the
 * first partition matching wins, then PARTNROFF= moves from it.  */
static void partuuid_table(void)
{
	static const struct match_row t[] = {
		{ "0badc0de-01", 1, 1 }, { "0BADC0DE-01", 1, 1 },
		{ "0badc0de-05", 1, 5 }, { "0badc0de-0a", 1, 10 },
		{ "0badc0de-0A", 1, 10 }, { "0badc0de-10", 1, 16 },
		{ "0badc0de-11", 1, 17 },
		/* The partition in hexadecimal: 10 is not "-10". */
		{ "0badc0de-12", 0, 0 },
		/* No such partition; the extended one has no PARTUUID. */
		{ "0badc0de-03", 0, 0 }, { "0badc0de-02", 0, 0 },
		{ "0badc0de-00", 0, 0 },
		/* Another disk; the identifier is 8 digits, zero-filled. */
		{ "deadbeef-01", 0, 0 }, { "badc0de-01", 0, 0 },
		{ "0xbadc0de-01", 0, 0 },
		/* Longer than any: nothing starts with it. */
		{ "0badc0de-01x", 0, 0 }, { "0badc0de-001", 0, 0 },
		{ "0badc0de-01-", 0, 0 },
		/* A beginning: the first partition it begins. */
		{ "0badc0de", 1, 1 }, { "0badc0de-", 1, 1 }, { "0badc0de-0", 1, 1 },
		{ "0bad", 1, 1 }, { "0badc0de-1", 1, 16 },
		/* PARTNROFF=: partitions on from the one matched, which
		 * must exist (the extended one does, as a device). */
		{ "0badc0de-01/PARTNROFF=4", 1, 5 },
		{ "0badc0de-01/PARTNROFF=0", 1, 1 },
		{ "0badc0de-05/PARTNROFF=-4", 1, 1 },
		{ "0badc0de-01/PARTNROFF=1", 1, 2 },
		{ "0badc0de-01/PARTNROFF=2", 1, 0 },
		{ "0badc0de-05/PARTNROFF=-5", 1, 0 },
		{ "0badc0de-11/PARTNROFF=1", 1, 0 },
		{ "deadbeef-01/PARTNROFF=1", 0, 0 },
		/* Rejected: "VFS: PARTUUID= is invalid". */
		{ "", -1, 0 }, { "/PARTNROFF=1", -1, 0 },
		{ "0badc0de-01/", -1, 0 }, { "0badc0de-01/PARTNROFF=", -1, 0 },
		{ "0badc0de-01/PARTNROFF=1x", -1, 0 },
		{ "0badc0de-01/partnroff=1", -1, 0 },
		{ "0badc0de-01/PARTNROFF=+1", -1, 0 },
		{ "0badc0de-01/PARTNROFF=1/", -1, 0 },
	};
	/* On a GPT disk the PARTUUIDs are the partitions' GUIDs (efi.c,
	 * "%pUl"): the protective MBR's identifier names none.  */
	static const struct match_row mbr_id_on_gpt[] = { { "0badc0de-01", 0, 0 } };
	struct ptable pt;

	mbr_table(&pt, false);
	check_matches(&pt, "MBR", t, sizeof(t) / sizeof(t[0]));
	mbr_table(&pt, true);
	check_matches(&pt, "GPT", mbr_id_on_gpt, 1);
	gpt_rows(&pt);
}

int main(void)
{
	char what[200];

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *t = &rows[i];
		struct root_spec r;

		root_parse(t->in, &r);
		if (t->kind == ROOT_DEV || t->kind == ROOT_NUMBER)
			snprintf(what, sizeof(what), "root=%s: %s %s disk %d partition %d",
				 t->in, kind_name(t->kind), t->family, t->disk, t->part);
		else if (t->value)
			snprintf(what, sizeof(what), "root=%s: %s \"%s\"%s", t->in,
				 kind_name(t->kind), t->value,
				 t->link ? ", udev's link" : "");
		else
			snprintf(what, sizeof(what), "root=%s: %s", t->in,
				 kind_name(t->kind));
		verdict(row_holds(t, &r), what);
		if (!row_holds(t, &r))
			fprintf(stderr, "root=%s: %s \"%s\" disk %d partition %d value %s\n",
				t->in, kind_name((int)r.kind), r.family, r.disk, r.part,
				r.value ? r.value : "(none)");
	}
	partuuid_table();
	return failures ? 1 : 0;
}
