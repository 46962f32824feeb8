/*
 * The rules the installer and the inspector share (rules.h).  What GRUB
 * 0.97's ext2 reader (Debian's, with its ext4 patches) cannot follow was
 * established by booting images in QEMU (tests/boot.test,
 * tests/verify_boot.test): default ext2, ext3 and ext4 (extents, flex_bg,
 * 64bit, metadata_csum, 256-byte inodes) boot; the features below do not,
 * or make a reader see stale data.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <et/com_err.h>

#include "inspect/rules.h"
#include "stages/layout.h"

#define GERR_FSYS_MOUNT 17

static bool verdict(struct verdict *v, enum grubinst_severity sev,
		    enum finding_code code, int grub_error, bool refuse,
		    uint64_t sector, const char *fmt, ...) GI_PRINTF(7, 8);

static bool verdict(struct verdict *v, enum grubinst_severity sev,
		    enum finding_code code, int grub_error, bool refuse,
		    uint64_t sector, const char *fmt, ...)
{
	va_list ap;

	v->severity = sev;
	v->code = code;
	v->grub_error = grub_error;
	v->refuse = refuse;
	v->sector = sector;
	va_start(ap, fmt);
	vsnprintf(v->message, sizeof(v->message), fmt, ap);
	va_end(ap);
	v->fix[0] = '\0';
	v->fix_installs = false;
	return true;
}

static void fix(struct verdict *v, const char *fmt, ...) GI_PRINTF(2, 3);

static void fix(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v->fix, sizeof(v->fix), fmt, ap);
	va_end(ap);
}

/* ---- the filesystem against its partition ---- */

/* Shrinking the filesystem to its partition moves the blocks past the end
 * inside; resize2fs keeps the data (mke2fs would not).  Not resize2fs
 * 'IMAGE?offset=N' in place: on a regular file it truncates the file to
 * the new filesystem size without the offset, cutting off the end of the
 * partition (and everything after it).  */
void rule_shrink_fix(const struct rule_target *t, char *buf, size_t size)
{
	const struct partition *p = t->part;
	unsigned spb = fs_block_size(t->fs) / SECTOR_SIZE;
	unsigned long long fs_sectors = fs_blocks(t->fs) * spb;

	snprintf(buf, size,
		 "t=$(mktemp) && "
		 "dd if=IMAGE of=\"$t\" bs=512 skip=%llu count=%llu status=none && "
		 "{ e2fsck -fp \"$t\" || [ $? -eq 1 ]; } && resize2fs \"$t\" %llu && "
		 "dd if=\"$t\" of=IMAGE bs=512 seek=%llu conv=notrunc status=none && "
		 "rm \"$t\"",
		 (unsigned long long)p->start, fs_sectors,
		 (unsigned long long)(t->sectors / spb),
		 (unsigned long long)p->start);
}

void rule_fsck_fix(const struct partition *p, uint64_t sectors, char *buf,
		   size_t size)
{
	gi_fsck_fix(buf, size, p->start, sectors);
}

bool rule_fs_fits(const struct rule_target *t, struct verdict *v)
{
	const struct partition *p = t->part;
	unsigned bs = fs_block_size(t->fs);
	uint64_t blocks = fs_blocks(t->fs);
	uint64_t limit = t->sectors / (bs / SECTOR_SIZE);

	if (blocks <= limit)
		return false;
	if (t->sectors < p->size) {
		verdict(v, GRUBINST_SEV_FAIL, FC_FS_SIZE, 0, t->installs, p->start + t->sectors,
			"partition %d: the image ends at sector %llu, inside the "
			"filesystem (blocks %llu..%llu are missing): Linux "
			"truncates the partition (\"p%d size %llu extends beyond "
			"EOD, truncated\") and refuses to mount the filesystem "
			"(\"EXT4-fs (sda%d): bad geometry: block count %llu exceeds "
			"size of device (%llu blocks)\"); GRUB reads fail with "
			"\"Error 25: Disk read error\" or garbage",
			p->number, (unsigned long long)(p->start + t->sectors),
			(unsigned long long)limit, (unsigned long long)(blocks - 1),
			p->number, (unsigned long long)p->size, p->number,
			(unsigned long long)blocks, (unsigned long long)limit);
		fix(v, "truncate -s %llu IMAGE",
		    (unsigned long long)((p->start + p->size) * SECTOR_SIZE));
		return true;
	}
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_FS_SIZE, 0, t->installs, p->start + p->size,
		"partition %d: the filesystem has %llu blocks of %u bytes but "
		"the partition holds only %llu: blocks %llu..%llu (sectors "
		"%llu..%llu) lie outside it (mke2fs was given the size of the "
		"rest of the disk); Linux refuses to mount it (\"EXT4-fs "
		"(sda%d): bad geometry: block count %llu exceeds size of device "
		"(%llu blocks)\") and files placed there fail with GRUB Error 24",
		p->number, (unsigned long long)blocks, bs,
		(unsigned long long)limit, (unsigned long long)limit,
		(unsigned long long)(blocks - 1),
		(unsigned long long)fs_block_sector(t->fs, limit),
		(unsigned long long)(fs_block_sector(t->fs, blocks) - 1),
		p->number, (unsigned long long)blocks, (unsigned long long)limit);
	rule_shrink_fix(t, v->fix, sizeof(v->fix));
	return true;
}

/* ---- the partition type ---- */

/* ext2fs_mount() in stage2/fsys_ext2fs.c refuses any other partition type
 * ("Error 17: Cannot mount selected partition").  */
bool grub_mounts_type(unsigned type)
{
	return type == PART_TYPE_LINUX || type == PART_TYPE_LINUX_RAID;
}

bool rule_part_type(const struct rule_target *t, struct verdict *v)
{
	const struct partition *p = t->part;

	if (!t->fs || grub_mounts_type(p->type))
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_PART_TYPE, GERR_FSYS_MOUNT, t->installs, p->start,
		"partition %d holds an ext2/3/4 filesystem but has type 0x%02x: "
		"GRUB 0.97 mounts ext2 only on type 0x83 (or 0xfd) and %s "
		"\"Error 17: Cannot mount selected partition\"", p->number,
		p->type, t->grub_reads ? "stops with" : "would say, if it read it,");
	fix(v, "sfdisk --part-type IMAGE %d 83", p->number);
	return true;
}

/* ---- how far GRUB reaches ---- */

uint64_t grub_disk_reach(uint64_t disk_sectors)
{
	uint64_t total = disk_sectors & UINT32_MAX;

	if (!total)
		total = GRUB_CHS_SECTORS;
	return total < GRUB_SECTOR_LIMIT ? total : GRUB_SECTOR_LIMIT;
}

/* Why GRUB cannot read sector REACH and on, in words. */
const char *grub_reach_why(uint64_t reach)
{
	return reach == GRUB_SECTOR_LIMIT
		       ? "GRUB 0.97 counts disk sectors in signed 32-bit numbers"
		       : "GRUB 0.97 keeps the disk's size in 32 bits (this disk's, "
			 "cut so, leaves it this much)";
}

/* The superblock GRUB's ext2fs_mount() reads first: sectors 2 and 3 of
 * the partition.  Booted: a partition past sector 2^31 gives the
 * stage1.5's "Error 17" and stage2's "root" an "Error 18"; one ending
 * just below it boots (on a 3 TiB disk).  */
bool rule_grub_reach(const struct rule_target *t, struct verdict *v)
{
	const struct partition *p = t->part;

	if (!t->fs || !t->reach || p->start + 3 < t->reach)
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_GRUB_SECTOR_LIMIT, 0, t->installs, p->start,
		"partition %d starts at sector %llu, past sector %llu, the last "
		"one GRUB reads on this disk: %s and cannot mount it (\"Error 17\" "
		"or \"Error 18: Selected cylinder exceeds maximum supported by "
		"BIOS\"); GRUB's files and the kernels it loads must lie in the "
		"first %llu sectors of the disk (a /boot partition there)%s",
		p->number, (unsigned long long)p->start,
		(unsigned long long)(t->reach - 1), grub_reach_why(t->reach),
		(unsigned long long)t->reach,
		t->grub_reads || t->installs ? ""
					     : "; GRUB does not need this partition");
	return true;
}

/* ---- filesystem features ---- */

static const struct {
	uint32_t mask;		/* in s_feature_incompat */
	const char *name;	/* as mke2fs -O names it */
	const char *why;
	const char *fix;
} unreadable_incompat[] = {
	{ EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery",
	  "needs journal recovery (it was not unmounted): GRUB ignores the "
	  "journal and reads the blocks as they were before its last "
	  "transactions, and grubinst will not write into it",
	  NULL },
	{ EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev",
	  "is an external journal, not a filesystem (the fix makes a "
	  "filesystem there, erasing the journal)",
	  "mke2fs -F -t ext4 -b 4096 -E offset=%llu IMAGE %llu" },
	{ EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression",
	  "uses compression (the fix makes the filesystem again, which "
	  "erases it: copy the files back with mke2fs -d)",
	  "mke2fs -F -t ext4 -b 4096 -E offset=%llu IMAGE %llu" },
	{ EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data",
	  "has inline_data: GRUB cannot read small files and directories kept "
	  "inside their inodes (the fix makes the filesystem again, which "
	  "erases it: copy the files back with mke2fs -d)",
	  "mke2fs -F -t ext4 -b 4096 -O ^inline_data -E offset=%llu IMAGE %llu" },
};

bool rule_fs_feature(const struct rule_target *t, size_t *pos,
		     struct verdict *v)
{
	const struct ext2_super_block *sb = t->fs->e2->super;
	size_t n = sizeof(unreadable_incompat) / sizeof(unreadable_incompat[0]);

	for (; *pos < n; (*pos)++) {
		uint32_t mask = unreadable_incompat[*pos].mask;
		/* GRUB fails only at a file or directory kept inline, or
		 * at a block the journal holds a newer copy of: those it
		 * reads are judged one by one (feature-inline-data,
		 * fs-journal-stale).  The installer refuses either way.  */
		bool per_file = mask == EXT4_FEATURE_INCOMPAT_INLINE_DATA ||
				(mask == EXT3_FEATURE_INCOMPAT_RECOVER &&
				 (sb->s_feature_compat & EXT3_FEATURE_COMPAT_HAS_JOURNAL));

		if (!(sb->s_feature_incompat & mask))
			continue;
		verdict(v, t->grub_reads && !per_file ? GRUBINST_SEV_FAIL
						       : GRUBINST_SEV_WARN,
			FC_FEATURE_UNREADABLE, 0, t->installs, t->part->start,
			"partition %d: the filesystem %s (feature %s)%s",
			t->part->number, unreadable_incompat[*pos].why,
			unreadable_incompat[*pos].name,
			!t->grub_reads && !t->installs
				? "; GRUB does not need this partition" : "");
		if (unreadable_incompat[*pos].fix)
			fix(v, unreadable_incompat[*pos].fix,
			    (unsigned long long)(t->part->start * SECTOR_SIZE),
			    (unsigned long long)(t->sectors / 8));
		else
			rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
		(*pos)++;
		return true;
	}
	return false;
}

/* The state the kernel records: a filesystem it found errors in, or did
 * not unmount.  GRUB reads it regardless; an install refuses it, since
 * its bitmaps may not match its files.  */
bool rule_fs_state(const struct rule_target *t, struct verdict *v)
{
	const struct ext2_super_block *sb = t->fs->e2->super;
	const char *state, *kernel_says;

	/* A journal to replay is the needs_recovery feature above. */
	if (sb->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER)
		return false;
	if (sb->s_state & EXT2_ERROR_FS) {
		state = "has errors recorded";
		kernel_says = "mounting fs with errors";
	} else if (!(sb->s_state & EXT2_VALID_FS)) {
		state = "was not cleanly unmounted";
		kernel_says = "mounting unchecked fs";
	} else {
		return false;
	}
	verdict(v, GRUBINST_SEV_WARN, FC_FS_STATE, 0, t->installs, t->part->start,
		"partition %d: the filesystem %s: GRUB reads it all the same and "
		"Linux mounts it with \"warning: %s, running e2fsck is "
		"recommended\", but grubinst will not install into it until "
		"e2fsck has checked it", t->part->number, state, kernel_says);
	rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
	return true;
}

bool rule_file_damaged(const struct rule_target *t, const char *path,
		       const char *what, uint64_t first, struct verdict *v)
{
	verdict(v, GRUBINST_SEV_WARN, FC_FS_DAMAGED, 0, t->installs,
		first == UINT64_MAX ? t->part->start : fs_block_sector(t->fs, first),
		"%s: %s: its inode is damaged; the system boots all the same "
		"(a boot shows it: the kernel reads a file's blocks only when "
		"the file is read, and fails that read), but grubinst will not "
		"write into the filesystem until e2fsck has repaired it",
		path, what);
	rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
	return true;
}

/* The fix of an MMP block left in use by a node that stopped (or one
 * damaged): on a copy of the partition, tune2fs clears it and e2fsck
 * checks the filesystem, as e2fsck itself advises.  Only for a
 * filesystem no node uses: the message says so.  */
static void mmp_fix(const struct rule_target *t, char *buf, size_t size)
{
	snprintf(buf, size,
		 "t=$(mktemp) && "
		 "dd if=IMAGE of=\"$t\" bs=512 skip=%llu count=%llu status=none && "
		 "tune2fs -f -E clear_mmp \"$t\" && "
		 "{ e2fsck -fy \"$t\" || [ $? -eq 1 ]; } && "
		 "dd if=\"$t\" of=IMAGE bs=512 seek=%llu conv=notrunc status=none && "
		 "rm \"$t\"", (unsigned long long)t->part->start,
		 (unsigned long long)t->sectors,
		 (unsigned long long)t->part->start);
}

bool rule_fs_mmp(const struct rule_target *t, struct verdict *v)
{
	struct fs_mmp m;
	errcode_t rc = fs_mmp_read(t->fs, &m);
	char what[256];

	if (!rc && fs_mmp_clean(&m))
		return false;
	if (rc || !m.magic_ok || !m.csum_ok)
		snprintf(what, sizeof(what), "is damaged (%s)",
			 rc ? error_message(rc) : !m.magic_ok ? "no MMP magic number"
							    : "wrong checksum");
	else if (m.seq == EXT4_MMP_SEQ_FSCK)
		snprintf(what, sizeof(what), "says e2fsck is checking the "
			 "filesystem (node \"%s\")", m.node);
	else
		snprintf(what, sizeof(what), "says a node uses the filesystem "
			 "(sequence 0x%x, node \"%s\", device \"%s\")", m.seq,
			 m.node, m.bdev);
	verdict(v, GRUBINST_SEV_WARN, FC_FS_MMP, 0, t->installs, t->part->start,
		"partition %d: the filesystem's multiple mount protection block "
		"(block %llu) %s: GRUB does not read it and Linux mounts the "
		"filesystem once no node stamps the block any more, but grubinst "
		"will not write into a filesystem another node may be writing; "
		"if none is, clear the block", t->part->number,
		(unsigned long long)m.block, what);
	mmp_fix(t, v->fix, sizeof(v->fix));
	return true;
}

/* libext2fs opens a filesystem for reading past wrong checksums
 * (EXT2_FLAG_IGNORE_CSUM_ERRORS), so that --verify can say more; an
 * install must not: whatever it writes back gets a valid checksum, and a
 * superblock e2fsck would have replaced by a backup (it checks the
 * checksum first) becomes one it trusts.  Linux refuses such a
 * filesystem: a wrong superblock checksum at mount, a wrong group
 * descriptor checksum for a read-write mount.  */
bool rule_fs_checksum(const struct rule_target *t, struct verdict *v)
{
	ext2_filsys e2 = t->fs->e2;
	struct ext2_super_block *sb = e2->super;
	dgrp_t bad = 0, first = 0;

	if (!ext2fs_superblock_csum_verify(e2, sb)) {
		uint32_t want = ext2fs_crc32c_le(~0U, (unsigned char *)sb,
						 offsetof(struct ext2_super_block,
							  s_checksum));

		verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
			FC_FS_CHECKSUM, 0, true, t->part->start,
			"partition %d: the superblock's checksum is wrong (0x%08x, "
			"its contents give 0x%08x): the superblock is damaged; Linux "
			"refuses to mount the filesystem (\"VFS: Found ext4 filesystem "
			"with invalid superblock checksum\"), e2fsck takes a backup "
			"superblock instead, and grubinst will not write into it (it "
			"would write a valid checksum over the damage)",
			t->part->number, sb->s_checksum, want);
		rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
		return true;
	}
	if (!ext2fs_has_group_desc_csum(e2))
		return false;
	/* Every one, in the install's check too: libext2fs writes the
	 * whole table back.  */
	for (dgrp_t g = 0; g < e2->group_desc_count; g++)
		if (!ext2fs_group_desc_csum_verify(e2, g) && !bad++)
			first = g;
	if (!bad)
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_FS_CHECKSUM, 0, true, t->part->start,
		"partition %d: the checksum of group descriptor %u is wrong "
		"(0x%04x, its contents give 0x%04x)%s: Linux refuses to mount the "
		"filesystem read-write (\"ext4_check_descriptors: Checksum for "
		"group %u failed\"), and grubinst will not write into it (it "
		"would write a valid checksum over the damage)", t->part->number,
		first, ext2fs_bg_checksum(e2, first),
		ext2fs_group_desc_csum(e2, first),
		bad > 1 ? ", and of more groups" : "", first);
	rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
	return true;
}

/* Group descriptors that put a bitmap or an inode table on other metadata
 * or outside the filesystem: readers see garbage inodes, and an allocator
 * would hand out blocks in use.  */
bool rule_fs_descriptors(const struct rule_target *t, struct verdict *v)
{
	errcode_t rc;

	/* Where bitmaps and inode tables lie: an install moves none. */
	if (t->since)
		return false;
	rc = fs_check_descriptors(t->fs->e2);
	if (!rc)
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_FS_DAMAGED, 0, t->installs, t->part->start,
		"partition %d: the filesystem is damaged (%s): GRUB and Linux "
		"read inodes from the wrong blocks, and grubinst will not "
		"allocate in it", t->part->number, error_message(rc));
	rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
	return true;
}

/* A directory with a hole below its size or entries that do not parse:
 * lookups (GRUB's, the kernel's) may miss files in it, and adding one
 * there fails half way, or worse.  */
bool rule_fs_directories(const struct rule_target *t, struct verdict *v)
{
	char which[PATH_MAX];
	errcode_t rc = fs_check_boot_dirs(t->fs, t->grub_dir ? t->grub_dir
							      : GRUB_LEGACY_DIR,
					  which, sizeof(which));

	if (!rc)
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_FS_DAMAGED, 0, true, t->part->start,
		"partition %d: the filesystem is damaged (directory %s: %s): "
		"lookups in it may miss files, and grubinst will not write into "
		"it", t->part->number, which, error_message(rc));
	rule_fsck_fix(t->part, t->sectors, v->fix, sizeof(v->fix));
	return true;
}

/* Files placed block by block in a filesystem that allocates clusters get
 * wrong block counts and free counts (e2fsck -fn found both after an
 * install): grubinst places none there.  GRUB's reading it is untested.  */
bool rule_fs_allocatable(const struct rule_target *t, struct verdict *v)
{
	struct ext2_super_block *sb = t->fs->e2->super;

	if (!ext2fs_has_feature_bigalloc(sb))
		return false;
	verdict(v, GRUBINST_SEV_WARN, FC_FS_BIGALLOC, 0, t->installs, t->part->start,
		"partition %d: the filesystem allocates clusters of %d blocks "
		"(bigalloc): grubinst cannot place files in it; the fix makes "
		"the filesystem again, which erases it (copy the files back "
		"with mke2fs -d)",
		t->part->number, EXT2FS_CLUSTER_RATIO(t->fs->e2));
	fix(v, "mke2fs -F -t ext4 -b 4096 -O ^bigalloc -E offset=%llu IMAGE %llu",
	    (unsigned long long)(t->part->start * SECTOR_SIZE),
	    (unsigned long long)(t->sectors / 8));
	return true;
}

bool rule_part_no_fs(const struct rule_target *t, const char *why,
		     struct verdict *v)
{
	const struct partition *p = t->part;

	if (t->fs || (!t->grub_reads && p->type != PART_TYPE_LINUX))
		return false;
	verdict(v, t->grub_reads ? GRUBINST_SEV_FAIL : GRUBINST_SEV_WARN,
		FC_PART_NO_FS, GERR_FSYS_MOUNT, t->installs, p->start,
		"partition %d%s: %s", p->number,
		p->type == PART_TYPE_LINUX ? " (type Linux, 0x83)" : "", why);
	/* Making one is the fix only where GRUB or the install needs it:
	 * elsewhere the partition may be another system's, or overlap one.  */
	if (t->grub_reads || t->installs)
		fix(v, "mke2fs -F -t ext4 -b 4096 -E offset=%llu IMAGE %llu",
		    (unsigned long long)(p->start * SECTOR_SIZE),
		    (unsigned long long)(t->sectors / 8));
	return true;
}

/* ---- the kernel's use of the image ---- */

bool rule_mounted(const struct rule_target *t, const struct mount_use *m,
		  struct verdict *v)
{
	char quoted[sizeof(v->fix) - 8];

	(void)t;
	if (!m->mounted)
		return false;
	verdict(v, GRUBINST_SEV_WARN, FC_PART_MOUNTED, 0, t->installs, UINT64_MAX,
		"%s is mounted %s on %s: the kernel caches that filesystem and "
		"writes its own copy back, so what is on the disk now (and what "
		"an install writes) can change under it", m->device,
		m->read_only ? "read-only" : "read-write", m->mountpoint);
	/* A mount point is any path: quoted, or no fix at all. */
	if (gi_shell_quote(quoted, sizeof(quoted), m->mountpoint))
		fix(v, "umount %s", quoted);
	return true;
}

/* ---- an interrupted install ---- */

/* The fix of a record that is not to be trusted: remove it, then see what
 * the interrupted install left behind.  No fix when the quoted path does
 * not fit: a cut command must not run.  */
static void remove_record_fix(const struct undo_state *u, struct verdict *v)
{
	char quoted[sizeof(v->fix)];

	if (gi_shell_quote(quoted, sizeof(quoted), u->path))
		fix(v, "rm -- %s && grubinst --verify IMAGE", quoted);
	if (v->fix[0] && strlen(v->fix) + 1 >= sizeof(v->fix))
		v->fix[0] = '\0';
}

bool rule_undo_record(const struct undo_state *u, struct verdict *v)
{
	switch (u->status) {
	case UNDO_NONE:
	case UNDO_RESTORED:
		return false;
	case UNDO_PENDING:
		verdict(v, GRUBINST_SEV_FAIL, FC_INSTALL_INTERRUPTED, 0, true,
			UINT64_MAX, "an install of this image was interrupted: its "
			"undo record %s holds the old contents of the %llu sectors "
			"it was changing; until the next grubinst run puts them "
			"back, the filesystem and the boot code may be half "
			"written", u->path, (unsigned long long)u->sectors);
		fix(v, "grubinst IMAGE");
		v->fix_installs = true;
		return true;
	case UNDO_UNREADABLE:
		verdict(v, GRUBINST_SEV_FAIL, FC_INSTALL_INTERRUPTED, 0, true,
			UINT64_MAX, "an install of this image may have been "
			"interrupted: its undo record %s is there but cannot be "
			"read here (%s); the filesystem and the boot code may be "
			"half written until grubinst, run as the user who ran "
			"the install, puts the old contents back", u->path, u->why);
		fix(v, "grubinst IMAGE");
		v->fix_installs = true;
		return true;
	case UNDO_INVALID:
		verdict(v, GRUBINST_SEV_FAIL, FC_UNDO_INVALID, 0, true, UINT64_MAX,
			"the undo record %s %s; grubinst will not roll the image "
			"back from it, nor install while it is there",
			u->path, u->why);
		remove_record_fix(u, v);
		return true;
	}
	return false;
}

/* ---- partition tables ---- */

enum finding_code rule_ptable_code(enum gi_cause cause)
{
	return cause == GI_CAUSE_GPT ? FC_PTABLE_GPT : FC_PTABLE_NONE;
}

const char *rule_cause_code(enum gi_cause cause)
{
	switch (cause) {
	case GI_CAUSE_NO_LABEL:
	case GI_CAUSE_GPT:
	case GI_CAUSE_OTHER_LABEL:
	case GI_CAUSE_PTABLE:	/* --verify: ptable-none, as for no table */
		return finding_code_name(rule_ptable_code(cause));
	case GI_CAUSE_NO_FS:
		return finding_code_name(FC_PART_NO_FS);
	case GI_CAUSE_FS_DAMAGED:
		return finding_code_name(FC_FS_DAMAGED);
	case GI_CAUSE_NO_ROOM:
		return "no-room";
	case GI_CAUSE_PATH_TAKEN:
		return "path-taken";
	case GI_CAUSE_STAGE:
		return "stage-file";
	case GI_CAUSE_TRUNCATED:
		return finding_code_name(FC_DISK_TRUNCATED);
	case GI_CAUSE_MOUNTED:
		return finding_code_name(FC_PART_MOUNTED);
	case GI_CAUSE_UNDO:
		return finding_code_name(FC_UNDO_INVALID);
	case GI_CAUSE_OTHER:
	case GI_CAUSE_USAGE:
	case GI_CAUSE_BUSY:
	case GI_CAUSE_FS_FEATURE:
	case GI_CAUSE_READ_ONLY:
	case GI_CAUSE_TOO_LARGE:
		return gi_cause_name(cause);
	default:
		return NULL;
	}
}

const struct partition *rule_boot_partition(const struct ptable *pt)
{
	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].active && !pt->part[i].container)
			return &pt->part[i];
	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].type == PART_TYPE_LINUX ||
		    !strcasecmp(pt->part[i].guid_type, GPT_LINUX_DATA))
			return &pt->part[i];
	return NULL;
}
