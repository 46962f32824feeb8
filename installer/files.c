/* The files of /boot/grub.  New ones go in one contiguous run of blocks,
 * so that a block list of one entry describes them.  One that exists with
 * the right length is rewritten in place (a second install changes
 * nothing): in one run, or in several when nothing loads it through a
 * block list (behind an embedded stage1.5, stage2 is read by name) or
 * when its runs fit in its block list, as the grub shell's setup keeps
 * the stage2 that cp or mke2fs -d left with its indirect block between
 * runs.  */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

static uint64_t blocks_for(const struct install *inst, size_t len)
{
	unsigned bs = fs_block_size(&inst->fs);
	return (len + bs - 1) / bs;
}

/* The file stage1 (or the stage1.5 embedded) loads by its block list. */
static bool loaded_by_blocklist(const struct install *inst,
				const struct placed_file *f)
{
	return (inst->chain == CHAIN_STAGE2 && f == &inst->stage2) ||
	       (inst->chain == CHAIN_STAGE1_5_FILE && f == &inst->stage1_5);
}

/* Do RUNS map the file's blocks 0..N-1, in order, inside the filesystem? */
static bool covers(const struct install *inst, const struct extent *runs,
		   size_t n, uint64_t nblocks)
{
	uint64_t next = 0;

	for (size_t i = 0; i < n; i++) {
		if (runs[i].lblk != next || !fs_run_inside(&inst->fs, &runs[i]))
			return false;
		next += runs[i].len;
	}
	return next == nblocks;
}

/* Would a block list of these runs fit in the file's first sector? */
static bool list_fits(struct install *inst, struct placed_file *f)
{
	struct gi_err probe = { 0 };
	struct sector_run *sectors = NULL;
	uint8_t *copy = malloc(f->len);
	size_t n = 0;
	bool fits;

	if (!copy)
		return false;
	memcpy(copy, f->data, f->len);
	fits = fs_file_sector_runs(&inst->fs, f->ino, f->len, &sectors, &n, &probe) == 0 &&
	       blocklist_write(copy, f->len, sectors, n,
			       f == &inst->stage2 ? STAGE2_LOAD_ADDRESS
						  : STAGE1_5_LOAD_ADDRESS,
			       f->path, &probe) == 0;
	free(sectors);
	free(copy);
	return fits;
}

/* Can the existing file at F->path be rewritten in place? */
static int check_reuse(struct install *inst, struct placed_file *f)
{
	struct ext2_inode_large inode;
	struct extent *runs = NULL;
	size_t nruns = 0;
	ext2_ino_t ino;

	f->reuse = false;
	if (fs_lookup(&inst->fs, f->path, &ino, inst->err))
		return inst->err->code;
	if (!ino)
		return 0;
	if (fs_read_inode(&inst->fs, ino, &inode, inst->err))
		return inst->err->code;
	if (!LINUX_S_ISREG(inode.i_mode) || EXT2_I_SIZE(&inode) != f->len ||
	    (inode.i_flags & EXT4_INLINE_DATA_FL))
		return 0;
	if (fs_block_runs(&inst->fs, ino, &runs, &nruns, inst->err))
		return inst->err->code;
	/* Only blocks inside the filesystem: a damaged inode is refused
	 * when it is removed instead.  */
	if (!nruns || !covers(inst, runs, nruns, blocks_for(inst, f->len))) {
		free(runs);
		return 0;
	}
	f->ino = ino;
	f->first_block = runs[0].pblk;
	if (nruns == 1) {
		f->reuse = true;
		free(runs);
		return 0;
	}
	f->runs = runs;
	f->nruns = nruns;
	f->reuse = !loaded_by_blocklist(inst, f) || list_fits(inst, f);
	if (!f->reuse) {
		free(f->runs);
		f->runs = NULL;
		f->nruns = 0;
	}
	return 0;
}

/* Reserving only touches the in-memory bitmaps: a filesystem without room
 * is refused before anything is written.  */
static int reserve(struct install *inst, struct placed_file *f)
{
	if (check_reuse(inst, f))
		return inst->err->code;
	if (f->reuse)
		return 0;
	return fs_reserve_run(&inst->fs, blocks_for(inst, f->len), &f->first_block,
			      inst->err);
}

/* The first writes: the directory, and old files that cannot be reused. */
static int make_room(struct install *inst)
{
	struct placed_file *files[] = { &inst->stage1, &inst->stage1_5, &inst->stage2,
					inst->write_config ? &inst->config : NULL,
					inst->write_default ? &inst->deflt : NULL };
	ext2_ino_t dir;

	if (fs_mkdir_p(&inst->fs, inst->paths.dir, &dir, inst->err))
		return inst->err->code;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] && !files[i]->reuse &&
		    fs_remove(&inst->fs, files[i]->path, inst->err))
			return inst->err->code;
	return 0;
}

static int copy_blob(struct placed_file *f, const char *path,
		     const struct stage_blob *b, struct gi_err *err)
{
	f->path = path;
	f->len = b->len;
	f->data = malloc(b->len);
	if (!f->data)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	memcpy(f->data, b->data, b->len);
	return 0;
}

int files_place(struct install *inst)
{
	const struct grub_paths *p = &inst->paths;

	if (copy_blob(&inst->stage1, p->stage1, &inst->stages.stage1, inst->err) ||
	    copy_blob(&inst->stage1_5, p->stage1_5, &inst->stages.stage1_5, inst->err) ||
	    copy_blob(&inst->stage2, p->stage2, &inst->stages.stage2, inst->err))
		return inst->err->code;
	if (reserve(inst, &inst->stage1) || reserve(inst, &inst->stage1_5) ||
	    reserve(inst, &inst->stage2) ||
	    (inst->write_config && reserve(inst, &inst->config)) ||
	    (inst->write_default && reserve(inst, &inst->deflt)))
		return inst->err->code;
	return 0;
}

/* The sectors after a file's first one, as its block list must name
 * them: *RUNS is ONE for a file in one run, else allocated.  */
static int rest_of(struct install *inst, const struct placed_file *f,
		   struct sector_run *one, struct sector_run **runs, size_t *n)
{
	uint64_t sectors = (f->len + SECTOR_SIZE - 1) / SECTOR_SIZE;

	if (f->nruns > 1)
		return fs_file_sector_runs(&inst->fs, f->ino, f->len, runs, n,
					   inst->err);
	*one = (struct sector_run){ placed_sector(inst, f) + 1, sectors - 1 };
	*runs = one;
	*n = 1;
	return 0;
}

/* For messages: the image, then the stage in it. */
static const char *stage_name(const struct install *inst, const char *what,
			      char *buf, size_t size)
{
	snprintf(buf, size, "%s: %s", inst->img.path, what);
	return buf;
}

int files_patch(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	uint32_t part = stage_partition_word(partition_grub_index(inst->boot));
	uint32_t device = stage_device_word(GRUB_SAME_DRIVE, part);
	struct sector_run run, *runs = &run;
	size_t nruns = 1;
	char name[PATH_MAX + 64];

	switch (inst->chain) {
	case CHAIN_EMBEDDED:
		/* `install` patches the embedded copy; the file stays pristine
		 * and stage1.5 finds stage2 by name.  */
		run = (struct sector_run){ 2, inst->embed_sectors - 1 };
		if (blocklist_write(inst->embedded, inst->stage1_5.len, &run, 1,
					STAGE1_5_LOAD_ADDRESS,
					stage_name(inst, "embedded stage1.5", name, sizeof(name)),
					inst->err) ||
		    stage1_5_set_stage2(inst->embedded, &inst->stages.stage1_5_info,
					GRUB_WHOLE_DISK, device, inst->paths.stage1_5_field,
					o->force_lba, inst->err))
			return inst->err->code;
		break;
	case CHAIN_STAGE1_5_FILE:
		if (rest_of(inst, &inst->stage1_5, &run, &runs, &nruns) ||
		    blocklist_write(inst->stage1_5.data, inst->stage1_5.len, runs,
				    nruns, STAGE1_5_LOAD_ADDRESS,
				    stage_name(inst, inst->stage1_5.path, name, sizeof(name)),
				    inst->err) ||
		    stage1_5_set_stage2(inst->stage1_5.data,
					&inst->stages.stage1_5_info, part, device,
					inst->paths.stage1_5_field, o->force_lba, inst->err))
			goto out;
		break;
	case CHAIN_STAGE2:
		if (rest_of(inst, &inst->stage2, &run, &runs, &nruns) ||
		    blocklist_write(inst->stage2.data, inst->stage2.len, runs, nruns,
				    STAGE2_LOAD_ADDRESS,
				    stage_name(inst, inst->stage2.path, name, sizeof(name)),
				    inst->err))
			goto out;
		break;
	}
	/* With a stage1.5 in front, stage2's install partition stays as
	 * shipped: the stage1.5 passes it on.  */
	stage2_set_config(inst->stage2.data, &inst->stages.stage2_info,
			  inst->chain == CHAIN_STAGE2 ? inst->paths.direct_menu_field
						    : inst->paths.menu,
			  o->force_lba, inst->chain == CHAIN_STAGE2 ? (long)part : -1,
			  inst->err);
out:
	if (runs != &run)
		free(runs);
	return inst->err->code;
}

/* Compares a reused file with what we would write. */
static int check_unchanged(struct install *inst, struct placed_file *f)
{
	ext2_ino_t ino;
	uint8_t *cur = NULL;
	size_t len = 0;

	f->unchanged = false;
	if (!f->reuse)
		return 0;
	if (fs_lookup(&inst->fs, f->path, &ino, inst->err) ||
	    fs_read_file(&inst->fs, ino, f->len, &cur, &len, inst->err))
		return inst->err->code;
	f->unchanged = len == f->len && memcmp(cur, f->data, len) == 0;
	free(cur);
	return 0;
}

/* The bytes into the file's blocks: one run, or each of its runs. */
static int write_data(struct install *inst, struct placed_file *f)
{
	uint64_t bs = fs_block_size(&inst->fs);

	if (f->nruns <= 1)
		return fs_write_blocks(&inst->fs, f->first_block, f->data, f->len,
				       inst->err);
	for (size_t i = 0; i < f->nruns; i++) {
		uint64_t from = f->runs[i].lblk * bs;
		uint64_t to = (f->runs[i].lblk + f->runs[i].len) * bs;

		if (to > f->len)
			to = f->len;
		if (from < to &&
		    fs_write_blocks(&inst->fs, f->runs[i].pblk, f->data + from,
				    (size_t)(to - from), inst->err))
			return inst->err->code;
	}
	return 0;
}

static int write_one(struct install *inst, struct placed_file *f)
{
	if (check_unchanged(inst, f))
		return inst->err->code;
	if (f->unchanged)
		return 0;
	if (!f->reuse &&
	    fs_create_file_at(&inst->fs, f->path, f->first_block, f->len, inst->err))
		return inst->err->code;
	if (write_data(inst, f))
		return inst->err->code;
	if (f->reuse)
		return fs_touch(&inst->fs, f->path, inst->err);
	return 0;
}

int files_write(struct install *inst)
{
	if (make_room(inst) || write_one(inst, &inst->stage1) || write_one(inst, &inst->stage1_5) ||
	    write_one(inst, &inst->stage2))
		return inst->err->code;
	if ((inst->write_config && write_one(inst, &inst->config)) ||
	    (inst->write_default && write_one(inst, &inst->deflt)))
		return inst->err->code;
	return config_write(inst);
}

void files_free(struct install *inst)
{
	free(inst->stage1.runs);
	free(inst->stage1_5.runs);
	free(inst->stage2.runs);
	free(inst->config.runs);
	free(inst->deflt.runs);
	free(inst->stage1.data);
	free(inst->stage1_5.data);
	free(inst->stage2.data);
	free(inst->config.data);
	free(inst->deflt.data);
	free(inst->embedded);
}
