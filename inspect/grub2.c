/*
 * GRUB 2 (i386-pc) from sector 0 to normal mode, as its code runs:
 * boot.img loads the sector its kernel_sector names (boot.S), which must
 * be diskboot.img; diskboot.img loads the rest of core.img by its block
 * list (diskboot.S); startup_raw.S decompresses it; kern/main.c loads the
 * built-in modules, sets $root and $prefix from the prefix mkimage wrote,
 * runs the embedded config, then loads normal.mod from $prefix/i386-pc
 * with every module it needs (kern/dl.c), and normal mode runs
 * $prefix/grub.cfg (grub2cfg.c).  The formats are grub2/'s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

/* ---- core.img ---- */

/* Where core.img's sectors lie, in words, into BUF. */
static const char *core_place(struct inspect *in, uint64_t first, char *buf, size_t size)
{
	const struct partition *p = part_of_sector(in, first);

	if (!p)
		return "in the sectors before the first partition";
	if (!strcasecmp(p->guid_type, GPT_BIOS_BOOT))
		snprintf(buf, size, "in partition %d, the BIOS boot partition", p->number);
	else
		snprintf(buf, size, "inside partition %d (a block list into its files)",
			 p->number);
	return buf;
}

/* Every sector diskboot.img loads, its own first; 0 or a finding. */
static int read_core_sectors(struct inspect *in, const uint8_t *first,
			     uint8_t **data, size_t *len)
{
	struct grub2_blocklist bl[GRUB2_LISTS_MAX];
	int n = grub2_diskboot_lists(first, bl);
	uint64_t total = 1;
	size_t at = SECTOR_SIZE;

	if (n < 0) {
		finding(in, FAIL, FC_GRUB2_CORE_BLOCKLIST,
			NOTE(AT(in->g2->boot.kernel_sector), .fix = g2_core_fix(in)),
			"diskboot.img's block list has no end: it reads on into its "
			"own code and GRUB 2 hangs after \"GRUB loading\"");
		return 1;
	}
	for (int i = 0; i < n; i++)
		total += bl[i].len;
	if (total * SECTOR_SIZE > GRUB2_DECOMPRESSOR_MAX + 0x78000u) {
		finding(in, FAIL, FC_GRUB2_CORE_BLOCKLIST,
			NOTE(AT(in->g2->boot.kernel_sector), .fix = g2_core_fix(in)),
			"diskboot.img loads %llu sectors, more than fit below "
			"GRUB 2's stack: it hangs after \"GRUB loading\"",
			(unsigned long long)total);
		return 1;
	}
	*data = malloc(total * SECTOR_SIZE);
	if (!*data) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	memcpy(*data, first, SECTOR_SIZE);
	in->g2->runs[0] = (struct sector_run){ in->g2->boot.kernel_sector, 1 };
	for (int i = 0; i < n; i++)
		in->g2->runs[i + 1] = (struct sector_run){ bl[i].start, bl[i].len };
	in->g2->nruns = n + 1;
	for (int i = 0; i < n; i++, at += (size_t)bl[i - 1].len * SECTOR_SIZE)
		if (read_sectors(in, bl[i].start, *data + at, bl[i].len)) {
			finding(in, FAIL, FC_GRUB2_CORE_BLOCKLIST,
				NOTE(AT(bl[i].start), .fix = g2_core_fix(in)),
				"diskboot.img loads sectors %llu..%llu, past the end "
				"of the disk: the BIOS read fails and GRUB 2 stops "
				"with \"Read Error\"", (unsigned long long)bl[i].start,
				(unsigned long long)(bl[i].start + bl[i].len - 1));
			free(*data);
			return 1;
		}
	*len = at;
	in->g2->core_sectors = (unsigned)total;
	return 0;
}

static void report_core(struct inspect *in)
{
	struct g2_state *g = in->g2;
	char mods[512] = "", place[96];
	size_t used = 0;

	for (int i = 0; i < g->core.nmodules && used + 1 < sizeof(mods); i++)
		used += (size_t)snprintf(mods + used, sizeof(mods) - used, "%s%s",
					 i ? " " : "", g->core.modules[i]);
	finding(in, OK, FC_GRUB2_CORE, NOTE(AT(g->boot.kernel_sector)),
		"sector %llu: GRUB 2's core.img, %u sectors %s; prefix %s%s; "
		"modules built in: %s", (unsigned long long)g->boot.kernel_sector,
		g->core_sectors, core_place(in, g->boot.kernel_sector, place, sizeof(place)),
		g->core.prefix[0] ? g->core.prefix : "(none)",
		g->core.config ? "; an embedded config" : "", mods);
}

/* The modules built into core.img are linked at start-up, in order. */
static void link_builtins(struct inspect *in)
{
	struct g2_state *g = in->g2;

	for (int i = 0; i < g->core.nmodules && g->nloaded < G2_LOADED_MAX; i++)
		grub2_module_parse(g->core.module_data[i], g->core.module_size[i],
				   &g->loaded[g->nloaded++].mod);
	g->nbuiltin = g->nloaded;
}

/* The first sector of RUN inside partition P, or UINT64_MAX. */
static uint64_t run_inside(const struct sector_run *run, const struct partition *p)
{
	uint64_t lo = run->start > p->start ? run->start : p->start;

	return p->size && lo < run->start + run->count && lo < p->start + p->size
		       ? lo : UINT64_MAX;
}

/* core.img embedded (after the MBR or in the BIOS boot partition) must
 * stay out of every other partition, and of a GPT's header and entries:
 * each would overwrite the other, and which one is damaged is told by
 * what GRUB then cannot read (the filesystem, or core.img).  A core.img
 * whose first sector lies in a filesystem is a file's, by block list.  */
static void check_core_overlap(struct inspect *in)
{
	struct g2_state *g = in->g2;
	const struct partition *home = part_of_sector(in, g->boot.kernel_sector);

	if (home && strcasecmp(home->guid_type, GPT_BIOS_BOOT))
		return;
	for (int r = 0; r < g->nruns; r++) {
		const struct sector_run *run = &g->runs[r];

		if (in->pt.gpt && run->start < GPT_FIRST_USABLE && run->start + run->count > 1)
			finding(in, WARN, FC_GRUB2_CORE_OVERLAP, NOTE(AT(run->start)),
				"diskboot.img loads sectors %llu..%llu, where the GPT's "
				"header and partition entries are (sectors 1..%u)",
				(unsigned long long)run->start,
				(unsigned long long)(run->start + run->count - 1),
				GPT_FIRST_USABLE - 1);
		for (int i = 0; in->have_table && i < in->pt.count; i++) {
			const struct partition *p = &in->pt.part[i];
			uint64_t at = run_inside(run, p);

			if (p == home || p->container || at == UINT64_MAX)
				continue;
			finding(in, WARN, FC_GRUB2_CORE_OVERLAP, NOTE(AT(at)),
				"core.img (sectors %llu..%llu, %u in all) runs into "
				"partition %d, which starts at sector %llu: its first "
				"sectors are core.img's for GRUB and the partition's for "
				"Linux, and what one writes destroys the other; the "
				"partition must start after core.img (it needs %u "
				"sectors after the MBR)", (unsigned long long)g->boot.kernel_sector,
				(unsigned long long)(run->start + run->count - 1),
				g->core_sectors, p->number, (unsigned long long)p->start,
				g->core_sectors);
			return;
		}
	}
}

static int judge_core(struct inspect *in, const uint8_t *data, size_t len)
{
	struct g2_state *g = in->g2;
	enum grub2_core_status st = grub2_core_read(data, len, &g->core);

	if (st == GRUB2_CORE_NOMEM) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	if (st) {
		finding(in, g->core.rs_redundancy ? WARN : FAIL, FC_GRUB2_CORE_CORRUPT,
			NOTE(AT(g->boot.kernel_sector),
			     .fix = g->core.rs_redundancy ? NULL : g2_core_fix(in)),
			"the %u sectors diskboot.img loads from sector %llu are not "
			"a core.img GRUB 2 can run: %s%s", g->core_sectors,
			(unsigned long long)g->boot.kernel_sector,
			grub2_core_status_name(st),
			g->core.rs_redundancy ? " (its Reed-Solomon codes may repair "
						"a few damaged bytes)" : "");
		return 0;
	}
	g->core_ok = true;
	/* For the map: core.img where boot.img loads it, when one run. */
	if (g->nruns == 2 && g->runs[1].start == g->runs[0].start + 1) {
		in->embedded_first = g->runs[0].start;
		in->embedded_sectors = g->core_sectors;
		in->embedded_name = "GRUB 2 core.img";
	}
	report_core(in);
	link_builtins(in);
	return 0;
}

/* partmap/gpt.c reads the header at sector 1 and wants its "EFI PART",
 * and has no use for the backup header libfdisk reads when that one is
 * gone (core.img written over it).  */
static void check_gpt_header(struct inspect *in)
{
	uint8_t s[SECTOR_SIZE];

	if (in->pt.gpt && (read_sectors(in, 1, s, 1) || memcmp(s, "EFI PART", 8)))
		in->g2->gpt_header_gone = true;
}

int check_grub2_core(struct inspect *in)
{
	uint8_t first[SECTOR_SIZE], *data = NULL;
	size_t len = 0;
	int rc;

	in->g2 = calloc(1, sizeof(*in->g2));
	if (!in->g2) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	grub2_boot_parse(in->mbr, &in->g2->boot);
	if (read_sectors(in, in->g2->boot.kernel_sector, first, 1) ||
	    gap_classify(first, 1) != GAP_GRUB2) {
		uint8_t two[2 * SECTOR_SIZE] = { 0 };
		bool past = read_sectors(in, in->g2->boot.kernel_sector, two, 1) != 0;

		if (!past)
			read_sectors(in, in->g2->boot.kernel_sector, two, 2);
		finding(in, FAIL, FC_GRUB2_CORE_MISSING,
			NOTE(AT(0), .fix = g2_core_fix(in)),
			"sector 0 holds GRUB 2's boot.img, which loads sector %llu as "
			"core.img; that sector holds %s: GRUB 2 stops after \"GRUB \"",
			(unsigned long long)in->g2->boot.kernel_sector,
			past ? "nothing (it lies past the end of the image)"
			     : gap_kind_name(gap_classify(two, 2)));
		return 0;
	}
	rc = read_core_sectors(in, first, &data, &len);
	if (rc)
		return rc < 0 ? -1 : 0;
	check_core_overlap(in);
	check_gpt_header(in);
	rc = judge_core(in, data, len);
	free(data);
	return rc;
}

/* ---- $root and $prefix, then normal.mod ---- */

/* kern/main.c grub_set_prefix_and_root: $prefix from the prefix
 * mkimage wrote; its device, or the boot drive, is $root.  A device
 * without a disk, "(,msdos1)" as grub-install writes it, is that
 * partition of the boot drive.  */
static void set_prefix_and_root(struct inspect *in)
{
	const char *prefix = in->g2->core.prefix, *close = strrchr(prefix, ')');
	const char *path = prefix;
	char dev[64] = "hd0", full[sizeof(in->g2->var[0].value)];

	if (prefix[0] == '(' && close) {
		if (close == prefix + 1 || prefix[1] == ',')
			text_printf(dev, sizeof(dev), "hd0%.*s", (int)(close - prefix - 1),
				    prefix + 1);
		else
			text_printf(dev, sizeof(dev), "%.*s", (int)(close - prefix - 1),
				    prefix + 1);
		path = close + 1;
	}
	text_printf(full, sizeof(full), "(%s)%s", dev, path);
	g2_set(in, "prefix", full, false);
	g2_set(in, "root", dev, false);
}

/* What normal.mod sets as it starts (normal/main.c GRUB_MOD_INIT): the
 * features grub-mkconfig's scripts test, the platform.  */
static void set_normal_variables(struct inspect *in)
{
	static const char *const features[] = {
		"feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
		"feature_default_font_path", "feature_all_video_module",
		"feature_menuentry_id", "feature_menuentry_options", "feature_200_final",
		"feature_nativedisk_cmd", "feature_timeout_style",
	};

	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		g2_set(in, features[i], "y", false);
	g2_set(in, "grub_cpu", "i386", false);
	g2_set(in, "grub_platform", "pc", false);
}

int check_grub2_normal(struct inspect *in)
{
	struct g2_state *g = in->g2;
	struct g2_load_error e = { 0 };

	if (!g || !g->core_ok)
		return 0;
	set_prefix_and_root(in);
	if (g->core.config)
		g2_run_script(in, g->core.config, g->core.config_size, true);
	if (!g2_load_module(in, "normal", &e)) {
		g2_report_load(in, &e, FAIL);
		return 0;
	}
	g->normal = true;
	set_normal_variables(in);
	finding(in, OK, FC_GRUB2_NORMAL, NOTE(.path = g2_get(in, "prefix")),
		"GRUB 2 loads normal.mod and the modules it needs from %s/i386-pc "
		"(each links against core.img's kernel)", g2_get(in, "prefix"));
	return 0;
}
