/* Opening the image and refusing, before any write, what will not boot. */
#include <stdio.h>
#include <string.h>

#include "installer/installer.h"

/* Partition types GRUB Legacy's ext2 reader is usually found on; others
 * get a warning in the report, not a refusal.  */
#define TYPE_LINUX PART_TYPE_LINUX

static int read_mbr(struct install *inst)
{
	struct image *img = &inst->img;

	if (img->size < SECTOR_SIZE)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, img->path,
				 "%s: %llu bytes, smaller than one 512-byte sector",
				 img->size ? "truncated" : "empty",
				 (unsigned long long)img->size);
	if (image_read(img, 0, inst->mbr, 1, inst->err))
		return inst->err->code;
	if (le16(inst->mbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, img->path,
				 "not a disk image: no MBR boot signature "
				 "(55 AA) at byte 510");
	return 0;
}

static const struct partition *pick_partition(const struct ptable *pt)
{
	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].active && !pt->part[i].container)
			return &pt->part[i];
	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].type == TYPE_LINUX)
			return &pt->part[i];
	return NULL;
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

static int choose_partition(struct install *inst)
{
	const char *path = inst->img.path;
	const struct partition *p, *q;

	if (inst->pt.loop_after)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
				 "the chain of logical partitions loops: the "
				 "extended boot record after partition %d links back "
				 "to an earlier one; rewrite the table (sfdisk)",
				 inst->pt.loop_after);

	if (inst->opts->partition > 0) {
		p = ptable_find(&inst->pt, inst->opts->partition);
		if (!p)
			return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
					 "has no partition %d",
					 inst->opts->partition);
		if (p->container)
			return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
					 "partition %d is an extended partition, "
					 "it holds no filesystem", p->number);
	} else {
		p = pick_partition(&inst->pt);
		if (!p)
			return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
					 "no active and no Linux (0x83) partition; "
					 "no ext2 partition to boot from (use "
					 "--partition N)");
	}
	if (p->start == 0)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
				 "partition %d starts in the MBR (sector 0)",
				 p->number);
	if (p->size == 0)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
				 "partition %d is empty (0 sectors)",
				 p->number);
	if (p->start + p->size > image_sectors(&inst->img))
		return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
				 "partition %d (sectors %llu..%llu) runs past "
				 "the end of the image (%llu sectors)",
				 p->number, (unsigned long long)p->start,
				 (unsigned long long)(p->start + p->size - 1),
				 (unsigned long long)image_sectors(&inst->img));
	q = overlapping(&inst->pt, p);
	if (q)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, path,
				 "partition %d (sectors %llu..%llu) overlaps "
				 "partition %d (sectors %llu..%llu): writing into one "
				 "overwrites the other; fix the table (sfdisk)",
				 p->number, (unsigned long long)p->start,
				 (unsigned long long)(p->start + p->size - 1),
				 q->number, (unsigned long long)q->start,
				 (unsigned long long)(q->start + q->size - 1));
	inst->boot = p;
	if (p->type != TYPE_LINUX)
		gi_report(&inst->g->rep, "warning: partition %d has type 0x%02x, "
			  "not Linux (0x83)", p->number, p->type);
	return 0;
}

/* An install killed half way left an undo record: put the image back as
 * it was before anything else.  A dry run cannot write, so it refuses.  */
static int recover(struct install *inst)
{
	if (!inst->opts->dry_run)
		return undo_recover(&inst->img, &inst->g->rep, inst->err);
	if (undo_pending(inst->img.path))
		return gi_refuse(inst->err, GI_CAUSE_OTHER, inst->img.path,
				 "an interrupted install left its undo record "
				 "%s.grubinst-undo; run grubinst %s to roll it back",
				 inst->img.path, inst->img.path);
	return 0;
}

int target_open(struct install *inst)
{
	bool writable = !inst->opts->dry_run;

	if (image_open_handle(&inst->img, inst->g, writable, inst->err) ||
	    recover(inst) || read_mbr(inst) ||
	    ptable_read(&inst->img, &inst->pt, inst->err) || choose_partition(inst))
		return inst->err->code;
	inst->boot_sector = inst->opts->target == GRUBINST_TARGET_PARTITION
				  ? inst->boot->start
				  : 0;
	return image_read(&inst->img, inst->boot_sector, inst->old_boot, 1, inst->err);
}

/* The Error 24 case of the tutorial: mke2fs was told the wrong size, so
 * the filesystem runs past its partition.  */
static int check_fits(struct install *inst)
{
	const struct partition *p = inst->boot;
	uint64_t bs = fs_block_size(&inst->fs);
	uint64_t fs_sectors = fs_blocks(&inst->fs) * (bs / SECTOR_SIZE);

	if (fs_sectors <= p->size)
		return 0;
	return gi_refuse(inst->err, GI_CAUSE_OTHER, inst->img.path,
			 "the filesystem on partition %d is %llu blocks of %llu "
			 "bytes (%llu sectors) but the partition has %llu sectors: "
			 "files past sector %llu will fail with GRUB \"Error 24: "
			 "Attempt to access block outside partition\" and the kernel's "
			 "\"attempt to access beyond end of device\"; remake it to fit: "
			 "mke2fs -b %llu -E offset=%llu %s %llu", p->number,
			 (unsigned long long)fs_blocks(&inst->fs),
			 (unsigned long long)bs, (unsigned long long)fs_sectors,
			 (unsigned long long)p->size,
			 (unsigned long long)(p->start + p->size - 1),
			 (unsigned long long)bs,
			 (unsigned long long)(p->start * SECTOR_SIZE),
			 inst->img.path,
			 (unsigned long long)(p->size * SECTOR_SIZE / bs));
}

/* Features GRUB cannot read: the table is in disk/features.c. */
static int check_features(struct install *inst)
{
	size_t pos = 0;
	const struct fs_problem *f = fs_grub_unreadable(inst->fs.e2->super, &pos);

	if (f)
		return gi_refuse(inst->err, GI_CAUSE_OTHER, inst->img.path,
				 "the filesystem on partition %d %s (fix: %s)",
				 inst->boot->number, f->why, f->fix);
	return 0;
}

/* Its bitmaps may disagree with its files: blocks marked free may be in
 * use.  */
static int check_clean(struct install *inst)
{
	const char *kernel_says, *state = fs_unclean(inst->fs.e2->super, &kernel_says);

	if (!state)
		return 0;
	return gi_refuse(inst->err, GI_CAUSE_OTHER, inst->img.path,
			 "the filesystem on partition %d %s; repair it first: "
			 "e2fsck -f '%s?offset=%llu'", inst->boot->number, state,
			 inst->img.path,
			 (unsigned long long)(inst->boot->start * SECTOR_SIZE));
}

int target_check_filesystem(struct install *inst)
{
	const struct partition *p = inst->boot;

	if (fs_open(&inst->fs, &inst->img, p->start * SECTOR_SIZE,
		    !inst->opts->dry_run, inst->err))
		return inst->err->code;
	fs_clamp_time(&inst->fs, inst->opts->timestamp);
	if (!inst->opts->dry_run && fs_capture(&inst->fs, &inst->img, &inst->journal, inst->err))
		return inst->err->code;
	/* A dry run plans allocations too, in memory only. */
	if (inst->opts->dry_run && fs_load_bitmaps(&inst->fs, inst->err))
		return inst->err->code;
	return check_fits(inst) || check_features(inst) || check_clean(inst)
		       ? inst->err->code : 0;
}
