/*
 * What GRUB's ext2 reader cannot read: filesystem-wide features (the rules
 * shared with the installer, rules.c) and, file by file, storage it does
 * not know: inline data, block numbers above 2^32, huge files.
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
	struct rule_target t;
	struct verdict v;
	size_t pos = 0;
	int n = 0;

	pfs_target(p, grub_reads(in, p->part->number), &t);
	if (rule_grub_reach(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	while (rule_fs_feature(&t, &pos, &v)) {
		finding_verdict(in, &v, NOTE(0));
		n++;
	}
	if (!n)
		finding(in, OK, FC_FEATURES, NOTE(AT(p->part->start)),
			"partition %d: no filesystem feature GRUB 0.97 cannot "
			"read (incompat 0x%x)", p->part->number,
			p->fs.e2->super->s_feature_incompat);
}

/* A filesystem whose checksums are wrong (read past them to say more), the
 * kernel found errors in or did not unmount: the installer refuses it
 * (rules.c).  */
static void check_partition_state(struct inspect *in, struct pfs *p)
{
	struct rule_target t;
	struct verdict v;
	char dir[sizeof(in->stage2_path)];
	const char *slash = strrchr(in->stage2_path, '/');

	pfs_target(p, grub_reads(in, p->part->number), &t);
	/* GRUB's directory, where an install goes: stage2's, when the
	 * chain found it in this partition.  */
	if (p->part->number == in->stage2_partno && slash && slash > in->stage2_path) {
		text_printf(dir, sizeof(dir), "%.*s", (int)(slash - in->stage2_path),
			    in->stage2_path);
		t.grub_dir = dir;
	}
	if (rule_fs_checksum(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	if (rule_fs_state(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	if (rule_fs_mmp(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	if (rule_fs_descriptors(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	else if (rule_fs_directories(&t, &v))
		finding_verdict(in, &v, NOTE(0));
	if (rule_fs_allocatable(&t, &v))
		finding_verdict(in, &v, NOTE(0));
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

/* The blocks P's journal has yet to write back (read once). */
static const struct fs_blocks *journal_of(struct pfs *p)
{
	struct gi_err err = { 0 };

	if (!p->journal_state) {
		p->journal_state = 1;
		if (!(p->fs.e2->super->s_feature_incompat & EXT3_FEATURE_INCOMPAT_RECOVER) ||
		    fs_journal_blocks(&p->fs, &p->journal, &err) || p->journal.unreadable)
			p->journal_state = -1;
	}
	return p->journal_state > 0 ? &p->journal : NULL;
}

/* An inode read on the way to W's file, for messages: "the file", its
 * path, or its number.  */
static void name_inode(struct pfs *p, const struct walk *w, ext2_ino_t ino,
		       char *buf, size_t size)
{
	if (ino == w->ino)
		text_copy(buf, size, "the file");
	else if (inode_path(p, ino, buf, size))
		text_printf(buf, size, "inode %u", ino);
}

/*
 * A journal to replay holds newer copies of some blocks; GRUB 0.97 reads
 * the old ones in place, and so does this report.  Along the path GRUB
 * walked (every directory, link and the file itself) a newer copy that
 * differs where GRUB looks (an inode's type, size, flags or block map, a
 * directory or data block) means GRUB loads the file as it was before the
 * journal's last transactions: mostly an older, whole version
 * (ext4 reuses no block freed in a transaction before it commits), which
 * the checks after this one judge as GRUB sees it.  Linux replays the
 * journal when it mounts the filesystem.
 */
static void journal_note(struct inspect *in, struct pfs *p, const char *shown,
			 const struct walk *w)
{
	const struct fs_blocks *log = journal_of(p);
	char what[300];
	uint64_t blk;
	bool itable;
	char fix[sizeof(in->fixbuf)];

	rule_fsck_fix(p->part, p->sectors, fix, sizeof(fix));
	for (int i = 0; log && i < w->nread; i++) {
		if (!fs_inode_stale(&p->fs, w->read[i], log, &blk, &itable))
			continue;
		name_inode(p, w, w->read[i], what, sizeof(what));
		finding(in, WARN, FC_FS_JOURNAL_STALE,
			NOTE(.path = shown, AT(fs_block_sector(&p->fs, blk)),
			     .fix = fix),
			"%s: the journal of partition %d has not been replayed and "
			"holds a newer copy of block %llu (%s of %s): GRUB ignores "
			"the journal and loads the file as it was before the last "
			"transactions (as this report reads it); Linux replays the "
			"journal when it mounts the filesystem", shown,
			p->part->number, (unsigned long long)blk,
			itable ? "the inode" : "a block", what);
		return;
	}
}

/* The inodes GRUB reads on the way (directories, links, the file) lie in
 * inode tables inside the partition: else its first read past the end is
 * Error 24.  */
static bool inodes_inside(struct inspect *in, struct pfs *p, const char *shown,
			  const struct walk *w, enum grubinst_area area)
{
	for (int i = 0; i < w->nread; i++) {
		uint64_t blk = fs_inode_block(&p->fs, w->read[i]);
		char what[300];

		if (blk < p->limit)
			continue;
		name_inode(p, w, w->read[i], what, sizeof(what));
		finding(in, FAIL, FC_GRUB_OUTSIDE_PARTITION,
			NOTE(IN_AREA(area), .path = shown, AT(fs_block_sector(&p->fs, blk)),
			     .grub_error = GERR_OUTSIDE_PART),
			"GRUB must read %s, but the inode of %s lies in block "
			"%llu of the inode table, past the end of partition %d: "
			"GRUB stops with \"Error 24: Attempt to access block "
			"outside partition\"", shown, what, (unsigned long long)blk,
			p->part->number);
		return false;
	}
	return true;
}

/* What GRUB reads on the way to the file (the inodes and blocks of every
 * directory and link, then the file's own) must lie before the disk's
 * grub_disk_reach(): past it GRUB's disk reads fail.  Booted: a kernel in
 * a partition that crosses sector 2^31 of a 3 TiB disk gives "Error 16:
 * Inconsistent filesystem structure"; on a 2 TiB disk, where GRUB reads
 * only what the C/H/S geometry covers, "root" gives "Error 18".  */
static bool within_grub_reach(struct inspect *in, struct pfs *p,
			      const char *shown, const struct walk *w,
			      enum grubinst_area area)
{
	struct rule_target t;
	struct verdict v;

	pfs_target(p, true, &t);
	if (rule_grub_reach(&t, &v)) {	/* GRUB cannot even mount it */
		finding_verdict(in, &v, NOTE(IN_AREA(area), .path = shown));
		return false;
	}
	for (int i = 0; i < w->nread; i++) {
		uint64_t blk = fs_inode_block(&p->fs, w->read[i]);
		struct file_overhang o = { 0 };
		char what[300];

		if (blk < p->grub_limit)
			file_blocks_from(p, w->read[i], p->grub_limit, &o);
		if (blk < p->grub_limit && !o.count)
			continue;
		if (blk >= p->grub_limit)
			o.first = blk;
		name_inode(p, w, w->read[i], what, sizeof(what));
		finding(in, FAIL, FC_GRUB_SECTOR_LIMIT,
			NOTE(IN_AREA(area), .path = shown, AT(fs_block_sector(&p->fs, o.first))),
			"GRUB must read %s, but %s of %s lies at sector %llu, past "
			"sector %llu, the last one GRUB reads on this disk: %s and "
			"its reads there fail (\"Error 16: Inconsistent filesystem "
			"structure\" or \"Error 18: Selected cylinder exceeds "
			"maximum supported by BIOS\"); GRUB's files and the kernels "
			"it loads must lie in the first %llu sectors of the disk",
			shown, blk >= p->grub_limit ? "the inode" : "a block", what,
			(unsigned long long)fs_block_sector(&p->fs, o.first),
			(unsigned long long)(p->reach - 1), grub_reach_why(p->reach),
			(unsigned long long)p->reach);
		return false;
	}
	return true;
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
 * Holes in an extent-mapped file (fs_extent_holes()) (mke2fs -d leaves all-zero blocks
 * unallocated).  GRUB 0.97's extent lookup takes the extent before the
 * block and maps past its end without checking, so the first block of a
 * hole reads whatever block follows that extent; from the second on it
 * stops with Error 16.  A hole before the first extent reads blocks in
 * front of it.  (Block-mapped files are fine: Debian's GRUB reads zeros for
 * a hole, and the ext2 boots of kernels with holes prove it.)
 */
/* An extent tree deeper than the inode: GRUB 0.97 reads its extent block
 * again for every read of the file (its menu: every byte), and when that
 * block and the data lie in different tracks its one-track disk cache
 * reads both from the disk each time (the man page's recipe, 1 KiB
 * blocks: a 14 MB kernel took 150 to 317 s to load under QEMU, against
 * 19 s from 4 KiB blocks, bench/boots.sh; a 24 KiB menu in six runs
 * 117 s, 6 s moved).  It boots; the install moves such files
 * (installer/holes.c).  */
static void slow_load(struct inspect *in, struct pfs *p, const char *path,
		      const char *shown, const struct walk *w, bool install_moves)
{
	uint64_t bs = fs_block_size(&p->fs);
	uint64_t blocks = (EXT2_I_SIZE(&w->inode) + bs - 1) / bs;
	int depth = fs_extent_depth(&w->inode);
	/* The install needs that many free blocks (in at most four runs,
	 * which it looks for itself): without them its move does nothing.  */
	bool fix = install_moves && p->installs &&
		   ext2fs_free_blocks_count(p->fs.e2->super) >= blocks;

	if (depth <= 0)
		return;
	finding(in, WARN, FC_FILE_EXTENT_DEPTH,
		NOTE(.path = path, .fix = fix ? "grubinst IMAGE" : NULL,
		     .fix_installs = fix),
		"%s: its extents do not fit in its inode (a tree of depth %d): "
		"GRUB 0.97 reads their block again for each of its %llu blocks "
		"(for its menu, each byte), from the disk when that block and "
		"the data lie in different tracks: slow (a 14 MB kernel took "
		"minutes to load under QEMU, seconds from 4 KiB blocks)%s",
		shown, depth, (unsigned long long)blocks,
		fix ? "; the install moves it into runs the inode holds"
		    : " (copy it in again where free space is in few runs, "
		      "or make the filesystem with 4 KiB blocks)");
}

bool file_readable_by_grub(struct inspect *in, struct pfs *p, const char *path,
			   const struct walk *w, enum grubinst_area area,
			   bool install_moves)
{
	struct file_overhang o;
	struct fs_holes h;
	char shown[600];

	/* Name the file as the user wrote it, and where its links lead. */
	if (w->links)
		text_printf(shown, sizeof(shown), "%s (-> %s)", path, w->final);
	else
		text_copy(shown, sizeof(shown), path);

	if (w->inline_dir[0]) {
		finding(in, FAIL, FC_FEATURE_INLINE_DATA,
			NOTE(.path = w->inline_dir),
			"%s: directory %s keeps its entries inside its inode "
			"(inline_data): GRUB reads them as block numbers and "
			"does not find %s (make the filesystem with -O "
			"^inline_data)", path, w->inline_dir, path);
		return false;
	}
	if (w->inode.i_flags & EXT4_INLINE_DATA_FL) {
		finding(in, FAIL, FC_FEATURE_INLINE_DATA,
			NOTE(.path = path),
			"%s: its %u bytes are kept inside the inode (inline_data): "
			"GRUB reads them as block numbers and gets garbage or "
			"\"Error 24\" (a menu.lst kept inline gives the \"grub>\" "
			"prompt; make the filesystem with -O ^inline_data)", shown,
			(unsigned)EXT2_I_SIZE(&w->inode));
		return false;
	}
	if ((w->inode.i_flags & EXT4_HUGE_FILE_FL) ||
	    has_high_blocks(p, w->ino)) {
		finding(in, FAIL, FC_FEATURE_64BIT_BLOCKS,
			NOTE(.path = path, .grub_error = GERR_FILELENGTH),
			"%s: lies beyond block 2^32 or is a huge file: GRUB stops "
			"with \"Error 14: Filesystem compatibility error, cannot "
			"read whole file\"", shown);
		return false;
	}
	if (fs_extent_holes(&p->fs, w->ino, &w->inode, &h)) {
		bool error16 = h.longest_after_data >= 2;

		finding(in, FAIL, FC_FILE_HOLES,
			NOTE(.path = path, .grub_error = error16 ? GERR_FSYS_CORRUPT : 0),
			"%s: %llu of its blocks are holes (the first is block "
			"%llu of the file; mke2fs -d leaves all-zero blocks out): "
			"GRUB's extent lookup reads the wrong block for a hole%s "
			"(copy the file in again without holes, or make the "
			"filesystem with 4 KiB blocks)",
			shown, (unsigned long long)h.count,
			(unsigned long long)h.first,
			error16 ? " and stops with \"Error 16: Inconsistent "
				    "filesystem structure\" at the next one"
				  : ", so the file it loads is corrupt");
		return false;
	}
	if (!inodes_inside(in, p, shown, w, area))
		return false;
	file_overhang(p, w->ino, &o);
	if (o.count) {
		report_grub_overhang(in, p, area, path, &o);
		return false;
	}
	if (!within_grub_reach(in, p, shown, w, area))
		return false;
	journal_note(in, p, shown, w);
	slow_load(in, p, path, shown, w, install_moves);
	return true;
}
