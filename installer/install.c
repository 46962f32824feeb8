/* grubinst_install(): check everything, then write in an order that keeps
 * the image bootable (or untouched) if we stop half way:
 *   1. files in the filesystem, flushed and closed;
 *   2. what the boot loader keeps outside it (GRUB Legacy: the embedded
 *      stage1.5 in sectors 1..N);
 *   3. the boot sector.
 * The three are queued in a journal and committed together (disk/journal.c):
 * a failure puts the old contents back, an interrupted process leaves an
 * undo record that the next install rolls back first.  What a loader
 * plans, queues and reports is its row (loaders.c); the rest is here.  */
#include <stdio.h>
#include <string.h>

#include "installer/installer.h"

static int check_timestamp(struct install *inst)
{
	if (inst->opts->timestamp >= GRUBINST_TIME_NOW)
		return 0;
	return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, inst->g->path,
			  "SOURCE_DATE_EPOCH (or the timestamp option) is not "
			  "a number of seconds since 1970-01-01");
}

/* Everything that can be decided without writing: the image and its boot
 * partition judged by the rules every loader shares, then the loader's
 * own plan.  */
static int prepare(struct install *inst)
{
	if (check_timestamp(inst) || paths_set(inst) || target_open(inst) ||
	    target_check_filesystem(inst) || inst->loader->plan(inst))
		return inst->err->code;
	return 0;
}

/* Every write, queued in the journal; nothing reaches the image yet: the
 * loader's files, the quota files that follow them (every inode the
 * install changes is written by now: libext2fs writes them through),
 * the filesystem closed, then what the loader writes outside it.  */
static int stage(struct install *inst)
{
	if (inst->loader->queue_files(inst) ||
	    fs_quota_update(&inst->fs, &inst->img, &inst->journal, inst->err) ||
	    fs_close(&inst->fs, inst->err) || inst->loader->queue_boot(inst))
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
	undo_attach(&inst.undo, &inst.img);

	inst.loader = install_loader_for(g->opts.loader);
	if (!inst.loader)
		return gi_fail_as(inst.err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, "--loader",
				  "no such boot loader (%d)", (int)g->opts.loader);
	rc = prepare(&inst);
	if (!rc)
		rc = stage(&inst);
	if (!rc)
		rc = result_check(&inst);
	if (!rc && !g->opts.dry_run)
		rc = journal_commit(&inst.journal, &inst.undo, inst.err);
	if (!rc) {
		inst.loader->report(&inst);
		rc = not_bootable_yet(&inst);
	}
	if (rc == GRUBINST_REFUSED)
		name_refusal(&inst);
	fs_abandon(&inst.fs);
	journal_free(&inst.journal);
	undo_detach(&inst.undo);
	image_close(&inst.img);
	files_free(&inst);
	if (inst.loader->release)
		inst.loader->release(&inst);
	result_free(&inst);
	stage_set_free(&inst.stages);
	return rc;
}
