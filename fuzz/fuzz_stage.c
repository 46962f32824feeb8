/* The stage-file parsers: stages/stage.c's checks and block-list writer,
 * inspect/chain.c's block-list reader and inspect/bootcode.c's boot
 * sector recognition, on the first bytes of a stage file or boot sector.
 * A block list written by stage_set_blocklist() must read back the same.
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

/* Runs taken from the input's last bytes, so that the fuzzer picks them. */
static size_t pick_runs(const uint8_t *data, size_t size, struct sector_run *r)
{
	size_t n = size ? 1 + data[size - 1] % 3 : 1;

	for (size_t i = 0; i < n; i++) {
		uint32_t v = size >= 8 ? le32(data + size - 8) : 1000;
		r[i].start = (uint64_t)v + 100000 * i;
		r[i].count = 1 + (size >= 4 ? le16(data + size - 4 + (i & 1)) : 200) % 5000;
	}
	return n;
}

/* What stage_set_blocklist wrote, read back as stage1's loader will. */
static void check_roundtrip(const uint8_t *image, const struct sector_run *r,
			    size_t n, uint16_t address)
{
	struct blocklist bl;
	uint64_t total = 0, entries = 0;

	for (size_t i = 0; i < n; i++) {
		total += r[i].count;
		entries += (r[i].count + 0x9fe) / 0x9ff;
	}
	blocklist_parse(image, address, &bl);
	/* The reader stops at 0x100 bytes; longer lists are refused there. */
	if (entries > (512 - 0x100) / 8)
		return;
	fuzz_require(!bl.overflow && !bl.bad_segment, "block list read back", "");
	fuzz_require(bl.n == entries && bl.sectors == total,
		     "block list read back: entries or sectors", "");
	fuzz_require(bl.run[0].start == r[0].start, "block list start", "");
}

static void patch_copy(const uint8_t *data, size_t size, int id,
		       const struct stage_info *info)
{
	uint16_t address = id == STAGE2_ID_STAGE2 ? STAGE2_LOAD_ADDRESS
						  : STAGE1_5_LOAD_ADDRESS;
	struct gi_err err = { 0 };
	struct sector_run runs[3];
	size_t n = pick_runs(data, size, runs);
	uint8_t *copy = malloc(size);

	fuzz_require(copy != NULL, "malloc", "");
	memcpy(copy, data, size);
	if (stage_set_blocklist(copy, size, runs, n, address, "fuzz", &err) == 0)
		check_roundtrip(copy, runs, n, address);
	check_error(&err);
	memset(&err, 0, sizeof(err));
	if (id == STAGE2_ID_STAGE2)
		stage2_set_config(copy, info, "/boot/grub/menu.lst", true, 0, &err);
	else
		stage1_5_set_stage2(copy, info, 0xffff, stage_device_word(0xff, 0),
				    "/boot/grub/stage2 /boot/grub/menu.lst",
				    false, &err);
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
	blocklist_parse(sector, STAGE1_5_LOAD_ADDRESS, &bl);
	fuzz_require(bl.n <= BLOCKLIST_MAX, "block list length", "");
	if (stage1_check(data, size, "fuzz", &err) == 0) {
		stage1_build(boot, data, sector, &params);
		identify_bootcode(boot, &b);
		/* Only the fields stage1_build writes are certain. */
		if (b.kind == BOOT_GRUB_LEGACY)
			fuzz_require(b.load_sector == params.load_sector &&
					     b.address == params.load_address,
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
