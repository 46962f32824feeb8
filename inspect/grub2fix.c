/*
 * GRUB 2's failures to load what it needs, as findings with a fix that
 * runs as printed: this machine's GRUB 2 (grub-pc-bin) put into the image
 * with debugfs and dd, offered only when a trial (grub2env.c) shows that
 * what it puts there links with what stays: its modules against the
 * image's core.img, or a core.img of its grub-mkimage against the
 * image's modules.  Paths in a fix are plain ones (g2_plain_path()).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inspect/inspect.h"

/* GRUB 2's prompt once it cannot load normal.mod. */
#define RESCUE "\"grub rescue>\""

/* The modules a core.img needs to read its prefix, grub-install's set,
 * and the one grub-mkimage adds for them (ext2's dependency).  */
static const char *const core_modules_msdos[] = { "biosdisk", "part_msdos", "ext2", "fshelp", NULL };
static const char *const core_modules_gpt[] = { "biosdisk", "part_gpt", "ext2", "fshelp", NULL };

/* The partition of the image (disk 0) behind GRUB 2 path DIR and the
 * path in it, when a fix may write there; NULL otherwise.  */
static const struct partition *fix_target(struct inspect *in, const char *dir,
					  const char **fspath)
{
	const char *why;
	int ref = g2_file(in, dir, fspath, &why);
	const struct partition *p = ref ? part_of_ref(in, ref) : NULL;

	return p && !part_ref_disk(ref) && g2_plain_path(*fspath) ? p : NULL;
}

/* This machine's modules and lists copied into $prefix/i386-pc with
 * debugfs, when they link against the image's core.img as NAME needs.  */
static const char *modules_fix(struct inspect *in, const char *name)
{
	const char *prefix = g2_get(in, "prefix"), *fspath;
	char dir[300], mkdir[320] = "";
	const struct partition *p;
	struct gi_err err = { 0 };
	ext2_ino_t dino = 0;

	if (in->g2->module_dir || !prefix)
		return NULL;
	text_printf(dir, sizeof(dir), "%s/i386-pc", prefix);
	p = fix_target(in, dir, &fspath);
	if (!p || !g2_trial_links(in, &(struct g2_trial){ .module_dir = MACHINE_GRUB2_DIR },
				  name))
		return NULL;
	/* debugfs's mkdir of a name that is there leaves an inode behind
	 * (e2fsprogs 1.47): only for a directory that is missing.  */
	if (fs_lookup(&pfs_get(in, p->number)->fs, fspath, &dino, &err) || !dino)
		text_printf(mkdir, sizeof(mkdir), "mkdir %s\\n", fspath);
	return fixf(in, "{ printf '%s'; for f in " MACHINE_GRUB2_DIR "/*.mod "
		    MACHINE_GRUB2_DIR "/*.lst; do printf 'rm %s/%%s\\nwrite %%s %s/%%s\\n' "
		    "\"${f##*/}\" \"$f\" \"${f##*/}\"; done; } | debugfs -w -f - "
		    "'IMAGE?offset=%llu'", mkdir, fspath, fspath,
		    (unsigned long long)p->start * SECTOR_SIZE);
}

void g2_report_load(struct inspect *in, const struct g2_load_error *e,
		    enum grubinst_severity sev)
{
	const char *rescue = strcmp(e->module, "normal") ? "" : ", then " RESCUE;

	switch (e->what) {
	case G2_LOAD_OK:
		return;
	case G2_LOAD_PREFIX:
		finding(in, sev, FC_GRUB2_PREFIX,
			NOTE(.path = e->path, .fix = g2_core_fix(in)),
			"GRUB 2 cannot open %s: \"error: %s.\"%s", e->path, e->detail,
			rescue);
		return;
	case G2_LOAD_MISSING:
		finding(in, sev, FC_GRUB2_MODULE_MISSING,
			NOTE(.path = e->path, .fix = modules_fix(in, e->module)),
			"%s %s: GRUB 2 stops with \"error: file `%s' not found.\"%s",
			e->path, e->detail[0] ? "cannot be read" : "is not there",
			e->path, rescue);
		return;
	case G2_LOAD_FORMAT:
		finding(in, sev, FC_GRUB2_MODULE_FORMAT,
			NOTE(.path = e->path, .fix = modules_fix(in, e->module)),
			"%s is not a module GRUB 2 loads: GRUB stops with \"error: %s\"%s",
			e->path, e->detail, rescue);
		return;
	case G2_LOAD_SYMBOL:
		finding(in, sev, FC_GRUB2_MODULE_SYMBOL,
			NOTE(.path = e->path, .fix = modules_fix(in, e->module)),
			"%s needs symbol %s, which neither core.img's kernel nor a "
			"module loaded before it has: the module comes from another "
			"GRUB 2 build than core.img, and GRUB stops with \"error: "
			"symbol `%s' not found\"%s", e->path, e->detail, e->detail, rescue);
		return;
	}
}

/* ---- a new core.img ---- */

/* How many sectors from SECTOR on are free for core.img: up to the next
 * partition, or to the end of the BIOS boot partition SECTOR is in; 0
 * when SECTOR is in another partition (a file's blocks: not for dd).  */
static uint64_t room_at(const struct inspect *in, uint64_t sector)
{
	const struct partition *home = part_of_sector(in, sector);
	uint64_t end = UINT64_MAX;

	if (home)
		return strcasecmp(home->guid_type, GPT_BIOS_BOOT) ? 0
		       : home->start + home->size - sector;
	if (in->pt.gpt && sector < GPT_FIRST_USABLE)
		return 0;
	for (int i = 0; i < in->pt.count; i++)
		if (in->pt.part[i].size && in->pt.part[i].start > sector &&
		    in->pt.part[i].start < end)
			end = in->pt.part[i].start;
	return end == UINT64_MAX ? 0 : end - sector;
}

/* The partition whose DIR/i386-pc/normal.mod is there, GRUB 2's name
 * for DIR there into PREFIX; NULL when none has.  */
static const struct partition *modules_home(struct inspect *in, char *prefix, size_t size)
{
	static const char *const dirs[] = { GRUB2_DIR, GRUB2_DIR_OWN_BOOT };
	char path[64];

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++)
		for (int i = 0; in->have_table && i < in->pt.count; i++) {
			const struct partition *p = &in->pt.part[i];
			struct pfs *f = p->container ? NULL : pfs_get(in, p->number);
			struct gi_err err = { 0 };
			ext2_ino_t ino = 0;

			snprintf(path, sizeof(path), "%s/i386-pc/normal.mod", dirs[d]);
			if (!f || !f->ok || fs_lookup(&f->fs, path, &ino, &err) || !ino)
				continue;
			text_printf(prefix, size, "(hd0,%s%d)%s", in->pt.gpt ? "gpt" : "msdos",
				    p->number, dirs[d]);
			return p;
		}
	return NULL;
}

/* diskboot.img's first block list entry as mkimage leaves it names
 * sector 2: where core.img is not at sector 1, the fix writes the start
 * of its second sector there (bytes 500..507, little-endian), as setup
 * would, in printf's octal escapes.  */
static void blocklist_patch(uint64_t second, char *buf, size_t size)
{
	size_t used;

	if (second == 2) {
		buf[0] = 0;
		return;
	}
	used = (size_t)snprintf(buf, size, " && printf '");
	for (int i = 0; i < 8 && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "\\%03o",
					 (unsigned)(second >> (8 * i)) & 0xff);
	snprintf(buf + used, size - used, "' | dd of=\"$t\" bs=1 seek=%u conv=notrunc "
		 "status=none", SECTOR_SIZE - 12);
}

const char *g2_core_fix(struct inspect *in)
{
	uint64_t at = in->g2->boot.kernel_sector, room = at ? room_at(in, at) : 0;
	const char *const *mods = in->pt.gpt ? core_modules_gpt : core_modules_msdos;
	char prefix[64], patch[160];
	struct gi_file kernel;
	bool links;

	if (!room || in->g2->module_dir || !modules_home(in, prefix, sizeof(prefix)) ||
	    gi_read_file(MACHINE_GRUB2_DIR "/kernel.img", 1u << 20, &kernel))
		return NULL;
	links = g2_trial_links(in, &(struct g2_trial){ .kernel = kernel.data,
			       .kernel_size = kernel.len, .builtin_dir = MACHINE_GRUB2_DIR,
			       .builtins = mods, .prefix = prefix }, "normal");
	free(kernel.data);
	if (!links)
		return NULL;
	blocklist_patch(at + 1, patch, sizeof(patch));
	return fixf(in, "t=$(mktemp) && grub-mkimage -O i386-pc -d " MACHINE_GRUB2_DIR
		    " -o \"$t\" -p '%s' %s %s %s && [ \"$(stat -c %%s \"$t\")\" -le %llu ]%s "
		    "&& dd if=\"$t\" of=IMAGE bs=512 seek=%llu conv=notrunc status=none && "
		    "rm \"$t\"", prefix, mods[0], mods[1], mods[2],
		    (unsigned long long)(room * SECTOR_SIZE), patch, (unsigned long long)at);
}

/* ---- a grub.cfg written by the install ---- */

/* The embedding area a first partition at sector 63 leaves: where
 * grub-install's smallest core.img (biosdisk, the partition map, ext2)
 * fits, and so the install's.  */
#define INSTALL_ROOM 62

/* Room where the install puts core.img: after the MBR, or the BIOS boot
 * partition of a GPT.  */
static uint64_t install_room(const struct inspect *in)
{
	for (int i = 0; in->pt.gpt && i < in->pt.count; i++)
		if (!strcasecmp(in->pt.part[i].guid_type, GPT_BIOS_BOOT))
			return in->pt.part[i].size;
	return in->pt.gpt ? 0 : room_at(in, 1);
}

const char *g2_install_fix(struct inspect *in, bool replace)
{
	const char *prefix = g2_get(in, "prefix"), *fspath, *slash;
	const struct partition *p;
	char kernels[300], boot_dir[320] = "";

	if (!prefix || in->g2->module_dir || install_room(in) < INSTALL_ROOM)
		return NULL;
	p = fix_target(in, prefix, &fspath);
	slash = p ? strrchr(fspath, '/') : NULL;
	/* --boot-dir's bounds (installer/paths.c). */
	if (!slash || fspath[0] != '/' || strlen(fspath) > 33 || p->container)
		return NULL;
	text_printf(kernels, sizeof(kernels), "%.*s", slash == fspath ? 1 : (int)(slash - fspath),
		    fspath);
	if (!kernels_in(pfs_get(in, p->number), kernels))
		return NULL;
	if (strcmp(fspath, GRUB2_DIR))
		text_printf(boot_dir, sizeof(boot_dir), " --boot-dir %s", fspath);
	return fixf(in, "grubinst --loader grub2 --partition %d%s%s IMAGE", p->number,
		    boot_dir, replace ? " --replace-menu" : "");
}
