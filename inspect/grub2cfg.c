/*
 * grub.cfg as GRUB 2's normal mode runs it unattended (normal/main.c,
 * normal/menu.c, script/execute.c), command by command: variables set as
 * it goes, modules linked as commands need them (command.lst, insmod),
 * searches answered from the filesystems of the disks, the menu entries
 * recorded, then the default entry run: its linux and initrd files.  What
 * only the boot can decide (an if, a loop, a function) is said as a
 * warning, never a failure.  The entry that boots fills in->entry, which
 * the shared checks (kernel.c, userspace.c) judge.  The words are grub2/
 * cfg.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

#define CFG_MAX_BYTES (1u << 20)
#define ENTRIES_MAX 64
#define DEPTH_MAX 8

struct g2_entry {
	char title[128];
	char id[128];
	int line;
	const char *text;	/* the file it is in */
	size_t start, end;	/* its body there */
	bool submenu;		/* a submenu: its entries are not followed */
};

/* One script being run: the text, what it defines. */
struct run {
	struct inspect *in;
	const char *text;
	size_t len;
	const char *path;	/* for findings: the file, or "core.img" */
	struct g2_entry entry[ENTRIES_MAX];
	int nentries;
	bool embedded;		/* core.img's config: before normal mode */
	bool replaced;		/* a configfile took over: this menu is gone */
	char *texts[DEPTH_MAX];	/* files "source" read, kept for their entries */
	int ntexts;
	bool dynamic_said;
	char functions[16][32];	/* "function NAME { }": commands to call */
	int nfunctions;
	bool kernel;		/* the entry run so far loaded a kernel */
	bool linux_failed;	/* ...or tried and failed to */
};

/* $cmdpath (where core.img was read from, as firmware names it) is the
 * one variable GRUB 2 sets that a reading of the image cannot know.  */
static const char *var_of(void *ctx, const char *name, bool *unknown)
{
	struct run *r = ctx;
	const char *v = g2_get(r->in, name);

	if (!v && !strcmp(name, "cmdpath"))
		*unknown = true;
	return v;
}

/* The module of COMMAND from $prefix/i386-pc/command.lst ("name: mod",
 * "*name: mod"), as normal mode reads it at start; false when none.  */
static bool command_module(struct inspect *in, const char *command, char *mod,
			   size_t size)
{
	/* Commands of the kernel and of normal.mod itself. */
	static const char *const core[] = { "set", "unset", "ls", "insmod", "export",
					    "[", "true", "false", "menuentry",
					    "submenu", "return", "break", "continue",
					    "shift", "setparams" };
	char listing[512], *text = NULL, *p;
	const char *fspath, *why;
	struct gi_err err = { 0 };
	struct walk w;
	size_t len, n = strlen(command);
	int ref;
	bool found = false;

	for (size_t i = 0; i < sizeof(core) / sizeof(core[0]); i++)
		if (!strcmp(core[i], command))
			return mod[0] = 0, true;
	snprintf(listing, sizeof(listing), "%s/i386-pc/command.lst", g2_get(in, "prefix"));
	ref = g2_file(in, listing, &fspath, &why);
	if (ref)
		walk_path(pfs_get(in, ref), fspath, WALK_GRUB, &w);
	if (!ref || !w.ino ||
	    fs_read_file(&pfs_get(in, ref)->fs, w.ino, CFG_MAX_BYTES, (uint8_t **)&text, &len, &err))
		return false;
	for (p = text; p < text + len;) {
		char *nl = memchr(p, '\n', (size_t)(text + len - p)), *name = p;

		if (!nl)
			nl = text + len;
		if (*name == '*')
			name++;
		if ((size_t)(nl - name) > n + 2 && !strncmp(name, command, n) &&
		    name[n] == ':' && name[n + 1] == ' ') {
			snprintf(mod, size, "%.*s", (int)(nl - name - n - 2), name + n + 2);
			found = true;
			break;
		}
		p = nl + 1;
	}
	free(text);
	return found;
}

/* Loads module NAME; a failure is a finding at SEV. */
static bool load(struct run *r, const char *name, enum grubinst_severity sev)
{
	struct g2_load_error e = { 0 };

	if (g2_load_module(r->in, name, &e))
		return true;
	g2_report_load(r->in, &e, sev);
	return false;
}

/* The commands of core.img's embedded config, which runs before normal
 * mode reads command.lst: only what a built-in module registers.  */
static bool builtin_command(const char *command, char *mod, size_t size)
{
	static const char *const map[][2] = {
		{ "search", "search" }, { "search.fs_uuid", "search_fs_uuid" },
		{ "search.fs_label", "search_label" }, { "search.file", "search_fs_file" },
		{ "configfile", "configfile" }, { "source", "configfile" },
		{ "normal", "normal" }, { "echo", "echo" }, { "serial", "serial" },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], command)) {
			snprintf(mod, size, "%s", map[i][1]);
			return true;
		}
	return false;
}

/* Runs a command's module in; false (after a finding) when it fails.
 * Normal mode loads a command's module on its first use (command.lst);
 * the embedded config only has what core.img has built in.  */
static bool command_ready(struct run *r, const struct grub2_cmd *c, enum grubinst_severity sev)
{
	char mod[GRUB2_NAME_MAX];

	if (r->embedded) {
		bool known = builtin_command(c->argv[0], mod, sizeof(mod)) ||
			     command_module(r->in, c->argv[0], mod, sizeof(mod));

		if (known && (!mod[0] || g2_module_loaded(r->in, mod)))
			return true;
		finding(r->in, WARN, FC_GRUB2_CFG_COMMAND, NOTE(.path = r->path),
			"%s line %d: \"%s\" is a command of a module core.img does not "
			"have built in: \"error: can't find command `%s'.\"", r->path,
			c->line, c->argv[0], c->argv[0]);
		return false;
	}
	if (!command_module(r->in, c->argv[0], mod, sizeof(mod))) {
		finding(r->in, WARN, FC_GRUB2_CFG_COMMAND, NOTE(.path = r->path),
			"%s line %d: GRUB 2 has no command \"%s\" (no module names it in "
			"command.lst): \"error: can't find command `%s'.\"", r->path,
			c->line, c->argv[0], c->argv[0]);
		return false;
	}
	return !mod[0] || load(r, mod, sev);
}

/* ---- the commands that change what boots ---- */

/* "NAME=VALUE" or "set NAME=VALUE". */
static void assign(struct run *r, const char *word, bool unknown)
{
	const char *eq = strchr(word, '=');
	char name[32];

	if (!eq || eq == word || (size_t)(eq - word) >= sizeof(name))
		return;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - word), word);
	g2_set(r->in, name, eq + 1, unknown);
}

/* The filesystem's UUID as GRUB 2's ext2 prints it. */
static void fs_uuid(const struct pfs *p, char *buf, size_t size)
{
	const uint8_t *u = p->fs.e2->super->s_uuid;

	snprintf(buf, size, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
		 "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
		 u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

enum search_kind { BY_UUID, BY_LABEL, BY_FILE };

/* Does partition REF hold what the search looks for? */
static bool search_match(struct inspect *in, int ref, enum search_kind kind,
			 const char *key)
{
	struct pfs *p = pfs_get(in, ref);
	char uuid[40];
	struct walk w;

	if (!p || !p->ok)
		return false;
	switch (kind) {
	case BY_UUID:
		fs_uuid(p, uuid, sizeof(uuid));
		return !strcasecmp(uuid, key);
	case BY_LABEL: {
		const char *label = (const char *)p->fs.e2->super->s_volume_name;
		size_t max = sizeof(p->fs.e2->super->s_volume_name);

		return strlen(key) <= max && !strncmp(label, key, max);
	}
	case BY_FILE:
		walk_path(p, key, WALK_GRUB, &w);
		return w.ino != 0;
	}
	return false;
}

/* A UUID no filesystem has, where $VAR still names a filesystem of the
 * image: made again after grub.cfg was written, most likely.  The fix
 * puts that filesystem's UUID in the file, the rest of it kept.  */
static const char *search_fix(struct run *r, const char *key, const char *var)
{
	const char *cur = g2_get(r->in, var), *fspath, *cfgpath, *why;
	char dev[80], uuid[40], script[200];
	int ref, cfg;

	if (!cur || strspn(key, "0123456789abcdefABCDEF-") != strlen(key) || !key[0])
		return NULL;
	text_printf(dev, sizeof(dev), "(%s)/", cur);
	ref = g2_file(r->in, dev, &fspath, &why);
	cfg = g2_file(r->in, r->path, &cfgpath, &why);
	if (!ref || !cfg || part_ref_disk(ref) || !pfs_get(r->in, ref) || !pfs_get(r->in, ref)->ok)
		return NULL;
	fs_uuid(pfs_get(r->in, ref), uuid, sizeof(uuid));
	text_printf(script, sizeof(script), "s|%s|%s|g", key, uuid);
	return menu_edit_fix(r->in, cfg, cfgpath, key, script);
}

/* search.c: every partition of every disk, in order; VAR set to the
 * first that matches, as "hdN,msdosM".  */
static void search(struct run *r, const struct grub2_cmd *c, enum search_kind kind,
		   const char *key, const char *var)
{
	char dev[32];

	if (!key) {
		finding(r->in, WARN, FC_GRUB2_CFG_COMMAND, NOTE(.path = r->path),
			"%s line %d: search with nothing to look for", r->path, c->line);
		return;
	}
	for (int d = 0; d < GRUBINST_MAX_DISKS; d++)
		for (int n = 1; n < PART_DISK_STRIDE; n++) {
			const struct partition *pt = part_by_grub_on(r->in, d, n - 1);

			if (!pt || pt->container || (!d && r->in->g2->gpt_header_gone) ||
			    !g2_module_loaded(r->in, "ext2") ||
			    !g2_module_loaded(r->in, strcmp(g2_map_name(r->in, d), "gpt")
							     ? "part_msdos" : "part_gpt") ||
			    !search_match(r->in, PART_REF(d, n), kind, key))
				continue;
			snprintf(dev, sizeof(dev), "hd%d,%s%d", d, g2_map_name(r->in, d), n);
			g2_set(r->in, var, dev, false);
			finding(r->in, OK, FC_GRUB2_SEARCH, NOTE(.path = r->path),
				"%s line %d: search finds %s on (%s): $%s=%s", r->path,
				c->line, key, dev, var, dev);
			return;
		}
	/* Not an end in itself: GRUB goes on with $VAR as it was, and what
	 * it then cannot open fails where it is opened.  */
	finding(r->in, WARN, FC_GRUB2_SEARCH,
		NOTE(.path = r->path, .fix = kind == BY_UUID ? search_fix(r, key, var) : NULL),
		"%s line %d: no filesystem of the disks has %s %s: GRUB 2 says "
		"\"error: no such device: %s.\" and $%s stays %s", r->path, c->line,
		kind == BY_UUID ? "the UUID" : kind == BY_LABEL ? "the label" : "the file",
		key, key, var, g2_get(r->in, var) ? g2_get(r->in, var) : "unset");
}

/* "search [-u|-l|-f|--fs-uuid|--label|--file] [--set[=VAR]] ... KEY" and
 * "search.fs_uuid KEY [VAR]" and its brothers. */
static void search_cmd(struct run *r, const struct grub2_cmd *c)
{
	const char *name = c->argv[0], *key = NULL, *var = "root";
	enum search_kind kind = BY_FILE;
	int i = 1;

	if (!strcmp(name, "search.fs_uuid") || !strcmp(name, "search.fs_label") ||
	    !strcmp(name, "search.file")) {
		kind = name[10] == 'u' ? BY_UUID : name[10] == 'l' ? BY_LABEL : BY_FILE;
		key = c->argc > 1 ? c->argv[1] : NULL;
		var = c->argc > 2 ? c->argv[2] : "root";
		search(r, c, kind, key, var);
		return;
	}
	for (; i < c->argc; i++) {
		const char *a = c->argv[i];

		if (!strcmp(a, "-u") || !strcmp(a, "--fs-uuid"))
			kind = BY_UUID;
		else if (!strcmp(a, "-l") || !strcmp(a, "--label"))
			kind = BY_LABEL;
		else if (!strcmp(a, "-f") || !strcmp(a, "--file"))
			kind = BY_FILE;
		else if (!strncmp(a, "--set=", 6))
			var = a + 6;
		else if (!strcmp(a, "--set") || !strcmp(a, "-s"))
			var = i + 1 < c->argc && c->argv[i + 1][0] != '-' &&
					      i + 2 < c->argc ? c->argv[++i] : "root";
		else if (!strncmp(a, "--hint", 6) && !strchr(a, '='))
			i++;
		else if (a[0] != '-')
			key = a;
	}
	search(r, c, kind, key, var);
}

static void record_entry(struct run *r, const struct grub2_cmd *c, struct grub2_lexer *lx)
{
	struct g2_entry *e;
	size_t start, end;

	if (!grub2_cfg_skip_block(lx, &start, &end)) {
		finding(r->in, FAIL, FC_GRUB2_CFG_SYNTAX, NOTE(.path = r->path),
			"%s line %d: the block of this %s has no closing \"}\": GRUB 2 "
			"stops reading the file with a syntax error", r->path, c->line,
			c->argv[0]);
		return;
	}
	if (r->nentries == ENTRIES_MAX)
		return;
	e = &r->entry[r->nentries++];
	e->submenu = !strcmp(c->argv[0], "submenu");
	text_copy(e->title, sizeof(e->title), c->argc > 1 ? c->argv[1] : "");
	e->id[0] = 0;
	for (int i = 2; i + 1 < c->argc; i++)
		if (!strcmp(c->argv[i], "--id"))
			text_copy(e->id, sizeof(e->id), c->argv[i + 1]);
	e->line = c->line;
	e->text = lx->text;
	e->start = start;
	e->end = end;
}

static void run_command(struct run *r, struct grub2_cmd *c, struct grub2_lexer *lx,
			bool in_entry);

/* A loop, or a condition that cannot be decided here: skipped as a
 * whole, up to its closing word, and said once.  */
static void undecided(struct run *r, const struct grub2_cmd *c, struct grub2_lexer *lx,
		      const char *open, const char *close)
{
	struct grub2_cmd w;
	int depth = 1;

	if (!r->dynamic_said)
		finding(r->in, WARN, FC_GRUB2_CFG_DYNAMIC, NOTE(.path = r->path),
			"%s line %d: \"%s\" is decided when GRUB 2 runs; its commands "
			"are not followed here", r->path, c->line, c->argv[0]);
	r->dynamic_said = true;
	while (depth && grub2_cfg_next(lx, &w, NULL, NULL) > 0)
		depth += !strcmp(w.argv[0], open) ? 1 : !strcmp(w.argv[0], close) ? -1 : 0;
}

/* "function NAME { ... }": the name becomes a command (its body, which
 * grub-mkconfig uses for video modules, is not followed).  */
static void function_cmd(struct run *r, const struct grub2_cmd *c, struct grub2_lexer *lx)
{
	size_t start, end;

	if (c->argc > 1 && r->nfunctions < (int)(sizeof(r->functions) / sizeof(r->functions[0])))
		text_copy(r->functions[r->nfunctions++], sizeof(r->functions[0]), c->argv[1]);
	if (c->opens_block)
		grub2_cfg_skip_block(lx, &start, &end);
}

static bool is_function(const struct run *r, const char *name)
{
	for (int i = 0; i < r->nfunctions; i++)
		if (!strcmp(r->functions[i], name))
			return true;
	return false;
}

/* test FILE operators on GRUB 2's file name F: -e -f -s (-d: whether a
 * name is there and a directory).  -1 when it cannot be told.  */
static int file_test(struct run *r, const char *op, const char *f)
{
	const char *fspath, *why;
	int ref = g2_file(r->in, f, &fspath, &why);
	struct gi_err err = { 0 };
	struct ext2_inode_large inode;
	struct pfs *p;
	ext2_ino_t ino = 0;

	if (!ref)
		return 0;
	p = pfs_get(r->in, ref);
	if (fs_resolve(&p->fs, fspath, &ino, &err))
		return -1;
	if (!ino)
		return 0;
	if (fs_read_inode(&p->fs, ino, &inode, &err))
		return -1;
	if (!strcmp(op, "-d"))
		return LINUX_S_ISDIR(inode.i_mode);
	if (!strcmp(op, "-f"))
		return LINUX_S_ISREG(inode.i_mode);
	if (!strcmp(op, "-s"))
		return EXT2_I_SIZE(&inode) > 0;
	return 1;
}

/* One test of commands/test.c: 1 true, 0 false, -1 unknown; *USED the
 * words it took.  */
static int test_primary(struct run *r, char **w, int n, int *used)
{
	if (n >= 1 && !strcmp(w[0], "!")) {
		int v = test_primary(r, w + 1, n - 1, used);

		++*used;
		return v < 0 ? v : !v;
	}
	if (n >= 3 && (!strcmp(w[1], "=") || !strcmp(w[1], "==") || !strcmp(w[1], "!="))) {
		*used = 3;
		return !strcmp(w[0], w[2]) == (w[1][0] == '=');
	}
	if (n >= 2 && (!strcmp(w[0], "-z") || !strcmp(w[0], "-n"))) {
		*used = 2;
		return !*w[1] == (w[0][1] == 'z');
	}
	if (n >= 2 && (!strcmp(w[0], "-e") || !strcmp(w[0], "-f") || !strcmp(w[0], "-s") ||
		       !strcmp(w[0], "-d"))) {
		*used = 2;
		return file_test(r, w[0], w[1]);
	}
	if (n >= 1 && w[0][0] != '-') {
		*used = 1;
		return *w[0] != 0;
	}
	*used = n;
	return -1;
}

/* The words of "[ ... ]" or "test ...": -a and -o left to right. */
static int test_words(struct run *r, char **w, int n)
{
	int used, v = test_primary(r, w, n, &used);

	while (used < n && (!strcmp(w[used], "-a") || !strcmp(w[used], "-o"))) {
		bool and = w[used][1] == 'a';
		int more, v2 = test_primary(r, w + used + 1, n - used - 1, &more);

		v = v < 0 || v2 < 0 ? (and && (!v || !v2) ? 0 : !and && (v == 1 || v2 == 1) ? 1 : -1)
				    : and ? v && v2 : v || v2;
		used += 1 + more;
	}
	return used == n ? v : -1;
}

/* The condition of an if: the command after it, decided when it is a
 * test of known values (or true, false); -1 otherwise.  */
static int condition(struct run *r, const struct grub2_cmd *c, int from)
{
	char **w = (char **)c->argv + from;
	int n = c->argc - from;

	if (c->unknown_var || n < 1)
		return -1;
	if (!strcmp(w[0], "true") || !strcmp(w[0], "false"))
		return n == 1 ? w[0][0] == 't' : -1;
	/* grub-mkconfig's "if loadfont $font": whether the font file is
	 * there (a name without a slash is $prefix/fonts/NAME.pf2).  */
	if (!strcmp(w[0], "loadfont") && n == 2) {
		char font[300];

		if (strchr(w[1], '/'))
			text_copy(font, sizeof(font), w[1]);
		else
			text_printf(font, sizeof(font), "%s/fonts/%s.pf2",
				    g2_get(r->in, "prefix"), w[1]);
		return file_test(r, "-f", font);
	}
	if (!strcmp(w[0], "[") && n >= 2 && !strcmp(w[n - 1], "]"))
		return test_words(r, w + 1, n - 2);
	if (!strcmp(w[0], "test"))
		return test_words(r, w + 1, n - 1);
	return -1;
}

/* C without its first word ("then insmod x" runs "insmod x"). */
static bool shift_word(struct grub2_cmd *c)
{
	memmove(c->argv, c->argv + 1, (size_t)(c->argc - 1) * sizeof(c->argv[0]));
	return --c->argc > 0;
}

/* "if COND; then ...; [elif COND; then ...;] [else ...;] fi", as
 * script/execute.c runs it: the first branch whose condition holds.  A
 * condition that cannot be decided skips the rest, said once.  */
static void if_cmd(struct run *r, struct grub2_cmd *c, struct grub2_lexer *lx, bool in_entry)
{
	struct grub2_cmd w;
	int taken = condition(r, c, 1), done = taken == 1, depth = 0;
	bool running = taken == 1;

	if (taken < 0) {
		undecided(r, c, lx, "if", "fi");
		return;
	}
	while (grub2_cfg_next(lx, &w, var_of, r) > 0) {
		const char *k = w.argv[0];

		if (!depth && !strcmp(k, "fi"))
			return;
		if (!depth && !strcmp(k, "elif")) {
			int v = done ? 0 : condition(r, &w, 1);

			if (v < 0) {
				undecided(r, &w, lx, "if", "fi");
				return;
			}
			running = v == 1;
			done |= running;
			continue;
		}
		if (!depth && (!strcmp(k, "else") || !strcmp(k, "then"))) {
			if (!strcmp(k, "else"))
				running = !done, done = 1;
			if (!shift_word(&w))
				continue;
			k = w.argv[0];
		}
		if (running && !w.closes_block)
			run_command(r, &w, lx, in_entry);
		else if (!running)
			depth += !strcmp(k, "if") ? 1 : !strcmp(k, "fi") ? -1 : 0;
	}
}

/* ---- files an entry loads ---- */

/* A kernel NAME (FSPATH in partition REF) that is not there, and one
 * beside it: the fix puts that one's name into the linux line.  */
static const char *kernel_fix(struct run *r, const char *name, int ref, const char *fspath)
{
	const char *slash = strrchr(name, '/'), *cfgpath, *why;
	char best[256], pattern[300], script[700];
	size_t n = 0;
	int cfg = g2_file(r->in, r->path, &cfgpath, &why);

	/* Characters sed reads otherwise in a pattern: not in this fix. */
	if (!cfg || !slash || strpbrk(name, "[]\\$*^|&") ||
	    !kernel_beside(pfs_get(r->in, ref), fspath, best, sizeof(best)))
		return NULL;
	/* The name as the line has it, its dots matched as dots. */
	for (const char *c = name; *c && n + 3 < sizeof(pattern); c++) {
		if (*c == '.')
			pattern[n++] = '\\';
		pattern[n++] = *c;
	}
	pattern[n] = '\0';
	text_printf(script, sizeof(script), "s|%s\\([[:space:]]\\)|%.*s/%s\\1|; s|%s$|%.*s/%s|",
		    pattern, (int)(slash - name), name, best, pattern,
		    (int)(slash - name), name, best);
	return menu_edit_fix(r->in, cfg, cfgpath, pattern, script);
}

/* A file linux or initrd names: FAIL with GRUB 2's words when missing. */
static int entry_file(struct run *r, const struct grub2_cmd *c, const char *name,
		      const char **fspath, struct walk *w)
{
	const char *why;
	int ref = g2_file(r->in, name, fspath, &why);

	if (!ref) {
		finding(r->in, FAIL, FC_GRUB2_FILE, NOTE(.path = r->path),
			"%s line %d: %s %s: GRUB 2 cannot open it (\"error: %s.\") "
			"and the entry does not boot", r->path, c->line, c->argv[0],
			name, why);
		return 0;
	}
	walk_path(pfs_get(r->in, ref), *fspath, WALK_GRUB, w);
	if (!w->ino) {
		bool kernel = !strcmp(c->argv[0], "linux") || !strcmp(c->argv[0], "linux16");

		finding(r->in, FAIL, FC_GRUB2_FILE,
			NOTE(.path = *fspath, .fix = kernel ? kernel_fix(r, name, ref, *fspath) : NULL),
			"%s line %d: %s %s: no such file on (%s): GRUB 2 says \"error: "
			"file `%s' not found.\" and the entry does not boot", r->path,
			c->line, c->argv[0], name, g2_get(r->in, "root"), *fspath);
		return 0;
	}
	return ref;
}

static void linux_cmd(struct run *r, const struct grub2_cmd *c)
{
	struct boot_entry *be = &r->in->entry;
	const char *fspath;
	struct walk w;
	int ref, err;
	size_t used = 0;

	r->linux_failed = true;
	if (c->argc < 2)
		return;
	ref = entry_file(r, c, c->argv[1], &fspath, &w);
	if (!ref)
		return;
	r->in->mute++;
	err = kernel_check_load(r->in, pfs_get(r->in, ref), w.ino, EXT2_I_SIZE(&w.inode),
				fspath, FAIL, &be->k);
	r->in->mute--;
	if (err < 0)
		return;
	if (!be->k.bzimage) {
		finding(r->in, FAIL, FC_GRUB2_KERNEL, NOTE(.path = fspath),
			"%s is not a Linux bzImage GRUB 2's linux command loads: "
			"\"error: invalid magic number.\"", fspath);
		return;
	}
	be->kernel_partno = ref;
	be->partno = ref;
	text_copy(be->kernel, sizeof(be->kernel), fspath);
	be->cmdline[0] = 0;
	for (int i = 2; i < c->argc && used + 1 < sizeof(be->cmdline); i++)
		used += (size_t)snprintf(be->cmdline + used, sizeof(be->cmdline) - used,
					 "%s%s", i > 2 ? " " : "", c->argv[i]);
	r->kernel = true;
	r->linux_failed = false;
	finding(r->in, OK, FC_GRUB2_KERNEL, NOTE(.path = fspath),
		"%s line %d: (%s)%s: Linux bzImage, boot protocol %u.%02u%s%s", r->path,
		c->line, g2_get(r->in, "root"), fspath, be->k.protocol >> 8,
		be->k.protocol & 0xff, be->k.version[0] ? ", version " : "", be->k.version);
}

static void initrd_cmd(struct run *r, const struct grub2_cmd *c)
{
	const char *fspath;
	struct walk w;

	if (!r->kernel && r->linux_failed)
		return;	/* the same error again: said once */
	if (!r->kernel) {
		finding(r->in, FAIL, FC_GRUB2_FILE, NOTE(.path = r->path),
			"%s line %d: initrd before a kernel is loaded: \"error: you "
			"need to load the kernel first.\"", r->path, c->line);
		return;
	}
	for (int i = 1; i < c->argc; i++)
		if (entry_file(r, c, c->argv[i], &fspath, &w) && i == 1) {
			text_copy(r->in->entry.initrd, sizeof(r->in->entry.initrd), fspath);
			r->in->entry.has_initrd = true;
		}
}

/* ---- files the script reads: grubenv, source, configfile ---- */

/* The file NAME as GRUB 2 opens it, read whole into *DATA (malloc'd):
 * 0, or GRUB 2's error in WHY (SIZE bytes).  */
static int read_g2_file(struct run *r, const char *name, uint8_t **data, size_t *len,
			char *why, size_t size)
{
	struct gi_err err = { 0 };
	const char *fspath, *dev_why;
	struct walk w;
	int ref = g2_file(r->in, name, &fspath, &dev_why);

	if (!ref) {
		text_copy(why, size, dev_why);
		return 1;
	}
	walk_path(pfs_get(r->in, ref), fspath, WALK_GRUB, &w);
	if (!w.ino) {
		/* grub_file_open's words name the path on its device. */
		text_printf(why, size, "file `%s' not found", fspath);
		return 1;
	}
	if (fs_read_file(&pfs_get(r->in, ref)->fs, w.ino, CFG_MAX_BYTES, data, len, &err)) {
		text_copy(why, size, "read error");
		return 1;
	}
	return 0;
}

/* "load_env [-f FILE] [--skip-sig] [NAME...]": the environment block
 * (loadenv.c), "# GRUB Environment Block" then NAME=VALUE lines, sets the
 * variables, or only the NAMEs given.  */
static void load_env(struct run *r, const struct grub2_cmd *c)
{
	char def[300], *line, *end;
	const char *file = NULL;
	char why[300];
	uint8_t *data;
	size_t len;
	int i = 1;

	for (; i < c->argc && c->argv[i][0] == '-'; i++)
		if ((!strcmp(c->argv[i], "-f") || !strcmp(c->argv[i], "--file")) && i + 1 < c->argc)
			file = c->argv[++i];
	if (!file) {
		text_printf(def, sizeof(def), "%s/grubenv", g2_get(r->in, "prefix"));
		file = def;
	}
	if (read_g2_file(r, file, &data, &len, why, sizeof(why))) {
		finding(r->in, WARN, FC_GRUB2_ENV, NOTE(.path = r->path),
			"%s line %d: load_env cannot read %s (\"error: %s.\"): no "
			"variable is set from it", r->path, c->line, file, why);
		return;
	}
	for (line = (char *)data; line < (char *)data + len; line = end + 1) {
		char *eq;
		bool wanted = i >= c->argc;

		end = memchr(line, '\n', (size_t)((char *)data + len - line));
		if (!end)
			break;
		*end = 0;
		eq = line[0] != '#' ? strchr(line, '=') : NULL;
		if (!eq)
			continue;
		*eq = 0;
		for (int k = i; k < c->argc && !wanted; k++)
			wanted = !strcmp(c->argv[k], line);
		if (wanted)
			g2_set(r->in, line, eq + 1, false);
	}
	free(data);
}

static void run_config(struct inspect *in, const char *text, size_t len);
static void run_text(struct run *r, const char *text, size_t len);

/* "source FILE" runs it here, "configfile FILE" anew: its menu is the one
 * GRUB 2 shows (normal.c grub_normal_execute).  */
static void run_file(struct run *r, const struct grub2_cmd *c, bool anew)
{
	char why[300];
	uint8_t *data;
	size_t len;

	if (c->argc < 2)
		return;
	if (r->in->g2->depth >= DEPTH_MAX || read_g2_file(r, c->argv[1], &data, &len, why, sizeof(why))) {
		finding(r->in, FAIL, FC_GRUB2_FILE, NOTE(.path = r->path),
			"%s line %d: %s %s: \"error: %s.\"", r->path, c->line, c->argv[0],
			c->argv[1], r->in->g2->depth >= DEPTH_MAX ? "too deep" : why);
		return;
	}
	if (r->ntexts == DEPTH_MAX) {
		free(data);
		return;
	}
	r->texts[r->ntexts++] = (char *)data;
	r->in->g2->depth++;
	if (anew) {
		r->replaced = true;
		text_copy(r->in->g2->cfg_path, sizeof(r->in->g2->cfg_path), c->argv[1]);
		run_config(r->in, (const char *)data, len);
	} else {
		run_text(r, (const char *)data, len);
	}
	r->in->g2->depth--;
}

/* ---- running ---- */

static void run_command(struct run *r, struct grub2_cmd *c, struct grub2_lexer *lx,
			bool in_entry)
{
	const char *name = c->argv[0];

	if (!strcmp(name, "menuentry") || !strcmp(name, "submenu")) {
		if (c->opens_block)
			record_entry(r, c, lx);
		return;
	}
	if (!strcmp(name, "if")) {
		if_cmd(r, c, lx, in_entry);
		return;
	}
	if (!strcmp(name, "for") || !strcmp(name, "while") || !strcmp(name, "until")) {
		undecided(r, c, lx, name, "done");
		return;
	}
	if (!strcmp(name, "function")) {
		function_cmd(r, c, lx);
		return;
	}
	if (is_function(r, name))
		return;
	if (strchr(name, '=') && c->argc == 1) {
		assign(r, name, c->unknown_var);
		return;
	}
	if (!command_ready(r, c, in_entry ? FAIL : WARN))
		return;
	if (!strcmp(name, "set") && c->argc > 1)
		assign(r, c->argv[1], c->unknown_var);
	else if (!strcmp(name, "insmod") && c->argc > 1)
		load(r, c->argv[1], WARN);
	else if (!strcmp(name, "load_env"))
		load_env(r, c);
	else if (!strcmp(name, "source"))
		run_file(r, c, false);
	else if (!strcmp(name, "configfile"))
		run_file(r, c, true);
	else if (!strncmp(name, "search", 6))
		search_cmd(r, c);
	else if (in_entry && (!strcmp(name, "linux") || !strcmp(name, "linux16")))
		linux_cmd(r, c);
	else if (in_entry && (!strcmp(name, "initrd") || !strcmp(name, "initrd16")))
		initrd_cmd(r, c);
}

/* Runs TEXT[START, END) command by command. */
static void run_range(struct run *r, const char *text, size_t start, size_t end,
		      int line, bool in_entry)
{
	struct grub2_lexer lx;
	struct grub2_cmd c;
	int rc = 0;

	grub2_lexer_init(&lx, text, end);
	lx.pos = start;
	lx.line = line;
	while (!r->replaced && (rc = grub2_cfg_next(&lx, &c, var_of, r)) > 0)
		if (!c.closes_block)
			run_command(r, &c, &lx, in_entry);
	if (!r->replaced && rc < 0)
		finding(r->in, FAIL, FC_GRUB2_CFG_SYNTAX, NOTE(.path = r->path),
			"%s line %d: a quote is not closed: GRUB 2 stops reading the "
			"file with a syntax error", r->path, lx.line);
}

static void run_text(struct run *r, const char *text, size_t len)
{
	run_range(r, text, 0, len, 1, false);
}

/* A run of TEXT, on the heap (its entries are many); NULL when out of
 * memory, IN->fatal set.  */
static struct run *new_run(struct inspect *in, const char *text, size_t len,
			   bool embedded)
{
	struct run *r = calloc(1, sizeof(*r));

	if (!r) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return NULL;
	}
	r->in = in;
	r->text = text;
	r->len = len;
	r->embedded = embedded;
	r->path = embedded ? "core.img's embedded config" : in->g2->cfg_path;
	return r;
}

static void free_run(struct run *r)
{
	for (int i = 0; r && i < r->ntexts; i++)
		free(r->texts[i]);
	free(r);
}

void g2_run_script(struct inspect *in, const char *text, size_t len, bool embedded)
{
	struct run *r = new_run(in, text, len, embedded);

	if (r)
		run_text(r, text, len);
	free_run(r);
}

/* normal/menu.c grub_menu_get_default_entry_index: a number, a title or
 * an id; anything else is entry 0.  */
static int default_entry(struct run *r)
{
	const char *d = g2_get(r->in, "default");
	char *end;
	long n;

	if (!d || !*d)
		return 0;
	n = strtol(d, &end, 10);
	if (end != d && !*end)
		return n >= 0 && n < r->nentries ? (int)n : 0;
	for (int i = 0; i < r->nentries; i++)
		if (!strcmp(r->entry[i].title, d) || !strcmp(r->entry[i].id, d))
			return i;
	return 0;
}

/* The fix that appends LINE to the config R runs (the last "set" wins:
 * the menu shows once the whole file has run), through debugfs; NULL
 * when the file is not on the image or its name is not plain.  */
static const char *append_fix(struct run *r, const char *line)
{
	const char *fspath, *why;
	int ref = g2_file(r->in, r->path, &fspath, &why);
	const struct partition *p = ref ? part_of_ref(r->in, ref) : NULL;
	unsigned long long off;

	if (!p || part_ref_disk(ref) || !g2_plain_path(fspath))
		return NULL;
	off = (unsigned long long)p->start * SECTOR_SIZE;
	return fixf(r->in, "t=$(mktemp) && debugfs -R 'cat %s' 'IMAGE?offset=%llu' "
		    ">\"$t\" 2>/dev/null && echo '%s' >>\"$t\" && printf 'rm %s\\n"
		    "write %%s %s\\n' \"$t\" | debugfs -w -f - 'IMAGE?offset=%llu' && "
		    "rm \"$t\"", fspath, off, line, fspath, fspath, off);
}

static void judge_timeout(struct run *r)
{
	const char *t = g2_get(r->in, "timeout");

	if (t && *t && strcmp(t, "-1"))
		return;
	finding(r->in, FAIL, FC_GRUB2_TIMEOUT,
		NOTE(.path = r->path, .fix = append_fix(r, "set timeout=5")),
		"%s sets %s: GRUB 2 shows its menu and waits for a key; the fix "
		"adds \"set timeout=5\" at its end", r->path,
		t && *t ? "timeout=-1" : "no timeout");
}

/* The top level, then the default entry. */
static void run_entries(struct run *r)
{
	struct inspect *in = r->in;
	const struct g2_entry *e;

	run_text(r, r->text, r->len);
	if (r->replaced)
		return;
	if (!r->nentries) {
		finding(in, FAIL, FC_GRUB2_NO_ENTRIES,
			NOTE(.path = r->path, INSTALL_FIX(g2_install_fix(in, true))),
			"%s has no menuentry: GRUB 2 shows its \"grub>\" prompt and "
			"waits", r->path);
		return;
	}
	judge_timeout(r);
	e = &r->entry[default_entry(r)];
	if (e->submenu) {
		finding(in, WARN, FC_GRUB2_CFG_DYNAMIC, NOTE(.path = r->path),
			"%s line %d: the default entry is the submenu \"%s\": GRUB 2 "
			"opens it; its entries are not followed here", r->path, e->line,
			e->title);
		return;
	}
	finding(in, OK, FC_GRUB2_ENTRY, NOTE(.path = r->path),
		"%s: %d entr%s; GRUB 2 boots entry %d, \"%s\" (line %d)", r->path,
		r->nentries, r->nentries == 1 ? "y" : "ies", (int)(e - r->entry),
		e->title, e->line);
	memset(&in->entry, 0, sizeof(in->entry));
	in->entry.index = (int)(e - r->entry);
	run_range(r, e->text, e->start, e->end, e->line, true);
	if (!r->kernel)
		finding(in, FAIL, FC_GRUB2_NO_KERNEL, NOTE(.path = r->path),
			"entry \"%s\" loads no kernel: \"error: you need to load the "
			"kernel first.\"", e->title);
	in->entry.valid = r->kernel && in->entry.k.bzimage;
}

static void run_config(struct inspect *in, const char *text, size_t len)
{
	struct run *r = new_run(in, text, len, false);

	if (r)
		run_entries(r);
	free_run(r);
}

int check_grub2_cfg(struct inspect *in)
{
	const char *fspath, *why;
	struct gi_err err = { 0 };
	struct walk w;
	uint8_t *text;
	size_t len;
	int ref;

	if (!in->g2 || !in->g2->normal)
		return 0;
	snprintf(in->g2->cfg_path, sizeof(in->g2->cfg_path), "%s/grub.cfg",
		 g2_get(in, "prefix"));
	ref = g2_file(in, in->g2->cfg_path, &fspath, &why);
	if (ref)
		walk_path(pfs_get(in, ref), fspath, WALK_GRUB, &w);
	if (!ref || !w.ino) {
		finding(in, FAIL, FC_GRUB2_CFG_MISSING,
			NOTE(.path = in->g2->cfg_path, INSTALL_FIX(g2_install_fix(in, false))),
			"%s is not there: GRUB 2 shows its \"grub>\" prompt and waits",
			in->g2->cfg_path);
		return 0;
	}
	if (fs_read_file(&pfs_get(in, ref)->fs, w.ino, CFG_MAX_BYTES, &text, &len, &err)) {
		finding(in, FAIL, FC_GRUB2_CFG_MISSING, NOTE(.path = fspath),
			"%s cannot be read: %s", fspath, err.msg);
		return 0;
	}
	in->menu.partno = ref;
	text_copy(in->menu.path, sizeof(in->menu.path), fspath);
	in->menu.found = true;
	run_config(in, (const char *)text, len);
	free(text);
	return 0;
}
