/* The mutator of the disk-image harnesses (fuzz_verify, fuzz_install):
 * nine mutations in ten land in a 64 KiB window where the metadata of the
 * seed images lies (boot sectors, the gap, the superblock, descriptors,
 * bitmaps, inode tables, directories, the stage files' first sectors)
 * instead of anywhere in a mostly empty megabyte.  */
#include <stdint.h>
#include <stdlib.h>

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned seed)
{
	/* Window starts: the first 320 KiB hold everything but file data in
	 * the 1 KiB-block seeds; the 4 KiB-block seed's filesystem starts
	 * at 1 MiB.  */
	static const size_t starts[] = {
		0, 0x10000, 0x20000, 0x30000, 0x40000, 0x100000, 0x110000, 0x120000,
	};
	const size_t window = 0x10000;
	unsigned r = seed;
	size_t start = starts[rand_r(&r) % (sizeof(starts) / sizeof(starts[0]))];

	if (rand_r(&r) % 10 == 0 || size < start + window)
		return LLVMFuzzerMutate(data, size, max_size);
	LLVMFuzzerMutate(data + start, window, window);
	return size;
}
