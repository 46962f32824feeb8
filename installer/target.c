/*
 * Opening the image and refusing, before any write, what will not boot.
 * Each refusal names the --verify finding it is (" [fs-size]"), so that a
 * program can tell them apart (grubinst_error_code()); the rules that
 * --verify checks too come from inspect/rules.c, in the same words and
 * with the same fix.
 */
#include <stdio.h>
#include <string.h>

#include "installer/installer.h"

/* Refuses the install as the finding CODE, with MESSAGE and FIX (IMAGE in
 * FIX stands for the image, as in --verify's report, and becomes its
 * quoted path).  */
static int refuse_as(struct install *inst, const char *code,
		     const char *message, const char *fix)
{
	char fixed[2048] = "";
	const char *img = inst->img.path;

	if (fix && !gi_fix_expand(fixed, sizeof(fixed), fix, img))
		fixed[0] = '\0';	/* a cut command must not run */
	gi_refuse(inst->err, GI_CAUSE_RULE, img, "%s [%s]%s%s", message, code,
		  fixed[0] ? "; fix: " : "", fixed);
	inst->err->rule = code;
	return inst->err->code;
}

int target_refuse(struct install *inst, const struct verdict *v)
{
	return refuse_as(inst, finding_code_name(v->code), v->message, v->fix);
}

int target_refuse_code(struct install *inst, const char *code,
		       const char *fix, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return refuse_as(inst, code, message, fix);
}

static int read_mbr(struct install *inst)
{
	struct image *img = &inst->img;

	if (img->size < SECTOR_SIZE)
		return target_refuse_code(inst, "disk-truncated", NULL,
				   "%s: %llu bytes, smaller than one 512-byte "
				   "sector", img->size ? "truncated" : "empty",
				   (unsigned long long)img->size);
	if (image_read(img, 0, inst->mbr, 1, inst->err))
		return inst->err->code;
	if (le16(inst->mbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)
		return target_refuse_code(inst, finding_code_name(FC_MBR_SIGNATURE), NULL,
				   "not a disk image: no MBR boot signature "
				   "(55 AA) at byte 510");
	return 0;
}

/* libfdisk's reasons, as the finding --verify gives for them. */
static int read_table(struct install *inst)
{
	struct gi_err err = { 0 };

	if ((inst->loader->reads_gpt ? ptable_read_any(&inst->img, &inst->pt, &err)
				     : ptable_read(&inst->img, &inst->pt, &err)) == 0)
		return 0;
	if (err.cause != GI_CAUSE_NO_LABEL && err.cause != GI_CAUSE_GPT &&
	    err.cause != GI_CAUSE_OTHER_LABEL)
		return gi_pass(inst->err, &err, 0);
	return target_refuse_code(inst, finding_code_name(rule_ptable_code(err.cause)),
				  "sfdisk --label dos IMAGE", "%s", err.msg);
}

/* Another partition sharing sectors with the boot partition (other than
 * the extended one holding it): the files written into one land in the
 * other's data.  */
static const struct partition *overlapping(const struct ptable *pt,
					   const struct partition *p)
{
	for (int i = 0; i < pt->count; i++) {
		const struct partition *q = &pt->part[i];

		if (q != p && partitions_overlap(p, q) && !partition_inside(p, q))
			return q;
	}
	return NULL;
}

static int find_partition(struct install *inst, const struct partition **out)
{
	const char *path = inst->img.path;
	const struct partition *p;

	if (inst->opts->partition <= 0) {
		*out = rule_boot_partition(&inst->pt);
		if (!*out)
			return target_refuse_code(inst, finding_code_name(FC_PART_NONE), NULL,
					 "no active and no Linux (0x83) partition; "
					 "no ext2 partition to boot from (use "
					 "--partition N)");
		return 0;
	}
	p = ptable_find(&inst->pt, inst->opts->partition);
	if (!p)
		return gi_refuse(inst->err, GI_CAUSE_USAGE, path,
				 "has no partition %d", inst->opts->partition);
	if (p->container)
		return gi_refuse(inst->err, GI_CAUSE_USAGE, path,
				 "partition %d is an extended partition, it holds "
				 "no filesystem", p->number);
	*out = p;
	return 0;
}

static int choose_partition(struct install *inst)
{
	const struct partition *p, *q;

	if (inst->pt.loop_after)
		return target_refuse_code(inst, "ptable-loop", NULL,
				   "the chain of logical partitions loops: the "
				   "extended boot record after partition %d links "
				   "back to an earlier one; grubinst writes into "
				   "no such table", inst->pt.loop_after);
	if (find_partition(inst, &p))
		return inst->err->code;
	if (p->start == 0)
		return target_refuse_code(inst, "part-in-mbr", NULL,
				   "partition %d starts in the MBR (sector 0)",
				   p->number);
	if (p->start + p->size > image_sectors(&inst->img))
		return target_refuse_code(inst, "part-past-end", NULL,
				   "partition %d (sectors %llu..%llu) runs past "
				   "the end of the image (%llu sectors)", p->number,
				   (unsigned long long)p->start,
				   (unsigned long long)(p->start + p->size - 1),
				   (unsigned long long)image_sectors(&inst->img));
	q = overlapping(&inst->pt, p);
	if (q)
		return target_refuse_code(inst, "part-overlap", NULL,
				   "partitions %d (sectors %llu..%llu) and %d "
				   "(sectors %llu..%llu) overlap: writing one "
				   "overwrites the other's filesystem", p->number,
				   (unsigned long long)p->start,
				   (unsigned long long)(p->start + p->size - 1),
				   q->number, (unsigned long long)q->start,
				   (unsigned long long)(q->start + q->size - 1));
	inst->boot = p;
	return 0;
}

/* An install killed half way left an undo record: put the image back as
 * it was before anything else.  A dry run cannot write, so it refuses;
 * so does every install while something else is at the record's name.  */
static int recover(struct install *inst)
{
	struct undo_state u;
	struct verdict v;
	int rc = inst->opts->dry_run
			 ? undo_examine(&inst->undo, &u, inst->err)
			 : undo_recover(&inst->undo, &u, &inst->g->rep, inst->err);

	if (rc)
		return rc;
	if (rule_undo_record(&u, &v))
		return target_refuse(inst, &v);
	return 0;
}

/* The kernel's cache of a mounted filesystem overwrites what we write. */
static int check_mounts(struct install *inst)
{
	struct rule_target t = { .part = inst->boot, .grub_reads = true,
				 .installs = true };
	struct mount_use m;
	struct verdict v;

	if (image_mount_use(&inst->img, &m) && rule_mounted(&t, &m, &v))
		return target_refuse(inst, &v);
	return 0;
}

int target_open(struct install *inst)
{
	bool writable = !inst->opts->dry_run;

	if (image_open_handle(&inst->img, inst->g, writable, inst->err) ||
	    recover(inst) || read_mbr(inst) || read_table(inst) ||
	    choose_partition(inst) || check_mounts(inst))
		return inst->err->code;
	inst->boot_sector = inst->opts->target == GRUBINST_TARGET_PARTITION
				  ? inst->boot->start
				  : 0;
	return image_read(&inst->img, inst->boot_sector, inst->old_boot, 1, inst->err);
}

/* The rules about the boot partition and its filesystem that decide
 * before any planning: the partition type, checksums that do not match
 * (read past them here; the install's own open does not), the filesystem against the
 * partition (the tutorial's Error 24), what the loader cannot read, a
 * filesystem to repair first (its bitmaps may not match its files), and
 * one grubinst cannot allocate in.  */
static int check_rules(struct install *inst)
{
	struct rule_target t = {
		.part = inst->boot, .fs = &inst->fs, .sectors = inst->boot->size,
		.grub_reads = true, .installs = true,
		.reach = grub_disk_reach(image_sectors(&inst->img)),
		.grub_dir = inst->paths.dir,
	};
	bool (*loader_rules)(const struct rule_target *, struct verdict *) =
		inst->loader->fs_rules;
	struct verdict v;

	if ((loader_rules && loader_rules(&t, &v)) ||
	    rule_fs_checksum(&t, &v) ||
	    rule_fs_fits(&t, &v) || rule_fs_state(&t, &v) ||
	    rule_fs_mmp(&t, &v) ||
	    rule_fs_descriptors(&t, &v) || rule_fs_directories(&t, &v) ||
	    rule_fs_allocatable(&t, &v))
		return target_refuse(inst, &v);
	return 0;
}

/* The filesystem is judged read-only first, by the rules --verify uses;
 * then opened for the install, its writes captured by the journal.  */
int target_check_filesystem(struct install *inst)
{
	const struct partition *p = inst->boot;
	struct gi_err err = { 0 };
	errcode_t rc;

	if (fs_open(&inst->fs, &inst->img, p->start * SECTOR_SIZE, false, &err)) {
		struct rule_target t = { .part = p, .sectors = p->size,
					 .grub_reads = true, .installs = true };
		struct verdict v;

		if (err.cause == GI_CAUSE_NO_FS && rule_part_no_fs(&t, err.msg, &v))
			return target_refuse(inst, &v);
		return gi_pass(inst->err, &err, 0);
	}
	inst->fs_kind = fs_kind(&inst->fs);
	if (check_rules(inst))
		return inst->err->code;
	fs_abandon(&inst->fs);
	/* Writable even for a dry run: its writes go to the journal too,
	 * which a dry run checks and does not commit.  */
	if (fs_open(&inst->fs, &inst->img, p->start * SECTOR_SIZE, true, inst->err))
		return inst->err->code;
	/* The rules found it clean; journal_commit() claims it. */
	rc = fs_mmp_read(&inst->fs, &inst->journal.mmp);
	if (rc)
		return fs_fail(&inst->fs, rc, "cannot read the MMP block", inst->err);
	fs_clamp_time(&inst->fs, inst->opts->timestamp);
	return fs_capture(&inst->fs, &inst->img, &inst->journal, inst->err);
}

void target_report(struct install *inst, const char *grub_name)
{
	const struct partition *p = inst->boot;

	gi_report(&inst->g->rep, "%s: boot partition %d = %s, sectors %llu..%llu, "
		  "%s filesystem of %llu blocks of %u bytes",
		  inst->img.path, p->number, grub_name, (unsigned long long)p->start,
		  (unsigned long long)(p->start + p->size - 1), inst->fs_kind,
		  (unsigned long long)fs_blocks(&inst->fs), fs_block_size(&inst->fs));
}
