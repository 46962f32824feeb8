/* The disk as the BIOS and GRUB see it: a boot signature, a partition
 * table whose entries make sense, and an ext2 filesystem where one should
 * be.  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"


/* The machine's other disks (--disk hdN=PATH), read-only: one that cannot
 * be read stops the check, as the image would.  */
static int open_other_disks(struct inspect *in)
{
	for (int d = 1; d < GRUBINST_MAX_DISKS; d++) {
		const char *path = in->g->opts.disks[d];
		struct other_disk *o;
		struct gi_err err = { 0 };

		if (!path)
			continue;
		o = calloc(1, sizeof(*o));
		if (!o)
			return -gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		o->path = path;
		o->img.fd = -1;
		if (image_open(&o->img, path, false, &err)) {
			free(o);
			gi_pass(&in->fatal, &err, GRUBINST_EIO);
			return -1;
		}
		in->other[d] = o;
		o->have_table = ptable_read(&o->img, &o->pt, &err) == 0;
		finding(in, OK, FC_DISK_OTHER, NOTE(.path = path),
			"BIOS drive %d (hd%d, /dev/sd%c): %s, %s", 0x80 + d, d,
			'a' + d, path, o->have_table ? "an MBR partition table"
						     : "no MBR partition table");
	}
	return 0;
}

static int open_image(struct inspect *in)
{
	struct gi_err err = { 0 };

	if (in->given_img) {
		in->img = *in->given_img;	/* not ours to close */
		return 0;
	}
	if (image_open_handle(&in->img, in->g, false, &err)) {
		/* Whatever the reason, this image cannot be read. */
		gi_pass(&in->fatal, &err, GRUBINST_EIO);
		return -1;
	}
	in->img_open = true;
	return open_other_disks(in);
}

/* The kernel has a filesystem of this storage mounted: what is on the
 * disk may not be what it will write back (rules.c).  */
static void check_mounted(struct inspect *in)
{
	struct rule_target t = { .grub_reads = false };
	struct mount_use m;
	struct verdict v;

	if (!in->given_img && image_mount_use(&in->img, &m) &&
	    rule_mounted(&t, &m, &v))
		finding_verdict(in, &v, NOTE(0));
}

static int read_mbr(struct inspect *in)
{
	const char *path = in->img.path;
	int rc;

	if (in->img.size < SECTOR_SIZE) {
		finding(in, FAIL, FC_DISK_TRUNCATED, NOTE(0),
			"%s is %llu bytes, smaller than one 512-byte sector: "
			"the BIOS finds no boot sector", path,
			(unsigned long long)in->img.size);
		return 0;
	}
	rc = read_sectors(in, 0, in->mbr, 1);
	if (rc)
		return rc < 0 ? -1 : 0;
	in->have_mbr = true;
	if (in->img.size % SECTOR_SIZE)
		finding(in, WARN, FC_DISK_SIZE, NOTE(0),
			"the image is %llu bytes, not a whole number of "
			"sectors: the last %llu bytes are not part of the disk",
			(unsigned long long)in->img.size,
			(unsigned long long)(in->img.size % SECTOR_SIZE));
	if (le16(in->mbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE) {
		finding(in, FAIL, FC_MBR_SIGNATURE,
			NOTE(AT(0), .refuses_install = true),
			"sector 0 does not end in 55 AA: the BIOS will not boot "
			"this disk (SeaBIOS: \"Boot failed: not a bootable "
			"disk\") and there is no MBR partition table");
		return 0;
	}
	return 0;
}

static int read_table(struct inspect *in)
{
	struct gi_err err = { 0 };
	struct bootcode code;
	int rc = ptable_read_any(&in->img, &in->pt, &err);

	/* A GPT is read for a loader whose row says it boots one (loaders.c),
	 * by the boot code in sector 0; for the others it is no table.  */
	identify_bootcode(in->mbr, &code);
	if (rc == 0 && in->pt.gpt && !(verify_loader_of(code.kind)->kind == code.kind &&
					verify_loader_of(code.kind)->reads_gpt)) {
		memset(&in->pt, 0, sizeof(in->pt));
		rc = ptable_refuse_gpt(&in->img, &err);
	}
	if (rc == 0) {
		in->have_table = true;
		return 0;
	}
	if (err.cause == GI_CAUSE_IO || err.cause == GI_CAUSE_NOMEM) {
		gi_pass(&in->fatal, &err, 0);
		return -1;
	}
	finding(in, FAIL, rule_ptable_code(err.cause),
		NOTE(AT(0), .refuses_install = true),
		"%s: GRUB Legacy finds no partition to boot from", err.msg);
	return 0;
}

/* The logical partitions an EBR names must lie inside the extended one. */
static void check_logicals(struct inspect *in)
{
	const struct partition *c = NULL;

	for (int i = 0; i < in->pt.count && !c; i++)
		if (in->pt.part[i].container)
			c = &in->pt.part[i];
	for (int i = 0; c && i < in->pt.count; i++) {
		const struct partition *p = &in->pt.part[i];

		if (!p->logical || partition_inside(p, c))
			continue;
		finding(in, WARN, FC_PART_OUTSIDE_EXTENDED,
			NOTE(AT(p->start)),
			"partition %d (sectors %llu..%llu) is not inside the "
			"extended partition %d (sectors %llu..%llu) whose chain "
			"names it: Linux and GRUB use it, but fdisk reports the "
			"table as broken and tools that rewrite it may drop it",
			p->number, (unsigned long long)p->start,
			(unsigned long long)(p->start + p->size - 1), c->number,
			(unsigned long long)c->start,
			(unsigned long long)(c->start + c->size - 1));
	}
}

static void check_overlaps(struct inspect *in)
{
	for (int i = 0; i < in->pt.count; i++)
		for (int j = i + 1; j < in->pt.count; j++) {
			const struct partition *a = &in->pt.part[i];
			const struct partition *b = &in->pt.part[j];

			/* A logical partition lies inside its extended
			 * container by design.  */
			if (!partitions_overlap(a, b) || partition_inside(a, b) ||
			    partition_inside(b, a))
				continue;
			/* A logical partition sticking out of its container
			 * is check_logicals()'s finding.  */
			if (a->container && (b->container || b->logical))
				continue;
			if (b->container && a->logical)
				continue;
			/* Reading works: a boot reads what is there.  The
			 * hazard is every write after it.  */
			finding(in, WARN, FC_PART_OVERLAP,
				NOTE(AT(a->start > b->start ? a->start : b->start),
				     .refuses_install = true),
				"partitions %d (sectors %llu..%llu) and %d "
				"(sectors %llu..%llu) overlap: writing one "
				"overwrites the other's filesystem (booting reads "
				"and does not care; the first write there does "
				"damage, and grubinst refuses to install)",
				a->number, (unsigned long long)a->start,
				(unsigned long long)(a->start + a->size - 1),
				b->number, (unsigned long long)b->start,
				(unsigned long long)(b->start + b->size - 1));
		}
}

static void describe_fs(struct pfs *f, char *buf, size_t size)
{
	if (!f || !f->ok) {
		snprintf(buf, size, "no ext2/3/4 filesystem");
		return;
	}
	snprintf(buf, size, "%s filesystem of %llu blocks of %u bytes",
		 fs_kind(&f->fs), (unsigned long long)fs_blocks(&f->fs),
		 fs_block_size(&f->fs));
}

static void check_partition(struct inspect *in, const struct partition *p)
{
	uint64_t end = p->start + p->size;
	char fsdesc[128];
	struct pfs *f;

	if (p->container) {
		finding(in, OK, FC_PART, NOTE(AT(p->start)),
			"partition %d: extended partition, sectors %llu..%llu",
			p->number, (unsigned long long)p->start,
			(unsigned long long)(end - 1));
		return;
	}
	if (p->start == 0) {
		finding(in, FAIL, FC_PART_IN_MBR,
			NOTE(AT(0), .refuses_install = true),
			"partition %d starts at sector 0, on top of the MBR: "
			"its filesystem and the boot code overwrite each other",
			p->number);
	}
	if (end > image_sectors(&in->img))
		finding(in, WARN, FC_PART_PAST_END,
			NOTE(AT(image_sectors(&in->img)), .refuses_install = true,
			     .fix = fixf(in, "truncate -s %llu IMAGE",
					 (unsigned long long)(end * SECTOR_SIZE))),
			"partition %d (sectors %llu..%llu) runs past the end of "
			"the image (%llu sectors): reads there fail (GRUB "
			"\"Error 25: Disk read error\", kernel I/O errors)",
			p->number, (unsigned long long)p->start,
			(unsigned long long)(end - 1),
			(unsigned long long)image_sectors(&in->img));
	f = pfs_get(in, p->number);
	describe_fs(f, fsdesc, sizeof(fsdesc));
	if (in->pt.gpt) {
		/* GPT types are GUIDs, and no rule of GRUB 0.97's applies. */
		finding(in, OK, FC_PART, NOTE(AT(p->start)),
			"partition %d = (hd0,gpt%d): sectors %llu..%llu, type %s%s, %s",
			p->number, p->number, (unsigned long long)p->start,
			(unsigned long long)(end - 1), p->guid_type,
			strcasecmp(p->guid_type, GPT_BIOS_BOOT) ? "" : " (BIOS boot)",
			fsdesc);
		return;
	}
	finding(in, OK, FC_PART, NOTE(AT(p->start)),
		"partition %d = (hd0,%d): sectors %llu..%llu, type 0x%02x%s, %s",
		p->number, partition_grub_index(p), (unsigned long long)p->start,
		(unsigned long long)(end - 1), p->type,
		p->active ? ", active" : "", fsdesc);
	if (f && f->ok) {
		struct rule_target t;
		struct verdict v;

		/* Whether GRUB reads it is the chain's to say (chain.c). */
		pfs_target(f, false, &t);
		if (rule_part_type(&t, &v))
			finding_verdict(in, &v, NOTE(0));
	}
	else if (f && !f->ok) {
		struct rule_target t;
		struct verdict v;

		pfs_target(f, false, &t);
		if (rule_part_no_fs(&t, f->why, &v))
			finding_verdict(in, &v, NOTE(0));
	}
}

/* The partition to mark active: the one an install goes to. */
static int boot_candidate(const struct inspect *in)
{
	const struct partition *p = rule_boot_partition(&in->pt);

	return p ? p->number : 1;
}

/* A GPT disk's MBR holds one protective partition of type 0xee; some
 * BIOSes boot only a disk whose MBR has an active partition.  */
static void check_protective_active(struct inspect *in)
{
	const uint8_t *e = in->mbr + MBR_TABLE;

	if (e[0] == 0x80)
		return;
	finding(in, WARN, FC_GPT_PMBR_NO_ACTIVE,
		NOTE(AT(0), .fix = "printf '\\200' | dd of=IMAGE bs=1 seek=446 conv=notrunc"),
		"the protective MBR entry of this GPT disk is not marked active: "
		"SeaBIOS and most BIOSes boot it, but some skip a disk whose MBR "
		"has no active partition");
}

static void check_active(struct inspect *in)
{
	int active = 0, primaries = 0;

	if (in->pt.gpt) {
		check_protective_active(in);
		return;
	}

	for (int i = 0; i < in->pt.count; i++) {
		if (in->pt.part[i].number > 4)
			continue;
		primaries++;
		active += in->pt.part[i].active;
	}
	if (primaries && active == 0)
		finding(in, WARN, FC_PART_NO_ACTIVE,
			NOTE(AT(0), .fix = fixf(in, "sfdisk --activate IMAGE %d",
					      boot_candidate(in))),
			"no partition is marked active: GRUB's stage1 and "
			"SeaBIOS do not care, but some BIOSes skip such a disk "
			"and MBR code that chains the active partition stops");
	else if (active > 1)
		finding(in, WARN, FC_PART_MANY_ACTIVE,
			NOTE(AT(0), .fix = fixf(in, "sfdisk --activate IMAGE %d",
					      boot_candidate(in))),
			"%d partitions are marked active: MBR code that chains "
			"the active partition refuses (\"Multiple active "
			"partitions\") and some BIOSes reject the table",
			active);
}

/* An install killed half way leaves its undo record (disk/undo.c): until
 * the next install rolls it back, the filesystem may be half written.
 * Something else at the record's name stops every install (rules.c).  */
static int check_interrupted(struct inspect *in)
{
	struct gi_err err = { 0 };
	struct undo_state u;
	struct undo undo;
	struct verdict v;
	int rc;

	if (in->given_img)
		return 0;
	undo_attach(&undo, &in->img);
	rc = undo_examine(&undo, &u, &err);
	undo_detach(&undo);
	if (rc) {
		if (err.cause == GI_CAUSE_IO) {
			gi_pass(&in->fatal, &err, 0);
			return -1;
		}
		return 0;
	}
	if (rule_undo_record(&u, &v))
		finding_verdict(in, &v, NOTE(0));
	return 0;
}

int check_partitions(struct inspect *in)
{
	if (open_image(in) || read_mbr(in) < 0)
		return -1;
	check_mounted(in);
	if (check_interrupted(in))
		return -1;
	if (!in->have_mbr || le16(in->mbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)
		return 0;
	if (read_table(in) < 0)
		return -1;
	if (!in->have_table)
		return 0;
	if (in->pt.count == 0) {
		finding(in, FAIL, FC_PART_NONE,
			NOTE(AT(0), .refuses_install = true),
			"the partition table is empty: GRUB Legacy has no "
			"filesystem to read stage2 and the menu from");
		return 0;
	}
	if (in->pt.loop_after)
		finding(in, WARN, FC_PTABLE_LOOP,
			NOTE(AT(0), .refuses_install = true),
			"the chain of logical partitions loops: the extended boot "
			"record after partition %d links back to an earlier one; "
			"partitioning tools and the kernel list phantom copies of "
			"the logical partitions (only the first round is checked)",
			in->pt.loop_after);
	for (int i = 0; i < in->pt.count; i++)
		check_partition(in, &in->pt.part[i]);
	check_logicals(in);
	check_overlaps(in);
	check_active(in);
	return 0;
}
