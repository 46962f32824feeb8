/*
 * The on-disk formats of stages/ round-tripped: what each writer writes,
 * its reader reads back, and nothing else of the sector changes.  Built
 * against the library's internal headers (tests/unit.test runs it).
 * GRUB's menu language is checked against GRUB 0.97's own rules, table
 * by table (stage2/char_io.c safe_parse_maxint, disk_io.c set_device,
 * builtins.c default_func and fallback_func, stage2.c cmain).
 * Prints "PASS what" or "FAIL what"; exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/menu.h"
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

	stage1[0] = 0xeb;	/* jmp after_BPB (0x4a) */
	stage1[1] = 0x48;
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
	/* GRUB 2's setup over it keeps bytes 0x03..0x59, COMPAT_VERSION too;
	 * boot.img's jump goes to 0x65.  */
	out[1] = 0x63;
	verdict(!stage1_recognise(out), "stage1_recognise: not GRUB 2's boot.img "
		"keeping stage1's bytes 0x03..0x59");
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

/* safe_parse_maxint: decimal, hex after 0x, never octal, no sign. */
static void maxint_table(void)
{
	static const struct {
		const char *in;
		int err, value, used;	/* used: characters consumed */
	} t[] = {
		{ "0", 0, 0, 1 }, { "8", 0, 8, 1 }, { "08", 0, 8, 2 },
		{ "010", 0, 10, 3 }, { "0x10", 0, 16, 4 }, { "0X1f", 0, 31, 4 },
		{ "12abc", 0, 12, 2 }, { "3 4", 0, 3, 1 }, { "0x", 23, 0, 0 },
		{ "0xg", 23, 0, 0 }, { "", 23, 0, 0 }, { "-1", 23, 0, 0 },
		{ "+1", 23, 0, 0 }, { " 1", 23, 0, 0 }, { "saved", 23, 0, 0 },
		{ "2147483647", 0, 2147483647, 10 }, { "2147483648", 35, 0, 0 },
		{ "0x7fffffff", 0, 2147483647, 10 }, { "0x80000000", 35, 0, 0 },
		{ "99999999999", 35, 0, 0 },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *p = t[i].in;
		int v = -7, err = grub_parse_maxint(&p, &v);

		snprintf(what, sizeof(what), "safe_parse_maxint \"%s\"", t[i].in);
		verdict(err == t[i].err && (err ? v == -7 && p == t[i].in
					   : v == t[i].value && p == t[i].in + t[i].used),
			what);
	}
}

/* set_device: "(hdN[,M[,x]])" with safe_parse_maxint's numbers. */
static void device_table(void)
{
	static const struct {
		const char *in;
		int err, drive, part;
		const char *rest;
	} t[] = {
		{ "(hd0)", 0, 0, -1, "" }, { "(hd0,0)/x", 0, 0, 0, "/x" },
		{ "(hd1,4)", 0, 1, 4, "" }, { "(hd010,08)", 0, 10, 8, "" },
		{ "(hd0x1,0x2)", 0, 1, 2, "" }, { "(,1)+1", 0, -2, 1, "+1" },
		{ "(hd0,1,a)", 0, 0, 1, "" }, { "(fd0)", 0, -1, -1, "" },
		{ "(fd0,1)", 11, 0, 0, NULL }, { "(hd0,254)", 0, 0, 254, "" },
		{ "(hd0,255)", 11, 0, 0, NULL }, { "(hd)", 23, 0, 0, NULL },
		{ "(hd0,)", 11, 0, 0, NULL }, { "(hd0,-1)", 11, 0, 0, NULL },
		{ "(hd0", 11, 0, 0, NULL }, { "(sd0)", 11, 0, 0, NULL },
		{ "hd0", 11, 0, 0, NULL }, { "(hd0,1", 11, 0, 0, NULL },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		const char *rest = NULL;
		int drive, part, err = grub_parse_device(t[i].in, &drive, &part, &rest);

		snprintf(what, sizeof(what), "set_device \"%s\"", t[i].in);
		verdict(err == t[i].err &&
			(err || (drive == t[i].drive && part == t[i].part &&
				 strcmp(rest, t[i].rest) == 0)), what);
	}
}

/* default_func: "saved" exactly, else safe_parse_maxint; fallback_func. */
static void default_table(void)
{
	static const struct {
		const char *in;
		int err;
		bool saved;
		int entry;	/* -1: left alone */
	} t[] = {
		{ "saved", 0, true, -1 }, { "08", 0, false, 8 }, { "0x3", 0, false, 3 },
		{ "1 # one", 0, false, 1 }, { "saved ", 23, false, -1 },
		{ "savedx", 23, false, -1 }, { "Saved", 23, false, -1 },
		{ "-1", 23, false, -1 }, { "", 23, false, -1 },
	};
	static const struct {
		const char *in;
		int n, v[3];
	} f[] = {
		{ "1 2", 2, { 1, 2 } }, { "1 1 2", 2, { 1, 2 } }, { "010", 1, { 10 } },
		{ "x 1", 0, { 0 } }, { "1   x 2", 1, { 1 } },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool saved = false;
		int entry = -1, err = grub_default_arg(t[i].in, &saved, &entry);

		snprintf(what, sizeof(what), "default_func \"%s\"", t[i].in);
		verdict(err == t[i].err && saved == t[i].saved && entry == t[i].entry,
			what);
	}
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int v[MAX_FALLBACK_ENTRIES], n = grub_fallback_args(f[i].in, v);

		snprintf(what, sizeof(what), "fallback_func \"%s\"", f[i].in);
		verdict(n == f[i].n && memcmp(v, f[i].v, n * sizeof(int)) == 0, what);
	}
}

/* cmain reads "default": safe_parse_maxint on its first 9 bytes. */
static void default_file_table(void)
{
	static const struct {
		const char *in;
		int entry;
	} t[] = {
		{ "1\n", 1 }, { "08\n", 8 }, { "0x2\n", 2 }, { "", 0 }, { "x", 0 },
		{ "123456789", 123456789 }, { "1234567890", 123456789 },
		{ " 3", 0 },
	};
	char what[96];
	size_t len;
	char *text = default_file_text(12, &len);

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(what, sizeof(what), "the file default \"%.*s\"",
			 (int)strcspn(t[i].in, "\n"), t[i].in);
		verdict(default_file_entry((const uint8_t *)t[i].in,
					   strlen(t[i].in)) == t[i].entry, what);
	}
	verdict(text && len >= DEFAULT_FILE_MIN && strlen(text) == len &&
		default_file_entry((uint8_t *)text, len) == 12,
		"the file default as written reads back, longer than savedefault writes");
	free(text);
}

struct seen {
	char s[512];
};

static void seen_line(void *ctx, const struct menu_line *l)
{
	struct seen *s = ctx;
	size_t n = strlen(s->s);

	snprintf(s->s + n, sizeof(s->s) - n, "%d%c%s|", l->line,
		 "GIUTE"[l->kind], l->text);
}

/* get_line_from_config and cmain's states, with line numbers. */
static void lexer_table(void)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "timeout=5\n", "1Gtimeout=5|" },
		{ "  # c\n\tdefault 1\r\n", "2Gdefault 1|" },
		{ "root (hd0,0)\ntitle a\nroot (hd0,0)\n", "1Iroot (hd0,0)|2Ttitle a|3Eroot (hd0,0)|" },
		{ "title a\n kernel /k \\\n ro\n", "1Ttitle a|2Ekernel /k   ro|" },
		{ "title a\nfoo x\n#kernel\ntimeout 1\n", "1Ttitle a|2Ufoo x|4Etimeout 1|" },
		{ "title a # not a comment\n", "1Ttitle a # not a comment|" },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct seen s = { "" };

		menu_read((const uint8_t *)t[i].in, strlen(t[i].in), seen_line, &s);
		snprintf(what, sizeof(what), "menu lines of case %zu", i);
		verdict(strcmp(s.s, t[i].out) == 0, what);
		if (strcmp(s.s, t[i].out))
			fprintf(stderr, "case %zu: %s\n", i, s.s);
	}
}

int main(void)
{
	maxint_table();
	device_table();
	default_table();
	default_file_table();
	lexer_table();
	blocklist_roundtrip();
	blocklist_long_run();
	stage1_roundtrip();
	stage2_roundtrip();
	gap_kinds();
	return failures ? 1 : 0;
}
