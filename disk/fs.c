/* The ext2/3/4 filesystem of a partition, opened in place with libext2fs. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <et/com_err.h>
#include <ext2fs/ext2_err.h>

#include "disk/disk.h"

#define FS_FAIL(err, fs, rc, what) fs_fail(fs, rc, what, err)

/* The system's errno values, below libext2fs' table (and every other
 * com_err table).  */
#define ERRNO_MAX 4096

/* What a libext2fs error code means.  Its value decides, never its
 * message: a system call that failed (or the library's own misuse) is an
 * I/O error; a full filesystem, a feature it cannot handle or a path in
 * the way is a refusal; everything else libext2fs says about what it
 * read is damage: a structure it could not follow.  */
enum fs_failure fs_failure_of(errcode_t rc)
{
	if (rc == EXT2_ET_NO_MEMORY || rc == ENOMEM)
		return FS_FAILURE_NOMEM;
	if (rc > 0 && rc < ERRNO_MAX)
		return FS_FAILURE_IO;
	if (rc <= EXT2_ET_BASE || rc >= EXT2_ET_BASE + 256)
		return FS_FAILURE_IO;
	if ((rc > EXT2_ET_BASE && rc <= EXT2_ET_MAGIC_EXTENT_HANDLE) ||
	    (rc >= EXT2_ET_MAGIC_EXTENT_PATH && rc <= EXT2_ET_MAGIC_RESERVED_19) ||
	    rc == EXT2_ET_MAGIC_EA_HANDLE)
		return FS_FAILURE_IO;	/* a handle of the wrong kind: a bug */
	switch (rc) {
	/* Reading or writing the image failed (groups.c, capture.c say
	 * which errno when there is one).  */
	case EXT2_ET_GDESC_READ:
	case EXT2_ET_GDESC_WRITE:
	case EXT2_ET_INODE_BITMAP_WRITE:
	case EXT2_ET_INODE_BITMAP_READ:
	case EXT2_ET_BLOCK_BITMAP_WRITE:
	case EXT2_ET_BLOCK_BITMAP_READ:
	case EXT2_ET_INODE_TABLE_WRITE:
	case EXT2_ET_INODE_TABLE_READ:
	case EXT2_ET_NEXT_INODE_READ:
	case EXT2_ET_SHORT_WRITE:
	case EXT2_ET_LLSEEK_FAILED:
	case EXT2_ET_RO_FILSYS:
	case EXT2_ET_BAD_DEVICE_NAME:
	case EXT2_ET_CALLBACK_NOTHANDLED:
	case EXT2_ET_INVALID_ARGUMENT:
	case EXT2_ET_UNIMPLEMENTED:
	case EXT2_ET_CANCEL_REQUESTED:
	case EXT2_ET_IO_CHANNEL_NO_SUPPORT_64:
	case EXT2_ET_CANT_USE_LEGACY_BITMAPS:
		return FS_FAILURE_IO;
	case EXT2_ET_DIR_NO_SPACE:
	case EXT2_ET_TOOSMALL:
	case EXT2_ET_BLOCK_ALLOC_FAIL:
	case EXT2_ET_INODE_ALLOC_FAIL:
	case EXT2_ET_RES_GDT_BLOCKS:
	case EXT2_ET_EXTENT_NO_SPACE:
	case EXT2_ET_DIR_NO_SPACE_FOR_CSUM:
	case EXT2_ET_EA_NO_SPACE:
	case EXT2_ET_INLINE_DATA_NO_SPACE:
		return FS_FAILURE_NO_ROOM;
	case EXT2_ET_NO_DIRECTORY:
	case EXT2_ET_FILE_NOT_FOUND:
	case EXT2_ET_FILE_EXISTS:
	case EXT2_ET_DIR_EXISTS:
	case EXT2_ET_SYMLINK_LOOP:
		return FS_FAILURE_PATH;
	case EXT2_ET_FILE_TOO_BIG:
	case EXT2_ET_FILE_RO:
	case EXT2_ET_UNSUPP_FEATURE:
	case EXT2_ET_RO_UNSUPP_FEATURE:
	case EXT2_ET_OP_NOT_SUPPORTED:
	case EXT2_ET_EXTENT_NOT_SUPPORTED:
	case EXT2_ET_INLINE_DATA_CANT_ITERATE:
	case EXT2_ET_NO_INLINE_DATA:
	case EXT2_ET_MISSING_EA_FEATURE:
	case EXT2_ET_MMP_FAILED:
	case EXT2_ET_MMP_FSCK_ON:
	case EXT2_ET_MMP_CHANGE_ABORT:
	case EXT2_ET_MMP_OPEN_DIRECT:
	case EXT2_ET_EXTERNAL_JOURNAL_NOSUPP:
		return FS_FAILURE_REFUSED;
	default:
		return FS_FAILURE_DAMAGE;
	}
}

/* The fix a refusal for damage names, as --verify's findings name it
 * (lib/fixline.c): e2fsck on a copy of the filesystem, the image's path
 * quoted in it.  */
static const char *fsck_fix(const struct fs *fs, char *buf, size_t size)
{
	char tmpl[512];

	gi_fsck_fix(tmpl, sizeof(tmpl), fs->offset / SECTOR_SIZE,
		    fs->blocks * fs->block_size / SECTOR_SIZE);
	if (!gi_fix_expand(buf, size, tmpl, fs->image_path))
		snprintf(buf, size, "e2fsck -fy on a copy of the filesystem");
	return buf;
}

int fs_fail(const struct fs *fs, errcode_t rc, const char *what,
	    struct gi_err *err)
{
	char fix[600];

	switch (fs_failure_of(rc)) {
	case FS_FAILURE_NOMEM:
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	case FS_FAILURE_DAMAGE:
		return gi_refuse(err, GI_CAUSE_FS_DAMAGED, fs->image_path,
				 "%s: %s: the filesystem at byte %llu is damaged; "
				 "repair it first: %s", what, error_message(rc),
				 (unsigned long long)fs->offset,
				 fsck_fix(fs, fix, sizeof(fix)));
	case FS_FAILURE_NO_ROOM:
		return gi_refuse(err, GI_CAUSE_NO_ROOM, fs->image_path, "%s: %s",
				 what, error_message(rc));
	case FS_FAILURE_PATH:
		return gi_refuse(err, GI_CAUSE_PATH_TAKEN, fs->image_path,
				 "%s: %s", what, error_message(rc));
	case FS_FAILURE_REFUSED:
		return gi_refuse(err, GI_CAUSE_FS_FEATURE, fs->image_path,
				 "%s: %s", what, error_message(rc));
	case FS_FAILURE_IO:
		break;
	}
	if (rc > 0 && rc < ERRNO_MAX)
		return gi_fail_errno(err, (int)rc, fs->image_path, "%s: %s",
				     what, error_message(rc));
	return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, fs->image_path,
			  "%s: %s", what, error_message(rc));
}

/* libext2fs works on a duplicate of the image's descriptor, so that it
 * reads and writes the very file we opened, locked and checked.  Its
 * unixfd manager closes the duplicate when the filesystem is closed, and
 * on a failure once its I/O channel exists; before that only an allocation
 * can fail, and leaking the duplicate then is safer than closing a number
 * that may have been reused.  */
static errcode_t open_on_image(const struct image *img, uint64_t offset,
			       int flags, ext2_filsys *e2)
{
	char fd_name[16], io_options[64];
	int fd = fcntl(img->fd, F_DUPFD_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	snprintf(fd_name, sizeof(fd_name), "%d", fd);
	snprintf(io_options, sizeof(io_options), "offset=%llu",
		 (unsigned long long)offset);
	return ext2fs_open2(fd_name, io_options, flags, 0, 0, unixfd_io_manager,
			    e2);
}


/* ext2fs_open2 accepts some superblocks that e2fsck rejects and on which
 * libext2fs later overruns its own buffers: a first data block other than
 * the one the block size implies breaks ext2fs_read_bitmaps.  */
static int check_superblock(struct fs *fs, struct gi_err *err)
{
	const struct ext2_super_block *sb = fs->e2->super;
	unsigned want = sb->s_log_block_size == 0 &&
				EXT2FS_CLUSTER_RATIO(fs->e2) == 1 ? 1 : 0;

	if (sb->s_first_data_block == want)
		return 0;
	return gi_refuse(err, GI_CAUSE_NO_FS, fs->image_path,
			 "no ext2/ext3/ext4 filesystem at byte %llu: corrupt "
			 "superblock: first data block %u, should be %u",
			 (unsigned long long)fs->offset, sb->s_first_data_block,
			 want);
}

/* Before writing: group descriptors that put a bitmap or an inode table
 * on other metadata (or outside the filesystem) would make the allocator
 * hand out blocks that are in use, and the stage files would overwrite
 * the inode table.  */
static int check_descriptors(struct fs *fs, struct gi_err *err)
{
	errcode_t rc = fs_check_descriptors(fs->e2);
	char fix[600];

	if (!rc)
		return 0;
	return gi_refuse(err, GI_CAUSE_FS_DAMAGED, fs->image_path,
			 "the filesystem at byte %llu is damaged (%s); repair "
			 "it first: %s", (unsigned long long)fs->offset,
			 error_message(rc), fsck_fix(fs, fix, sizeof(fix)));
}

static int open_fs(struct fs *fs, const struct image *img,
		   const struct journal *pending, uint64_t offset,
		   bool writable, struct gi_err *err)
{
	int flags = EXT2_FLAG_64BITS;
	errcode_t rc;

	/* Registers libext2fs' messages with com_err; it is idempotent. */
	initialize_ext2_error_table();
	memset(fs, 0, sizeof(*fs));
	fs->image_path = img->path;
	fs->offset = offset;
	fs->writable = writable;
	/* Like the kernel, write only the primary superblock and group
	 * descriptors: the backups are for e2fsck and resize2fs to refresh,
	 * and a 2 TiB ext4 has 19 backup copies of its megabyte of group
	 * descriptors.  */
	/* The MMP block (-O mmp) is read and claimed by mmp.c through the
	 * image's descriptor: libext2fs would open the device by a name
	 * with O_DIRECT, which neither a descriptor nor an offset has.  */
	if (writable)
		flags |= EXT2_FLAG_RW | EXT2_FLAG_MASTER_SB_ONLY |
			 EXT2_FLAG_SKIP_MMP;
	/* Reading, checksums that do not match are read past, for --verify
	 * to say more (rule_fs_checksum() says they are wrong).  Writing,
	 * never: libext2fs would write a valid checksum over the damage.  */
	else
		flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
	rc = pending ? fs_open_overlay(img, pending, offset, flags, &fs->e2)
		     : open_on_image(img, offset, flags, &fs->e2);
	if (rc && writable && fs_failure_of(rc) == FS_FAILURE_DAMAGE) {
		fs->e2 = NULL;
		return fs_fail(fs, rc, "cannot open the filesystem for writing", err);
	}
	if (rc) {
		char type[64];

		fs->e2 = NULL;
		if (rc == EXT2_ET_BAD_MAGIC &&
		    fs_probe_foreign(img, offset, 0, type, sizeof(type)))
			return gi_refuse(err, GI_CAUSE_NO_FS, img->path,
					 "no ext2/ext3/ext4 filesystem at byte "
					 "%llu: it holds %s (as libblkid names it)",
					 (unsigned long long)offset, type);
		return gi_refuse(err, GI_CAUSE_NO_FS, img->path,
				 "no ext2/ext3/ext4 filesystem at byte %llu: %s",
				 (unsigned long long)offset, error_message(rc));
	}
	fs->block_size = fs->e2->blocksize;
	fs->blocks = ext2fs_blocks_count(fs->e2->super);
	if (check_superblock(fs, err) ||
	    (writable && (check_descriptors(fs, err) || fs_load_bitmaps(fs, err)))) {
		fs_abandon(fs);
		return err->code;
	}
	return 0;
}

int fs_open(struct fs *fs, const struct image *img, uint64_t offset,
	    bool writable, struct gi_err *err)
{
	return open_fs(fs, img, NULL, offset, writable, err);
}

int fs_open_pending(struct fs *fs, const struct image *img,
		    const struct journal *pending, uint64_t offset,
		    struct gi_err *err)
{
	return open_fs(fs, img, pending, offset, false, err);
}

int fs_load_bitmaps(struct fs *fs, struct gi_err *err)
{
	errcode_t rc;

	/* Files placed block by block in a filesystem that allocates
	 * clusters got wrong block counts and free counts: e2fsck -fn
	 * found both after an install.  */
	if (ext2fs_has_feature_bigalloc(fs->e2->super))
		return gi_refuse(err, GI_CAUSE_FS_FEATURE, fs->image_path,
				 "the filesystem at byte %llu allocates clusters "
				 "of %d blocks (bigalloc); grubinst cannot place "
				 "files in it: make it without -O bigalloc",
				 (unsigned long long)fs->offset,
				 EXT2FS_CLUSTER_RATIO(fs->e2));
	rc = fs_groups_start(fs);
	return rc ? FS_FAIL(err, fs, rc, "cannot read the allocation bitmaps") : 0;
}

int fs_close(struct fs *fs, struct gi_err *err)
{
	errcode_t rc;

	if (!fs->e2)
		return 0;
	rc = ext2fs_close2(fs->e2, 0);
	if (rc) {
		/* ext2fs_close2 frees nothing on failure. */
		ext2fs_free(fs->e2);
		fs->e2 = NULL;
		fs_groups_free(fs);
		return FS_FAIL(err, fs, rc, "cannot write the filesystem");
	}
	fs->e2 = NULL;
	fs_groups_free(fs);
	return 0;
}

void fs_abandon(struct fs *fs)
{
	if (fs->e2)
		ext2fs_free(fs->e2);
	fs->e2 = NULL;
	fs_groups_free(fs);
}

const char *fs_kind(const struct fs *fs)
{
	struct ext2_super_block *sb = fs->e2->super;

	return ext2fs_has_feature_extents(sb) ? "ext4"
	       : ext2fs_has_feature_journal(sb) ? "ext3" : "ext2";
}

uint64_t fs_blocks(const struct fs *fs)
{
	return fs->blocks;
}

unsigned fs_block_size(const struct fs *fs)
{
	return fs->block_size;
}

/* A missing file is not an error: *INO is 0. */
static int namei(struct fs *fs, const char *path, bool follow, ext2_ino_t *ino,
		 struct gi_err *err)
{
	errcode_t rc = follow ? ext2fs_namei_follow(fs->e2, EXT2_ROOT_INO,
						    EXT2_ROOT_INO, path, ino)
			      : ext2fs_namei(fs->e2, EXT2_ROOT_INO, EXT2_ROOT_INO,
					     path, ino);

	if (rc == EXT2_ET_FILE_NOT_FOUND) {
		*ino = 0;
		return 0;
	}
	if (rc) {
		char what[PATH_MAX + 16];

		snprintf(what, sizeof(what), "cannot %s %s",
			 follow ? "resolve" : "look up", path);
		return fs_fail(fs, rc, what, err);
	}
	return 0;
}

int fs_lookup(struct fs *fs, const char *path, ext2_ino_t *ino,
	      struct gi_err *err)
{
	return namei(fs, path, false, ino, err);
}

int fs_resolve(struct fs *fs, const char *path, ext2_ino_t *ino,
	       struct gi_err *err)
{
	return namei(fs, path, true, ino, err);
}

int fs_read_inode(struct fs *fs, ext2_ino_t ino, struct ext2_inode_large *in,
		  struct gi_err *err)
{
	errcode_t rc;

	memset(in, 0, sizeof(*in));
	rc = ext2fs_read_inode_full(fs->e2, ino, (struct ext2_inode *)in,
				    sizeof(*in));
	if (rc) {
		char what[32];

		snprintf(what, sizeof(what), "cannot read inode %u", ino);
		return fs_fail(fs, rc, what, err);
	}
	return 0;
}

int fs_read_head(struct fs *fs, ext2_ino_t ino, void *buf, size_t n,
		 size_t *got, struct gi_err *err)
{
	ext2_file_t file;
	unsigned r = 0;
	errcode_t rc;

	*got = 0;
	rc = ext2fs_file_open(fs->e2, ino, 0, &file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot open a file");
	rc = ext2fs_file_read(file, buf, (unsigned)n, &r);
	ext2fs_file_close(file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot read a file");
	*got = r;
	return 0;
}

int fs_read_chunks(struct fs *fs, ext2_ino_t ino, uint64_t from, uint64_t to,
		   uint8_t *buf, size_t bufsize, fs_chunk_fn fn, void *ctx,
		   struct gi_err *err)
{
	ext2_file_t file;
	errcode_t rc;
	int stop = 0;

	rc = ext2fs_file_open(fs->e2, ino, 0, &file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot open a file");
	rc = ext2fs_file_llseek(file, from, EXT2_SEEK_SET, NULL);
	while (!rc && !stop && from < to) {
		unsigned want = (unsigned)(to - from < bufsize ? to - from : bufsize);
		unsigned got = 0;

		rc = ext2fs_file_read(file, buf, want, &got);
		if (!rc && got != want)
			rc = EXT2_ET_SHORT_READ;
		if (!rc)
			stop = fn(buf, got, from, ctx);
		from += got;
	}
	ext2fs_file_close(file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot read a file");
	return stop;
}

int fs_read_file(struct fs *fs, ext2_ino_t ino, size_t max, uint8_t **data,
		 size_t *len, struct gi_err *err)
{
	ext2_file_t file;
	__u64 size;
	unsigned got = 0;
	uint8_t *buf;
	errcode_t rc;

	*data = NULL;
	*len = 0;
	rc = ext2fs_file_open(fs->e2, ino, 0, &file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot open a file");
	/* ext2fs_file_get_size() is 32 bits: a 4 GiB file would read as 0. */
	rc = ext2fs_file_get_lsize(file, &size);
	if (rc) {
		ext2fs_file_close(file);
		return FS_FAIL(err, fs, rc, "cannot open a file");
	}
	if (size > max) {
		ext2fs_file_close(file);
		return gi_refuse(err, GI_CAUSE_TOO_LARGE, fs->image_path,
				 "inode %u is %llu bytes, more than %zu", ino,
				 (unsigned long long)size, max);
	}
	buf = malloc(size ? size : 1);
	if (!buf) {
		ext2fs_file_close(file);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	rc = size ? ext2fs_file_read(file, buf, (unsigned)size, &got) : 0;
	ext2fs_file_close(file);
	if (rc || got != size) {
		free(buf);
		return FS_FAIL(err, fs, rc ? rc : EXT2_ET_SHORT_READ,
			       "cannot read a file");
	}
	*data = buf;
	*len = size;
	return 0;
}

struct dir_check {
	e2_blkcnt_t next;	/* the logical block expected next */
};

static int dir_block(ext2_filsys e2, blk64_t *blocknr, e2_blkcnt_t blockcnt,
		     blk64_t ref_blk, int ref_offset, void *priv)
{
	struct dir_check *c = priv;

	(void)e2, (void)blocknr, (void)ref_blk, (void)ref_offset;
	if (blockcnt < 0)
		return 0;
	if (blockcnt != c->next)
		return BLOCK_ABORT;
	c->next++;
	return 0;
}

struct entry_check {
	ext2_filsys e2;
	errcode_t rc;
};

/* An entry naming an inode the filesystem does not have: every lookup
 * through it fails with "Illegal inode number".  */
static int dir_entry(struct ext2_dir_entry *de, int offset, int blocksize,
		     char *buf, void *priv)
{
	struct entry_check *c = priv;

	(void)offset, (void)blocksize, (void)buf;
	if (de->inode > c->e2->super->s_inodes_count) {
		c->rc = EXT2_ET_BAD_INODE_NUM;
		return DIRENT_ABORT;
	}
	return 0;
}

/* A directory as an install would change it: every block below its size
 * mapped (ext2fs_link() and ext2fs_expand_dir() fail on a hole, where
 * lookups see nothing), and entries libext2fs can parse.  */
static errcode_t check_directory(ext2_filsys e2, ext2_ino_t ino)
{
	struct ext2_inode inode;
	struct dir_check c = { 0 };
	struct entry_check ec = { e2, 0 };
	e2_blkcnt_t blocks;
	errcode_t rc;

	rc = ext2fs_read_inode(e2, ino, &inode);
	if (rc || !LINUX_S_ISDIR(inode.i_mode) ||
	    (inode.i_flags & EXT4_INLINE_DATA_FL))
		return rc;
	blocks = (e2_blkcnt_t)((EXT2_I_SIZE(&inode) + e2->blocksize - 1) /
			       e2->blocksize);
	rc = ext2fs_block_iterate3(e2, ino, BLOCK_FLAG_DATA_ONLY |
				   BLOCK_FLAG_READ_ONLY, NULL, dir_block, &c);
	if (rc)
		return rc;
	if (c.next < blocks)
		return EXT2_ET_DIR_CORRUPTED;
	rc = ext2fs_dir_iterate(e2, ino, 0, NULL, dir_entry, &ec);
	return rc ? rc : ec.rc;
}

/* Only the directory the install adds its files to is read whole: the
 * deepest of DIR (GRUB's: /boot/grub or --boot-dir) and the directories
 * above it that exists (a root directory of a million files is not read
 * for nothing).  Those above it are looked up on the way, which finds
 * their damage too.  */
errcode_t fs_check_boot_dirs(const struct fs *fs, const char *dir,
			     char *which, size_t size)
{
	char path[PATH_MAX];
	errcode_t rc;

	snprintf(path, sizeof(path), "%s", dir);
	which[0] = '\0';
	for (;;) {
		ext2_ino_t ino = EXT2_ROOT_INO;
		char *slash = strrchr(path, '/');

		rc = 0;
		if (path[0] && strcmp(path, "/") != 0)
			rc = ext2fs_namei_follow(fs->e2, EXT2_ROOT_INO,
						 EXT2_ROOT_INO, path, &ino);
		if (rc == EXT2_ET_FILE_NOT_FOUND && slash) {
			slash[slash == path] = '\0';	/* "/boot" -> "/" */
			continue;
		}
		if (!rc)
			rc = check_directory(fs->e2, ino);
		if (rc && fs_failure_of(rc) == FS_FAILURE_DAMAGE) {
			snprintf(which, size, "%s", path[0] ? path : "/");
			return rc;
		}
		return 0;	/* sound, or something the install refuses */
	}
}

/* Splits PATH into its directory's inode and its last component. */
static int lookup_parent(struct fs *fs, const char *path, ext2_ino_t *dir,
			 const char **name, struct gi_err *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');

	if (!slash || slash[1] == '\0' || (size_t)(slash - path) >= sizeof(parent))
		return gi_fail(err, GRUBINST_EUSAGE, "bad path in the image: %s",
			       path);
	memcpy(parent, path, slash - path);
	parent[slash - path] = '\0';
	*name = slash + 1;
	if (slash == path) {
		*dir = EXT2_ROOT_INO;
		return 0;
	}
	if (fs_lookup(fs, parent, dir, err))
		return err->code;
	if (!*dir)
		return gi_refuse(err, GI_CAUSE_PATH_TAKEN, fs->image_path,
				 "directory %s is missing", parent);
	return 0;
}

/* ext2fs_link and friends fail with DIR_NO_SPACE when the directory's last
 * block is full; growing it by a block is what mkdir(2) would do.  The
 * directory's times change as its entries do (libext2fs leaves them).  */
static errcode_t link_growing(struct fs *fs, ext2_ino_t dir, const char *name,
			      ext2_ino_t ino, int type)
{
	errcode_t rc = ext2fs_link(fs->e2, dir, name, ino, type);

	if (rc == EXT2_ET_DIR_NO_SPACE) {
		rc = ext2fs_expand_dir(fs->e2, dir);
		if (!rc)
			rc = ext2fs_link(fs->e2, dir, name, ino, type);
	}
	return rc ? rc : fs_stamp_changed(fs, dir);
}

/* ext2fs_mkdir, growing and stamping the parent as link_growing does;
 * the inode comes from fs_groups_new_inode(), which reads only its group. */
static errcode_t mkdir_growing(struct fs *fs, ext2_ino_t dir, const char *name)
{
	ext2_ino_t child;
	errcode_t rc = fs_groups_new_inode(fs, dir, LINUX_S_IFDIR | 0755, &child);

	if (!rc)
		rc = ext2fs_mkdir(fs->e2, dir, child, name);
	if (rc == EXT2_ET_DIR_NO_SPACE) {
		rc = ext2fs_expand_dir(fs->e2, dir);
		if (!rc)
			rc = ext2fs_mkdir(fs->e2, dir, child, name);
	}
	return rc ? rc : fs_stamp_changed(fs, dir);
}

int fs_mkdir_p(struct fs *fs, const char *path, ext2_ino_t *ino,
	       struct gi_err *err)
{
	char sofar[PATH_MAX] = "";
	const char *p = path;
	ext2_ino_t dir = EXT2_ROOT_INO;

	while (*p) {
		size_t n;
		ext2_ino_t child;
		errcode_t rc;

		while (*p == '/')
			p++;
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (strlen(sofar) + n + 2 > sizeof(sofar))
			return gi_fail(err, GRUBINST_EUSAGE, "path too long: %s",
				       path);
		strcat(sofar, "/");
		strncat(sofar, p, n);
		p += n;
		if (fs_resolve(fs, sofar, &child, err))
			return err->code;
		if (!child) {
			rc = mkdir_growing(fs, dir, sofar + strlen(sofar) - n);
			if (rc) {
				char what[PATH_MAX + 32];

				snprintf(what, sizeof(what),
					 "cannot create directory %s", sofar);
				return fs_fail(fs, rc, what, err);
			}
			if (fs_lookup(fs, sofar, &child, err))
				return err->code;
		} else if (ext2fs_check_directory(fs->e2, child) != 0) {
			return gi_refuse(err, GI_CAUSE_PATH_TAKEN, fs->image_path,
					 "%s exists and is not a directory",
					 sofar);
		}
		dir = child;
	}
	*ino = dir;
	return 0;
}

int fs_reserve_run(struct fs *fs, uint64_t nblocks, uint64_t *first,
		   struct gi_err *err)
{
	blk64_t start = 0, len = 0;

	/* libext2fs' search, through the hook of groups.c that reads the
	 * groups it reaches and bounds the search.  */
	if (!nblocks || ext2fs_new_range(fs->e2, EXT2_NEWRANGE_MIN_LENGTH,
					 fs->e2->super->s_first_data_block,
					 nblocks, NULL, &start, &len))
		return gi_refuse(err, GI_CAUSE_NO_ROOM, fs->image_path,
				 "no room for the stage files: the filesystem "
				 "has no %llu free contiguous blocks",
				 (unsigned long long)nblocks);
	ext2fs_block_alloc_stats_range(fs->e2, start, nblocks, +1);
	*first = start;
	return 0;
}

/* Maps the file's blocks LBLK.. to FIRST..FIRST+NBLOCKS-1. */
static errcode_t map_run(struct fs *fs, ext2_ino_t ino,
			 struct ext2_inode *inode, uint64_t lblk,
			 uint64_t first, uint64_t nblocks)
{
	errcode_t rc = 0;

	if (ext2fs_has_feature_extents(fs->e2->super)) {
		ext2_extent_handle_t h;

		/* Opening an extent handle on an empty inode writes the
		 * extent header into i_block and sets EXTENTS_FL.  */
		rc = ext2fs_extent_open2(fs->e2, ino, inode, &h);
		if (rc)
			return rc;
		ext2fs_extent_free(h);
	}
	for (uint64_t i = 0; i < nblocks && !rc; i++) {
		blk64_t pblk = first + i;

		/* BMAP_ALLOC lets libext2fs allocate indirect blocks; the
		 * run itself is already marked, so they land outside it.  */
		rc = ext2fs_bmap2(fs->e2, ino, inode, NULL, BMAP_SET | BMAP_ALLOC,
				  lblk + i, NULL, &pblk);
	}
	if (!rc)
		rc = ext2fs_iblk_add_blocks(fs->e2, inode, nblocks);
	return rc;
}

int fs_create_file_at(struct fs *fs, const char *path, uint64_t first,
		      uint64_t len, struct gi_err *err)
{
	uint64_t nblocks = (len + fs_block_size(fs) - 1) / fs_block_size(fs);
	struct ext2_inode inode;
	const char *name;
	ext2_ino_t dir, ino;
	errcode_t rc;

	if (lookup_parent(fs, path, &dir, &name, err) || fs_remove(fs, path, err))
		return err->code;
	rc = fs_groups_new_inode(fs, dir, LINUX_S_IFREG | 0644, &ino);
	if (rc) {
		char what[PATH_MAX + 32];

		snprintf(what, sizeof(what), "no free inode for %s", path);
		return fs_fail(fs, rc, what, err);
	}
	rc = link_growing(fs, dir, name, ino, EXT2_FT_REG_FILE);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	ext2fs_inode_alloc_stats2(fs->e2, ino, +1, 0);

	memset(&inode, 0, sizeof(inode));
	inode.i_mode = LINUX_S_IFREG | 0644;
	inode.i_links_count = 1;
	rc = ext2fs_inode_size_set(fs->e2, &inode, len);
	if (!rc)
		rc = ext2fs_write_new_inode(fs->e2, ino, &inode);
	if (!rc)
		rc = map_run(fs, ino, &inode, 0, first, nblocks);
	if (!rc)
		rc = ext2fs_write_inode(fs->e2, ino, &inode);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	return 0;
}

int fs_write_blocks(struct fs *fs, uint64_t first, const uint8_t *data,
		    size_t len, struct gi_err *err)
{
	unsigned bs = fs_block_size(fs);
	size_t nblocks = (len + bs - 1) / bs;
	uint8_t *buf = calloc(nblocks ? nblocks : 1, bs);
	errcode_t rc;

	if (!buf)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	memcpy(buf, data, len);
	rc = io_channel_write_blk64(fs->e2->io, first, (int)nblocks, buf);
	free(buf);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot write file data");
	return 0;
}

struct runs_ctx {
	struct extent *runs;
	size_t n, cap;
	errcode_t rc;
};

static int collect_run(ext2_filsys e2, blk64_t *blocknr, e2_blkcnt_t blockcnt,
		       blk64_t ref_blk, int ref_offset, void *priv)
{
	struct runs_ctx *c = priv;
	struct extent *last = c->n ? &c->runs[c->n - 1] : NULL;

	(void)e2, (void)ref_blk, (void)ref_offset;
	if (blockcnt < 0)
		return 0;
	if (last && last->lblk + last->len == (uint64_t)blockcnt &&
	    last->pblk + last->len == *blocknr) {
		last->len++;
		return 0;
	}
	if (gi_grow(&c->runs, &c->cap, c->n, sizeof(*c->runs), 8)) {
		c->rc = EXT2_ET_NO_MEMORY;
		return BLOCK_ABORT;
	}
	c->runs[c->n++] = (struct extent){ (uint64_t)blockcnt, *blocknr, 1 };
	return 0;
}

/* A file whose block map libext2fs cannot follow, or that names blocks
 * outside the filesystem: writing there would make things worse.  */
static int damaged(struct fs *fs, ext2_ino_t ino, const char *why,
		   struct gi_err *err)
{
	char fix[600];

	return gi_refuse(err, GI_CAUSE_FS_DAMAGED, fs->image_path,
			 "inode %u is damaged (%s); repair the filesystem "
			 "first: %s", ino, why, fsck_fix(fs, fix, sizeof(fix)));
}

int fs_block_runs(struct fs *fs, ext2_ino_t ino, struct extent **runs,
		  size_t *n, struct gi_err *err)
{
	struct runs_ctx c = { 0 };
	errcode_t rc;

	rc = ext2fs_block_iterate3(fs->e2, ino,
				   BLOCK_FLAG_DATA_ONLY | BLOCK_FLAG_READ_ONLY,
				   NULL, collect_run, &c);
	if (!rc)
		rc = c.rc;
	if (rc == EXT2_ET_INLINE_DATA_CANT_ITERATE)
		rc = 0;		/* no blocks: the data lives in the inode */
	if (rc) {
		free(c.runs);
		return damaged(fs, ino, error_message(rc), err);
	}
	*runs = c.runs;
	*n = c.n;
	return 0;
}

int fs_symlink(struct fs *fs, const char *path, const char *target,
	       struct gi_err *err)
{
	const char *name;
	ext2_ino_t dir, ino;
	errcode_t rc;

	if (lookup_parent(fs, path, &dir, &name, err) || fs_remove(fs, path, err))
		return err->code;
	rc = fs_groups_new_inode(fs, dir, LINUX_S_IFLNK | 0777, &ino);
	if (!rc)
		rc = ext2fs_symlink(fs->e2, dir, ino, name, target);
	if (rc == EXT2_ET_DIR_NO_SPACE) {
		rc = ext2fs_expand_dir(fs->e2, dir);
		if (!rc)
			rc = ext2fs_symlink(fs->e2, dir, ino, name, target);
	}
	if (!rc)
		rc = fs_stamp_changed(fs, dir);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	return 0;
}

int fs_readlink(struct fs *fs, ext2_ino_t ino, char *buf, size_t size,
		struct gi_err *err)
{
	struct ext2_inode inode;
	ext2_file_t file;
	unsigned got = 0;
	size_t inline_size = size - 1;
	errcode_t rc;

	rc = ext2fs_read_inode(fs->e2, ino, &inode);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot read a symlink");
	if (ext2fs_is_fast_symlink(&inode)) {
		/* The target sits in i_block itself. */
		size_t n = EXT2_I_SIZE(&inode);
		if (n >= size)
			n = size - 1;
		memcpy(buf, (char *)inode.i_block, n);
		buf[n] = '\0';
		return 0;
	}
	if (inode.i_flags & EXT4_INLINE_DATA_FL) {
		char tmp[EXT2_N_BLOCKS * 4 + 256];
		rc = ext2fs_inline_data_get(fs->e2, ino, &inode, tmp, &inline_size);
		if (rc)
			return FS_FAIL(err, fs, rc, "cannot read a symlink");
		got = inline_size < size - 1 ? (unsigned)inline_size : (unsigned)size - 1;
		memcpy(buf, tmp, got);
		buf[got] = '\0';
		return 0;
	}
	rc = ext2fs_file_open(fs->e2, ino, 0, &file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot read a symlink");
	rc = ext2fs_file_read(file, buf, (unsigned)size - 1, &got);
	ext2fs_file_close(file);
	if (rc)
		return FS_FAIL(err, fs, rc, "cannot read a symlink");
	buf[got] = '\0';
	return 0;
}

bool fs_run_inside(const struct fs *fs, const struct extent *r)
{
	return r->pblk >= fs->e2->super->s_first_data_block &&
	       r->pblk < fs->blocks && r->len <= fs->blocks - r->pblk;
}

/* libext2fs frees a block number outside the filesystem with a message
 * of its own on stderr and leaves the bitmaps wrong: refuse instead.  */
static int check_inside(struct fs *fs, ext2_ino_t ino, struct gi_err *err)
{
	struct extent *runs = NULL;
	size_t n = 0, i = 0;
	char why[96];

	if (fs_block_runs(fs, ino, &runs, &n, err))
		return err->code;
	while (i < n && fs_run_inside(fs, &runs[i]))
		i++;
	if (i < n) {
		/* Its first block, or the first past the end it runs into. */
		struct extent first = { 0, runs[i].pblk, 1 };

		snprintf(why, sizeof(why), "block %llu is outside the filesystem",
			 (unsigned long long)(fs_run_inside(fs, &first) ? fs->blocks
								       : runs[i].pblk));
	}
	free(runs);
	return i < n ? damaged(fs, ino, why, err) : 0;
}

int fs_remove(struct fs *fs, const char *path, struct gi_err *err)
{
	struct ext2_inode inode;
	const char *name;
	ext2_ino_t dir, ino;
	errcode_t rc;

	if (fs_lookup(fs, path, &ino, err))
		return err->code;
	if (!ino)
		return 0;
	if (lookup_parent(fs, path, &dir, &name, err))
		return err->code;
	rc = ext2fs_read_inode(fs->e2, ino, &inode);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	if (LINUX_S_ISDIR(inode.i_mode))
		return gi_refuse(err, GI_CAUSE_PATH_TAKEN, fs->image_path,
				 "%s is a directory; it must be a file", path);
	/* Fast symlinks keep their target in i_block: not block numbers. */
	if (ext2fs_inode_has_valid_blocks2(fs->e2, &inode) &&
	    check_inside(fs, ino, err))
		return err->code;
	rc = ext2fs_unlink(fs->e2, dir, name, ino, 0);
	if (!rc)
		rc = fs_stamp_changed(fs, dir);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	if (inode.i_links_count > 1) {
		inode.i_links_count--;
		rc = ext2fs_write_inode(fs->e2, ino, &inode);
		return rc ? FS_FAIL(err, fs, rc, path) : 0;
	}
	if (ext2fs_inode_has_valid_blocks2(fs->e2, &inode)) {
		rc = ext2fs_punch(fs->e2, ino, &inode, NULL, 0, ~0ULL);
		if (rc)
			return FS_FAIL(err, fs, rc, path);
	}
	inode.i_links_count = 0;
	inode.i_dtime = fs_now(fs);
	rc = ext2fs_write_inode(fs->e2, ino, &inode);
	if (!rc)
		rc = fs_groups_need_inode(fs, ino);
	if (rc)
		return FS_FAIL(err, fs, rc, path);
	ext2fs_inode_alloc_stats2(fs->e2, ino, -1, LINUX_S_ISDIR(inode.i_mode));
	return 0;
}

int fs_touch(struct fs *fs, const char *path, struct gi_err *err)
{
	ext2_ino_t ino;
	errcode_t rc;

	if (fs_lookup(fs, path, &ino, err))
		return err->code;
	rc = fs_stamp_changed(fs, ino);
	return rc ? FS_FAIL(err, fs, rc, path) : 0;
}

/* ---- holes ---- */

bool fs_extent_holes(struct fs *fs, ext2_ino_t ino,
		     const struct ext2_inode_large *inode, struct fs_holes *h)
{
	struct extent *ext = NULL;
	struct gi_err err = { 0 };
	uint64_t bs = fs_block_size(fs);
	uint64_t end = (EXT2_I_SIZE(inode) + bs - 1) / bs;
	uint64_t next = 0;
	size_t n = 0;

	memset(h, 0, sizeof(*h));
	if (!(inode->i_flags & EXT4_EXTENTS_FL) ||
	    fs_block_runs(fs, ino, &ext, &n, &err))
		return false;
	for (size_t i = 0; i <= n; i++) {
		uint64_t start = i < n ? ext[i].lblk : end;

		if (start > next) {
			if (!h->count)
				h->first = next;
			h->count += start - next;
			if (next > 0 && start - next > h->longest_after_data)
				h->longest_after_data = start - next;
		}
		if (i < n && ext[i].lblk + ext[i].len > next)
			next = ext[i].lblk + ext[i].len;
	}
	free(ext);
	return h->count > 0;
}

int fs_fill_holes(struct fs *fs, ext2_ino_t ino, const char *path,
		  uint64_t *filled, struct gi_err *err)
{
	struct ext2_inode_large inode;
	struct fs_holes h;
	uint64_t bs = fs_block_size(fs), end;
	errcode_t rc;

	*filled = 0;
	if (fs_read_inode(fs, ino, &inode, err))
		return err->code;
	if (!fs_extent_holes(fs, ino, &inode, &h))
		return 0;
	end = (EXT2_I_SIZE(&inode) + bs - 1) / bs;
	/* Zeroed, initialised blocks: what the hole read as, now on disk. */
	rc = ext2fs_fallocate(fs->e2, EXT2_FALLOCATE_ZERO_BLOCKS |
				      EXT2_FALLOCATE_FORCE_INIT,
			      ino, NULL, ~0ULL, 0, end);
	if (rc) {
		char what[PATH_MAX + 64];

		snprintf(what, sizeof(what), "cannot fill the %llu blocks of "
			 "holes in %s", (unsigned long long)h.count, path);
		return fs_fail(fs, rc, what, err);
	}
	/* The bytes read the same as before: the times stay. */
	*filled = h.count;
	return 0;
}

/* ---- extent trees that fit in the inode ---- */

/* A tree of depth 0 holds four extents. */
#define ROOT_EXTENTS 4
#define COPY_BLOCKS 256

int fs_extent_depth(const struct ext2_inode_large *inode)
{
	const struct ext3_extent_header *h = (const void *)inode->i_block;

	if (!(inode->i_flags & EXT4_EXTENTS_FL) ||
	    ext2fs_le16_to_cpu(h->eh_magic) != EXT3_EXT_MAGIC)
		return -1;
	return ext2fs_le16_to_cpu(h->eh_depth);
}

/* Blocks 0..N-1 of the file, each mapped once, and nothing past them:
 * a file a copy block for block reproduces.  */
static bool maps_every_block(const struct extent *ext, size_t n, uint64_t nblocks)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++) {
		if (ext[i].lblk + ext[i].len > nblocks)
			return false;
		total += ext[i].len;
	}
	return total == nblocks;
}

/* An unwritten extent reads as zeros whatever its blocks hold: a copy of
 * those blocks would not.  */
static bool has_unwritten(struct fs *fs, ext2_ino_t ino,
			  struct ext2_inode_large *inode)
{
	ext2_extent_handle_t h;
	struct ext2fs_extent e;
	int op = EXT2_EXTENT_ROOT;
	bool found = false;

	if (ext2fs_extent_open2(fs->e2, ino, (struct ext2_inode *)inode, &h))
		return true;	/* nothing to move that is not understood */
	while (!found && !ext2fs_extent_get(h, op, &e)) {
		op = EXT2_EXTENT_NEXT;
		found = (e.e_flags & EXT2_EXTENT_FLAGS_LEAF) &&
			(e.e_flags & EXT2_EXTENT_FLAGS_UNINIT);
	}
	ext2fs_extent_free(h);
	return found;
}

/* Where the file goes: at most four runs of free blocks, in file order. */
struct new_place {
	struct extent run[ROOT_EXTENTS];
	int n;
};

static void release_place(struct fs *fs, struct new_place *np)
{
	for (int i = 0; i < np->n; i++)
		ext2fs_block_alloc_stats_range(fs->e2, np->run[i].pblk,
					       (blk_t)np->run[i].len, -1);
	np->n = 0;
}

/* The longest free runs first: a run never crosses a block group
 * (fs_reserve_run), and with 1 KiB blocks a group is 8 MiB, so a 14 MiB
 * kernel takes two.  False, nothing reserved, when four do not hold it.  */
static bool reserve_place(struct fs *fs, uint64_t nblocks, struct new_place *np)
{
	uint64_t left = nblocks, want = nblocks;

	np->n = 0;
	while (left && np->n < ROOT_EXTENTS && want) {
		struct gi_err probe = { 0 };
		uint64_t first;

		if (want > left)
			want = left;
		if (want > EXT_INIT_MAX_LEN)
			want = EXT_INIT_MAX_LEN;
		if (fs_reserve_run(fs, want, &first, &probe)) {
			want /= 2;
			continue;
		}
		np->run[np->n++] = (struct extent){ nblocks - left, first, want };
		left -= want;
	}
	if (left)
		release_place(fs, np);
	return !left;
}

/* Logical block LBLK's new block, and how many follow it in its run. */
static blk64_t new_block(const struct new_place *np, uint64_t lblk, uint64_t *avail)
{
	for (int i = 0; i < np->n; i++)
		if (lblk < np->run[i].lblk + np->run[i].len) {
			*avail = np->run[i].lblk + np->run[i].len - lblk;
			return np->run[i].pblk + (lblk - np->run[i].lblk);
		}
	*avail = 0;
	return 0;
}

/* The file's blocks copied to their new place. */
static errcode_t copy_runs(struct fs *fs, const struct extent *ext, size_t n,
			   const struct new_place *np)
{
	unsigned bs = fs_block_size(fs);
	uint8_t *buf = malloc((size_t)COPY_BLOCKS * bs);
	errcode_t rc = 0;

	if (!buf)
		return EXT2_ET_NO_MEMORY;
	for (size_t i = 0; i < n && !rc; i++)
		for (uint64_t done = 0; done < ext[i].len && !rc;) {
			uint64_t avail, count = ext[i].len - done;
			blk64_t to = new_block(np, ext[i].lblk + done, &avail);

			if (count > avail)
				count = avail;
			if (count > COPY_BLOCKS)
				count = COPY_BLOCKS;
			if (!count)
				return EXT2_ET_BLOCK_ALLOC_FAIL;
			rc = io_channel_read_blk64(fs->e2->io, ext[i].pblk + done,
						   (int)count, buf);
			if (!rc)
				rc = io_channel_write_blk64(fs->e2->io, to, (int)count, buf);
			done += count;
		}
	free(buf);
	return rc;
}

/* The old tree and its blocks freed, the new runs mapped in a new root. */
static errcode_t remap(struct fs *fs, ext2_ino_t ino, const struct new_place *np)
{
	struct ext2_inode_large inode;
	errcode_t rc;

	rc = ext2fs_read_inode_full(fs->e2, ino, (struct ext2_inode *)&inode,
				    sizeof(inode));
	if (!rc)
		rc = ext2fs_punch(fs->e2, ino, (struct ext2_inode *)&inode, NULL,
				  0, ~0ULL);
	if (!rc)
		rc = ext2fs_read_inode_full(fs->e2, ino, (struct ext2_inode *)&inode,
					    sizeof(inode));
	if (rc)
		return rc;
	/* An empty i_block: the extent handle starts a root of depth 0. */
	memset(inode.i_block, 0, sizeof(inode.i_block));
	for (int i = 0; i < np->n && !rc; i++)
		rc = map_run(fs, ino, (struct ext2_inode *)&inode, np->run[i].lblk,
			     np->run[i].pblk, np->run[i].len);
	if (!rc)
		rc = ext2fs_write_inode_full(fs->e2, ino, (struct ext2_inode *)&inode,
					     sizeof(inode));
	return rc;
}

int fs_compact(struct fs *fs, ext2_ino_t ino, const char *path,
	       uint64_t *moved, struct gi_err *err)
{
	struct ext2_inode_large inode;
	struct extent *ext = NULL;
	struct new_place np;
	uint64_t bs = fs_block_size(fs), nblocks;
	size_t n = 0;
	errcode_t rc;

	*moved = 0;
	if (fs_read_inode(fs, ino, &inode, err))
		return err->code;
	nblocks = (EXT2_I_SIZE(&inode) + bs - 1) / bs;
	if (fs_extent_depth(&inode) <= 0 || !nblocks ||
	    nblocks > ROOT_EXTENTS * (uint64_t)EXT_INIT_MAX_LEN ||
	    has_unwritten(fs, ino, &inode))
		return 0;
	if (fs_block_runs(fs, ino, &ext, &n, err))
		return err->code;
	/* No room for it in four runs: it stays as it is. */
	if (!maps_every_block(ext, n, nblocks) || !reserve_place(fs, nblocks, &np)) {
		free(ext);
		return 0;
	}
	rc = copy_runs(fs, ext, n, &np);
	free(ext);
	if (!rc)
		rc = remap(fs, ino, &np);
	if (rc) {
		char what[PATH_MAX + 64];

		snprintf(what, sizeof(what), "cannot move %s into %d runs", path, np.n);
		return fs_fail(fs, rc, what, err);
	}
	*moved = nblocks;
	return 0;
}

int fs_file_sector_runs(struct fs *fs, ext2_ino_t ino, uint64_t size,
			struct sector_run **out, size_t *nout, struct gi_err *err)
{
	unsigned spb = fs_block_size(fs) / SECTOR_SIZE;
	uint64_t nsect = (size + SECTOR_SIZE - 1) / SECTOR_SIZE;
	struct extent *ext = NULL;
	struct sector_run *r;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	if (fs_block_runs(fs, ino, &ext, &n, err))
		return err->code;
	r = calloc(n ? n : 1, sizeof(*r));
	if (!r) {
		free(ext);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		uint64_t s0 = ext[i].lblk * spb, s1 = (ext[i].lblk + ext[i].len) * spb;
		uint64_t abs0 = fs_block_sector(fs, ext[i].pblk);

		if (s1 > nsect)
			s1 = nsect;
		if (s0 < 1) {
			abs0 += 1 - s0;
			s0 = 1;
		}
		/* Runs that follow each other on the disk are one. */
		if (s0 < s1 && *nout && r[*nout - 1].start + r[*nout - 1].count == abs0)
			r[*nout - 1].count += s1 - s0;
		else if (s0 < s1)
			r[(*nout)++] = (struct sector_run){ abs0, s1 - s0 };
	}
	free(ext);
	*out = r;
	return 0;
}
