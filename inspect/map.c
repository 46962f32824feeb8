/* grubinst_map(): the disk layout as text, from the same reading of the
 * image as grubinst_verify() (run silently).  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect/inspect.h"

#define MAX_REGIONS (3 * PTABLE_MAX + 8)

struct region {
	uint64_t start, end;	/* inclusive */
	int depth;		/* 0 disk level, 1 inside a partition... */
	uint64_t key;		/* sort position: START, or the filesystem's
				   start for its overhang line, so that it
				   follows the filesystem */
	char text[200];
};

struct layout {
	struct region r[MAX_REGIONS];
	int n;
};

static void add(struct layout *l, uint64_t start, uint64_t end, int depth,
		const char *fmt, ...) GI_PRINTF(5, 6);

static void add(struct layout *l, uint64_t start, uint64_t end, int depth,
		const char *fmt, ...)
{
	va_list ap;

	if (l->n == MAX_REGIONS || end < start)
		return;
	l->r[l->n] = (struct region){ start, end, depth, start, "" };
	va_start(ap, fmt);
	vsnprintf(l->r[l->n].text, sizeof(l->r[0].text), fmt, ap);
	va_end(ap);
	l->n++;
}

static int by_start(const void *a, const void *b)
{
	const struct region *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->depth != y->depth)
		return x->depth - y->depth;
	return x->start < y->start ? -1 : x->start > y->start;
}

static void add_filesystem(struct layout *l, struct pfs *f, int depth)
{
	const struct partition *p = f->part;
	uint64_t blocks = fs_blocks(&f->fs);
	uint64_t first = p->start, last = fs_block_sector(&f->fs, blocks) - 1;

	add(l, first, last, depth, "%s: blocks 0..%llu of %u bytes",
	    fs_kind(&f->fs), (unsigned long long)(blocks - 1),
	    fs_block_size(&f->fs));
	if (blocks > f->limit) {
		int n = l->n;
		add(l, fs_block_sector(&f->fs, f->limit), last, depth,
		    "<-- blocks %llu..%llu lie PAST THE PARTITION END",
		    (unsigned long long)f->limit, (unsigned long long)(blocks - 1));
		if (l->n > n)
			l->r[n].key = first;
	}
}

static void add_partitions(struct inspect *in, struct layout *l)
{
	for (int i = 0; in->have_table && i < in->pt.count; i++) {
		const struct partition *p = &in->pt.part[i];
		struct pfs *f = pfs_get(in, p->number);
		int depth = p->logical ? 1 : 0;

		if (!p->size)
			continue;
		if (in->pt.gpt)
			add(l, p->start, p->start + p->size - 1, depth,
			    "partition %d (hd0,gpt%d), type %s", p->number, p->number,
			    strcasecmp(p->guid_type, GPT_BIOS_BOOT) ? p->guid_type
								   : "BIOS boot");
		else
			add(l, p->start, p->start + p->size - 1, depth,
			    "partition %d%s (hd0,%d), type 0x%02x%s", p->number,
			    p->container ? " extended" : "", partition_grub_index(p),
			    p->type, p->active ? ", active" : "");
		if (in->embedded_name && in->embedded_sectors &&
		    in->embedded_first >= p->start &&
		    in->embedded_first < p->start + p->size)
			add(l, in->embedded_first, in->embedded_first + in->embedded_sectors - 1,
			    depth + 1, "%s (%u sectors)", in->embedded_name,
			    in->embedded_sectors);
		if (f && f->ok)
			add_filesystem(l, f, depth + 1);
	}
}

static void add_boot_area(struct inspect *in, struct layout *l)
{
	uint64_t first = image_sectors(&in->img);
	uint64_t from = in->embedded_first ? in->embedded_first : 1;
	uint64_t to = from + in->embedded_sectors - 1;

	add(l, 0, 0, 0, "MBR: %s%s", in->have_mbr ? in->mbr_code ? in->mbr_code
						    : "boot sector" : "?",
	    !in->have_table ? "" : in->pt.gpt ? " + protective partition table"
					       : " + partition table");
	if (in->have_table && in->pt.gpt && first > GPT_FIRST_USABLE) {
		add(l, 1, GPT_FIRST_USABLE - 1, 0, "GPT header and partition entries");
		for (int i = 0; i < in->pt.count; i++)
			if (in->pt.part[i].size && in->pt.part[i].start < first)
				first = in->pt.part[i].start;
		add(l, GPT_FIRST_USABLE, first - 1, 0, "gap (unused)");
		return;
	}
	for (int i = 0; in->have_table && i < in->pt.count; i++)
		if (in->pt.part[i].size && in->pt.part[i].start < first)
			first = in->pt.part[i].start;

	if (in->embedded_sectors > 1 && from == 1 && to < first) {
		add(l, 1, to, 0, "embedded %s (%u sectors)",
		    in->embedded_name ? in->embedded_name : "stage1.5",
		    in->embedded_sectors);
		add(l, to + 1, first - 1, 0, "gap (unused)");
	} else if (first > 1) {
		add(l, 1, first - 1, 0, "gap after the MBR (no stage1.5 embedded)");
	}
}

/* Top-level stretches no region covers. */
static void add_free(struct layout *l, uint64_t sectors)
{
	uint64_t at = 0;
	int n = l->n;

	for (int i = 0; i < n; i++) {
		const struct region *r = &l->r[i];
		if (r->depth != 0)
			continue;
		if (r->start > at)
			add(l, at, r->start - 1, 0, "unpartitioned");
		if (r->end + 1 > at)
			at = r->end + 1;
	}
	if (at < sectors)
		add(l, at, sectors - 1, 0, "unpartitioned");
}

static void emit(struct inspect *in, struct layout *l, grubinst_line_fn line,
		 void *ctx)
{
	char buf[320];
	uint64_t sectors = image_sectors(&in->img);

	snprintf(buf, sizeof(buf), "%s: %llu sectors of 512 bytes (%.1f MiB)",
		 in->img.path, (unsigned long long)sectors,
		 (double)in->img.size / (1024 * 1024));
	line(ctx, buf);
	for (int i = 0; i < l->n; i++) {
		const struct region *r = &l->r[i];
		snprintf(buf, sizeof(buf), "%*s%10llu..%-10llu %s%s", r->depth * 2,
			 "", (unsigned long long)r->start,
			 (unsigned long long)r->end, r->text,
			 r->end >= sectors ? "  (beyond the end of the image)" : "");
		line(ctx, buf);
	}
}

GI_API int grubinst_map(grubinst *g, grubinst_line_fn line, void *ctx)
{
	struct inspect *in;
	struct layout *l;

	if (!g)
		return GRUBINST_ENOMEM;
	if (gi_start(g))
		return g->err.code;
	if (!line)
		return gi_fail_as(&g->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  g->path, "grubinst_map() "
				  "needs a function to take the lines");
	in = inspect_new(g, NULL, NULL);
	l = calloc(1, sizeof(*l));
	if (!in || !l) {
		if (in)
			inspect_free(in);
		free(l);
		return gi_fail(&g->err, GRUBINST_ENOMEM, "out of memory");
	}
	/* The same reading as verify, without findings. */
	inspect_run(in, true);
	if (!in->fatal.code) {
		add_boot_area(in, l);
		add_partitions(in, l);
		qsort(l->r, l->n, sizeof(l->r[0]), by_start);
		add_free(l, image_sectors(&in->img));
		qsort(l->r, l->n, sizeof(l->r[0]), by_start);
		emit(in, l, line, ctx);
	}
	free(l);
	return inspect_free(in);
}
