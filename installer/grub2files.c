/*
 * GRUB 2's files in the boot partition: the build's i386-pc directory as
 * grub-install copies it (every module, the .lst files it loads by, boot.img
 * and core.img), grub.cfg generated from the image's kernels the way the
 * GRUB Legacy menu is (config.c), and grubenv.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grub2/grub2.h"
#include "installer/installer.h"

#define BUILD_FILE_MAX (1u << 20)
/* grub-editenv's block: one 1 KiB file GRUB rewrites in place. */
#define GRUBENV_SIZE 1024
#define GRUBENV_HEADER "# GRUB Environment Block\n"

/* ---- the build's files ---- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcmp(s + n - m, suffix);
}

/* What grub-install copies (util/grub-install-common.c
 * grub_install_copy_files), boot.img besides.  */
static bool copied(const char *name)
{
	return ends_with(name, ".mod") || ends_with(name, ".lst") ||
	       !strcmp(name, "modinfo.sh") || !strcmp(name, "efiemu32.o") ||
	       !strcmp(name, "efiemu64.o") || !strcmp(name, "boot.img");
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct g2_file *)a)->name, ((const struct g2_file *)b)->name);
}

static int add_file(struct install *inst, const char *name)
{
	struct g2_install *g2 = inst->g2;
	char path[4096], why[160];
	struct gi_file f;

	if (strlen(name) >= sizeof(g2->files[0].name))
		return 0;	/* no module has such a name */
	snprintf(path, sizeof(path), "%s/%s", g2->dir, name);
	if (gi_read_file_nofollow(path, BUILD_FILE_MAX, &f)) {
		if (f.status == GI_FILE_ERRNO && f.errnum == ENOMEM)
			return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
		gi_file_why(&f, BUILD_FILE_MAX, why, sizeof(why));
		return gi_fail_as(inst->err, GRUBINST_EIO, GI_CAUSE_STAGE, path, "%s", why);
	}
	if (gi_grow(&g2->files, &g2->files_cap, g2->nfiles, sizeof(g2->files[0]), 256)) {
		free(f.data);
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	}
	snprintf(g2->files[g2->nfiles].name, sizeof(g2->files[0].name), "%s", name);
	g2->files[g2->nfiles].data = f.data;
	g2->files[g2->nfiles].len = f.len;
	g2->nfiles++;
	g2->files_bytes += f.len;
	return 0;
}

static const struct g2_file *build_file(const struct g2_install *g2, const char *name)
{
	for (size_t i = 0; i < g2->nfiles; i++)
		if (!strcmp(g2->files[i].name, name))
			return &g2->files[i];
	return NULL;
}

/* modinfo.sh's grub_package_version="2.06-13+deb12u2". */
static void read_version(struct g2_install *g2)
{
	const struct g2_file *f = build_file(g2, "modinfo.sh");
	static const char key[] = "\ngrub_package_version=\"";
	const char *at, *end;

	if (!f || !(at = memmem(f->data, f->len, key, sizeof(key) - 1)))
		return;
	at += sizeof(key) - 1;
	end = memchr(at, '"', f->len - (size_t)(at - (const char *)f->data));
	if (end && end - at < (long)sizeof(g2->version)) {
		snprintf(g2->version, sizeof(g2->version), "%.*s", (int)(end - at), at);
		gi_printable(g2->version);
	}
}

/* The build is whole: boot.img, normal.mod and the modules core.img is
 * made of (grub-mkimage reads them from the same directory).  */
static int check_build(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	const struct g2_file *boot = build_file(g2, "boot.img");
	static const char *const needed[] = { "normal.mod", "biosdisk.mod", "ext2.mod",
					      "part_msdos.mod", "part_gpt.mod" };

	if (!boot || boot->len != SECTOR_SIZE || !grub2_boot_recognise(boot->data))
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_STAGE, g2->dir,
				  "has no boot.img of GRUB 2 (i386-pc): give "
				  "--grub2-dir the i386-pc directory of a GRUB 2 "
				  "build (Debian's grub-pc-bin)");
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (!build_file(g2, needed[i]))
			return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_STAGE,
					  g2->dir, "has no %s", needed[i]);
	return 0;
}

int g2i_load_build(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	struct dirent *e;
	DIR *d;

	g2->dir = inst->opts->grub2_dir ? inst->opts->grub2_dir : MACHINE_GRUB2_DIR;
	d = opendir(g2->dir);
	if (!d)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_STAGE, g2->dir,
				  "cannot be read: %s%s", strerror(errno),
				  inst->opts->grub2_dir ? "" : " (it is in Debian's grub-pc-bin)");
	errno = 0;
	while ((e = readdir(d)) != NULL)
		if (copied(e->d_name) && add_file(inst, e->d_name))
			break;
	closedir(d);
	if (inst->err->code)
		return inst->err->code;
	if (g2->nfiles > 1)
		qsort(g2->files, g2->nfiles, sizeof(g2->files[0]), by_name);
	read_version(g2);
	return check_build(inst);
}

/* ---- grub.cfg ---- */

/* S as one word of GRUB 2's script (grub-core/script/yylex.l): as it is
 * when nothing in it is special there, else in single quotes, a quote
 * as '\''.  */
static void add_word(struct gi_text *t, const char *s, size_t n)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_./,:=+-@%";
	bool quote = n == 0;

	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(plain, s[i]))
			quote = true;
	if (!quote) {
		gi_text_add(t, "%.*s", (int)n, s);
		return;
	}
	gi_text_add(t, "'");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\'')
			gi_text_add(t, "'\\''");
		else
			gi_text_add(t, "%c", s[i]);
	}
	gi_text_add(t, "'");
}

/* Each blank-separated word of S, each a word of GRUB's. */
static void add_words(struct gi_text *t, const char *s)
{
	while (*s) {
		size_t n;

		s += strspn(s, " \t");
		n = strcspn(s, " \t");
		if (!n)
			break;
		gi_text_add(t, " ");
		add_word(t, s, n);
		s += n;
	}
}

static void add_entry(struct install *inst, struct gi_text *t, const char *kernel,
		      const char *initrd)
{
	const char *title = inst->opts->title ? inst->opts->title : kernel;
	struct gi_text args = { 0 };

	config_kernel_args(inst, &args);
	gi_text_add(t, "\nmenuentry ");
	add_word(t, title, strlen(title));
	gi_text_add(t, " {\n\tlinux");
	add_words(t, kernel);
	if (args.s)
		add_words(t, args.s);
	gi_text_add(t, "\n");
	if (initrd) {
		gi_text_add(t, "\tinitrd");
		add_words(t, initrd);
		gi_text_add(t, "\n");
	}
	gi_text_add(t, "}\n");
	t->oom |= args.oom;
	gi_text_free(&args);
}

/* The default entry as --set-default and --once leave it, the way
 * grub-set-default and grub-reboot do with grub-mkconfig's menus: the
 * menu takes it from grubenv, next_entry once (cleared as it boots),
 * saved_entry after that.  */
static void add_default(struct install *inst, struct gi_text *t)
{
	const struct grubinst_options *o = inst->opts;

	if (o->set_default < 0 && o->once < 0) {
		gi_text_add(t, "set default=0\n");
		return;
	}
	gi_text_add(t, "if [ -s $prefix/grubenv ]; then\n\tload_env\nfi\n"
		    "if [ \"${next_entry}\" ]; then\n\tset default=\"${next_entry}\"\n"
		    "\tset next_entry=\n\tsave_env next_entry\nelse\n"
		    "\tset default=\"${saved_entry}\"\nfi\n");
}

static int check_entry(struct install *inst, const char *option, int n, int entries)
{
	if (n < entries)
		return 0;
	return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, inst->img.path,
			  "%s %d: the menu has %d entr%s, numbered from 0", option, n,
			  entries, entries == 1 ? "y" : "ies");
}

/* GRUB 2 writes to every terminal it is given and reads a key from each:
 * the serial line and the screen have the menu together.  */
static void add_serial(struct install *inst, struct gi_text *t)
{
	const char *args = inst->opts->serial;

	gi_text_add(t, "serial");
	add_words(t, *args ? args : "--unit=0 --speed=115200");
	gi_text_add(t, "\nterminal_input serial console\nterminal_output serial console\n");
}

static int generate(struct install *inst, struct gi_text *t)
{
	const struct grubinst_options *o = inst->opts;

	if (!config_append_has_root(o) && rootspec_prepare(inst))
		return inst->err->code;
	gi_text_add(t, "# GRUB 2 configuration, generated by grubinst\n");
	add_default(inst, t);
	gi_text_add(t, "set timeout=%d\n", o->timeout >= 0 ? o->timeout : 5);
	if (o->serial)
		add_serial(inst, t);
	if (!o->kernel) {
		if (config_kernel_entries(inst, t, add_entry, "grub2-cfg-missing",
					  inst->g2->cfg_path, inst->g2->cfg_origin,
					  sizeof(inst->g2->cfg_origin), &inst->g2->entries))
			return inst->err->code;
	} else {
		add_entry(inst, t, o->kernel, o->initrd);
		snprintf(inst->g2->cfg_origin, sizeof(inst->g2->cfg_origin),
			 "generated for %s", o->kernel);
		inst->g2->entries = 1;
	}
	return check_entry(inst, "--set-default", o->set_default, inst->g2->entries) ||
	       check_entry(inst, "--once", o->once, inst->g2->entries) ? inst->err->code : 0;
}

static bool exists(struct install *inst, const char *path)
{
	ext2_ino_t ino = 0;

	return fs_lookup(&inst->fs, path, &ino, inst->err) == 0 && ino != 0;
}

static bool sets_default(const struct grubinst_options *o)
{
	return o->set_default >= 0 || o->once >= 0;
}

/* Is the image's grub.cfg the one the options make? */
static bool same_menu(struct install *inst)
{
	struct gi_err err = { 0 };	/* a menu that cannot be read differs */
	struct gi_text t = { 0 };
	bool same = !generate(inst, &t) &&
		    config_file_is(inst, inst->g2->cfg_path, &t, &err);

	gi_text_free(&t);
	return same;
}

/* Options of GRUB Legacy's alone, and those GRUB 2's install does not
 * take yet: refused, never ignored.  */
static int check_options(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	const char *opt = o->stage_dir ? "--stage-dir" : o->no_stage1_5 ? "--no-stage1_5"
			  : o->force_lba ? "--force-lba" : NULL;

	if (opt)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, opt,
				  "is GRUB Legacy's: it does nothing with --loader grub2");
	return config_check_options(inst);
}

int g2i_config(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	const struct grubinst_options *o = inst->opts;
	const char *option = config_menu_option(o);
	struct gi_text t = { 0 };
	bool have = false;
	int rc;

	snprintf(g2->mod_dir, sizeof(g2->mod_dir), "%s/i386-pc", inst->paths.dir);
	snprintf(g2->cfg_path, sizeof(g2->cfg_path), "%s/grub.cfg", inst->paths.dir);
	snprintf(g2->env_path, sizeof(g2->env_path), "%s/grubenv", inst->paths.dir);
	if (check_options(inst))
		return inst->err->code;
	have = exists(inst, g2->cfg_path);
	if (inst->err->code)
		return inst->err->code;
	if (o->config && option)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, o->config,
				  "%s makes a menu, --config installs this one: "
				  "give one or the other", option);
	if (!o->config && have && !o->replace_menu) {
		/* No option may be ignored, unless the menu is the one they
		 * make (the same command run again).  */
		if (option && !same_menu(inst))
			return inst->err->code ? inst->err->code :
			       gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
					  inst->img.path, "has a menu (%s): %s would "
					  "change nothing; give --replace-menu to write "
					  "a new one from the options", g2->cfg_path, option);
		snprintf(g2->cfg_origin, sizeof(g2->cfg_origin), "kept the image's %s",
			 g2->cfg_path);
		return sets_default(o) ? gi_fail_as(inst->err, GRUBINST_EUSAGE,
			GI_CAUSE_USAGE, inst->img.path, "has a menu (%s): "
			"--set-default and --once write grubenv for a menu that "
			"reads it; give --replace-menu to write one", g2->cfg_path) : 0;
	}
	if (o->config && sets_default(o))
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, o->config,
				  "--set-default and --once write grubenv for a menu "
				  "grubinst makes, not for --config's");
	if (o->config) {
		rc = config_read_host(inst, &t);
		snprintf(g2->cfg_origin, sizeof(g2->cfg_origin), "%s", inst->config_origin);
	} else
		rc = generate(inst, &t);
	if (!rc && t.oom)
		rc = gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (rc) {
		free(t.s);
		return rc;
	}
	if (have)
		snprintf(g2->cfg_origin + strlen(g2->cfg_origin),
			 sizeof(g2->cfg_origin) - strlen(g2->cfg_origin),
			 ", replacing the image's");
	g2->cfg = t;
	g2->write_cfg = true;
	return 0;
}

/* ---- into the filesystem ---- */

/* PATH with LEN bytes of DATA: its old blocks freed first, then a run of
 * new ones (GRUB 2 reads its files through its ext2 reader: any blocks
 * do; one run keeps them quick to load).  */
static int put_file(struct install *inst, const char *path, const void *data,
		    size_t len)
{
	uint64_t bs = fs_block_size(&inst->fs), n = (len + bs - 1) / bs, first = 0;

	if (fs_remove(&inst->fs, path, inst->err) ||
	    (n && fs_reserve_run(&inst->fs, n, &first, inst->err)) ||
	    fs_create_file_at(&inst->fs, path, first, len, inst->err) ||
	    (n && fs_write_blocks(&inst->fs, first, data, len, inst->err)))
		return inst->err->code;
	return 0;
}

/* The image's grubenv variables but saved_entry and next_entry, as
 * NAME=VALUE lines after the header, into ENV at *USED.  */
static int keep_variables(struct install *inst, char *env, size_t *used)
{
	static const char *const ours[] = { "saved_entry=", "next_entry=" };
	uint8_t *data = NULL;
	size_t len = 0;
	ext2_ino_t ino = 0;
	char *line, *end;

	if (fs_lookup(&inst->fs, inst->g2->env_path, &ino, inst->err) ||
	    fs_read_file(&inst->fs, ino, GRUBENV_SIZE, &data, &len, inst->err))
		return inst->err->code;
	for (line = (char *)data; line < (char *)data + len; line = end + 1) {
		bool keep = line[0] != '#';
		size_t n;

		end = memchr(line, '\n', (size_t)((char *)data + len - line));
		if (!end)
			break;
		for (size_t i = 0; i < 2 && keep; i++)
			keep = strncmp(line, ours[i], strlen(ours[i])) != 0;
		n = (size_t)(end - line) + 1;
		/* Room for ours after it: saved_entry and next_entry. */
		if (keep && strchr(line, '=') && *used + n < GRUBENV_SIZE - 64) {
			memcpy(env + *used, line, n);
			*used += n;
		}
	}
	free(data);
	return 0;
}

/* grubenv: grub-editenv's 1 KiB block, '#' after its lines; kept as it
 * is unless --set-default or --once set saved_entry and next_entry.  */
static int put_grubenv(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	bool have = exists(inst, inst->g2->env_path);
	char env[GRUBENV_SIZE + 64];
	size_t used = sizeof(GRUBENV_HEADER) - 1;

	if (inst->err->code || (have && !sets_default(o)))
		return inst->err->code;
	memset(env, '#', sizeof(env));
	memcpy(env, GRUBENV_HEADER, used);
	if (have && keep_variables(inst, env, &used))
		return inst->err->code;
	if (sets_default(o))
		used += (size_t)snprintf(env + used, sizeof(env) - used, "saved_entry=%d\n",
					 o->set_default >= 0 ? o->set_default : 0);
	if (o->once >= 0)
		used += (size_t)snprintf(env + used, sizeof(env) - used, "next_entry=%d\n",
					 o->once);
	memset(env + used, '#', sizeof(env) - used);
	return put_file(inst, inst->g2->env_path, env, GRUBENV_SIZE);
}

int g2i_write_files(struct install *inst)
{
	struct g2_install *g2 = inst->g2;
	char path[sizeof(g2->mod_dir) + sizeof(g2->files[0].name) + 2];
	ext2_ino_t dir;

	if (fs_mkdir_p(&inst->fs, g2->mod_dir, &dir, inst->err))
		return inst->err->code;
	for (size_t i = 0; i < g2->nfiles; i++) {
		snprintf(path, sizeof(path), "%s/%s", g2->mod_dir, g2->files[i].name);
		if (put_file(inst, path, g2->files[i].data, g2->files[i].len))
			return inst->err->code;
	}
	/* core.img as grub-mkimage made it, as grub-install leaves it. */
	snprintf(path, sizeof(path), "%s/core.img", g2->mod_dir);
	if (put_file(inst, path, g2->core, g2->core_len))
		return inst->err->code;
	if (g2->write_cfg && put_file(inst, g2->cfg_path, g2->cfg.s, g2->cfg.len))
		return inst->err->code;
	return put_grubenv(inst);
}

void g2i_free(struct g2_install *g2)
{
	if (!g2)
		return;
	for (size_t i = 0; i < g2->nfiles; i++)
		free(g2->files[i].data);
	free(g2->files);
	free(g2->core);
	free(g2->embedded);
	gi_text_free(&g2->cfg);
	free(g2);
}
