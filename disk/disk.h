/*
 * Disk and filesystem access: the only place that touches the image.
 * image.c       raw sectors of the image file or block device, its lock:
 *               the bottom layer of an install's writes
 * mounts.c      the kernel's mounts of it, the file behind a loop device
 * ptable.c      the MBR partition table, read with libfdisk
 * probe.c       what else a partition holds, named by libblkid
 * fs.c          the ext2/3/4 filesystem of a partition, through libext2fs
 * fstime.c      the times written into the filesystem
 * groups.c      its allocation bitmaps, read one block group at a time
 * inuse.c       the blocks those bitmaps mark in use past a point
 * descriptors.c its group descriptors, checked in one pass
 * listing.c     a directory read once, looked up by name
 * jbd.c         its journal's log, not yet replayed
 * mmp.c         multiple mount protection
 * quota.c       quota usage kept right as an install changes inodes
 * undo.c        the undo record: the layer over image.c that records
 *               the old contents before the writes go through
 * journal.c     an install's writes, held until the commit: the top
 *               layer, committed through undo.c
 * capture.c     libext2fs' writes into that journal, and reads through it
 */
#ifndef GRUBINST_DISK_H
#define GRUBINST_DISK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <ext2fs/ext2fs.h>

#include "lib/internal.h"

#include "lib/bytes.h"

/* The pending writes of an install (journal.c), below. */
struct journal;

/* ---- mmp.c: multiple mount protection (ext4 -O mmp) ---- */

/* A filesystem's MMP block, as read. */
struct fs_mmp {
	bool present;		/* the filesystem has -O mmp */
	uint64_t block;
	uint64_t sector;	/* absolute, of the block */
	bool csum;		/* metadata_csum: the block has a checksum */
	uint32_t csum_seed;
	bool magic_ok, csum_ok;
	uint32_t seq;		/* EXT4_MMP_SEQ_CLEAN: no node uses it */
	uint64_t time;		/* when it was last stamped */
	char node[65];		/* the node that stamped it */
	char bdev[33];		/* ...and its name of the device */
	/* mmp_claim(): the block before, which mmp_release() puts back. */
	bool claimed;
	struct mmp_struct before;
};

struct fs;
struct image;
/* Reads the MMP block of FS into M (M->present false without -O mmp). */
errcode_t fs_mmp_read(const struct fs *fs, struct fs_mmp *m);
/* Does M say that no node uses the filesystem (or has it no MMP)? */
bool fs_mmp_clean(const struct fs_mmp *m);
/* Before an install's writes: reads the block again, refuses (busy) when
 * a node has started using the filesystem, else stamps a sequence of
 * grubinst's own.  */
int mmp_claim(struct image *img, struct fs_mmp *m, struct gi_err *err);
/* After them: the block as it was before mmp_claim(). */
int mmp_release(struct image *img, struct fs_mmp *m, struct gi_err *err);

/* ---- image.c ---- */

/* Loop devices over loop devices followed down to their storage. */
#define IMAGE_STACK_MAX 8

/* The raw sectors of an image: the bottom layer.  The undo record's place
 * (struct undo) and the pending writes (struct journal) are stacked over
 * it, each in its own file.  */
struct image {
	const char *path;
	int fd;
	bool writable;
	bool is_blockdev;
	uint64_t size;		/* bytes */
	/* PATH is a label, not a name of the file: opened from a descriptor
	 * given without a name, the image has no directory to hold an undo
	 * record (undo.c).  */
	bool unnamed;
	/* A loop device's backing file, locked with the device; or -1. */
	int backing_fd;
	/* Everything under a loop device, each locked with it: its backing
	 * file or device, and down a stack of loop devices to the storage
	 * (backing_fd is the first when it is a file).  */
	int stack_fd[IMAGE_STACK_MAX];
	int nstack;
};

/* ---- mounts.c ---- */

/* A filesystem the kernel mounted from the image's storage. */
struct mount_use {
	bool mounted;
	char device[64];	/* "/dev/loop0p1" */
	char mountpoint[1024];
	bool read_only;
	uint64_t loop_offset;	/* bytes: a loop device set up at an offset */
};

/* Is the image, a partition of it, or a loop device over its file (or a
 * partition of that) mounted?  Fills M with the first mount found.  */
bool image_mount_use(const struct image *img, struct mount_use *m);

/* The file behind a loop device. */
struct loop_backing {
	char path[4096];	/* as the kernel names it (absolute) */
	uint64_t offset;	/* bytes: where the device starts in it */
	bool whole;		/* the device is the loop device itself, not
				   a partition of it */
	char device[64];	/* "/dev/loop0" */
};

/* Is RDEV a loop device (or a partition of one) over a file that still
 * has a name?  */
bool loop_backing(dev_t rdev, struct loop_backing *lb);

/* Opens PATH for reading, and for writing when WRITABLE.  Takes an
 * exclusive lock for writing (shared for reading).  */
int image_open(struct image *img, const char *path, bool writable,
	       struct gi_err *err);
/* The same on a descriptor the caller opened (and keeps); NAME is used in
 * messages.  Writing needs FD open for reading and writing.  */
int image_open_fd(struct image *img, int fd, const char *name, bool writable,
		  struct gi_err *err);
/* Opens the image handle G names, by path or by descriptor. */
int image_open_handle(struct image *img, const grubinst *g, bool writable,
		      struct gi_err *err);
void image_close(struct image *img);
int image_read(struct image *img, uint64_t sector, void *buf, size_t nsect,
	       struct gi_err *err);
int image_write(struct image *img, uint64_t sector, const void *buf,
		size_t nsect, struct gi_err *err);
int image_sync(struct image *img, struct gi_err *err);

static inline uint64_t image_sectors(const struct image *img)
{
	return img->size / SECTOR_SIZE;
}

/* ---- ptable.c ---- */

#define PTABLE_MAX 64

struct partition {
	int number;		/* as the kernel names it: 1..4 primary, 5.. logical */
	uint64_t start;		/* sectors */
	uint64_t size;		/* sectors */
	unsigned type;		/* MBR type byte */
	bool active;
	bool logical;
	bool container;		/* an extended partition */
	char guid_type[40];	/* GPT: its type GUID, upper case; "" on MBR */
	char guid[40];		/* GPT: its own GUID (Linux's PARTUUID), upper
				   case; "" on MBR */
};

struct ptable {
	struct partition part[PTABLE_MAX];
	int count;
	uint32_t disk_id;
	int loop_after;		/* 0, or the last logical partition before
				   the chain of extended boot records links
				   back to an earlier one */
	bool gpt;		/* a GPT (ptable_read_any()) */
	uint64_t first_lba;	/* a GPT's first sector for partitions */
};

/* Reads the MBR partition table of an opened image; a GPT is refused
 * (GI_CAUSE_GPT: GRUB Legacy reads MBRs only).  */
int ptable_read(struct image *img, struct ptable *pt, struct gi_err *err);
/* ...or a GPT too, for a loader that reads it (GRUB 2). */
int ptable_read_any(struct image *img, struct ptable *pt, struct gi_err *err);
/* The refusal ptable_read() gives a GPT disk, for a caller of
 * ptable_read_any() whose loader does not read it.  */
int ptable_refuse_gpt(const struct image *img, struct gi_err *err);

/* The GPT type of a BIOS boot partition, where GRUB 2 embeds core.img. */
#define GPT_BIOS_BOOT "21686148-6449-6E6F-744E-656564454649"
/* The GPT type of a Linux filesystem's partition. */
#define GPT_LINUX_DATA "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
/* A GPT's header (sector 1) and its 128 entries of 128 bytes end here. */
#define GPT_FIRST_USABLE 34

/* GRUB's number for a partition: (hd0,0) is partition 1, (hd0,4) is 5. */
static inline int partition_grub_index(const struct partition *p)
{
	return p->number - 1;
}

const struct partition *ptable_find(const struct ptable *pt, int number);
/* The PARTUUID of partition P of PT, as Linux names it (msdos.c, efi.c):
 * an MBR disk's "<disk identifier>-<number>" ("%08x-%02x"), a GPT
 * entry's GUID in lower case; NULL when a GPT entry has none.  */
const char *ptable_partuuid(const struct ptable *pt, const struct partition *p,
			    char *buf, size_t size);
/* Do A and B share sectors?  (Empty partitions share none.) */
bool partitions_overlap(const struct partition *a, const struct partition *b);
/* Does logical partition P lie inside extended partition C, as it must? */
bool partition_inside(const struct partition *p, const struct partition *c);

/* ---- fs.c ---- */

struct fs {
	ext2_filsys e2;
	const char *image_path;
	uint64_t offset;	/* bytes from the start of the image */
	bool writable;
	/* Kept from the superblock so that reports can use them after close. */
	unsigned block_size;
	uint64_t blocks;
	/* Bitmaps read group by group (groups.c); NULL when libext2fs read
	 * them all.  e2->priv_data points at it.  */
	struct fs_groups *groups;
};

/* One run of physical blocks of a file. */
struct extent {
	uint64_t lblk;
	uint64_t pblk;
	uint64_t len;
};

/* What a libext2fs error code says, by its value. */
enum fs_failure {
	FS_FAILURE_IO,		/* a system call failed (or a bug): exit 2 */
	FS_FAILURE_NOMEM,
	FS_FAILURE_NO_ROOM,	/* the filesystem is full: a refusal */
	FS_FAILURE_PATH,	/* a path that is not what it must be: a file
				   where a directory must be, a symlink loop */
	FS_FAILURE_REFUSED,	/* a feature grubinst cannot use */
	FS_FAILURE_DAMAGE,	/* what it read does not make sense */
};
enum fs_failure fs_failure_of(errcode_t rc);
/* Records libext2fs' failure RC while doing WHAT on FS, as what it says:
 * damage is a refusal naming e2fsck (GI_CAUSE_FS_DAMAGED), no room and
 * the rest a refusal too, a failed system call an I/O error.  */
int fs_fail(const struct fs *fs, errcode_t rc, const char *what,
	    struct gi_err *err);

/* The directory an install adds its files to (the deepest of /boot/grub,
 * /boot, / that exists) and the way to it: 0, or the damage libext2fs
 * finds (a hole below its size, entries it cannot parse, an inode number
 * past the last), the directory named in *WHICH.  */
errcode_t fs_check_boot_dirs(const struct fs *fs, const char *dir,
			     char *which, size_t size);

/* Opens the filesystem at byte OFFSET of the opened image IMG. */
/* The same, read-only, as it will be once the writes PENDING are
 * committed (the installer's check of its own result).  */
int fs_open_pending(struct fs *fs, const struct image *img,
		    const struct journal *pending, uint64_t offset,
		    struct gi_err *err);
int fs_open(struct fs *fs, const struct image *img, uint64_t offset,
	    bool writable, struct gi_err *err);
/* Allocation needs the bitmaps; a writable open loads them itself.  They
 * are read one block group at a time, as allocations reach the groups.  */
int fs_load_bitmaps(struct fs *fs, struct gi_err *err);
/* Names what the SIZE bytes at OFFSET hold when libblkid knows it ("ntfs",
 * "swap", "vfat"...); false if it finds nothing it knows.  */
bool fs_probe_foreign(const struct image *img, uint64_t offset, uint64_t size,
		      char *buf, size_t bufsize);
/* A filesystem signature on the whole disk of IMG (besides its partition
 * table): its type, and the byte offset of its magic for wipefs --offset. */
bool fs_probe_magic(const struct image *img, char *buf, size_t bufsize,
		    uint64_t *magic_at);
/* Writes everything back and closes; the filesystem is consistent after. */
int fs_close(struct fs *fs, struct gi_err *err);
/* Closes without writing anything (dry runs, failures before any write). */
void fs_abandon(struct fs *fs);

uint64_t fs_blocks(const struct fs *fs);
/* "ext2", "ext3" or "ext4", as its features make it. */
const char *fs_kind(const struct fs *fs);
unsigned fs_block_size(const struct fs *fs);

/* Looks up PATH; *INO is 0 when it does not exist.  Symlinks in the last
 * component are not followed.  */
int fs_lookup(struct fs *fs, const char *path, ext2_ino_t *ino,
	      struct gi_err *err);
/* Like fs_lookup but follows symlinks, as a reader of the file would. */
int fs_resolve(struct fs *fs, const char *path, ext2_ino_t *ino,
	       struct gi_err *err);
int fs_read_inode(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in,
		  struct gi_err *err);

/* Reads a whole regular file (at most MAX bytes) into a malloc'ed buffer. */
int fs_read_file(struct fs *fs, ext2_ino_t ino, size_t max, uint8_t **data,
		 size_t *len, struct gi_err *err);
/* Reads the first N bytes of file INO (fewer if it is shorter: *GOT). */
int fs_read_head(struct fs *fs, ext2_ino_t ino, void *buf, size_t n,
		 size_t *got, struct gi_err *err);
/* Hands FN the bytes FROM..TO-1 of file INO in order, BUFSIZE of them at
 * a time through BUF: a file of any size in the memory of one chunk.  A
 * non-zero return of FN stops the reading and is returned.  */
typedef int (*fs_chunk_fn)(const uint8_t *data, size_t len, uint64_t off,
			   void *ctx);
int fs_read_chunks(struct fs *fs, ext2_ino_t ino, uint64_t from, uint64_t to,
		   uint8_t *buf, size_t bufsize, fs_chunk_fn fn, void *ctx,
		   struct gi_err *err);

/* Creates the directory PATH (and its parents) if missing. */
int fs_mkdir_p(struct fs *fs, const char *path, ext2_ino_t *ino,
	       struct gi_err *err);

/* Finds NBLOCKS free contiguous blocks for a new file in DIR, marks them in
 * use and returns the first.  */
int fs_reserve_run(struct fs *fs, uint64_t nblocks, uint64_t *first,
		   struct gi_err *err);

/* Makes PATH a regular file whose data is the reserved run FIRST..FIRST+N-1
 * and of LEN bytes, replacing an existing file.  Data is written with
 * fs_write_blocks.  */
int fs_create_file_at(struct fs *fs, const char *path, uint64_t first,
		      uint64_t len, struct gi_err *err);
int fs_write_blocks(struct fs *fs, uint64_t first, const uint8_t *data,
		    size_t len, struct gi_err *err);

/* The block map of a regular file as runs; *N receives their count. */
int fs_block_runs(struct fs *fs, ext2_ino_t ino, struct extent **runs,
		  size_t *n, struct gi_err *err);
/* The absolute sectors of a file's sectors 1..end, for a file of SIZE
 * bytes, as a GRUB block list names them (its sector 0 is loaded first,
 * by itself): runs that follow each other on the disk are merged.  */
int fs_file_sector_runs(struct fs *fs, ext2_ino_t ino, uint64_t size,
			struct sector_run **out, size_t *n, struct gi_err *err);
/* Does run R lie inside the filesystem (a damaged inode may name blocks
 * that no disk has)?  */
bool fs_run_inside(const struct fs *fs, const struct extent *r);

/* The blocks below a file's size that no extent of an extent-mapped file
 * maps (mke2fs -d leaves all-zero blocks out); false for none, and for a
 * block-mapped file.  */
struct fs_holes {
	uint64_t first;		/* logical block of the first hole */
	uint64_t count;		/* blocks in holes */
	uint64_t longest_after_data;	/* the longest hole after a mapped block */
};
bool fs_extent_holes(struct fs *fs, ext2_ino_t ino,
		     const struct ext2_inode_large *inode, struct fs_holes *h);
/* Allocates and zeroes the holes of extent-mapped file INO (PATH for
 * messages); *FILLED is the number of blocks it filled.  */
int fs_fill_holes(struct fs *fs, ext2_ino_t ino, const char *path,
		  uint64_t *filled, struct gi_err *err);
/* The depth of extent-mapped file INODE's tree: 0 when it fits in the
 * inode (at most 4 extents), -1 for a block-mapped file.  */
int fs_extent_depth(const struct ext2_inode_large *inode);
/* Moves extent-mapped file INO, whose tree does not fit in its inode,
 * into one run of free blocks, so that it does: same bytes, same times.
 * *MOVED is the number of blocks moved: 0 when the file needs no move,
 * has holes, or no free run is long enough.  */
int fs_compact(struct fs *fs, ext2_ino_t ino, const char *path,
	       uint64_t *moved, struct gi_err *err);

/* Creates a symbolic link PATH -> TARGET, replacing an existing link. */
int fs_symlink(struct fs *fs, const char *path, const char *target,
	       struct gi_err *err);
int fs_readlink(struct fs *fs, ext2_ino_t ino, char *buf, size_t size,
		struct gi_err *err);

/* Sets the modification and change times of PATH to fs_now(). */
int fs_touch(struct fs *fs, const char *path, struct gi_err *err);

/* Removes PATH if it exists (a file or a symlink), freeing its blocks. */
int fs_remove(struct fs *fs, const char *path, struct gi_err *err);

/* ---- listing.c: a directory read once ---- */

struct fs_dirent {
	char name[EXT2_NAME_LEN + 1];
	ext2_ino_t ino;
	int type;		/* EXT2_FT_*, EXT2_FT_UNKNOWN without filetype */
};
struct fs_listing {
	struct fs_dirent *e;	/* sorted by name */
	size_t n, cap;
};
/* Every entry of directory DIR (an inode number). */
int fs_list_dir(struct fs *fs, ext2_ino_t dir, struct fs_listing *l,
		struct gi_err *err);
/* The entry NAME of L, or NULL. */
const struct fs_dirent *fs_listing_find(const struct fs_listing *l,
					const char *name);
void fs_listing_free(struct fs_listing *l);

/* ---- quota.c ---- */

/* Adds the usage changes of the inodes journal J changes (against the
 * image IMG) to FS's quota files, when it keeps quotas; refuses
 * (fs-feature) when an owner has no entry in them.  */
int fs_quota_update(struct fs *fs, const struct image *img,
		    const struct journal *j, struct gi_err *err);

/* ---- fstime.c ---- */

/* The time written into inodes and the superblock. */
time_t fs_now(const struct fs *fs);
/* Makes every later time written at most EPOCH (seconds since 1970);
 * a negative EPOCH keeps the current time.  */
void fs_clamp_time(struct fs *fs, long long epoch);
/* Sets the modification and change times of inode INO to fs_now(). */
errcode_t fs_stamp_changed(struct fs *fs, ext2_ino_t ino);

/* ---- jbd.c: the journal's log ---- */

/* The blocks the committed, not yet replayed transactions of a journal
 * hold newer copies of, and where in the journal the newest copy is.  */
struct fs_logged {
	uint64_t block;
	uint32_t log;		/* block of the journal holding the copy */
	bool escaped;		/* its first 4 bytes were the journal magic */
};
struct fs_blocks {
	struct fs_logged *block;
	size_t n, cap;
	ext2_ino_t journal_ino;
	bool unreadable;	/* the journal could not be read */
};

int fs_journal_blocks(struct fs *fs, struct fs_blocks *out, struct gi_err *err);
bool fs_blocks_has(const struct fs_blocks *s, uint64_t blk);
/* Does LOG change what a reader sees of inode INO: the inode's type,
 * size, flags or block map, or the contents of one of its blocks?  The
 * first such block (the inode-table block, or a data or mapping block)
 * goes to *BLK.  */
bool fs_inode_stale(struct fs *fs, ext2_ino_t ino, const struct fs_blocks *log,
		    uint64_t *blk, bool *is_inode_block);
void fs_blocks_free(struct fs_blocks *s);

/* ---- groups.c ---- */

struct fs_groups;

/* Starts reading the bitmaps group by group: installs the allocation hooks
 * and fs->write_bitmaps, which writes back the groups read.  */
errcode_t fs_groups_start(struct fs *fs);
/* After the filesystem is closed or abandoned. */
void fs_groups_free(struct fs *fs);
/* Were blocks FIRST..FIRST+COUNT-1 all free on the disk when their groups
 * were read?  False for groups not read.  */
bool fs_groups_were_free(struct fs *fs, blk64_t first, blk64_t count);
/* Before freeing inode INO: its group's bitmap must be in memory. */
errcode_t fs_groups_need_inode(struct fs *fs, ext2_ino_t ino);
/* ext2fs_new_inode() for a new file in DIR, reading only the group it
 * takes the inode from.  */
errcode_t fs_groups_new_inode(struct fs *fs, ext2_ino_t dir, int mode,
			      ext2_ino_t *ino);

/* Group G's block bitmap as on the disk into BUF (one filesystem block),
 * its checksum checked as ext2fs_read_bitmaps() checks it, or STRICT even
 * when the filesystem was opened to read past wrong checksums: all zeros
 * for a group never initialised.  */
errcode_t fs_read_block_bitmap_of(ext2_filsys e2, dgrp_t g, bool strict,
				  char *buf);

/* ---- inuse.c ---- */

/* The first block from FIRST to the end of the filesystem that the block
 * bitmaps on the disk mark in use and that is not the metadata of a group
 * (superblock and descriptor backups, bitmaps, inode tables), in *AT; 0
 * when there is none.  Reads the bitmaps of those groups only.  An error
 * when one cannot be read or its checksum fails, or for bigalloc.  */
errcode_t fs_used_from(struct fs *fs, blk64_t first, blk64_t *at);

/* ---- descriptors.c ---- */

/* What ext2fs_check_desc() checks, in one pass over the groups: 0, or
 * EXT2_ET_GDESC_BAD_BLOCK_MAP, _INODE_MAP or _INODE_TABLE.  */
errcode_t fs_check_descriptors(ext2_filsys e2);
/* The same by libext2fs' ext2fs_check_desc(), with its bitmap of every
 * metadata block kept as a tree of extents, which stays small: for
 * layouts the one pass does not handle, and the fuzzer's reference.  */
errcode_t fs_check_descriptors_slowly(ext2_filsys e2);

/* ---- journal.c: the writes of an install, held until commit ---- */

/* Where a pending write goes, in the order journal_commit() writes them:
 * filesystem blocks that were free before the install (their old contents
 * mean nothing to the filesystem), the rest of the filesystem, then after
 * a sync each the embedded stage1.5 and the boot sector.  */
enum journal_class { JOURNAL_FS_FREE, JOURNAL_FS, JOURNAL_EMBED, JOURNAL_BOOT };

struct journal_run {
	uint64_t sector;
	size_t count;		/* sectors */
	enum journal_class cls;
	uint8_t *data;
};

/* Pending writes, sorted by sector and never overlapping. */
struct journal {
	struct journal_run *run;
	size_t n, cap;
	/* The MMP block of the filesystem the writes go into, claimed by
	 * journal_commit() around them (mmp.c); not present: none.  */
	struct fs_mmp mmp;
};

/* Queues NSECT sectors of DATA for SECTOR; a later write wins. */
int journal_add(struct journal *j, uint64_t sector, const void *data,
		size_t nsect, enum journal_class cls, struct gi_err *err);
/* Lays the pending writes over BUF, LEN bytes of the image at OFFSET. */
/* NSECT sectors of IMG at SECTOR as they will be once J is committed:
 * image_read() with J's writes laid over what it read.  */
int journal_read(const struct journal *j, struct image *img, uint64_t sector,
		 void *buf, size_t nsect, struct gi_err *err);
void journal_overlay(const struct journal *j, uint64_t offset, void *buf,
		     size_t len);
/* Do the pending writes hold all of LEN bytes at OFFSET? */
bool journal_covers(const struct journal *j, uint64_t offset, size_t len);
struct undo;
/* Writes what changes to the image below UNDO, after UNDO's record of
 * it; on failure puts the old contents back and says so in the
 * message.  */
int journal_commit(struct journal *j, struct undo *undo, struct gi_err *err);
void journal_free(struct journal *j);

/* ---- capture.c ---- */

/* From now on libext2fs' writes to FS go to J, not to the image. */
int fs_capture(struct fs *fs, struct image *img, struct journal *j,
	       struct gi_err *err);
/* ext2fs_open2() of the filesystem at byte OFFSET of IMG as it will be
 * once J is committed: reads see J's writes, and nothing can be written.  */
errcode_t fs_open_overlay(const struct image *img, const struct journal *j,
			  uint64_t offset, int flags, ext2_filsys *e2);

/* ---- undo.c: the undo record, while an install writes ---- */

/* What an image is, whatever name it was opened by: a file (its device
 * and inode) or a block device (its device number).  A loop device over
 * a file from its start is that file: the two names share one lock and
 * one undo record.  */
struct storage {
	bool is_file;
	dev_t dev;		/* a file: the filesystem it is on */
	ino_t ino;		/* a file: its inode */
	dev_t rdev;		/* a block device */
	uid_t owner;		/* the image's owner */
};

/* The layer between the journal and the image: where the image's undo
 * record lives and the record this run wrote.  Attached to an open
 * image; only undo.c looks inside.  */
struct undo {
	struct image *img;	/* the layer below */
	/* The record's place, found once (on first use): a directory held
	 * open so that every use is in the same one, and a name in it.  */
	bool located;
	int dir;		/* -1: no place (dir_errno says why) */
	int dir_errno;
	struct storage id;
	char name[64];
	char path[4096 + 64];	/* for messages */
	/* The record this run wrote, so that only it is removed. */
	bool written;
	dev_t rec_dev;
	ino_t rec_ino;
	/* undo_save() succeeded and undo_discard() has not run: writes may
	 * go through (with no place for a record, once undo_save() ran).  */
	bool saved;
};

/* Stacks an undo layer over IMG (open, or with fd -1); touches nothing. */
void undo_attach(struct undo *undo, struct image *img);
/* Closes what the layer opened; the image stays open. */
void undo_detach(struct undo *undo);
/* The layer's writes: the image's, refused until undo_save() has put the
 * record of them on disk.  */
int undo_write(struct undo *undo, uint64_t sector, const void *buf,
	       size_t nsect, struct gi_err *err);
int undo_sync(struct undo *undo, struct gi_err *err);

/* Sectors about to change: old and new contents of COUNT sectors. */
struct sector_change {
	uint64_t sector;
	size_t count;
	enum journal_class cls;
	uint8_t *before, *after;
	size_t cap;		/* sectors BEFORE and AFTER have room for */
};

int undo_save(struct undo *undo, const struct sector_change *c, size_t n,
	      struct gi_err *err);
int undo_discard(struct undo *undo, struct gi_err *err);

/* What the undo record of an image says, once read and checked. */
enum undo_status {
	UNDO_NONE,		/* no record: no install was interrupted */
	UNDO_PENDING,		/* an interrupted install's record, checked:
				   it can be rolled back */
	UNDO_RESTORED,		/* ...and undo_recover() rolled it back */
	UNDO_UNREADABLE,	/* a record this process may not read */
	UNDO_INVALID,		/* something there that grubinst will not
				   roll back: why says what */
};

struct undo_state {
	enum undo_status status;
	char path[4096 + 64];	/* the record */
	char why[512];		/* UNDO_INVALID, UNDO_UNREADABLE */
	uint64_t sectors;	/* UNDO_PENDING: sectors it holds;
				   UNDO_RESTORED: sectors put back */
};

/* Reads and checks the undo record of the image below UNDO without
 * writing anything.  Fails only when the image cannot be read.  */
int undo_examine(struct undo *undo, struct undo_state *u, struct gi_err *err);
/* The same, then rolls a pending record back (UNDO_RESTORED) and removes
 * it; the image must be open for writing.  */
int undo_recover(struct undo *undo, struct undo_state *u,
		 const struct gi_reporter *rep, struct gi_err *err);

/* Absolute sector of a filesystem block; UINT64_MAX for a block number
 * (from a damaged filesystem) that no disk has.  */
/* The inode-table block that holds inode INO. */
static inline uint64_t fs_inode_block(const struct fs *fs, ext2_ino_t ino)
{
	ext2_filsys e2 = fs->e2;
	dgrp_t group = (ino - 1) / e2->super->s_inodes_per_group;
	uint64_t byte = (uint64_t)((ino - 1) % e2->super->s_inodes_per_group) *
			EXT2_INODE_SIZE(e2->super);

	return ext2fs_inode_table_loc(e2, group) + byte / e2->blocksize;
}

static inline uint64_t fs_block_sector(const struct fs *fs, uint64_t blk)
{
	uint64_t base = fs->offset / SECTOR_SIZE, spb = fs->block_size / SECTOR_SIZE;

	if (blk > (UINT64_MAX - base) / spb)
		return UINT64_MAX;
	return base + blk * spb;
}

#endif
