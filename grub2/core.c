/*
 * core.img as diskboot.img loads it and startup_raw.S unpacks it:
 * diskboot.img's block list, the decompressor's header, the raw LZMA data
 * after the decompressor (decoded by liblzma, not by us), and the module
 * area mkimage appends to kernel.img.
 */
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub2/grub2.h"

#define LIST_SIZE 12
#define MODULE_MAGIC 0x676d696d		/* "mimg" */
#define MODULE_INFO_SIZE 12
#define MODULE_HEADER_SIZE 8

int grub2_diskboot_lists(const uint8_t s[SECTOR_SIZE], struct grub2_blocklist *out)
{
	for (int i = 0; i < GRUB2_LISTS_MAX; i++) {
		const uint8_t *e = s + SECTOR_SIZE - LIST_SIZE * (i + 1);

		out[i].start = le64(e);
		out[i].len = le16(e + 8);
		out[i].segment = le16(e + 10);
		if (!out[i].len)
			return i;
	}
	return -1;
}

/* Where diskboot.img loads the sectors after its own: 0x8200 >> 4. */
#define DISKBOOT_SEGMENT 0x820

void grub2_diskboot_set_list(uint8_t s[SECTOR_SIZE], uint64_t first, uint16_t n)
{
	uint8_t *e = s + SECTOR_SIZE - LIST_SIZE;

	for (int i = 0; i < GRUB2_LISTS_MAX && le16(e - LIST_SIZE * i + 8); i++)
		memset(e - LIST_SIZE * i, 0, LIST_SIZE);
	if (n > 1) {
		put_le64(e, first + 1);
		put_le16(e + 8, (uint16_t)(n - 1));
		put_le16(e + 10, DISKBOOT_SEGMENT);
		e -= LIST_SIZE;
	}
	memset(e, 0, LIST_SIZE);
}

/* mkimage's LZMA settings (compress_kernel_lzma): lc 3, lp 0, pb 2, a
 * 64 KiB dictionary, no end mark; liblzma decodes that as the .lzma
 * format once it has the 13-byte header the raw data lacks.  */
static bool lzma_decode(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len)
{
	uint8_t header[13] = { (2 * 5 + 0) * 9 + 3 };
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret ret;
	bool ok = false;

	put_le32(header + 1, 1u << 16);
	put_le64(header + 5, out_len);
	if (lzma_alone_decoder(&strm, UINT64_MAX) != LZMA_OK)
		return false;
	strm.next_out = out;
	strm.avail_out = out_len;
	strm.next_in = header;
	strm.avail_in = sizeof(header);
	ret = lzma_code(&strm, LZMA_RUN);
	if (ret == LZMA_OK) {
		strm.next_in = in;
		strm.avail_in = in_len;
		ret = lzma_code(&strm, LZMA_FINISH);
		ok = ret == LZMA_STREAM_END && strm.avail_out == 0;
	}
	lzma_end(&strm);
	return ok;
}

/* The module area: "mimg", 12, its size, at the end of the image. */
static bool find_module_info(struct grub2_core *c)
{
	for (size_t at = 0; at + MODULE_INFO_SIZE <= c->image_size; at += 4) {
		const uint8_t *p = c->kernel + at;

		if (le32(p) == MODULE_MAGIC && le32(p + 4) == MODULE_INFO_SIZE &&
		    at + le32(p + 8) == c->image_size) {
			c->kernel_size = at;
			return true;
		}
	}
	return false;
}

static void add_module(struct grub2_core *c, const uint8_t *data, size_t size)
{
	struct grub2_module m;

	if (c->nmodules == GRUB2_MODULES_MAX)
		return;
	grub2_module_parse(data, size, &m);
	snprintf(c->modules[c->nmodules], GRUB2_NAME_MAX, "%s",
		 m.name[0] ? m.name : "?");
	c->module_data[c->nmodules] = data;
	c->module_size[c->nmodules++] = size;
}

/* The objects of the module area, as grub_module_iterate walks them. */
static void read_modules(struct grub2_core *c)
{
	size_t at = c->kernel_size + MODULE_INFO_SIZE;

	while (at + MODULE_HEADER_SIZE <= c->image_size) {
		const uint8_t *h = c->kernel + at;
		uint32_t type = le32(h), size = le32(h + 4);
		const uint8_t *body = h + MODULE_HEADER_SIZE;
		size_t blen;

		if (size < MODULE_HEADER_SIZE || size > c->image_size - at)
			break;
		blen = size - MODULE_HEADER_SIZE;
		if (type == GRUB2_OBJ_ELF)
			add_module(c, body, blen);
		else if (type == GRUB2_OBJ_CONFIG) {
			c->config = (const char *)body;
			c->config_size = strnlen((const char *)body, blen);
		} else if (type == GRUB2_OBJ_PREFIX)
			snprintf(c->prefix, sizeof(c->prefix), "%.*s",
				 (int)strnlen((const char *)body, blen), (const char *)body);
		at += size;
	}
}

/* Where the LZMA data starts is not written down: the decompressor's
 * size is.  setup's Reed-Solomon codes fill the sectors loaded after the
 * image, and say how many bytes they take, which fixes the image's end;
 * without them (mkimage's output as it is) the image ends in the last
 * sector loaded.  Each candidate start is tried: LZMA data starts with a
 * zero byte and decodes to exactly the size the header says.  */
static enum grub2_core_status decompress(const uint8_t *data, size_t len,
					 struct grub2_core *c)
{
	const uint8_t *rest = data + SECTOR_SIZE;
	size_t rlen = len - SECTOR_SIZE, hi, lo;

	if (c->rs_redundancy) {
		if (c->rs_redundancy > rlen)
			return GRUB2_CORE_HEADER;
		hi = lo = rlen - c->rs_redundancy;
	} else {
		hi = rlen;
		lo = rlen > SECTOR_SIZE - 1 ? rlen - (SECTOR_SIZE - 1) : 0;
	}
	if (hi < (size_t)c->compressed_size + GRUB2_CORE_HEADER_END)
		return GRUB2_CORE_SHORT;
	c->kernel = malloc(c->image_size);
	if (!c->kernel)
		return GRUB2_CORE_NOMEM;
	for (size_t end = hi + 1; end-- > lo;) {
		size_t start;

		if (end < (size_t)c->compressed_size + GRUB2_CORE_HEADER_END)
			break;
		start = end - c->compressed_size;
		if (start > GRUB2_DECOMPRESSOR_MAX || rest[start] != 0)
			continue;
		if (lzma_decode(rest + start, c->compressed_size, c->kernel, c->image_size)) {
			c->decompressor_size = start;
			return GRUB2_CORE_OK;
		}
	}
	return GRUB2_CORE_CORRUPT;
}

enum grub2_core_status grub2_core_read(const uint8_t *data, size_t len,
				       struct grub2_core *c)
{
	const uint8_t *h = data + SECTOR_SIZE;
	enum grub2_core_status st;

	memset(c, 0, sizeof(*c));
	if (len < SECTOR_SIZE + GRUB2_CORE_HEADER_END)
		return GRUB2_CORE_SHORT;
	c->compressed_size = le32(h + GRUB2_CORE_COMPRESSED_SIZE);
	c->uncompressed_size = le32(h + GRUB2_CORE_UNCOMPRESSED_SIZE);
	c->rs_redundancy = le32(h + GRUB2_CORE_RS_REDUNDANCY);
	c->no_rs_length = le16(h + GRUB2_CORE_NO_RS_LENGTH);
	c->image_size = c->uncompressed_size;
	/* The compressed part is loaded below 0x78000 (mkimage); what it
	 * decompresses to, at 1 MiB, is not bounded so: 16 MiB is plenty.  */
	if (!c->compressed_size || !c->uncompressed_size ||
	    c->compressed_size > 0x78000 - 0x8200 || c->uncompressed_size > 16u << 20)
		return GRUB2_CORE_HEADER;
	st = decompress(data, len, c);
	if (st)
		return st;
	if (!find_module_info(c))
		return GRUB2_CORE_NO_MODULES;
	read_modules(c);
	return GRUB2_CORE_OK;
}

void grub2_core_free(struct grub2_core *c)
{
	free(c->kernel);
	c->kernel = NULL;
}

const char *grub2_core_status_name(enum grub2_core_status s)
{
	switch (s) {
	case GRUB2_CORE_OK:
		return "read";
	case GRUB2_CORE_NOMEM:
		return "out of memory";
	case GRUB2_CORE_SHORT:
		return "fewer sectors than its header says it has";
	case GRUB2_CORE_HEADER:
		return "sizes in its header that cannot be";
	case GRUB2_CORE_CORRUPT:
		return "compressed data that does not decompress";
	case GRUB2_CORE_NO_MODULES:
		return "no module area after its kernel";
	}
	return "?";
}
