/*
 * GRUB Legacy 0.97 stage files: the only place that knows their layout
 * (stage1/stage1.h, stage2/shared.h, stage2/asm.S, stage2/start.S).
 *
 * stage1      one boot sector; `install` fills in where to load from.
 * stage1.5    and stage2: sector 0 is a loader whose block list (at the end
 *             of that sector, growing down) says where the rest of the file
 *             is; sector 1 starts with the variables `install` patches.
 */
#ifndef GRUBINST_STAGE_H
#define GRUBINST_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/internal.h"
#include "stages/layout.h"

/* What a stage file is, once validated. */
struct stage_info {
	int id;			/* STAGE2_ID_* */
	char version[16];	/* "0.97" */
	size_t config_offset;	/* in the file: menu path, or stage1.5's
				   device word + stage2 path */
};

/* ---- stage1.c: the boot sector ---- */

/* What `install` sets in stage1: where the next stage is and how to read
 * it.  stage1_build() writes it, stage1_parse() reads it back.  */
struct stage1_params {
	uint64_t load_sector;	/* absolute LBA of the next stage's sector 0 */
	uint16_t load_address;	/* STAGE2_ or STAGE1_5_LOAD_ADDRESS */
	bool force_lba;
};

/* All of stage1's variables as found in a boot sector. */
struct stage1_fields {
	struct stage1_params p;
	uint8_t drive;		/* GRUB_SAME_DRIVE, or a fixed BIOS drive */
	uint16_t segment;	/* must be load_address >> 4 */
	bool drive_check_nopped;
};

/* Checks a stage1 image (size, 55 AA, COMPAT_VERSION). */
int stage1_check(const uint8_t *data, size_t len, const char *name,
		 struct gi_err *err);
/* Is SECTOR a GRUB Legacy stage1 (COMPAT_VERSION 3.2 and its messages)? */
bool stage1_recognise(const uint8_t sector[SECTOR_SIZE]);

/* Builds the boot sector `install` would write: stage1's code, the BPB and
 * disk signature + partition table of OLD, and the load parameters.  */
void stage1_build(uint8_t out[SECTOR_SIZE], const uint8_t stage1[SECTOR_SIZE],
		  const uint8_t old[SECTOR_SIZE], const struct stage1_params *p);
void stage1_parse(const uint8_t sector[SECTOR_SIZE], struct stage1_fields *f);

/* ---- stage2.c: the second sector's variables ---- */

/* Checks a stage2 or stage1.5 image and reports its id; WANT_ID is the id
 * the caller needs (STAGE2_ID_STAGE2 or STAGE2_ID_E2FS), or -1 for
 * either.  */
int stage2_check(const uint8_t *data, size_t len, int want_id,
		 const char *name, struct stage_info *info, struct gi_err *err);

/* What `install` sets in a stage2 or a stage1.5 (the device word and
 * stage2 path only in a stage1.5, the menu path only in stage2).  */
struct stage2_config {
	uint32_t install_partition;
	bool force_lba;
	uint32_t device;	/* stage1.5: (drive << 24) | partition word */
	char path[STAGE2_CONFIG_END];	/* stage2's menu, or stage1.5's
					   stage2, as GRUB reads it */
};

/* Patches stage2's second sector: force_lba, the menu path, and the
 * install partition unless INSTALL_PART is negative.  */
int stage2_set_config(uint8_t *image, const struct stage_info *info,
		      const char *menu_path, bool force_lba,
		      long install_part, struct gi_err *err);

/* Patches a stage1.5's second sector: install partition, force_lba and
 * where stage2 is (device word and path).  */
int stage1_5_set_stage2(uint8_t *image, const struct stage_info *info,
			uint32_t install_part, uint32_t device,
			const char *stage2_path, bool force_lba,
			struct gi_err *err);

/* Reads back what the two above write, from an image stage2_check()
 * accepted (at least its first two sectors).  The path stops where GRUB
 * stops reading it: at the NUL for stage2's menu, at a blank for a
 * stage1.5's stage2.  */
void stage2_read_config(const uint8_t *image, const struct stage_info *info,
			struct stage2_config *c);

/* Where an installed stage2 or stage1.5 differs from the build it came
 * from, apart from what `install` patches (the block list, the second
 * sector's variables): the offset of the first other byte, or LEN.  Both
 * are LEN bytes; INFO is the build's.  */
size_t stage2_diff(const uint8_t *installed, const uint8_t *build, size_t len,
		   const struct stage_info *info);

/* The device word of a stage1.5: (drive << 24) | partition. */
static inline uint32_t stage_device_word(unsigned drive, unsigned partition)
{
	return (uint32_t)drive << 24 | (partition & 0xffffff);
}

/* GRUB's partition word for (hdX,N): N in bits 16..23, no BSD slice. */
static inline uint32_t stage_partition_word(int grub_index)
{
	return (uint32_t)grub_index << 16 | 0xffff;
}

/* The partition N of a partition word, or -1 for the whole disk. */
static inline int stage_partition_index(uint32_t word)
{
	unsigned part = (word >> 16) & 0xff;

	return part == 0xff ? -1 : (int)part;
}

/* ---- gap.c: what the sectors after the MBR hold ---- */

/* Is SECTOR the second sector of a GRUB Legacy stage2 or stage1.5, the
 * one holding COMPAT_VERSION 3.2 and the variables `install` patches?  */
bool stage_second_sector(const uint8_t sector[SECTOR_SIZE]);

enum gap_kind {
	GAP_ZEROS,		/* nothing there */
	GAP_GRUB_LEGACY,	/* a stage1.5 (or stage2) of GRUB Legacy */
	GAP_EZBIOS,		/* EZ-BIOS, which remaps the disk */
	GAP_GRUB2,		/* GRUB 2's core.img (diskboot.img first) */
	GAP_OTHER,		/* another program's data */
};

/* What the NSECT sectors at GAP (sector 1 on) hold. */
enum gap_kind gap_classify(const uint8_t *gap, size_t nsect);
/* "zeros", "EZ-BIOS", "GRUB 2's core.img"... */
const char *gap_kind_name(enum gap_kind k);

/* ---- blocklist.c: the block list of stage2 / stage1.5 ---- */

#define BLOCKLIST_MAX 64

/* The list as read from a first sector. */
struct blocklist {
	struct sector_run run[BLOCKLIST_MAX];
	size_t n;
	uint64_t sectors;	/* total, not counting the first sector */
	bool bad_segment;	/* segments do not follow each other */
	bool overflow;		/* no terminating entry found */
};

/* Rewrites the block list in sector 0 of a stage2/stage1.5 image of LEN
 * bytes so that its loader reads RUNS: the file's sectors 1..end, which
 * must be all of them.  LOAD_ADDRESS is the address of sector 0.  */
int blocklist_write(uint8_t *image, size_t len, const struct sector_run *runs,
		    size_t nruns, uint16_t load_address, const char *name,
		    struct gi_err *err);
/* Reads the block list of FIRST, a sector 0 loaded at LOAD_ADDRESS. */
void blocklist_read(const uint8_t first[SECTOR_SIZE], uint16_t load_address,
		    struct blocklist *bl);
/* Does the list as shipped look like one (`install` insists)? */
bool blocklist_sane(const uint8_t first[SECTOR_SIZE]);

/* ---- source.c: where the stage files come from ---- */

struct stage_blob {
	uint8_t *data;
	size_t len;
	char origin[256];	/* for messages: a path or "built-in stage2" */
};

struct stage_set {
	struct stage_blob stage1, stage1_5, stage2;
	struct stage_info stage1_5_info, stage2_info;
};

/* Loads and checks stage1, e2fs_stage1_5 and stage2 from DIR (each as NAME
 * or NAME.gz), or the built-in copies when DIR is NULL.  */
int stage_set_load(struct stage_set *set, const char *dir, struct gi_err *err);
void stage_set_free(struct stage_set *set);

#endif
