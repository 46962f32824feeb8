/*
 * What GRUB 2 (i386-pc) keeps while it runs, for its checks (grub2.c,
 * grub2cfg.c): its environment ($root, $prefix...), device and file
 * names as it parses them ("(hd0,msdos1)/x", "/x" on $root), and the
 * modules it has linked, each loaded with what it needs as kern/dl.c
 * does: a module's file from $prefix/i386-pc, its dependencies first,
 * every symbol it needs from the kernel or a module linked before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

/* ---- the environment ---- */

static struct g2_var *g2_find(struct inspect *in, const char *name)
{
	for (int i = 0; i < in->g2->nvars; i++)
		if (!strcmp(in->g2->var[i].name, name))
			return &in->g2->var[i];
	return NULL;
}

const char *g2_get(struct inspect *in, const char *name)
{
	return g2_get_from(in->g2, name);
}

const char *g2_get_from(const struct g2_state *g, const char *name)
{
	for (int i = 0; i < g->nvars; i++)
		if (!strcmp(g->var[i].name, name))
			return g->var[i].value;
	return NULL;
}

void g2_set(struct inspect *in, const char *name, const char *value, bool unknown)
{
	struct g2_var *v = g2_find(in, name);

	if (!v && in->g2->nvars < G2_VARS_MAX)
		v = &in->g2->var[in->g2->nvars++];
	if (!v)
		return;
	text_copy(v->name, sizeof(v->name), name);
	text_copy(v->value, sizeof(v->value), value);
	v->unknown = unknown;
}

void g2_free(struct inspect *in)
{
	if (!in->g2)
		return;
	grub2_core_free(&in->g2->core);
	for (int i = 0; i < in->g2->nloaded; i++)
		free(in->g2->loaded[i].owned);
	free(in->g2);
	in->g2 = NULL;
}

/* ---- devices and files ---- */

/* The partition map of BIOS drive DRIVE as GRUB 2 names it, and the
 * module that reads it.  */
const char *g2_map_name(const struct inspect *in, int drive)
{
	const struct other_disk *d = other_disk(in, drive);
	const struct ptable *pt = drive ? (d ? &d->pt : NULL) : &in->pt;

	return pt && pt->gpt ? "gpt" : "msdos";
}

static const char *g2_map_module(const struct inspect *in, int drive)
{
	return strcmp(g2_map_name(in, drive), "gpt") ? "part_msdos" : "part_gpt";
}

/* "hd0,msdos1", "hd0,gpt2", "hd0,1" or "hd0": the partition reference,
 * 0 for a whole disk, -1 when GRUB has no such device (*WHY).  */
static int g2_device(struct inspect *in, const char *dev, const char **why)
{
	char *end;
	long drive, part;
	const char *comma, *map = NULL;

	if (strncmp(dev, "hd", 2) != 0) {
		*why = "disk not found";
		return -1;
	}
	drive = strtol(dev + 2, &end, 10);
	if (end == dev + 2 || drive < 0 || drive >= GRUBINST_MAX_DISKS ||
	    (drive && !other_disk(in, (int)drive))) {
		*why = "disk not found";
		return -1;
	}
	if (*end == 0)
		return 0;
	comma = end;
	if (*comma != ',') {
		*why = "disk not found";
		return -1;
	}
	dev = comma + 1;
	/* "msdos1" and "gpt1" ask for that map, "1" for the disk's own
	 * (partition.c grub_partition_probe); its module must be loaded. */
	if (!strncmp(dev, "msdos", 5))
		dev += 5, map = "msdos";
	else if (!strncmp(dev, "gpt", 3))
		dev += 3, map = "gpt";
	part = strtol(dev, &end, 10);
	/* The image's GPT without its header: GRUB 2 sees no partition map
	 * there (partmap/gpt.c "no valid GPT header").  */
	if (!drive && in->g2 && in->g2->gpt_header_gone) {
		*why = "no such partition";
		return -1;
	}
	if (end == dev || *end || part < 1 || part >= PART_DISK_STRIDE ||
	    !part_by_grub_on(in, (int)drive, (int)part - 1) ||
	    (map && strcmp(map, g2_map_name(in, (int)drive))) ||
	    !g2_module_loaded(in, g2_map_module(in, (int)drive))) {
		*why = "no such partition";
		return -1;
	}
	return PART_REF((int)drive, (int)part);
}

int g2_file(struct inspect *in, const char *name, const char **path, const char **why)
{
	char dev[64];
	const char *root = g2_get(in, "root"), *close;
	int ref;
	struct pfs *p;

	if (name[0] == '(') {
		close = strchr(name, ')');
		if (!close || (size_t)(close - name) >= sizeof(dev)) {
			*why = "disk not found";
			return 0;
		}
		snprintf(dev, sizeof(dev), "%.*s", (int)(close - name - 1), name + 1);
		*path = close + 1;
	} else {
		text_copy(dev, sizeof(dev), root ? root : "");
		*path = name;
	}
	ref = g2_device(in, dev, why);
	if (ref < 0)
		return 0;
	if (ref == 0 || !(p = pfs_get(in, ref)) || !p->ok || !g2_module_loaded(in, "ext2")) {
		*why = "unknown filesystem";
		return 0;
	}
	/* Its ext2 reader refuses the filesystem, and the probe that tries
	 * every reader says only this (booted: inline_data).  */
	if (p->fs.e2->super->s_feature_incompat & ~GRUB2_EXT2_INCOMPAT_OK) {
		*why = "unknown filesystem";
		return 0;
	}
	if (**path != '/') {
		*why = "invalid file name";
		return 0;
	}
	return ref;
}

bool g2_plain_path(const char *path)
{
	return *path == '/' && strspn(path, "abcdefghijklmnopqrstuvwxyz"
				      "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-") ==
				      strlen(path);
}

/* ---- modules ---- */

bool g2_module_loaded(const struct inspect *in, const char *name)
{
	for (int i = 0; in->g2 && i < in->g2->nloaded; i++)
		if (!strcmp(in->g2->loaded[i].mod.name, name))
			return true;
	return false;
}

/* Is symbol NAME registered: by the kernel, or by a module linked? */
static bool symbol_known(struct inspect *in, const char *name)
{
	struct g2_state *g = in->g2;

	if (grub2_kernel_exports(g->core.kernel, g->core.kernel_size, name))
		return true;
	for (int i = 0; i < g->nloaded; i++)
		for (int s = 0; s < g->loaded[i].mod.nexports; s++)
			if (!strcmp(g->loaded[i].mod.exports[s], name))
				return true;
	return false;
}

/* Why a load failed, the first failure only. */
static bool failed(struct g2_load_error *e, enum g2_load_failure what, const char *module,
		   const char *path, const char *detail)
{
	if (e->what == G2_LOAD_OK) {
		e->what = what;
		text_copy(e->module, sizeof(e->module), module);
		text_copy(e->path, sizeof(e->path), path);
		text_copy(e->detail, sizeof(e->detail), detail);
	}
	return false;
}

static bool link_module(struct inspect *in, struct g2_loaded *l, const char *path,
			struct g2_load_error *e)
{
	if (l->mod.error)
		return failed(e, G2_LOAD_FORMAT, l->mod.name, path, l->mod.error);
	for (int d = 0; d < l->mod.ndeps; d++)
		if (!g2_load_module(in, l->mod.deps[d], e))
			return false;
	for (int s = 0; s < l->mod.nneeds; s++)
		if (!symbol_known(in, l->mod.needs[s]))
			return failed(e, G2_LOAD_SYMBOL, l->mod.name, path, l->mod.needs[s]);
	return true;
}

/* NAME.mod of the machine's directory g2->module_dir into L. */
static bool read_machine_module(struct inspect *in, const char *name, struct g2_loaded *l)
{
	char path[512];
	struct gi_file f;

	snprintf(path, sizeof(path), "%s/%s.mod", in->g2->module_dir, name);
	if (gi_read_file(path, 16u << 20, &f))
		return false;
	l->owned = f.data;
	grub2_module_parse(f.data, f.len, &l->mod);
	return true;
}

/* Reads $prefix/i386-pc/NAME.mod into the next slot; false, E says why,
 * when GRUB cannot.  */
static bool read_module(struct inspect *in, const char *name, struct g2_loaded *l,
			char *path, size_t size, struct g2_load_error *e)
{
	const char *fspath, *why, *prefix = g2_get(in, "prefix");
	struct gi_err err = { 0 };
	struct walk w;
	size_t len;
	int ref;

	snprintf(path, size, "%s/i386-pc/%s.mod", prefix ? prefix : "", name);
	if (in->g2->module_dir)
		return read_machine_module(in, name, l) ||
		       failed(e, G2_LOAD_MISSING, name, path, "not on this machine");
	ref = g2_file(in, path, &fspath, &why);
	if (!ref)
		return failed(e, G2_LOAD_PREFIX, name, path, why);
	walk_path(pfs_get(in, ref), fspath, WALK_GRUB, &w);
	if (!w.ino)
		return failed(e, G2_LOAD_MISSING, name, fspath, "");
	if (fs_read_file(&pfs_get(in, ref)->fs, w.ino, 16u << 20, &l->owned, &len, &err))
		return failed(e, G2_LOAD_MISSING, name, fspath, err.msg);
	grub2_module_parse(l->owned, len, &l->mod);
	return true;
}

bool g2_load_module(struct inspect *in, const char *name, struct g2_load_error *e)
{
	struct g2_state *g = in->g2;
	struct g2_loaded *l;
	char path[512];
	int idx;

	if (g2_module_loaded(in, name))
		return true;
	if (g->nloaded == G2_LOADED_MAX)
		return true;	/* more than any boot links: not judged */
	l = &g->loaded[g->nloaded];
	memset(l, 0, sizeof(*l));
	if (!read_module(in, name, l, path, sizeof(path), e)) {
		free(l->owned);
		return false;
	}
	/* In the table while its dependencies load, so that a module that
	 * names itself again is not loaded twice; on a failure it goes
	 * (grub_dl_unload) and the dependencies loaded for it stay.  */
	idx = g->nloaded++;
	if (!link_module(in, l, path, e)) {
		free(g->loaded[idx].owned);
		memmove(&g->loaded[idx], &g->loaded[idx + 1],
			(size_t)(g->nloaded - idx - 1) * sizeof(g->loaded[0]));
		g->nloaded--;
		return false;
	}
	return true;
}

/* ---- the fix: another build's modules ---- */


/* Links the trial's built-in modules: T's names read from T's directory,
 * or REAL's.  */
static bool trial_builtins(struct g2_state *try, const struct g2_state *real,
			   const struct g2_trial *t)
{
	char path[512];
	struct gi_file f;

	if (!t->builtin_dir) {
		memcpy(try->loaded, real->loaded, (size_t)real->nbuiltin * sizeof(try->loaded[0]));
		try->nloaded = real->nbuiltin;
		return true;
	}
	for (int i = 0; t->builtins[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s.mod", t->builtin_dir, t->builtins[i]);
		if (gi_read_file(path, 16u << 20, &f))
			return false;
		try->loaded[try->nloaded].owned = f.data;
		grub2_module_parse(f.data, f.len, &try->loaded[try->nloaded++].mod);
	}
	return true;
}

bool g2_trial_links(struct inspect *in, const struct g2_trial *t, const char *name)
{
	struct g2_state *real = in->g2, *try = calloc(1, sizeof(*try));
	struct g2_load_error e = { 0 };
	const char *prefix = t->prefix ? t->prefix : g2_get_from(real, "prefix");
	bool ok;

	if (!try)
		return false;
	/* A state of its own: the loading under way in REAL is left as it
	 * is, and only the trial's core.img modules are linked.  */
	try->core = real->core;
	if (t->kernel) {
		try->core.kernel = (uint8_t *)t->kernel;
		try->core.kernel_size = t->kernel_size;
	}
	try->module_dir = t->module_dir;
	in->g2 = try;
	ok = trial_builtins(try, real, t);
	try->nbuiltin = try->nloaded;
	if (prefix)
		g2_set(in, "prefix", prefix, false);
	ok = ok && g2_load_module(in, "normal", &e) && g2_load_module(in, name, &e);
	in->g2 = real;
	for (int i = t->builtin_dir ? 0 : real->nbuiltin; i < try->nloaded; i++)
		free(try->loaded[i].owned);
	free(try);	/* not its core: REAL's */
	return ok;
}
