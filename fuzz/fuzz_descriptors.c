/* disk/descriptors.c against libext2fs' own ext2fs_check_desc(), on a
 * bare filesystem whose superblock and group descriptors the fuzzer
 * mutates: the two must accept and refuse the same descriptors.  Seeds:
 * small filesystems of several groups from mke2fs, with and without
 * flex_bg, meta_bg, bigalloc (fuzz/make-corpus).  */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz/common.h"
#include "disk/disk.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned seed);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nine mutations in ten go to the first 16 KiB: the superblock and the
 * descriptors of every seed.  */
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned seed)
{
	const size_t window = 16384;
	unsigned r = seed;

	if (rand_r(&r) % 10 == 0 || size < window)
		return LLVMFuzzerMutate(data, size, max_size);
	LLVMFuzzerMutate(data, window, window);
	return size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_image(data, size);
	ext2_filsys e2;
	errcode_t ours, theirs;
	char why[160];

	if (ext2fs_open2(path, NULL, EXT2_FLAG_64BITS | EXT2_FLAG_IGNORE_CSUM_ERRORS,
			 0, 0, unix_io_manager, &e2))
		return 0;
	/* fs_open() refuses these before checking descriptors (fs.c). */
	if (e2->super->s_first_data_block !=
	    (e2->super->s_log_block_size == 0 && EXT2FS_CLUSTER_RATIO(e2) == 1)) {
		ext2fs_close_free(&e2);
		return 0;
	}
	ours = fs_check_descriptors(e2);
	theirs = fs_check_descriptors_slowly(e2);
	snprintf(why, sizeof(why), "ours %ld, ext2fs_check_desc %ld, %u groups%s",
		 (long)ours, (long)theirs, e2->group_desc_count,
		 ext2fs_has_feature_flex_bg(e2->super) ? ", flex_bg" : "");
	ext2fs_close_free(&e2);
	fuzz_require(!ours == !theirs, "the descriptor checks disagree", why);
	return 0;
}
