/*
 * The inspector: grubinst_verify() reads an image (never writes it) and
 * predicts its boot as the BIOS, GRUB 0.97 and Linux will see it.
 * pipeline.c runs the checks in boot order, one file each, the boot
 * loader's between the shared ones (loaders.c: a row per loader):
 *   partitions.c  MBR signature and partition table
 *   bootcode.c    what code sector 0 (or the active partition's) holds
 *   chain.c       stage1 -> stage1.5 -> stage2 -> menu, block lists, paths
 *   blocks.c      every block of every inode against the partition end
 *   fsfeatures.c  filesystem features and per-file storage GRUB cannot read
 *   menu.c        menu.lst as GRUB parses it, entry by entry
 *   grub2.c       GRUB 2's row instead of chain.c..menu.c: boot.img ->
 *                 core.img -> normal.mod (grub2env.c: its environment,
 *                 files and modules; grub2fix.c: failures and their
 *                 fixes), then grub2cfg.c: grub.cfg
 *   kernel.c      the kernel image (bzImage / multiboot) and its command line
 *   userspace.c   root filesystem, init, libraries, /dev/console
 * on the state of context.c (the image, partitions, filesystems), with
 *   rules.c       what the installer checks too: one home per rule
 *   grubpath.c    path lookup following symlinks as GRUB or Linux does
 *   elf.c         a small bounds-checked ELF reader
 *   menuedit.c    fixes that edit a line of a menu file in place
 *   finding.c     finding emission, by the codes of codes.c (one table: each
 *                 code's name, area and severities, as docs/verify.md);
 *                 json.c the JSON report; map.c the disk map; explain.c
 *                 GRUB's error messages
 */
#ifndef GRUBINST_INSPECT_H
#define GRUBINST_INSPECT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "disk/disk.h"
#include "grub2/grub2.h"
#include "stages/menu.h"
#include "stages/stage.h"
#include "inspect/codes.h"
#include "inspect/rules.h"

#define OK GRUBINST_SEV_OK
#define WARN GRUBINST_SEV_WARN
#define FAIL GRUBINST_SEV_FAIL

/* The areas of findings, in boot order (grubinst_area_name()). */
#define AREA_DISK GRUBINST_AREA_DISK
#define AREA_BOOTCODE GRUBINST_AREA_BOOTCODE
#define AREA_CHAIN GRUBINST_AREA_CHAIN
#define AREA_FILESYSTEM GRUBINST_AREA_FILESYSTEM
#define AREA_FEATURES GRUBINST_AREA_FEATURES
#define AREA_MENU GRUBINST_AREA_MENU
#define AREA_USERSPACE GRUBINST_AREA_USERSPACE

/* GRUB 0.97 error numbers (stage2/shared.h) the checks refer to. */
enum grub_err {
	GERR_BAD_FILETYPE = 2,
	GERR_BAD_VERSION = 6,
	GERR_BOOT_FEATURES = 10,
	GERR_DEV_FORMAT = 11,
	GERR_EXEC_FORMAT = 13,
	GERR_FILELENGTH = 14,
	GERR_FILE_NOT_FOUND = 15,
	GERR_FSYS_CORRUPT = 16,
	GERR_FSYS_MOUNT = 17,
	GERR_NEED_LX_KERNEL = 19,
	GERR_NO_DISK = 21,
	GERR_NO_PART = 22,
	GERR_OUTSIDE_PART = 24,
	GERR_READ = 25,
	GERR_SYMLINK_LOOP = 26,
	GERR_UNRECOGNIZED = 27,
	GERR_BAD_ARGUMENT = 30,
	GERR_MAX = 35,
};

/* Where a finding points; all optional.  AT(s) names a sector, IN_AREA(a)
 * another area than its code's row gives first (one the row allows).  */
/* Who stops when a check fails: GRUB (or the BIOS before it), which an
 * install must not leave behind, or Linux once GRUB has started it, which
 * an install does not need and reports.  SCOPE_CHECK: the check's own
 * (pipeline.c).  SCOPE_REFUSE: a rule's verdict that stops an install
 * (rules.c: verdict.refuse), a warning too; otherwise as SCOPE_GRUB.  */
enum scope { SCOPE_CHECK = 0, SCOPE_GRUB, SCOPE_LINUX, SCOPE_REFUSE };

struct note {
	const char *path;
	const char *fix;
	bool fix_installs;	/* FIX runs an install, which the installer
				   refuses while a finding refuses it
				   (INSTALL_FIX) */
	int grub_error;
	long long sector_plus1;	/* 0: none (so that sector 0 can be named) */
	enum scope scope;
	bool refuses_install;	/* grubinst refuses to install until it is fixed */
	int area_plus1;		/* 0: its code's first area (IN_AREA) */
};
#define AT(s) .sector_plus1 = note_sector(s)
#define IN_AREA(a) .area_plus1 = (int)(a) + 1
/* The fix CMD is an install ("grubinst IMAGE"): while the installer
 * refuses the image, the refusal's own fix must come first.  */
#define INSTALL_FIX(cmd) .fix = (cmd), .fix_installs = true

/* Sectors past LLONG_MAX come from damaged metadata: name none. */
static inline long long note_sector(uint64_t s)
{
	return s < (uint64_t)LLONG_MAX ? (long long)s + 1 : 0;
}
#define NOTE(...) ((struct note){ __VA_ARGS__ })

/* ---- what stage1 points at ---- */

enum boot_kind {
	BOOT_UNKNOWN,		/* some code we do not know */
	BOOT_EMPTY,		/* the code area is all zeros */
	BOOT_GRUB_LEGACY,	/* GRUB 0.97 stage1 */
	BOOT_GRUB2,		/* GRUB 2 boot.img */
	BOOT_SYSLINUX,		/* syslinux/extlinux mbr.bin */
	BOOT_DOS,		/* MS-DOS / Windows MBR: chains the active one */
};

struct bootcode {
	enum boot_kind kind;
	const char *name;	/* for messages */
	bool chains_active;	/* MBR code that loads the active partition */
	int chains_partition;	/* ...or this one (syslinux altmbr.bin) */
	bool needs_gpt;		/* syslinux gptmbr.bin */
	struct stage1_fields stage1;	/* GRUB Legacy's, stages/stage1.c */
	/* GRUB 2 boot.img */
	uint64_t grub2_sector;
};

/* A filesystem, opened on demand, with what was learned scanning it. */
struct census_hit {
	ext2_ino_t ino;
	uint64_t first, last;	/* blocks past the partition end */
	uint64_t count;
	bool meta;		/* an indirect / extent-tree block is among them */
	bool data;
	errcode_t map_error;	/* or: its block map cannot be followed (the
				   iterator's damage code; no blocks above) */
};

#define CENSUS_HITS 16
#define CENSUS_WANTS 4

struct census {
	bool done;
	bool by_bitmaps;	/* answered by the block bitmaps alone: no
				   inode was read, no hit, no owner */
	bool failed;
	uint64_t inodes;
	uint64_t bad_inodes;	/* inodes with blocks past the end */
	struct census_hit hit[CENSUS_HITS];
	size_t nhits;
	/* Files walked on their own with blocks past the end or a map that
	 * cannot be followed: the hits when the bitmaps answered.  */
	struct census_hit noted[CENSUS_HITS];
	size_t nnoted;
	/* Reverse lookups: which inode holds block WANT[i], as block LBLK. */
	uint64_t want[CENSUS_WANTS];
	ext2_ino_t owner[CENSUS_WANTS];
	int64_t owner_lblk[CENSUS_WANTS];
	size_t nwant;
};

struct pfs {
	const struct partition *part;
	bool tried;
	bool ok;
	struct fs fs;
	uint64_t sectors;	/* of the partition that the image holds: the
				   kernel truncates a partition at the end of
				   the disk ("extends beyond EOD") */
	bool cut;		/* ...less than the partition table says */
	uint64_t limit;		/* first block past that end */
	uint64_t reach;		/* grub_disk_reach() of its disk */
	uint64_t grub_limit;	/* first block GRUB 0.97 cannot read
				   (REACH), at most LIMIT */
	struct census census;
	bool installs;		/* context.c: an install goes here (rules.h) */
	const struct journal *since;	/* context.c: the install's writes,
					   when its own check judged this
					   partition before them */
	int journal_state;	/* fsfeatures.c: 0 unread, 1 read, -1 unreadable */
	struct fs_blocks journal;	/* blocks its journal still has to replay */
	char why[256];		/* why it did not open */
};

/* ---- the menu, as stage2 will read it ---- */

#define MENU_MAX_CMDS 32

struct menu_cmd {
	int line;
	char text[512];
};

struct menu_entry {
	int line;
	char title[128];
	struct menu_cmd cmd[MENU_MAX_CMDS];
	int ncmd;
};

struct menu {
	bool found;
	int root;		/* GRUB's root when stage2 starts: its install
				   partition, or a guess when the chain is
				   broken */
	int partno;		/* partition stage2 reads it from */
	char path[256];
	int default_entry;
	bool default_saved;	/* "default saved": /boot/grub/default says */
	int timeout;		/* -1: none */
	int fallback[8];	/* MAX_FALLBACK_ENTRIES of stage2/shared.h */
	int nfallback;
	bool serial, terminal_serial;
	bool password;		/* a global "password": "lock" stops entries */
	/* hide, unhide, parttype: a partition's type as GRUB's table says
	 * after them, 0x100 + the type; 0 for unchanged (this disk's, by
	 * partition number) */
	int retyped[PTABLE_MAX + 1];
	int depth;		/* menus loaded by configfile before this one */
	struct menu_entry entry[MENU_MAX_ENTRIES];
	int nentries;
	int dropped;		/* entries beyond MENU_MAX_ENTRIES */
};

/* The kernel an entry loads, as GRUB's load_image() sees it. */
struct kernel_info {
	bool ok;		/* GRUB loads it */
	bool bzimage;		/* a Linux bzImage (not a zImage) */
	bool multiboot;
	bool x86_64;		/* known to be x86_64 */
	bool arch_known;
	unsigned protocol;	/* boot protocol, e.g. 0x20f */
	char version[96];	/* "6.1.0-..." */
	int major, minor, patch;
};

/* The entry that boots, as check_menu() finds it. */
struct boot_entry {
	bool valid;
	int index;		/* in the menu */
	int partno;		/* GRUB root of the entry */
	char kernel[256];
	int kernel_partno;	/* where the kernel is read from */
	char cmdline[1024];	/* after the kernel path */
	char initrd[256];
	bool has_initrd;
	int saves;		/* "savedefault": the entry it writes, or -1 */
	int config_partno;	/* "configfile": the menu GRUB starts over with */
	char config[256];
	struct kernel_info k;
};

/* ---- GRUB 2 (i386-pc), as grub2.c and grub2cfg.c follow it ---- */

#define G2_LOADED_MAX 96
#define G2_VARS_MAX 128

/* A module GRUB 2 has linked: built into core.img or loaded from the
 * prefix's i386-pc directory.  */
struct g2_loaded {
	struct grub2_module mod;
	uint8_t *owned;		/* its bytes when read from a file */
};

struct g2_var {
	char name[32];
	char value[256];
	bool unknown;		/* set from what only the boot knows */
};

struct g2_state {
	struct grub2_boot boot;
	struct grub2_core core;		/* grub2.c: core.img, once read */
	bool core_ok;
	unsigned core_sectors;		/* what diskboot.img loads, itself too */
	struct sector_run runs[GRUB2_LISTS_MAX + 1];	/* ...where: its own
							   sector, then the list */
	int nruns;
	struct g2_loaded loaded[G2_LOADED_MAX];
	int nloaded;
	struct g2_var var[G2_VARS_MAX];	/* the environment: root, prefix... */
	int nvars;
	bool normal;			/* normal.mod linked: grub.cfg runs */
	bool gpt_header_gone;		/* grub2.c: sector 1 of the image's GPT
					   disk is not a GPT header (core.img
					   written over it): GRUB 2's part_gpt,
					   which reads no backup, finds no
					   partition there */
	int nbuiltin;			/* loaded[0..nbuiltin): core.img's */
	const char *module_dir;		/* while set: modules are read from this
					   directory of the machine, not the
					   image (g2_trial_links()) */
	char cfg_path[256];		/* grub2cfg.c: the config read, as
					   GRUB names it */
	int depth;			/* grub2cfg.c: configfile and source
					   files open */
};


/* Each field is written by one check only: the comment names it. */
/* A finding with who it stops (the installer's view). */
typedef void (*inspect_scoped_fn)(void *ctx, const struct grubinst_finding *f,
				  enum finding_code code, enum scope scope);

/* Another disk of the machine (options.disks): partitions.c opens it.
 * Its partitions are named, where the checks keep a partition number, by
 * a reference: PART_REF(disk, number); disk 0 is the image itself, and a
 * reference below PART_DISK_STRIDE is a partition number of it.  */
#define PART_DISK_STRIDE 256
#define PART_REF(disk, number) ((disk) * PART_DISK_STRIDE + (number))
static inline int part_ref_disk(int ref) { return ref / PART_DISK_STRIDE; }
static inline int part_ref_number(int ref) { return ref % PART_DISK_STRIDE; }

struct other_disk {
	const char *path;
	struct image img;
	struct ptable pt;
	bool have_table;
	struct pfs pfs[PTABLE_MAX];
};

/* finding.c: a finding kept until the checks are done. */
struct held {
	enum grubinst_severity sev;
	enum grubinst_area area;
	enum finding_code code;
	char *msg, *fix, *path;
	long long sector;
	int grub_error;
	enum scope scope;
	bool refuses_install;
	bool fix_installs;
};

struct inspect {
	grubinst *g;
	grubinst_finding_fn fn;
	inspect_scoped_fn scoped;	/* instead of fn, when set */
	void *ctx;
	enum scope check_scope;		/* pipeline.c: the running check's */
	struct gi_err fatal;	/* context.c: set only when the image cannot
				   be read (the checks stop) */
	int fails;		/* finding.c */
	int warns;
	int mute;		/* menu.c: > 0 while entries are tried quietly */
	struct held *held;	/* finding.c */
	size_t nheld, held_cap;

	/* check_partitions() */
	struct image img;
	bool img_open;
	struct image *given_img;	/* the caller's open image, used as is
					   (inspect_image()) */
	const struct journal *pending;	/* ...read as these writes will leave
					   it, or NULL */
	bool census_every_inode;	/* blocks.c: walk every inode's map
					   even when the bitmaps answer
					   (the install's check) */
	uint8_t mbr[SECTOR_SIZE];
	bool have_mbr;
	bool have_table;
	struct ptable pt;
	/* context.c, on demand: each partition's filesystem */
	struct pfs pfs[PTABLE_MAX];
	struct other_disk *other[GRUBINST_MAX_DISKS];	/* partitions.c */

	/* pipeline.c: the loader whose rows run (loaders.c) */
	const struct verify_loader *loader;

	/* check_bootcode() */
	struct bootcode boot;		/* the GRUB stage1 in use, once found */
	const char *mbr_code;		/* bootcode.c: what sector 0 holds */
	uint64_t stage1_sector;		/* where the stage1 in use is */
	bool grub;			/* a GRUB Legacy stage1 is in use */

	/* check_chain() */
	int stage2_partno;		/* where stage2 is read from; 0 unknown */
	char stage2_path[256];
	int root_partno;		/* stage2's install partition; 0 unknown */
	char menu_path[256];
	bool chain_ok;			/* stage2 will run */
	unsigned embedded_sectors;	/* stage1.5 in the gap (for the map) */
	uint64_t embedded_first;	/* ...from this sector (0: sector 1) */
	const char *embedded_name;	/* ...what it is (NULL: a stage1.5;
					   grub2.c: GRUB 2's core.img) */
	char stage1_5_version[16];	/* "" when stage1 loads stage2 */

	/* GRUB 2's checks (grub2.c, grub2cfg.c), allocated by the first */
	struct g2_state *g2;

	/* check_menu() */
	struct menu menu;
	struct boot_entry entry;	/* the entry that boots, if one does */

	/* check_root() */
	int linux_root;			/* the partition root= names; 0 unknown */

	char fixbuf[640];		/* fixf(): the fix of the next finding */
	/* context.c, on demand: the stage files built in, to compare with;
	 * or the caller's copy of them (inspect_image()), not inflated twice */
	const struct stage_set *given_builtin;
	struct stage_set builtin;
	int builtin_state;		/* 0 not loaded, 1 loaded, -1 failed */
};

/* finding.c */
void text_printf(char *buf, size_t size, const char *fmt, ...) GI_PRINTF(3, 4);
void text_copy(char *dst, size_t size, const char *src);
/* A fix command with real numbers in it, valid until the next call. */
const char *fixf(struct inspect *in, const char *fmt, ...) GI_PRINTF(2, 3);
/* A finding of CODE (codes.h), in the area its row gives (or IN_AREA()). */
void finding(struct inspect *in, enum grubinst_severity sev,
	     enum finding_code code, struct note n, const char *fmt, ...)
	GI_PRINTF(5, 6);

/* A rule's verdict (rules.c) as a finding: N gives the path and the area
 * (IN_AREA()), the verdict the rest.  */
void finding_verdict(struct inspect *in, const struct verdict *v,
		     struct note n);
/* Hands the findings held to the caller, in order, and forgets them. */
void findings_deliver(struct inspect *in);
void findings_free(struct inspect *in);

/* context.c: the state, filesystems and reads */
struct inspect *inspect_new(grubinst *g, grubinst_finding_fn fn, void *ctx);
int inspect_free(struct inspect *in);
/* The filesystem of a partition, by number (of the image) or reference
 * (PART_REF, of another disk); NULL when there is no such partition.  */
struct pfs *pfs_get(struct inspect *in, int partno);
/* The partition a number or reference names; NULL when none. */
const struct partition *part_of_ref(const struct inspect *in, int ref);
/* Partition INDEX (GRUB's, 0-based) of BIOS drive DRIVE (0: the image);
 * NULL when that disk or partition is not there.  */
const struct partition *part_by_grub_on(const struct inspect *in, int drive,
					int index);
/* Another disk given for BIOS drive DRIVE (1..3), or NULL. */
const struct other_disk *other_disk(const struct inspect *in, int drive);
/* Sectors of BIOS drive DRIVE: as read_sectors(), for any disk. */
int read_disk_sectors(struct inspect *in, int drive, uint64_t sector,
		      void *buf, size_t n);
const struct partition *part_by_grub(const struct inspect *in, int index);
const struct partition *part_of_sector(const struct inspect *in, uint64_t s);
int read_sectors(struct inspect *in, uint64_t sector, void *buf, size_t n);
/* What the rules of rules.c look at, for the filesystem P. */
void pfs_target(const struct pfs *p, bool grub_reads, struct rule_target *t);

/* The stage files built into the library, or NULL. */
const struct stage_set *inspect_builtin_stages(struct inspect *in);

/* pipeline.c: every check in order, or those the map needs */
int inspect_run(struct inspect *in, bool map_only);
/* Every check on IMG, an image the caller has open (the installer, on the
 * image as the writes PENDING will leave it), BUILTIN the
 * stage files built in when the caller has them inflated (or NULL); FN gets each
 * finding with who it stops.  Returns the number of failures, or a
 * negative status when the image cannot be read (G's error says why).  */
int inspect_image(grubinst *g, struct image *img,
		  const struct journal *pending, const struct stage_set *builtin,
		  inspect_scoped_fn fn, void *ctx);

/* The checks: each adds its findings; a negative return means the image
 * could not be read and IN->fatal says why.  */
/* pipeline.c runs checks from tables of rows: the shared ones before and
 * after, and between them the rows of the boot loader in use. */
struct check {
	const char *name;
	int (*run)(struct inspect *in);
	bool map;		/* grubinst_map() draws what it learns */
	enum scope scope;	/* who its failures stop (a finding may say) */
};

/* loaders.c: a boot loader --verify follows, one row each. */
struct verify_loader {
	const char *name;		/* "grub-legacy" */
	enum boot_kind kind;		/* its boot code, as bootcode.c names it */
	const struct check *checks;	/* from its boot code to the entry
					   that boots, in boot order */
	size_t nchecks;
	void (*done)(struct inspect *in);	/* after every check, or NULL:
						   frees what its checks kept */
	bool reads_gpt;			/* its boot code boots a GPT disk */
};
/* The row of the loader whose boot code the BIOS runs (check_bootcode()
 * found it); GRUB Legacy's when that code is no loader's row: it is what
 * an install puts there, and its menu is checked as if it ran.  */
const struct verify_loader *verify_loader_of(enum boot_kind kind);

int check_partitions(struct inspect *in);
int check_bootcode(struct inspect *in);
int check_chain(struct inspect *in);
int check_blocks(struct inspect *in);
int check_fs_features(struct inspect *in);
int check_menu(struct inspect *in);
int check_kernel(struct inspect *in);
int check_root(struct inspect *in);

/* grub2.c: the environment, files as GRUB 2 names them, modules. */
const char *g2_get(struct inspect *in, const char *name);
void g2_set(struct inspect *in, const char *name, const char *value, bool unknown);
/* The partition (PART_REF) and path of a GRUB 2 file name, "(hd0,msdos1)/x"
 * or "/x" on $root: 0 and *WHY set when GRUB cannot open it. */
int g2_file(struct inspect *in, const char *name, const char **path, const char **why);
/* Is PATH absolute and made only of characters a fix line can hold
 * unquoted inside debugfs's commands?  */
bool g2_plain_path(const char *path);
/* menuedit.c: the fix that runs sed SCRIPT on the menu file PATH of
 * partition REF in place, when the file holds CHECK (a grep pattern);
 * NULL unless the file is a regular one of the image at a plain path and
 * CHECK and SCRIPT hold no character a fix line cannot.  */
const char *menu_edit_fix(struct inspect *in, int ref, const char *path,
			  const char *check, const char *script);
/* menu.c: does DIR of P hold a file named like a kernel? */
bool kernels_in(struct pfs *p, const char *dir);
/* ...the one beside PATH (a kernel that is not there) closest to its
 * name, into BEST; false when there is none.  */
bool kernel_beside(struct pfs *p, const char *path, char *best, size_t size);
/* Why GRUB 2 could not load a module: the first failure. */
enum g2_load_failure {
	G2_LOAD_OK,
	G2_LOAD_PREFIX,		/* $prefix's device: DETAIL is GRUB's words */
	G2_LOAD_MISSING,	/* no such file (DETAIL: or why unreadable) */
	G2_LOAD_FORMAT,		/* not a module GRUB loads (DETAIL: why) */
	G2_LOAD_SYMBOL,		/* DETAIL: the symbol nothing exports */
};
struct g2_load_error {
	enum g2_load_failure what;
	char module[GRUB2_NAME_MAX];	/* the module that failed */
	char path[512];			/* its file */
	char detail[256];
};
/* Links module NAME with what it needs, as grub_dl_load does: false,
 * E saying why, when GRUB cannot.  */
bool g2_load_module(struct inspect *in, const char *name, struct g2_load_error *e);
/* grub2fix.c: that failure as a finding at SEV, with its fix. */
void g2_report_load(struct inspect *in, const struct g2_load_error *e,
		    enum grubinst_severity sev);
/* grub2fix.c: the fix of a core.img GRUB 2 cannot run or that cannot
 * reach its modules, or NULL.  */
const char *g2_core_fix(struct inspect *in);
/* ...and of a grub.cfg missing or without an entry: grubinst --loader
 * grub2 writing one (REPLACE: over the image's), NULL when the install
 * would have no kernel to offer or no room for its core.img.  */
const char *g2_install_fix(struct inspect *in, bool replace);
bool g2_module_loaded(const struct inspect *in, const char *name);
/* A trial of other GRUB 2 files, for a fix: would normal.mod and a module
 * link with another kernel and built-in modules (a core.img this
 * machine's grub-mkimage makes), or read from a directory of this
 * machine instead of the image (its modules)?  Each field NULL: the
 * image's.  */
struct g2_trial {
	const uint8_t *kernel;		/* kernel.img's bytes */
	size_t kernel_size;
	const char *builtin_dir;	/* ...and BUILTINS from there */
	const char *const *builtins;	/* NULL-terminated */
	const char *module_dir;		/* modules from here */
	const char *prefix;		/* $prefix */
};
bool g2_trial_links(struct inspect *in, const struct g2_trial *t, const char *name);
const char *g2_get_from(const struct g2_state *g, const char *name);
/* This machine's GRUB 2 (i386-pc) files, which a fix may use. */
#define MACHINE_GRUB2_DIR "/usr/lib/grub/i386-pc"
/* "msdos" or "gpt": the partition map of BIOS drive DRIVE. */
const char *g2_map_name(const struct inspect *in, int drive);
/* grub2cfg.c: runs the script TEXT at top level, as normal.mod or the
 * kernel's embedded config runs it.  */
void g2_run_script(struct inspect *in, const char *text, size_t len, bool embedded);
/* Frees what GRUB 2's checks kept (its row's done).  */
void g2_free(struct inspect *in);
int check_grub2_core(struct inspect *in);
int check_grub2_normal(struct inspect *in);
int check_grub2_cfg(struct inspect *in);
/* kernel.c: does H (the first LEN bytes of a file) start like a Linux
 * kernel image that GRUB loads: 55 AA at 0x1fe and "HdrS" at 0x202?  An
 * ELF vmlinux does not.  */
#define KERNEL_HEAD_SIZE 0x206
bool kernel_is_linux_image(const uint8_t *h, size_t len);
/* kernel.c: the kernel file INO (SIZE bytes, PATH) as GRUB loads it:
 * its findings at SEV (OK when it loads), K filled; the GRUB error, 0,
 * or -1 when out of memory.  */
int kernel_check_load(struct inspect *in, struct pfs *p, ext2_ino_t ino,
		      uint64_t size, const char *path, enum grubinst_severity sev,
		      struct kernel_info *k);
int check_userspace(struct inspect *in);

/* bootcode.c */
void identify_bootcode(const uint8_t sector[SECTOR_SIZE], struct bootcode *b);

/* menu.c: the checks of check_menu() on a menu's text, read from
 * in->menu.partno and in->menu.path (also the fuzzers' entry point).  */
void menu_check_text(struct inspect *in, const uint8_t *data, size_t len);


/* blocks.c */
int census_run(struct inspect *in, struct pfs *p);
void census_want(struct pfs *p, uint64_t blk);
ext2_ino_t census_owner(const struct pfs *p, uint64_t blk, int64_t *lblk);
/* Blocks of one file past the partition end (for files GRUB reads). */
struct file_overhang {
	uint64_t count, first, last;
	bool meta, data;
	bool corrupt;
	/* The first one a sequential reader meets (GRUB reads each indirect
	 * or extent-tree block before the data it maps).  */
	uint64_t first_read;
	bool first_read_meta;
	bool meta_after;	/* a block-map block is read after it */
};
int file_overhang(struct pfs *p, ext2_ino_t ino, struct file_overhang *o);
/* The same for the blocks from block LIMIT on, wherever the partition
 * ends.  */
int file_blocks_from(struct pfs *p, ext2_ino_t ino, uint64_t limit,
		     struct file_overhang *o);
/* GRUB's reaction and the kernel's log line for a file past the end. */
void report_file_overhang(struct inspect *in, struct pfs *p, const char *path,
			  const struct file_overhang *o, bool only_resize);
void report_grub_overhang(struct inspect *in, struct pfs *p, enum grubinst_area area,
			  const char *path, const struct file_overhang *o);
int inode_path(struct pfs *p, ext2_ino_t ino, char *buf, size_t size);

/* grubpath.c */
enum walk_mode { WALK_GRUB, WALK_LINUX };
#define WALK_INODES 48
struct walk {
	ext2_ino_t ino;		/* 0 when not found */
	ext2_ino_t dir;		/* directory the final name was found in */
	int error;		/* GRUB error number, 0 when found */
	int links;		/* symbolic links followed */
	char why[384];		/* what went wrong, in words */
	char final[512];	/* the path after following links */
	char inline_dir[256];	/* a directory on the way kept in its inode */
	ext2_ino_t read[WALK_INODES];	/* every inode read on the way, in order */
	int nread;
	struct ext2_inode_large inode;
};
int walk_path(struct pfs *p, const char *path, enum walk_mode mode,
	      struct walk *w);

/* fsfeatures.c */
/* Can GRUB 0.97 read the file W (PATH) whole?  INSTALL_MOVES: an install
 * into its partition moves it when its extents do not fit in the inode
 * (installer/holes.c: stage2, the menu, kernels and initrds).  */
bool file_readable_by_grub(struct inspect *in, struct pfs *p, const char *path,
			   const struct walk *w, enum grubinst_area area,
			   bool install_moves);

/* kernel.c */
int read_head(struct pfs *p, ext2_ino_t ino, uint8_t *buf, size_t n,
	      size_t *got);
const char *cmdline_arg(const char *cmdline, const char *key, char *buf,
			size_t size);
/* What root= names, as the kernel's early lookup (block/early-lookup.c,
 * name_to_dev_t() before Linux 6.5) reads it; UUID= and LABEL= an
 * initrd's.  ROOT_UNKNOWN: nothing grubinst maps to a partition;
 * ROOT_NONE: a disk's name with a partition number Linux reads as none
 * ("sda01").  */
struct root_spec {
	enum { ROOT_DEV, ROOT_NUMBER, ROOT_UUID, ROOT_LABEL, ROOT_PARTUUID,
	       ROOT_LOOP, ROOT_UNKNOWN, ROOT_NONE } kind;
	char family[8];		/* ROOT_DEV: "sd", "hd", "vd", "xvd" */
	int disk;		/* ROOT_DEV, ROOT_NUMBER: 0 for the first disk */
	int part;		/* 0: the whole disk */
	const char *value;	/* UUID, LABEL, PARTUUID: after the '=' */
	bool link;		/* /dev/disk/by-*: a link udev makes, in an
				   initrd; the kernel knows no such name */
};
void root_parse(const char *root, struct root_spec *r);
/* root=PARTUUID=VAL on the disk PT as the kernel's devt_from_partuuid()
 * looks it up: the first partition (by number) whose PARTUUID
 * (ptable_partuuid()) starts with VAL up to a '/', in either case, then
 * /PARTNROFF=N partitions on.  1 and *PART
 * that partition (0 when there is none there), 0 when no PARTUUID of
 * PT matches, -1 when the kernel rejects VAL ("PARTUUID= is invalid").  */
int partuuid_match(const struct ptable *pt, const char *val, int *part);
int root_partition(struct inspect *in);

/* elf.c: the parts of an ELF file that decide whether it runs. */
#define ELF_MAX_NEEDED 32
struct elf_info {
	bool is_elf;
	const char *error;	/* NULL, or why it is not loadable */
	int bits;		/* 32 or 64 */
	unsigned machine;	/* EM_* */
	unsigned type;		/* ET_* */
	char interp[256];
	char needed[ELF_MAX_NEEDED][128];
	int nneeded;
	char runpath[256];
};
void elf_parse(const uint8_t *data, size_t len, struct elf_info *e);

#endif
