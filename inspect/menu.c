/*
 * menu.lst as stage2 runs it; how it is read is stages/menu.c's.
 * The boot itself (stage2.c run_menu, cmdline.c run_script): without a
 * timeout GRUB waits at the menu for a key.  The default entry runs (for
 * "default saved", the number in /boot/grub/default); an error stops it,
 * and the "fallback" entries are tried in turn, without a key press; an
 * entry that loads no kernel returns to the menu, which then waits.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

#define MENU_MAX_BYTES (1024 * 1024)
/* ---- the partition table as the menu changes it ---- */

/* hide, unhide and parttype write the partition table as GRUB runs them
 * (builtins.c: set_partition_hidden_flag() sets or clears 0x10 in the
 * type, parttype_func() writes the type given), before the menu's first
 * title as it is read, or in an entry as it runs: GRUB's next mount of
 * that partition sees the new type (0x93 for a hidden 0x83 is "Error
 * 17").  The other disks are not followed.  */
static void retype(struct inspect *in, const char *name, const char *args)
{
	const struct partition *p;
	const char *rest;
	int drive, part, type;

	if (grub_parse_device(args, &drive, &part, &rest) || drive > 0 || part < 0)
		return;
	p = part_by_grub_on(in, 0, part);
	if (!p || p->number > PTABLE_MAX)
		return;
	type = in->menu.retyped[p->number] ? in->menu.retyped[p->number] & 0xff
					    : (int)p->type;
	if (strcmp(name, "hide") == 0) {
		type |= 0x10;
	} else if (strcmp(name, "unhide") == 0) {
		type &= ~0x10;
	} else {
		rest = grub_next_word(args);
		if (grub_parse_maxint(&rest, &type) || type > 0xff)
			return;
	}
	in->menu.retyped[p->number] = 0x100 | type;
}

static bool changes_table(const char *name)
{
	return strcmp(name, "hide") == 0 || strcmp(name, "unhide") == 0 ||
	       strcmp(name, "parttype") == 0;
}

/* The type of PART (partition reference PARTNO) as GRUB's table says
 * now.  */
static unsigned grub_type_of(const struct inspect *in, int partno,
			     const struct partition *part)
{
	int n = part_ref_number(partno);

	if (part_ref_disk(partno) == 0 && n > 0 && n <= PTABLE_MAX &&
	    in->menu.retyped[n])
		return (unsigned)in->menu.retyped[n] & 0xff;
	return part->type;
}

/* ---- global commands ---- */

static void run_global(struct inspect *in, const char *name, const char *args,
		       int line)
{
	struct menu *m = &in->menu;
	const char *p = args;
	int v;

	if (strcmp(name, "default") == 0) {
		if (grub_default_arg(args, &m->default_saved, &m->default_entry))
			finding(in, WARN, FC_MENU_SYNTAX,
				NOTE(.path = m->path,
				     .grub_error = GRUB_ERR_NUMBER_PARSING),
				"%s line %d: \"default %s\" is neither \"saved\" "
				"nor a number: GRUB keeps the default it had (entry "
				"%d)", m->path, line, args, m->default_entry);
	} else if (strcmp(name, "timeout") == 0) {
		if (!grub_parse_maxint(&p, &v))
			m->timeout = v;
	} else if (strcmp(name, "fallback") == 0) {
		m->nfallback = grub_fallback_args(args, m->fallback);
	} else if (strcmp(name, "password") == 0) {
		m->password = true;
	} else if (changes_table(name)) {
		retype(in, name, args);
	} else if (strcmp(name, "serial") == 0) {
		m->serial = true;
	} else if (strcmp(name, "terminal") == 0) {
		if (strstr(args, "serial"))
			m->terminal_serial = true;
	}
}

/* ---- parsing the file into entries ---- */

/* stage2 overwrites a title that got no commands. */
static void drop_empty_last(struct inspect *in)
{
	struct menu *m = &in->menu;

	if (!m->nentries || m->entry[m->nentries - 1].ncmd)
		return;
	finding(in, WARN, FC_MENU_EMPTY_ENTRY, NOTE(.path = m->path),
		"%s line %d: title \"%s\" has no commands: GRUB drops it "
		"(entry numbers shift)", m->path, m->entry[m->nentries - 1].line,
		m->entry[m->nentries - 1].title);
	m->nentries--;
}

static void add_entry(struct inspect *in, const char *title, int line)
{
	struct menu *m = &in->menu;
	struct menu_entry *e;

	drop_empty_last(in);
	if (m->nentries == MENU_MAX_ENTRIES) {
		m->dropped++;
		return;
	}
	e = &m->entry[m->nentries++];
	memset(e, 0, sizeof(*e));
	e->line = line;
	snprintf(e->title, sizeof(e->title), "%s", title);
}

static void add_command(struct inspect *in, const char *text, int line)
{
	struct menu *m = &in->menu;
	struct menu_entry *e;

	if (!m->nentries || m->dropped)
		return;
	e = &m->entry[m->nentries - 1];
	if (e->ncmd == MENU_MAX_CMDS)
		return;
	e->cmd[e->ncmd].line = line;
	snprintf(e->cmd[e->ncmd].text, sizeof(e->cmd[e->ncmd].text), "%s", text);
	e->ncmd++;
}

static void parse_line(void *ctx, const struct menu_line *l)
{
	struct inspect *in = ctx;
	struct menu *m = &in->menu;

	if (l->cut)
		finding(in, WARN, FC_MENU_LONG_LINE, NOTE(.path = m->path),
			"%s line %d is longer than %d bytes: GRUB cuts it",
			m->path, l->line, GRUB_LINE_MAX);
	switch (l->kind) {
	case LINE_TITLE:
		add_entry(in, l->args, l->line);
		break;
	case LINE_UNKNOWN:
		finding(in, WARN, FC_MENU_UNKNOWN_COMMAND,
			NOTE(.path = m->path),
			"%s line %d: GRUB 0.97 has no command \"%s\"; it skips "
			"the line as it reads the menu%s", m->path, l->line, l->name,
			m->nentries ? " (the entry runs without it)" : "");
		break;
	case LINE_ENTRY:
		/* Stored as is; a menu-only command fails when it runs. */
		add_command(in, l->text, l->line);
		break;
	case LINE_GLOBAL:
		run_global(in, l->name, l->args, l->line);
		break;
	case LINE_IGNORED:
		finding(in, WARN, FC_MENU_IGNORED, NOTE(.path = m->path),
			"%s line %d: \"%s\" before the first title is ignored "
			"(only menu commands run there)", m->path, l->line, l->name);
		break;
	}
}

static void parse_menu(struct inspect *in, const uint8_t *data, size_t len)
{
	in->menu.timeout = -1;
	menu_read(data, len, parse_line, in);
	drop_empty_last(in);
}

/* ---- finding and reading the file ---- */

/* The partition and path of a GRUB file name: "(hd0,1)/x" or "/x" (then
 * in DEFAULT_PART).  Returns the GRUB error, 0 when it names a partition
 * of this disk.  */
static int grub_file(struct inspect *in, const char *name, int default_part,
		     int *partno, const char **path)
{
	int drive, part, err;
	const struct partition *p;

	*partno = default_part;
	*path = name;
	if (name[0] != '(')
		return name[0] == '/' ? 0 : 1;
	err = grub_parse_device(name, &drive, &part, path);
	if (err)
		return err;
	if (drive == -2)
		drive = part_ref_disk(default_part);	/* "(,1)" */
	if (drive == -1 || (drive > 0 && !other_disk(in, drive)))
		return GERR_NO_DISK;
	if (part < 0) {
		*partno = PART_REF(drive, 0);		/* the whole disk */
		return (*path)[0] == '/' ? GERR_FSYS_MOUNT : 1;
	}
	p = part_by_grub_on(in, drive, part);
	if (!p)
		return GERR_NO_PART;
	*partno = PART_REF(drive, p->number);
	return (*path)[0] == '/' ? 0 : 1;
}

/* menu.lst itself: what a dangling or looping link points at. */
static void describe_link(struct pfs *p, const char *path, char *buf,
			  size_t size)
{
	struct gi_err err = { 0 };
	struct ext2_inode inode;
	char target[512];
	ext2_ino_t ino;

	buf[0] = '\0';
	if (!p || !p->ok || fs_lookup(&p->fs, path, &ino, &err) || !ino ||
	    ext2fs_read_inode(p->fs.e2, ino, &inode) ||
	    !LINUX_S_ISLNK(inode.i_mode) ||
	    fs_readlink(&p->fs, ino, target, sizeof(target), &err))
		return;
	snprintf(buf, size, " (a symbolic link to \"%s\")", target);
}

/* Back to a menu not yet read, where stage2 looks for it. */
static void menu_reset(struct inspect *in, const char *path)
{
	struct menu *m = &in->menu;
	int root = m->root, partno = m->partno, depth = m->depth;

	memset(m, 0, sizeof(*m));
	m->root = root;
	m->partno = partno;
	m->depth = depth;
	text_copy(m->path, sizeof(m->path), path);
	memset(&in->entry, 0, sizeof(in->entry));
}

/* grub.conf beside a menu.lst stage2 cannot open: the menu an install
 * keeps and links menu.lst to (installer/config.c).  Checked as GRUB
 * would read it then, quietly when QUIET; returns -1 without one, else
 * whether an entry boots unattended from it.  */
static int linked_menu(struct inspect *in, struct pfs *p, bool quiet)
{
	struct menu *m = &in->menu;
	const char *slash = strrchr(m->path, '/');
	char menu_lst[256], conf[300];
	struct gi_err err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	struct walk w;
	int boots;

	snprintf(conf, sizeof(conf), "%.*sgrub.conf",
		 slash ? (int)(slash - m->path + 1) : 0, m->path);
	walk_path(p, conf, WALK_GRUB, &w);
	if (!w.ino || fs_read_file(&p->fs, w.ino, MENU_MAX_BYTES, &data, &len, &err))
		return -1;
	text_copy(menu_lst, sizeof(menu_lst), m->path);
	menu_reset(in, conf);
	in->mute += quiet;
	menu_check_text(in, data, len);
	in->mute -= quiet;
	boots = in->entry.valid && m->timeout >= 0;
	/* The boot itself stops at "grub>": no entry boots today. */
	menu_reset(in, menu_lst);
	free(data);
	return boots;
}


static void menu_not_found(struct inspect *in, struct pfs *p,
			   const struct walk *w)
{
	struct menu *m = &in->menu;
	enum finding_code code = w->error == GERR_SYMLINK_LOOP ? FC_MENU_SYMLINK_LOOP
				 : w->links ? FC_MENU_DANGLING : FC_MENU_MISSING;
	char link[600], leads[600] = "";
	int linked = linked_menu(in, p, true);
	/* Without grub.conf the install makes a menu of /boot's kernels. */
	bool kernels = linked < 0 && kernels_in(p, "/boot");

	describe_link(p, m->path, link, sizeof(link));
	if (w->links && w->error == GERR_FILE_NOT_FOUND)
		text_printf(leads, sizeof(leads), " leads to %s, but", w->final);
	finding(in, FAIL, code,
		NOTE(.path = m->path,
		     INSTALL_FIX(linked > 0 || kernels ? "grubinst IMAGE" : NULL)),
		"stage2 cannot open its menu (hd0,%d)%s%s:%s %s; it shows the "
		"\"grub>\" command line instead of booting (internally Error "
		"%d; GRUB prints no message for the menu)%s",
		m->partno - 1, m->path, link, leads, w->why, w->error,
		linked < 0 && !kernels ? "; no grub.conf beside it and no kernel in "
					 "/boot to make one of: give grubinst "
					 "--kernel or --config"
		: linked < 0 ? ""
		: linked ? "; grubinst links it to grub.conf beside it, which boots"
			 : "; grubinst would link it to grub.conf beside it, which "
			   "does not boot as it is (below): fix grub.conf, or give "
			   "--replace-menu for a menu of the kernels in /boot");
	if (linked == 0)
		linked_menu(in, p, false);
}

/* Where stage2 reads the menu from when the chain told us nothing. */
static int guess_root(struct inspect *in)
{
	const struct grubinst_options *o = &in->g->opts;
	int i;

	if (o->partition > 0 && ptable_find(&in->pt, o->partition))
		return o->partition;
	for (i = 0; in->have_table && i < in->pt.count; i++)
		if (in->pt.part[i].active && !in->pt.part[i].container)
			return in->pt.part[i].number;
	for (i = 0; in->have_table && i < in->pt.count; i++)
		if (in->pt.part[i].type == 0x83)
			return in->pt.part[i].number;
	return 0;
}

static int read_menu(struct inspect *in, const char *menu_path, uint8_t **data,
		     size_t *len)
{
	struct menu *m = &in->menu;
	const char *path;
	struct gi_err err = { 0 };
	struct walk w;
	struct pfs *p;
	int e = grub_file(in, menu_path, m->root, &m->partno, &path);

	snprintf(m->path, sizeof(m->path), "%s", path);
	if (e) {
		finding(in, FAIL, FC_MENU_PATH, NOTE(.grub_error = e),
			"stage2's menu path \"%s\" names no file on this disk",
			menu_path);
		return 1;
	}
	p = pfs_get(in, m->partno);
	walk_path(p, m->path, WALK_GRUB, &w);
	if (!w.ino) {
		menu_not_found(in, p, &w);
		return 1;
	}
	if (!file_readable_by_grub(in, p, m->path, &w, AREA_MENU, true))
		return 1;
	if (fs_read_file(&p->fs, w.ino, MENU_MAX_BYTES, data, len, &err)) {
		finding(in, FAIL, FC_MENU_UNREADABLE, NOTE(.path = m->path),
			"%s cannot be read: %s", m->path, err.msg);
		return 1;
	}
	m->found = true;
	finding(in, OK, FC_MENU_FOUND, NOTE(.path = m->path),
		"stage2 reads its menu from (hd0,%d)%s%s%s (%zu bytes)",
		m->partno - 1, m->path, w.links ? " -> " : "",
		w.links ? w.final : "", *len);
	return 0;
}

/* ---- the entries ---- */

/* What running an entry leads to (cmdline.c run_script). */
enum outcome {
	RUN_FAILS,		/* an error: GRUB tries the next fallback */
	RUN_NO_KERNEL,		/* ends without a kernel: back to the menu */
	RUN_BOOTS,		/* a kernel GRUB loads, booted */
	RUN_CHAINLOADS,		/* a boot sector, jumped to */
	RUN_CONFIGFILE,		/* another menu, which GRUB starts over with */
	RUN_STOPS,		/* halt, reboot or a wait for a key */
};

/* The partition (or the whole disk, 0) an entry's file is on and the
 * path in it: "(hd0,1)/x", "/x" in ROOT, or a block list "+1"/"0+1".  */
static int entry_file(struct inspect *in, const struct menu_entry *e,
		      const char *what, const char *name, int root,
		      enum grubinst_severity sev, int *partno, char *path,
		      size_t size)
{
	const char *rel;
	int err = grub_file(in, name, root, partno, &rel);
	char file[300];

	snprintf(path, size, "%.*s", (int)strcspn(rel, " \t"), rel);
	snprintf(file, sizeof(file), "%.*s", (int)strcspn(name, " \t"), name);
	if (!err && part_ref_number(*partno) == 0 && path[0] == '/')
		err = GERR_FSYS_MOUNT;	/* a file of the whole disk */
	if (err == 1 && (isdigit((unsigned char)path[0]) || path[0] == '+'))
		err = 0;		/* a block list */
	if (err)
		finding(in, sev, FC_MENU_BAD_PATH,
			NOTE(.path = in->menu.path, .grub_error = err),
			"entry \"%s\": %s %s cannot be opened: GRUB says "
			"\"Error %d\" (see grubinst --explain %d)",
			e->title, what, file, err, err);
	return err;
}

/* The kernels of a directory, for a kernel line that names none there. */
struct kernel_names {
	const char *want;	/* the name the kernel line gives */
	char list[256];		/* "vmlinuz-a, vmlinuz-b" */
	char best[256];		/* the one closest to WANT */
	size_t best_len;	/* ...its common prefix with it */
	int n;
};

static bool kernel_name(const char *name, int len)
{
	static const char *const prefixes[] = { "vmlinuz", "vmlinux", "bzImage" };

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (len >= (int)strlen(prefixes[i]) &&
		    strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

/* A name a fix line carries unquoted and a menu line holds whole. */
static bool menu_fits_name(const char *name, int len)
{
	for (int i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._+-", name[i]))
			return false;
	return len > 0;
}

static int kernel_entry(ext2_ino_t dir, int entry, struct ext2_dir_entry *d,
			int offset, int blocksize, char *buf, void *priv)
{
	struct kernel_names *k = priv;
	int len = ext2fs_dirent_name_len(d);
	size_t common = 0;
	char name[256];

	(void)dir, (void)entry, (void)offset, (void)blocksize, (void)buf;
	if (!kernel_name(d->name, len) || !menu_fits_name(d->name, len))
		return 0;
	snprintf(name, sizeof(name), "%.*s", len, d->name);
	while (name[common] && name[common] == k->want[common])
		common++;
	if (!k->n || common > k->best_len) {
		text_copy(k->best, sizeof(k->best), name);
		k->best_len = common;
	}
	if (strlen(k->list) + len + 8 < sizeof(k->list))
		text_printf(k->list + strlen(k->list),
			    sizeof(k->list) - strlen(k->list), "%s%s",
			    k->n ? ", " : "", name);
	k->n++;
	return 0;
}

bool kernels_in(struct pfs *p, const char *dir)
{
	struct kernel_names k = { .want = "" };
	struct gi_err err = { 0 };
	ext2_ino_t ino = 0;

	return p && p->ok && !fs_lookup(&p->fs, dir, &ino, &err) && ino &&
	       !ext2fs_dir_iterate2(p->fs.e2, ino, 0, NULL, kernel_entry, &k) &&
	       k.n > 0;
}

/* The kernels in the directory of PATH into K (K->want: PATH's last
 * name), that directory into DIR; false when it has none.  */
static bool scan_beside(struct pfs *p, const char *path, struct kernel_names *k,
			char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	struct gi_err err = { 0 };
	ext2_ino_t ino = 0;

	k->want = slash ? slash + 1 : path;
	snprintf(dir, size, "%.*s", slash && slash > path ? (int)(slash - path) : 1, path);
	return p && p->ok && !fs_lookup(&p->fs, dir, &ino, &err) && ino &&
	       !ext2fs_dir_iterate2(p->fs.e2, ino, 0, NULL, kernel_entry, k) && k->n;
}

bool kernel_beside(struct pfs *p, const char *path, char *best, size_t size)
{
	struct kernel_names k = { 0 };
	char dir[256];

	if (!scan_beside(p, path, &k, dir, sizeof(dir)))
		return false;
	text_copy(best, size, k.best);
	return true;
}

/* The kernels beside PATH, a kernel that does not exist: in SAID, and
 * the fix that installs the one closest to its name.  Returns the fix
 * or NULL.  */
static const char *kernels_beside(struct inspect *in, struct pfs *p,
				  const char *path, char *said, size_t size)
{
	struct kernel_names k = { 0 };
	char dir[256];

	said[0] = '\0';
	if (!scan_beside(p, path, &k, dir, sizeof(dir)))
		return NULL;
	text_printf(said, size, "; %s has %s", dir, k.list);
	return fixf(in, "grubinst --replace-menu --kernel %s/%s IMAGE",
		    strcmp(dir, "/") ? dir : "", k.best);
}

/* What an entry loads by name. */
enum loaded_file { LOADED_KERNEL, LOADED_INITRD };

/* The command's name, for messages. */
static const char *const loaded_files[] = {
	[LOADED_KERNEL] = "kernel",
	[LOADED_INITRD] = "initrd",
};

/* A kernel or initrd file by name, as GRUB's ext2 reader opens it. */
static int open_file(struct inspect *in, const struct menu_entry *e,
		     enum loaded_file which, int partno, const char *path,
		     enum grubinst_severity sev, struct walk *w, struct pfs **pp)
{
	const struct partition *part = part_of_ref(in, partno);
	struct pfs *p = pfs_get(in, partno);
	const char *what = loaded_files[which];

	*pp = p;
	if (part && p && p->ok && grub_mounts_type(part->type) &&
	    !grub_mounts_type(grub_type_of(in, partno, part))) {
		finding(in, sev, FC_PART_TYPE,
			NOTE(IN_AREA(AREA_MENU), .path = in->menu.path, .grub_error = GERR_FSYS_MOUNT),
			"entry \"%s\": %s (hd%d,%d)%s: the menu's hide or parttype "
			"wrote type 0x%02x for partition %d into the partition "
			"table, which GRUB 0.97 does not mount: \"Error 17: Cannot "
			"mount selected partition\" (this boot and the next ones)",
			e->title, what, part_ref_disk(partno),
			part_ref_number(partno) - 1, path,
			grub_type_of(in, partno, part), part_ref_number(partno));
		return GERR_FSYS_MOUNT;
	}
	if (part && p && p->ok && !grub_mounts_type(grub_type_of(in, partno, part))) {
		struct rule_target t;
		struct verdict v;

		pfs_target(p, true, &t);
		rule_part_type(&t, &v);
		v.severity = sev;
		text_printf(v.message, sizeof(v.message), "entry \"%s\": %s "
			    "(hd%d,%d)%s: partition %d has type 0x%02x, which "
			    "GRUB 0.97 does not mount: \"Error 17: Cannot mount "
			    "selected partition\"", e->title, what,
			    part_ref_disk(partno), part_ref_number(partno) - 1,
			    path, part_ref_number(partno), part->type);
		finding_verdict(in, &v, NOTE(IN_AREA(AREA_MENU)));
		return GERR_FSYS_MOUNT;
	}
	walk_path(p, path, WALK_GRUB, w);
	if (!w->ino) {
		char others[300] = "";
		const char *fix = which == LOADED_KERNEL &&
				  w->error == GERR_FILE_NOT_FOUND &&
				  part_ref_disk(partno) == 0
				  ? kernels_beside(in, p, path, others, sizeof(others))
				  : NULL;
		enum finding_code code = which == LOADED_KERNEL ? FC_MENU_KERNEL_MISSING
								: FC_MENU_INITRD_MISSING;

		finding(in, sev, code,
			NOTE(.path = path, .grub_error = w->error, INSTALL_FIX(fix)),
			"entry \"%s\": %s (hd%d,%d)%s: %s: GRUB stops with "
			"\"Error %d\"%s", e->title, what, part_ref_disk(partno),
			part_ref_number(partno) - 1, path, w->why, w->error, others);
		return w->error;
	}
	if (!file_readable_by_grub(in, p, path, w, AREA_MENU, true))
		return GERR_OUTSIDE_PART;
	return 0;
}

static int root_of(struct inspect *in, const struct menu_entry *e,
		   const char *args, enum grubinst_severity sev, int *root)
{
	int drive, part, e_no = 0;
	const char *rest;
	const struct partition *p = NULL;

	e_no = grub_parse_device(args, &drive, &part, &rest);
	if (!e_no && drive == -2)
		drive = 0;
	if (e_no)
		;
	else if (drive == -1 || (drive > 0 && !other_disk(in, drive)))
		e_no = GERR_NO_DISK;
	else if (part >= 0 && !(p = part_by_grub_on(in, drive, part)))
		e_no = GERR_NO_PART;
	if (e_no) {
		finding(in, sev, FC_MENU_ROOT,
			NOTE(.path = in->menu.path, .grub_error = e_no),
			"entry \"%s\": \"root %s\": %s: GRUB stops with \"Error %d\"",
			e->title, args,
			e_no == GERR_NO_DISK ? "this image is the only disk (hd0): "
					       "give the others with --disk hdN=IMAGE"
			: e_no == GERR_NO_PART ? "no such partition on this disk"
					       : "not a GRUB device name",
			e_no);
		return e_no;
	}
	/* real_root_func ignores "Error 17": a partition GRUB cannot mount
	 * (or the whole disk) is a root for chainloader and makeactive.  */
	*root = PART_REF(drive, p ? p->number : 0);
	return 0;
}

/* chainloader [--force] FILE: GRUB reads the first sector of FILE, which
 * must end in 55 AA unless forced, and jumps to it.  Code in it: not all
 * zeros (what it does then is not followed).  */
static enum outcome chainload(struct inspect *in, const struct menu_entry *e,
			      const char *args, int root,
			      enum grubinst_severity sev, struct boot_entry *be)
{
	bool force = strncmp(args, "--force", 7) == 0;
	uint8_t sector[SECTOR_SIZE];
	char path[256];
	uint64_t at = 0;
	int partno, err, rc;

	if (force)
		args = grub_next_word(args);
	err = entry_file(in, e, "chainloader", args, root, sev, &partno, path,
			 sizeof(path));
	if (err)
		return RUN_FAILS;
	if (path[0] == '/') {
		finding(in, WARN, FC_MENU_CHAINLOAD,
			NOTE(.path = path),
			"entry \"%s\" chainloads the file %s: not followed further",
			e->title, path);
		be->partno = partno;
		return RUN_CHAINLOADS;
	}
	/* "+1" or "0+1": the sectors of ROOT (or of the whole disk); the
	 * start is safe_parse_maxint's, so "0x3f+1" is sector 63.  */
	if (path[0] != '+') {
		const char *q = path;
		int v;

		if (!grub_parse_maxint(&q, &v))
			at = (uint64_t)v;
	}
	if (part_ref_number(partno)) {
		const struct partition *p = part_of_ref(in, partno);
		at += p ? p->start : 0;
	}
	rc = read_disk_sectors(in, part_ref_disk(partno), at, sector, 1);
	if (rc < 0)
		return RUN_FAILS;
	if (rc || (!force && le16(sector + MBR_SIGNATURE) != MBR_SIGNATURE_VALUE)) {
		finding(in, sev, FC_MENU_CHAINLOAD_SIGNATURE,
			NOTE(AT(at), .grub_error = GERR_EXEC_FORMAT),
			"entry \"%s\": chainloader %s: sector %llu %s: \"Error 13: "
			"Invalid or unsupported executable format\"", e->title, args,
			(unsigned long long)at,
			rc ? "lies past the end of the image" : "does not end in 55 AA");
		return RUN_FAILS;
	}
	{
		struct bootcode b;

		identify_bootcode(sector, &b);
		if (b.kind == BOOT_EMPTY) {
			finding(in, sev, FC_MENU_CHAINLOAD_EMPTY,
				NOTE(AT(at)),
				"entry \"%s\": chainloader %s: sector %llu ends in 55 "
				"AA but holds no code (all zeros): the machine hangs "
				"there", e->title, args, (unsigned long long)at);
			return RUN_FAILS;
		}
		finding(in, WARN, FC_MENU_CHAINLOAD, NOTE(AT(at)),
			"entry \"%s\" chainloads sector %llu (%s): what that code "
			"boots is not followed", e->title, (unsigned long long)at,
			b.name);
	}
	be->partno = partno;
	return RUN_CHAINLOADS;
}

static int load_kernel(struct inspect *in, const struct menu_entry *e,
		       const char *args, enum grubinst_severity sev,
		       struct boot_entry *be)
{
	char path[256];
	struct walk w;
	struct pfs *p;
	int partno, err;

	while (strncmp(args, "--", 2) == 0)
		args = grub_next_word(args);	/* --type=, --no-mem-option */
	err = entry_file(in, e, "kernel", args, be->partno, sev, &partno, path,
			 sizeof(path));
	if (!err && !isdigit((unsigned char)path[0]) && path[0] != '+')
		err = open_file(in, e, LOADED_KERNEL, partno, path, sev, &w, &p);
	else if (!err)
		return 0;	/* a block list: not checked further */
	if (err)
		return err;
	err = kernel_check_load(in, p, w.ino, EXT2_I_SIZE(&w.inode), path, sev,
				&be->k);
	if (err)
		return err;
	be->kernel_partno = partno;
	text_copy(be->kernel, sizeof(be->kernel), path);
	args += strcspn(args, " \t");
	args += strspn(args, " \t");
	text_copy(be->cmdline, sizeof(be->cmdline), args);
	return 0;
}

/* The file "default" beside the menu (stage2.c cmain names it so). */
static void default_file_path(const struct menu *m, char *buf, size_t size)
{
	const char *slash = strrchr(m->path, '/');

	snprintf(buf, size, "%.*sdefault", slash ? (int)(slash - m->path + 1) : 0,
		 m->path);
}

/* The entry "savedefault ARGS" writes when entry IDX runs
 * (savedefault_func): itself, the number, or the fallback after it;
 * -1 when there is none (GRUB stops with "Error 30").  */
static int saved_by(const struct menu *m, int idx, const char *args)
{
	int v;

	if (!*args)
		return idx;
	if (strncmp(args, "fallback", 8) == 0) {
		int i = 0;

		while (i < m->nfallback && m->fallback[i] != idx)
			i++;
		i = i < m->nfallback ? i + 1 : 0;
		return i < m->nfallback ? m->fallback[i] : -1;
	}
	return grub_parse_maxint(&args, &v) ? -1 : v;
}

/* savedefault rewrites the first 10 bytes of the file "default" in place
 * through the BIOS: without the file, or with a shorter one, it stops
 * the entry with an error (then "Press any key to continue...").  */
static int savedefault(struct inspect *in, const struct menu_entry *e, int idx,
		       const char *args, enum grubinst_severity sev,
		       struct boot_entry *be)
{
	struct menu *m = &in->menu;
	struct pfs *p = pfs_get(in, m->partno);
	char path[300];
	struct walk w;
	int v = saved_by(m, idx, args);

	default_file_path(m, path, sizeof(path));
	if (v < 0) {
		finding(in, sev, FC_MENU_SAVEDEFAULT,
			NOTE(.path = m->path, .grub_error = GERR_BAD_ARGUMENT),
			"entry \"%s\": \"savedefault %s\" names no entry (no "
			"fallback after this one): \"Error 30: Invalid argument\"",
			e->title, args);
		return GERR_BAD_ARGUMENT;
	}
	walk_path(p, path, WALK_GRUB, &w);
	if (!w.ino || EXT2_I_SIZE(&w.inode) < 10) {
		finding(in, sev, FC_MENU_SAVEDEFAULT,
			NOTE(.path = path, .grub_error = w.ino ? GERR_READ : w.error,
			     INSTALL_FIX("grubinst --set-default 0 IMAGE")),
			"entry \"%s\" runs savedefault, which rewrites %s in "
			"place: %s, so GRUB stops with \"Error %d\" and waits for "
			"a key", e->title, path,
			w.ino ? "it holds fewer than the 10 bytes GRUB writes" : w.why,
			w.ino ? GERR_READ : w.error);
		return w.ino ? GERR_READ : w.error;
	}
	if (!file_readable_by_grub(in, p, path, &w, AREA_MENU, false))
		return GERR_OUTSIDE_PART;
	be->saves = v;
	return 0;
}

/* configfile FILE (configfile_func): GRUB opens FILE in the entry's
 * root, then starts over with it as its menu: its "default" file, its
 * default entry, its timeout.  An error opening it stops the entry.  */
static int configfile(struct inspect *in, const struct menu_entry *e,
		      const char *args, enum grubinst_severity sev,
		      struct boot_entry *be)
{
	char path[256];
	struct walk w;
	int partno, err;

	err = entry_file(in, e, "configfile", args, be->partno, sev, &partno,
			 path, sizeof(path));
	if (err)
		return err;
	walk_path(pfs_get(in, partno), path, WALK_GRUB, &w);
	if (!w.ino) {
		finding(in, sev, FC_MENU_CONFIGFILE,
			NOTE(.path = path, .grub_error = w.error),
			"entry \"%s\": configfile (hd%d,%d)%s: %s: GRUB stops "
			"with \"Error %d\"", e->title, part_ref_disk(partno),
			part_ref_number(partno) - 1, path, w.why, w.error);
		return w.error;
	}
	be->config_partno = partno;
	text_copy(be->config, sizeof(be->config), path);
	return 0;
}

/* halt, reboot, pause and password (password_func asks for it when it
 * runs in an entry) in an entry: an unattended boot ends there.  */
static enum outcome stops(struct inspect *in, const struct menu_entry *e,
			  const char *name, enum grubinst_severity sev)
{
	finding(in, sev, FC_MENU_STOPS, NOTE(.path = in->menu.path),
		"entry \"%s\" runs \"%s\" before it boots: %s", e->title, name,
		strcmp(name, "halt") == 0 ? "the machine switches off there"
		: strcmp(name, "reboot") == 0 ? "the machine restarts there, "
						"and again on every boot"
		: strcmp(name, "password") == 0
		? "GRUB asks for the password there (\"Password: \") and waits"
		: "GRUB waits there for a key, which nobody presses");
	return RUN_STOPS;
}

/* Runs an entry's commands the way run_script would, without booting;
 * its findings at SEV.  */
static enum outcome run_commands(struct inspect *in, int idx,
				 enum grubinst_severity sev, struct boot_entry *be)
{
	const struct menu_entry *e = &in->menu.entry[idx];
	bool kernel = false;
	char name[64];

	memset(be, 0, sizeof(*be));
	be->index = idx;
	be->partno = in->menu.root;
	be->saves = -1;
	for (int i = 0; i < e->ncmd; i++) {
		const char *text = e->cmd[i].text, *args = grub_args_of(text);
		int flags = grub_command_of(text, name, sizeof(name)), partno, err;

		if (!(flags & CMD_CMDLINE)) {
			finding(in, sev, FC_MENU_UNKNOWN_COMMAND,
				NOTE(.path = in->menu.path,
				     .grub_error = GERR_UNRECOGNIZED),
				"entry \"%s\" line %d: \"%s\" is not a command "
				"GRUB 0.97 runs in an entry: \"Error 27: "
				"Unrecognized command\"", e->title, e->cmd[i].line,
				name);
			return RUN_FAILS;
		}
		if (strcmp(name, "root") == 0 || strcmp(name, "rootnoverify") == 0) {
			if (root_of(in, e, args, sev, &be->partno))
				return RUN_FAILS;
		} else if (strcmp(name, "kernel") == 0) {
			err = load_kernel(in, e, args, sev, be);
			if (err)
				return err < 0 ? RUN_FAILS : RUN_FAILS;
			kernel = true;
		} else if (strcmp(name, "initrd") == 0) {
			if (!kernel) {
				finding(in, sev, FC_MENU_INITRD_FIRST,
					NOTE(.path = in->menu.path,
					     .grub_error = GERR_NEED_LX_KERNEL),
					"entry \"%s\": initrd comes before kernel: "
					"\"Error 19: Linux kernel must be loaded "
					"before initrd\"", e->title);
				return RUN_FAILS;
			}
			{
				char path[256];
				struct walk w;
				struct pfs *p;

				if (entry_file(in, e, "initrd", args, be->partno, sev,
					       &partno, path, sizeof(path)) ||
				    open_file(in, e, LOADED_INITRD, partno, path, sev, &w, &p))
					return RUN_FAILS;
				text_copy(be->initrd, sizeof(be->initrd), path);
				be->has_initrd = true;
			}
		} else if (changes_table(name)) {
			retype(in, name, args);
		} else if (strcmp(name, "savedefault") == 0) {
			if (savedefault(in, e, idx, args, sev, be))
				return RUN_FAILS;
		} else if (strcmp(name, "chainloader") == 0) {
			return chainload(in, e, args, be->partno, sev, be);
		} else if (strcmp(name, "configfile") == 0) {
			return configfile(in, e, args, sev, be) ? RUN_FAILS
								: RUN_CONFIGFILE;
		} else if (strcmp(name, "lock") == 0 && in->menu.password) {
			/* lock_func: "Error 32" until the password is given. */
			finding(in, sev, FC_MENU_LOCK,
				NOTE(.path = in->menu.path, .grub_error = 32),
				"entry \"%s\" line %d: \"lock\" under the menu's "
				"password: \"Error 32: Must be authenticated\"",
				e->title, e->cmd[i].line);
			return RUN_FAILS;
		} else if (strcmp(name, "halt") == 0 || strcmp(name, "reboot") == 0 ||
			   strcmp(name, "pause") == 0 ||
			   strcmp(name, "password") == 0) {
			return stops(in, e, name, sev);
		} else if (strcmp(name, "boot") == 0) {
			break;
		}
	}
	if (!kernel) {
		finding(in, sev, FC_MENU_NO_KERNEL, NOTE(.path = in->menu.path),
			"entry \"%s\" loads no kernel: GRUB runs it and returns "
			"to the menu, which then waits for a key", e->title);
		return RUN_NO_KERNEL;
	}
	be->valid = true;
	return RUN_BOOTS;
}

/* What an entry writes into the partition table (hide, parttype) holds
 * for its own run: each entry is judged from the table the menu left.  */
static enum outcome run_entry(struct inspect *in, int idx,
			      enum grubinst_severity sev, struct boot_entry *be)
{
	int saved[PTABLE_MAX + 1];
	enum outcome o;

	memcpy(saved, in->menu.retyped, sizeof(saved));
	o = run_commands(in, idx, sev, be);
	memcpy(in->menu.retyped, saved, sizeof(saved));
	return o;
}

/* "default saved": the number in "default" beside the menu file
 * (stage2.c cmain reads its first 10 bytes).  */
static int saved_entry(struct inspect *in)
{
	char path[300];
	uint8_t buf[DEFAULT_FILE_MIN];
	struct pfs *p = pfs_get(in, in->menu.partno);
	size_t got = 0;
	struct walk w;

	default_file_path(&in->menu, path, sizeof(path));
	walk_path(p, path, WALK_GRUB, &w);
	if (!w.ino || read_head(p, w.ino, buf, sizeof(buf), &got) < 0)
		return 0;
	return default_file_entry(buf, got);
}

/* The order GRUB tries entries in: the default (or the first fallback
 * if the default is no entry), then the fallbacks.  */
static int boot_order(struct inspect *in, int *order)
{
	struct menu *m = &in->menu;
	int fb[8], nfb = 0, n = 0, start, next = 0;

	for (int i = 0; i < m->nfallback; i++)
		if (m->fallback[i] >= 0 && m->fallback[i] < m->nentries)
			fb[nfb++] = m->fallback[i];
	start = m->default_saved ? saved_entry(in) : m->default_entry;
	if (start >= m->nentries) {
		finding(in, WARN, FC_MENU_DEFAULT, NOTE(.path = m->path),
			"\"default %d\" but the menu has %d entries: GRUB boots "
			"entry %d instead", start, m->nentries, nfb ? fb[0] : 0);
		start = nfb ? fb[next++] : 0;
	}
	order[n++] = start;
	while (next < nfb)
		order[n++] = fb[next++];
	return n;
}

static void check_globals(struct inspect *in)
{
	struct menu *m = &in->menu;

	if (m->default_saved)
		finding(in, OK, FC_MENU_DEFAULT_SAVED, NOTE(.path = m->path),
			"\"default saved\": entry %d boots, as %.*sdefault says",
			saved_entry(in),
			strrchr(m->path, '/') ? (int)(strrchr(m->path, '/') - m->path + 1) : 0,
			m->path);
	if (m->timeout < 0)
		finding(in, FAIL, FC_MENU_NO_TIMEOUT,
			NOTE(.path = m->path,
			     INSTALL_FIX("grubinst --replace-menu --timeout 5 IMAGE")),
			"%s has no \"timeout\": GRUB shows the menu and waits for "
			"a key forever, so an unattended machine never boots "
			"(add \"timeout 5\" to it, or let the fix write a new "
			"menu for the kernels in /boot)", m->path);
	if (m->terminal_serial && !m->serial)
		finding(in, WARN, FC_MENU_SERIAL,
			NOTE(.path = m->path),
			"\"terminal serial\" without a \"serial\" line before it: "
			"GRUB has no serial port set up and stays on the screen");
	if (m->dropped)
		finding(in, WARN, FC_MENU_MANY, NOTE(.path = m->path),
			"more than %d entries: only the first %d are checked",
			MENU_MAX_ENTRIES, MENU_MAX_ENTRIES);
}

/* What the entry that boots leaves for the boots after it. */
static void report_saved(struct inspect *in, const struct boot_entry *be)
{
	char path[300];

	if (be->saves < 0)
		return;
	default_file_path(&in->menu, path, sizeof(path));
	if (!in->menu.default_saved)
		finding(in, OK, FC_MENU_SAVEDEFAULT, NOTE(.path = path),
			"entry %d writes %d into %s as it boots (savedefault); "
			"the menu's \"default\" is a number, so nothing reads it",
			be->index, be->saves, path);
	else if (be->saves == be->index)
		finding(in, OK, FC_MENU_SAVEDEFAULT, NOTE(.path = path),
			"entry %d writes its own number into %s as it boots "
			"(savedefault): it stays the default", be->index, path);
	else
		finding(in, OK, FC_MENU_SAVEDEFAULT, NOTE(.path = path),
			"entry %d writes %d into %s as it boots (savedefault): it "
			"boots once, and the boots after it start entry %d",
			be->index, be->saves, path, be->saves);
}

/* The menu a "configfile" entry loads: GRUB restarts with it (cmain),
 * its root the entry's.  Menus that load each other never boot.  */
#define MENU_MAX_DEPTH 8
static void follow_configfile(struct inspect *in, const struct boot_entry *be)
{
	struct menu *m = &in->menu;
	struct pfs *p = pfs_get(in, be->config_partno);
	struct gi_err err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	struct walk w;

	if (m->depth == MENU_MAX_DEPTH) {
		finding(in, FAIL, FC_MENU_CONFIGFILE,
			NOTE(.path = be->config),
			"menus load each other with configfile %d times and more "
			"(a loop?): GRUB goes from menu to menu and boots no "
			"kernel", MENU_MAX_DEPTH);
		return;
	}
	walk_path(p, be->config, WALK_GRUB, &w);
	if (!w.ino || fs_read_file(&p->fs, w.ino, MENU_MAX_BYTES, &data, &len, &err)) {
		finding(in, FAIL, FC_MENU_UNREADABLE, NOTE(.path = be->config),
			"%s cannot be read: %s", be->config, w.ino ? err.msg : w.why);
		return;
	}
	m->partno = be->config_partno;
	m->root = be->partno;
	m->depth++;
	menu_reset(in, be->config);
	menu_check_text(in, data, len);
	free(data);
}

/* Tries the entries in boot order quietly until one boots (or returns
 * to the menu), then says what happens: the failures on the way are
 * warnings when a later entry boots, failures when none does.  */
static void run_boot(struct inspect *in)
{
	int order[9], n = boot_order(in, order), decisive = -1;
	enum outcome out = RUN_FAILS;
	struct boot_entry be, follow = { .config_partno = -1 };
	bool on_path[MENU_MAX_ENTRIES] = { false };

	in->mute++;
	for (int i = 0; i < n && decisive < 0; i++) {
		out = run_entry(in, order[i], FAIL, &be);
		if (out != RUN_FAILS)
			decisive = i;
	}
	in->mute--;
	for (int i = 0; i < n; i++) {
		bool booted = i == decisive && (out == RUN_BOOTS || out == RUN_CHAINLOADS);
		bool boots_later = decisive >= 0 && i < decisive &&
				   (out == RUN_BOOTS || out == RUN_CHAINLOADS ||
				    out == RUN_CONFIGFILE);
		enum outcome o;

		on_path[order[i]] = true;
		o = run_entry(in, order[i], boots_later ? WARN : FAIL, &be);
		if (booted && o == RUN_BOOTS) {
			in->entry = be;
			finding(in, OK, FC_MENU_ENTRY, NOTE(.path = be.kernel),
				"entry %d \"%s\" boots%s: kernel (hd%d,%d)%s%s%s",
				order[i], in->menu.entry[order[i]].title,
				i ? " (a fallback)" : "", part_ref_disk(be.kernel_partno),
				part_ref_number(be.kernel_partno) - 1,
				be.kernel, be.has_initrd ? ", initrd " : "",
				be.has_initrd ? be.initrd : "");
			report_saved(in, &be);
		}
		if (i == decisive && o == RUN_CONFIGFILE) {
			follow = be;
			finding(in, OK, FC_MENU_CONFIGFILE,
				NOTE(.path = be.config),
				"entry %d \"%s\"%s loads the menu (hd%d,%d)%s: GRUB "
				"starts over with it (checked below)", order[i],
				in->menu.entry[order[i]].title, i ? " (a fallback)" : "",
				part_ref_disk(be.config_partno),
				part_ref_number(be.config_partno) - 1, be.config);
		}
		if (boots_later)
			finding(in, WARN, FC_MENU_FALLBACK,
				NOTE(.path = in->menu.path),
				"entry %d \"%s\" fails; GRUB falls back to entry %d "
				"(the menu's \"fallback\")", order[i], in->menu.entry[order[i]].title,
				order[i + 1]);
		if (i == decisive)
			break;
	}
	/* The other entries, for the record: a user may choose them. */
	for (int i = 0; i < in->menu.nentries; i++) {
		if (on_path[i])
			continue;
		if (run_entry(in, i, WARN, &be) == RUN_BOOTS)
			finding(in, OK, FC_MENU_ENTRY, NOTE(.path = be.kernel),
				"entry %d \"%s\": kernel (hd%d,%d)%s%s%s", i,
				in->menu.entry[i].title, part_ref_disk(be.kernel_partno),
				part_ref_number(be.kernel_partno) - 1,
				be.kernel, be.has_initrd ? ", initrd " : "",
				be.has_initrd ? be.initrd : "");
	}
	if (follow.config_partno >= 0)
		follow_configfile(in, &follow);
}

void menu_check_text(struct inspect *in, const uint8_t *data, size_t len)
{
	parse_menu(in, data, len);
	if (in->menu.nentries == 0) {
		finding(in, FAIL, FC_MENU_NO_ENTRIES,
			NOTE(.path = in->menu.path,
			     INSTALL_FIX("grubinst --replace-menu IMAGE")),
			"%s has no usable entry (no title with commands): GRUB "
			"shows the \"grub>\" command line", in->menu.path);
		return;
	}
	check_globals(in);
	run_boot(in);
}

int check_menu(struct inspect *in)
{
	const char *menu_path = in->menu_path;
	uint8_t *data = NULL;
	size_t len = 0;

	in->menu.root = in->root_partno;
	if (!in->chain_ok) {
		if (!in->menu.root)
			in->menu.root = guess_root(in);
		if (!in->menu.root)
			return 0;
		menu_path = GRUB_LEGACY_DIR "/menu.lst";
		finding(in, WARN, FC_MENU_ASSUMED, NOTE(0),
			"the boot chain does not reach stage2: checking "
			"(hd0,%d)%s as if it did", in->menu.root - 1, menu_path);
	}
	if (read_menu(in, menu_path, &data, &len))
		return 0;
	menu_check_text(in, data, len);
	free(data);
	return 0;
}
