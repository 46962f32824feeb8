/* grubinst --verify / --map / --explain: the inspector's findings for
 * people, grouped by area in boot order; for programs, --json prints the
 * library's document (grubinst_verify_json(), docs/verify.md).  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubinst.h"
#include "cli/findings.h"

struct item {
	struct grubinst_finding f;	/* strings owned by the item */
};

struct list {
	struct item *item;
	size_t n, cap;
	bool oom;
	int fails, warns;
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
	for (int a = 0; a < GRUBINST_AREA_COUNT; a++)
		for (size_t i = 0; i < l->n; i++)
			if (l->item[i].f.area_id == (enum grubinst_area)a)
				copy[k++] = l->item[i];
	memcpy(l->item, copy, k * sizeof(*copy));
	l->n = k;
	free(copy);
}

/* ---- people ---- */

/* IMAGE is the image's name as the library's messages show it: one line
 * whatever it holds (grubinst_name()).  */
static void print_human(const char *image, const struct list *l, int rc,
			bool quiet)
{
	int last = -1;

	/* An unreadable image: the one message goes to stderr. */
	if (rc != GRUBINST_OK && rc != GRUBINST_WONT_BOOT && l->n == 0)
		return;
	printf("%s\n", image);
	for (size_t i = 0; i < l->n; i++) {
		const struct grubinst_finding *f = &l->item[i].f;

		if (quiet && f->severity == GRUBINST_SEV_OK)
			continue;
		if ((int)f->area_id != last) {
			printf("%s\n", f->area);
			last = (int)f->area_id;
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
	else if (rc == GRUBINST_WONT_BOOT)
		printf("result: will not boot: %d failure%s, %d warning%s\n",
		       l->fails, l->fails == 1 ? "" : "s", l->warns,
		       l->warns == 1 ? "" : "s");
	else
		printf("result: stopped, the image cannot be read further\n");
}

/* ---- programs ---- */

static int exit_status(int rc)
{
	return rc == GRUBINST_OK ? 0 : rc == GRUBINST_WONT_BOOT ? 1 : 2;
}

static int print_json(grubinst *g, bool with_map)
{
	char *doc = NULL;
	int rc = grubinst_verify_json(g, with_map ? GRUBINST_JSON_MAP : 0, &doc);

	if (!doc) {
		fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
		return 2;
	}
	fputs(doc, stdout);
	grubinst_free(doc);
	return exit_status(rc);
}

static void print_map_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

int verify_main(grubinst *g, const struct show *how)
{
	struct list l = { 0 };
	int rc;

	if (how->json)
		return print_json(g, how->map);
	if (how->map) {
		rc = grubinst_map(g, print_map_line, NULL);
		if (rc) {
			fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
			return 2;
		}
		if (!how->report)
			return 0;
		printf("\n");
	}
	rc = grubinst_verify(g, collect, &l);
	if (l.oom) {
		fprintf(stderr, "grubinst: out of memory\n");
		free_list(&l);
		return 2;
	}
	sort_by_area(&l);
	print_human(grubinst_name(g), &l, rc, how->quiet);
	free_list(&l);
	if (rc != GRUBINST_OK && rc != GRUBINST_WONT_BOOT)
		fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
	return exit_status(rc);
}

int explain_main(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);
	bool number = *arg && !*end;
	const char *text = number ? grubinst_explain((int)n) : grubinst_explain_grub2(arg);

	if (!text) {
		fprintf(stderr, "grubinst: --explain takes a GRUB 0.97 error "
				"number, 1..35, or words of a GRUB 2 message, not "
				"%s\n", arg);
		return 2;
	}
	printf("%s\n", text);
	return 0;
}
