/* What a partition holds when it is not ext2/3/4: libblkid names it, so
 * that a refusal says "an NTFS filesystem" rather than libext2fs' "Bad
 * magic number in super-block".  */
#include <stdio.h>
#include <stdlib.h>

#include <blkid.h>

#include "disk/disk.h"

bool fs_probe_foreign(const struct image *img, uint64_t offset, uint64_t size,
		      char *buf, size_t bufsize)
{
	blkid_probe pr = blkid_new_probe();
	const char *type = NULL;
	bool found = false;

	if (!pr)
		return false;
	if (blkid_probe_set_device(pr, img->fd, (blkid_loff_t)offset,
				   (blkid_loff_t)size) == 0 &&
	    blkid_probe_enable_superblocks(pr, 1) == 0 &&
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE) == 0 &&
	    blkid_do_safeprobe(pr) == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type) {
		snprintf(buf, bufsize, "%s", type);
		found = true;
	}
	blkid_free_probe(pr);
	return found;
}

bool fs_probe_magic(const struct image *img, char *buf, size_t bufsize,
		    uint64_t *magic_at)
{
	blkid_probe pr = blkid_new_probe();
	const char *type = NULL, *off = NULL;
	bool found = false;

	if (!pr)
		return false;
	if (blkid_probe_set_device(pr, img->fd, 0, (blkid_loff_t)img->size) == 0 &&
	    blkid_probe_enable_superblocks(pr, 1) == 0 &&
	    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
					      BLKID_SUBLKS_MAGIC) == 0 &&
	    blkid_do_safeprobe(pr) == 0 &&
	    blkid_probe_lookup_value(pr, "TYPE", &type, NULL) == 0 && type &&
	    blkid_probe_lookup_value(pr, "SBMAGIC_OFFSET", &off, NULL) == 0 && off) {
		snprintf(buf, bufsize, "%s", type);
		gi_printable(buf);
		*magic_at = strtoull(off, NULL, 10);
		found = true;
	}
	blkid_free_probe(pr);
	return found;
}
