/*
 * grubinst: install GRUB Legacy 0.97 into a raw MBR disk image without root,
 * loop devices, mounts or the grub shell.
 *
 * Usage:
 *	struct grubinst_options o;
 *	grubinst_options_init(&o);		(always first: it sets o.size)
 *	o.kernel = "/boot/vmlinuz";
 *	grubinst *g = grubinst_open("disk.img", &o);
 *	if (grubinst_install(g) != GRUBINST_OK)
 *		fprintf(stderr, "%s\n", grubinst_error(g));
 *	grubinst_close(g);
 *
 * The library never prints, never exits and keeps no global state: every
 * piece of state lives in the handle, so several images can be worked on at
 * once.  Progress lines ("what was written where") go to the report callback.
 */
#ifndef GRUBINST_H
#define GRUBINST_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this header; grubinst_version() gives the library's. */
#define GRUBINST_VERSION "0.4.0"

/* Results.  GRUBINST_REFUSED means the image was read but cannot take an
 * install (the message explains why); nothing was written.
 * GRUBINST_WONT_BOOT is grubinst_verify()'s "this image will not boot",
 * and grubinst_install()'s "installed, but the image will not boot yet"
 * (what still fails does not concern GRUB, e.g. no init: the findings
 * say what).  */
enum grubinst_status {
	GRUBINST_OK = 0,
	GRUBINST_REFUSED = 1,
	GRUBINST_EUSAGE = 2,
	GRUBINST_EIO = 3,
	GRUBINST_ENOMEM = 4,
	GRUBINST_WONT_BOOT = 5,
};

enum grubinst_target {
	GRUBINST_TARGET_MBR = 0,	/* stage1 in sector 0 of the disk */
	GRUBINST_TARGET_PARTITION = 1,	/* stage1 in the partition's boot sector */
};

/* The boot loader an install puts in. */
enum grubinst_loader {
	GRUBINST_LOADER_GRUB_LEGACY = 0,	/* GRUB 0.97: stage1, stage1.5, stage2 */
	GRUBINST_LOADER_GRUB2 = 1,	/* GRUB 2 i386-pc: boot.img, core.img,
					   the modules of one GRUB 2 build */
};

/* How a generated menu's root= names the root filesystem. */
enum grubinst_root_by {
	GRUBINST_ROOT_DEVICE = 0,	/* root=/dev/sdaN */
	GRUBINST_ROOT_UUID = 1,		/* root=UUID= of its filesystem */
	GRUBINST_ROOT_LABEL = 2,	/* root=LABEL= of its filesystem */
	GRUBINST_ROOT_PARTUUID = 3,	/* root=PARTUUID=DISKID-NN (MBR) */
};

/* Called once per line of text (no trailing newline): install reports,
 * the disk map.  */
typedef void (*grubinst_line_fn)(void *ctx, const char *line);

/* The options of a handle.  Fill them with grubinst_options_init() first:
 * it sets SIZE to the size of this structure as the caller was compiled,
 * and the library reads only that many bytes, so that fields added at
 * the end in later versions keep their defaults for older programs.  */
/* The disks a machine may have for grubinst_verify(): hd0 (the image)
 * and up to three more.  */
#define GRUBINST_MAX_DISKS 4

struct grubinst_options {
	size_t size;		/* sizeof(struct grubinst_options) */
	int partition;		/* boot partition, 1-based as the kernel names
				   it (5 = first logical); 0 picks the active
				   one, else the first Linux (0x83) one */
	const char *stage_dir;	/* stage files from this directory (plain or
				   .gz); NULL uses the ones built in */
	const char *config;	/* host file installed as /boot/grub/grub.conf;
				   NULL keeps the image's or generates one */
	const char *kernel;	/* paths inside the image, for a generated config */
	const char *initrd;
	const char *append;	/* kernel command line */
	const char *title;
	int timeout;		/* seconds; -1 for the default (5) */
	const char *serial;	/* NULL: no serial console; else the GRUB
				   "serial" arguments, "" for unit 0, 115200 */
	enum grubinst_target target;
	bool force_lba;
	bool no_stage1_5;	/* stage1 loads stage2 directly */
	bool dry_run;		/* plan and report, write nothing */
	long long timestamp;	/* seconds since 1970: every time written into
				   the filesystem (inode times, directory
				   changes, the superblock's last write time)
				   is clamped to it; GRUBINST_TIME_NOW for the
				   current time.  grubinst_options_init() takes
				   it from SOURCE_DATE_EPOCH */

	grubinst_line_fn report;	/* the install's report lines */
	void *report_ctx;

	/* Since 0.2.0 */
	bool replace_menu;	/* generate a menu from kernel, initrd, append...
				   even when the image has one (else those
				   options are refused there) */
	const char *disks[GRUBINST_MAX_DISKS];
				/* grubinst_verify(): the machine's other disks
				   as the BIOS numbers them, disks[1] being
				   (hd1) and /dev/sdb; disks[0] is unused (the
				   image is hd0).  NULL: no such disk */
	int root_partition;	/* for a generated menu: the partition of the
				   root filesystem, 1-based; 0 for the boot
				   partition */
	enum grubinst_root_by root_by;	/* how root= names it */
	const char *boot_dir;	/* GRUB's directory in the boot partition, as
				   "setup --prefix" takes it; NULL for
				   /boot/grub */
	int set_default;	/* the entry that boots by default from now on
				   ("default saved" and the file "default"
				   beside the menu); -1 leaves the menu's */
	int once;		/* the entry that boots once, before the
				   default again; -1 for none */

	/* Since 0.4.0 */
	enum grubinst_loader loader;	/* what grubinst_install() puts in;
				   grubinst_verify() finds the loader itself */
	const char *grub2_dir;	/* GRUB 2's i386-pc directory (boot.img,
				   kernel.img, the modules) for core.img and
				   the modules copied; NULL for
				   /usr/lib/grub/i386-pc */
};

/* The options by name, as the command line spells them without "--"
 * ("partition", "root-by", "disk"...): what a program in another language
 * uses instead of mirroring struct grubinst_options.  */
enum grubinst_argument {
	GRUBINST_ARG_NONE = 0,		/* a flag: no value */
	GRUBINST_ARG_REQUIRED = 1,
	GRUBINST_ARG_OPTIONAL = 2,	/* "serial": NULL for the default */
};

struct grubinst_option_info {
	const char *name;		/* "root-by" */
	int short_name;			/* 'p', or 0 */
	enum grubinst_argument argument;
	const char *metavar;		/* "HOW"; NULL for a flag */
	const char *help;		/* one or more lines, no trailing newline */
};

/* Option I (0, 1, ...) of those grubinst_options_set() takes; NULL past
 * the last.  */
const struct grubinst_option_info *grubinst_option_info(size_t i);

/* Sets the option NAME of OPTS from the text VALUE (NULL for a flag), as
 * the command line does: "timeout" "5", "root-by" "partuuid", "disk"
 * "hd1=other.img", "replace-menu" NULL.  A string VALUE is not copied
 * until grubinst_open().  Returns GRUBINST_OK, or GRUBINST_EUSAGE with
 * the one-line reason in WHY (SIZE bytes; WHY may be NULL).  */
int grubinst_options_set(struct grubinst_options *opts, const char *name,
			 const char *value, char *why, size_t size);

/* Values of grubinst_options.timestamp that are not times. */
#define GRUBINST_TIME_NOW (-1LL)
#define GRUBINST_TIME_INVALID (-2LL)	/* SOURCE_DATE_EPOCH is set but is not
					   a number: installs refuse it */

typedef struct grubinst grubinst;

/* Fills OPTS with the defaults; timestamp from the environment's
 * SOURCE_DATE_EPOCH (decimal seconds since 1970-01-01 UTC) when it is set
 * and not empty, else GRUBINST_TIME_NOW.  */
void grubinst_options_init(struct grubinst_options *opts);

/* Creates a handle for the image at PATH (a file or a block device).  The
 * options are copied, PATH and every string they point to (disks[]
 * included): the caller may free or reuse them as soon as this returns.
 * Returns NULL only when out of memory.  Problems with
 * the image itself are reported by the calls that use it.  */
grubinst *grubinst_open(const char *path, const struct grubinst_options *opts);

/* The same for an image the caller has opened: FD must stay open until
 * grubinst_close(), which does not close it.  Installing needs FD open for
 * reading and writing (O_RDWR, without O_APPEND); verifying and dry runs
 * need reading only.
 * The library reads and writes at explicit offsets but libext2fs and
 * libfdisk may move FD's file offset.  NAME is the image's name in
 * messages; an install keeps its undo record beside the file FD is open
 * on (as for a path).  NULL means "file descriptor N" and no undo record:
 * a failed install still puts the old contents back, a killed one cannot
 * be rolled back.  */
grubinst *grubinst_open_fd(int fd, const char *name,
			   const struct grubinst_options *opts);

/* Installs GRUB.  Filesystem changes are written first, then the embedded
 * stage1.5, then the boot sector, all after every check and after their
 * old contents are saved in an undo record beside the image (docs/install.md
 * says where and how it is checked): a failure puts the old
 * contents back (the image is unchanged), and an install killed half way
 * is rolled back by the next call before it installs.  */
int grubinst_install(grubinst *g);

/* The image's name as the messages show it: one line, whatever the path
 * holds (a control character, an escape sequence, a bidirectional
 * control reads '?').  NULL only for a NULL handle.  */
const char *grubinst_name(const grubinst *g);

/* The message of the last failure: one line naming the image and the cause. */
const char *grubinst_error(const grubinst *g);

/* A stable name of the last failure's cause, for programs to decide by:
 * the --verify finding code of the rule that refused an install (e.g.
 * "fs-size", "part-type"), or a cause such as "io", "busy", "no-fs",
 * "ptable-gpt"; "none" when there was no failure.  docs/verify.md lists
 * them.  */
const char *grubinst_error_code(const grubinst *g);

/* A short name of a status code, e.g. "refused". */
const char *grubinst_status_name(int status);

/* The library's version, e.g. "0.4.0" (GRUBINST_VERSION is the header's). */
const char *grubinst_version(void);

void grubinst_close(grubinst *g);

/* ---- The inspector: read an image, predict its boot ----
 *
 * grubinst_verify() never writes.  It walks the boot as the BIOS, GRUB 0.97
 * and the Linux kernel will see it and calls FN once per finding, in boot
 * order.  The strings of a finding live only during the call.  */

enum grubinst_severity { GRUBINST_SEV_OK, GRUBINST_SEV_WARN, GRUBINST_SEV_FAIL };

/* What a finding is about, in boot order. */
enum grubinst_area {
	GRUBINST_AREA_DISK,		/* "disk": the MBR, the partitions */
	GRUBINST_AREA_BOOTCODE,		/* "bootcode": what the BIOS runs */
	GRUBINST_AREA_CHAIN,		/* "chain": stage1 -> stage1.5 -> stage2 */
	GRUBINST_AREA_FILESYSTEM,	/* "filesystem": blocks vs partitions */
	GRUBINST_AREA_FEATURES,		/* "features": what GRUB cannot read */
	GRUBINST_AREA_MENU,		/* "menu": menu.lst, kernels, initrds */
	GRUBINST_AREA_USERSPACE,	/* "userspace": root, init, console */
	GRUBINST_AREA_COUNT
};

struct grubinst_finding {
	enum grubinst_severity severity;
	const char *area;	/* grubinst_area_name(area_id) */
	const char *code;	/* stable id, e.g. "fs-overhang", "menu-dangling" */
	const char *message;	/* one line, plain words; what came from the
				   image with controls and bad UTF-8 as '?' */
	const char *fix;	/* NULL or the command to run (likewise) */
	const char *path;	/* NULL or the file inside the image: its
				   name's bytes as they are */
	long long sector;	/* -1 or the absolute sector concerned */
	int grub_error;		/* 0 or the GRUB error number the user will see */
	enum grubinst_area area_id;
};

typedef void (*grubinst_finding_fn)(void *ctx, const struct grubinst_finding *f);

/* Returns GRUBINST_OK (bootable), GRUBINST_WONT_BOOT (at least one fail)
 * or an error code if the image cannot be read (grubinst_error() says
 * why).  The handle's options.partition, if set, names the partition to
 * assume when no GRUB Legacy boot code says which one.  */
int grubinst_verify(grubinst *g, grubinst_finding_fn fn, void *ctx);

/* The report of grubinst_verify() as the JSON document of `grubinst
 * --verify --json` (its schema is in docs/verify.md), in *JSON, which
 * the caller frees with grubinst_free(); with GRUBINST_JSON_MAP it has
 * the disk map too.
 * Returns what grubinst_verify() returns; *JSON is NULL only when out of
 * memory (GRUBINST_ENOMEM).  */
#define GRUBINST_JSON_MAP 1u
int grubinst_verify_json(grubinst *g, unsigned flags, char **json);

/* Frees what the library allocated for the caller (grubinst_verify_json()'s
 * document), with the library's own allocator: a program in another
 * language, or linked with another C library, need not know it.  NULL
 * is nothing to free.  */
void grubinst_free(void *p);

/* GRUB 0.97's "Error N" text, then what it means and its usual causes in
 * a disk image, as several lines; NULL if N is not a GRUB 0.97 error
 * number (1..35).  */
const char *grubinst_explain(int grub_error);

/* The same for a GRUB 2 (i386-pc) message, given as the user saw it or
 * a part of it ("unknown filesystem", "symbol `grub_calloc' not found"):
 * the message, what it means and its usual causes; NULL when none is
 * known.  */
const char *grubinst_explain_grub2(const char *message);

/* The disk layout as text lines with sector numbers: MBR, the gap and any
 * embedded stage1.5, partitions, each filesystem's extent and any part of
 * it past its partition.  Returns GRUBINST_OK, or an error code if the
 * image cannot be read.  */
int grubinst_map(grubinst *g, grubinst_line_fn line, void *ctx);

/* "ok", "warn" or "FAIL". */
const char *grubinst_severity_name(enum grubinst_severity s);
/* "disk", "bootcode", ... "userspace"; NULL for a value out of range. */
const char *grubinst_area_name(enum grubinst_area area);

#ifdef __cplusplus
}
#endif

#endif
