/* The state every check reads: the image, its partitions and their
 * filesystems (opened once, on demand, read-only), and the reads that
 * tell a damaged image from one that cannot be read at all.  */
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

static int read_image_sectors(struct inspect *in, struct image *img,
			      uint64_t sector, void *buf, size_t n)
{
	struct gi_err err = { 0 };

	if (sector > image_sectors(img) || n > image_sectors(img) - sector)
		return 1;
	/* Only the image takes the install's writes, not the other disks. */
	if (in->pending && img == &in->img
		    ? journal_read(in->pending, img, sector, buf, n, &err) == 0
		    : image_read(img, sector, buf, n, &err) == 0)
		return 0;
	if (err.cause == GI_CAUSE_IO) {
		gi_pass(&in->fatal, &err, 0);
		return -1;
	}
	return 1;
}

int read_sectors(struct inspect *in, uint64_t sector, void *buf, size_t n)
{
	return read_image_sectors(in, &in->img, sector, buf, n);
}

const struct other_disk *other_disk(const struct inspect *in, int drive)
{
	return drive > 0 && drive < GRUBINST_MAX_DISKS ? in->other[drive] : NULL;
}

int read_disk_sectors(struct inspect *in, int drive, uint64_t sector,
		      void *buf, size_t n)
{
	struct other_disk *d = drive ? in->other[drive] : NULL;

	if (drive && !d)
		return 1;
	return read_image_sectors(in, d ? &d->img : &in->img, sector, buf, n);
}

const struct partition *part_by_grub(const struct inspect *in, int index)
{
	return in->have_table ? ptable_find(&in->pt, index + 1) : NULL;
}

const struct partition *part_by_grub_on(const struct inspect *in, int drive,
					int index)
{
	const struct other_disk *d = other_disk(in, drive);

	if (!drive)
		return part_by_grub(in, index);
	return d && d->have_table ? ptable_find(&d->pt, index + 1) : NULL;
}

const struct partition *part_of_ref(const struct inspect *in, int ref)
{
	int drive = part_ref_disk(ref);
	const struct other_disk *d = other_disk(in, drive);

	if (!drive)
		return in->have_table ? ptable_find(&in->pt, ref) : NULL;
	return d && d->have_table ? ptable_find(&d->pt, part_ref_number(ref)) : NULL;
}

/* The (non-extended) partition holding sector S. */
const struct partition *part_of_sector(const struct inspect *in, uint64_t s)
{
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		const struct partition *p = &in->pt.part[i];
		if (!p->container && p->size && s >= p->start &&
		    s - p->start < p->size)
			return p;
	}
	return NULL;
}

struct pfs *pfs_get(struct inspect *in, int partno)
{
	const struct partition *p = part_of_ref(in, partno);
	struct other_disk *d = in->other[part_ref_disk(partno) % GRUBINST_MAX_DISKS];
	const struct ptable *pt = d ? &d->pt : &in->pt;
	struct image *img = d ? &d->img : &in->img;
	struct pfs *f;
	struct gi_err err = { 0 };

	if (!p)
		return NULL;
	f = d ? &d->pfs[p - d->pt.part] : &in->pfs[p - in->pt.part];
	if (f->tried)
		return f;
	f->tried = true;
	f->part = p;
	/* An install writes to the image only: to the partition it is
	 * given (--partition), or the one it chooses.  */
	f->installs = !d && p == (in->g && in->g->opts.partition > 0
					  ? ptable_find(pt, in->g->opts.partition)
					  : rule_boot_partition(pt));
	if (p->container) {
		snprintf(f->why, sizeof(f->why), "partition %d is an extended "
			 "partition", p->number);
		return f;
	}
	if (in->pending && img == &in->img
		    ? fs_open_pending(&f->fs, img, in->pending, p->start * SECTOR_SIZE, &err)
		    : fs_open(&f->fs, img, p->start * SECTOR_SIZE, false, &err)) {
		/* The message without its subject, the image. */
		snprintf(f->why, sizeof(f->why), "%.200s", err.msg);
		return f;
	}
	f->ok = true;
	/* The install's target was judged by the same rules before its
	 * writes (installer/target.c); no other partition was.  */
	f->since = in->pending && img == &in->img && f->installs ? in->pending : NULL;
	f->sectors = p->size;
	if (p->start + p->size > image_sectors(img)) {
		f->sectors = image_sectors(img) > p->start
				     ? image_sectors(img) - p->start : 0;
		f->cut = true;
	}
	f->limit = f->sectors / (fs_block_size(&f->fs) / SECTOR_SIZE);
	f->reach = grub_disk_reach(image_sectors(img));
	f->grub_limit = p->start >= f->reach ? 0
			: (f->reach - p->start) /
			  (fs_block_size(&f->fs) / SECTOR_SIZE);
	if (f->grub_limit > f->limit)
		f->grub_limit = f->limit;
	return f;
}

struct inspect *inspect_new(grubinst *g, grubinst_finding_fn fn, void *ctx)
{
	struct inspect *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->g = g;
	in->fn = fn;
	in->ctx = ctx;
	in->img.fd = -1;
	return in;
}

/* Closes everything; returns the fatal error code (0 if none), which is
 * also copied into the handle.  */
int inspect_free(struct inspect *in)
{
	int rc = in->fatal.code;

	findings_free(in);
	for (int i = 0; i < PTABLE_MAX; i++)
		if (in->pfs[i].ok) {
			fs_blocks_free(&in->pfs[i].journal);
			fs_abandon(&in->pfs[i].fs);
		}
	for (int d = 1; d < GRUBINST_MAX_DISKS; d++) {
		struct other_disk *o = in->other[d];

		if (!o)
			continue;
		for (int i = 0; i < PTABLE_MAX; i++)
			if (o->pfs[i].ok) {
				fs_blocks_free(&o->pfs[i].journal);
				fs_abandon(&o->pfs[i].fs);
			}
		image_close(&o->img);
		free(o);
	}
	if (in->builtin_state > 0)
		stage_set_free(&in->builtin);
	if (in->img_open)
		image_close(&in->img);
	if (rc)
		in->g->err = in->fatal;
	free(in);
	return rc;
}


void pfs_target(const struct pfs *p, bool grub_reads, struct rule_target *t)
{
	t->part = p->part;
	t->fs = p->ok ? &p->fs : NULL;
	t->sectors = p->ok ? p->sectors : p->part->size;
	t->grub_reads = grub_reads;
	t->installs = p->installs;
	t->reach = p->reach;
	t->grub_dir = NULL;
	t->since = p->since;
}

const struct stage_set *inspect_builtin_stages(struct inspect *in)
{
	struct gi_err err = { 0 };

	if (in->given_builtin)
		return in->given_builtin;
	if (!in->builtin_state)
		in->builtin_state = stage_set_load(&in->builtin, NULL, &err) ? -1 : 1;
	return in->builtin_state > 0 ? &in->builtin : NULL;
}
