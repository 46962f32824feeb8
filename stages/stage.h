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

#define STAGE_SECTOR 512u

/* stage1 (boot sector) */
#define STAGE1_BPB_OFFSET 0x03		/* DOS BPB, kept from the old sector */
#define STAGE1_BPB_LENGTH 0x3b
#define STAGE1_VER_OFFSET 0x3e		/* COMPAT_VERSION: 3, 2 */
#define STAGE1_BOOT_DRIVE 0x40
#define STAGE1_FORCE_LBA 0x41
#define STAGE1_STAGE2_ADDRESS 0x42
#define STAGE1_STAGE2_SECTOR 0x44
#define STAGE1_STAGE2_SEGMENT 0x48
#define STAGE1_BOOT_DRIVE_CHECK 0x4b	/* a jmp; nop'ed for hard disks */
#define STAGE1_WINDOWS_NT_MAGIC 0x1b8	/* disk signature, then the table */
#define STAGE1_PARTSTART 0x1be
#define STAGE1_PARTEND 0x1fe
#define STAGE1_SIGNATURE_OFFSET 0x1fe

/* Second sector of stage2 / stage1.5 (offsets within that sector). */
#define STAGE2_VER_OFFSET 0x06
#define STAGE2_INSTALLPART 0x08
#define STAGE2_SAVED_ENTRYNO 0x0c
#define STAGE2_ID_OFFSET 0x10
#define STAGE2_FORCE_LBA 0x11
#define STAGE2_VER_STR_OFFSET 0x12
#define STAGE2_CONFIG_END 0x70		/* asm.S: ". = main + 0x70" */

#define STAGE2_ID_STAGE2 0
#define STAGE2_ID_E2FS 2

#define COMPAT_VERSION_MAJOR 3
#define COMPAT_VERSION_MINOR 2

/* Where stage1 loads the next stage, and the matching block-list segment. */
#define STAGE2_LOAD_ADDRESS 0x8000
#define STAGE1_5_LOAD_ADDRESS 0x2000

#define GRUB_WHOLE_DISK 0xffffff	/* install_partition of a drive */
#define GRUB_SAME_DRIVE 0xffu		/* drive byte: "the one I booted from" */

/* What a stage file is, once validated. */
struct stage_info {
	int id;			/* STAGE2_ID_* */
	char version[16];	/* "0.97" */
	size_t config_offset;	/* in the file: menu path, or stage1.5's
				   device word + stage2 path */
};

/* A run of absolute disk sectors. */
struct sector_run {
	uint64_t start;
	uint64_t count;
};

struct stage1_params {
	uint64_t load_sector;	/* absolute LBA of the next stage's sector 0 */
	uint16_t load_address;	/* STAGE2_ or STAGE1_5_LOAD_ADDRESS */
	bool force_lba;
};

/* Checks a stage1 image (size, 55 AA, COMPAT_VERSION). */
int stage1_check(const uint8_t *data, size_t len, const char *name,
		 struct gi_err *err);

/* Checks a stage2 or stage1.5 image and reports its id; WANT_ID is the id
 * the caller needs (STAGE2_ID_STAGE2 or STAGE2_ID_E2FS).  */
int stage2_check(const uint8_t *data, size_t len, int want_id,
		 const char *name, struct stage_info *info, struct gi_err *err);

/* Builds the boot sector `install` would write: stage1's code, the BPB and
 * disk signature + partition table of OLD, and the load parameters.  */
void stage1_build(uint8_t out[512], const uint8_t stage1[512],
		  const uint8_t old[512], const struct stage1_params *p);

/* Rewrites the block list in sector 0 of a stage2/stage1.5 image so that
 * its loader reads RUNS (the file's sectors 1..end).  LOAD_ADDRESS is the
 * address of the file's sector 0.  */
int stage_set_blocklist(uint8_t *image, size_t len, const struct sector_run *runs,
			size_t nruns, uint16_t load_address, const char *name,
			struct gi_err *err);

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

/* Little-endian accessors: the stage files are x86 images. */
static inline uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

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
