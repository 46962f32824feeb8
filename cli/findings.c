/* grubinst --verify / --map / --explain: formatting the inspector's
 * findings for people (grouped by area, in boot order) and for programs
 * (--json; the schema is in docs/verify.md).  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubinst.h"
#include "cli/findings.h"

/* Boot order: the order areas are printed in. */
static const char *const areas[] = {
	"disk", "bootcode", "chain", "filesystem", "features", "menu", "userspace",
};
#define NAREAS (sizeof(areas) / sizeof(areas[0]))

struct item {
	struct grubinst_finding f;	/* strings owned by the item */
};

struct list {
	struct item *item;
	size_t n, cap;
	bool oom;
	int fails, warns;
	char **map;		/* --map --json: the map's lines */
	size_t nmap;
};

static char *dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*oom = true;
	return d;
}

static void collect(void *ctx, const struct grubinst_finding *f)
{
	struct list *l = ctx;
	struct item *it;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct item *p = realloc(l->item, cap * sizeof(*p));
		if (!p) {
			l->oom = true;
			return;
		}
		l->item = p;
		l->cap = cap;
	}
	it = &l->item[l->n++];
	it->f = *f;
	it->f.area = dup_or_null(f->area, &l->oom);
	it->f.code = dup_or_null(f->code, &l->oom);
	it->f.message = dup_or_null(f->message, &l->oom);
	it->f.fix = dup_or_null(f->fix, &l->oom);
	it->f.path = dup_or_null(f->path, &l->oom);
	l->fails += f->severity == GRUBINST_SEV_FAIL;
	l->warns += f->severity == GRUBINST_SEV_WARN;
}

static void free_list(struct list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free((char *)l->item[i].f.area);
		free((char *)l->item[i].f.code);
		free((char *)l->item[i].f.message);
		free((char *)l->item[i].f.fix);
		free((char *)l->item[i].f.path);
	}
	free(l->item);
	for (size_t i = 0; i < l->nmap; i++)
		free(l->map[i]);
	free(l->map);
}

static int area_rank(const char *area)
{
	for (size_t i = 0; i < NAREAS; i++)
		if (area && strcmp(area, areas[i]) == 0)
			return (int)i;
	return (int)NAREAS;
}

static void sort_by_area(struct list *l)
{
	/* Stable, so that findings keep their boot order within an area. */
	struct item *copy;
	size_t k = 0;

	if (l->n == 0)
		return;
	copy = malloc(l->n * sizeof(*copy));
	if (!copy)
		return;
	for (size_t r = 0; r <= NAREAS; r++)
		for (size_t i = 0; i < l->n; i++)
			if ((size_t)area_rank(l->item[i].f.area) == r)
				copy[k++] = l->item[i];
	memcpy(l->item, copy, l->n * sizeof(*copy));
	free(copy);
}

/* ---- people ---- */

static void print_human(const char *image, const struct list *l, int rc,
			const char *error)
{
	const char *last = NULL;

	/* An unreadable image: the one message goes to stderr. */
	if (rc != GRUBINST_OK && rc != GRUBINST_REFUSED && l->n == 0)
		return;
	printf("%s\n", image);
	for (size_t i = 0; i < l->n; i++) {
		const struct grubinst_finding *f = &l->item[i].f;

		if (!last || strcmp(last, f->area)) {
			printf("%s\n", f->area);
			last = f->area;
		}
		printf("  %-4s  %s [%s]", grubinst_severity_name(f->severity),
		       f->message, f->code);
		if (f->grub_error)
			printf(" (grubinst --explain %d)", f->grub_error);
		printf("\n");
		if (f->fix && f->severity != GRUBINST_SEV_OK)
			printf("        fix: %s\n", f->fix);
	}
	if (rc == GRUBINST_OK)
		printf("result: bootable (%d warning%s)\n", l->warns,
		       l->warns == 1 ? "" : "s");
	else if (rc == GRUBINST_REFUSED)
		printf("result: will not boot: %d failure%s, %d warning%s\n",
		       l->fails, l->fails == 1 ? "" : "s", l->warns,
		       l->warns == 1 ? "" : "s");
	else
		printf("result: stopped, the image cannot be read further\n");
	(void)error;
}

/* ---- programs ---- */

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

static void json_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", stdout);
		return;
	}
	putchar('"');
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			printf("\\%c", *p++);
		} else if (*p < 0x20) {
			printf("\\u%04x", *p++);
		} else if (*p < 0x80) {
			putchar(*p++);
		} else if ((n = utf8_len(p))) {
			fwrite(p, 1, n, stdout);
			p += n;
		} else {
			fputs("\\ufffd", stdout);	/* not UTF-8: a file name */
			p++;
		}
	}
	putchar('"');
}

static void print_json(const char *image, const struct list *l, int rc,
		       const char *error)
{
	printf("{\n  \"image\": ");
	json_string(image);
	printf(",\n  \"status\": \"%s\",\n  \"bootable\": %s,\n",
	       rc == GRUBINST_OK ? "ok" : rc == GRUBINST_REFUSED ? "fail" : "error",
	       rc == GRUBINST_OK ? "true" : "false");
	printf("  \"error\": ");
	json_string(rc == GRUBINST_OK || rc == GRUBINST_REFUSED ? NULL : error);
	printf(",\n  \"fails\": %d,\n  \"warnings\": %d,\n  \"findings\": [",
	       l->fails, l->warns);
	for (size_t i = 0; i < l->n; i++) {
		const struct grubinst_finding *f = &l->item[i].f;
		const char *sev = f->severity == GRUBINST_SEV_FAIL ? "fail"
				  : f->severity == GRUBINST_SEV_WARN ? "warn" : "ok";

		printf("%s\n    {\"severity\": \"%s\", \"area\": ", i ? "," : "", sev);
		json_string(f->area);
		printf(", \"code\": ");
		json_string(f->code);
		printf(", \"message\": ");
		json_string(f->message);
		printf(", \"fix\": ");
		json_string(f->fix);
		printf(", \"path\": ");
		json_string(f->path);
		if (f->sector >= 0)
			printf(", \"sector\": %lld", f->sector);
		else
			printf(", \"sector\": null");
		printf(", \"grub_error\": %d}", f->grub_error);
	}
	printf("%s]", l->n ? "\n  " : "");
	if (l->map) {
		printf(",\n  \"map\": [");
		for (size_t i = 0; i < l->nmap; i++) {
			printf("%s\n    ", i ? "," : "");
			json_string(l->map[i]);
		}
		printf("\n  ]");
	}
	printf("\n}\n");
}

static void print_map_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

static void keep_map_line(void *ctx, const char *line)
{
	struct list *l = ctx;
	char **p = realloc(l->map, (l->nmap + 1) * sizeof(*p));

	if (!p || !(p[l->nmap] = strdup(line))) {
		if (p)
			l->map = p;
		l->oom = true;
		return;
	}
	l->map = p;
	l->nmap++;
}

int verify_main(grubinst *g, const char *image, int flags)
{
	struct list l = { 0 };
	int rc;

	if (flags & VERIFY_MAP) {
		rc = flags & VERIFY_JSON ? grubinst_map(g, keep_map_line, &l)
					 : grubinst_map(g, print_map_line, NULL);
		if (rc && !(flags & VERIFY_JSON)) {
			fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
			return 2;
		}
		if (!(flags & (VERIFY_REPORT | VERIFY_JSON)))
			return 0;
		if (!(flags & VERIFY_JSON))
			printf("\n");
		else if (!l.map)
			l.map = calloc(1, sizeof(char *));	/* "map": [] */
	}
	rc = grubinst_verify(g, collect, &l);
	if (l.oom) {
		fprintf(stderr, "grubinst: out of memory\n");
		free_list(&l);
		return 2;
	}
	sort_by_area(&l);
	if (flags & VERIFY_JSON)
		print_json(image, &l, rc, grubinst_error(g));
	else
		print_human(image, &l, rc, grubinst_error(g));
	free_list(&l);
	if (rc != GRUBINST_OK && rc != GRUBINST_REFUSED && !(flags & VERIFY_JSON))
		fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
	return rc == GRUBINST_OK ? 0 : rc == GRUBINST_REFUSED ? 1 : 2;
}

int explain_main(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);
	const char *text = *arg && !*end ? grubinst_explain((int)n) : NULL;

	if (!text) {
		fprintf(stderr, "grubinst: --explain takes a GRUB 0.97 error "
				"number, 1..35, not %s\n", arg);
		return 2;
	}
	printf("%s\n", text);
	return 0;
}
