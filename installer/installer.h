/*
 * The installer, in the order it runs:
 *   paths.c    where GRUB's files go (the loader's row, or --boot-dir)
 *   target.c   open the image, choose the boot partition, refuse what
 *              cannot boot (filesystem overhang, unreadable features)
 *   config.c   keep, install or generate grub.conf and the menu.lst link,
 *              with kernels.c (the kernels a generated menu offers),
 *              rootspec.c (its root=) and default.c (--set-default,
 *              --once)
 *   files.c    place the stage files in /boot/grub, contiguous
 *   holes.c    zeros for the holes of the files GRUB loads
 *   embed.c    decide whether stage1.5 fits after the MBR, and write it
 *   bootsector.c  write stage1 into the boot sector: always the last write
 *   result.c   the image as the install leaves it, checked by the
 *              inspector before anything is written
 *   legacy.c   GRUB Legacy's row: the plan, the writes and the report
 *              of the files above (loaders.c: one row per loader)
 *   grub2.c    GRUB 2's row (i386-pc), with grub2core.c (core.img by
 *              grub-mkimage, where it goes, boot.img) and grub2files.c
 *              (the module directory, grub.cfg and grubenv)
 *   install.c  grubinst_install(): the order of it all
 */
#ifndef GRUBINST_INSTALLER_H
#define GRUBINST_INSTALLER_H

#include "disk/disk.h"
#include "stages/stage.h"
#include "inspect/inspect.h"

/* The files of GRUB's directory, inside the boot partition. */
struct grub_paths {
	char dir[40];		/* /boot/grub, or --boot-dir */
	char kernels[40];	/* the directory above: a generated menu's kernels */
	char stage1[56], stage1_5[56], stage2[56];
	char menu[56];		/* menu.lst: what stage2 opens */
	char conf[56];		/* grub.conf: what grubinst writes */
	char deflt[56];		/* default: the saved entry (stage2.c cmain) */
	char stage1_5_field[112];	/* the stage1.5's stage2 path field */
	char direct_menu_field[64];	/* stage2's menu field, loaded by stage1 */
};

struct install;

/* A boot loader as an install puts it in: the OpenBSD installboot way, a
 * few functions each loader has, called by install.c in its order.  */
struct install_loader {
	const char *name;		/* as --verify's row names it */
	enum grubinst_loader id;	/* the option that asks for it */
	bool reads_gpt;			/* it boots from a GPT disk too */
	const char *dir;		/* where its files go, unless
					   --boot-dir says otherwise */
	/* Its own rules on the boot partition and its filesystem, after
	 * those every loader shares; NULL when the check of the result
	 * judges what its reader cannot read.  */
	bool (*fs_rules)(const struct rule_target *t, struct verdict *v);
	/* Everything decided before a write, after the image and its boot
	 * partition passed the rules every loader shares (target.c).  */
	int (*plan)(struct install *inst);
	/* Its writes into the boot partition's filesystem, queued. */
	int (*queue_files)(struct install *inst);
	/* Its writes outside it (sectors after the MBR, the boot sector),
	 * queued: committed after the filesystem's, the boot sector last.  */
	int (*queue_boot)(struct install *inst);
	/* The report lines of what was (or would be) installed. */
	void (*report)(struct install *inst);
	/* Frees what its plan allocated; NULL when nothing. */
	void (*release)(struct install *inst);
};
/* loaders.c: the rows, NULL after the last; the first is the default. */
extern const struct install_loader *const install_loaders[];
/* legacy.c */
extern const struct install_loader grub_legacy_install;
/* grub2.c */
extern const struct install_loader grub2_install;
/* The row of option ID, NULL when there is none. */
const struct install_loader *install_loader_for(enum grubinst_loader id);

/* How stage1 reaches stage2. */
enum chain {
	CHAIN_EMBEDDED,		/* stage1 -> stage1.5 in sectors 1..N -> stage2 */
	CHAIN_STAGE1_5_FILE,	/* stage1 -> /boot/grub/e2fs_stage1_5 -> stage2 */
	CHAIN_STAGE2,		/* stage1 -> /boot/grub/stage2 */
};

/* One file the installer puts into /boot/grub. */
struct placed_file {
	const char *path;
	uint8_t *data;		/* final contents (patched) */
	size_t len;
	uint64_t first_block;	/* its block 0 */
	bool reuse;		/* the existing file has the right length:
				   rewrite it in place */
	bool unchanged;		/* ...and holds these very bytes */
	struct extent *runs;	/* a reused file's blocks, when more than one
				   run (they cover it, in order, no holes) */
	size_t nruns;
	ext2_ino_t ino;		/* a reused file's inode */
};

struct install {
	grubinst *g;
	const struct install_loader *loader;	/* install.c: whose install */
	struct gi_err *err;
	const struct grubinst_options *opts;
	struct image img;
	struct undo undo;		/* target.c: the undo layer over img */
	struct ptable pt;
	const struct partition *boot;
	struct grub_paths paths;
	struct fs fs;
	const char *fs_kind;		/* "ext4"..., kept for the report */
	struct journal journal;		/* every write, until commit */
	struct stage_set stages;
	uint8_t mbr[SECTOR_SIZE];	/* sector 0 as found */
	uint8_t old_boot[SECTOR_SIZE];	/* the sector stage1 will replace */
	uint64_t boot_sector;		/* where stage1 goes: 0 or partition start */

	enum chain chain;
	unsigned embed_sectors;
	char no_embed_reason[256];

	struct placed_file stage1, stage1_5, stage2;
	struct placed_file config;	/* grub.conf, when we write one (or
					   menu.lst: config_is_menu) */
	bool write_config;
	bool config_is_menu;		/* the menu edited is menu.lst itself */
	char root_arg[160];		/* rootspec.c: "root=..." */
	struct placed_file deflt;	/* default.c: the file "default" */
	bool write_default;
	char default_report[160];	/* default.c: what boots, for the report */
	bool link_menu;			/* (re)make menu.lst -> grub.conf */
	bool unlink_menu;		/* ...in place of a menu.lst file */
	char config_origin[300];	/* for the report */

	uint8_t *embedded;		/* patched stage1.5 for sectors 1..N */
	uint8_t boot_code[SECTOR_SIZE];	/* the stage1 to write */

	char filled[600];		/* holes.c: files whose holes were filled */
	char moved[600];		/* holes.c: files moved so that their
					   extent tree fits in the inode */

	struct g2_install *g2;		/* grub2*.c: GRUB 2's plan */

	/* result.c: the check of the image as it will be */
	struct verdict refusal;		/* the first failure GRUB would meet */
	char (*later)[1200];		/* failures after GRUB: "message [code]" */
	size_t nlater, later_cap;
	bool later_oom;
};

int paths_set(struct install *inst);

/* ---- grub2*.c: GRUB 2's install ---- */

/* A file of the GRUB 2 build copied into DIR/i386-pc. */
struct g2_file {
	char name[64];
	uint8_t *data;
	size_t len;
};

struct g2_install {
	const char *dir;		/* the i386-pc directory of the build */
	char version[64];		/* its grub_package_version, or "" */
	char prefix[80];		/* core.img's: "(,msdos1)/boot/grub" */
	const char *modules[3];		/* built into core.img */
	uint8_t *core;			/* grub-mkimage's core.img */
	size_t core_len;
	unsigned core_sectors;
	uint64_t core_at;		/* its first sector on the disk */
	uint8_t *embedded;		/* core.img as it goes there */
	const struct partition *bios_boot;	/* GPT: where it goes */
	uint8_t boot_img[SECTOR_SIZE];	/* boot.img patched for sector 0 */
	struct g2_file *files;		/* the build's files, boot.img too */
	size_t nfiles, files_cap;
	uint64_t files_bytes;
	struct gi_text cfg;		/* grub.cfg to write */
	int entries;			/* ...its menu entries */
	bool write_cfg;
	char cfg_origin[300];		/* for the report */
	char cfg_path[64], env_path[64], mod_dir[64];
};

/* grub2core.c */
int g2i_make_core(struct install *inst);
int g2i_place_core(struct install *inst);
int g2i_write_core(struct install *inst);
/* grub2files.c */
int g2i_load_build(struct install *inst);
int g2i_config(struct install *inst);
int g2i_write_files(struct install *inst);
void g2i_free(struct g2_install *g2);

/* kernels.c: the kernels a generated menu offers, newest first. */
#define KERNEL_NAME_MAX 256
struct kernel {
	char name[KERNEL_NAME_MAX];	/* in the kernels' directory */
	ext2_ino_t ino;			/* the file, links followed */
	bool link;			/* the name is a symbolic link */
};
struct kernel_list {
	struct kernel *k;
	int count;
	size_t cap;
	bool oom;
	/* The initrds of the same listing (initrd*, initramfs*), sorted by
	 * name; LINK set for a name that is not a regular file.  */
	struct kernel *initrd;
	size_t ninitrd, initrd_cap;
};
/* Is NAME a file of the kernels' directory by the listing KL: 1 a regular
 * file, 0 none, -1 a link or another kind to look at by path.  */
int kernels_has_initrd(const struct kernel_list *kl, const char *name);
int kernels_list(struct install *inst, struct kernel_list *kl);
void kernels_free(struct kernel_list *kl);
/* NAME in the kernels' directory, as GRUB and the menu name it. */
void kernels_path(const struct install *inst, const char *name, char *buf,
		  size_t size);


/* rootspec.c: inst->root_arg for a generated menu's kernel lines. */
int rootspec_prepare(struct install *inst);

/* default.c: --set-default and --once: "default saved" in the menu T,
 * "savedefault" in the entry booted once, and the file "default".  */
int default_apply(struct install *inst, struct gi_text *t);

int target_open(struct install *inst);
/* The report's first line: the image, the boot partition as the loader
 * names it (GRUB_NAME: "(hd0,0)", "(hd0,msdos1)"), its filesystem.  */
void target_report(struct install *inst, const char *grub_name);
int target_check_filesystem(struct install *inst);
/* Refuses the install with a rule's verdict: its words, its code, its fix. */
int target_refuse(struct install *inst, const struct verdict *v);
/* ...or as the finding CODE, with a message of its own. */
int target_refuse_code(struct install *inst, const char *code,
		       const char *fix, const char *fmt, ...) GI_PRINTF(4, 5);

/* config.c, for every loader's generated menu: the option values that
 * go into it, one line each; the initrd of a kernel of the listing KL;
 * the kernel's arguments after its path.  */
int config_check_options(struct install *inst);
bool config_append_has_root(const struct grubinst_options *o);
bool config_find_initrd(struct install *inst, const struct kernel_list *kl,
			const char *kernel, char *out, size_t size);
void config_kernel_args(struct install *inst, struct gi_text *t);
/* --config FILE into T (inst->config_origin says so). */
int config_read_host(struct install *inst, struct gi_text *t);
/* The first option given that goes into a generated menu, or NULL. */
const char *config_menu_option(const struct grubinst_options *o);
/* A generated menu's entries: ADD is called for each kernel of the
 * kernels' directory, newest first, with its initrd (or --initrd's, or
 * NULL); *COUNT of them, ORIGIN says so.  No kernel refuses the install
 * as the finding CODE, MENUS naming the menus the image lacks.  */
typedef void (*config_entry_fn)(struct install *inst, struct gi_text *t,
				const char *kernel, const char *initrd);
int config_kernel_entries(struct install *inst, struct gi_text *t,
			  config_entry_fn add, const char *code, const char *menus,
			  char *origin, size_t size, int *count);
/* Does the file at PATH hold T, byte for byte?  A file that cannot be
 * read does not (ERR says why).  */
bool config_file_is(struct install *inst, const char *path, const struct gi_text *t,
		    struct gi_err *err);
int config_prepare(struct install *inst);
int config_write(struct install *inst);

int files_place(struct install *inst);
int files_patch(struct install *inst);
int files_write(struct install *inst);
void files_free(struct install *inst);

void embed_decide(struct install *inst);
int embed_prepare(struct install *inst);
int embed_write(struct install *inst);

void bootsector_build(struct install *inst);
int bootsector_write(struct install *inst);

int holes_fill(struct install *inst);

int result_check(struct install *inst);
void result_report(struct install *inst);
void result_free(struct install *inst);

/* A file's sector 0 as an absolute disk sector. */
static inline uint64_t placed_sector(const struct install *inst,
				     const struct placed_file *f)
{
	return fs_block_sector(&inst->fs, f->first_block);
}

#endif
