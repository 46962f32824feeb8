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

static void put_string(struct gi_text *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		gi_text_add(b, "null");
		return;
	}
	gi_text_add(b, "\"");
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			gi_text_add(b, "\\%c", *p++);
		} else if (*p < 0x20) {
			gi_text_add(b, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			gi_text_add(b, "%c", *p++);
		} else if ((n = utf8_len(p))) {
			gi_text_add(b, "%.*s", (int)n, (const char *)p);
			p += n;
		} else {
			gi_text_add(b, "\\ufffd");	/* not UTF-8: a file name */
			p++;
		}
	}
	gi_text_add(b, "\"");
}

/* The findings of one run, rendered as they come, area by area. */
struct report {
	struct gi_text area[GRUBINST_AREA_COUNT];
	size_t count[GRUBINST_AREA_COUNT];
	int fails, warns;
	struct gi_text map;
	size_t nmap;
};

static void add_finding(void *ctx, const struct grubinst_finding *f)
{
	struct report *r = ctx;
	unsigned a = (unsigned)f->area_id < GRUBINST_AREA_COUNT ? f->area_id : 0;
	struct gi_text *b = &r->area[a];
	const char *sev = f->severity == GRUBINST_SEV_FAIL ? "fail"
			  : f->severity == GRUBINST_SEV_WARN ? "warn" : "ok";

	r->fails += f->severity == GRUBINST_SEV_FAIL;
	r->warns += f->severity == GRUBINST_SEV_WARN;
	gi_text_add(b, "\n    {\"severity\": \"%s\", \"area\": ", sev);
	put_string(b, f->area);
	gi_text_add(b, ", \"code\": ");
	put_string(b, f->code);
	gi_text_add(b, ", \"message\": ");
	put_string(b, f->message);
	gi_text_add(b, ", \"fix\": ");
	put_string(b, f->fix);
	gi_text_add(b, ", \"path\": ");
	put_string(b, f->path);
	if (f->sector >= 0)
		gi_text_add(b, ", \"sector\": %lld", f->sector);
	else
		gi_text_add(b, ", \"sector\": null");
	gi_text_add(b, ", \"grub_error\": %d},", f->grub_error);
	r->count[a]++;
}

static void add_map_line(void *ctx, const char *line)
{
	struct report *r = ctx;

	gi_text_add(&r->map, "%s\n    ", r->nmap++ ? "," : "");
	put_string(&r->map, line);
}

static void render(struct gi_text *out, const grubinst *g, int rc, struct report *r,
		   bool with_map)
{
	bool first = true;

	gi_text_add(out, "{\n  \"image\": ");
	put_string(out, g->path);
	gi_text_add(out, ",\n  \"status\": \"%s\",\n  \"bootable\": %s,\n",
	    rc == GRUBINST_OK ? "ok" : rc == GRUBINST_WONT_BOOT ? "fail" : "error",
	    rc == GRUBINST_OK ? "true" : "false");
	gi_text_add(out, "  \"error\": ");
	put_string(out, rc == GRUBINST_OK || rc == GRUBINST_WONT_BOOT
				? NULL : grubinst_error(g));
	gi_text_add(out, ",\n  \"loader\": ");
	put_string(out, g->verified_loader);
	gi_text_add(out, ",\n  \"fails\": %d,\n  \"warnings\": %d,\n  \"findings\": [",
	    r->fails, r->warns);
	for (int a = 0; a < GRUBINST_AREA_COUNT; a++) {
		struct gi_text *b = &r->area[a];

		if (!r->count[a] || b->oom)
			continue;
		/* Each finding ends in a comma: all but the last keep it. */
		gi_text_add(out, "%s%.*s", first ? "" : ",", (int)(b->len - 1), b->s);
		first = false;
	}
	gi_text_add(out, "%s]", first ? "" : "\n  ");
	if (with_map)
		gi_text_add(out, ",\n  \"map\": [%.*s\n  ]", (int)r->map.len,
		    r->map.s ? r->map.s : "");
	gi_text_add(out, "\n}\n");
}

GI_API int grubinst_verify_json(grubinst *g, unsigned flags, char **json)
{
	struct report *r;
	struct gi_text out = { 0 };
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
