/* The partition-table path: disk/ptable.c (libfdisk) over the first
 * sectors of a disk, then the inspector's disk checks that read its
 * result (overlaps, active flags, a filesystem per partition).  Seeds:
 * tables written by sfdisk, extended partitions included.  */
#include <string.h>

#include "fuzz/common.h"
#include "inspect/inspect.h"

static void check_table(const struct ptable *pt)
{
	fuzz_require(pt->count >= 0 && pt->count <= PTABLE_MAX, "count", "");
	for (int i = 0; i < pt->count; i++) {
		const struct partition *p = &pt->part[i];

		fuzz_require(p->number >= 1, "partition number", "");
		fuzz_require(p->logical == (p->number > 4), "logical", "");
		fuzz_require(ptable_find(pt, p->number) != NULL, "ptable_find", "");
		for (int j = i + 1; j < pt->count; j++)
			fuzz_require(pt->part[j].number != p->number,
				     "two partitions with one number", "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_image(data, size);
	struct gi_err err = { 0 };
	struct image img;
	struct ptable pt;
	grubinst *g;
	struct inspect *in;

	if (image_open(&img, path, false, &err) == 0) {
		if (ptable_read(&img, &pt, &err) == 0)
			check_table(&pt);
		else
			fuzz_check_line("ptable_read error", err.text, sizeof(err.text));
		image_close(&img);
	}
	g = grubinst_open(path, NULL);
	fuzz_require(g != NULL, "grubinst_open", "");
	in = inspect_new(g, fuzz_check_finding, NULL);
	fuzz_require(in != NULL, "inspect_new", "");
	check_partitions(in);
	fuzz_check_status(g, inspect_free(in));
	grubinst_close(g);
	return 0;
}
