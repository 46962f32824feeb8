/* Where GRUB's files go in the boot partition: /boot/grub, or the
 * directory of --boot-dir, as the grub shell's "setup --prefix=DIR" puts
 * them (/grub when /boot is a partition of its own).  The stage1.5 holds
 * DIR/stage2 and stage2 DIR/menu.lst, so that is where GRUB looks; the
 * kernels of a generated menu are looked for in the directory above.  */
#include <stdio.h>
#include <string.h>

#include "installer/installer.h"

/* A stage1.5 keeps "DIR/stage2 DIR/menu.lst" and a NUL in the 85 bytes
 * between its device word and 0x70 (stages/layout.h), as setup writes
 * them: 2 * DIR + 18 bytes.  */
#define BOOT_DIR_MAX 33

/* Absolute, without blanks or control characters (GRUB ends a file name
 * at a blank), "." or "..", empty components or a trailing slash: the
 * name GRUB opens is the very one written into the stage files.  */
static const char *bad_dir(const char *d)
{
	if (d[0] != '/' || !d[1])
		return "is not an absolute path below /";
	if (strlen(d) > BOOT_DIR_MAX)
		return "is longer than the 33 bytes GRUB's stage1.5 has room for "
		       "(DIR/stage2 and DIR/menu.lst in 85 bytes)";
	for (const char *c = d; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == 0x7f)
			return "holds a blank or a control character, where GRUB "
			       "ends a file name";
	/* C at each slash, the component after it. */
	for (const char *c = d; c; c = strchr(c + 1, '/')) {
		size_t n = strcspn(c + 1, "/");

		if (n == 0 || (n == 1 && c[1] == '.') ||
		    (n == 2 && strncmp(c + 1, "..", 2) == 0))
			return "has an empty, \".\" or \"..\" component or a "
			       "trailing slash";
	}
	return NULL;
}

int paths_set(struct install *inst)
{
	struct grub_paths *p = &inst->paths;
	const char *dir = inst->opts->boot_dir ? inst->opts->boot_dir
					       : inst->loader->dir;
	const char *why = bad_dir(dir);
	const char *slash;

	if (why)
		return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE,
				  "--boot-dir", "%s %s", dir, why);
	snprintf(p->dir, sizeof(p->dir), "%s", dir);
	slash = strrchr(dir, '/');
	snprintf(p->kernels, sizeof(p->kernels), "%.*s",
		 slash == dir ? 1 : (int)(slash - dir), dir);
	snprintf(p->stage1, sizeof(p->stage1), "%s/stage1", dir);
	snprintf(p->stage1_5, sizeof(p->stage1_5), "%s/e2fs_stage1_5", dir);
	snprintf(p->stage2, sizeof(p->stage2), "%s/stage2", dir);
	snprintf(p->menu, sizeof(p->menu), "%s/menu.lst", dir);
	snprintf(p->conf, sizeof(p->conf), "%s/grub.conf", dir);
	snprintf(p->deflt, sizeof(p->deflt), "%s/default", dir);
	/* setup's "install ... p (hd0,N)DIR/stage2 DIR/menu.lst" copies the
	 * rest of its line into the stage1.5: the stage1.5 stops reading at
	 * the space; the same bytes make an install match the grub shell's. */
	snprintf(p->stage1_5_field, sizeof(p->stage1_5_field), "%s %s",
		 p->stage2, p->menu);
	/* Without a stage1.5, setup's install line ends "p DIR/menu.lst "
	 * (an empty last argument) and stage2 gets the trailing space too. */
	snprintf(p->direct_menu_field, sizeof(p->direct_menu_field), "%s ",
		 p->menu);
	return 0;
}
