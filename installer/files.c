/* The files of /boot/grub: each in one contiguous run of blocks, so that a
 * block list of one entry describes it, and rewritten in place when it
 * already sits in such a run (a second install changes nothing).  */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

static uint64_t blocks_for(const struct install *in, size_t len)
{
	unsigned bs = fs_block_size(&in->fs);
	return (len + bs - 1) / bs;
}

/* Can the existing file at F->path be rewritten in place? */
static int check_reuse(struct install *in, struct placed_file *f)
{
	struct ext2_inode_large inode;
	struct extent *runs = NULL;
	size_t nruns = 0;
	ext2_ino_t ino;

	f->reuse = false;
	if (fs_lookup(&in->fs, f->path, &ino, in->err))
		return in->err->code;
	if (!ino)
		return 0;
	if (fs_read_inode(&in->fs, ino, &inode, in->err))
		return in->err->code;
	if (!LINUX_S_ISREG(inode.i_mode) || EXT2_I_SIZE(&inode) != f->len ||
	    (inode.i_flags & EXT4_INLINE_DATA_FL))
		return 0;
	if (fs_block_runs(&in->fs, ino, &runs, &nruns, in->err))
		return in->err->code;
	/* Only blocks inside the filesystem: a damaged inode is refused
	 * when it is removed instead.  */
	if (nruns == 1 && runs[0].lblk == 0 &&
	    runs[0].len == blocks_for(in, f->len) &&
	    fs_run_inside(&in->fs, &runs[0])) {
		f->reuse = true;
		f->first_block = runs[0].pblk;
	}
	free(runs);
	return 0;
}

/* Reserving only touches the in-memory bitmaps: a filesystem without room
 * is refused before anything is written.  */
static int reserve(struct install *in, struct placed_file *f)
{
	if (check_reuse(in, f))
		return in->err->code;
	if (f->reuse)
		return 0;
	return fs_reserve_run(&in->fs, blocks_for(in, f->len), &f->first_block,
			      in->err);
}

/* The first writes: the directory, and old files that cannot be reused. */
static int make_room(struct install *in)
{
	struct placed_file *files[] = { &in->stage1, &in->stage1_5, &in->stage2,
					in->write_config ? &in->config : NULL };
	ext2_ino_t dir;

	if (fs_mkdir_p(&in->fs, GRUB_DIR, &dir, in->err))
		return in->err->code;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (files[i] && !files[i]->reuse &&
		    fs_remove(&in->fs, files[i]->path, in->err))
			return in->err->code;
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

int files_place(struct install *in)
{
	if (copy_blob(&in->stage1, GRUB_DIR "/stage1", &in->stages.stage1, in->err) ||
	    copy_blob(&in->stage1_5, GRUB_DIR "/e2fs_stage1_5",
		      &in->stages.stage1_5, in->err) ||
	    copy_blob(&in->stage2, STAGE2_PATH, &in->stages.stage2, in->err))
		return in->err->code;
	if (reserve(in, &in->stage1) || reserve(in, &in->stage1_5) ||
	    reserve(in, &in->stage2) ||
	    (in->write_config && reserve(in, &in->config)))
		return in->err->code;
	return 0;
}

/* The sectors after a file's first one, as its block list must name them. */
static struct sector_run rest_of(const struct install *in,
				 const struct placed_file *f)
{
	uint64_t sectors = (f->len + SECTOR_SIZE - 1) / SECTOR_SIZE;

	return (struct sector_run){ placed_sector(in, f) + 1, sectors - 1 };
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
static const char *stage_name(const struct install *in, const char *what,
			      char *buf, size_t size)
{
	snprintf(buf, size, "%s: %s", in->img.path, what);
	return buf;
}

int files_patch(struct install *in)
{
	const struct grubinst_options *o = in->opts;
	uint32_t part = stage_partition_word(partition_grub_index(in->boot));
	uint32_t device = stage_device_word(GRUB_SAME_DRIVE, part);
	struct sector_run run;
	char name[PATH_MAX + 64];

	switch (in->chain) {
	case CHAIN_EMBEDDED:
		/* `install` patches the embedded copy; the file stays pristine
		 * and stage1.5 finds stage2 by name.  */
		run = (struct sector_run){ 2, in->embed_sectors - 1 };
		if (blocklist_write(in->embedded, in->stage1_5.len, &run, 1,
					STAGE1_5_LOAD_ADDRESS,
					stage_name(in, "embedded stage1.5", name, sizeof(name)),
					in->err) ||
		    stage1_5_set_stage2(in->embedded, &in->stages.stage1_5_info,
					GRUB_WHOLE_DISK, device, STAGE1_5_STAGE2_FIELD,
					o->force_lba, in->err))
			return in->err->code;
		break;
	case CHAIN_STAGE1_5_FILE:
		run = rest_of(in, &in->stage1_5);
		if (blocklist_write(in->stage1_5.data, in->stage1_5.len, &run,
					1, STAGE1_5_LOAD_ADDRESS,
					stage_name(in, in->stage1_5.path, name, sizeof(name)),
					in->err) ||
		    stage1_5_set_stage2(in->stage1_5.data,
					&in->stages.stage1_5_info, part, device,
					STAGE1_5_STAGE2_FIELD, o->force_lba, in->err))
			return in->err->code;
		break;
	case CHAIN_STAGE2:
		run = rest_of(in, &in->stage2);
		if (blocklist_write(in->stage2.data, in->stage2.len, &run, 1,
					STAGE2_LOAD_ADDRESS,
					stage_name(in, in->stage2.path, name, sizeof(name)),
					in->err))
			return in->err->code;
		break;
	}
	/* With a stage1.5 in front, stage2's install partition stays as
	 * shipped: the stage1.5 passes it on.  */
	return stage2_set_config(in->stage2.data, &in->stages.stage2_info,
				 in->chain == CHAIN_STAGE2 ? STAGE2_DIRECT_MENU_FIELD
							   : MENU_PATH,
				 o->force_lba,
				 in->chain == CHAIN_STAGE2 ? (long)part : -1,
				 in->err);
}

/* Compares a reused file with what we would write. */
static int check_unchanged(struct install *in, struct placed_file *f)
{
	ext2_ino_t ino;
	uint8_t *cur = NULL;
	size_t len = 0;

	f->unchanged = false;
	if (!f->reuse)
		return 0;
	if (fs_lookup(&in->fs, f->path, &ino, in->err) ||
	    fs_read_file(&in->fs, ino, f->len, &cur, &len, in->err))
		return in->err->code;
	f->unchanged = len == f->len && memcmp(cur, f->data, len) == 0;
	free(cur);
	return 0;
}

static int write_one(struct install *in, struct placed_file *f)
{
	if (check_unchanged(in, f))
		return in->err->code;
	if (f->unchanged)
		return 0;
	if (!f->reuse &&
	    fs_create_file_at(&in->fs, f->path, f->first_block, f->len, in->err))
		return in->err->code;
	if (fs_write_blocks(&in->fs, f->first_block, f->data, f->len, in->err))
		return in->err->code;
	if (f->reuse)
		return fs_touch(&in->fs, f->path, in->err);
	return 0;
}

int files_write(struct install *in)
{
	if (make_room(in) || write_one(in, &in->stage1) || write_one(in, &in->stage1_5) ||
	    write_one(in, &in->stage2))
		return in->err->code;
	if (in->write_config && write_one(in, &in->config))
		return in->err->code;
	return config_write(in);
}

void files_free(struct install *in)
{
	free(in->stage1.data);
	free(in->stage1_5.data);
	free(in->stage2.data);
	free(in->config.data);
	free(in->embedded);
}
