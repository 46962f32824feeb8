/*
 * boot.img, GRUB 2's sector 0 (grub-core/boot/i386/pc/boot.S): what
 * setup patches into it, read back.
 */
#include <string.h>

#include "grub2/grub2.h"

/* The code area: the partition table's disk signature starts at 440. */
#define CODE_AREA 440

bool grub2_boot_recognise(const uint8_t s[SECTOR_SIZE])
{
	/* boot.S's messages, "GRUB " then "Geom", one after the other;
	 * GRUB Legacy's stage1 has the same ones (stages/stage1.c tells it
	 * by its COMPAT_VERSION, which callers test first).  */
	static const char messages[] = "GRUB \0Geom";

	return memmem(s, CODE_AREA, messages, sizeof(messages) - 1) != NULL;
}

void grub2_boot_parse(const uint8_t s[SECTOR_SIZE], struct grub2_boot *b)
{
	b->kernel_sector = le64(s + GRUB2_BOOT_KERNEL_SECTOR);
	b->boot_drive = s[GRUB2_BOOT_DRIVE];
	b->drive_check_nopped = s[GRUB2_BOOT_DRIVE_CHECK] == 0x90 &&
				s[GRUB2_BOOT_DRIVE_CHECK + 1] == 0x90;
}

void grub2_boot_build(uint8_t out[SECTOR_SIZE], const uint8_t boot_img[SECTOR_SIZE],
		      const uint8_t old[SECTOR_SIZE], uint64_t kernel_sector)
{
	memcpy(out, boot_img, SECTOR_SIZE);
	memcpy(out + GRUB2_BOOT_BPB_START, old + GRUB2_BOOT_BPB_START,
	       GRUB2_BOOT_BPB_END - GRUB2_BOOT_BPB_START);
	/* Some BIOSes pass drive 0 for the hard disk they boot: setup skips
	 * boot.S's check of the drive on every disk that is not a floppy. */
	out[GRUB2_BOOT_DRIVE_CHECK] = 0x90;
	out[GRUB2_BOOT_DRIVE_CHECK + 1] = 0x90;
	memcpy(out + GRUB2_BOOT_TABLE_START, old + GRUB2_BOOT_TABLE_START,
	       GRUB2_BOOT_TABLE_END - GRUB2_BOOT_TABLE_START);
	out[GRUB2_BOOT_DRIVE] = 0xff;
	put_le64(out + GRUB2_BOOT_KERNEL_SECTOR, kernel_sector);
}
