/* Writing stage1: into the MBR (sector 0) or the partition's boot sector.
 * It is the last write of an install (journal.c), so that every earlier
 * failure leaves the old boot code in charge.  */
#include "installer/installer.h"

void bootsector_build(struct install *inst)
{
	struct stage1_params p = { .force_lba = inst->opts->force_lba };

	switch (inst->chain) {
	case CHAIN_EMBEDDED:
		p.load_sector = 1;
		p.load_address = STAGE1_5_LOAD_ADDRESS;
		break;
	case CHAIN_STAGE1_5_FILE:
		p.load_sector = placed_sector(inst, &inst->stage1_5);
		p.load_address = STAGE1_5_LOAD_ADDRESS;
		break;
	case CHAIN_STAGE2:
		p.load_sector = placed_sector(inst, &inst->stage2);
		p.load_address = STAGE2_LOAD_ADDRESS;
		break;
	}
	stage1_build(inst->boot_code, inst->stages.stage1.data, inst->old_boot, &p);
}

int bootsector_write(struct install *inst)
{
	return journal_add(&inst->journal, inst->boot_sector, inst->boot_code, 1,
			   JOURNAL_BOOT, inst->err);
}
