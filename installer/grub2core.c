/*
 * GRUB 2's core.img: made by the build's own grub-mkimage (building it is
 * not ours to redo), placed where boot.img can load it (after the MBR, or
 * in the BIOS boot partition of a GPT), and boot.img for sector 0, as
 * util/setup.c does without Reed-Solomon codes: core.img takes only the
 * sectors it needs, so the smallest gap that holds it is enough.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "grub2/grub2.h"
#include "installer/installer.h"

/* Larger than any core.img boot.img and diskboot.img can load below
 * 0x78000 (setup's limit).  */
#define CORE_MAX (480 * 1024)

/* The modules the boot partition needs: the BIOS disk, its partition
 * map, the filesystem (ext2.mod reads ext2, ext3 and ext4), as
 * grub-install puts them in for such a disk.  */
static void choose_modules(struct install *inst)
{
	struct g2_install *g2 = inst->g2;

	g2->modules[0] = "biosdisk";
	g2->modules[1] = inst->pt.gpt ? "part_gpt" : "part_msdos";
	g2->modules[2] = "ext2";
}

/* "(,msdos1)/boot/grub": the partition on the disk the BIOS booted from,
 * whatever number the machine gives that disk, as grub-install writes
 * the prefix when GRUB's directory is on the disk it installs to.  No
 * search by UUID: that needs a module more and fails when a copy of the
 * filesystem is on another disk.  */
static void set_prefix(struct install *inst)
{
	snprintf(inst->g2->prefix, sizeof(inst->g2->prefix), "(,%s%d)%s",
		 inst->pt.gpt ? "gpt" : "msdos", inst->boot->number, inst->paths.dir);
}

static int read_core(struct install *inst, const char *path)
{
	struct g2_install *g2 = inst->g2;
	struct gi_file f;
	char why[160];

	if (gi_read_file(path, CORE_MAX, &f)) {
		gi_file_why(&f, CORE_MAX, why, sizeof(why));
		return gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_STAGE, "grub-mkimage",
				  "its core.img %s", why);
	}
	g2->core = f.data;
	g2->core_len = f.len;
	g2->core_sectors = (unsigned)((f.len + SECTOR_SIZE - 1) / SECTOR_SIZE);
	if (f.len < 2 * SECTOR_SIZE)
		return gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_STAGE, "grub-mkimage",
				  "made a core.img of %zu bytes", f.len);
	return 0;
}

/* grub-mkimage -O i386-pc into a directory of our own, read back. */
int g2i_make_core(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	const char *tmp = getenv("TMPDIR");
	char dir[4096], out[4200], msg[512];
	int rc;

	choose_modules(inst);
	set_prefix(inst);
	snprintf(dir, sizeof(dir), "%s/grubinst.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_IO, dir,
				  "cannot create a directory: %s", strerror(errno));
	snprintf(out, sizeof(out), "%s/core.img", dir);
	const char *argv[] = { "grub-mkimage", "-O", "i386-pc", "-d", g2->dir, "-o", out,
			       "-p", g2->prefix, g2->modules[0], g2->modules[1],
			       g2->modules[2], NULL };
	rc = gi_run(argv, msg, sizeof(msg));
	if (rc == 0)
		rc = read_core(inst, out) ? -2 : 0;
	else if (rc < 0)
		gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_STAGE, "grub-mkimage",
			   "cannot be run: %s (it is in Debian's grub-common)",
			   strerror(errno));
	else {
		msg[strcspn(msg, "\n")] = '\0';
		gi_printable(msg);
		gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_STAGE, "grub-mkimage",
			   "failed with status %d for %s: %s", rc, g2->dir, msg);
	}
	unlink(out);
	rmdir(dir);
	return rc ? inst->err->code : 0;
}

/* ---- where it goes ---- */

/* The first sector a partition or an extended boot record takes: GRUB's
 * embedding area ends there (partmap/msdos.c pc_partition_map_embed). */
static uint64_t first_used_sector(const struct ptable *pt)
{
	uint64_t end = UINT64_MAX;

	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].size && pt->part[i].start < end)
			end = pt->part[i].start;
	return end;
}

/* Sectors 1..n may be written over when they hold nothing, GRUB 2's
 * core.img or GRUB Legacy's stage1.5 (a loader replaced).  */
static int check_gap_contents(struct install *inst, unsigned n)
{
	uint8_t *gap = malloc((size_t)n * SECTOR_SIZE);
	enum gap_kind kind;

	if (!gap)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (image_read(&inst->img, 1, gap, n, inst->err)) {
		free(gap);
		return inst->err->code;
	}
	kind = gap_classify(gap, n);
	free(gap);
	if (kind == GAP_ZEROS || kind == GAP_GRUB2 || kind == GAP_GRUB_LEGACY)
		return 0;
	return target_refuse_code(inst, "grub2-embed-used", NULL,
			 "sectors 1..%u after the MBR hold %s: core.img (%u "
			 "sectors) would overwrite it", n, gap_kind_name(kind),
			 n);
}

static int place_after_mbr(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	uint64_t end = first_used_sector(&inst->pt);
	unsigned n = g2->core_sectors;

	if (end - 1 < n)
		return target_refuse_code(inst, "grub2-embed-room", NULL,
			 "core.img (%u sectors: %s %s %s) does not fit after the "
			 "MBR: the first partition starts at sector %llu, which "
			 "leaves %llu sectors; GRUB 2 needs a first partition at "
			 "sector %u or later (2048 as fdisk makes it)", n,
			 g2->modules[0], g2->modules[1], g2->modules[2],
			 (unsigned long long)end, (unsigned long long)(end - 1), n + 1);
	if (end > image_sectors(&inst->img) && n + 1 > image_sectors(&inst->img))
		return target_refuse_code(inst, "grub2-embed-room", NULL,
			 "the image is too small for core.img (%u sectors)", n);
	g2->core_at = 1;
	return check_gap_contents(inst, n);
}

/* The sfdisk command that adds a BIOS boot partition in the free sectors
 * before the first partition, when core.img fits there.  */
static const char *bios_boot_fix(struct install *inst, char *buf, size_t size)
{
	uint64_t end = first_used_sector(&inst->pt), first = inst->pt.first_lba;

	if (end == UINT64_MAX || end < first || end - first < inst->g2->core_sectors)
		return NULL;
	snprintf(buf, size, "echo 'start=%llu, size=%llu, type=%s' | sfdisk --append IMAGE",
		 (unsigned long long)first, (unsigned long long)(end - first), GPT_BIOS_BOOT);
	return buf;
}

static int place_in_bios_boot(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	const struct partition *b = NULL;
	char fix[200];

	for (int i = 0; i < inst->pt.count && !b; i++)
		if (!strcasecmp(inst->pt.part[i].guid_type, GPT_BIOS_BOOT))
			b = &inst->pt.part[i];
	if (!b)
		return target_refuse_code(inst, "grub2-bios-boot-missing",
			 bios_boot_fix(inst, fix, sizeof(fix)),
			 "a GPT disk without a BIOS boot partition (type %s): "
			 "GRUB 2 has nowhere to put core.img (%u sectors)",
			 GPT_BIOS_BOOT, g2->core_sectors);
	if (b->size < g2->core_sectors)
		return target_refuse_code(inst, "grub2-bios-boot-small", NULL,
			 "the BIOS boot partition %d has %llu sectors, core.img "
			 "needs %u", b->number, (unsigned long long)b->size,
			 g2->core_sectors);
	if (b->start + g2->core_sectors > image_sectors(&inst->img))
		return target_refuse_code(inst, "grub2-bios-boot-small", NULL,
			 "the BIOS boot partition %d runs past the end of the image",
			 b->number);
	g2->bios_boot = b;
	g2->core_at = b->start;
	return 0;
}

/* A filesystem's signature on the whole disk beside the partition
 * table: setup will not embed on a disk with two labels, and blkid may
 * take the disk for that filesystem.  wipefs removes that signature
 * alone; one in the sectors core.img takes (an ext4 made on the whole
 * disk before it was partitioned) goes with the rest of that stale
 * filesystem there, which core.img would overwrite anyway.  */
static int check_disk_signature(struct install *inst)
{
	unsigned n = inst->g2->core_sectors;
	char type[64], fix[120];
	uint64_t at;

	if (!fs_probe_magic(&inst->img, type, sizeof(type), &at))
		return 0;
	if (!inst->pt.gpt && at >= SECTOR_SIZE && at < (uint64_t)(n + 1) * SECTOR_SIZE)
		snprintf(fix, sizeof(fix), "dd if=/dev/zero of=IMAGE bs=512 seek=1 "
			 "count=%u conv=notrunc status=none", n);
	else
		snprintf(fix, sizeof(fix), "wipefs --offset 0x%llx IMAGE",
			 (unsigned long long)at);
	return target_refuse_code(inst, "grub2-disk-fs", fix,
			 "the whole disk holds a%s %s signature (byte 0x%llx) besides "
			 "its partition table: GRUB 2's setup refuses a disk with "
			 "two labels, and blkid may take the disk for that filesystem",
			 strchr("aeiou", type[0]) ? "n" : "", type, (unsigned long long)at);
}

/* Where core.img goes, its block list set for there, and boot.img. */
int g2i_place_core(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	size_t size;

	if (inst->opts->target == GRUBINST_TARGET_PARTITION)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, "--target",
				  "partition: GRUB 2's boot.img goes to the MBR "
				  "(a partition's boot sector would need core.img "
				  "by a block list into a file)");
	if (check_disk_signature(inst) ||
	    (inst->pt.gpt ? place_in_bios_boot(inst) : place_after_mbr(inst)))
		return inst->err->code;
	size = (size_t)g2->core_sectors * SECTOR_SIZE;
	g2->embedded = calloc(1, size);
	if (!g2->embedded)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	memcpy(g2->embedded, g2->core, g2->core_len);
	grub2_diskboot_set_list(g2->embedded, g2->core_at, (uint16_t)g2->core_sectors);
	return 0;
}

/* core.img, then boot.img in sector 0 last. */
int g2i_write_core(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	const struct g2_file *boot = NULL;
	uint8_t sector0[SECTOR_SIZE];

	for (size_t i = 0; i < g2->nfiles && !boot; i++)
		if (!strcmp(g2->files[i].name, "boot.img"))
			boot = &g2->files[i];
	if (!boot)
		return gi_fail(inst->err, GRUBINST_EIO, "no boot.img");	/* load_build */
	grub2_boot_build(sector0, boot->data, inst->mbr, g2->core_at);
	memcpy(g2->boot_img, sector0, SECTOR_SIZE);
	if (journal_add(&inst->journal, g2->core_at, g2->embedded, g2->core_sectors,
			JOURNAL_EMBED, inst->err))
		return inst->err->code;
	return journal_add(&inst->journal, 0, sector0, 1, JOURNAL_BOOT, inst->err);
}
