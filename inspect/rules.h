/*
 * What GRUB 0.97 can boot from: the rules that the installer (which
 * refuses) and the inspector (which reports) share, one home per rule.
 * A rule looks at a partition and its filesystem and gives a verdict: the
 * finding --verify reports and, when it stops an install, the same words
 * and the same fix in the installer's refusal.
 */
#ifndef GRUBINST_INSPECT_RULES_H
#define GRUBINST_INSPECT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "disk/disk.h"
#include "inspect/codes.h"

struct verdict {
	enum grubinst_severity severity;
	enum finding_code code;	/* its finding (codes.h) */
	int grub_error;		/* 0, or what GRUB prints */
	bool refuse;		/* an install stops here (a FAIL does; so do
				   some warnings: a filesystem to repair) */
	uint64_t sector;	/* the sector concerned; UINT64_MAX for none */
	char message[1024];
	char fix[640];		/* "" for none; IMAGE stands for the image */
	bool fix_installs;	/* FIX runs an install (struct note) */
};

/* What a rule looks at. */
struct rule_target {
	const struct partition *part;
	const struct fs *fs;	/* NULL: no ext2/3/4 filesystem there */
	uint64_t sectors;	/* of the partition the image holds (less than
				   part->size when the image ends inside it) */
	bool grub_reads;	/* GRUB must read this partition (stage2, the
				   menu, a kernel): its problems are failures */
	bool installs;		/* an install writes into it: the verdicts that
				   stop an install say so (verdict.refuse) */
	uint64_t reach;		/* grub_disk_reach() of its disk */
	const char *grub_dir;	/* where GRUB's files are or go: NULL for
				   GRUB_LEGACY_DIR */
	const struct journal *since;	/* the install's own check of its
					   target: the rules held before
					   these writes (target.c), so what
					   they cannot change is not judged
					   again */
};

/* The fix of a filesystem to check, repair or replay the journal of: e2fsck
 * on a copy of partition P (SECTORS of it), written back.  */
void rule_fsck_fix(const struct partition *p, uint64_t sectors, char *buf,
		   size_t size);

/* Each returns true and fills V when the rule finds a problem. */

/* fs-size: the filesystem is larger than its partition (the tutorial's
 * "Error 24"), or the image ends inside it.  */
bool rule_fs_fits(const struct rule_target *t, struct verdict *v);
/* The fix of a filesystem larger than its partition: shrink it with
 * resize2fs, which keeps the files (mke2fs would not).  */
void rule_shrink_fix(const struct rule_target *t, char *buf, size_t size);
/* How far GRUB 0.97 reads on a disk of DISK_SECTORS sectors: the first
 * sector it cannot read.  Its disk reads take the sector as a signed
 * 32-bit number (int in devread(), rawread() and biosdisk(), stage2/
 * disk_io.c and bios.c), so nothing at or past 2^31 (1 TiB); and
 * rawread() refuses any sector past the disk's size as get_diskinfo()
 * keeps it: the BIOS's 64-bit count cut to 32 bits, or when that is 0
 * (a disk of a multiple of 2 TiB), the capacity of the C/H/S geometry,
 * at most 1024 x 255 x 63 sectors.  A disk of 2.5 TiB is then read up to
 * 0.5 TiB, one of 4 TiB up to 8 GB.  */
#define GRUB_SECTOR_LIMIT ((uint64_t)1 << 31)
#define GRUB_CHS_SECTORS ((uint64_t)1024 * 255 * 63)
uint64_t grub_disk_reach(uint64_t disk_sectors);
const char *grub_reach_why(uint64_t reach);
/* grub-sector-limit: the partition starts past what GRUB 0.97 reads on
 * this disk (T->reach), so it cannot even read its superblock.  */
bool rule_grub_reach(const struct rule_target *t, struct verdict *v);
/* part-type: GRUB mounts ext2 only on types 0x83 and 0xfd. */
bool rule_part_type(const struct rule_target *t, struct verdict *v);
/* feature-unreadable: the next filesystem feature GRUB cannot read,
 * searching from *POS (start at 0).  */
bool rule_fs_feature(const struct rule_target *t, size_t *pos,
		     struct verdict *v);
/* fs-state: errors recorded, or not cleanly unmounted: it boots, but an
 * install refuses to allocate in it.  */
bool rule_fs_state(const struct rule_target *t, struct verdict *v);
/* fs-damaged: file PATH's block map is damaged, WHAT says how ("block N
 * lies past the end of the filesystem...", "its block map cannot be
 * followed (...)"), at block FIRST (UINT64_MAX: none).  GRUB's reads of
 * it are grub-outside-partition; for the rest the system boots (the
 * kernel reads a file's blocks only when it is read), but an install
 * refuses to write into the damaged filesystem until e2fsck has repaired
 * it.  One verdict for --verify and install.  */
bool rule_file_damaged(const struct rule_target *t, const char *path,
		       const char *what, uint64_t first, struct verdict *v);
/* fs-mmp: the multiple mount protection block (-O mmp) says a node uses
 * the filesystem, e2fsck checks it, or it is damaged: it boots (GRUB does
 * not look, Linux waits for the node to stop stamping it), but an install
 * refuses to write.  */
bool rule_fs_mmp(const struct rule_target *t, struct verdict *v);
/* fs-checksum: the superblock's or a group descriptor's checksum is wrong
 * (metadata_csum, gdt_csum): Linux refuses the filesystem, and an install
 * would write a valid checksum over the damage.  */
bool rule_fs_checksum(const struct rule_target *t, struct verdict *v);
/* fs-damaged: group descriptors that contradict each other. */
bool rule_fs_descriptors(const struct rule_target *t, struct verdict *v);
/* fs-damaged: the directory an install adds its files to (/boot/grub, or
 * /boot or / when it is missing), or the way to it, that libext2fs cannot
 * follow.  */
bool rule_fs_directories(const struct rule_target *t, struct verdict *v);
/* fs-bigalloc: clusters grubinst cannot allocate in (an install refuses). */
bool rule_fs_allocatable(const struct rule_target *t, struct verdict *v);
/* part-no-fs: no ext2/3/4 filesystem where one should be (WHY says what
 * is there instead, from disk/fs.c's error).  */
bool rule_part_no_fs(const struct rule_target *t, const char *why,
		     struct verdict *v);
/* part-mounted: the kernel has the filesystem mounted (from this device,
 * a partition of it or a loop device over the image file).  */
bool rule_mounted(const struct rule_target *t, const struct mount_use *m,
		  struct verdict *v);

/* The partition an install goes to when none is named: the active one,
 * else the first Linux one (MBR type 0x83, or the GPT type of
 * a Linux filesystem); NULL when there is neither.  */
const struct partition *rule_boot_partition(const struct ptable *pt);

/* install-interrupted: an install was killed half way and its undo record
 * is there to roll it back; undo-invalid: something at the record's name
 * that grubinst will not roll back (disk/undo.c says why).  */
bool rule_undo_record(const struct undo_state *u, struct verdict *v);

/* Does GRUB 0.97's ext2 reader mount a partition of this MBR type? */
bool grub_mounts_type(unsigned type);
/* The finding code of a partition table that cannot be used (GPT, none):
 * what disk/ptable.c's cause means to GRUB.  */
enum finding_code rule_ptable_code(enum gi_cause cause);
/* The finding code of a refusal's cause when it came from below the
 * rules (a damaged inode, no room), or NULL.  */
const char *rule_cause_code(enum gi_cause cause);

#endif
