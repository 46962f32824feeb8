/*
 * The options of struct grubinst_options by name: one row each, with its
 * argument, the field it sets and its help.  The command line's parser
 * and --help are made from these rows (cli/grubinst.c), and programs in
 * other languages set options by name and value (grubinst_options_set)
 * instead of mirroring the struct.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/internal.h"

enum kind {
	KIND_FLAG,		/* bool, set by the name alone */
	KIND_COUNT,		/* int, 0..OPTION_INT_MAX */
	KIND_NUMBER,		/* int, 1..OPTION_INT_MAX: counts from 1 */
	KIND_STRING,		/* const char *, the caller's */
	KIND_OPTIONAL,		/* const char *: "" without a value */
	KIND_CHOICE,		/* int (an enum), one of the row's words */
	KIND_DISK,		/* disks[N] from "hdN=FILE" */
};

#define OPTION_INT_MAX 100000

struct row {
	struct grubinst_option_info info;
	enum kind kind;
	size_t field;
	const char *const *words;	/* KIND_CHOICE: the values 0, 1... */
};

static const char *const targets[] = { "mbr", "partition", NULL };
static const char *const loaders[] = { "grub-legacy", "grub2", NULL };
static const char *const root_bys[] = { "device", "uuid", "label", "partuuid",
					NULL };

#define ARG GRUBINST_ARG_REQUIRED
#define FIELD(f) offsetof(struct grubinst_options, f)

static const struct row rows[] = {
	{ { "partition", 'p', ARG, "N", "boot partition, 1-based (5 = first logical);\n"
	    "default: the active one, else the first Linux one" },
	  KIND_NUMBER, FIELD(partition), NULL },
	{ { "target", 0, ARG, "WHERE", "mbr (default) or partition: where stage1 goes" },
	  KIND_CHOICE, FIELD(target), targets },
	{ { "loader", 0, ARG, "NAME", "grub-legacy (default: GRUB 0.97) or grub2 (GRUB 2,\n"
	    "i386-pc)" },
	  KIND_CHOICE, FIELD(loader), loaders },
	{ { "grub2-dir", 0, ARG, "DIR", "with --loader grub2: GRUB 2's i386-pc files from DIR\n"
	    "(default /usr/lib/grub/i386-pc)" },
	  KIND_STRING, FIELD(grub2_dir), NULL },
	{ { "stage-dir", 0, ARG, "DIR", "take stage1, e2fs_stage1_5, stage2 (or .gz) from DIR" },
	  KIND_STRING, FIELD(stage_dir), NULL },
	{ { "no-stage1_5", 0, GRUBINST_ARG_NONE, NULL, "stage1 loads stage2 directly" },
	  KIND_FLAG, FIELD(no_stage1_5), NULL },
	{ { "force-lba", 0, GRUBINST_ARG_NONE, NULL, "make stage1 and stage2 use LBA only" },
	  KIND_FLAG, FIELD(force_lba), NULL },
	{ { "config", 0, ARG, "FILE", "install FILE as /boot/grub/grub.conf" },
	  KIND_STRING, FIELD(config), NULL },
	{ { "kernel", 0, ARG, "PATH", "kernel inside the image, for a generated grub.conf" },
	  KIND_STRING, FIELD(kernel), NULL },
	{ { "initrd", 0, ARG, "PATH", "initrd inside the image" },
	  KIND_STRING, FIELD(initrd), NULL },
	{ { "append", 0, ARG, "ARGS", "added to the kernel line (root=/dev/sdaN ro); one with\n"
	    "its own root= is the whole command line" },
	  KIND_STRING, FIELD(append), NULL },
	{ { "root-partition", 0, ARG, "N", "the root filesystem's partition (default: the boot one)" },
	  KIND_NUMBER, FIELD(root_partition), NULL },
	{ { "root-by", 0, ARG, "HOW", "root= names it by device (default), uuid, label or partuuid" },
	  KIND_CHOICE, FIELD(root_by), root_bys },
	{ { "title", 0, ARG, "TEXT", "menu entry title" },
	  KIND_STRING, FIELD(title), NULL },
	{ { "timeout", 0, ARG, "SECS", "menu timeout (default 5)" },
	  KIND_COUNT, FIELD(timeout), NULL },
	{ { "serial", 0, GRUBINST_ARG_OPTIONAL, "ARGS", "GRUB on the serial line and the screen, whichever gets a\n"
	    "key (default --unit=0 --speed=115200)" },
	  KIND_OPTIONAL, FIELD(serial), NULL },
	{ { "replace-menu", 0, GRUBINST_ARG_NONE, NULL, "write a new menu from the options above even when the\n"
	    "image has one (without it they are refused there)" },
	  KIND_FLAG, FIELD(replace_menu), NULL },
	{ { "boot-dir", 0, ARG, "DIR", "GRUB's files in DIR of the boot partition (default\n"
	    "/boot/grub; /grub when /boot is a partition of its own)" },
	  KIND_STRING, FIELD(boot_dir), NULL },
	{ { "set-default", 0, ARG, "N", "boot menu entry N (0 the first) from now on" },
	  KIND_COUNT, FIELD(set_default), NULL },
	{ { "once", 0, ARG, "N", "boot entry N once, then the default again" },
	  KIND_COUNT, FIELD(once), NULL },
	{ { "dry-run", 'n', GRUBINST_ARG_NONE, NULL, "print the plan, write nothing" },
	  KIND_FLAG, FIELD(dry_run), NULL },
	{ { "disk", 0, ARG, "hdN=FILE", "with --verify: the machine's disk N (1-3) besides IMAGE\n"
	    "(hd0), as the BIOS numbers them; Linux calls it sdX" },
	  KIND_DISK, FIELD(disks), NULL },
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

/* KIND_CHOICE writes the enum fields as an int. */
_Static_assert(sizeof(enum grubinst_target) == sizeof(int), "target");
_Static_assert(sizeof(enum grubinst_root_by) == sizeof(int), "root_by");
_Static_assert(sizeof(enum grubinst_loader) == sizeof(int), "loader");

GI_API const struct grubinst_option_info *grubinst_option_info(size_t i)
{
	return i < NROWS ? &rows[i].info : NULL;
}

static const struct row *find_row(const char *name)
{
	for (size_t i = 0; i < NROWS; i++)
		if (strcmp(rows[i].info.name, name) == 0)
			return &rows[i];
	return NULL;
}

static int why_not(char *why, size_t size, const char *fmt, ...)
	GI_PRINTF(3, 4);

static int why_not(char *why, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (why && size) {
		va_start(ap, fmt);
		vsnprintf(why, size, fmt, ap);
		va_end(ap);
		gi_printable(why);
	}
	return GRUBINST_EUSAGE;
}

/* A decimal number from LOW to OPTION_INT_MAX, nothing else. */
static int set_int(const struct row *r, int *field, const char *value, int low,
		   char *why, size_t size)
{
	char *end;
	long v;

	if (!*value || *value < '0' || *value > '9')
		return why_not(why, size, "bad --%s: %s", r->info.name, value);
	v = strtol(value, &end, 10);
	if (*end || v < low || v > OPTION_INT_MAX)
		return why_not(why, size, "bad --%s: %s%s", r->info.name, value,
			       low ? " (it counts from 1, as the kernel does)" : "");
	*field = (int)v;
	return GRUBINST_OK;
}

static int set_choice(const struct row *r, int *field, const char *value,
		      char *why, size_t size)
{
	char list[128] = "";

	for (int i = 0; r->words[i]; i++) {
		if (strcmp(value, r->words[i]) == 0) {
			*field = i;
			return GRUBINST_OK;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 i == 0 ? "" : r->words[i + 1] ? ", " : " or ", r->words[i]);
	}
	return why_not(why, size, "--%s is %s, not %s", r->info.name, list, value);
}

/* "hdN=FILE", N from 1 to GRUBINST_MAX_DISKS - 1, each N once. */
static int set_disk(struct grubinst_options *o, const char *value, char *why,
		    size_t size)
{
	char *end = NULL;
	long n = -1;

	if (strncmp(value, "hd", 2) == 0 && value[2] >= '0' && value[2] <= '9')
		n = strtol(value + 2, &end, 10);
	if (n < 1 || n >= GRUBINST_MAX_DISKS || *end != '=' || !end[1])
		return why_not(why, size, "--disk %s: give hdN=FILE, N from 1 to "
			       "%d (hd0 is IMAGE)", value, GRUBINST_MAX_DISKS - 1);
	if (o->disks[n])
		return why_not(why, size, "--disk hd%ld given twice", n);
	o->disks[n] = end + 1;
	return GRUBINST_OK;
}

GI_API int grubinst_options_set(struct grubinst_options *o, const char *name,
				const char *value, char *why, size_t size)
{
	const struct row *r = name ? find_row(name) : NULL;
	char *field = (char *)o + (r ? r->field : 0);

	if (why && size)
		why[0] = '\0';
	if (!o || !r)
		return why_not(why, size, "no option --%s", name ? name : "(null)");
	if (r->field >= o->size)
		return why_not(why, size, "--%s is newer than the options the "
			       "program was built with", name);
	if (r->info.argument == GRUBINST_ARG_NONE && value)
		return why_not(why, size, "--%s takes no value", name);
	if (r->info.argument == GRUBINST_ARG_REQUIRED && !value)
		return why_not(why, size, "--%s needs a value", name);
	switch (r->kind) {
	case KIND_FLAG:
		*(bool *)field = true;
		return GRUBINST_OK;
	case KIND_COUNT:
		return set_int(r, (int *)field, value, 0, why, size);
	case KIND_NUMBER:
		return set_int(r, (int *)field, value, 1, why, size);
	case KIND_STRING:
		*(const char **)field = value;
		return GRUBINST_OK;
	case KIND_OPTIONAL:
		*(const char **)field = value ? value : "";
		return GRUBINST_OK;
	case KIND_CHOICE:
		return set_choice(r, (int *)field, value, why, size);
	case KIND_DISK:
		return set_disk(o, value, why, size);
	}
	return why_not(why, size, "no option --%s", name);
}
