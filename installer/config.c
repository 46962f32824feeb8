/* The menu GRUB reads: kept when the image has one, installed from
 * --config, or generated from the options and the kernels in /boot.  */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "installer/installer.h"

#define CONFIG_MAX (256 * 1024)
/* The longest wait for a key at "terminal serial console", in seconds. */
#define SERIAL_WAIT 5

bool config_append_has_root(const struct grubinst_options *o)
{
	char root[8];

	return o->append && cmdline_arg(o->append, "root", root, sizeof(root));
}

/* Options that go into the generated menu, one line each. */
int config_check_options(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	const struct { const char *opt, *value; bool blanks; } v[] = {
		{ "--kernel", o->kernel, false }, { "--initrd", o->initrd, false },
		{ "--append", o->append, true }, { "--title", o->title, true },
		{ "--serial", o->serial, true },
	};

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].value && !grub_menu_line_fits(v[i].value, v[i].blanks))
			return gi_fail_as(inst->err, GRUBINST_EUSAGE,
					  GI_CAUSE_USAGE, v[i].opt,
					  "a GRUB menu line cannot hold %s",
					  v[i].blanks ? "a control character" : "a blank or a control character");
	/* No option may be ignored: root= of --append is the one used. */
	if (config_append_has_root(o) && (o->root_partition > 0 || o->root_by != GRUBINST_ROOT_DEVICE))
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, "--append",
				  "has its own root=, so %s would change nothing: "
				  "leave one out", o->root_partition > 0
				  ? "--root-partition" : "--root-by");
	return 0;
}

static bool exists(struct install *inst, const char *path)
{
	ext2_ino_t ino = 0;

	return fs_resolve(&inst->fs, path, &ino, inst->err) == 0 && ino != 0;
}

/* The initrd that goes with vmlinuz-VER, as distributions name it: by
 * the listing of the kernels' directory KL, a link followed by path.  */
bool config_find_initrd(struct install *inst, const struct kernel_list *kl,
			const char *kernel, char *out, size_t size)
{
	const char *ver = kernel + 7;	/* after "vmlinuz" and the like */
	static const char *const pats[] = {
		"initrd.img%s", "initrd%s.img", "initrd%s", "initramfs%s.img",
	};
	char name[KERNEL_NAME_MAX + 16];

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		int has;

		snprintf(name, sizeof(name), pats[i], ver);
		has = kernels_has_initrd(kl, name);
		kernels_path(inst, name, out, size);
		if (has > 0 || (has < 0 && exists(inst, out)))
			return true;
	}
	return false;
}

/* The kernel line after the kernel's path: root= as asked, ro, the
 * consoles; --append adds to it, or replaces it when it names its own
 * root=.  */
void config_kernel_args(struct install *inst, struct gi_text *t)
{
	const struct grubinst_options *o = inst->opts;

	if (config_append_has_root(o)) {
		gi_text_add(t, " %s", o->append);
		return;
	}
	/* The last console= is /dev/console, where init writes. */
	gi_text_add(t, " %s ro%s%s%s", inst->root_arg,
		      o->serial ? " console=tty0 console=ttyS0,115200" : "",
		      o->append ? " " : "", o->append ? o->append : "");
}

static void add_entry(struct install *inst, struct gi_text *t, const char *kernel,
		      const char *initrd)
{
	const struct grubinst_options *o = inst->opts;

	gi_text_add(t, "\ntitle %s\n", o->title ? o->title : kernel);
	gi_text_add(t, "\troot (hd0,%d)\n", partition_grub_index(inst->boot));
	gi_text_add(t, "\tkernel %s", kernel);
	config_kernel_args(inst, t);
	gi_text_add(t, "\n");
	if (initrd)
		gi_text_add(t, "\tinitrd %s\n", initrd);
}

/* GRUB 0.97 writes to one terminal at a time (builtins.c terminal_func):
 * given two, it prints "Press any key to continue." on both and takes
 * the one a key is pressed on, or after the timeout the first one.  So
 * the serial line gets the menu unattended, and a screen's user presses
 * a key to have it there.  It waits no longer than the menu would.  */
static void add_terminal(struct install *inst, struct gi_text *t, int timeout)
{
	const char *args = inst->opts->serial;

	gi_text_add(t, "serial %s\n", *args ? args : "--unit=0 --speed=115200");
	gi_text_add(t, "terminal --timeout=%d serial console\n",
		      timeout < SERIAL_WAIT ? timeout : SERIAL_WAIT);
}

int config_kernel_entries(struct install *inst, struct gi_text *t,
			  config_entry_fn add, const char *code, const char *menus,
			  char *origin, size_t size, int *count)
{
	const struct grubinst_options *o = inst->opts;
	struct kernel_list kl;
	char path[KERNEL_NAME_MAX + 64], initrd[KERNEL_NAME_MAX + 64];

	if (kernels_list(inst, &kl))
		return inst->err->code;
	if (kl.count == 0) {
		kernels_free(&kl);
		return target_refuse_code(inst, code, NULL,
				 "no kernel (vmlinuz*, vmlinux*, bzImage* with a "
				 "Linux boot header) in %s of partition %d and no "
				 "%s; give --kernel or --config",
				 inst->paths.kernels, inst->boot->number, menus);
	}
	for (int i = 0; i < kl.count; i++) {
		kernels_path(inst, kl.k[i].name, path, sizeof(path));
		add(inst, t, path,
		    o->initrd ? o->initrd
			      : config_find_initrd(inst, &kl, kl.k[i].name, initrd,
						   sizeof(initrd)) ? initrd : NULL);
	}
	snprintf(origin, size, "generated for %d kernel%s in %s", kl.count,
		 kl.count == 1 ? "" : "s", inst->paths.kernels);
	*count = kl.count;
	kernels_free(&kl);
	return 0;
}

static int menu_of_kernels(struct install *inst, struct gi_text *t)
{
	char menus[sizeof(inst->paths.conf) + 16];
	int count;

	snprintf(menus, sizeof(menus), "%s or menu.lst", inst->paths.conf);
	return config_kernel_entries(inst, t, add_entry, "menu-missing", menus,
				     inst->config_origin, sizeof(inst->config_origin),
				     &count);
}

static int generate(struct install *inst, struct gi_text *t)
{
	const struct grubinst_options *o = inst->opts;
	int timeout = o->timeout >= 0 ? o->timeout : 5;

	if (!config_append_has_root(o) && rootspec_prepare(inst))
		return inst->err->code;
	gi_text_add(t, "# GRUB Legacy menu, generated by grubinst\n");
	gi_text_add(t, "default 0\ntimeout %d\n", timeout);
	if (o->serial)
		add_terminal(inst, t, timeout);
	if (!o->kernel)
		return menu_of_kernels(inst, t);
	/* Whether GRUB can load it is the check of the result's (result.c),
	 * by the rules --verify uses.  */
	add_entry(inst, t, o->kernel, o->initrd);
	snprintf(inst->config_origin, sizeof(inst->config_origin),
		 "generated for %s", o->kernel);
	return 0;
}

/* --config FILE: a regular file of text.  (Before, /dev/zero made the
 * install spin forever and a NUL byte silently cut the menu there.)  */
int config_read_host(struct install *inst, struct gi_text *t)
{
	const char *path = inst->opts->config;
	struct gi_file f;
	char why[128];
	const char *nul;

	if (gi_read_file(path, CONFIG_MAX, &f)) {
		if (f.status == GI_FILE_ERRNO && f.errnum == ENOMEM)
			return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
		gi_file_why(&f, CONFIG_MAX, why, sizeof(why));
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  path, "--config: %s%s", why,
				  f.status == GI_FILE_TOO_LARGE
					  ? ": too large for a GRUB menu" : "");
	}
	nul = memchr(f.data, '\0', f.len);
	if (nul) {
		gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, path,
			   "--config: a NUL byte at byte %zu: a GRUB menu is text",
			   (size_t)(nul - (const char *)f.data));
		free(f.data);
		return inst->err->code;
	}
	t->s = (char *)f.data;
	t->len = f.len;
	t->cap = f.len + 1;
	snprintf(inst->config_origin, sizeof(inst->config_origin), "from %s", path);
	return 0;
}

/* Does PATH hold the menu already?  A symlink counts only if it resolves:
 * the tutorial's "menu.lst -> boot/grub/grub.conf" dangles, and a loop
 * of links leads nowhere either (the install relinks menu.lst).  */
static bool has_menu(struct install *inst, const char *path)
{
	struct gi_err probe = { 0 };
	ext2_ino_t ino = 0;

	return fs_resolve(&inst->fs, path, &ino, &probe) == 0 && ino != 0;
}

/* menu.lst must end up naming grub.conf unless it is a file of its own
 * (or the very file this install rewrites).  */
static int decide_menu_link(struct install *inst)
{
	ext2_ino_t ino = 0;
	struct ext2_inode_large inode;

	if (inst->config_is_menu)
		return 0;
	if (fs_lookup(&inst->fs, inst->paths.menu, &ino, inst->err))
		return inst->err->code;
	if (!ino) {
		inst->link_menu = true;
		return 0;
	}
	if (fs_read_inode(&inst->fs, ino, &inode, inst->err))
		return inst->err->code;
	if (LINUX_S_ISLNK(inode.i_mode)) {
		char target[256];
		if (fs_readlink(&inst->fs, ino, target, sizeof(target), inst->err))
			return inst->err->code;
		inst->link_menu = strcmp(target, "grub.conf") != 0 &&
				strcmp(target, inst->paths.conf) != 0;
	} else if (inst->write_config && LINUX_S_ISREG(inode.i_mode)) {
		/* GRUB reads menu.lst: a file of its own would hide the
		 * grub.conf this install writes.  */
		inst->link_menu = inst->unlink_menu = true;
	}
	return 0;
}

/* The first option that only a generated menu uses, or NULL. */
const char *config_menu_option(const struct grubinst_options *o)
{
	return o->kernel ? "--kernel" : o->initrd ? "--initrd"
	       : o->append ? "--append" : o->title ? "--title"
	       : o->serial ? "--serial" : o->timeout >= 0 ? "--timeout"
	       : o->root_partition > 0 ? "--root-partition"
	       : o->root_by != GRUBINST_ROOT_DEVICE ? "--root-by" : NULL;
}

/* The file of the image's menu that GRUB reads: menu.lst, or grub.conf
 * when menu.lst links to it or is missing.  A menu.lst that links
 * elsewhere is not followed: grubinst edits files of GRUB's directory.  */
static int menu_to_edit(struct install *inst, const char **path)
{
	struct ext2_inode_large inode;
	ext2_ino_t ino = 0;
	char target[256];

	*path = inst->paths.conf;
	if (!has_menu(inst, inst->paths.menu))
		return 0;
	if (fs_lookup(&inst->fs, inst->paths.menu, &ino, inst->err) ||
	    fs_read_inode(&inst->fs, ino, &inode, inst->err))
		return inst->err->code;
	if (!LINUX_S_ISLNK(inode.i_mode)) {
		*path = inst->paths.menu;
		inst->config_is_menu = true;
		return 0;
	}
	if (fs_readlink(&inst->fs, ino, target, sizeof(target), inst->err))
		return inst->err->code;
	if (strcmp(target, "grub.conf") && strcmp(target, inst->paths.conf))
		return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
				 "%s links to %s, not to grub.conf: grubinst "
				 "does not edit a menu elsewhere; give --config or "
				 "--replace-menu with --set-default or --once",
				 inst->paths.menu, target);
	return 0;
}

/* The image's menu, to be written back with its default changed. */
static int read_menu_to_edit(struct install *inst, struct gi_text *t,
			     const char **path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	ext2_ino_t ino = 0;

	if (menu_to_edit(inst, path) ||
	    fs_resolve(&inst->fs, *path, &ino, inst->err) ||
	    fs_read_file(&inst->fs, ino, CONFIG_MAX, &data, &len, inst->err))
		return inst->err->code;
	gi_text_add(t, "%.*s", (int)len, (const char *)data);
	free(data);
	return 0;
}

static bool sets_default(const struct grubinst_options *o)
{
	return o->set_default >= 0 || o->once >= 0;
}

/* Is the file at PATH byte for byte the menu the options generate?
 * Then the install keeps it and writes no menu.  */
bool config_file_is(struct install *inst, const char *path, const struct gi_text *t,
		    struct gi_err *err)
{
	uint8_t *data = NULL;
	size_t len = 0;
	ext2_ino_t ino = 0;
	bool same;

	if (t->oom || fs_resolve(&inst->fs, path, &ino, err) ||
	    fs_read_file(&inst->fs, ino, CONFIG_MAX, &data, &len, err))
		return false;
	same = len == t->len && memcmp(data, t->s, len) == 0;
	free(data);
	return same;
}

static bool same_menu(struct install *inst, const char *path)
{
	struct gi_text t = { 0 };
	bool same = !generate(inst, &t) && config_file_is(inst, path, &t, inst->err);

	free(t.s);
	if (same)
		snprintf(inst->config_origin, sizeof(inst->config_origin),
			 "kept the image's %s: it is the menu the options make",
			 path);
	return same;
}

/* The image's menu stays, but for the default --set-default and --once
 * change.  */
static int keep_menu(struct install *inst, struct gi_text *t, bool have_conf,
		     const char **path)
{
	const struct grubinst_options *o = inst->opts;
	const char *option = config_menu_option(o);
	const char *which = have_conf ? inst->paths.conf : inst->paths.menu;

	/* No option may be ignored: the menu would stay as it is, unless it
	 * is the menu the options make (the same command run again).  */
	if (option && !sets_default(o) && same_menu(inst, which))
		return 0;
	if (option)
		return inst->err->code ? inst->err->code :
		       gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  inst->img.path, "has a menu (%s): %s would "
				  "change nothing; give --replace-menu to "
				  "write a new one from the options", which, option);
	if (!sets_default(o)) {
		snprintf(inst->config_origin, sizeof(inst->config_origin),
			 "kept the image's %s", which);
		return 0;
	}
	if (read_menu_to_edit(inst, t, path))
		return inst->err->code;
	inst->write_config = true;
	snprintf(inst->config_origin, sizeof(inst->config_origin),
		 "kept the image's %s, its default changed", *path);
	return 0;
}

int config_prepare(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	struct gi_text t = { 0 };
	bool have_conf = has_menu(inst, inst->paths.conf);
	bool have_menu = has_menu(inst, inst->paths.menu);
	const char *option = config_menu_option(o), *path = inst->paths.conf;
	int rc = 0;

	if (inst->err->code || config_check_options(inst))
		return inst->err->code;
	if (o->config && option)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  o->config, "%s makes a menu, --config installs "
				  "this one: give one or the other", option);
	if (o->config) {
		rc = config_read_host(inst, &t);
		inst->write_config = true;
	} else if ((have_conf || have_menu) && !o->replace_menu) {
		rc = keep_menu(inst, &t, have_conf, &path);
		if (!rc && !inst->write_config && !have_conf)
			return 0;	/* menu.lst is a file of its own: keep it */
	} else {
		rc = generate(inst, &t);
		inst->write_config = true;
		if (!rc && (have_conf || have_menu))
			snprintf(inst->config_origin + strlen(inst->config_origin),
				 sizeof(inst->config_origin) - strlen(inst->config_origin),
				 ", replacing the image's %s",
				 have_conf ? inst->paths.conf : inst->paths.menu);
	}
	if (!rc && t.oom)
		rc = gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (!rc && sets_default(o))
		rc = default_apply(inst, &t);
	if (rc) {
		free(t.s);
		return rc;
	}
	if (inst->write_config) {
		inst->config.path = path;
		inst->config.data = (uint8_t *)t.s;
		inst->config.len = t.len;
	}
	return decide_menu_link(inst);
}

int config_write(struct install *inst)
{
	if (inst->unlink_menu && fs_remove(&inst->fs, inst->paths.menu, inst->err))
		return inst->err->code;
	if (inst->link_menu &&
	    fs_symlink(&inst->fs, inst->paths.menu, "grub.conf", inst->err))
		return inst->err->code;
	return 0;
}
