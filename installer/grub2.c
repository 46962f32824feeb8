/* GRUB 2 (i386-pc) as an install puts it in, as grub-install and
 * grub-bios-setup do, on a file and without root: core.img from the
 * build's grub-mkimage after the MBR (or in the BIOS boot partition of a
 * GPT), the build's modules, grub.cfg and grubenv in GRUB's directory,
 * boot.img in the MBR.  The row of loaders.c; its files are grub2core.c
 * and grub2files.c.  */
#include <stdio.h>
#include <stdlib.h>

#include "installer/installer.h"

static int plan(struct install *inst)
{
	inst->g2 = calloc(1, sizeof(*inst->g2));
	if (!inst->g2)
		return gi_fail(inst->err, GRUBINST_ENOMEM, "out of memory");
	if (g2i_load_build(inst) || g2i_config(inst) || g2i_make_core(inst) ||
	    g2i_place_core(inst))
		return inst->err->code;
	return 0;
}

static int queue_files(struct install *inst)
{
	return g2i_write_files(inst);
}

static int queue_boot(struct install *inst)
{
	return g2i_write_core(inst);
}

/* What --set-default and --once left in grubenv. */
static void report_default(struct install *inst)
{
	const struct grubinst_options *o = inst->opts;
	int base = o->set_default >= 0 ? o->set_default : 0;

	if (o->once >= 0 && o->once != base)
		gi_report(&inst->g->rep, "default: entry %d boots once (next_entry), then "
			  "entry %d (saved_entry, %s)", o->once, base, inst->g2->env_path);
	else
		gi_report(&inst->g->rep, "default: entry %d (saved_entry, %s)", base,
			  inst->g2->env_path);
}

static void report(struct install *inst)
{
	const struct gi_reporter *r = &inst->g->rep;
	const struct g2_install *g2 = inst->g2;
	const char *verb = inst->opts->dry_run ? "would install" : "installed";
	uint64_t last = g2->core_at + g2->core_sectors - 1;
	char name[24];

	snprintf(name, sizeof(name), "(hd0,%s%d)", inst->pt.gpt ? "gpt" : "msdos",
		 inst->boot->number);
	target_report(inst, name);
	gi_report(r, "GRUB 2 %s from %s", g2->version[0] ? g2->version : "(version unknown)",
		  g2->dir);
	gi_report(r, "core.img: %zu bytes (%u sectors), modules %s %s %s, prefix %s",
		  g2->core_len, g2->core_sectors, g2->modules[0], g2->modules[1],
		  g2->modules[2], g2->prefix);
	if (g2->bios_boot)
		gi_report(r, "core.img %s in the BIOS boot partition %d: sectors %llu..%llu",
			  verb, g2->bios_boot->number, (unsigned long long)g2->core_at,
			  (unsigned long long)last);
	else
		gi_report(r, "core.img %s after the MBR: sectors %llu..%llu", verb,
			  (unsigned long long)g2->core_at, (unsigned long long)last);
	gi_report(r, "%s: %zu files of the build, %llu bytes, and core.img", g2->mod_dir,
		  g2->nfiles, (unsigned long long)g2->files_bytes);
	gi_report(r, "menu: %s: %s", g2->cfg_path, g2->cfg_origin);
	if (inst->opts->set_default >= 0 || inst->opts->once >= 0)
		report_default(inst);
	gi_report(r, "boot.img %s in the MBR (sector 0), loads sector %llu",
		  verb, (unsigned long long)g2->core_at);
	gi_report(r, "boot chain: boot.img -> core.img -> %s/normal.mod -> %s",
		  g2->mod_dir, g2->cfg_path);
}

static void release(struct install *inst)
{
	g2i_free(inst->g2);
	inst->g2 = NULL;
}

const struct install_loader grub2_install = {
	.name = "grub2",
	.id = GRUBINST_LOADER_GRUB2,
	.reads_gpt = true,
	.dir = GRUB2_DIR,
	.fs_rules = NULL,
	.plan = plan,
	.queue_files = queue_files,
	.queue_boot = queue_boot,
	.report = report,
	.release = release,
};
