/*
 * The writes of an install, held in memory until journal_commit() puts
 * them on the image in an order chosen for failures:
 *   1. the undo record (undo.c): the old contents of every sector about
 *      to change but those of blocks that were free, synced, before the
 *      first write to the image;
 *   2. filesystem blocks that were free before the install, then the rest
 *      of the filesystem; sync;
 *   3. the embedded stage1.5; sync;
 *   4. the boot sector; sync;
 *   5. the undo record removed.
 * If a write or sync fails, the old contents are put back at once and the
 * image is as it was, byte for byte.  If the process dies instead, the
 * undo record lets the next install put back everything the filesystem
 * and the boot code use (undo_recover).
 */
#include <stdlib.h>
#include <string.h>

#include "disk/disk.h"

/* Removes the part of run I that [START, END) covers; a run covering both
 * ends is overwritten in place.  Returns the index of the next run.  */
static size_t cut_run(struct journal *j, size_t i, uint64_t start,
		      uint64_t end, const uint8_t *data, bool *done)
{
	struct journal_run *r = &j->run[i];
	uint64_t rend = r->sector + r->count;

	if (rend <= start || r->sector >= end)
		return i + 1;
	if (r->sector <= start && rend >= end) {
		memcpy(r->data + (start - r->sector) * SECTOR_SIZE, data,
		       (end - start) * SECTOR_SIZE);
		*done = true;
		return i + 1;
	}
	if (r->sector < start) {
		r->count = start - r->sector;
		return i + 1;
	}
	if (rend > end) {
		size_t cut = end - r->sector;
		memmove(r->data, r->data + cut * SECTOR_SIZE,
			(r->count - cut) * SECTOR_SIZE);
		r->sector = end;
		r->count -= cut;
		return i + 1;
	}
	free(r->data);
	memmove(r, r + 1, (j->n - i - 1) * sizeof(*r));
	j->n--;
	return i;
}

int journal_add(struct journal *j, uint64_t sector, const void *data,
		size_t nsect, enum journal_class cls, struct gi_err *err)
{
	struct journal_run run = { sector, nsect, cls, NULL };
	bool done = false;
	size_t i = 0;

	if (!nsect)
		return 0;
	while (i < j->n && !done)
		i = cut_run(j, i, sector, sector + nsect, data, &done);
	if (done)
		return 0;
	if (gi_grow(&j->run, &j->cap, j->n, sizeof(*j->run), 64))
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	run.data = malloc(nsect * SECTOR_SIZE);
	if (!run.data)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	memcpy(run.data, data, nsect * SECTOR_SIZE);
	for (i = 0; i < j->n && j->run[i].sector < sector; i++)
		;
	memmove(&j->run[i + 1], &j->run[i], (j->n - i) * sizeof(run));
	j->run[i] = run;
	j->n++;
	return 0;
}

int journal_read(const struct journal *j, struct image *img, uint64_t sector,
		 void *buf, size_t nsect, struct gi_err *err)
{
	if (image_read(img, sector, buf, nsect, err))
		return err->code;
	journal_overlay(j, sector * SECTOR_SIZE, buf, nsect * SECTOR_SIZE);
	return 0;
}

void journal_overlay(const struct journal *j, uint64_t offset, void *buf,
		     size_t len)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_run *r = &j->run[i];
		uint64_t a = r->sector * SECTOR_SIZE;
		uint64_t b = a + (uint64_t)r->count * SECTOR_SIZE;
		uint64_t from = a > offset ? a : offset;
		uint64_t to = b < offset + len ? b : offset + len;

		if (from < to)
			memcpy((uint8_t *)buf + (from - offset),
			       r->data + (from - a), to - from);
	}
}

bool journal_covers(const struct journal *j, uint64_t offset, size_t len)
{
	uint64_t want = offset, end = offset + len;

	/* The runs are sorted and apart: walk them while they join up. */
	for (size_t i = 0; i < j->n && want < end; i++) {
		const struct journal_run *r = &j->run[i];
		uint64_t a = r->sector * SECTOR_SIZE;
		uint64_t b = a + (uint64_t)r->count * SECTOR_SIZE;

		if (b <= want)
			continue;
		if (a > want)
			return false;
		want = b;
	}
	return want >= end;
}

void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->run[i].data);
	free(j->run);
	memset(j, 0, sizeof(*j));
}

/* ---- what actually changes ---- */

struct changes {
	struct sector_change *c;
	size_t n, cap;
};

static void free_changes(struct changes *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->c[i].before);
		free(cs->c[i].after);
	}
	free(cs->c);
}

/* Appends one changed sector, extending the last change when it is the
 * sector before and of the same class: fewer, larger writes.  */
static int add_sector(struct changes *cs, uint64_t sector, enum journal_class cls,
		      const uint8_t *before, const uint8_t *after)
{
	struct sector_change *last = cs->n ? &cs->c[cs->n - 1] : NULL;
	size_t cap_b, cap_a;

	if (!last || last->sector + last->count != sector || last->cls != cls) {
		if (gi_grow(&cs->c, &cs->cap, cs->n, sizeof(*cs->c), 64))
			return -1;
		last = &cs->c[cs->n++];
		*last = (struct sector_change){ sector, 0, cls, NULL, NULL, 0 };
	}
	/* Doubling, not a sector at a time: a change of N sectors copies
	 * them O(N) times, not O(N^2).  */
	cap_b = cap_a = last->cap;
	if (gi_grow(&last->before, &cap_b, last->count, SECTOR_SIZE, 8) ||
	    gi_grow(&last->after, &cap_a, last->count, SECTOR_SIZE, 8)) {
		last->cap = cap_b < cap_a ? cap_b : cap_a;
		return -1;
	}
	last->cap = cap_b < cap_a ? cap_b : cap_a;
	memcpy(last->before + last->count * SECTOR_SIZE, before, SECTOR_SIZE);
	memcpy(last->after + last->count * SECTOR_SIZE, after, SECTOR_SIZE);
	last->count++;
	return 0;
}

/* The sectors of CLS whose contents differ from the image's, in order.
 * Unchanged sectors are not written at all: a second install changes
 * nothing, and a sparse image gets no zeros written into its holes.  */
static int collect_changes(struct journal *j, struct image *img,
			   enum journal_class cls, struct changes *cs,
			   struct gi_err *err)
{
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_run *r = &j->run[i];
		uint8_t *old;

		if (r->cls != cls)
			continue;
		old = malloc(r->count * SECTOR_SIZE);
		if (!old)
			return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
		if (image_read(img, r->sector, old, r->count, err)) {
			free(old);
			return err->code;
		}
		for (size_t s = 0; s < r->count; s++) {
			const uint8_t *b = old + s * SECTOR_SIZE;
			const uint8_t *a = r->data + s * SECTOR_SIZE;

			if (memcmp(a, b, SECTOR_SIZE) &&
			    add_sector(cs, r->sector + s, cls, b, a)) {
				free(old);
				return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
			}
		}
		free(old);
	}
	return 0;
}

/* ---- writing, and taking it back ---- */

/* Puts back the old contents of every change, sector by sector and only
 * where they differ: a sector never written needs no write, so this works
 * on a full disk too.  */
static int roll_back(struct undo *undo, const struct changes *cs)
{
	struct gi_err err = { 0 };
	uint8_t cur[SECTOR_SIZE];

	for (size_t i = cs->n; i-- > 0;) {
		const struct sector_change *c = &cs->c[i];

		for (size_t s = 0; s < c->count; s++) {
			const uint8_t *old = c->before + s * SECTOR_SIZE;

			if (image_read(undo->img, c->sector + s, cur, 1, &err))
				return -1;
			if (memcmp(cur, old, SECTOR_SIZE) &&
			    undo_write(undo, c->sector + s, old, 1, &err))
				return -1;
		}
	}
	return undo_sync(undo, &err) ? -1 : 0;
}

/* Writes the changes of the classes FIRST..LAST in that order, then syncs. */
static int write_phase(struct undo *undo, const struct changes *cs,
		       enum journal_class first, enum journal_class last,
		       struct gi_err *err)
{
	bool wrote = false;

	for (int cls = first; cls <= (int)last; cls++)
		for (size_t i = 0; i < cs->n; i++) {
			const struct sector_change *c = &cs->c[i];

			if ((int)c->cls != cls)
				continue;
			if (undo_write(undo, c->sector, c->after, c->count, err))
				return err->code;
			wrote = true;
		}
	return wrote ? undo_sync(undo, err) : 0;
}

static int write_all(struct undo *undo, const struct changes *cs,
		     struct gi_err *err)
{
	if (write_phase(undo, cs, JOURNAL_FS_FREE, JOURNAL_FS, err) ||
	    write_phase(undo, cs, JOURNAL_EMBED, JOURNAL_EMBED, err) ||
	    write_phase(undo, cs, JOURNAL_BOOT, JOURNAL_BOOT, err))
		return err->code;
	return 0;
}

/* The failure's message says what became of the image. */
static int failed(struct undo *undo, const struct changes *cs,
		  struct gi_err *err)
{
	struct gi_err ignored = { 0 };
	bool restored = roll_back(undo, cs) == 0;

	/* Once the image is restored, a record left behind is harmless: the
	 * next install finds the old contents in place.  */
	if (restored) {
		undo_discard(undo, &ignored);
		gi_append(err, "; the old contents were put back, the image is "
			  "unchanged");
	} else {
		gi_append(err, "; putting the old contents back failed too: the "
			  "next grubinst run on %s restores them from its undo "
			  "record", undo->img->path);
	}
	return err->code;
}

int journal_commit(struct journal *j, struct undo *undo, struct gi_err *err)
{
	struct image *img = undo->img;
	struct changes cs = { 0 };
	int rc = 0;

	for (int cls = JOURNAL_FS_FREE; cls <= JOURNAL_BOOT && !rc; cls++)
		rc = collect_changes(j, img, cls, &cs, err);
	if (!rc && cs.n) {
		/* Blocks that were free before hold nothing the filesystem
		 * needs: a rollback after a kill may leave them as written,
		 * so the record (written and synced on every install) leaves
		 * them out.  They come first (collect_changes).  */
		size_t kept = 0;

		while (kept < cs.n && cs.c[kept].cls == JOURNAL_FS_FREE)
			kept++;
		rc = undo_save(undo, cs.c + kept, cs.n - kept, err);
		if (!rc)
			rc = mmp_claim(img, &j->mmp, err);
		if (!rc && write_all(undo, &cs, err))
			rc = failed(undo, &cs, err);
		/* Released after a rollback too; a failure to release is
		 * reported unless an earlier one was (first failure wins).  */
		if (mmp_release(img, &j->mmp, err) && !rc)
			rc = err->code;
		if (!rc)
			rc = undo_discard(undo, err);
	}
	free_changes(&cs);
	return rc;
}
