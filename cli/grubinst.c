/* The grubinst command: options in, report lines out.  All the work is
 * done by the library.  */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grubinst.h"
#include "cli/findings.h"

enum exit_code { EXIT_INSTALLED = 0, EXIT_REFUSED = 1, EXIT_ERROR = 2 };

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
"      --append ARGS     kernel command line (default: root=/dev/sdaN ro)\n"
"      --title TEXT      menu entry title\n"
"      --timeout SECS    menu timeout (default 5)\n"
"      --serial[=ARGS]   GRUB on the serial line (default --unit=0 --speed=115200)\n"
"  -n, --dry-run         print the plan, write nothing\n"
"      --verify          write nothing: predict how IMAGE boots (exit 0 it\n"
"                        boots, 1 it will not, 2 it cannot be read)\n"
"      --json            the --verify report as JSON (docs/verify.md)\n"
"      --map             draw the disk layout with sector numbers\n"
"      --explain N       what GRUB's \"Error N\" means (no IMAGE needed)\n"
"  -q, --quiet           print nothing but errors\n"
"  -h, --help            this help\n"
"  -V, --version         print the version\n"
"\n"
"With SOURCE_DATE_EPOCH set, every time written into the filesystem is clamped\n"
"to it: two installs on the same image give the same bytes.\n"
"\n"
"Exit status: 0 installed, 1 refused (the message says why), 2 usage or I/O error.\n");
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

enum {
	OPT_TARGET = 256, OPT_STAGE_DIR, OPT_NO_STAGE1_5, OPT_FORCE_LBA,
	OPT_CONFIG, OPT_KERNEL, OPT_INITRD, OPT_APPEND, OPT_TITLE,
	OPT_TIMEOUT, OPT_SERIAL,
	OPT_VERIFY, OPT_JSON, OPT_MAP, OPT_EXPLAIN,
};

/* The inspector's modes (cli/verify.c); 0 installs. */
static int verify_flags;
static const char *explain_arg;

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
	{ "verify", no_argument, NULL, OPT_VERIFY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "map", no_argument, NULL, OPT_MAP },
	{ "explain", required_argument, NULL, OPT_EXPLAIN },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static int parse_options(int argc, char **argv, struct grubinst_options *o,
			 bool *quiet)
{
	int c;

	while ((c = getopt_long(argc, argv, "p:nqhV", long_options, NULL)) != -1) {
		switch (c) {
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
		case 'n': o->dry_run = true; break;
		case OPT_VERIFY: verify_flags |= VERIFY_REPORT; break;
		case OPT_JSON: verify_flags |= VERIFY_JSON; break;
		case OPT_MAP: verify_flags |= VERIFY_MAP; break;
		case OPT_EXPLAIN: explain_arg = optarg; break;
		case 'q': *quiet = true; break;
		case 'h': usage(stdout); exit(EXIT_INSTALLED);
		case 'V': printf("grubinst %s\n", GRUBINST_VERSION); exit(0);
		default: return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct grubinst_options o;
	bool quiet = false;
	grubinst *g;
	int rc;

	grubinst_options_init(&o);
	rc = parse_options(argc, argv, &o, &quiet);
	if (rc == 0 && explain_arg && optind == argc)
		return explain_main(explain_arg);
	if (rc < 0 || optind != argc - 1) {
		if (optind >= argc)
			fprintf(stderr, "grubinst: no image given\n");
		else if (optind < argc - 1)
			fprintf(stderr, "grubinst: one image at a time\n");
		fprintf(stderr, "Try 'grubinst --help'.\n");
		return EXIT_ERROR;
	}
	if (!quiet)
		o.report = print_line;
	g = grubinst_open(argv[optind], &o);
	if (!g) {
		fprintf(stderr, "grubinst: out of memory\n");
		return EXIT_ERROR;
	}
	if (verify_flags) {
		rc = verify_main(g, argv[optind], verify_flags);
		grubinst_close(g);
		return rc;
	}
	rc = grubinst_install(g);
	if (rc != GRUBINST_OK)
		fprintf(stderr, "grubinst: %s\n", grubinst_error(g));
	grubinst_close(g);
	if (rc == GRUBINST_OK)
		return EXIT_INSTALLED;
	return rc == GRUBINST_REFUSED ? EXIT_REFUSED : EXIT_ERROR;
}
