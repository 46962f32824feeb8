/* What the BIOS runs: the code in sector 0, and when that code chains the
 * active partition (syslinux's mbr.bin, DOS), that partition's sector 0.
 * GRUB Legacy's stage1 and GRUB 2's boot.img lead on to their loader's
 * row (loaders.c).  */
#include <stdio.h>
#include <string.h>

#include "inspect/inspect.h"

#define CODE_AREA BOOT_CODE_END	/* bytes 0..439 */

static bool has_string(const uint8_t *s, const char *what, size_t len)
{
	return memmem(s, CODE_AREA, what, len) != NULL;
}
#define HAS(s, lit) has_string(s, lit, sizeof(lit) - 1)

static bool all_zero(const uint8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i])
			return false;
	return true;
}

void identify_bootcode(const uint8_t s[SECTOR_SIZE], struct bootcode *b)
{
	memset(b, 0, sizeof(*b));
	b->kind = BOOT_UNKNOWN;
	b->name = "unknown boot code";
	if (all_zero(s, CODE_AREA)) {
		b->kind = BOOT_EMPTY;
		b->name = "no boot code (all zeros)";
	} else if (stage1_recognise(s)) {
		b->kind = BOOT_GRUB_LEGACY;
		b->name = "GRUB Legacy stage1";
		stage1_parse(s, &b->stage1);
	} else if (grub2_boot_recognise(s)) {
		struct grub2_boot g;

		grub2_boot_parse(s, &g);
		b->kind = BOOT_GRUB2;
		b->name = "GRUB 2 boot.img";
		b->grub2_sector = g.kernel_sector;
	} else if (HAS(s, "!GPT")) {
		b->kind = BOOT_SYSLINUX;
		b->name = "syslinux gptmbr.bin (for GPT disks)";
		b->needs_gpt = true;
	} else if (HAS(s, "Multiple active partitions")) {
		b->kind = BOOT_SYSLINUX;
		b->name = "syslinux/extlinux MBR (mbr.bin)";
		b->chains_active = true;
	} else if (HAS(s, "Operating system load error")) {
		/* altmbr.bin: the partition to boot is in byte 439. */
		b->kind = BOOT_SYSLINUX;
		b->name = "syslinux altmbr.bin";
		b->chains_partition = s[CODE_AREA - 1];
	} else if (HAS(s, "Invalid partition table") ||
		   HAS(s, "Missing operating system")) {
		b->kind = BOOT_DOS;
		b->name = "DOS/Windows-style MBR";
		b->chains_active = true;
	}
}

static void report_stage1(struct inspect *in, const char *where)
{
	const struct stage1_fields *s = &in->boot.stage1;
	uint16_t address = s->p.load_address;
	const char *next = address == STAGE1_5_LOAD_ADDRESS ? "a stage1.5"
			   : address == STAGE2_LOAD_ADDRESS ? "stage2"
							    : "an unknown stage";

	finding(in, OK, FC_BOOT_GRUB_LEGACY, NOTE(AT(in->stage1_sector)),
		"%s: GRUB Legacy stage1 (COMPAT_VERSION 3.2): loads sector %llu "
		"to 0x%x (%s) from %s%s", where,
		(unsigned long long)s->p.load_sector, address, next,
		s->drive == GRUB_SAME_DRIVE ? "the boot drive"
		: s->drive == 0x80 ? "drive 0x80 (the first hard disk)"
				   : "a fixed drive",
		s->p.force_lba ? ", LBA forced" : "");
	if (s->drive != GRUB_SAME_DRIVE && s->drive != 0x80)
		finding(in, FAIL, FC_STAGE1_DRIVE,
			NOTE(AT(in->stage1_sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 reads from BIOS drive 0x%02x, not the disk the "
			"BIOS booted (0x80): it loads nothing useful", s->drive);
	if (address != STAGE1_5_LOAD_ADDRESS && address != STAGE2_LOAD_ADDRESS)
		finding(in, FAIL, FC_STAGE1_ADDRESS,
			NOTE(AT(in->stage1_sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads to 0x%x; GRUB needs 0x2000 (stage1.5) or "
			"0x8000 (stage2): the jump lands in garbage and the "
			"machine hangs", address);
	else if (s->segment != address >> 4)
		finding(in, FAIL, FC_STAGE1_SEGMENT,
			NOTE(AT(in->stage1_sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads to segment 0x%x but jumps to 0x%x: the "
			"machine hangs", s->segment, address);
}

/* Marks the partition an install goes to as the only active one. */
static const char *activate_fix(struct inspect *in)
{
	const struct partition *p = in->have_table ? rule_boot_partition(&in->pt) : NULL;

	return p ? fixf(in, "sfdisk --activate IMAGE %d", p->number) : NULL;
}

/* MBR code that loads the active partition's first sector (or, for
 * altmbr.bin, the partition named in its last code byte).  */
static int follow_active(struct inspect *in)
{
	const struct partition *act = NULL;
	uint8_t vbr[SECTOR_SIZE];
	struct bootcode vb;
	char where[64];
	int n = 0, rc;

	if (in->boot.needs_gpt) {
		finding(in, FAIL, FC_BOOT_FOREIGN,
			NOTE(AT(0), INSTALL_FIX("grubinst IMAGE")),
			"sector 0 holds %s, which boots only GPT disks: on this "
			"MBR disk it stops with an error", in->boot.name);
		return 0;
	}
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		const struct partition *p = &in->pt.part[i];
		if (in->boot.chains_partition ? p->number == in->boot.chains_partition
					      : p->number <= 4 && p->active) {
			act = p;
			n++;
		}
	}
	if (!in->boot.chains_active && n != 1) {
		finding(in, FAIL, FC_CHAIN_NO_ACTIVE,
			NOTE(AT(0), INSTALL_FIX("grubinst IMAGE")),
			"sector 0 holds %s, set to boot partition %d, which does "
			"not exist: it stops with an error message",
			in->boot.name, in->boot.chains_partition);
		return 0;
	}
	if (n != 1) {
		finding(in, FAIL, n ? FC_CHAIN_MANY_ACTIVE : FC_CHAIN_NO_ACTIVE,
			NOTE(AT(0), .fix = activate_fix(in)),
			"sector 0 holds %s, which boots the active partition, "
			"but %s: it stops with an error message",
			in->boot.name, n ? "several are active" : "none is active");
		return 0;
	}
	rc = read_sectors(in, act->start, vbr, 1);
	if (rc)
		return rc < 0 ? -1 : 0;
	identify_bootcode(vbr, &vb);
	if (le16(vbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE ||
	    vb.kind != BOOT_GRUB_LEGACY) {
		finding(in, FAIL, FC_VBR_NOT_GRUB,
			NOTE(AT(act->start),
			     INSTALL_FIX("grubinst --target partition IMAGE")),
			"sector 0 holds %s, which boots partition %d; that "
			"partition's first sector holds %s%s, not GRUB Legacy's "
			"stage1", in->boot.name, act->number, vb.name,
			le16(vbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE
				? " and no 55 AA signature" : "");
		return 0;
	}
	finding(in, OK, FC_MBR_CHAINS_ACTIVE, NOTE(AT(0)),
		"sector 0: %s, boots the %spartition %d", in->boot.name,
		in->boot.chains_active ? "active " : "", act->number);
	in->boot = vb;
	in->stage1_sector = act->start;
	in->grub = true;
	snprintf(where, sizeof(where), "sector %llu (partition %d's boot sector)",
		 (unsigned long long)act->start, act->number);
	report_stage1(in, where);
	return 0;
}

int check_bootcode(struct inspect *in)
{
	const char *fix = "grubinst IMAGE";

	if (!in->have_mbr || le16(in->mbr + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)
		return 0;
	identify_bootcode(in->mbr, &in->boot);
	in->mbr_code = in->boot.name;
	switch (in->boot.kind) {
	case BOOT_GRUB_LEGACY:
		in->grub = true;
		in->stage1_sector = 0;
		break;
	case BOOT_EMPTY:
		finding(in, FAIL, FC_BOOT_EMPTY, NOTE(AT(0), INSTALL_FIX(fix)),
			"sector 0 has a 55 AA signature but its code area "
			"(bytes 0..439) is all zeros: the BIOS runs zeros and "
			"the machine hangs with nothing on the screen");
		return 0;
	case BOOT_GRUB2:
		/* GRUB 2's row follows it (loaders.c, grub2.c). */
		finding(in, OK, FC_BOOT_GRUB2, NOTE(AT(0)),
			"sector 0: GRUB 2's boot.img: loads core.img from sector %llu",
			(unsigned long long)in->boot.grub2_sector);
		return 0;
	case BOOT_SYSLINUX:
	case BOOT_DOS:
		return follow_active(in);
	case BOOT_UNKNOWN:
		finding(in, FAIL, FC_BOOT_FOREIGN, NOTE(AT(0), INSTALL_FIX(fix)),
			"sector 0 holds boot code that is neither GRUB Legacy's "
			"stage1 nor a known MBR: GRUB Legacy is not installed");
		return 0;
	}
	report_stage1(in, "sector 0");
	return 0;
}
