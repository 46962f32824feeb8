/*
 * What the sectors after the MBR hold, recognised once for every reader:
 * the installer (may stage1.5 be embedded there?), the chain check (is the
 * sector stage1 loads a stage?) and the boot-code check (what does GRUB
 * 2's boot.img load?).
 */
#include <string.h>

#include "stages/stage.h"

/* GRUB 2's diskboot.img, the first sector of core.img: its messages, and
 * the load segment of its block list's last entry (0x820).  */
#define DISKBOOT_SEGMENT_AT 0x1fe
#define DISKBOOT_SEGMENT 0x820

/* EZ-BIOS keeps its signature 3 bytes into its sector. */
#define EZBIOS_AT 3

bool stage_second_sector(const uint8_t sector[SECTOR_SIZE])
{
	return sector[STAGE2_VER_OFFSET] == COMPAT_VERSION_MAJOR &&
	       sector[STAGE2_VER_OFFSET + 1] == COMPAT_VERSION_MINOR;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool grub2_diskboot(const uint8_t *s)
{
	return memmem(s, SECTOR_SIZE, "loading", 8) && memmem(s, SECTOR_SIZE, "Geom", 5) &&
	       le16(s + DISKBOOT_SEGMENT_AT) == DISKBOOT_SEGMENT;
}

enum gap_kind gap_classify(const uint8_t *gap, size_t nsect)
{
	if (!nsect || all_zero(gap, nsect * SECTOR_SIZE))
		return GAP_ZEROS;
	for (size_t i = 0; i < nsect && i < 2; i++)
		if (memcmp(gap + i * SECTOR_SIZE + EZBIOS_AT, "AERMH", 5) == 0)
			return GAP_EZBIOS;
	if (nsect >= 2 && stage_second_sector(gap + SECTOR_SIZE))
		return GAP_GRUB_LEGACY;
	if (grub2_diskboot(gap))
		return GAP_GRUB2;
	return GAP_OTHER;
}

const char *gap_kind_name(enum gap_kind k)
{
	switch (k) {
	case GAP_ZEROS:
		return "zeros";
	case GAP_GRUB_LEGACY:
		return "a GRUB Legacy stage1.5";
	case GAP_EZBIOS:
		return "EZ-BIOS";
	case GAP_GRUB2:
		return "GRUB 2's core.img";
	case GAP_OTHER:
		break;
	}
	return "data that is not a GRUB Legacy stage1.5 (another boot loader?)";
}
