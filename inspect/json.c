/*
 * grubinst_verify_json(): the --verify report as one JSON document, the
 * same for the command (--json) and for programs.  The findings are
 * grouped by area in boot order, each area's in the order they were
 * found; the schema is in docs/verify.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void put(struct buf *b, const char *fmt, ...) GI_PRINTF(2, 3);

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || b->oom)
		return;
	if (b->len + (size_t)n + 1 > b->cap) {
		size_t cap = (b->len + (size_t)n + 1) * 2;
		char *s = realloc(b->s, cap);

		if (!s) {
			b->oom = true;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Length of a valid UTF-8 sequence at S, 0 if it is not one (overlong
 * forms, surrogates and code points past U+10FFFF included).  */
static size_t utf8_len(const unsigned char *s)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t n;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void put_string(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		put(b, "null");
		return;
	}
	put(b, "\"");
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			put(b, "\\%c", *p++);
		} else if (*p < 0x20) {
			put(b, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			put(b, "%c", *p++);
		} else if ((n = utf8_len(p))) {
			put(b, "%.*s", (int)n, (const char *)p);
			p += n;
		} else {
			put(b, "\\ufffd");	/* not UTF-8: a file name */
			p++;
		}
	}
	put(b, "\"");
}

/* The findings of one run, rendered as they come, area by area. */
struct report {
	struct buf area[GRUBINST_AREA_COUNT];
	size_t count[GRUBINST_AREA_COUNT];
	int fails, warns;
	struct buf map;
	size_t nmap;
};

static void add_finding(void *ctx, const struct grubinst_finding *f)
{
	struct report *r = ctx;
	unsigned a = (unsigned)f->area_id < GRUBINST_AREA_COUNT ? f->area_id : 0;
	struct buf *b = &r->area[a];
	const char *sev = f->severity == GRUBINST_SEV_FAIL ? "fail"
			  : f->severity == GRUBINST_SEV_WARN ? "warn" : "ok";

	r->fails += f->severity == GRUBINST_SEV_FAIL;
	r->warns += f->severity == GRUBINST_SEV_WARN;
	put(b, "\n    {\"severity\": \"%s\", \"area\": ", sev);
	put_string(b, f->area);
	put(b, ", \"code\": ");
	put_string(b, f->code);
	put(b, ", \"message\": ");
	put_string(b, f->message);
	put(b, ", \"fix\": ");
	put_string(b, f->fix);
	put(b, ", \"path\": ");
	put_string(b, f->path);
	if (f->sector >= 0)
		put(b, ", \"sector\": %lld", f->sector);
	else
		put(b, ", \"sector\": null");
	put(b, ", \"grub_error\": %d},", f->grub_error);
	r->count[a]++;
}

static void add_map_line(void *ctx, const char *line)
{
	struct report *r = ctx;

	put(&r->map, "%s\n    ", r->nmap++ ? "," : "");
	put_string(&r->map, line);
}

static void render(struct buf *out, const grubinst *g, int rc, struct report *r,
		   bool with_map)
{
	bool first = true;

	put(out, "{\n  \"image\": ");
	put_string(out, g->path);
	put(out, ",\n  \"status\": \"%s\",\n  \"bootable\": %s,\n",
	    rc == GRUBINST_OK ? "ok" : rc == GRUBINST_WONT_BOOT ? "fail" : "error",
	    rc == GRUBINST_OK ? "true" : "false");
	put(out, "  \"error\": ");
	put_string(out, rc == GRUBINST_OK || rc == GRUBINST_WONT_BOOT
				? NULL : grubinst_error(g));
	put(out, ",\n  \"fails\": %d,\n  \"warnings\": %d,\n  \"findings\": [",
	    r->fails, r->warns);
	for (int a = 0; a < GRUBINST_AREA_COUNT; a++) {
		struct buf *b = &r->area[a];

		if (!r->count[a] || b->oom)
			continue;
		/* Each finding ends in a comma: all but the last keep it. */
		put(out, "%s%.*s", first ? "" : ",", (int)(b->len - 1), b->s);
		first = false;
	}
	put(out, "%s]", first ? "" : "\n  ");
	if (with_map)
		put(out, ",\n  \"map\": [%.*s\n  ]", (int)r->map.len,
		    r->map.s ? r->map.s : "");
	put(out, "\n}\n");
}

GI_API int grubinst_verify_json(grubinst *g, unsigned flags, char **json)
{
	struct report *r;
	struct buf out = { 0 };
	bool with_map = flags & GRUBINST_JSON_MAP, oom;
	int rc = GRUBINST_OK;

	if (json)
		*json = NULL;
	if (!g || !json)
		return g ? gi_fail_as(&g->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				      g->path, "grubinst_verify_json() needs a "
				      "place for the document")
			 : GRUBINST_ENOMEM;
	r = calloc(1, sizeof(*r));
	if (!r)
		return gi_fail(&g->err, GRUBINST_ENOMEM, "out of memory");
	if (with_map)
		rc = grubinst_map(g, add_map_line, r);
	/* An unreadable image: the error says why, in the document too. */
	if (rc == GRUBINST_OK)
		rc = grubinst_verify(g, add_finding, r);
	render(&out, g, rc, r, with_map);
	oom = out.oom || r->map.oom;
	for (int a = 0; a < GRUBINST_AREA_COUNT; a++) {
		oom |= r->area[a].oom;
		free(r->area[a].s);
	}
	free(r->map.s);
	free(r);
	if (oom) {
		free(out.s);
		return gi_fail(&g->err, GRUBINST_ENOMEM, "out of memory");
	}
	*json = out.s;
	return rc;
}
