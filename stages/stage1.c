/* stage1, the boot sector: what `install` writes into it and what an
 * inspector reads back, side by side.  */
#include <string.h>

#include "stages/stage.h"

int stage1_check(const uint8_t *d, size_t len, const char *name,
		 struct gi_err *err)
{
	if (len != SECTOR_SIZE)
		return gi_refuse(err, GI_CAUSE_STAGE, name,
				 "not a GRUB stage1: %zu bytes, not 512", len);
	if (le16(d + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)
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

/* stage1 prints "GRUB " and then one of its messages ("Geom", "Hard
 * Disk", "Read", " Error"): the strings sit together in its code.  GRUB
 * 2's boot.img has the same strings but no COMPAT_VERSION.  */
bool stage1_recognise(const uint8_t s[SECTOR_SIZE])
{
	static const char messages[] = "GRUB \0Geom";

	/* stage1.S starts "jmp after_BPB" to 0x4a.  GRUB 2's boot.img has
	 * the same messages and jumps to 0x65; its setup keeps the old
	 * sector's bytes 0x03..0x59, GRUB Legacy's COMPAT_VERSION among them
	 * when it replaces stage1: the jump tells them apart.  */
	return s[0] == 0xeb && s[1] == 0x48 &&
	       s[STAGE1_VER_OFFSET] == COMPAT_VERSION_MAJOR &&
	       s[STAGE1_VER_OFFSET + 1] == COMPAT_VERSION_MINOR &&
	       memmem(s, BOOT_CODE_END, messages, sizeof(messages) - 1) != NULL;
}

void stage1_build(uint8_t out[SECTOR_SIZE], const uint8_t stage1[SECTOR_SIZE],
		  const uint8_t old[SECTOR_SIZE], const struct stage1_params *p)
{
	memcpy(out, stage1, SECTOR_SIZE);
	memcpy(out + STAGE1_BPB_OFFSET, old + STAGE1_BPB_OFFSET,
	       STAGE1_BPB_LENGTH);
	/* Disk signature and partition table (hard disks only: always). */
	memcpy(out + MBR_DISK_ID, old + MBR_DISK_ID, MBR_SIGNATURE - MBR_DISK_ID);
	out[STAGE1_BOOT_DRIVE] = GRUB_SAME_DRIVE;
	out[STAGE1_FORCE_LBA] = p->force_lba;
	/* Some BIOSes pass a floppy's drive number when booting a disk. */
	out[STAGE1_BOOT_DRIVE_CHECK] = 0x90;
	out[STAGE1_BOOT_DRIVE_CHECK + 1] = 0x90;
	put_le16(out + STAGE1_STAGE2_ADDRESS, p->load_address);
	put_le32(out + STAGE1_STAGE2_SECTOR, (uint32_t)p->load_sector);
	put_le16(out + STAGE1_STAGE2_SEGMENT, p->load_address >> 4);
}

void stage1_parse(const uint8_t s[SECTOR_SIZE], struct stage1_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->drive = s[STAGE1_BOOT_DRIVE];
	f->p.force_lba = s[STAGE1_FORCE_LBA] != 0;
	f->p.load_address = le16(s + STAGE1_STAGE2_ADDRESS);
	f->p.load_sector = le32(s + STAGE1_STAGE2_SECTOR);
	f->segment = le16(s + STAGE1_STAGE2_SEGMENT);
	f->drive_check_nopped = s[STAGE1_BOOT_DRIVE_CHECK] == 0x90 &&
				s[STAGE1_BOOT_DRIVE_CHECK + 1] == 0x90;
}
