/* Embedding stage1.5 in the sectors after the MBR, as `embed` does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

/* Why the gap cannot take N sectors, or NULL when it can. */
static const char *gap_problem(struct install *inst, unsigned n, char *buf,
			       size_t size)
{
	struct gi_err probe = { 0 };	/* a failed probe is no install error */
	enum gap_kind kind;
	uint8_t *gap;

	for (int i = 0; i < inst->pt.count; i++) {
		const struct partition *p = &inst->pt.part[i];
		/* GRUB looks at the four primary slots only. */
		if (p->number <= 4 && p->type && p->start - 1 < n) {
			snprintf(buf, size, "partition %d starts at sector %llu, "
				 "the %u-sector stage1.5 needs sectors 1..%u free",
				 p->number, (unsigned long long)p->start, n, n);
			return buf;
		}
	}
	if (n + 1 > image_sectors(&inst->img))
		return "the image is too small";
	gap = malloc((size_t)n * SECTOR_SIZE);
	if (!gap || image_read(&inst->img, 1, gap, n, &probe)) {
		free(gap);
		return "the sectors after the MBR cannot be read";
	}
	/* Zeros, or an older stage1.5 (a reinstall), may be written over;
	 * anything else is somebody else's: EZ-BIOS remaps the disk.  */
	kind = gap_classify(gap, n);
	if (kind == GAP_EZBIOS)
		snprintf(buf, size, "the sectors after the MBR hold EZ-BIOS");
	else if (kind != GAP_ZEROS && kind != GAP_GRUB_LEGACY)
		snprintf(buf, size, "sectors 1..%u hold %s", n, gap_kind_name(kind));
	else
		buf = NULL;
	free(gap);
	return buf;
}

void embed_decide(struct install *inst)
{
	unsigned n = (unsigned)((inst->stages.stage1_5.len + SECTOR_SIZE - 1) /
				SECTOR_SIZE);
	const char *why = NULL;

	inst->embed_sectors = n;
	if (inst->opts->no_stage1_5) {
		inst->chain = CHAIN_STAGE2;
		return;
	}
	if (inst->opts->target == GRUBINST_TARGET_PARTITION)
		why = "stage1 goes to the partition boot sector";
	else
		why = gap_problem(inst, n, inst->no_embed_reason,
				  sizeof(inst->no_embed_reason));
	if (why) {
		if (why != inst->no_embed_reason)
			snprintf(inst->no_embed_reason, sizeof(inst->no_embed_reason),
				 "%s", why);
		inst->chain = CHAIN_STAGE1_5_FILE;
		return;
	}
	inst->chain = CHAIN_EMBEDDED;
}

/* The embedded copy: stage1.5 padded with zeros to whole sectors. */
int embed_prepare(struct install *inst)
{
	size_t size = (size_t)inst->embed_sectors * SECTOR_SIZE;

	if (inst->chain != CHAIN_EMBEDDED)
		return 0;
	inst->embedded = calloc(1, size);
	if (!inst->embedded)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	memcpy(inst->embedded, inst->stages.stage1_5.data, inst->stages.stage1_5.len);
	return 0;
}

int embed_write(struct install *inst)
{
	if (inst->chain != CHAIN_EMBEDDED)
		return 0;
	return journal_add(&inst->journal, 1, inst->embedded, inst->embed_sectors,
			   JOURNAL_EMBED, inst->err);
}
