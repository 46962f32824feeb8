/* GRUB Legacy 0.97 as an install puts it in, as the grub shell's "setup"
 * does: the stage files into GRUB's directory, the menu, stage1.5 in the
 * sectors after the MBR where it fits, stage1 in the boot sector.  The
 * row of loaders.c; the files it calls are in installer.h.  */
#include <stdio.h>

#include "installer/installer.h"

static int plan(struct install *inst)
{
	if (stage_set_load(&inst->stages, inst->opts->stage_dir, inst->err) ||
	    config_prepare(inst))
		return inst->err->code;
	embed_decide(inst);
	if (embed_prepare(inst) || files_place(inst) || files_patch(inst))
		return inst->err->code;
	bootsector_build(inst);
	return 0;
}

static int queue_files(struct install *inst)
{
	if (holes_fill(inst) || files_write(inst))
		return inst->err->code;
	return 0;
}

static int queue_boot(struct install *inst)
{
	if (embed_write(inst) || bootsector_write(inst))
		return inst->err->code;
	return 0;
}

static const char *chain_name(const struct install *inst, char *buf,
			      size_t size)
{
	switch (inst->chain) {
	case CHAIN_EMBEDDED:
		return "stage1 -> embedded stage1.5 -> stage2";
	case CHAIN_STAGE1_5_FILE:
		snprintf(buf, size, "stage1 -> %s -> stage2", inst->paths.stage1_5);
		return buf;
	case CHAIN_STAGE2:
		snprintf(buf, size, "stage1 -> %s", inst->paths.stage2);
		return buf;
	}
	return "?";
}

static void report_file(struct install *inst, const struct placed_file *f)
{
	uint64_t nblk = (f->len + fs_block_size(&inst->fs) - 1) /
			fs_block_size(&inst->fs);
	uint64_t sect = placed_sector(inst, f);
	char more[48] = "";

	/* A file kept where it is, in several runs: its first one. */
	if (f->nruns > 1) {
		nblk = f->runs[0].len;
		snprintf(more, sizeof(more), " (+%zu more runs)", f->nruns - 1);
	}
	gi_report(&inst->g->rep,
		  "%-24s %6zu bytes  blocks %llu..%llu%s  sectors %llu..%llu%s",
		  f->path, f->len, (unsigned long long)f->first_block,
		  (unsigned long long)(f->first_block + nblk - 1), more,
		  (unsigned long long)sect,
		  (unsigned long long)(f->nruns > 1
			? sect + nblk * (fs_block_size(&inst->fs) / SECTOR_SIZE) - 1
			: sect + (f->len + SECTOR_SIZE - 1) / SECTOR_SIZE - 1),
		  f->unchanged ? "  (unchanged)" : f->reuse ? "  (rewritten in place)" : "");
}

static void report_plan(struct install *inst)
{
	const struct gi_reporter *r = &inst->g->rep;
	const char *verb = inst->opts->dry_run ? "would install" : "installed";
	char chain[96], name[24];

	snprintf(name, sizeof(name), "(hd0,%d)", partition_grub_index(inst->boot));
	target_report(inst, name);
	gi_report(r, "stage files: %s, %s, %s", inst->stages.stage1.origin,
		  inst->stages.stage1_5.origin, inst->stages.stage2.origin);
	report_file(inst, &inst->stage1);
	report_file(inst, &inst->stage1_5);
	report_file(inst, &inst->stage2);
	if (inst->write_config)
		report_file(inst, &inst->config);
	if (inst->write_default)
		report_file(inst, &inst->deflt);
	gi_report(r, "menu: %s%s", inst->config_origin,
		  inst->link_menu ? "; menu.lst -> grub.conf" : "");
	if (inst->write_default)
		gi_report(r, "default: %s", inst->default_report);
	if (inst->filled[0])
		gi_report(r, "holes %s with zeros (GRUB cannot read across them): %s",
			  inst->opts->dry_run ? "would be filled" : "filled",
			  inst->filled);
	if (inst->moved[0])
		gi_report(r, "%s so that the inode holds their extents (GRUB "
			  "reads an extent block again for every block): %s",
			  inst->opts->dry_run ? "would be moved" : "moved",
			  inst->moved);
	if (inst->chain == CHAIN_EMBEDDED)
		gi_report(r, "embedded stage1.5: sectors 1..%u (%u sectors)",
			  inst->embed_sectors, inst->embed_sectors);
	else if (inst->chain == CHAIN_STAGE1_5_FILE)
		gi_report(r, "stage1.5 not embedded: %s", inst->no_embed_reason);
	gi_report(r, "stage1 %s in %s (sector %llu), loads sector %llu%s",
		  verb, inst->boot_sector ? "the partition boot sector" : "the MBR",
		  (unsigned long long)inst->boot_sector,
		  (unsigned long long)le32(inst->boot_code + STAGE1_STAGE2_SECTOR),
		  inst->opts->force_lba ? ", LBA forced" : "");
	gi_report(r, "boot chain: %s -> %s", chain_name(inst, chain, sizeof(chain)),
		  inst->paths.menu);
}

/* What GRUB 0.97 reads: sectors below 2^31 of a disk it sizes right,
 * partitions of type 0x83 and 0xfd, and the filesystem features of its
 * ext2 reader.  */
static bool fs_rules(const struct rule_target *t, struct verdict *v)
{
	size_t pos = 0;

	return rule_grub_reach(t, v) || rule_part_type(t, v) ||
	       rule_fs_feature(t, &pos, v);
}

const struct install_loader grub_legacy_install = {
	.name = "grub-legacy",
	.id = GRUBINST_LOADER_GRUB_LEGACY,
	.reads_gpt = false,
	.dir = GRUB_LEGACY_DIR,
	.fs_rules = fs_rules,
	.plan = plan,
	.queue_files = queue_files,
	.queue_boot = queue_boot,
	.report = report_plan,
};
