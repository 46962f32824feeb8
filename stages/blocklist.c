/*
 * The block list in the first sector of a stage2 or stage1.5: `install`
 * writes it, the loader in that sector (start.S) follows it, and the
 * inspector reads it back.  Entries run from the end of the sector
 * downwards (struct blocklist_entry in layout.h); a zero count ends them.
 */
#include <string.h>

#include "stages/stage.h"

#define ENTRY sizeof(struct blocklist_entry)

static const struct blocklist_entry *entry_at(const uint8_t *first, size_t i)
{
	return (const struct blocklist_entry *)(first + SECTOR_SIZE - ENTRY * (i + 1));
}

static size_t entry_offset(size_t i)
{
	return SECTOR_SIZE - ENTRY * (i + 1);
}

/* The list as shipped must be sane, as `install` insists: it is cleared
 * before being refilled.  */
bool blocklist_sane(const uint8_t first[SECTOR_SIZE])
{
	for (size_t i = 0; entry_offset(i) >= BLOCKLIST_LOWEST; i++) {
		const struct blocklist_entry *e = entry_at(first, i);

		if (le16(e->count) == 0 && le16(e->segment) == 0)
			return true;
		if ((le32(e->start) & 0x80000000u) ||
		    le16(e->count) > BLOCKLIST_MAX_COUNT || le16(e->segment) == 0)
			return false;
	}
	return false;
}

static void clear_blocklist(uint8_t *first)
{
	for (size_t i = 0; entry_offset(i) >= BLOCKLIST_LOWEST; i++) {
		uint8_t *e = first + entry_offset(i);

		if (le32(e + 4) == 0)
			break;
		memset(e, 0, ENTRY);
	}
}

int blocklist_write(uint8_t *image, size_t len, const struct sector_run *runs,
		    size_t nruns, uint16_t load_address, const char *name,
		    struct gi_err *err)
{
	uint32_t addr = load_address + SECTOR_SIZE;
	uint64_t listed = 0, want = (len + SECTOR_SIZE - 1) / SECTOR_SIZE;
	size_t entry = 0;

	if (len < 2 * SECTOR_SIZE)
		return gi_refuse(err, GI_CAUSE_STAGE, name, "too short for a "
				 "block list (%zu bytes)", len);
	for (size_t i = 0; i < nruns; i++)
		listed += runs[i].count;
	/* The loader reads exactly what the list names: all but sector 0. */
	if (listed != want - 1)
		return gi_fail_as(err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, name,
				  "a block list of %llu sectors for a file of "
				  "%llu", (unsigned long long)listed,
				  (unsigned long long)want);
	clear_blocklist(image);
	for (size_t i = 0; i < nruns; i++) {
		uint64_t start = runs[i].start, left = runs[i].count;

		while (left) {
			uint64_t n = left < BLOCKLIST_MAX_COUNT ? left
								 : BLOCKLIST_MAX_COUNT;
			size_t off = entry_offset(entry);

			/* The list grows down until it would meet code: the
			 * entry below must still read as the terminator.  */
			if (entry_offset(entry + 1) < BLOCKLIST_LOWEST ||
			    le32(image + off - ENTRY + 4) != 0)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "too fragmented: its block list "
						 "does not fit in its first sector");
			if (start + n > UINT32_MAX)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "lies beyond sector 2^32, out of "
						 "GRUB Legacy's reach");
			if (addr + n * SECTOR_SIZE > CONVENTIONAL_END)
				return gi_refuse(err, GI_CAUSE_STAGE, name,
						 "too large to load: loaded at "
						 "0x%x it would run past 640 KiB "
						 "of memory", load_address);
			put_le32(image + off, (uint32_t)start);
			put_le16(image + off + 4, (uint16_t)n);
			put_le16(image + off + 6, (uint16_t)(addr >> 4));
			addr += (uint32_t)n * SECTOR_SIZE;
			start += n;
			left -= n;
			entry++;
		}
	}
	return 0;
}

void blocklist_read(const uint8_t first[SECTOR_SIZE], uint16_t load_address,
		    struct blocklist *bl)
{
	uint32_t seg = (uint32_t)(load_address + SECTOR_SIZE) >> 4;

	memset(bl, 0, sizeof(*bl));
	for (size_t i = 0;; i++) {
		const struct blocklist_entry *e;

		if (entry_offset(i) < BLOCKLIST_LOWEST || bl->n == BLOCKLIST_MAX) {
			bl->overflow = true;
			return;
		}
		e = entry_at(first, i);
		if (le16(e->count) == 0)
			return;
		if (le16(e->segment) != seg)
			bl->bad_segment = true;
		bl->run[bl->n++] = (struct sector_run){ le32(e->start),
							 le16(e->count) };
		bl->sectors += le16(e->count);
		seg += (uint32_t)le16(e->count) * (SECTOR_SIZE >> 4);
	}
}
