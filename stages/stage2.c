/* stage2 and stage1.5: checking an image, and the variables of its second
 * sector that `install` patches, written and read back side by side.  */
#include <string.h>

#include "stages/stage.h"

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
	const uint8_t *s2 = d + SECTOR_SIZE;
	const uint8_t *ver, *nul;

	memset(info, 0, sizeof(*info));
	if (len < 2 * SECTOR_SIZE)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "too short for a GRUB stage (%zu bytes)", len);
	if (!stage_second_sector(s2))
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "not a GRUB Legacy 0.97 stage: COMPAT_VERSION "
				 "%u.%u at byte 0x%x, need 3.2",
				 s2[STAGE2_VER_OFFSET], s2[STAGE2_VER_OFFSET + 1],
				 SECTOR_SIZE + STAGE2_VER_OFFSET);
	info->id = s2[STAGE2_ID_OFFSET];
	if (want_id >= 0 && info->id != want_id)
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
	if (info->id != STAGE2_ID_STAGE2 &&
	    info->config_offset + 4 >= SECTOR_SIZE + STAGE2_CONFIG_END)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "no room for the stage2 path");
	if (!blocklist_sane(d))
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "corrupt block list in the first sector");
	return 0;
}

/* GRUB copies the path with strcpy: bytes after its NUL stay as they were. */
static int put_path(uint8_t *image, size_t off, const char *path,
		    const char *what, struct gi_err *err)
{
	size_t n = strlen(path) + 1;

	if (off + n > SECTOR_SIZE + STAGE2_CONFIG_END)
		return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, path,
				  "%s path too long for GRUB Legacy (%zu bytes, "
				  "at most %zu)", what, n - 1,
				  (size_t)(SECTOR_SIZE + STAGE2_CONFIG_END - off - 1));
	memcpy(image + off, path, n);
	return 0;
}

int stage2_set_config(uint8_t *image, const struct stage_info *info,
		      const char *menu_path, bool force_lba, long install_part,
		      struct gi_err *err)
{
	uint8_t *s2 = image + SECTOR_SIZE;

	s2[STAGE2_FORCE_LBA] = force_lba;
	if (install_part >= 0)
		put_le32(s2 + STAGE2_INSTALLPART, (uint32_t)install_part);
	return put_path(image, info->config_offset, menu_path, "menu", err);
}

int stage1_5_set_stage2(uint8_t *image, const struct stage_info *info,
			uint32_t install_part, uint32_t device,
			const char *stage2_path, bool force_lba,
			struct gi_err *err)
{
	uint8_t *s2 = image + SECTOR_SIZE;

	s2[STAGE2_FORCE_LBA] = force_lba;
	put_le32(s2 + STAGE2_INSTALLPART, install_part);
	put_le32(image + info->config_offset, device);
	return put_path(image, info->config_offset + 4, stage2_path, "stage2",
			err);
}

/* stage2 opens its menu by the whole string; a stage1.5 reads stage2's
 * name up to a blank (setup leaves the menu path after it).  */
void stage2_read_config(const uint8_t *image, const struct stage_info *info,
			struct stage2_config *c)
{
	const uint8_t *s2 = image + SECTOR_SIZE;
	size_t off = info->config_offset, end = SECTOR_SIZE + STAGE2_CONFIG_END;
	const char *path;
	size_t max, n;

	memset(c, 0, sizeof(*c));
	c->install_partition = le32(s2 + STAGE2_INSTALLPART);
	c->force_lba = s2[STAGE2_FORCE_LBA] != 0;
	if (info->id != STAGE2_ID_STAGE2) {
		c->device = le32(image + off);
		off += 4;
	}
	if (off >= end)
		return;
	path = (const char *)image + off;
	max = end - off;
	n = strnlen(path, max);
	if (info->id != STAGE2_ID_STAGE2)
		n = strcspn(path, " \t\n") < n ? strcspn(path, " \t\n") : n;
	if (n >= sizeof(c->path))
		n = sizeof(c->path) - 1;
	memcpy(c->path, path, n);
	c->path[n] = '\0';
}

/* The bytes `install` may change in a stage2 or stage1.5: the block list
 * entries in use (in either copy) and the second sector's variables.  */
static bool patched(const uint8_t *a, const uint8_t *b,
		    const struct stage_info *info, size_t off)
{
	if (off < SECTOR_SIZE) {
		size_t entry;

		if (off < BLOCKLIST_LOWEST)
			return false;
		/* An entry is masked while this one or any above it is used. */
		for (entry = SECTOR_SIZE - 8; entry >= BLOCKLIST_LOWEST; entry -= 8) {
			if (!le16(a + entry + 4) && !le16(b + entry + 4))
				return false;
			if (off >= entry)
				return true;
		}
		return false;
	}
	off -= SECTOR_SIZE;
	return (off >= STAGE2_INSTALLPART && off < STAGE2_SAVED_ENTRYNO + 4) ||
	       off == STAGE2_FORCE_LBA ||
	       (off >= info->config_offset - SECTOR_SIZE && off < STAGE2_CONFIG_END);
}

/* The first byte from FROM on where A and B differ, or LEN: equal runs
 * are skipped by memcmp() 64 bytes at a time (120 KiB of stage2 are
 * compared in every install's check).  */
static size_t next_difference(const uint8_t *a, const uint8_t *b, size_t from,
			      size_t len)
{
	size_t i = from;

	while (len - i >= 64 && !memcmp(a + i, b + i, 64))
		i += 64;
	while (i < len && a[i] == b[i])
		i++;
	return i;
}

size_t stage2_diff(const uint8_t *installed, const uint8_t *build, size_t len,
		   const struct stage_info *info)
{
	for (size_t i = next_difference(installed, build, 0, len); i < len;
	     i = next_difference(installed, build, i + 1, len))
		if (!patched(installed, build, info, i))
			return i;
	return len;
}
