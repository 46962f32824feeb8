/*
 * The finding codes: every code --verify can report, one row each, as
 * e2fsck's problem.c keeps every problem in one table.  finding() takes
 * a code and finds the rest in its row: the name programs see
 * (grubinst_finding.code, the JSON's "code"), the area it is reported in
 * and the severities it may have.  The rows are those of docs/verify.md's
 * tables, in their order (GRUB Legacy's, then GRUB 2's): a new code is a
 * value here, a row in codes.c and a line there, and tests/codes.test
 * holds the three to each other.
 */
#ifndef GRUBINST_INSPECT_CODES_H
#define GRUBINST_INSPECT_CODES_H

#include <stdbool.h>

#include "grubinst.h"

enum finding_code {
	/* disk */
	FC_INSTALL_INTERRUPTED,
	FC_UNDO_INVALID,
	FC_DISK_OTHER,
	FC_DISK_TRUNCATED,
	FC_DISK_SIZE,
	FC_MBR_SIGNATURE,
	FC_PTABLE_NONE,
	FC_PTABLE_GPT,
	FC_PART_NONE,
	FC_PTABLE_LOOP,
	FC_PART,
	FC_PART_IN_MBR,
	FC_PART_OVERLAP,
	FC_PART_OUTSIDE_EXTENDED,
	FC_PART_PAST_END,
	FC_PART_TYPE,
	FC_PART_MOUNTED,
	FC_PART_NO_FS,
	FC_PART_NO_ACTIVE,
	FC_PART_MANY_ACTIVE,

	/* bootcode */
	FC_BOOT_GRUB_LEGACY,
	FC_BOOT_EMPTY,
	FC_BOOT_GRUB2,
	FC_BOOT_FOREIGN,
	FC_MBR_CHAINS_ACTIVE,
	FC_CHAIN_NO_ACTIVE,
	FC_CHAIN_MANY_ACTIVE,
	FC_VBR_NOT_GRUB,
	FC_STAGE1_DRIVE,
	FC_STAGE1_ADDRESS,
	FC_STAGE1_SEGMENT,

	/* chain */
	FC_STAGE1_5_EMBEDDED,
	FC_BLOCKLIST,
	FC_CHAIN_STALE,
	FC_CHAIN_NOT_A_STAGE,
	FC_CHAIN_SELF,
	FC_CHAIN_PAST_END,
	FC_CHAIN_ADDRESS,
	FC_STAGE1_5_NOT_EXT2,
	FC_STAGE1_5_INVALID,
	FC_STAGE1_5_DRIVE,
	FC_EMBED_OVERLAP,
	FC_CHAIN_PARTITION,
	FC_STAGE2_FOUND,
	FC_STAGE2_MISSING,
	FC_STAGE2_INVALID,
	FC_STAGE_VERSION,
	FC_STAGE2_OTHER,
	FC_STAGE_BUILD,
	FC_STAGE_CORRUPT,
	FC_GRUB_OUTSIDE_PARTITION,

	/* filesystem */
	FC_FS_SIZE,
	FC_FS_METADATA_OVERHANG,
	FC_FS_OVERHANG,
	FC_FS_OVERHANG_MORE,
	FC_FS_BLOCKS,
	FC_FS_SCAN,

	/* features */
	FC_FEATURES,
	FC_FEATURE_UNREADABLE,
	FC_FS_JOURNAL_STALE,
	FC_FS_DAMAGED,
	FC_FS_CHECKSUM,
	FC_FS_BIGALLOC,
	FC_FS_MMP,
	FC_FS_STATE,
	FC_FEATURE_INLINE_DATA,
	FC_FEATURE_64BIT_BLOCKS,
	FC_GRUB_SECTOR_LIMIT,
	FC_FILE_EXTENT_DEPTH,
	FC_FILE_HOLES,

	/* menu */
	FC_MENU_FOUND,
	FC_MENU_MISSING,
	FC_MENU_DANGLING,
	FC_MENU_SYMLINK_LOOP,
	FC_MENU_PATH,
	FC_MENU_UNREADABLE,
	FC_MENU_ASSUMED,
	FC_MENU_NO_ENTRIES,
	FC_MENU_ENTRY,
	FC_MENU_FALLBACK,
	FC_MENU_ROOT,
	FC_MENU_BAD_PATH,
	FC_MENU_KERNEL_MISSING,
	FC_MENU_INITRD_MISSING,
	FC_MENU_INITRD_FIRST,
	FC_MENU_NO_KERNEL,
	FC_MENU_UNKNOWN_COMMAND,
	FC_MENU_CHAINLOAD,
	FC_MENU_CHAINLOAD_SIGNATURE,
	FC_MENU_CHAINLOAD_EMPTY,
	FC_MENU_CONFIGFILE,
	FC_MENU_LOCK,
	FC_MENU_STOPS,
	FC_MENU_NO_TIMEOUT,
	FC_MENU_DEFAULT,
	FC_MENU_SERIAL,
	FC_MENU_EMPTY_ENTRY,
	FC_MENU_IGNORED,
	FC_MENU_SYNTAX,
	FC_MENU_LONG_LINE,
	FC_MENU_MANY,
	FC_MENU_DEFAULT_SAVED,
	FC_MENU_SAVEDEFAULT,
	FC_KERNEL,
	FC_KERNEL_MULTIBOOT,
	FC_KERNEL_FORMAT,
	FC_KERNEL_ZIMAGE_TOO_BIG,
	FC_KERNEL_TRUNCATED,
	FC_KERNEL_CRC,
	FC_KERNEL_CORRUPT,
	FC_KERNEL_NO_INITRD,
	FC_KERNEL_DRIVERS_UNKNOWN,
	FC_ROOT,
	FC_ROOT_LOOP,
	FC_ROOT_HD,
	FC_ROOT_DISK,
	FC_ROOT_NO_PARTITION,
	FC_ROOT_ID,
	FC_ROOT_PARTUUID,
	FC_ROOT_MISSING,
	FC_ROOT_BUS,
	FC_ROOT_UNKNOWN,
	FC_ROOT_PROBE_ORDER,

	/* userspace */
	FC_ROOT_FS,
	FC_ROOT_ASSUMED,
	FC_ROOT_NO_FS,
	FC_ROOT_FS_BLOCKSIZE,
	FC_ROOT_QUOTA,
	FC_INIT,
	FC_INIT_FALLBACK,
	FC_INIT_BROKEN,
	FC_INIT_DIES,
	FC_INIT_LIBS_UNCHECKED,
	FC_INIT_MISSING,
	FC_INIT_NO_INITTAB,
	FC_INIT_32BIT,
	FC_CONSOLE,
	FC_CONSOLE_MISSING,

	/* GRUB 2 (i386-pc): disk */
	FC_GPT_PMBR_NO_ACTIVE,

	/* GRUB 2 (i386-pc): chain */
	FC_GRUB2_CORE,
	FC_GRUB2_CORE_MISSING,
	FC_GRUB2_CORE_BLOCKLIST,
	FC_GRUB2_CORE_CORRUPT,
	FC_GRUB2_PREFIX,
	FC_GRUB2_CORE_OVERLAP,
	FC_GRUB2_MODULE_MISSING,
	FC_GRUB2_MODULE_SYMBOL,
	FC_GRUB2_MODULE_FORMAT,
	FC_GRUB2_NORMAL,

	/* GRUB 2 (i386-pc): menu */
	FC_GRUB2_CFG_MISSING,
	FC_GRUB2_NO_ENTRIES,
	FC_GRUB2_TIMEOUT,
	FC_GRUB2_ENTRY,
	FC_GRUB2_ENV,
	FC_GRUB2_SEARCH,
	FC_GRUB2_KERNEL,
	FC_GRUB2_FILE,
	FC_GRUB2_NO_KERNEL,
	FC_GRUB2_CFG_COMMAND,
	FC_GRUB2_CFG_DYNAMIC,
	FC_GRUB2_CFG_SYNTAX,

	FC_COUNT
};

/* A set of severities or of areas: bit 1 << value. */
#define CODE_BIT(x) (1u << (x))

struct finding_row {
	const char *name;		/* the stable code, as programs see it */
	enum grubinst_area area;	/* where it is reported */
	unsigned sevs;			/* the severities it may have */
	unsigned also;			/* the areas some of its findings go to
					   instead (IN_AREA() in their note) */
};

/* One row per code, indexed by it. */
extern const struct finding_row finding_table[];

const char *finding_code_name(enum finding_code code);
enum grubinst_area finding_code_area(enum finding_code code);
/* Does CODE's row allow a finding of severity SEV in AREA? */
bool finding_code_allows(enum finding_code code, enum grubinst_severity sev,
			 enum grubinst_area area);

#endif
