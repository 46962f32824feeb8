/*
 * What GRUB's ext2 reader cannot read: filesystem-wide features (the table
 * shared with the installer, disk/features.c) and, file by file, storage
 * it does not know: inline data, block numbers above 2^32, huge files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

/* Does GRUB read this partition: stage2, the menu or a menu entry? */
static bool grub_reads(const struct inspect *in, int partno)
{
	return partno == in->stage2_partno || partno == in->root_partno;
}

static void check_partition_features(struct inspect *in, struct pfs *p)
{
	const struct ext2_super_block *sb = p->fs.e2->super;
	const struct fs_problem *f;
	size_t pos = 0;
	bool needed = grub_reads(in, p->part->number);
	char fix[256];
	int n = 0;

	while ((f = fs_grub_unreadable(sb, &pos))) {
		n++;
		snprintf(fix, sizeof(fix), "%s", f->fix);
		finding(in, needed ? FAIL : WARN, AREA_FEATURES, "feature-unreadable",
			NOTE(AT(p->part->start), .fix = fix),
			"partition %d: the filesystem %s (feature %s)%s",
			p->part->number, f->why, f->name,
			needed ? "" : "; GRUB does not need this partition");
	}
	if (!n)
		finding(in, OK, AREA_FEATURES, "features", NOTE(AT(p->part->start)),
			"partition %d: no filesystem feature GRUB 0.97 cannot "
			"read (incompat 0x%x)", p->part->number,
			sb->s_feature_incompat);
}

/* A filesystem the kernel found errors in or did not unmount (disk/
 * features.c): it boots, but the installer refuses it.  */
static void check_partition_state(struct inspect *in, struct pfs *p)
{
	const char *kernel_says, *state = fs_unclean(p->fs.e2->super, &kernel_says);
	char fix[160];

	if (!state)
		return;
	snprintf(fix, sizeof(fix), "e2fsck -f 'IMAGE?offset=%llu'",
		 (unsigned long long)(p->part->start * SECTOR_SIZE));
	finding(in, WARN, AREA_FEATURES, "fs-state",
		NOTE(AT(p->part->start), .fix = fix),
		"partition %d: the filesystem %s: GRUB reads it all the same and "
		"Linux mounts it with \"warning: %s, running e2fsck is "
		"recommended\", but grubinst will not install into it until "
		"e2fsck has checked it", p->part->number, state, kernel_says);
}

int check_fs_features(struct inspect *in)
{
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		struct pfs *p = pfs_get(in, in->pt.part[i].number);
		if (p && p->ok) {
			check_partition_features(in, p);
			check_partition_state(in, p);
		}
	}
	return 0;
}

/* Block numbers GRUB's 32-bit reader cannot address (ext4 64bit). */
static bool has_high_blocks(struct pfs *p, ext2_ino_t ino)
{
	struct extent *ext = NULL;
	struct gi_err err = { 0 };
	size_t n = 0;
	bool high = false;

	if (fs_block_runs(&p->fs, ino, &ext, &n, &err))
		return false;
	for (size_t i = 0; i < n; i++)
		if (ext[i].pblk + ext[i].len > UINT32_MAX)
			high = true;
	free(ext);
	return high;
}

/*
 * Holes in an extent-mapped file (mke2fs -d leaves all-zero blocks
 * unallocated).  GRUB 0.97's extent lookup takes the extent before the
 * block and maps past its end without checking, so the first block of a
 * hole reads whatever block follows that extent; from the second on it
 * stops with Error 16.  A hole before the first extent reads blocks in
 * front of it.  (Block-mapped files are fine: Debian's GRUB reads zeros for
 * a hole, and the ext2 boots of kernels with holes prove it.)
 */
struct holes {
	uint64_t first;		/* logical block of the first hole */
	uint64_t count;		/* blocks in holes */
	bool error16;		/* some hole is 2 blocks or more, after data */
};

static bool find_holes(struct pfs *p, const struct walk *w, struct holes *h)
{
	struct extent *ext = NULL;
	struct gi_err err = { 0 };
	uint64_t bs = fs_block_size(&p->fs);
	uint64_t end = (EXT2_I_SIZE(&w->inode) + bs - 1) / bs;
	uint64_t next = 0;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	if (!(w->inode.i_flags & EXT4_EXTENTS_FL) ||
	    fs_block_runs(&p->fs, w->ino, &ext, &n, &err))
		return false;
	for (size_t i = 0; i <= n; i++) {
		uint64_t start = i < n ? ext[i].lblk : end;

		if (start > next) {
			if (!h->count)
				h->first = next;
			h->count += start - next;
			h->error16 |= next > 0 && start - next >= 2;
		}
		if (i < n && ext[i].lblk + ext[i].len > next)
			next = ext[i].lblk + ext[i].len;
	}
	free(ext);
	return h->count > 0;
}

bool file_readable_by_grub(struct inspect *in, struct pfs *p, const char *path,
			   const struct walk *w, enum grubinst_area area)
{
	struct file_overhang o;
	struct holes h;
	const char *fix = "mke2fs -O ^inline_data (then copy the files back)";
	char shown[600];

	/* Name the file as the user wrote it, and where its links lead. */
	if (w->links)
		text_printf(shown, sizeof(shown), "%s (-> %s)", path, w->final);
	else
		text_copy(shown, sizeof(shown), path);

	if (w->inline_dir[0]) {
		finding(in, FAIL, AREA_FEATURES, "feature-inline-data",
			NOTE(.path = w->inline_dir, .fix = fix),
			"%s: directory %s keeps its entries inside its inode "
			"(inline_data): GRUB reads them as block numbers and "
			"does not find %s", path, w->inline_dir, path);
		return false;
	}
	if (w->inode.i_flags & EXT4_INLINE_DATA_FL) {
		finding(in, FAIL, AREA_FEATURES, "feature-inline-data",
			NOTE(.path = path, .fix = fix),
			"%s: its %u bytes are kept inside the inode (inline_data): "
			"GRUB reads them as block numbers and gets garbage or "
			"\"Error 24\" (a menu.lst kept inline gives the \"grub>\" "
			"prompt)", shown, (unsigned)EXT2_I_SIZE(&w->inode));
		return false;
	}
	if ((w->inode.i_flags & EXT4_HUGE_FILE_FL) ||
	    has_high_blocks(p, w->ino)) {
		finding(in, FAIL, AREA_FEATURES, "feature-64bit-blocks",
			NOTE(.path = path, .grub_error = GERR_FILELENGTH),
			"%s: lies beyond block 2^32 or is a huge file: GRUB stops "
			"with \"Error 14: Filesystem compatibility error, cannot "
			"read whole file\"", shown);
		return false;
	}
	if (find_holes(p, w, &h)) {
		finding(in, FAIL, AREA_FEATURES, "file-holes",
			NOTE(.path = path, .grub_error = h.error16 ? GERR_FSYS_CORRUPT : 0,
			     .fix = "copy the file in again without holes, or make "
				    "the filesystem with 4 KiB blocks (mke2fs -b 4096)"),
			"%s: %llu of its blocks are holes (the first is block "
			"%llu of the file; mke2fs -d leaves all-zero blocks out): "
			"GRUB's extent lookup reads the wrong block for a hole%s",
			shown, (unsigned long long)h.count,
			(unsigned long long)h.first,
			h.error16 ? " and stops with \"Error 16: Inconsistent "
				    "filesystem structure\" at the next one"
				  : ", so the file it loads is corrupt");
		return false;
	}
	file_overhang(p, w->ino, &o);
	if (o.count) {
		report_grub_overhang(in, p, area, path, &o);
		return false;
	}
	return true;
}
