/* The files of /boot/grub: each in one contiguous run of blocks, so that a
 * block list of one entry describes it, and rewritten in place when it
 * already sits in such a run (a second install changes nothing).  */
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
	if (nruns == 1 && runs[0].lblk == 0 &&
	    runs[0].len == blocks_for(inst, f->len) &&
	    fs_run_inside(&inst->fs, &runs[0])) {
		f->reuse = true;
		f->first_block = runs[0].pblk;
	}
	free(runs);
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
					inst->write_config ? &inst->config : NULL };
	ext2_ino_t dir;

	if (fs_mkdir_p(&inst->fs, GRUB_DIR, &dir, inst->err))
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
	if (copy_blob(&inst->stage1, GRUB_DIR "/stage1", &inst->stages.stage1, inst->err) ||
	    copy_blob(&inst->stage1_5, GRUB_DIR "/e2fs_stage1_5",
		      &inst->stages.stage1_5, inst->err) ||
	    copy_blob(&inst->stage2, STAGE2_PATH, &inst->stages.stage2, inst->err))
		return inst->err->code;
	if (reserve(inst, &inst->stage1) || reserve(inst, &inst->stage1_5) ||
	    reserve(inst, &inst->stage2) ||
	    (inst->write_config && reserve(inst, &inst->config)))
		return inst->err->code;
	return 0;
}

/* The sectors after a file's first one, as its block list must name them. */
static struct sector_run rest_of(const struct install *inst,
				 const struct placed_file *f)
{
	uint64_t sectors = (f->len + SECTOR_SIZE - 1) / SECTOR_SIZE;

	return (struct sector_run){ placed_sector(inst, f) + 1, sectors - 1 };
}

/* `setup` runs "install ... p (hd0,N)/boot/grub/stage2 /boot/grub/menu.lst"
 * and `install` copies the rest of that line into the stage1.5: the path
 * field holds both names.  The stage1.5 stops reading at the space; we
 * write the same bytes so that an install matches the grub shell's.  */
#define STAGE1_5_STAGE2_FIELD STAGE2_PATH " " MENU_PATH

/* Without a stage1.5, setup's install line ends "p /boot/grub/menu.lst "
 * (an empty last argument) and stage2 gets the trailing space too.  */
#define STAGE2_DIRECT_MENU_FIELD MENU_PATH " "

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
	struct sector_run run;
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
					GRUB_WHOLE_DISK, device, STAGE1_5_STAGE2_FIELD,
					o->force_lba, inst->err))
			return inst->err->code;
		break;
	case CHAIN_STAGE1_5_FILE:
		run = rest_of(inst, &inst->stage1_5);
		if (blocklist_write(inst->stage1_5.data, inst->stage1_5.len, &run,
					1, STAGE1_5_LOAD_ADDRESS,
					stage_name(inst, inst->stage1_5.path, name, sizeof(name)),
					inst->err) ||
		    stage1_5_set_stage2(inst->stage1_5.data,
					&inst->stages.stage1_5_info, part, device,
					STAGE1_5_STAGE2_FIELD, o->force_lba, inst->err))
			return inst->err->code;
		break;
	case CHAIN_STAGE2:
		run = rest_of(inst, &inst->stage2);
		if (blocklist_write(inst->stage2.data, inst->stage2.len, &run, 1,
					STAGE2_LOAD_ADDRESS,
					stage_name(inst, inst->stage2.path, name, sizeof(name)),
					inst->err))
			return inst->err->code;
		break;
	}
	/* With a stage1.5 in front, stage2's install partition stays as
	 * shipped: the stage1.5 passes it on.  */
	return stage2_set_config(inst->stage2.data, &inst->stages.stage2_info,
				 inst->chain == CHAIN_STAGE2 ? STAGE2_DIRECT_MENU_FIELD
							   : MENU_PATH,
				 o->force_lba,
				 inst->chain == CHAIN_STAGE2 ? (long)part : -1,
				 inst->err);
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

static int write_one(struct install *inst, struct placed_file *f)
{
	if (check_unchanged(inst, f))
		return inst->err->code;
	if (f->unchanged)
		return 0;
	if (!f->reuse &&
	    fs_create_file_at(&inst->fs, f->path, f->first_block, f->len, inst->err))
		return inst->err->code;
	if (fs_write_blocks(&inst->fs, f->first_block, f->data, f->len, inst->err))
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
	if (inst->write_config && write_one(inst, &inst->config))
		return inst->err->code;
	return config_write(inst);
}

void files_free(struct install *inst)
{
	free(inst->stage1.data);
	free(inst->stage1_5.data);
	free(inst->stage2.data);
	free(inst->config.data);
	free(inst->embedded);
}
