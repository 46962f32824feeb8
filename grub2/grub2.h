/*
 * GRUB 2 (i386-pc) on-disk formats: the only place that knows their
 * layout (include/grub/i386/pc/boot.h, include/grub/offsets.h,
 * include/grub/kernel.h, util/mkimage.c, util/setup.c,
 * grub-core/boot/i386/pc/{boot,diskboot,startup_raw}.S, kern/dl.c).
 * Pure functions on bytes, as stages/ is GRUB Legacy's.
 *
 * boot.img     sector 0: loads one sector, core.img's first, from the
 *              64-bit sector number at 0x5c.
 * diskboot.img that first sector: its block list (12-byte entries at the
 *              end of the sector, growing down, a zero length ends it)
 *              loads the rest of core.img to 0x8200.
 * core.img     after diskboot.img: the decompressor (lzma_decompress.img,
 *              its sizes at fixed offsets), then kernel.img and the
 *              modules, the embedded config and the prefix, compressed
 *              as raw LZMA; setup may append Reed-Solomon codes.
 * *.mod        ELF32 relocatable objects: a name (.modname), the modules
 *              they need (.moddeps), symbols the loader resolves.
 */
#ifndef GRUBINST_GRUB2_H
#define GRUBINST_GRUB2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bytes.h"

/* Where grub-install puts GRUB 2's directory (its i386-pc modules,
 * grub.cfg, grubenv) unless --boot-directory says otherwise; on a /boot
 * partition of its own that directory is GRUB2_DIR_OWN_BOOT.  */
#define GRUB2_DIR "/boot/grub"
#define GRUB2_DIR_OWN_BOOT "/grub"

/* ---- bootimg.c: boot.img ---- */

#define GRUB2_BOOT_KERNEL_SECTOR 0x5c	/* u64: core.img's first sector */
#define GRUB2_BOOT_DRIVE 0x64		/* 0xff: the drive the BIOS passed */
#define GRUB2_BOOT_DRIVE_CHECK 0x66	/* a jump, or two NOPs on hard disks */

struct grub2_boot {
	uint64_t kernel_sector;
	uint8_t boot_drive;
	bool drive_check_nopped;	/* setup's work-around for BIOSes that
					   pass drive 0 for a hard disk */
};

/* What setup keeps of the sector boot.img replaces: a DOS BPB, and the
 * disk signature with the partition table.  */
#define GRUB2_BOOT_BPB_START 0x03
#define GRUB2_BOOT_BPB_END 0x5a
#define GRUB2_BOOT_TABLE_START 0x1b8
#define GRUB2_BOOT_TABLE_END 0x1fe

/* Is SECTOR GRUB 2's boot.img (its messages, without GRUB Legacy's
 * COMPAT_VERSION)?  */
bool grub2_boot_recognise(const uint8_t sector[SECTOR_SIZE]);
void grub2_boot_parse(const uint8_t sector[SECTOR_SIZE], struct grub2_boot *b);
/* OUT: boot.img BOOT_IMG as util/setup.c writes it over the sector OLD
 * of a hard disk: OLD's BPB and partition table kept, core.img's first
 * sector KERNEL_SECTOR, the drive the BIOS passes (0xff), the jump of the
 * drive check made two NOPs.  */
void grub2_boot_build(uint8_t out[SECTOR_SIZE], const uint8_t boot_img[SECTOR_SIZE],
		      const uint8_t old[SECTOR_SIZE], uint64_t kernel_sector);

/* ---- core.c: diskboot.img's block list and core.img ---- */

/* One entry of diskboot.img's block list. */
struct grub2_blocklist {
	uint64_t start;		/* absolute sector */
	uint16_t len;		/* sectors; 0 ends the list */
	uint16_t segment;	/* where they are loaded, >> 4 */
};

/* The entries diskboot.img can hold before its own code. */
#define GRUB2_LISTS_MAX 20

/* The block list of diskboot.img sector S: up to GRUB2_LISTS_MAX entries
 * into OUT; the count, or -1 when no zero-length entry ends it there.  */
int grub2_diskboot_lists(const uint8_t s[SECTOR_SIZE], struct grub2_blocklist *out);

/* Rewrites the block list of diskboot.img sector S, as setup does for
 * core.img in sectors FIRST..FIRST+N-1 one after the other: the old
 * entries cleared, one entry for sectors FIRST+1.. loaded from 0x8200,
 * and the zero entry that ends it.  */
void grub2_diskboot_set_list(uint8_t s[SECTOR_SIZE], uint64_t first, uint16_t n);

/* The fields of the decompressor's header (startup_raw.S), relative to
 * core.img's second sector.  */
#define GRUB2_CORE_COMPRESSED_SIZE 0x08
#define GRUB2_CORE_UNCOMPRESSED_SIZE 0x0c
#define GRUB2_CORE_RS_REDUNDANCY 0x10
#define GRUB2_CORE_NO_RS_LENGTH 0x14
#define GRUB2_CORE_BOOT_DEVICE 0x18
#define GRUB2_CORE_HEADER_END 0x1c
/* The decompressor must end before 0x9000 (mkimage: "Decompressor is too
 * big"), having started at 0x8200.  */
#define GRUB2_DECOMPRESSOR_MAX (0x9000 - 0x8200)

/* The object types of the module area (include/grub/kernel.h). */
enum grub2_obj {
	GRUB2_OBJ_ELF = 0,
	GRUB2_OBJ_MEMDISK = 1,
	GRUB2_OBJ_CONFIG = 2,
	GRUB2_OBJ_PREFIX = 3,
};

#define GRUB2_MODULES_MAX 64
#define GRUB2_NAME_MAX 64

/* core.img read back: what setup and mkimage wrote. */
struct grub2_core {
	uint32_t compressed_size;
	uint32_t uncompressed_size;
	uint32_t rs_redundancy;
	uint16_t no_rs_length;
	size_t decompressor_size;	/* found: where the LZMA data starts,
					   after diskboot.img */
	uint8_t *kernel;		/* the decompressed image (malloc'd) */
	size_t kernel_size;		/* kernel.img's part of it */
	size_t image_size;		/* all of it: uncompressed_size */
	char prefix[256];		/* "" when none */
	const char *config;		/* the embedded config, in KERNEL */
	size_t config_size;
	char modules[GRUB2_MODULES_MAX][GRUB2_NAME_MAX];	/* built in */
	const uint8_t *module_data[GRUB2_MODULES_MAX];	/* their ELF, in KERNEL */
	size_t module_size[GRUB2_MODULES_MAX];
	int nmodules;
};

enum grub2_core_status {
	GRUB2_CORE_OK = 0,
	GRUB2_CORE_NOMEM,
	GRUB2_CORE_SHORT,		/* fewer bytes than its header says */
	GRUB2_CORE_HEADER,		/* sizes that cannot be */
	GRUB2_CORE_CORRUPT,		/* the LZMA data does not decode */
	GRUB2_CORE_NO_MODULES,		/* no module area in what it decodes to */
};

/* Reads core.img from DATA (LEN bytes: every sector diskboot.img loads,
 * its first included) into C.  C->kernel is to be freed with
 * grub2_core_free() whatever the result.  */
enum grub2_core_status grub2_core_read(const uint8_t *data, size_t len,
				       struct grub2_core *c);
void grub2_core_free(struct grub2_core *c);
const char *grub2_core_status_name(enum grub2_core_status s);

/* ---- module.c: *.mod as the loader (kern/dl.c) links it ---- */

#define GRUB2_SYMS_MAX 512

struct grub2_module {
	char name[GRUB2_NAME_MAX];	/* .modname */
	char deps[32][GRUB2_NAME_MAX];	/* .moddeps */
	int ndeps;
	/* The names of the undefined symbols it needs resolved (pointers
	 * into the module's data) and of the global ones it exports.  */
	const char *needs[GRUB2_SYMS_MAX];
	int nneeds;
	const char *exports[GRUB2_SYMS_MAX];
	int nexports;
	bool too_many;		/* more symbols than the tables hold */
	const char *error;	/* NULL, or why grub_dl_load_core refuses it */
};

/* Parses the module DATA (LEN bytes, kept for M's pointers).  */
void grub2_module_parse(const uint8_t *data, size_t len, struct grub2_module *m);
/* Does the kernel image K (its first SIZE bytes) register symbol NAME?
 * kern/dl.c's table is filled from a list of names compiled into the
 * kernel (symlist.c): NAME as a string of its own there.  */
bool grub2_kernel_exports(const uint8_t *k, size_t size, const char *name);

/* ---- GRUB 2's ext2 reader (grub-core/fs/ext2.c) ---- */

/* The incompatible features it mounts a filesystem with, the ones it
 * reads and the ones it ignores (EXT2_DRIVER_SUPPORTED_INCOMPAT |
 * EXT2_DRIVER_IGNORED_INCOMPAT of Debian's 2.06): filetype, meta_bg,
 * extents, 64bit, flex_bg, encrypt; needs_recovery, mmp, csum_seed,
 * large_dir.  Any other (inline_data, compression, a journal device):
 * it does not mount it, and GRUB says "unknown filesystem".  */
#define GRUB2_EXT2_INCOMPAT_READ (0x0002u | 0x0010u | 0x0040u | 0x0080u | 0x0200u | 0x10000u)
#define GRUB2_EXT2_INCOMPAT_IGNORED (0x0004u | 0x0100u | 0x2000u | 0x4000u)
#define GRUB2_EXT2_INCOMPAT_OK (GRUB2_EXT2_INCOMPAT_READ | GRUB2_EXT2_INCOMPAT_IGNORED)

/* ---- cfg.c: the script language of grub.cfg (grub-core/script/) ---- */

#define GRUB2_ARGS_MAX 32

/* Where the next command starts; a menuentry's body is read again when
 * it runs, from the position its block began.  */
struct grub2_lexer {
	const char *text;
	size_t len, pos;
	int line;
};

/* One command with its words as GRUB passes them: quotes removed,
 * variables expanded by VAR at the time it runs.  */
struct grub2_cmd {
	int line;
	int argc;
	char *argv[GRUB2_ARGS_MAX];
	bool opens_block;	/* its last word was "{" (not in argv) */
	bool closes_block;	/* the command is "}" */
	bool unknown_var;	/* a variable VAR did not know was expanded */
	bool truncated;		/* more words or bytes than it holds */
	char buf[2048];
};

/* The value of variable NAME, NULL when it is not set, or UNKNOWN (a
 * variable only the boot knows: $cmdpath, the result of an if). */
typedef const char *(*grub2_var_fn)(void *ctx, const char *name, bool *unknown);

void grub2_lexer_init(struct grub2_lexer *lx, const char *text, size_t len);
/* The next command: 1, 0 at the end, -1 on a quote left open. */
int grub2_cfg_next(struct grub2_lexer *lx, struct grub2_cmd *c, grub2_var_fn var,
		   void *ctx);
/* Past the block a command with opens_block began: its body is
 * TEXT[*START, *END); false when no "}" closes it.  */
bool grub2_cfg_skip_block(struct grub2_lexer *lx, size_t *start, size_t *end);

#endif
