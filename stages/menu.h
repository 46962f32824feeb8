/*
 * GRUB Legacy 0.97's menu language and its "default" file, as stage2
 * reads them (stage2/stage2.c cmain and get_line_from_config,
 * stage2/cmdline.c find_command and skip_to, stage2/char_io.c
 * safe_parse_maxint, stage2/disk_io.c set_device, stage2/builtins.c).
 * The one reader of menu.lst for --verify and for the installer, and the
 * writer of "default".
 */
#ifndef GRUBINST_STAGES_MENU_H
#define GRUBINST_STAGES_MENU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GRUB_LINE_MAX 1500	/* NEW_HEAPSIZE: longer lines are cut */
#define MENU_MAX_ENTRIES 64	/* entries grubinst counts */
#define MAX_FALLBACK_ENTRIES 8	/* stage2/shared.h */
/* savedefault_func reads and rewrites this many bytes of "default". */
#define DEFAULT_FILE_MIN 10

/* GRUB 0.97's error numbers the parsers here give (stage2/shared.h). */
enum {
	GRUB_ERR_DEV_FORMAT = 11,
	GRUB_ERR_NUMBER_PARSING = 23,
	GRUB_ERR_NUMBER_OVERFLOW = 35,
};

/* ---- numbers and devices ---- */

/* Can S go on a menu line: no control character (a newline would start
 * another line) and, with BLANKS false, no blank, where GRUB ends a file
 * name?  */
bool grub_menu_line_fits(const char *s, bool blanks);

/* safe_parse_maxint: decimal, or hexadecimal after "0x"/"0X"; no sign,
 * no octal ("08" is 8).  Moves *S past the digits and returns 0, or
 * returns GRUB_ERR_NUMBER_PARSING (no digit) or GRUB_ERR_NUMBER_OVERFLOW
 * (above INT_MAX) and leaves *S and *V alone.  */
int grub_parse_maxint(const char **s, int *v);

/* set_device on "(hdN)", "(hdN,M)", "(hdN,M,a)", "(,M)": DRIVE is N (-2
 * when left out, -1 for a floppy), PART M or -1 for the whole disk; REST
 * what follows ')'.  Returns 0 or GRUB's error for the name.  */
int grub_parse_device(const char *s, int *drive, int *part, const char **rest);

/* ---- commands ---- */

/* builtin_table's flags (stage2/shared.h BUILTIN_*). */
enum {
	CMD_MENU = 1,		/* runs before the first title (BUILTIN_MENU) */
	CMD_CMDLINE = 2,	/* runs in an entry (BUILTIN_CMDLINE) */
	CMD_TITLE = 4,
};

/* Flags of the command LINE starts with (find_command: the name ends at
 * a blank or '='); 0 if GRUB 0.97 does not know it.  NAME receives the
 * name.  */
int grub_command_of(const char *line, char *name, size_t size);
/* skip_to(1, LINE): the arguments after the command name. */
const char *grub_args_of(const char *line);
/* skip_to(0, S): past one blank-separated word. */
const char *grub_next_word(const char *s);

/* default_func on ARGS: "saved" exactly, or a number.  Returns 0 and sets
 * *SAVED or *ENTRY, or GRUB's error (nothing changes then).  */
int grub_default_arg(const char *args, bool *saved, int *entry);
/* fallback_func: up to 8 numbers, duplicates dropped; returns how many
 * it keeps.  */
int grub_fallback_args(const char *args, int *fallback);

/* ---- reading a menu line by line, as cmain does ---- */

enum menu_line_kind {
	LINE_GLOBAL,		/* a menu command before the first title: runs */
	LINE_IGNORED,		/* another known command there: ignored */
	LINE_UNKNOWN,		/* a command GRUB does not know: skipped */
	LINE_TITLE,
	LINE_ENTRY,		/* a known command of an entry: stored as is */
};

struct menu_line {
	enum menu_line_kind kind;
	int line;		/* 1-based, the line the command starts on */
	bool cut;		/* longer than GRUB_LINE_MAX: GRUB cut it */
	int flags;		/* CMD_* */
	const char *text;	/* the command line as GRUB keeps it */
	const char *name;	/* the command */
	const char *args;	/* skip_to(1, text) */
};

typedef void (*menu_line_fn)(void *ctx, const struct menu_line *l);
/* Calls FN for each non-empty line of the menu text.  Returns -1 when out
 * of memory, else 0.  */
int menu_read(const uint8_t *data, size_t len, menu_line_fn fn, void *ctx);

/* The kernel and initrd files of every entry of a menu's text, each with
 * the GRUB partition index it is read from (-1: the entry has no root
 * line, so the install partition).  PATH lives during the call.  */
typedef void (*menu_file_fn)(void *ctx, int grub_part, const char *path);
void menu_list_files(const uint8_t *data, size_t len, menu_file_fn fn,
		     void *ctx);

/* Where things are in a menu's text, by line (1-based, the line a
 * command starts on), as stage2 reads it: the entries GRUB numbers
 * (titles with at least one command), and the "default" commands before
 * the first title.  */
struct menu_layout {
	int nentries;
	bool many;			/* more than MENU_MAX_ENTRIES */
	int first_title;		/* the first title line, even one dropped */
	int title_line[MENU_MAX_ENTRIES];
	int last_line[MENU_MAX_ENTRIES];	/* its last command */
	int savedefault_line[MENU_MAX_ENTRIES];	/* its last savedefault, or 0 */
	int default_line[8];
	int ndefault;
	bool default_saved;		/* the last one says "saved" */
	int default_entry;		/* ...or this number */
};
void menu_layout_read(const uint8_t *data, size_t len, struct menu_layout *l);

/* ---- the file "default" beside the menu ---- */

/* The entry cmain reads from the file's first bytes (safe_parse_maxint
 * on at most 9 of them): 0 when they hold no number.  */
int default_file_entry(const uint8_t *data, size_t len);
/* The file as grub-set-default writes it: ENTRY, then lines that keep it
 * longer than what savedefault rewrites.  A malloc'ed text, NULL when out
 * of memory.  */
char *default_file_text(int entry, size_t *len);

#endif
