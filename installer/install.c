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

static const char *chain_name(enum chain c)
{
	switch (c) {
	case CHAIN_EMBEDDED:
		return "stage1 -> embedded stage1.5 -> stage2";
	case CHAIN_STAGE1_5_FILE:
		return "stage1 -> " GRUB_DIR "/e2fs_stage1_5 -> stage2";
	case CHAIN_STAGE2:
		return "stage1 -> " STAGE2_PATH;
	}
	return "?";
}

static void report_file(struct install *in, const struct placed_file *f)
{
	uint64_t nblk = (f->len + fs_block_size(&in->fs) - 1) /
			fs_block_size(&in->fs);
	uint64_t sect = placed_sector(in, f);

	gi_report(&in->g->rep,
		  "%-24s %6zu bytes  blocks %llu..%llu  sectors %llu..%llu%s",
		  f->path, f->len, (unsigned long long)f->first_block,
		  (unsigned long long)(f->first_block + nblk - 1),
		  (unsigned long long)sect,
		  (unsigned long long)(sect + (f->len + SECTOR_SIZE - 1) /
						      SECTOR_SIZE - 1),
		  f->unchanged ? "  (unchanged)" : f->reuse ? "  (rewritten in place)" : "");
}

static void report_plan(struct install *in)
{
	const struct gi_reporter *r = &in->g->rep;
	const struct partition *p = in->boot;
	const char *verb = in->opts->dry_run ? "would install" : "installed";

	gi_report(r, "%s: boot partition %d = (hd0,%d), sectors %llu..%llu, "
		  "ext2 filesystem of %llu blocks of %u bytes",
		  in->img.path, p->number, partition_grub_index(p),
		  (unsigned long long)p->start,
		  (unsigned long long)(p->start + p->size - 1),
		  (unsigned long long)fs_blocks(&in->fs), fs_block_size(&in->fs));
	gi_report(r, "stage files: %s, %s, %s", in->stages.stage1.origin,
		  in->stages.stage1_5.origin, in->stages.stage2.origin);
	report_file(in, &in->stage1);
	report_file(in, &in->stage1_5);
	report_file(in, &in->stage2);
	if (in->write_config)
		report_file(in, &in->config);
	gi_report(r, "menu: %s%s", in->config_origin,
		  in->link_menu ? "; menu.lst -> grub.conf" : "");
	if (in->chain == CHAIN_EMBEDDED)
		gi_report(r, "embedded stage1.5: sectors 1..%u (%u sectors)",
			  in->embed_sectors, in->embed_sectors);
	else if (in->chain == CHAIN_STAGE1_5_FILE)
		gi_report(r, "stage1.5 not embedded: %s", in->no_embed_reason);
	gi_report(r, "stage1 %s in %s (sector %llu), loads sector %llu%s",
		  verb, in->boot_sector ? "the partition boot sector" : "the MBR",
		  (unsigned long long)in->boot_sector,
		  (unsigned long long)le32(in->boot_code + STAGE1_STAGE2_SECTOR),
		  in->opts->force_lba ? ", LBA forced" : "");
	gi_report(r, "boot chain: %s -> %s", chain_name(in->chain), MENU_PATH);
}

static int check_timestamp(struct install *in)
{
	if (in->opts->timestamp >= GRUBINST_TIME_NOW)
		return 0;
	return gi_fail_as(in->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, in->g->path,
			  "SOURCE_DATE_EPOCH (or the timestamp option) is not "
			  "a number of seconds since 1970-01-01");
}

/* Everything that can be decided without writing. */
static int prepare(struct install *in)
{
	if (check_timestamp(in) || target_open(in) || target_check_filesystem(in) ||
	    stage_set_load(&in->stages, in->opts->stage_dir, in->err) ||
	    config_prepare(in))
		return in->err->code;
	embed_decide(in);
	if (embed_prepare(in) || files_place(in) || files_patch(in))
		return in->err->code;
	mbr_build(in);
	return 0;
}

static int commit(struct install *in)
{
	if (files_write(in) || fs_close(&in->fs, in->err))
		return in->err->code;
	if (embed_write(in) || mbr_write(in))
		return in->err->code;
	return journal_commit(&in->journal, &in->img, in->err);
}

GI_API int grubinst_install(grubinst *g)
{
	struct install in;
	int rc;

	if (!g)
		return GRUBINST_ENOMEM;
	memset(&g->err, 0, sizeof(g->err));
	memset(&in, 0, sizeof(in));
	in.g = g;
	in.err = &g->err;
	in.opts = &g->opts;
	in.img.fd = -1;

	rc = prepare(&in);
	if (!rc && !g->opts.dry_run)
		rc = commit(&in);
	if (!rc)
		report_plan(&in);
	fs_abandon(&in.fs);
	journal_free(&in.journal);
	image_close(&in.img);
	files_free(&in);
	stage_set_free(&in.stages);
	return rc;
}
