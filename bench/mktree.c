/*
 * mktree DIR NFILES: a tree of NFILES regular files of mixed sizes under
 * DIR, for mke2fs -d.  1000 files per directory, 100 directories per top
 * directory (DIR/t00/d000/f000000).  Sizes: 40% up to 1 KiB, 40% up to
 * 4 KiB, 18% up to 16 KiB, 2% up to 64 KiB and 1 in 5000 up to 1 MiB, so
 * that 1 KiB-block files have indirect blocks and a few have double
 * indirect ones.  Contents are never all zeros: mke2fs -d would turn zero
 * blocks into holes.  The same NFILES gives the same tree.
 *
 * Prints "files F dirs D blocks1k B1 blocks4k B4": the data blocks the
 * files need with 1 KiB and 4 KiB blocks, to size the filesystems.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILES_PER_DIR 1000
#define DIRS_PER_TOP 100
#define MAX_SIZE (1u << 20)

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static size_t pick_size(void)
{
	unsigned r = rng() % 10000;

	if (r < 4000)
		return 1 + rng() % 1024;
	if (r < 8000)
		return 1025 + rng() % 3072;
	if (r < 9800)
		return 4097 + rng() % 12288;
	if (r < 9998)
		return 16385 + rng() % 49152;
	return 65537 + rng() % (MAX_SIZE - 65536);
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "mktree: %s: %s\n", path, strerror(errno));
	return -1;
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || close(fd) != 0) {
		fprintf(stderr, "mktree: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static uint8_t data[2 * MAX_SIZE];
	unsigned long long blocks1k = 0, blocks4k = 0;
	unsigned long nfiles, dirs = 0;
	char path[4096];

	if (argc != 3 || (nfiles = strtoul(argv[2], NULL, 10)) == 0) {
		fprintf(stderr, "usage: mktree DIR NFILES\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(rng() | 1);
	if (make_dir(argv[1]))
		return 1;
	for (unsigned long i = 0; i < nfiles; i++) {
		unsigned long d = i / FILES_PER_DIR;
		size_t len = pick_size();

		if (i % FILES_PER_DIR == 0) {
			if (d % DIRS_PER_TOP == 0) {
				snprintf(path, sizeof(path), "%s/t%02lu", argv[1],
					 d / DIRS_PER_TOP);
				if (make_dir(path))
					return 1;
				dirs++;
			}
			snprintf(path, sizeof(path), "%s/t%02lu/d%03lu", argv[1],
				 d / DIRS_PER_TOP, d % DIRS_PER_TOP);
			if (make_dir(path))
				return 1;
			dirs++;
		}
		snprintf(path, sizeof(path), "%s/t%02lu/d%03lu/f%06lu", argv[1],
			 d / DIRS_PER_TOP, d % DIRS_PER_TOP, i);
		if (write_file(path, data + rng() % MAX_SIZE, len))
			return 1;
		blocks1k += (len + 1023) / 1024;
		blocks4k += (len + 4095) / 4096;
	}
	printf("files %lu dirs %lu blocks1k %llu blocks4k %llu\n", nfiles, dirs,
	       blocks1k, blocks4k);
	return 0;
}
