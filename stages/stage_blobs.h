/* The stage files built into the library; the table is generated at build
 * time by stages/mkblob from Debian's grub-legacy package.  */
#ifndef GRUBINST_STAGE_BLOBS_H
#define GRUBINST_STAGE_BLOBS_H

#include <stddef.h>

struct builtin_stage {
	const char *name;
	const unsigned char *data;
	size_t size;
};

extern const struct builtin_stage builtin_stages[];
extern const size_t builtin_stage_count;

#endif
