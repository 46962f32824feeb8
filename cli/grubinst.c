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

/* The options of the command itself: its actions and its output.  The
 * options of an install come from the library, one row each
 * (grubinst_option_info()): the parser and --help are made from both.  */
enum cli_option { CLI_VERIFY, CLI_JSON, CLI_MAP, CLI_EXPLAIN, CLI_QUIET,
		  CLI_HELP, CLI_VERSION, CLI_COUNT };

static const struct grubinst_option_info cli_options[CLI_COUNT] = {
	[CLI_VERIFY] = { "verify", 0, GRUBINST_ARG_NONE, NULL,
			 "write nothing: predict how IMAGE boots (exit 0 it\n"
			 "boots, 1 it will not, 2 it cannot be read)" },
	[CLI_JSON] = { "json", 0, GRUBINST_ARG_NONE, NULL,
		       "with --verify (or --map): the report as JSON\n"
		       "(docs/verify.md); alone, a usage error" },
	[CLI_MAP] = { "map", 0, GRUBINST_ARG_NONE, NULL,
		      "draw the disk layout with sector numbers" },
	[CLI_EXPLAIN] = { "explain", 0, GRUBINST_ARG_REQUIRED, "N",
			  "what GRUB's \"Error N\" means (no IMAGE needed)" },
	[CLI_QUIET] = { "quiet", 'q', GRUBINST_ARG_NONE, NULL,
			"print nothing but errors" },
	[CLI_HELP] = { "help", 'h', GRUBINST_ARG_NONE, NULL, "this help" },
	[CLI_VERSION] = { "version", 'V', GRUBINST_ARG_NONE, NULL,
			  "print the version" },
};

/* getopt's values: the library's option I is LIB_OPTION + I, the
 * command's own CLI_OPTION + its enum value.  */
#define LIB_OPTION 256
#define CLI_OPTION 512
#define MAX_OPTIONS 64

static const struct grubinst_option_info *info_of(int val)
{
	if (val >= CLI_OPTION && val < CLI_OPTION + CLI_COUNT)
		return &cli_options[val - CLI_OPTION];
	return val >= LIB_OPTION ? grubinst_option_info((size_t)(val - LIB_OPTION))
				 : NULL;
}

/* One option of --help: "  -p, --partition N     help", the help's
 * further lines under its first.  */
static void usage_line(FILE *f, const struct grubinst_option_info *o)
{
	char left[48];
	const char *help = o->help;
	size_t n;

	char flag[8] = "    ";

	if (o->short_name)
		snprintf(flag, sizeof(flag), "-%c, ", o->short_name);
	snprintf(left, sizeof(left), "%s--%s%s%s%s", flag, o->name,
		 o->argument == GRUBINST_ARG_OPTIONAL ? "[=" : o->metavar ? " " : "",
		 o->metavar ? o->metavar : "",
		 o->argument == GRUBINST_ARG_OPTIONAL ? "]" : "");
	n = strcspn(help, "\n");
	fprintf(f, "  %-22s%s%.*s\n", left, strlen(left) > 21 ? "  " : "",
		(int)n, help);
	for (help += n; *help; help += n) {
		help++;
		n = strcspn(help, "\n");
		fprintf(f, "%24s%.*s\n", "", (int)n, help);
	}
}

static void usage(FILE *f)
{
	const struct grubinst_option_info *o;

	fprintf(f, "Usage: grubinst [OPTION]... IMAGE\n"
		   "Install GRUB Legacy 0.97 into the MBR disk image (or block device) IMAGE.\n\n");
	for (size_t i = 0; (o = grubinst_option_info(i)); i++)
		usage_line(f, o);
	for (int i = 0; i < CLI_COUNT; i++)
		usage_line(f, &cli_options[i]);
	fprintf(f,
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

enum action { ACT_INSTALL, ACT_VERIFY, ACT_MAP, ACT_EXPLAIN };

static const char *const action_option[] = {
	[ACT_INSTALL] = "an install", [ACT_VERIFY] = "--verify",
	[ACT_MAP] = "--map", [ACT_EXPLAIN] = "--explain",
};

/* Which actions an option belongs to: an install's, unless said here. */
#define FOR_INSTALL (1u << ACT_INSTALL)
#define FOR_VERIFY (1u << ACT_VERIFY)
#define FOR_MAP (1u << ACT_MAP)
#define FOR_EXPLAIN (1u << ACT_EXPLAIN)

static unsigned option_actions(int val)
{
	const char *name = info_of(val)->name;

	if (strcmp(name, "partition") == 0 || val == CLI_OPTION + CLI_QUIET)
		return FOR_INSTALL | FOR_VERIFY | FOR_MAP;
	if (strcmp(name, "disk") == 0 || val == CLI_OPTION + CLI_JSON ||
	    val == CLI_OPTION + CLI_VERIFY || val == CLI_OPTION + CLI_MAP)
		return FOR_VERIFY | FOR_MAP;	/* --verify --map: both */
	if (val == CLI_OPTION + CLI_EXPLAIN)
		return FOR_EXPLAIN;
	return FOR_INSTALL;
}

struct cli {
	enum action action;
	struct grubinst_options o;
	struct show show;
	const char *explain;
	int seen[64];		/* options given, in order */
	int nseen;
};

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
				"out\n", info_of(c->seen[i])->name,
			action_option[c->action]);
		return -1;
	}
	return 0;
}

/* getopt's tables, made from the rows: long options and the short ones. */
struct getopt_tables {
	struct option longs[MAX_OPTIONS + 1];
	char shorts[3 * MAX_OPTIONS + 1];
	int short_val[128];
};

static void add_option(struct getopt_tables *t, size_t *n,
		       const struct grubinst_option_info *o, int val)
{
	static const int has_arg[] = {
		[GRUBINST_ARG_NONE] = no_argument,
		[GRUBINST_ARG_REQUIRED] = required_argument,
		[GRUBINST_ARG_OPTIONAL] = optional_argument,
	};
	size_t len = strlen(t->shorts);

	if (*n == MAX_OPTIONS)
		return;
	t->longs[(*n)++] = (struct option){ o->name, has_arg[o->argument], NULL, val };
	if (o->short_name > 0 && o->short_name < 128) {
		snprintf(t->shorts + len, sizeof(t->shorts) - len, "%c%s",
			 o->short_name, o->argument == GRUBINST_ARG_REQUIRED ? ":" : "");
		t->short_val[o->short_name] = val;
	}
}

static void make_tables(struct getopt_tables *t)
{
	const struct grubinst_option_info *o;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	for (size_t i = 0; (o = grubinst_option_info(i)); i++)
		add_option(t, &n, o, LIB_OPTION + (int)i);
	for (int i = 0; i < CLI_COUNT; i++)
		add_option(t, &n, &cli_options[i], CLI_OPTION + i);
}

/* An option of the command itself; -1 ends the parse with a failure. */
static int cli_option(struct cli *c, enum cli_option which)
{
	switch (which) {
	case CLI_VERIFY: c->show.report = true; break;
	case CLI_JSON: c->show.json = true; break;
	case CLI_MAP: c->show.map = true; break;
	case CLI_EXPLAIN: c->explain = optarg; break;
	case CLI_QUIET: c->show.quiet = true; break;
	case CLI_HELP: usage(stdout); exit(EXIT_INSTALLED);
	case CLI_VERSION: printf("grubinst %s\n", grubinst_version()); exit(0);
	case CLI_COUNT: return -1;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct cli *c)
{
	struct getopt_tables t;
	char why[512];
	int opt;

	make_tables(&t);
	while ((opt = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1) {
		if (opt > 0 && opt < 128 && t.short_val[opt])
			opt = t.short_val[opt];
		if (!info_of(opt))
			return -1;	/* getopt said what was wrong */
		if (c->nseen < (int)(sizeof(c->seen) / sizeof(c->seen[0])))
			c->seen[c->nseen++] = opt;
		if (opt >= CLI_OPTION) {
			if (cli_option(c, (enum cli_option)(opt - CLI_OPTION)))
				return -1;
		} else if (grubinst_options_set(&c->o, info_of(opt)->name, optarg,
						why, sizeof(why))) {
			fprintf(stderr, "grubinst: %s\n", why);
			return -1;
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
				     : verify_main(g, &c.show);
	grubinst_close(g);
	return rc;
}
