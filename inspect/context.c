/* The state every check reads: the image, its partitions and their
 * filesystems (opened once, on demand, read-only), and the reads that
 * tell a damaged image from one that cannot be read at all.  */
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

int read_sectors(struct inspect *in, uint64_t sector, void *buf, size_t n)
{
	struct gi_err err = { 0 };

	if (sector > image_sectors(&in->img) ||
	    n > image_sectors(&in->img) - sector)
		return 1;
	if (image_read(&in->img, sector, buf, n, &err) == 0)
		return 0;
	if (err.cause == GI_CAUSE_IO) {
		gi_pass(&in->fatal, &err, 0);
		return -1;
	}
	return 1;
}

const struct partition *part_by_grub(const struct inspect *in, int index)
{
	return in->have_table ? ptable_find(&in->pt, index + 1) : NULL;
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
	const struct partition *p = in->have_table ? ptable_find(&in->pt, partno)
						   : NULL;
	struct pfs *f;
	struct gi_err err = { 0 };

	if (!p)
		return NULL;
	f = &in->pfs[p - in->pt.part];
	if (f->tried)
		return f;
	f->tried = true;
	f->part = p;
	f->installs = p == rule_boot_partition(&in->pt);
	if (p->container) {
		snprintf(f->why, sizeof(f->why), "partition %d is an extended "
			 "partition", p->number);
		return f;
	}
	if (fs_open(&f->fs, &in->img, p->start * SECTOR_SIZE, false, &err)) {
		/* The message without its subject, the image. */
		snprintf(f->why, sizeof(f->why), "%.200s", err.msg);
		return f;
	}
	f->ok = true;
	f->sectors = p->size;
	if (p->start + p->size > image_sectors(&in->img)) {
		f->sectors = image_sectors(&in->img) > p->start
				     ? image_sectors(&in->img) - p->start : 0;
		f->cut = true;
	}
	f->limit = f->sectors / (fs_block_size(&f->fs) / SECTOR_SIZE);
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
}

const struct stage_set *inspect_builtin_stages(struct inspect *in)
{
	struct gi_err err = { 0 };

	if (!in->builtin_state)
		in->builtin_state = stage_set_load(&in->builtin, NULL, &err) ? -1 : 1;
	return in->builtin_state > 0 ? &in->builtin : NULL;
}
