/* grubinst_install(): check everything, then write in an order that keeps
 * the image bootable (or untouched) if we stop half way:
 *   1. files in the filesystem, flushed and closed;
 *   2. the embedded stage1.5 in sectors 1..N;
 *   3. stage1 in the boot sector.
 * The three are queued in a journal and committed together (disk/journal.c):
 * a failure puts the old contents back, an interrupted process leaves an
 * undo record that the next install rolls back first.  */
#include <stdio.h>
#include <string.h>

#include "installer/installer.h"

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
	const struct partition *p = inst->boot;
	const char *verb = inst->opts->dry_run ? "would install" : "installed";
	char chain[96];

	gi_report(r, "%s: boot partition %d = (hd0,%d), sectors %llu..%llu, "
		  "%s filesystem of %llu blocks of %u bytes",
		  inst->img.path, p->number, partition_grub_index(p),
		  (unsigned long long)p->start,
		  (unsigned long long)(p->start + p->size - 1), inst->fs_kind,
		  (unsigned long long)fs_blocks(&inst->fs), fs_block_size(&inst->fs));
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

static int check_timestamp(struct install *inst)
{
	if (inst->opts->timestamp >= GRUBINST_TIME_NOW)
		return 0;
	return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, inst->g->path,
			  "SOURCE_DATE_EPOCH (or the timestamp option) is not "
			  "a number of seconds since 1970-01-01");
}

/* Everything that can be decided without writing. */
static int prepare(struct install *inst)
{
	if (check_timestamp(inst) || paths_set(inst) || target_open(inst) || target_check_filesystem(inst) ||
	    stage_set_load(&inst->stages, inst->opts->stage_dir, inst->err) ||
	    config_prepare(inst))
		return inst->err->code;
	embed_decide(inst);
	if (embed_prepare(inst) || files_place(inst) || files_patch(inst))
		return inst->err->code;
	bootsector_build(inst);
	return 0;
}

/* Every write, queued in the journal; nothing reaches the image yet. */
static int stage(struct install *inst)
{
	/* Every inode the install changes is written by now (libext2fs
	 * writes them through): the quota files follow them, then closing
	 * writes the bitmaps and counts.  */
	if (holes_fill(inst) || files_write(inst) ||
	    fs_quota_update(&inst->fs, &inst->img, &inst->journal, inst->err) ||
	    fs_close(&inst->fs, inst->err))
		return inst->err->code;
	if (embed_write(inst) || bootsector_write(inst))
		return inst->err->code;
	return 0;
}

/* Problems of what Linux does after GRUB: the install is done (or would
 * be), and the report says what still stands in the way.  */
static int not_bootable_yet(struct install *inst)
{
	if (!inst->nlater)
		return GRUBINST_OK;
	result_report(inst);
	gi_fail_as(inst->err, GRUBINST_WONT_BOOT, GI_CAUSE_RULE, inst->img.path,
		   "%s; the image will not boot yet: %zu problem%s (grubinst "
		   "--verify %s)", inst->opts->dry_run ? "would install" : "installed",
		   inst->nlater, inst->nlater == 1 ? "" : "s", inst->img.path);
	return GRUBINST_WONT_BOOT;
}

/* A refusal that came from below the rules (disk/: a damaged inode, no
 * room) names the finding code of its cause too, as the rules' do.  */
static void name_refusal(struct install *inst)
{
	struct gi_err *err = inst->err;
	const char *code = rule_cause_code(err->cause);

	if (err->cause == GI_CAUSE_RULE || !code)
		return;
	gi_append(err, " [%s]", code);
	err->rule = code;
	err->cause = GI_CAUSE_RULE;
}

GI_API int grubinst_install(grubinst *g)
{
	struct install inst;
	int rc;

	if (!g)
		return GRUBINST_ENOMEM;
	if (gi_start(g))
		return g->err.code;
	memset(&inst, 0, sizeof(inst));
	inst.g = g;
	inst.err = &g->err;
	inst.opts = &g->opts;
	inst.img.fd = -1;

	rc = prepare(&inst);
	if (!rc)
		rc = stage(&inst);
	if (!rc)
		rc = result_check(&inst);
	if (!rc && !g->opts.dry_run)
		rc = journal_commit(&inst.journal, &inst.img, inst.err);
	if (!rc) {
		report_plan(&inst);
		rc = not_bootable_yet(&inst);
	}
	if (rc == GRUBINST_REFUSED)
		name_refusal(&inst);
	fs_abandon(&inst.fs);
	journal_free(&inst.journal);
	image_close(&inst.img);
	files_free(&inst);
	result_free(&inst);
	stage_set_free(&inst.stages);
	return rc;
}
