/* The partition table, MBR or GPT, read with libfdisk. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libfdisk.h>

#include "disk/disk.h"

const char *ptable_partuuid(const struct ptable *pt, const struct partition *p,
			    char *buf, size_t size)
{
	size_t i;

	if (!size)
		return NULL;
	if (!pt->gpt) {
		snprintf(buf, size, "%08x-%02x", (unsigned)pt->disk_id,
			 (unsigned)p->number);
		return buf;
	}
	/* The GUID in lower case, as the kernel, blkid and udev spell it. */
	for (i = 0; p->guid[i] && i + 1 < size; i++)
		buf[i] = (char)tolower((unsigned char)p->guid[i]);
	buf[i] = '\0';
	return i ? buf : NULL;
}

static void fill_partition(struct fdisk_partition *fp, struct partition *p)
{
	struct fdisk_parttype *type = fdisk_partition_get_type(fp);

	memset(p, 0, sizeof(*p));
	p->number = (int)fdisk_partition_get_partno(fp) + 1;
	p->start = fdisk_partition_has_start(fp) ? fdisk_partition_get_start(fp) : 0;
	p->size = fdisk_partition_has_size(fp) ? fdisk_partition_get_size(fp) : 0;
	p->type = type ? fdisk_parttype_get_code(type) : 0;
	if (type && fdisk_parttype_get_string(type))
		snprintf(p->guid_type, sizeof(p->guid_type), "%s",
			 fdisk_parttype_get_string(type));
	if (fdisk_partition_get_uuid(fp))
		snprintf(p->guid, sizeof(p->guid), "%s", fdisk_partition_get_uuid(fp));
	p->active = fdisk_partition_is_bootable(fp);
	p->container = fdisk_partition_is_container(fp);
	p->logical = p->number > 4;
}

/* libfdisk follows a chain of extended boot records that links back to an
 * earlier one until its own limit: the same logical partitions again and
 * again.  Only the first round is kept.  */
static void cut_loop(struct ptable *pt)
{
	for (int i = 1; i < pt->count; i++)
		for (int j = 0; j < i && pt->part[i].logical; j++)
			if (pt->part[j].logical &&
			    pt->part[j].start == pt->part[i].start) {
				pt->loop_after = pt->part[i - 1].number;
				pt->count = i;
				return;
			}
}

static int read_partitions(struct fdisk_context *cxt, struct ptable *pt,
			   const char *path, struct gi_err *err)
{
	struct fdisk_table *tb = NULL;
	struct fdisk_iter *itr = NULL;
	struct fdisk_partition *fp;
	int rc = 0;

	if (fdisk_get_partitions(cxt, &tb) != 0)
		return gi_refuse(err, GI_CAUSE_PTABLE, path,
				 "cannot read the partition table");
	itr = fdisk_new_iter(FDISK_ITER_FORWARD);
	if (!itr) {
		fdisk_unref_table(tb);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	while (fdisk_table_next_partition(tb, itr, &fp) == 0) {
		if (pt->count == PTABLE_MAX) {
			rc = gi_refuse(err, GI_CAUSE_PTABLE, path,
				       "more than %d partitions", PTABLE_MAX);
			break;
		}
		fill_partition(fp, &pt->part[pt->count++]);
	}
	fdisk_free_iter(itr);
	fdisk_unref_table(tb);
	cut_loop(pt);
	return rc;
}

/* The MBR's disk identifier (bytes 440..443), which PARTUUID= names. */
static uint32_t disk_id(struct fdisk_context *cxt)
{
	char *id = NULL;
	uint32_t v = 0;

	if (fdisk_get_disklabel_id(cxt, &id) == 0 && id)
		v = (uint32_t)strtoul(id, NULL, 16);
	free(id);
	return v;
}

int ptable_refuse_gpt(const struct image *img, struct gi_err *err)
{
	return gi_refuse(err, GI_CAUSE_GPT, img->path, "has a gpt partition table; "
			 "GRUB Legacy boots only from MBR (dos) disks");
}

static int read_label(struct image *img, struct ptable *pt, bool gpt_too,
		      struct gi_err *err)
{
	struct fdisk_context *cxt;
	int rc;

	memset(pt, 0, sizeof(*pt));
	cxt = fdisk_new_context();
	if (!cxt)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	/* List-only: no probe for other signatures on the disk, which
	 * reads half a megabyte, when we only read the table.  */
	fdisk_enable_listonly(cxt, 1);
	/* libfdisk must not second-guess the image's geometry or alignment:
	 * we only read what is there.  */
	rc = fdisk_assign_device_by_fd(cxt, img->fd, img->path, 1);
	if (rc != 0) {
		fdisk_unref_context(cxt);
		/* libfdisk returns -errno: a read error is not a bad table. */
		if (rc == -ENOMEM)
			return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
		if (rc < 0 && rc != -EINVAL)
			return gi_fail_errno(err, -rc, img->path, "cannot read the "
					     "partition table: %s", strerror(-rc));
		return gi_refuse(err, GI_CAUSE_PTABLE, img->path,
				 "cannot read a partition table");
	}
	if (!fdisk_has_label(cxt)) {
		rc = gi_refuse(err, GI_CAUSE_NO_LABEL, img->path,
			       "no partition table found");
	} else if (fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT) && !gpt_too) {
		rc = ptable_refuse_gpt(img, err);
	} else if (!fdisk_is_labeltype(cxt, FDISK_DISKLABEL_DOS) &&
		   !fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT)) {
		struct fdisk_label *lb = fdisk_get_label(cxt, NULL);

		rc = gi_refuse(err, GI_CAUSE_OTHER_LABEL, img->path, "has a %s "
			       "partition table; GRUB Legacy boots only from MBR "
			       "(dos) disks", lb ? fdisk_label_get_name(lb) : "non-MBR");
	} else {
		pt->gpt = fdisk_is_labeltype(cxt, FDISK_DISKLABEL_GPT);
		rc = read_partitions(cxt, pt, img->path, err);
		for (int i = 0; pt->gpt && i < pt->count; i++)
			pt->part[i].logical = false;	/* GPT has no EBRs */
		if (pt->gpt)
			pt->first_lba = fdisk_get_first_lba(cxt);
		if (!rc && !pt->gpt)
			pt->disk_id = disk_id(cxt);
	}
	/* The descriptor is ours: fdisk_unref_context() lets go of it
	 * without the fsync() of fdisk_deassign_device().  */
	fdisk_unref_context(cxt);
	return rc;
}

int ptable_read(struct image *img, struct ptable *pt, struct gi_err *err)
{
	return read_label(img, pt, false, err);
}

int ptable_read_any(struct image *img, struct ptable *pt, struct gi_err *err)
{
	return read_label(img, pt, true, err);
}

const struct partition *ptable_find(const struct ptable *pt, int number)
{
	for (int i = 0; i < pt->count; i++)
		if (pt->part[i].number == number)
			return &pt->part[i];
	return NULL;
}

bool partitions_overlap(const struct partition *a, const struct partition *b)
{
	return a->size && b->size && a->start < b->start + b->size &&
	       b->start < a->start + a->size;
}

bool partition_inside(const struct partition *p, const struct partition *c)
{
	return c->container && p->logical && p->start >= c->start &&
	       p->start + p->size <= c->start + c->size;
}
