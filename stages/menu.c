/*
 * menu.lst as stage2 reads it (stage2/stage2.c get_line_from_config and
 * cmain, stage2/cmdline.c find_command and skip_to, builtins.c):
 *   - CRs are dropped, tabs become spaces, "\\\n" joins lines; a '#' is a
 *     comment only as the first non-blank character of a line;
 *   - a command name ends at a space, a tab or '=' ("timeout=5" works);
 *   - a command GRUB does not know is skipped as the menu is read, in an
 *     entry as before the first title: no message;
 *   - before the first title only menu commands run (default, timeout,
 *     fallback, serial, terminal...); others are ignored silently;
 *   - after a title every known command is stored as is; one that is no
 *     command-line command (timeout) fails when the entry runs;
 *   - numbers are safe_parse_maxint's: decimal, hex after "0x", never
 *     octal, no sign, overflow is an error.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages/menu.h"

/* The builtins of Debian's stage2 (builtin_table in builtins.c, with
 * graphics, serial and MD5 passwords, without netboot), with what each
 * does to a boot nobody watches (inspect/menu.c models the ones marked
 * so; the others change the screen, the keyboard or nothing a boot needs):
 *   before the first title (BUILTIN_MENU):
 *     default, fallback, timeout   modelled: which entry boots, when
 *     serial, terminal             modelled: where the menu is shown
 *     hiddenmenu, color, background, foreground, border, shade, viewport,
 *     splashimage, pager, setkey, terminfo, print   the screen only
 *     password                     locks the menu and "lock"ed entries:
 *                                  modelled (an entry with "lock" stops)
 *     hide, unhide, parttype       write a partition's type into the
 *                                  table as the menu loads: modelled
 *                                  (GRUB's next mount of it sees it)
 *     partnew                      writes a new partition entry (not
 *                                  followed)
 *   in an entry (BUILTIN_CMDLINE), in the order it runs:
 *     root, rootnoverify, kernel, initrd, savedefault, chainloader, boot
 *                                  modelled
 *     configfile                   loads that menu and boots its default:
 *                                  modelled
 *     lock                         stops an entry under a global password
 *                                  (the prompt waits for it): modelled
 *     halt, reboot                 the machine stops or restarts there:
 *                                  modelled
 *     pause                        waits for a key: modelled
 *     password                     asks for the password and waits:
 *                                  modelled
 *     savedefault                  rewrites "default": modelled
 *     module, modulenounzip        load files for a Multiboot kernel
 *                                  (not followed)
 *     hide, unhide, parttype       as before the first title: modelled
 *     map, makeactive, partnew, setup, install,
 *     embed, uppermem, geometry, md5crypt, cat, find, cmp, read, blocklist,
 *     displaymem, displayapm, impsprobe, ioprobe, testload, testvbe,
 *     vbeprobe, fstest, debug, help, clear   no effect on which kernel
 *                                  boots (not followed)
 *     default, timeout, fallback, hiddenmenu (menu-only)   "Error 27"
 */
static const struct {
	const char *name;
	int flags;
} commands[] = {
	{ "background", CMD_MENU | CMD_CMDLINE }, { "blocklist", CMD_CMDLINE },
	{ "boot", CMD_CMDLINE }, { "border", CMD_MENU | CMD_CMDLINE },
	{ "cat", CMD_CMDLINE }, { "chainloader", CMD_CMDLINE },
	{ "clear", CMD_CMDLINE }, { "cmp", CMD_CMDLINE },
	{ "color", CMD_MENU | CMD_CMDLINE }, { "configfile", CMD_CMDLINE },
	{ "debug", CMD_CMDLINE }, { "default", CMD_MENU },
	{ "displayapm", CMD_CMDLINE }, { "displaymem", CMD_CMDLINE },
	{ "embed", CMD_CMDLINE }, { "fallback", CMD_MENU }, { "find", CMD_CMDLINE },
	{ "foreground", CMD_MENU | CMD_CMDLINE }, { "fstest", CMD_CMDLINE },
	{ "geometry", CMD_CMDLINE }, { "halt", CMD_CMDLINE }, { "help", CMD_CMDLINE },
	{ "hiddenmenu", CMD_MENU }, { "hide", CMD_MENU | CMD_CMDLINE },
	{ "impsprobe", CMD_CMDLINE }, { "initrd", CMD_CMDLINE },
	{ "install", CMD_CMDLINE }, { "ioprobe", CMD_CMDLINE },
	{ "kernel", CMD_CMDLINE }, { "lock", CMD_CMDLINE },
	{ "makeactive", CMD_CMDLINE }, { "map", CMD_CMDLINE },
	{ "md5crypt", CMD_CMDLINE }, { "module", CMD_CMDLINE },
	{ "modulenounzip", CMD_CMDLINE }, { "pager", CMD_MENU | CMD_CMDLINE },
	{ "partnew", CMD_MENU | CMD_CMDLINE }, { "parttype", CMD_MENU | CMD_CMDLINE },
	{ "password", CMD_MENU | CMD_CMDLINE }, { "pause", CMD_CMDLINE },
	{ "print", CMD_MENU | CMD_CMDLINE }, { "read", CMD_CMDLINE },
	{ "reboot", CMD_CMDLINE }, { "root", CMD_CMDLINE },
	{ "rootnoverify", CMD_CMDLINE }, { "savedefault", CMD_CMDLINE },
	{ "serial", CMD_MENU | CMD_CMDLINE }, { "setkey", CMD_MENU | CMD_CMDLINE },
	{ "setup", CMD_CMDLINE }, { "shade", CMD_MENU | CMD_CMDLINE },
	{ "splashimage", CMD_MENU | CMD_CMDLINE },
	{ "terminal", CMD_MENU | CMD_CMDLINE }, { "terminfo", CMD_MENU | CMD_CMDLINE },
	{ "testload", CMD_CMDLINE }, { "testvbe", CMD_CMDLINE },
	{ "timeout", CMD_MENU }, { "title", CMD_TITLE },
	{ "unhide", CMD_MENU | CMD_CMDLINE }, { "uppermem", CMD_CMDLINE },
	{ "vbeprobe", CMD_CMDLINE }, { "viewport", CMD_MENU | CMD_CMDLINE },
};

/* ---- numbers and devices ---- */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int grub_parse_maxint(const char **s, int *v)
{
	const char *p = *s;
	unsigned mult = 10;
	int n = 0;
	bool found = false;

	if (p[0] == '0' && lower(p[1]) == 'x') {
		p += 2;
		mult = 16;
	}
	for (;; p++) {
		unsigned digit = (unsigned)lower((unsigned char)*p) - '0';

		if (digit > 9) {
			digit -= 'a' - '0';
			if (mult == 10 || digit > 5)
				break;
			digit += 10;
		}
		found = true;
		if ((unsigned)n > (INT_MAX - digit) / mult)
			return GRUB_ERR_NUMBER_OVERFLOW;
		n = (int)(n * mult + digit);
	}
	if (!found)
		return GRUB_ERR_NUMBER_PARSING;
	*s = p;
	*v = n;
	return 0;
}

/* "hdN" or "fdN" after '(' (set_device): the drive number is
 * safe_parse_maxint's.  */
static int parse_drive(const char **s, int *drive)
{
	const char *p = *s;
	int n, err;

	if ((p[0] != 'h' && p[0] != 'f') || p[1] != 'd')
		return GRUB_ERR_DEV_FORMAT;
	p += 2;
	err = grub_parse_maxint(&p, &n);
	if (err)
		return err;
	*drive = (*s)[0] == 'h' ? n : -1;
	*s = p;
	return 0;
}

int grub_parse_device(const char *s, int *drive, int *part, const char **rest)
{
	int err, n;

	*drive = -2;
	*part = -1;
	if (*s++ != '(')
		return GRUB_ERR_DEV_FORMAT;
	if (*s != ',' && *s != ')' && (err = parse_drive(&s, drive)))
		return err;
	if (*s == ',') {
		s++;
		/* A partition number starts with a digit, on a hard disk
		 * only, and is at most 254.  */
		if (*s < '0' || *s > '9' || *drive == -1 ||
		    grub_parse_maxint(&s, &n) || n > 254)
			return GRUB_ERR_DEV_FORMAT;
		*part = n;
		if (*s == ',' && s[1] >= 'a' && s[1] <= 'h')
			s += 2;	/* a BSD slice: GRUB Legacy's own business */
	}
	if (*s != ')')
		return GRUB_ERR_DEV_FORMAT;
	*rest = s + 1;
	return 0;
}

/* ---- commands ---- */

int grub_command_of(const char *line, char *name, size_t size)
{
	size_t n = strcspn(line, " \t=");

	snprintf(name, size, "%.*s", (int)n, line);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strlen(commands[i].name) == n &&
		    strncmp(commands[i].name, line, n) == 0)
			return commands[i].flags;
	return 0;
}

const char *grub_args_of(const char *line)
{
	while (*line && *line != ' ' && *line != '\t' && *line != '=')
		line++;
	while (*line == ' ' || *line == '\t' || *line == '=')
		line++;
	return line;
}

/* skip_to(0, ...) stops at a blank only, so "--type=netbsd" is one word. */
const char *grub_next_word(const char *s)
{
	s += strcspn(s, " \t");
	return s + strspn(s, " \t");
}

int grub_default_arg(const char *args, bool *saved, int *entry)
{
	/* grub_strcmp: "saved" and nothing after it, not even a blank. */
	if (strcmp(args, "saved") == 0) {
		*saved = true;
		return 0;
	}
	if (grub_parse_maxint(&args, entry))
		return GRUB_ERR_NUMBER_PARSING;
	*saved = false;
	return 0;
}

int grub_fallback_args(const char *args, int *fallback)
{
	int n = 0;

	while (*args && n < MAX_FALLBACK_ENTRIES) {
		int v, j = 0;

		if (grub_parse_maxint(&args, &v))
			break;
		while (j < n && fallback[j] != v)
			j++;
		if (j == n)
			fallback[n++] = v;
		args = grub_next_word(args);
	}
	return n;
}

/* ---- reading lines as get_line_from_config does ---- */

struct lexer {
	const uint8_t *data;
	size_t len, pos;
	int line;		/* number of the line the next one starts on */
};

static bool next_line(struct lexer *r, char *out, size_t size, int *lineno,
		      bool *cut)
{
	size_t pos = 0;
	bool literal = false, comment = false, any = false;

	*cut = false;
	*lineno = r->line;
	while (r->pos < r->len) {
		char c = (char)r->data[r->pos++];

		any = true;
		if (c == '\n')
			r->line++;
		if (c == '\r')
			continue;
		if (c == '\t')
			c = ' ';
		if (literal) {
			if (c == '\n') {
				c = ' ';
				if (pos > 0)
					pos--;
			}
			literal = false;
		}
		if (c == '\\' && !literal)
			literal = true;
		if (comment) {
			if (c == '\n')
				comment = false;
		} else if (pos == 0) {
			if (c == '#')
				comment = true;
			else if (c != ' ' && c != '\n') {
				*lineno = r->line;
				out[pos++] = c;
			}
		} else {
			if (c == '\n')
				break;
			if (pos < size - 1 && pos < GRUB_LINE_MAX)
				out[pos++] = c;
			else
				*cut = true;
		}
	}
	out[pos] = '\0';
	return pos > 0 || (any && r->pos < r->len);
}

/* cmain's states: before the first title, or in an entry. */
static enum menu_line_kind kind_of(int flags, bool in_entry)
{
	if (flags & CMD_TITLE)
		return LINE_TITLE;
	if (!flags)
		return LINE_UNKNOWN;
	if (in_entry)
		return LINE_ENTRY;
	return flags & CMD_MENU ? LINE_GLOBAL : LINE_IGNORED;
}

int menu_read(const uint8_t *data, size_t len, menu_line_fn fn, void *ctx)
{
	struct lexer r = { data, len, 0, 1 };
	char *text = malloc(GRUB_LINE_MAX + 2), name[64];
	struct menu_line l;
	bool in_entry = false;

	if (!text)
		return -1;
	while (next_line(&r, text, GRUB_LINE_MAX + 2, &l.line, &l.cut)) {
		if (!text[0])
			continue;
		l.flags = grub_command_of(text, name, sizeof(name));
		l.kind = kind_of(l.flags, in_entry);
		l.text = text;
		l.name = name;
		l.args = grub_args_of(text);
		if (l.kind == LINE_TITLE)
			in_entry = true;
		fn(ctx, &l);
	}
	free(text);
	return 0;
}

/* ---- the files a menu's entries load ---- */

struct files {
	menu_file_fn fn;
	void *ctx;
	int root;		/* the entry's root partition, -1, or -2 */
};

static void file_of_line(void *ctx, const struct menu_line *l)
{
	struct files *f = ctx;
	const char *args = l->args, *rest;
	char path[GRUB_LINE_MAX + 1];
	int drive, part;

	if (l->kind == LINE_TITLE)
		f->root = -1;
	if (l->kind != LINE_ENTRY)
		return;
	if (strcmp(l->name, "root") == 0 || strcmp(l->name, "rootnoverify") == 0) {
		f->root = grub_parse_device(args, &drive, &part, &rest) == 0 &&
			  drive == 0 ? part : -2;
		return;
	}
	if (strcmp(l->name, "kernel") && strcmp(l->name, "initrd"))
		return;
	while (strncmp(args, "--", 2) == 0)
		args = grub_next_word(args);	/* kernel --type=... */
	part = f->root;
	if (args[0] == '(' &&
	    (grub_parse_device(args, &drive, &part, &rest) || drive != 0))
		return;
	if (args[0] == '(')
		args = rest;
	if (args[0] != '/')
		return;
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(args, " \t"), args);
	f->fn(f->ctx, part, path);
}

void menu_list_files(const uint8_t *data, size_t len, menu_file_fn fn,
		     void *ctx)
{
	struct files f = { fn, ctx, -1 };

	menu_read(data, len, file_of_line, &f);
}

/* ---- where things are, by line ---- */

struct layout {
	struct menu_layout *l;
	int cur;		/* the entry, -1 before the first, -2 too many */
};

/* A title: stage2 drops a title without commands, the next reuses it. */
static void layout_title(struct layout *s, int line)
{
	struct menu_layout *l = s->l;

	if (!l->first_title)
		l->first_title = line;
	if (s->cur >= 0 && l->last_line[s->cur] == 0)
		l->nentries--;
	if (l->nentries == MENU_MAX_ENTRIES) {
		l->many = true;
		s->cur = -2;
		return;
	}
	s->cur = l->nentries++;
	l->title_line[s->cur] = line;
	l->last_line[s->cur] = 0;
	l->savedefault_line[s->cur] = 0;
}

static void layout_line(void *ctx, const struct menu_line *ml)
{
	struct layout *s = ctx;
	struct menu_layout *l = s->l;

	if (ml->kind == LINE_TITLE) {
		layout_title(s, ml->line);
	} else if (ml->kind == LINE_GLOBAL && strcmp(ml->name, "default") == 0 &&
		   l->ndefault < 8) {
		l->default_line[l->ndefault++] = ml->line;
		grub_default_arg(ml->args, &l->default_saved, &l->default_entry);
	} else if (ml->kind == LINE_ENTRY && s->cur >= 0) {
		l->last_line[s->cur] = ml->line;
		if (strcmp(ml->name, "savedefault") == 0)
			l->savedefault_line[s->cur] = ml->line;
	}
}

void menu_layout_read(const uint8_t *data, size_t len, struct menu_layout *l)
{
	struct layout s = { l, -1 };

	memset(l, 0, sizeof(*l));
	menu_read(data, len, layout_line, &s);
	if (s.cur >= 0 && l->last_line[s.cur] == 0)
		l->nentries--;
}

/* ---- the file "default" ---- */

int default_file_entry(const uint8_t *data, size_t len)
{
	char buf[DEFAULT_FILE_MIN];
	const char *p = buf;
	int v = 0;

	/* cmain reads 10 bytes and ends the string at the 10th. */
	len = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;
	memcpy(buf, data, len);
	buf[len] = '\0';
	return grub_parse_maxint(&p, &v) ? 0 : v;
}

char *default_file_text(int entry, size_t *len)
{
	static const char tail[] =
		"#\n#\n#\n#\n#\n#\n#\n#\n#\n#\n"
		"# The entry GRUB boots with \"default saved\" in its menu.\n"
		"# GRUB's savedefault rewrites the first 10 bytes in place:\n"
		"# keep the lines above (grubinst --set-default N rewrites it).\n";
	size_t size = 16 + sizeof(tail);
	char *s = malloc(size);
	int n;

	if (!s)
		return NULL;
	n = snprintf(s, size, "%d\n%s", entry, tail);
	*len = (size_t)n;
	return s;
}

bool grub_menu_line_fits(const char *s, bool blanks)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f || (!blanks && *s == ' '))
			return false;
	return true;
}
