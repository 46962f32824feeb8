/* The stage-file formats (stages/): the checks, each writer and the reader
 * beside it, and inspect/bootcode.c's boot sector recognition, on the
 * first bytes of a stage file or boot sector.  What blocklist_write(),
 * stage1_build() and the config patchers write must read back the same.
 * Seeds: Debian's stage files and the sectors grubinst installs.  */
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"
#include "inspect/inspect.h"

#define MAX_STAGE (1024 * 1024)

static void check_error(const struct gi_err *err)
{
	if (err->code)
		fuzz_check_line("stage error", err->text, sizeof(err->text));
}

/* Runs taken from the input's last bytes, so that the fuzzer picks them;
 * together they list the file's sectors 1..end, as they must.  */
static size_t pick_runs(const uint8_t *data, size_t size, struct sector_run *r)
{
	uint64_t left = (size + SECTOR_SIZE - 1) / SECTOR_SIZE - 1;
	size_t n = size ? 1 + data[size - 1] % 3 : 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t v = size >= 8 ? le32(data + size - 8) : 1000;
		uint64_t c = i + 1 == n ? left
			     : (size >= 4 ? le16(data + size - 4 + (i & 1)) : 200) %
				       (left + 1);

		r[i].start = (uint64_t)v + 100000 * i;
		r[i].count = c;
		left -= c;
	}
	return n;
}

/* What blocklist_write wrote, read back as stage1's loader will. */
static void check_roundtrip(const uint8_t *image, const struct sector_run *r,
			    size_t n, uint16_t address)
{
	struct blocklist bl;
	uint64_t total = 0, entries = 0;

	for (size_t i = 0; i < n; i++) {
		total += r[i].count;
		entries += (r[i].count + BLOCKLIST_MAX_COUNT - 1) / BLOCKLIST_MAX_COUNT;
	}
	blocklist_read(image, address, &bl);
	fuzz_require(!bl.overflow && !bl.bad_segment, "block list read back", "");
	fuzz_require(bl.n == entries && bl.sectors == total,
		     "block list read back: entries or sectors", "");
	fuzz_require(!entries || bl.run[0].start == r[0].start ||
			     r[0].count == 0, "block list start", "");
}

static void patch_copy(const uint8_t *data, size_t size, int id,
		       const struct stage_info *info)
{
	uint16_t address = id == STAGE2_ID_STAGE2 ? STAGE2_LOAD_ADDRESS
						  : STAGE1_5_LOAD_ADDRESS;
	struct gi_err err = { 0 };
	struct stage2_config c;
	struct sector_run runs[3];
	size_t n = pick_runs(data, size, runs);
	uint8_t *copy = malloc(size);

	fuzz_require(copy != NULL, "malloc", "");
	memcpy(copy, data, size);
	if (blocklist_write(copy, size, runs, n, address, "fuzz", &err) == 0)
		check_roundtrip(copy, runs, n, address);
	check_error(&err);
	memset(&err, 0, sizeof(err));
	if (id == STAGE2_ID_STAGE2 &&
	    stage2_set_config(copy, info, "/boot/grub/menu.lst", true, 0x1ffff,
			      &err) == 0) {
		stage2_read_config(copy, info, &c);
		fuzz_require(strcmp(c.path, "/boot/grub/menu.lst") == 0 &&
				     c.force_lba && c.install_partition == 0x1ffff,
			     "stage2 config read back", c.path);
	} else if (id != STAGE2_ID_STAGE2 &&
		   stage1_5_set_stage2(copy, info, 0xffff, stage_device_word(0xff, 0),
				       "/boot/grub/stage2 /boot/grub/menu.lst",
				       false, &err) == 0) {
		stage2_read_config(copy, info, &c);
		fuzz_require(strcmp(c.path, "/boot/grub/stage2") == 0 &&
				     c.device == stage_device_word(0xff, 0),
			     "stage1.5 config read back", c.path);
	}
	check_error(&err);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int ids[] = { STAGE2_ID_STAGE2, STAGE2_ID_E2FS };
	uint8_t sector[SECTOR_SIZE] = { 0 }, boot[SECTOR_SIZE];
	struct stage1_params params = { 12345, STAGE1_5_LOAD_ADDRESS, false };
	struct gi_err err = { 0 };
	struct stage_info info;
	struct blocklist bl;
	struct bootcode b;

	if (size > MAX_STAGE)
		return 0;
	memcpy(sector, data, size < SECTOR_SIZE ? size : SECTOR_SIZE);
	identify_bootcode(sector, &b);
	fuzz_require(b.name != NULL, "boot code name", "");
	blocklist_read(sector, STAGE1_5_LOAD_ADDRESS, &bl);
	fuzz_require(bl.n <= BLOCKLIST_MAX, "block list length", "");
	if (stage1_check(data, size, "fuzz", &err) == 0) {
		stage1_build(boot, data, sector, &params);
		identify_bootcode(boot, &b);
		/* Only the fields stage1_build writes are certain. */
		if (b.kind == BOOT_GRUB_LEGACY)
			fuzz_require(b.stage1.p.load_sector == params.load_sector &&
					     b.stage1.p.load_address == params.load_address,
				     "a built stage1 read back", b.name);
	}
	check_error(&err);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		memset(&err, 0, sizeof(err));
		if (stage2_check(data, size, ids[i], "fuzz", &info, &err) == 0) {
			fuzz_require(info.config_offset > SECTOR_SIZE &&
					     info.config_offset < size,
				     "config offset", info.version);
			patch_copy(data, size, ids[i], &info);
		}
		check_error(&err);
	}
	return 0;
}
