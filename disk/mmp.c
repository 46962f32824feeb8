/*
 * Multiple mount protection (ext4 -O mmp): a block that the node using the
 * filesystem keeps stamping with a new sequence number, and sets to
 * EXT4_MMP_SEQ_CLEAN when it lets go.  libext2fs reads it with O_DIRECT on
 * the device's name, which an image opened by descriptor (and at an
 * offset) does not have: grubinst reads and writes it itself, through the
 * descriptor it locked.
 */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include "disk/disk.h"

#define MMP_SECTORS (sizeof(struct mmp_struct) / SECTOR_SIZE)

_Static_assert(sizeof(struct mmp_struct) % SECTOR_SIZE == 0,
	       "the MMP block is whole sectors");

static uint32_t mmp_checksum(uint32_t seed, const struct mmp_struct *mmp)
{
	return ext2fs_crc32c_le(seed, (const unsigned char *)mmp,
				offsetof(struct mmp_struct, mmp_checksum));
}

/* What the MMP block MMP says, into M (its location already there). */
static void mmp_parse(struct fs_mmp *m, const struct mmp_struct *mmp)
{
	m->magic_ok = ext2fs_le32_to_cpu(mmp->mmp_magic) == EXT4_MMP_MAGIC;
	m->csum_ok = !m->csum ||
		     ext2fs_le32_to_cpu(mmp->mmp_checksum) ==
			     mmp_checksum(m->csum_seed, mmp);
	m->seq = ext2fs_le32_to_cpu(mmp->mmp_seq);
	m->time = ext2fs_le64_to_cpu(mmp->mmp_time);
	snprintf(m->node, sizeof(m->node), "%.*s",
		 (int)strnlen((const char *)mmp->mmp_nodename,
			      sizeof(mmp->mmp_nodename)),
		 (const char *)mmp->mmp_nodename);
	snprintf(m->bdev, sizeof(m->bdev), "%.*s",
		 (int)strnlen((const char *)mmp->mmp_bdevname,
			      sizeof(mmp->mmp_bdevname)),
		 (const char *)mmp->mmp_bdevname);
	gi_printable(m->node);
	gi_printable(m->bdev);
}

errcode_t fs_mmp_read(const struct fs *fs, struct fs_mmp *m)
{
	ext2_filsys e2 = fs->e2;
	struct mmp_struct mmp;
	errcode_t rc;

	memset(m, 0, sizeof(*m));
	if (!ext2fs_has_feature_mmp(e2->super))
		return 0;
	m->present = true;
	m->block = e2->super->s_mmp_block;
	m->sector = m->block < fs->blocks ? fs_block_sector(fs, m->block)
					  : UINT64_MAX;
	m->csum = ext2fs_has_feature_metadata_csum(e2->super);
	m->csum_seed = e2->csum_seed;
	if (m->sector == UINT64_MAX || m->block <= e2->super->s_first_data_block)
		return EXT2_ET_MMP_BAD_BLOCK;
	rc = io_channel_read_blk64(e2->io, m->block, -(int)sizeof(mmp), &mmp);
	if (rc)
		return rc;
	mmp_parse(m, &mmp);
	return 0;
}

bool fs_mmp_clean(const struct fs_mmp *m)
{
	return !m->present ||
	       (m->magic_ok && m->csum_ok && m->seq == EXT4_MMP_SEQ_CLEAN);
}

/* Writes MMP, with its checksum, to the MMP block of M, and syncs it. */
static int mmp_write(struct image *img, const struct fs_mmp *m,
		     struct mmp_struct *mmp, struct gi_err *err)
{
	if (m->csum)
		mmp->mmp_checksum = ext2fs_cpu_to_le32(mmp_checksum(m->csum_seed, mmp));
	if (image_write(img, m->sector, mmp, MMP_SECTORS, err))
		return err->code;
	return image_sync(img, err);
}

/*
 * Just before an install writes: the MMP block must still say that no
 * node uses the filesystem (a node may have started mounting it since the
 * rules looked), and gets a sequence number of ours, as a mounting node
 * stamps its own.  A node that began mounting in between sees its number
 * replaced when it checks again, and gives up; one that comes later finds
 * the filesystem in use until mmp_release().
 */
int mmp_claim(struct image *img, struct fs_mmp *m, struct gi_err *err)
{
	struct mmp_struct mmp;
	uint32_t seq;

	if (!m->present)
		return 0;
	if (image_read(img, m->sector, &mmp, MMP_SECTORS, err))
		return err->code;
	mmp_parse(m, &mmp);
	if (!fs_mmp_clean(m))
		return gi_refuse(err, GI_CAUSE_BUSY, img->path,
				 "the filesystem's multiple mount protection "
				 "block (block %llu) says a node has started "
				 "using it (sequence 0x%x, node \"%s\") while "
				 "grubinst prepared the install; nothing was "
				 "written", (unsigned long long)m->block,
				 m->seq, m->node);
	memcpy(&m->before, &mmp, sizeof(mmp));
	seq = ext2fs_mmp_new_seq();
	mmp.mmp_seq = ext2fs_cpu_to_le32(seq);
	mmp.mmp_time = ext2fs_cpu_to_le64((uint64_t)time(NULL));
	memset(mmp.mmp_nodename, 0, sizeof(mmp.mmp_nodename));
	memcpy(mmp.mmp_nodename, "grubinst", sizeof("grubinst") - 1);
	if (mmp_write(img, m, &mmp, err))
		return err->code;
	m->claimed = true;
	return 0;
}

/* After the install's writes, or their rollback: the block as it was,
 * clean, as a node unmounting leaves it (and the image as reproducible as
 * one without MMP).  */
int mmp_release(struct image *img, struct fs_mmp *m, struct gi_err *err)
{
	if (!m->claimed)
		return 0;
	m->claimed = false;
	if (image_write(img, m->sector, &m->before, MMP_SECTORS, err))
		return err->code;
	return image_sync(img, err);
}
