/*
 * The public API as an image builder uses it, for tests/api.test.
 *
 *   api_handles interleave IMG_A IMG_B
 *	two handles at once: IMG_A by path, IMG_B by descriptor, each with its
 *	own options; one installs while the other is in the middle of a verify
 *	(from inside its callback), and the other way round.
 *   api_handles quiet DIR
 *	every kind of bad input (the images in DIR, bad descriptors, bad
 *	options, NULL handles) with stdout and stderr redirected to
 *	DIR/printed.log: each call must fail with a code and a message, and
 *	nothing may be printed.
 *   api_handles borrowed IMG DISK CONFIG
 *	every string option in memory of the caller's, overwritten and freed
 *	right after grubinst_open(): a verify with DISK as hd1 and dry-run
 *	installs (a generated menu, then CONFIG) still see the strings as
 *	they were when the handle was opened.
 *
 * Each check prints "PASS what" or "FAIL what"; the exit status is 1 if
 * any failed.  Only include/grubinst.h is used.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "grubinst.h"

static int failures;
/* Where verdicts go: stdout, or memory while stdout is being watched. */
static FILE *verdicts;

static void verdict(int pass, const char *fmt, ...)
{
	FILE *out = verdicts ? verdicts : stdout;
	va_list ap;

	fprintf(out, "%s ", pass ? "PASS" : "FAIL");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fprintf(out, "\n");
	if (!pass)
		failures++;
}

/* Open descriptors of this process: the library must leave none behind. */
static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* ---- interleave ---- */

/* What one handle's callbacks saw. */
struct seen {
	const char *name;
	char first_line[512];
	int lines;
	int findings;
	int fails;
	char menu_entry[512];
	/* Work to do from inside this handle's next callback. */
	int (*nested)(grubinst *);
	grubinst *nested_handle;
	int nested_rc;
	int nested_done;
};

static void run_nested(struct seen *s)
{
	if (s->nested && !s->nested_done) {
		s->nested_done = 1;
		s->nested_rc = s->nested(s->nested_handle);
	}
}

static void on_report(void *ctx, const char *line)
{
	struct seen *s = ctx;

	if (s->lines++ == 0)
		snprintf(s->first_line, sizeof(s->first_line), "%s", line);
	run_nested(s);
}

static void on_finding(void *ctx, const struct grubinst_finding *f)
{
	struct seen *s = ctx;

	s->findings++;
	if (f->severity == GRUBINST_SEV_FAIL)
		s->fails++;
	if (strcmp(f->code, "menu-entry") == 0 && !s->menu_entry[0])
		snprintf(s->menu_entry, sizeof(s->menu_entry), "%s", f->message);
	run_nested(s);
}

static int verify_quietly(grubinst *g)
{
	return grubinst_verify(g, NULL, NULL);
}

static int verify_into(grubinst *g, struct seen *s)
{
	s->findings = s->fails = 0;
	s->menu_entry[0] = '\0';
	return grubinst_verify(g, on_finding, s);
}

static grubinst *open_a(const char *path, struct seen *s)
{
	struct grubinst_options o;

	grubinst_options_init(&o);
	o.kernel = "/boot/vmlinuz";
	o.title = "image A";
	o.report = on_report;
	o.report_ctx = s;
	return grubinst_open(path, &o);
}

/* B: by descriptor, other options, and the options' strings freed right
 * after opening (the handle keeps copies).  */
static grubinst *open_b(int fd, struct seen *s)
{
	struct grubinst_options o;
	char *title = strdup("image B");
	grubinst *g;

	grubinst_options_init(&o);
	o.kernel = "/boot/vmlinuz";
	o.title = title;
	o.timeout = 0;
	o.serial = "";
	o.timestamp = 1710000000;
	o.report = on_report;
	o.report_ctx = s;
	g = grubinst_open_fd(fd, s->name, &o);
	free(title);
	return g;
}

static int interleave(const char *path_a, const char *path_b)
{
	struct seen a = { .name = path_a }, b = { .name = "image-b (by fd)" };
	int fds_before = count_fds();
	int fd = open(path_b, O_RDWR | O_CLOEXEC);
	grubinst *ga, *gb;
	int rc;

	if (fd < 0) {
		perror(path_b);
		return 2;
	}
	ga = open_a(path_a, &a);
	gb = open_b(fd, &b);
	verdict(ga && gb, "two handles open, one by path and one by descriptor");
	if (!ga || !gb)
		return 1;

	/* A is verified before its install; B installs from inside A's first
	 * finding, while A's image and filesystem are open.  */
	a.nested = grubinst_install;
	a.nested_handle = gb;
	rc = verify_into(ga, &a);
	verdict(rc == GRUBINST_WONT_BOOT && a.fails > 0,
		"A before its install: verify says it will not boot (%s, %d fails)",
		grubinst_status_name(rc), a.fails);
	verdict(a.nested_done && a.nested_rc == GRUBINST_OK,
		"B installed from inside A's verify callback (%s%s%s)",
		grubinst_status_name(a.nested_rc), a.nested_rc ? ": " : "",
		a.nested_rc ? grubinst_error(gb) : "");
	verdict(strstr(b.first_line, b.name) == b.first_line,
		"B's report names B: %s", b.first_line);
	verdict(strcmp(grubinst_error(ga), "no error") == 0,
		"A's error untouched by B: %s", grubinst_error(ga));

	/* A installs; B is verified from inside A's first report line. */
	a.nested = verify_quietly;
	a.nested_handle = gb;
	a.nested_done = 0;
	rc = grubinst_install(ga);
	verdict(rc == GRUBINST_OK, "A installed (%s%s%s)", grubinst_status_name(rc),
		rc ? ": " : "", rc ? grubinst_error(ga) : "");
	verdict(a.nested_done && a.nested_rc == GRUBINST_OK,
		"B verified from inside A's report callback (%s)",
		grubinst_status_name(a.nested_rc));
	verdict(strstr(a.first_line, path_a) == a.first_line,
		"A's report names A: %s", a.first_line);

	rc = verify_into(ga, &a);
	verdict(rc == GRUBINST_OK && strstr(a.menu_entry, "image A") &&
			!strstr(a.menu_entry, "image B"),
		"A verifies with its own menu: %s", a.menu_entry);
	rc = verify_into(gb, &b);
	verdict(rc == GRUBINST_OK && strstr(b.menu_entry, "image B") &&
			!strstr(b.menu_entry, "image A"),
		"B verifies with its own menu: %s", b.menu_entry);

	grubinst_close(ga);
	grubinst_close(gb);
	verdict(fcntl(fd, F_GETFD) >= 0, "B's descriptor still open after grubinst_close");
	close(fd);
	verdict(count_fds() == fds_before, "no descriptor left open (%d before, %d after)",
		fds_before, count_fds());
	return failures ? 1 : 0;
}

/* ---- quiet ---- */

/* One bad call: its code, and its message naming WHAT. */
static void expect_error(const char *what, int rc, const grubinst *g,
			 const char *name)
{
	const char *msg = grubinst_error(g);

	verdict(rc != GRUBINST_OK && msg && strcmp(msg, "no error") != 0 &&
			!strchr(msg, '\n') && (!name || strstr(msg, name)),
		"%s: %s: %s", what, grubinst_status_name(rc), msg);
}

static void discard_line(void *ctx, const char *line)
{
	(void)ctx, (void)line;
}

static void discard_finding(void *ctx, const struct grubinst_finding *f)
{
	(void)ctx, (void)f;
}

/* Install, verify and map on DIR/FILE: install must fail with a message
 * naming CULPRIT (NULL: the image); verify and map may call the image
 * unbootable or unreadable, but not print.  */
static void bad_path(const char *dir, const char *file,
		     const struct grubinst_options *o, const char *culprit)
{
	char path[4096];
	grubinst *g;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	g = grubinst_open(path, o);
	expect_error(file, grubinst_install(g), g, culprit ? culprit : path);
	verdict(grubinst_verify(g, discard_finding, NULL) != GRUBINST_OK,
		"%s: verify says it will not boot or cannot be read", file);
	grubinst_map(g, discard_line, NULL);
	grubinst_close(g);
}

static void bad_images(const char *dir)
{
	static const char *const files[] = {
		"missing.img", "directory", "empty.img", "garbage.img",
		"no-signature.img", "gpt.img", "truncated.img", "overhang.img",
		"no-linux.img", "full.img",
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		bad_path(dir, files[i], NULL, NULL);
}

static void bad_options(const char *dir)
{
	struct grubinst_options o;

	grubinst_options_init(&o);
	o.partition = 9;
	bad_path(dir, "good.img", &o, NULL);
	grubinst_options_init(&o);
	o.stage_dir = "/nonexistent/stages";
	bad_path(dir, "good.img", &o, o.stage_dir);
	grubinst_options_init(&o);
	o.config = "/nonexistent/grub.conf";
	bad_path(dir, "good.img", &o, o.config);
	grubinst_options_init(&o);
	o.timestamp = GRUBINST_TIME_INVALID;
	bad_path(dir, "good.img", &o, NULL);
}

static void bad_descriptor(int fd, const char *name, const char *what)
{
	grubinst *g = grubinst_open_fd(fd, name, NULL);

	expect_error(what, grubinst_install(g), g, name);
	grubinst_close(g);
}

static void bad_descriptors(const char *dir)
{
	char path[4096];
	int pipefd[2] = { -1, -1 };
	int devnull = open("/dev/null", O_RDWR);
	int rdonly, wronly, append;

	snprintf(path, sizeof(path), "%s/good.img", dir);
	rdonly = open(path, O_RDONLY);
	wronly = open(path, O_WRONLY);
	append = open(path, O_RDWR | O_APPEND);
	bad_descriptor(-1, "minus-one", "descriptor -1");
	bad_descriptor(987, NULL, "a closed descriptor");
	bad_descriptor(devnull, "devnull", "/dev/null");
	if (pipe(pipefd) == 0)
		bad_descriptor(pipefd[0], "a-pipe", "a pipe");
	bad_descriptor(rdonly, "read-only", "install on a read-only descriptor");
	bad_descriptor(wronly, "write-only", "a write-only descriptor");
	bad_descriptor(append, "appending", "install on an O_APPEND descriptor");
	close(devnull);
	close(pipefd[0]);
	close(pipefd[1]);
	close(rdonly);
	close(wronly);
	close(append);
}

static void null_handles(void)
{
	grubinst_close(NULL);
	verdict(grubinst_install(NULL) != GRUBINST_OK &&
			grubinst_verify(NULL, discard_finding, NULL) != GRUBINST_OK &&
			grubinst_map(NULL, discard_line, NULL) != GRUBINST_OK &&
			grubinst_error(NULL) != NULL,
		"a NULL handle (a failed open) fails every call");
	verdict(grubinst_explain(0) == NULL && grubinst_explain(36) == NULL &&
			grubinst_explain(-1) == NULL && grubinst_explain(24) != NULL,
		"grubinst_explain: NULL outside 1..35");
	verdict(strcmp(grubinst_status_name(12345), "unknown status") == 0,
		"grubinst_status_name of an unknown code");
	verdict(strcmp(grubinst_version(), GRUBINST_VERSION) == 0,
		"grubinst_version() is the header's version (%s)", grubinst_version());
	verdict(strcmp(grubinst_area_name(GRUBINST_AREA_CHAIN), "chain") == 0 &&
			grubinst_area_name(GRUBINST_AREA_COUNT) == NULL,
		"grubinst_area_name");
	verdict(strcmp(grubinst_error_code(NULL), "no-memory") == 0,
		"grubinst_error_code of a NULL handle");
}

/* Options that did not come from grubinst_options_init(): a size no
 * version of the header has.  Every call fails, none uses them.  */
static void uninitialised_options(const char *dir)
{
	struct grubinst_options o;
	char path[4096], *json = NULL;
	grubinst *g;
	int rc;

	memset(&o, 0, sizeof(o));
	o.kernel = "/boot/vmlinuz";
	snprintf(path, sizeof(path), "%s/good.img", dir);
	g = grubinst_open(path, &o);
	rc = g ? grubinst_install(g) : GRUBINST_ENOMEM;
	verdict(rc == GRUBINST_EUSAGE && strstr(grubinst_error(g), "grubinst_options_init"),
		"options without grubinst_options_init(): install is a usage error (%s)",
		grubinst_error(g));
	verdict(g && grubinst_verify(g, discard_finding, NULL) == GRUBINST_EUSAGE &&
			strcmp(grubinst_error_code(g), "usage") == 0,
		"...and so is verify, with the code \"usage\"");
	verdict(g && grubinst_verify_json(g, 0, &json) == GRUBINST_EUSAGE && json &&
			strstr(json, "\"status\": \"error\""),
		"...and the JSON report says so");
	grubinst_free(json);
	grubinst_close(g);
}

/* The JSON document programs get: the same as the command's --json. */
static void json_report(const char *dir)
{
	char path[4096], *json = NULL;
	grubinst *g;
	int rc;

	snprintf(path, sizeof(path), "%s/good.img", dir);
	g = grubinst_open(path, NULL);
	rc = g ? grubinst_verify_json(g, GRUBINST_JSON_MAP, &json) : GRUBINST_ENOMEM;
	verdict(json && json[0] == '{' && strstr(json, "\"findings\": [") &&
			strstr(json, "\"map\": [") &&
			(rc == GRUBINST_OK || rc == GRUBINST_WONT_BOOT),
		"grubinst_verify_json: a document with findings and the map (%s)",
		grubinst_status_name(rc));
	grubinst_free(json);
	grubinst_free(NULL);
	grubinst_close(g);
}

static void no_callbacks(const char *dir)
{
	char path[4096];
	grubinst *g;

	snprintf(path, sizeof(path), "%s/good.img", dir);
	g = grubinst_open(path, NULL);
	verdict(g && grubinst_verify(g, NULL, NULL) != GRUBINST_EIO,
		"verify without a finding function");
	expect_error("map without a line function", grubinst_map(g, NULL, NULL),
		     g, NULL);
	grubinst_close(g);
}

/* Sends fd 1 and 2 to a file; returns the saved copies. */
static int redirect(FILE *to, int saved[2])
{
	fflush(stdout);
	fflush(stderr);
	saved[0] = dup(1);
	saved[1] = dup(2);
	return saved[0] < 0 || saved[1] < 0 || dup2(fileno(to), 1) < 0 ||
	       dup2(fileno(to), 2) < 0;
}

static void restore(const int saved[2])
{
	fflush(stdout);
	fflush(stderr);
	dup2(saved[0], 1);
	dup2(saved[1], 2);
	close(saved[0]);
	close(saved[1]);
}

/* The first line the library printed, if any. */
static void first_line(FILE *log, char *buf, size_t size)
{
	rewind(log);
	if (!fgets(buf, (int)size, log))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

static int quiet(const char *dir)
{
	char log_path[4096];
	FILE *log;
	char *held = NULL, head[256];
	size_t held_len = 0;
	int saved[2], fds_before;
	long printed;

	snprintf(log_path, sizeof(log_path), "%s/printed.log", dir);
	log = fopen(log_path, "w+");
	verdicts = open_memstream(&held, &held_len);
	if (!log || !verdicts || redirect(log, saved)) {
		perror("redirect");
		return 2;
	}
	fds_before = count_fds();
	bad_images(dir);
	bad_options(dir);
	bad_descriptors(dir);
	null_handles();
	no_callbacks(dir);
	uninitialised_options(dir);
	json_report(dir);
	verdict(count_fds() == fds_before, "no descriptor left open by failed "
		"calls (%d before, %d after)", fds_before, count_fds());
	restore(saved);
	fclose(verdicts);
	verdicts = NULL;
	fputs(held, stdout);
	free(held);

	printed = ftell(log);
	first_line(log, head, sizeof(head));
	verdict(printed == 0, "the library printed nothing on stdout or stderr "
		"(%ld bytes)%s%s", printed, head[0] ? ": " : "", head);
	fclose(log);
	return failures ? 1 : 0;
}

/* ---- borrowed ---- */

/* The caller's copy of a string: overwritten, then freed, once the
 * handle is open.  */
struct lent {
	const char **field;
	char *copy;
};

static const char *lend(struct lent *l, int *n, const char **field,
			const char *value)
{
	l[*n].field = field;
	l[*n].copy = strdup(value);
	*field = l[*n].copy;
	return l[(*n)++].copy;
}

static void take_back(struct lent *l, int n)
{
	for (int i = 0; i < n; i++) {
		memset(l[i].copy, 'X', strlen(l[i].copy));
		free(l[i].copy);
	}
}

static void count_other_disk(void *ctx, const struct grubinst_finding *f)
{
	if (strcmp(f->code, "disk-other") == 0)
		(*(int *)ctx)++;
}

static void borrowed_verify(const char *img, const char *disk)
{
	struct grubinst_options o;
	struct lent l[GRUBINST_MAX_DISKS + 1];
	int n = 0, other = 0, rc;
	grubinst *g;

	grubinst_options_init(&o);
	for (int d = 1; d < GRUBINST_MAX_DISKS; d++)
		lend(l, &n, &o.disks[d], disk);
	lend(l, &n, &o.boot_dir, "/boot/grub");
	g = grubinst_open(img, &o);
	take_back(l, n);
	rc = grubinst_verify(g, count_other_disk, &other);
	verdict(rc == GRUBINST_OK && other == GRUBINST_MAX_DISKS - 1,
		"verify with the disks[] and boot_dir strings freed after "
		"grubinst_open(): %s, %d other disk(s) reported%s%s",
		grubinst_status_name(rc), other, rc ? ": " : "",
		rc ? grubinst_error(g) : "");
	grubinst_close(g);
}

/* A dry-run install from options whose strings are freed as soon as
 * the handle is open: the handle must hold its own copies. */
static void install_borrowed(const char *img, const struct grubinst_options *o,
			     struct lent *l, int n, const char *what)
{
	grubinst *g = grubinst_open(img, o);
	int rc;

	take_back(l, n);
	rc = grubinst_install(g);
	verdict(rc == GRUBINST_OK,
		"dry-run install of %s after grubinst_open(): %s%s%s", what,
		grubinst_status_name(rc), rc ? ": " : "",
		rc ? grubinst_error(g) : "");
	grubinst_close(g);
}

static void borrowed_install(const char *img, const char *config)
{
	struct grubinst_options o;
	struct lent l[16];
	int n = 0;

	grubinst_options_init(&o);
	o.dry_run = true;
	o.replace_menu = true;
	lend(l, &n, &o.kernel, "/boot/vmlinuz");
	lend(l, &n, &o.initrd, "/boot/vmlinuz");
	lend(l, &n, &o.append, "root=/dev/sda1 console=ttyS0");
	lend(l, &n, &o.title, "borrowed title");
	lend(l, &n, &o.serial, "");
	lend(l, &n, &o.boot_dir, "/boot/grub");
	install_borrowed(img, &o, l, n, "a generated menu with its strings freed");

	grubinst_options_init(&o);
	o.dry_run = true;
	n = 0;
	lend(l, &n, &o.config, config);
	install_borrowed(img, &o, l, n, "a config file whose name was freed");
}

static int borrowed(const char *img, const char *disk, const char *config)
{
	borrowed_verify(img, disk);
	borrowed_install(img, config);
	return failures ? 1 : 0;
}

/* ---- options by name, as a program in another language sets them ---- */

static int set(struct grubinst_options *o, const char *name, const char *value,
	       char *why, size_t size)
{
	return grubinst_options_set(o, name, value, why, size);
}

/* Every option grubinst_option_info() lists is taken by name, and sets
 * the field the command line's does; bad names and values are refused
 * with the command line's words, the options left as they were.  */
static int by_name(void)
{
	struct grubinst_options o, before;
	const struct grubinst_option_info *info;
	char why[256];
	size_t n = 0;
	int rc;

	grubinst_options_init(&o);
	while ((info = grubinst_option_info(n)))
		n++;
	verdict(n >= 20, "grubinst_option_info() lists %zu options", n);
	verdict(set(&o, "partition", "2", why, sizeof(why)) == GRUBINST_OK &&
		o.partition == 2, "\"partition\" \"2\" sets partition");
	verdict(set(&o, "root-by", "partuuid", why, sizeof(why)) == GRUBINST_OK &&
		o.root_by == GRUBINST_ROOT_PARTUUID,
		"\"root-by\" \"partuuid\" sets root_by");
	verdict(set(&o, "target", "partition", why, sizeof(why)) == GRUBINST_OK &&
		o.target == GRUBINST_TARGET_PARTITION,
		"\"target\" \"partition\" sets target");
	verdict(set(&o, "timeout", "0", why, sizeof(why)) == GRUBINST_OK &&
		o.timeout == 0, "\"timeout\" \"0\" sets timeout");
	verdict(set(&o, "replace-menu", NULL, why, sizeof(why)) == GRUBINST_OK &&
		o.replace_menu, "\"replace-menu\" sets the flag");
	verdict(set(&o, "serial", NULL, why, sizeof(why)) == GRUBINST_OK &&
		o.serial && !*o.serial, "\"serial\" without a value: the default");
	verdict(set(&o, "disk", "hd2=other.img", why, sizeof(why)) == GRUBINST_OK &&
		o.disks[2] && strcmp(o.disks[2], "other.img") == 0,
		"\"disk\" \"hd2=other.img\" sets disks[2]");
	verdict(set(&o, "append", "console=ttyS0", why, sizeof(why)) == GRUBINST_OK &&
		strcmp(o.append, "console=ttyS0") == 0, "\"append\" sets append");
	before = o;
	rc = set(&o, "root-by", "name", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && strstr(why, "device, uuid, label or partuuid") &&
		memcmp(&o, &before, sizeof(o)) == 0,
		"\"root-by\" \"name\" is refused (%s), nothing changed", why);
	rc = set(&o, "partition", "0", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && o.partition == 2,
		"\"partition\" \"0\" is refused (%s)", why);
	rc = set(&o, "timeout", "5x", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && o.timeout == 0,
		"\"timeout\" \"5x\" is refused (%s)", why);
	rc = set(&o, "disk", "hd2=again.img", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && strcmp(o.disks[2], "other.img") == 0,
		"a disk given twice is refused (%s)", why);
	rc = set(&o, "no-such-option", "1", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && strstr(why, "no-such-option"),
		"an unknown name is refused (%s)", why);
	rc = set(&o, "kernel", NULL, NULL, 0);
	verdict(rc == GRUBINST_EUSAGE && !o.kernel,
		"\"kernel\" without a value is refused, with no WHY buffer");
	rc = set(&o, "force-lba", "yes", why, sizeof(why));
	verdict(rc == GRUBINST_EUSAGE && !o.force_lba,
		"a flag given a value is refused (%s)", why);
	{
		grubinst *g = grubinst_open("a\nb\x1b[31m\xe2\x80\xae.img", NULL);

		verdict(g && strcmp(grubinst_name(g), "a?b?[31m?.img") == 0,
			"grubinst_name(): one line, controls and bidi as '?'");
		grubinst_close(g);
	}
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "interleave") == 0)
		return interleave(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "quiet") == 0)
		return quiet(argv[2]);
	if (argc == 5 && strcmp(argv[1], "borrowed") == 0)
		return borrowed(argv[2], argv[3], argv[4]);
	if (argc == 2 && strcmp(argv[1], "by-name") == 0)
		return by_name();
	fprintf(stderr, "usage: api_handles interleave IMG_A IMG_B | quiet DIR"
		" | borrowed IMG DISK CONFIG | by-name\n");
	return 2;
}
