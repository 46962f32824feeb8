/*
 * The installer's check of its own result.  Before anything is committed,
 * the inspector reads the image as the pending writes will leave it
 * (every read sees the journal's writes laid over the image) and
 * runs the checks --verify runs.  A failure of what GRUB itself reads
 * (the chain, the menu, the kernels and initrds it loads) refuses the
 * install with that finding's words, code and fix, and nothing is
 * written.  Failures of what comes later (root=, init, libraries) do not
 * concern GRUB, nor does the MBR code when stage1 goes to the partition's
 * boot sector: the install goes ahead and reports them, one line each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

static void keep_later(struct install *inst, const struct grubinst_finding *f)
{
	if (gi_grow(&inst->later, &inst->later_cap, inst->nlater,
		    sizeof(inst->later[0]), 8)) {
		inst->later_oom = true;
		return;
	}
	snprintf(inst->later[inst->nlater++], sizeof(inst->later[0]), "%s [%s]",
		 f->message, f->code);
}

static void collect(void *ctx, const struct grubinst_finding *f,
		    enum finding_code code, enum scope scope)
{
	struct install *inst = ctx;
	struct verdict *v = &inst->refusal;

	/* A rule's warning that refuses an install refuses it here too:
	 * damage the census finds in the filesystem (rule_file_damaged())
	 * is known only once every inode is read.  */
	if (f->severity != GRUBINST_SEV_FAIL &&
	    !(f->severity == GRUBINST_SEV_WARN && scope == SCOPE_REFUSE))
		return;
	/* With stage1 in the partition's boot sector, sector 0 is not the
	 * install's: the MBR code that is to chain it may come later.  */
	if (scope == SCOPE_LINUX ||
	    (inst->opts->target == GRUBINST_TARGET_PARTITION &&
	     f->area_id == GRUBINST_AREA_BOOTCODE)) {
		keep_later(inst, f);
		return;
	}
	if (v->refuse)
		return;		/* the first one GRUB meets is the cause */
	v->severity = f->severity;
	v->code = code;
	v->grub_error = f->grub_error;
	v->refuse = true;
	snprintf(v->message, sizeof(v->message), "%s", f->message);
	snprintf(v->fix, sizeof(v->fix), "%s", f->fix ? f->fix : "");
}

int result_check(struct install *inst)
{
	int n;

	/* The stages built in, inflated once: the install's when it took
	 * them (a plan that loaded stages, without --stage-dir).  */
	n = inspect_image(inst->g, &inst->img, &inst->journal,
			  inst->opts->stage_dir || !inst->stages.stage2.data
				  ? NULL : &inst->stages, collect, inst);
	if (n < 0)
		return inst->err->code;
	if (inst->later_oom)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (inst->refusal.refuse)
		return target_refuse(inst, &inst->refusal);
	return 0;
}

void result_report(struct install *inst)
{
	for (size_t i = 0; i < inst->nlater; i++)
		gi_report(&inst->g->rep, "will not boot: %s", inst->later[i]);
}

void result_free(struct install *inst)
{
	free(inst->later);
	inst->later = NULL;
	inst->nlater = inst->later_cap = 0;
}
