/* The grubinst command: options in, report lines out.  All the work is
 * done by the library.  One action per run (as sfdisk does): install,
 * verify, map or explain; an option that the action does not use is a
 * usage error, never ignored.  */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubinst.h"
#include "cli/findings.h"

enum exit_code {
	EXIT_INSTALLED = 0,
	EXIT_REFUSED = 1,
	EXIT_ERROR = 2,
	EXIT_WONT_BOOT = 3,	/* installed, but the image will not boot yet */
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: grubinst [OPTION]... IMAGE\n"
"Install GRUB Legacy 0.97 into the MBR disk image (or block device) IMAGE.\n"
"\n"
"  -p, --partition N     boot partition, 1-based (5 = first logical);\n"
"                        default: the active one, else the first Linux one\n"
"      --target WHERE    mbr (default) or partition: where stage1 goes\n"
"      --stage-dir DIR   take stage1, e2fs_stage1_5, stage2 (or .gz) from DIR\n"
"      --no-stage1_5     stage1 loads stage2 directly\n"
"      --force-lba       make stage1 and stage2 use LBA only\n"
"      --config FILE     install FILE as /boot/grub/grub.conf\n"
"      --kernel PATH     kernel inside the image, for a generated grub.conf\n"
"      --initrd PATH     initrd inside the image\n"
"      --append ARGS     added to the kernel line (root=/dev/sdaN ro); one with\n"
"                        its own root= is the whole command line\n"
"      --root-partition N  the root filesystem's partition (default: the boot one)\n"
"      --root-by HOW     root= names it by device (default), uuid, label or partuuid\n"
"      --title TEXT      menu entry title\n"
"      --timeout SECS    menu timeout (default 5)\n"
"      --serial[=ARGS]   GRUB on the serial line and the screen, whichever gets a\n"
"                        key (default --unit=0 --speed=115200)\n"
"      --replace-menu    write a new menu from the options above even when the\n"
"                        image has one (without it they are refused there)\n"
"      --boot-dir DIR    GRUB's files in DIR of the boot partition (default\n"
"                        /boot/grub; /grub when /boot is a partition of its own)\n"
"      --set-default N   boot menu entry N (0 the first) from now on\n"
"      --once N          boot entry N once, then the default again\n"
"  -n, --dry-run         print the plan, write nothing\n"
"      --verify          write nothing: predict how IMAGE boots (exit 0 it\n"
"                        boots, 1 it will not, 2 it cannot be read)\n"
"      --json            with --verify (or --map): the report as JSON\n"
"                        (docs/verify.md); alone, a usage error\n"
"      --map             draw the disk layout with sector numbers\n"
"      --disk hdN=FILE   with --verify: the machine's disk N (1-3) besides IMAGE\n"
"                        (hd0), as the BIOS numbers them; Linux calls it sdX\n"
"      --explain N       what GRUB's \"Error N\" means (no IMAGE needed)\n"
"  -q, --quiet           print nothing but errors\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"With SOURCE_DATE_EPOCH set, every time written into the filesystem is clamped\n"
"to it: two installs on the same image give the same bytes.\n"
"\n"
"Exit status: 0 installed (the image boots as far as grubinst can tell), 1 refused\n"
"(the message says why; nothing was written), 2 usage or I/O error, 3 installed\n"
"but the image will not boot yet (no init, say: the lines before say what).\n");
}

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("%s\n", line);
}

static int parse_int(const char *s, const char *what, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 100000) {
		fprintf(stderr, "grubinst: bad %s: %s\n", what, s);
		return -1;
	}
	*out = (int)v;
	return 0;
}

enum action { ACT_INSTALL, ACT_VERIFY, ACT_MAP, ACT_EXPLAIN };

static const char *const action_option[] = {
	[ACT_INSTALL] = "an install", [ACT_VERIFY] = "--verify",
	[ACT_MAP] = "--map", [ACT_EXPLAIN] = "--explain",
};

enum {
	OPT_TARGET = 256, OPT_STAGE_DIR, OPT_NO_STAGE1_5, OPT_FORCE_LBA,
	OPT_CONFIG, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_TITLE,
	OPT_TIMEOUT, OPT_SERIAL, OPT_REPLACE_MENU, OPT_ROOT_PARTITION, OPT_ROOT_BY,
	OPT_BOOT_DIR, OPT_SET_DEFAULT, OPT_ONCE,
	OPT_VERIFY, OPT_JSON, OPT_MAP, OPT_EXPLAIN, OPT_DISK,
};

static const struct option long_options[] = {
	{ "partition", required_argument, NULL, 'p' },
	{ "target", required_argument, NULL, OPT_TARGET },
	{ "stage-dir", required_argument, NULL, OPT_STAGE_DIR },
	{ "no-stage1_5", no_argument, NULL, OPT_NO_STAGE1_5 },
	{ "force-lba", no_argument, NULL, OPT_FORCE_LBA },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "title", required_argument, NULL, OPT_TITLE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "serial", optional_argument, NULL, OPT_SERIAL },
	{ "replace-menu", no_argument, NULL, OPT_REPLACE_MENU },
	{ "root-partition", required_argument, NULL, OPT_ROOT_PARTITION },
	{ "root-by", required_argument, NULL, OPT_ROOT_BY },
	{ "boot-dir", required_argument, NULL, OPT_BOOT_DIR },
	{ "set-default", required_argument, NULL, OPT_SET_DEFAULT },
	{ "once", required_argument, NULL, OPT_ONCE },
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "map", no_argument, NULL, OPT_MAP },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "disk", required_argument, NULL, OPT_DISK },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Which actions an option belongs to. */
#define FOR_INSTALL (1u << ACT_INSTALL)
#define FOR_VERIFY (1u << ACT_VERIFY)
#define FOR_MAP (1u << ACT_MAP)
#define FOR_EXPLAIN (1u << ACT_EXPLAIN)

static unsigned option_actions(int c)
{
	switch (c) {
	case 'p':
		return FOR_INSTALL | FOR_VERIFY | FOR_MAP;
	case 'q':
		return FOR_INSTALL | FOR_VERIFY | FOR_MAP;
	case OPT_JSON:
	case OPT_DISK:
		return FOR_VERIFY | FOR_MAP;
	case OPT_VERIFY:
	case OPT_MAP:
		return FOR_VERIFY | FOR_MAP;	/* --verify --map: both */
	case OPT_EXPLAIN:
		return FOR_EXPLAIN;
	}
	return FOR_INSTALL;
}

struct cli {
	enum action action;
	struct grubinst_options o;
	struct show show;
	const char *explain;
	int seen[64];		/* options given, in order */
	const char *seen_name[64];
	int nseen;
};

static const char *option_name(int c)
{
	for (const struct option *o = long_options; o->name; o++)
		if (o->val == c)
			return o->name;
	return "?";
}

/* The action the options ask for; two that exclude each other are a
 * usage error.  */
static int choose_action(struct cli *c)
{
	bool verify = c->show.report, map = c->show.map, json = c->show.json;

	if (c->explain && (verify || map || json)) {
		fprintf(stderr, "grubinst: --explain takes no other action "
				"(it was given with --%s)\n",
			verify ? "verify" : map ? "map" : "json");
		return -1;
	}
	/* --json is the format of --verify's report: alone it would turn
	 * "grubinst IMAGE", an install, into a verify that writes nothing.  */
	if (json && !verify && !map) {
		fprintf(stderr, "grubinst: --json is the format of the --verify "
				"report: give --verify --json to check the image, "
				"or leave --json out to install\n");
		return -1;
	}
	c->action = c->explain ? ACT_EXPLAIN
		    : verify || json ? ACT_VERIFY
		    : map ? ACT_MAP : ACT_INSTALL;
	if (json && !map)
		c->show.report = true;
	for (int i = 0; i < c->nseen; i++) {
		if (option_actions(c->seen[i]) & (1u << c->action))
			continue;
		fprintf(stderr, "grubinst: --%s does nothing with %s: leave it "
				"out\n", c->seen_name[i], action_option[c->action]);
		return -1;
	}
	return 0;
}

/* --disk hdN=FILE, N from 1 to GRUBINST_MAX_DISKS - 1. */
static int parse_disk(const char *arg, struct grubinst_options *o)
{
	char *end;
	long n = -1;

	if (strncmp(arg, "hd", 2) == 0)
		n = strtol(arg + 2, &end, 10);
	if (n < 1 || n >= GRUBINST_MAX_DISKS || end == arg + 2 || *end != '=' ||
	    !end[1]) {
		fprintf(stderr, "grubinst: --disk %s: give hdN=FILE, N from 1 to "
				"%d (hd0 is IMAGE)\n", arg, GRUBINST_MAX_DISKS - 1);
		return -1;
	}
	if (o->disks[n]) {
		fprintf(stderr, "grubinst: --disk hd%ld given twice\n", n);
		return -1;
	}
	o->disks[n] = end + 1;
	return 0;
}

static int parse_root_by(const char *s, enum grubinst_root_by *out)
{
	static const struct { const char *name; enum grubinst_root_by by; } v[] = {
		{ "device", GRUBINST_ROOT_DEVICE }, { "uuid", GRUBINST_ROOT_UUID },
		{ "label", GRUBINST_ROOT_LABEL }, { "partuuid", GRUBINST_ROOT_PARTUUID },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcmp(s, v[i].name) == 0) {
			*out = v[i].by;
			return 0;
		}
	fprintf(stderr, "grubinst: --root-by is device, uuid, label or partuuid, "
			"not %s\n", s);
	return -1;
}

static int parse_options(int argc, char **argv, struct cli *c)
{
	struct grubinst_options *o = &c->o;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:nqhV", long_options, NULL)) != -1) {
		if (opt != '?' && opt != 'h' && opt != 'V' &&
		    c->nseen < (int)(sizeof(c->seen) / sizeof(c->seen[0]))) {
			c->seen[c->nseen] = opt;
			c->seen_name[c->nseen++] = opt == 'n' ? "dry-run"
						   : opt == 'q' ? "quiet"
						   : option_name(opt);
		}
		switch (opt) {
		case 'p':
			if (parse_int(optarg, "partition", &o->partition) ||
			    o->partition == 0)
				return -1;
			break;
		case OPT_TARGET:
			if (strcmp(optarg, "mbr") == 0)
				o->target = GRUBINST_TARGET_MBR;
			else if (strcmp(optarg, "partition") == 0)
				o->target = GRUBINST_TARGET_PARTITION;
			else {
				fprintf(stderr, "grubinst: --target is mbr or "
						"partition, not %s\n", optarg);
				return -1;
			}
			break;
		case OPT_STAGE_DIR: o->stage_dir = optarg; break;
		case OPT_NO_STAGE1_5: o->no_stage1_5 = true; break;
		case OPT_FORCE_LBA: o->force_lba = true; break;
		case OPT_CONFIG: o->config = optarg; break;
		case OPT_KERNEL: o->kernel = optarg; break;
		case OPT_INITRD: o->initrd = optarg; break;
		case OPT_APPEND: o->append = optarg; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_TIMEOUT:
			if (parse_int(optarg, "timeout", &o->timeout))
				return -1;
			break;
		case OPT_SERIAL: o->serial = optarg ? optarg : ""; break;
		case OPT_REPLACE_MENU: o->replace_menu = true; break;
		case OPT_ROOT_PARTITION:
			if (parse_int(optarg, "root partition", &o->root_partition))
				return -1;
			if (o->root_partition == 0) {
				fprintf(stderr, "grubinst: --root-partition counts "
						"from 1, as the kernel does\n");
				return -1;
			}
			break;
		case OPT_ROOT_BY:
			if (parse_root_by(optarg, &o->root_by))
				return -1;
			break;
		case OPT_BOOT_DIR: o->boot_dir = optarg; break;
		case OPT_SET_DEFAULT:
			if (parse_int(optarg, "entry", &o->set_default))
				return -1;
			break;
		case OPT_ONCE:
			if (parse_int(optarg, "entry", &o->once))
				return -1;
			break;
		case 'n': o->dry_run = true; break;
		case OPT_VERIFY: c->show.report = true; break;
		case OPT_JSON: c->show.json = true; break;
		case OPT_MAP: c->show.map = true; break;
		case OPT_EXPLAIN: c->explain = optarg; break;
		case OPT_DISK:
			if (parse_disk(optarg, o) < 0)
				return -1;
			break;
		case 'q': c->show.quiet = true; break;
		case 'h': usage(stdout); exit(EXIT_INSTALLED);
		case 'V': printf("grubinst %s\n", grubinst_version()); exit(0);
		default: return -1;
		}
	}
	return choose_action(c);
}

static int install_main(grubinst *g)
{
	int rc = grubinst_install(g);

	if (rc == GRUBINST_OK)
		return EXIT_INSTALLED;
	fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
	if (rc == GRUBINST_WONT_BOOT)
		return EXIT_WONT_BOOT;
	return rc == GRUBINST_REFUSED ? EXIT_REFUSED : EXIT_ERROR;
}

int main(int argc, char **argv)
{
	struct cli c = { 0 };
	grubinst *g;
	int rc;

	grubinst_options_init(&c.o);
	rc = parse_options(argc, argv, &c);
	if (rc == 0 && c.action == ACT_EXPLAIN) {
		if (optind == argc)
			return explain_main(c.explain);
		fprintf(stderr, "grubinst: --explain takes no image\n");
		rc = -1;
	}
	if (rc < 0 || optind != argc - 1) {
		if (rc == 0 && optind >= argc)
			fprintf(stderr, "grubinst: no image given\n");
		else if (rc == 0)
			fprintf(stderr, "grubinst: one image at a time\n");
		fprintf(stderr, "Try 'grubinst --help'.\n");
		return EXIT_ERROR;
	}
	if (!c.show.quiet && c.action == ACT_INSTALL)
		c.o.report = print_line;
	g = grubinst_open(argv[optind], &c.o);
	if (!g) {
		fprintf(stderr, "grubinst: out of memory\n");
		return EXIT_ERROR;
	}
	rc = c.action == ACT_INSTALL ? install_main(g)
				     : verify_main(g, argv[optind], &c.show);
	grubinst_close(g);
	return rc;
}
