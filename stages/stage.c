/* Checking and patching GRUB Legacy stage images, as `install` does. */
#include <string.h>

#include "stages/stage.h"

#define BLOCKLIST_ENTRY 8	/* u32 start, u16 count, u16 segment */
/* The loader copies sectors into real-mode memory, which ends at 640 KiB
 * (the EBDA and video memory follow); a segment is also only 16 bits.  */
#define CONVENTIONAL_END 0xa0000u

int stage1_check(const uint8_t *d, size_t len, const char *name,
		 struct gi_err *err)
{
	if (len != STAGE_SECTOR)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "not a GRUB stage1: %zu bytes, not 512", len);
	if (le16(d + STAGE1_SIGNATURE_OFFSET) != 0xaa55)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "not a GRUB stage1: no 55 AA boot signature");
	if (d[STAGE1_VER_OFFSET] != COMPAT_VERSION_MAJOR ||
	    d[STAGE1_VER_OFFSET + 1] != COMPAT_VERSION_MINOR)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "stage1 COMPAT_VERSION is %u.%u, need 3.2 "
				 "(GRUB Legacy 0.97)", d[STAGE1_VER_OFFSET],
				 d[STAGE1_VER_OFFSET + 1]);
	return 0;
}

/* The block list as shipped must be sane, as `install` insists: it is
 * cleared before being refilled.  */
static int check_blocklist(const uint8_t *first, const char *name,
			   struct gi_err *err)
{
	for (int off = STAGE_SECTOR - BLOCKLIST_ENTRY; off >= 0;
	     off -= BLOCKLIST_ENTRY) {
		if (le32(first + off + 4) == 0)
			return 0;
		if ((le32(first + off) & 0x80000000u) ||
		    le16(first + off + 4) >= 0xa00 || le16(first + off + 6) == 0)
			break;
	}
	return gi_refuse(err, GI_CAUSE_STAGE, name,
			 "corrupt block list in the first sector");
}

static const char *stage_id_name(int id)
{
	static const char *const names[] = {
		"stage2", "ffs_stage1_5", "e2fs_stage1_5", "fat_stage1_5",
		"minix_stage1_5", "reiserfs_stage1_5", "vstafs_stage1_5",
		"jfs_stage1_5", "xfs_stage1_5", "iso9660_stage1_5", "ufs2_stage1_5",
	};
	return id >= 0 && id < (int)(sizeof(names) / sizeof(names[0]))
		       ? names[id]
		       : "an unknown stage";
}

int stage2_check(const uint8_t *d, size_t len, int want_id, const char *name,
		 struct stage_info *info, struct gi_err *err)
{
	const uint8_t *s2 = d + STAGE_SECTOR;
	const uint8_t *ver, *nul;

	memset(info, 0, sizeof(*info));
	if (len < 2 * STAGE_SECTOR)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "too short for a GRUB stage (%zu bytes)", len);
	if (s2[STAGE2_VER_OFFSET] != COMPAT_VERSION_MAJOR ||
	    s2[STAGE2_VER_OFFSET + 1] != COMPAT_VERSION_MINOR)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "not a GRUB Legacy 0.97 stage: COMPAT_VERSION "
				 "%u.%u at byte 0x%x, need 3.2",
				 s2[STAGE2_VER_OFFSET],
				 s2[STAGE2_VER_OFFSET + 1],
				 STAGE_SECTOR + STAGE2_VER_OFFSET);
	info->id = s2[STAGE2_ID_OFFSET];
	if (info->id != want_id)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "is %s, expected %s", stage_id_name(info->id),
				 stage_id_name(want_id));
	ver = s2 + STAGE2_VER_STR_OFFSET;
	nul = memchr(ver, 0, STAGE2_CONFIG_END - STAGE2_VER_STR_OFFSET);
	if (!nul || (size_t)(nul - ver) >= sizeof(info->version))
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "no version string in the second sector");
	memcpy(info->version, ver, nul - ver + 1);
	info->config_offset = (size_t)(nul + 1 - d);
	if (want_id != STAGE2_ID_STAGE2 &&
	    info->config_offset + 4 >= STAGE_SECTOR + STAGE2_CONFIG_END)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "no room for the stage2 path");
	return check_blocklist(d, name, err);
}

void stage1_build(uint8_t out[512], const uint8_t stage1[512],
		  const uint8_t old[512], const struct stage1_params *p)
{
	memcpy(out, stage1, STAGE_SECTOR);
	memcpy(out + STAGE1_BPB_OFFSET, old + STAGE1_BPB_OFFSET,
	       STAGE1_BPB_LENGTH);
	/* Disk signature and partition table (hard disks only: always). */
	memcpy(out + STAGE1_WINDOWS_NT_MAGIC, old + STAGE1_WINDOWS_NT_MAGIC,
	       STAGE1_PARTEND - STAGE1_WINDOWS_NT_MAGIC);
	out[STAGE1_BOOT_DRIVE] = GRUB_SAME_DRIVE;
	out[STAGE1_FORCE_LBA] = p->force_lba;
	/* Some BIOSes pass a floppy's drive number when booting a disk. */
	out[STAGE1_BOOT_DRIVE_CHECK] = 0x90;
	out[STAGE1_BOOT_DRIVE_CHECK + 1] = 0x90;
	put16(out + STAGE1_STAGE2_ADDRESS, p->load_address);
	put32(out + STAGE1_STAGE2_SECTOR, (uint32_t)p->load_sector);
	put16(out + STAGE1_STAGE2_SEGMENT, p->load_address >> 4);
}

static void clear_blocklist(uint8_t *first)
{
	for (int off = STAGE_SECTOR - BLOCKLIST_ENTRY;
	     off >= 0 && le32(first + off + 4) != 0; off -= BLOCKLIST_ENTRY)
		memset(first + off, 0, BLOCKLIST_ENTRY);
}

int stage_set_blocklist(uint8_t *image, size_t len,
			const struct sector_run *runs, size_t nruns,
			uint16_t load_address, const char *name,
			struct gi_err *err)
{
	uint32_t addr = load_address + STAGE_SECTOR;
	size_t entry = 0;

	(void)len;
	clear_blocklist(image);
	for (size_t i = 0; i < nruns; i++) {
		uint64_t start = runs[i].start, left = runs[i].count;

		while (left) {
			/* A u16 count; GRUB itself never lets one reach 0xa00. */
			uint64_t n = left < 0x9ff ? left : 0x9ff;
			size_t off = STAGE_SECTOR - BLOCKLIST_ENTRY * (entry + 1);

			/* The list grows down until it would meet code: the
			 * entry below must still read as the terminator.  */
			if (off < BLOCKLIST_ENTRY ||
			    le32(image + off - BLOCKLIST_ENTRY + 4) != 0)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "too fragmented: its block list "
						 "does not fit in its first sector");
			if (start + n > UINT32_MAX)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "lies beyond sector 2^32, out of "
						 "GRUB Legacy's reach");
			if (addr + n * STAGE_SECTOR > CONVENTIONAL_END)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "too large to load: loaded at 0x%x "
						 "it would run past 640 KiB of memory",
						 load_address);
			put32(image + off, (uint32_t)start);
			put16(image + off + 4, (uint16_t)n);
			put16(image + off + 6, (uint16_t)(addr >> 4));
			addr += (uint32_t)n * STAGE_SECTOR;
			start += n;
			left -= n;
			entry++;
		}
	}
	return 0;
}

/* GRUB copies the path with strcpy: bytes after its NUL stay as they were. */
static int put_path(uint8_t *image, size_t off, const char *path,
		    const char *what, struct gi_err *err)
{
	size_t n = strlen(path) + 1;

	if (off + n > STAGE_SECTOR + STAGE2_CONFIG_END)
		return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, path,
				  "%s path too long for GRUB Legacy (%zu bytes, "
				  "at most %zu)", what, n - 1,
				  (size_t)(STAGE_SECTOR + STAGE2_CONFIG_END - off - 1));
	memcpy(image + off, path, n);
	return 0;
}

int stage2_set_config(uint8_t *image, const struct stage_info *info,
		      const char *menu_path, bool force_lba, long install_part,
		      struct gi_err *err)
{
	uint8_t *s2 = image + STAGE_SECTOR;

	s2[STAGE2_FORCE_LBA] = force_lba;
	if (install_part >= 0)
		put32(s2 + STAGE2_INSTALLPART, (uint32_t)install_part);
	return put_path(image, info->config_offset, menu_path, "menu", err);
}

int stage1_5_set_stage2(uint8_t *image, const struct stage_info *info,
			uint32_t install_part, uint32_t device,
			const char *stage2_path, bool force_lba,
			struct gi_err *err)
{
	uint8_t *s2 = image + STAGE_SECTOR;

	s2[STAGE2_FORCE_LBA] = force_lba;
	put32(s2 + STAGE2_INSTALLPART, install_part);
	put32(image + info->config_offset, device);
	return put_path(image, info->config_offset + 4, stage2_path, "stage2",
			err);
}
