/*
 * --set-default N and --once N, on the menu the install writes or keeps,
 * with what GRUB 0.97 itself offers (stage2/stage2.c cmain, builtins.c
 * default_func and savedefault_func):
 *   - "default saved" boots the entry whose number the file "default"
 *     beside the menu starts with (its first 10 bytes are read);
 *   - "savedefault M" in an entry writes M into that file as the entry
 *     runs: GRUB rewrites the file's first 10 bytes in place, through the
 *     BIOS, so the file must exist, hold at least 10 bytes and not be
 *     split over more than two sectors (it is one run of blocks here).
 * --set-default N: "default saved" and the file says N.  --once N: the
 * file says N, and entry N gets "savedefault M" for the default M, so
 * that the boot after it starts M again.  That line is marked by a
 * comment line above it and removed by the next --set-default or --once,
 * which then knows the default to come back to.  Stage2 of 0.97 has no
 * other one-time boot (Red Hat's patched GRUB keeps one in stage2's
 * saved_entryno; Debian's stage2 is not patched so).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

#define ONCE_MARK "# grubinst --once:"

struct lines {
	char **line;		/* each without its newline */
	int n;
};

static void lines_free(struct lines *l)
{
	for (int i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	l->line = NULL;
	l->n = 0;
}

static int lines_split(const char *s, size_t len, struct lines *l)
{
	size_t start = 0;

	l->line = calloc(len + 1, sizeof(*l->line));
	l->n = 0;
	if (!l->line)
		return -1;
	while (start < len) {
		const char *nl = memchr(s + start, '\n', len - start);
		size_t end = nl ? (size_t)(nl - s) : len;

		l->line[l->n] = strndup(s + start, end - start);
		if (!l->line[l->n])
			return -1;
		l->n++;
		start = end + 1;
	}
	return 0;
}

static const char *skip_blanks(const char *s)
{
	return s + strspn(s, " \t");
}

/* The command of a line as GRUB names it, or "" (a comment, say). */
static bool is_command(const char *line, const char *name)
{
	char cmd[32];

	return grub_command_of(skip_blanks(line), cmd, sizeof(cmd)) &&
	       strcmp(cmd, name) == 0;
}

/* Removes an earlier --once (the mark and the savedefault under it);
 * *BACK is the entry it was to come back to, or -1.  */
static void drop_once(struct lines *l, int *back)
{
	int n = 0;

	*back = -1;
	for (int i = 0; i < l->n; i++) {
		if (strncmp(skip_blanks(l->line[i]), ONCE_MARK, strlen(ONCE_MARK))) {
			l->line[n++] = l->line[i];
			continue;
		}
		free(l->line[i]);
		if (i + 1 < l->n && is_command(l->line[i + 1], "savedefault")) {
			const char *arg = grub_args_of(skip_blanks(l->line[i + 1]));

			if (grub_parse_maxint(&arg, back))
				*back = -1;
			free(l->line[++i]);
		}
	}
	l->n = n;
}

/* The entry the file "default" names now (stage2 reads 0 without one). */
static int saved_now(struct install *inst)
{
	struct gi_err probe = { 0 };
	char buf[DEFAULT_FILE_MIN];
	ext2_ino_t ino = 0;
	size_t got = 0;

	if (fs_resolve(&inst->fs, inst->paths.deflt, &ino, &probe) || !ino ||
	    fs_read_head(&inst->fs, ino, buf, sizeof(buf), &got, &probe))
		return 0;
	return default_file_entry((const uint8_t *)buf, got);
}

/* The default the boots come back to: --set-default's, an earlier
 * --once's, or the menu's own.  */
static int base_default(struct install *inst, const struct menu_layout *m,
			int back)
{
	if (inst->opts->set_default >= 0)
		return inst->opts->set_default;
	if (back >= 0)
		return back;
	return m->default_saved ? saved_now(inst) : m->default_entry;
}

static int check_entry(struct install *inst, const struct menu_layout *m,
		       const char *option, int n)
{
	if (n < 0 || n < m->nentries)
		return 0;
	if (m->many)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  inst->img.path, "%s %d: the menu has more than "
				  "%d entries, more than grubinst counts", option,
				  n, MENU_MAX_ENTRIES);
	return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
			  inst->img.path, "%s %d: the menu has %d entr%s%s", option,
			  n, m->nentries, m->nentries == 1 ? "y" : "ies",
			  m->nentries ? ", numbered from 0" : "");
}

static bool is_default_line(const struct menu_layout *m, int line)
{
	for (int i = 0; i < m->ndefault; i++)
		if (m->default_line[i] == line)
			return true;
	return false;
}

/* The menu again, with one "default saved" in place of the "default"
 * lines before the first title, and for --once the savedefault in its
 * entry: right after the title, so that an entry which fails to load
 * its kernel does not stay the default; after the entry's own
 * savedefault if it has one, which would otherwise win.  */
static void rewrite(struct install *inst, const struct lines *l,
		    const struct menu_layout *m, int back, struct gi_text *out)
{
	int once = inst->opts->once;
	int after = once < 0 || once == back ? 0
		    : m->savedefault_line[once] ? m->savedefault_line[once]
						 : m->title_line[once];
	bool saved = false;

	for (int i = 1; i <= l->n; i++) {
		if (is_default_line(m, i) || (!m->ndefault && i == m->first_title)) {
			if (!saved)
				gi_text_add(out, "default saved\n");
			saved = true;
			if (m->ndefault)
				continue;
		}
		gi_text_add(out, "%s\n", l->line[i - 1]);
		if (i == after)
			gi_text_add(out, "\t" ONCE_MARK " back to entry %d after "
				      "one boot\n\tsavedefault %d\n", back, back);
	}
}

/* The file "default" (stages/menu.c writes its text). */
static int default_file(struct install *inst, int entry)
{
	size_t len;
	char *text = default_file_text(entry, &len);

	if (!text)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	inst->deflt.path = inst->paths.deflt;
	inst->deflt.data = (uint8_t *)text;
	inst->deflt.len = len;
	inst->write_default = true;
	return 0;
}

static void report(struct install *inst, int base)
{
	int once = inst->opts->once;

	if (once >= 0 && once != base)
		snprintf(inst->default_report, sizeof(inst->default_report),
			 "entry %d boots once, then entry %d (%s, savedefault)",
			 once, base, inst->paths.deflt);
	else
		snprintf(inst->default_report, sizeof(inst->default_report),
			 "entry %d (\"default saved\", %s)", base, inst->paths.deflt);
}

int default_apply(struct install *inst, struct gi_text *t)
{
	struct lines l = { 0 };
	struct gi_text out = { 0 };
	struct menu_layout m;
	int back, base, rc;

	if (lines_split(t->s ? t->s : "", t->len, &l)) {
		lines_free(&l);
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	}
	drop_once(&l, &back);
	for (int i = 0; i < l.n; i++)
		gi_text_add(&out, "%s\n", l.line[i]);
	menu_layout_read((const uint8_t *)(out.s ? out.s : ""), out.len, &m);
	out.len = 0;
	base = base_default(inst, &m, back);
	rc = check_entry(inst, &m, "--set-default", inst->opts->set_default) ||
	     check_entry(inst, &m, "--once", inst->opts->once);
	if (!rc && !m.nentries)
		rc = gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				inst->img.path, "the menu has no entry to boot by "
				"default");
	if (!rc && base >= m.nentries)
		rc = gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				inst->img.path, "--once: the menu's default, entry "
				"%d, is not one of its %d entries: give --set-default "
				"too", base, m.nentries);
	if (!rc) {
		rewrite(inst, &l, &m, base, &out);
		rc = out.oom ? gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory")
			     : default_file(inst, inst->opts->once >= 0 ? inst->opts->once
								       : base);
	}
	lines_free(&l);
	if (rc) {
		free(out.s);
		return inst->err->code;
	}
	free(t->s);
	*t = out;
	report(inst, base);
	return 0;
}
