/*
 * The bytes GRUB Legacy 0.97 and the BIOS read, as offsets and as structs
 * that mirror them (stage1/stage1.h, stage2/shared.h, stage2/asm.S,
 * stage2/start.S).  Each struct is checked against the size the format
 * gives it, so that a field added in the wrong place fails to compile.
 * The readers and writers of these bytes are stage1.c, stage2.c and
 * blocklist.c, each reader beside its writer.
 */
#ifndef GRUBINST_STAGES_LAYOUT_H
#define GRUBINST_STAGES_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/bytes.h"

/* ---- the boot sector: the MBR or a partition's boot record ---- */

#define BOOT_CODE_END 0x1b8		/* bytes 0..439: code (and stage1's BPB) */
#define MBR_DISK_ID 0x1b8		/* the disk identifier (PARTUUID=) */
#define MBR_TABLE 0x1be			/* four 16-byte partition entries */
#define MBR_SIGNATURE 0x1fe		/* 55 AA */
#define MBR_SIGNATURE_VALUE 0xaa55

/* What an install keeps of the old boot sector, byte for byte. */
struct mbr_tail {
	uint8_t disk_id[4];
	uint8_t reserved[2];
	uint8_t table[4][16];
	uint8_t signature[2];
};
_Static_assert(sizeof(struct mbr_tail) == 72, "bytes 440..511");
_Static_assert(MBR_DISK_ID + sizeof(struct mbr_tail) == SECTOR_SIZE,
	       "the tail ends the sector");
_Static_assert(MBR_DISK_ID + offsetof(struct mbr_tail, table) == MBR_TABLE,
	       "the table at byte 446");
_Static_assert(MBR_DISK_ID + offsetof(struct mbr_tail, signature) == MBR_SIGNATURE,
	       "the signature at byte 510");

/* Where GRUB Legacy's files are unless "setup --prefix" (grubinst
 * --boot-dir) puts them elsewhere: stage1, e2fs_stage1_5, stage2, the
 * menu (menu.lst, grub.conf) and the file "default".  */
#define GRUB_LEGACY_DIR "/boot/grub"

/* Partition types that matter to GRUB 0.97: ext2fs_mount() accepts only
 * these two on a hard disk.  */
#define PART_TYPE_LINUX 0x83
#define PART_TYPE_LINUX_RAID 0xfd

/* ---- stage1 (stage1/stage1.h) ---- */

#define STAGE1_BPB_OFFSET 0x03		/* DOS BPB, kept from the old sector */
#define STAGE1_BPB_LENGTH 0x3b
#define STAGE1_VER_OFFSET 0x3e		/* COMPAT_VERSION: 3, 2 */
#define STAGE1_BOOT_DRIVE 0x40
#define STAGE1_FORCE_LBA 0x41
#define STAGE1_STAGE2_ADDRESS 0x42
#define STAGE1_STAGE2_SECTOR 0x44
#define STAGE1_STAGE2_SEGMENT 0x48
#define STAGE1_BOOT_DRIVE_CHECK 0x4b	/* a jmp; nop'ed for hard disks */

/* stage1's parameter block, from the version to the drive check. */
struct stage1_vars {
	uint8_t version[2];
	uint8_t boot_drive;
	uint8_t force_lba;
	uint8_t stage2_address[2];
	uint8_t stage2_sector[4];
	uint8_t stage2_segment[2];
	uint8_t cli;			/* the first instruction after them */
	uint8_t boot_drive_check[2];
};
_Static_assert(STAGE1_VER_OFFSET + offsetof(struct stage1_vars, boot_drive) ==
	       STAGE1_BOOT_DRIVE, "stage1.h: STAGE1_BOOT_DRIVE");
_Static_assert(STAGE1_VER_OFFSET + offsetof(struct stage1_vars, stage2_sector) ==
	       STAGE1_STAGE2_SECTOR, "stage1.h: STAGE1_STAGE2_SECTOR");
_Static_assert(STAGE1_VER_OFFSET + offsetof(struct stage1_vars, stage2_segment) ==
	       STAGE1_STAGE2_SEGMENT, "stage1.h: STAGE1_STAGE2_SEGMENT");
_Static_assert(STAGE1_VER_OFFSET + offsetof(struct stage1_vars, boot_drive_check) ==
	       STAGE1_BOOT_DRIVE_CHECK, "stage1.h: STAGE1_BOOT_DRIVE_CHECK");
_Static_assert(STAGE1_BPB_OFFSET + STAGE1_BPB_LENGTH == STAGE1_VER_OFFSET,
	       "the BPB ends where the version starts");

/* ---- stage2 and stage1.5: the second sector's variables (asm.S) ---- */

#define STAGE2_VER_OFFSET 0x06
#define STAGE2_INSTALLPART 0x08
#define STAGE2_SAVED_ENTRYNO 0x0c
#define STAGE2_ID_OFFSET 0x10
#define STAGE2_FORCE_LBA 0x11
#define STAGE2_VER_STR_OFFSET 0x12
#define STAGE2_CONFIG_END 0x70		/* asm.S: ". = main + 0x70" */

struct stage2_vars {
	uint8_t jump[6];		/* ljmp over the variables */
	uint8_t version[2];		/* COMPAT_VERSION */
	uint8_t install_partition[4];
	uint8_t saved_entryno[4];
	uint8_t stage2_id;
	uint8_t force_lba;
	/* then the version string, NUL, and the config file (stage2) or
	 * the device word and stage2's path (stage1.5), up to 0x70 */
};
_Static_assert(offsetof(struct stage2_vars, version) == STAGE2_VER_OFFSET, "asm.S");
_Static_assert(offsetof(struct stage2_vars, install_partition) == STAGE2_INSTALLPART, "asm.S");
_Static_assert(offsetof(struct stage2_vars, saved_entryno) == STAGE2_SAVED_ENTRYNO, "asm.S");
_Static_assert(offsetof(struct stage2_vars, stage2_id) == STAGE2_ID_OFFSET, "asm.S");
_Static_assert(offsetof(struct stage2_vars, force_lba) == STAGE2_FORCE_LBA, "asm.S");
_Static_assert(sizeof(struct stage2_vars) == STAGE2_VER_STR_OFFSET, "asm.S");

#define STAGE2_ID_STAGE2 0
#define STAGE2_ID_E2FS 2

#define COMPAT_VERSION_MAJOR 3
#define COMPAT_VERSION_MINOR 2

/* Where stage1 loads the next stage, and the matching block-list segment. */
#define STAGE2_LOAD_ADDRESS 0x8000
#define STAGE1_5_LOAD_ADDRESS 0x2000

#define GRUB_WHOLE_DISK 0xffffff	/* install_partition of a drive */
#define GRUB_SAME_DRIVE 0xffu		/* drive byte: "the one I booted from" */

/* ---- the block list in the first sector of stage2 / stage1.5 ---- */

/* start.S: entries from the end of the sector downwards, each the first
 * sector, the count and the segment to load them to; a zero count ends
 * the list.  */
struct blocklist_entry {
	uint8_t start[4];
	uint8_t count[2];
	uint8_t segment[2];
};
_Static_assert(sizeof(struct blocklist_entry) == 8, "start.S: BOOTSEC_LISTSIZE");

/* The list may not grow into the loader's code at the start of the
 * sector: no entry below this byte.  */
#define BLOCKLIST_LOWEST 0x100
/* A count is 16 bits; GRUB's install never lets one reach 0xa00. */
#define BLOCKLIST_MAX_COUNT 0x9ff
/* The loader copies into real-mode memory, which ends at 640 KiB. */
#define CONVENTIONAL_END 0xa0000u

#endif
