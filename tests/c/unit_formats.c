/*
 * The on-disk formats of stages/ round-tripped: what each writer writes,
 * its reader reads back, and nothing else of the sector changes.  Built
 * against the library's internal headers (tests/unit.test runs it).
 * Prints "PASS what" or "FAIL what"; exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/stage.h"

static int failures;

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

/* A stage2-like image: COMPAT_VERSION, id, version string, the shipped
 * one-entry block list, and code bytes below it.  */
static uint8_t *fake_stage(size_t len, int id)
{
	uint8_t *d = calloc(1, len);

	memset(d, 0xcc, BLOCKLIST_LOWEST);
	d[SECTOR_SIZE + STAGE2_VER_OFFSET] = COMPAT_VERSION_MAJOR;
	d[SECTOR_SIZE + STAGE2_VER_OFFSET + 1] = COMPAT_VERSION_MINOR;
	d[SECTOR_SIZE + STAGE2_ID_OFFSET] = (uint8_t)id;
	memcpy(d + SECTOR_SIZE + STAGE2_VER_STR_OFFSET, "0.97", 5);
	put_le32(d + SECTOR_SIZE - 8, 1);
	put_le16(d + SECTOR_SIZE - 4, 1);
	put_le16(d + SECTOR_SIZE - 2, 0x820);
	return d;
}

static void blocklist_roundtrip(void)
{
	size_t len = 200 * SECTOR_SIZE + 17;	/* 201 sectors */
	uint8_t *d = fake_stage(len, STAGE2_ID_STAGE2), before[SECTOR_SIZE];
	struct sector_run runs[] = { { 5000, 100 }, { 9000, 50 }, { 7000, 50 } };
	struct gi_err err = { 0 };
	struct blocklist bl;

	memcpy(before, d, SECTOR_SIZE);
	verdict(blocklist_sane(d), "the shipped block list is sane");
	verdict(blocklist_write(d, len, runs, 3, STAGE2_LOAD_ADDRESS, "t", &err) == 0,
		"blocklist_write: three runs for 200 sectors");
	blocklist_read(d, STAGE2_LOAD_ADDRESS, &bl);
	verdict(bl.n == 3 && bl.sectors == 200 && !bl.overflow && !bl.bad_segment,
		"blocklist_read: three entries, 200 sectors, segments follow");
	verdict(bl.run[0].start == 5000 && bl.run[1].start == 9000 &&
		bl.run[2].count == 50, "blocklist_read: the runs as written");
	verdict(memcmp(d, before, SECTOR_SIZE - 3 * 8) == 0,
		"blocklist_write changes only the entries' bytes");
	/* The loader reads what the list names: a list short of the file is
	 * refused, and so is one that would reach the code.  */
	memset(&err, 0, sizeof(err));
	verdict(blocklist_write(d, len, runs, 2, STAGE2_LOAD_ADDRESS, "t", &err) != 0,
		"blocklist_write refuses a list that does not cover the file");
	free(d);
}

static void blocklist_long_run(void)
{
	size_t len = (1 + 3 * BLOCKLIST_MAX_COUNT) * SECTOR_SIZE;
	uint8_t *d = fake_stage(len, STAGE2_ID_STAGE2);
	struct sector_run run = { 100, 3 * BLOCKLIST_MAX_COUNT };
	struct gi_err err = { 0 };
	struct blocklist bl;

	/* A 1.5 MiB file would not fit below 640 KiB at 0x8000. */
	verdict(blocklist_write(d, len, &run, 1, STAGE2_LOAD_ADDRESS, "t", &err) != 0 &&
		err.cause == GI_CAUSE_STAGE,
		"blocklist_write refuses a file too large for real-mode memory");
	free(d);
	len = (1 + 2 * BLOCKLIST_MAX_COUNT / 10) * SECTOR_SIZE;
	d = fake_stage(len, STAGE2_ID_STAGE2);
	run.count = 2 * BLOCKLIST_MAX_COUNT / 10;
	memset(&err, 0, sizeof(err));
	verdict(blocklist_write(d, len, &run, 1, STAGE1_5_LOAD_ADDRESS, "t", &err) == 0,
		"blocklist_write: one run");
	blocklist_read(d, STAGE1_5_LOAD_ADDRESS, &bl);
	verdict(bl.n == 1 && bl.sectors == run.count, "blocklist_read: one entry");
	free(d);
}

static void stage1_roundtrip(void)
{
	uint8_t stage1[SECTOR_SIZE] = { 0 }, old[SECTOR_SIZE], out[SECTOR_SIZE];
	struct stage1_params p = { 123456789, STAGE1_5_LOAD_ADDRESS, true };
	struct stage1_fields f;

	stage1[STAGE1_VER_OFFSET] = COMPAT_VERSION_MAJOR;
	stage1[STAGE1_VER_OFFSET + 1] = COMPAT_VERSION_MINOR;
	memcpy(stage1 + 0x100, "GRUB \0Geom", 10);
	put_le16(stage1 + MBR_SIGNATURE, MBR_SIGNATURE_VALUE);
	for (size_t i = 0; i < SECTOR_SIZE; i++)
		old[i] = (uint8_t)(i * 7 + 3);
	stage1_build(out, stage1, old, &p);
	stage1_parse(out, &f);
	verdict(f.p.load_sector == p.load_sector &&
		f.p.load_address == p.load_address && f.p.force_lba,
		"stage1_parse reads what stage1_build wrote");
	verdict(f.segment == STAGE1_5_LOAD_ADDRESS >> 4 && f.drive == GRUB_SAME_DRIVE &&
		f.drive_check_nopped, "stage1_build: segment, drive, drive check");
	verdict(memcmp(out + MBR_DISK_ID, old + MBR_DISK_ID, MBR_SIGNATURE - MBR_DISK_ID) == 0,
		"stage1_build keeps the disk id and the partition table");
	verdict(memcmp(out + STAGE1_BPB_OFFSET, old + STAGE1_BPB_OFFSET,
		       STAGE1_BPB_LENGTH) == 0, "stage1_build keeps the BPB");
	verdict(stage1_recognise(out), "stage1_recognise: a built stage1");
	out[STAGE1_VER_OFFSET] = 2;
	verdict(!stage1_recognise(out), "stage1_recognise: not without COMPAT_VERSION");
}

static void stage2_roundtrip(void)
{
	uint8_t *d = fake_stage(4 * SECTOR_SIZE, STAGE2_ID_STAGE2);
	uint8_t *e = fake_stage(4 * SECTOR_SIZE, STAGE2_ID_E2FS);
	struct gi_err err = { 0 };
	struct stage_info info;
	struct stage2_config c;
	char longpath[200];

	verdict(stage2_check(d, 4 * SECTOR_SIZE, STAGE2_ID_STAGE2, "t", &info, &err) == 0,
		"stage2_check: a stage2");
	verdict(stage2_set_config(d, &info, "/grub/menu.lst", true, 0x2ffff, &err) == 0,
		"stage2_set_config");
	stage2_read_config(d, &info, &c);
	verdict(strcmp(c.path, "/grub/menu.lst") == 0 && c.force_lba &&
		c.install_partition == 0x2ffff, "stage2_read_config reads it back");
	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	memset(&err, 0, sizeof(err));
	verdict(stage2_set_config(d, &info, longpath, false, -1, &err) != 0,
		"stage2_set_config refuses a path past byte 0x70");
	memset(&err, 0, sizeof(err));
	verdict(stage2_check(e, 4 * SECTOR_SIZE, STAGE2_ID_E2FS, "t", &info, &err) == 0,
		"stage2_check: a stage1.5");
	verdict(stage1_5_set_stage2(e, &info, 0xffffff, stage_device_word(0xff, 0x4ffff),
				    "/boot/grub/stage2 /boot/grub/menu.lst", false,
				    &err) == 0, "stage1_5_set_stage2");
	stage2_read_config(e, &info, &c);
	verdict(strcmp(c.path, "/boot/grub/stage2") == 0 &&
		c.device == stage_device_word(0xff, 0x4ffff) &&
		c.install_partition == 0xffffff,
		"stage2_read_config: stage1.5's stage2 up to the blank");
	verdict(stage_partition_index(stage_partition_word(4)) == 4 &&
		stage_partition_index(GRUB_WHOLE_DISK) == -1,
		"partition words round-trip");
	memset(&err, 0, sizeof(err));
	verdict(stage2_check(e, 4 * SECTOR_SIZE, STAGE2_ID_STAGE2, "t", &info, &err) != 0 &&
		err.cause == GI_CAUSE_STAGE, "stage2_check: a stage1.5 is no stage2");
	free(d);
	free(e);
}

/* The sectors after the MBR, as gap_classify() names them: the built-in
 * stage1.5 and, where grub-pc-bin is installed, GRUB 2's diskboot.img.  */
static void gap_kinds(void)
{
	static const char diskboot[] = "/usr/lib/grub/i386-pc/diskboot.img";
	uint8_t gap[4 * SECTOR_SIZE] = { 0 };
	struct stage_set set;
	struct gi_err err = { 0 };
	FILE *f;

	verdict(gap_classify(gap, 4) == GAP_ZEROS, "gap: zeros");
	if (stage_set_load(&set, NULL, &err) == 0) {
		memcpy(gap, set.stage1_5.data, sizeof(gap));
		verdict(gap_classify(gap, 4) == GAP_GRUB_LEGACY,
			"gap: the built-in e2fs_stage1_5");
		verdict(gap_classify(gap, 1) == GAP_OTHER,
			"gap: its first sector alone tells nothing");
		verdict(stage_second_sector(gap + SECTOR_SIZE) &&
			!stage_second_sector(gap), "stage_second_sector: only the second");
		stage_set_free(&set);
	}
	memset(gap, 0, sizeof(gap));
	memcpy(gap + SECTOR_SIZE + 3, "AERMH", 5);
	verdict(gap_classify(gap, 4) == GAP_EZBIOS, "gap: EZ-BIOS in sector 2");
	memset(gap, 0x5a, sizeof(gap));
	verdict(gap_classify(gap, 4) == GAP_OTHER, "gap: somebody else's data");
	f = fopen(diskboot, "rb");
	if (!f) {
		printf("SKIP gap: no %s (grub-pc-bin)\n", diskboot);
		return;
	}
	memset(gap, 0, sizeof(gap));
	verdict(fread(gap, 1, SECTOR_SIZE, f) == SECTOR_SIZE &&
		gap_classify(gap, 4) == GAP_GRUB2, "gap: GRUB 2's diskboot.img");
	fclose(f);
}

int main(void)
{
	blocklist_roundtrip();
	blocklist_long_run();
	stage1_roundtrip();
	stage2_roundtrip();
	gap_kinds();
	return failures ? 1 : 0;
}
