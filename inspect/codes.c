/*
 * The table of finding codes (codes.h): a row per code, in the order of
 * docs/verify.md's tables, with the area and the severities its row
 * there gives.  A code with two areas reports in the first unless its
 * finding says otherwise (IN_AREA()).
 */
#include "inspect/inspect.h"

/* Sets of up to three values: SEVS(FAIL, WARN), AREAS(AREA_CHAIN). */
#define BITS1(a) CODE_BIT(a)
#define BITS2(a, b) (CODE_BIT(a) | CODE_BIT(b))
#define BITS3(a, b, c) (CODE_BIT(a) | CODE_BIT(b) | CODE_BIT(c))
#define BITS_PICK(a, b, c, name, ...) name
#define BITS(...) BITS_PICK(__VA_ARGS__, BITS3, BITS2, BITS1, )(__VA_ARGS__)
#define SEVS(...) BITS(__VA_ARGS__)
#define AREAS(...) BITS(__VA_ARGS__)

const struct finding_row finding_table[] = {
	/* disk */
	[FC_INSTALL_INTERRUPTED] = { "install-interrupted", AREA_DISK, SEVS(FAIL) },
	[FC_UNDO_INVALID] = { "undo-invalid", AREA_DISK, SEVS(FAIL) },
	[FC_DISK_OTHER] = { "disk-other", AREA_DISK, SEVS(OK) },
	[FC_DISK_TRUNCATED] = { "disk-truncated", AREA_DISK, SEVS(FAIL) },
	[FC_DISK_SIZE] = { "disk-size", AREA_DISK, SEVS(WARN) },
	[FC_MBR_SIGNATURE] = { "mbr-signature", AREA_DISK, SEVS(FAIL) },
	[FC_PTABLE_NONE] = { "ptable-none", AREA_DISK, SEVS(FAIL) },
	[FC_PTABLE_GPT] = { "ptable-gpt", AREA_DISK, SEVS(FAIL) },
	[FC_PART_NONE] = { "part-none", AREA_DISK, SEVS(FAIL) },
	[FC_PTABLE_LOOP] = { "ptable-loop", AREA_DISK, SEVS(WARN) },
	[FC_PART] = { "part", AREA_DISK, SEVS(OK) },
	[FC_PART_IN_MBR] = { "part-in-mbr", AREA_DISK, SEVS(FAIL) },
	[FC_PART_OVERLAP] = { "part-overlap", AREA_DISK, SEVS(WARN) },
	[FC_PART_OUTSIDE_EXTENDED] = { "part-outside-extended", AREA_DISK, SEVS(WARN) },
	[FC_PART_PAST_END] = { "part-past-end", AREA_DISK, SEVS(WARN) },
	[FC_PART_TYPE] = { "part-type", AREA_DISK, SEVS(FAIL, WARN),
		.also = AREAS(AREA_CHAIN, AREA_MENU) },
	[FC_PART_MOUNTED] = { "part-mounted", AREA_DISK, SEVS(WARN) },
	[FC_PART_NO_FS] = { "part-no-fs", AREA_DISK, SEVS(FAIL, WARN) },
	[FC_PART_NO_ACTIVE] = { "part-no-active", AREA_DISK, SEVS(WARN) },
	[FC_PART_MANY_ACTIVE] = { "part-many-active", AREA_DISK, SEVS(WARN) },

	/* bootcode */
	[FC_BOOT_GRUB_LEGACY] = { "boot-grub-legacy", AREA_BOOTCODE, SEVS(OK) },
	[FC_BOOT_EMPTY] = { "boot-empty", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_BOOT_GRUB2] = { "boot-grub2", AREA_BOOTCODE, SEVS(OK) },
	[FC_BOOT_FOREIGN] = { "boot-foreign", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_MBR_CHAINS_ACTIVE] = { "mbr-chains-active", AREA_BOOTCODE, SEVS(OK) },
	[FC_CHAIN_NO_ACTIVE] = { "chain-no-active", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_CHAIN_MANY_ACTIVE] = { "chain-many-active", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_VBR_NOT_GRUB] = { "vbr-not-grub", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_STAGE1_DRIVE] = { "stage1-drive", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_STAGE1_ADDRESS] = { "stage1-address", AREA_BOOTCODE, SEVS(FAIL) },
	[FC_STAGE1_SEGMENT] = { "stage1-segment", AREA_BOOTCODE, SEVS(FAIL) },

	/* chain */
	[FC_STAGE1_5_EMBEDDED] = { "stage1_5-embedded", AREA_CHAIN, SEVS(OK) },
	[FC_BLOCKLIST] = { "blocklist", AREA_CHAIN, SEVS(OK) },
	[FC_CHAIN_STALE] = { "chain-stale", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_CHAIN_NOT_A_STAGE] = { "chain-not-a-stage", AREA_CHAIN, SEVS(FAIL) },
	[FC_CHAIN_SELF] = { "chain-self", AREA_CHAIN, SEVS(FAIL) },
	[FC_CHAIN_PAST_END] = { "chain-past-end", AREA_CHAIN, SEVS(FAIL) },
	[FC_CHAIN_ADDRESS] = { "chain-address", AREA_CHAIN, SEVS(FAIL) },
	[FC_STAGE1_5_NOT_EXT2] = { "stage1_5-not-ext2", AREA_CHAIN, SEVS(FAIL) },
	[FC_STAGE1_5_INVALID] = { "stage1_5-invalid", AREA_CHAIN, SEVS(FAIL) },
	[FC_STAGE1_5_DRIVE] = { "stage1_5-drive", AREA_CHAIN, SEVS(FAIL) },
	[FC_EMBED_OVERLAP] = { "embed-overlap", AREA_CHAIN, SEVS(FAIL) },
	[FC_CHAIN_PARTITION] = { "chain-partition", AREA_CHAIN, SEVS(FAIL) },
	[FC_STAGE2_FOUND] = { "stage2-found", AREA_CHAIN, SEVS(OK) },
	[FC_STAGE2_MISSING] = { "stage2-missing", AREA_CHAIN, SEVS(FAIL) },
	[FC_STAGE2_INVALID] = { "stage2-invalid", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_STAGE_VERSION] = { "stage-version", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_STAGE2_OTHER] = { "stage2-other", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_STAGE_BUILD] = { "stage-build", AREA_CHAIN, SEVS(OK, FAIL) },
	[FC_STAGE_CORRUPT] = { "stage-corrupt", AREA_CHAIN, SEVS(OK, FAIL) },
	[FC_GRUB_OUTSIDE_PARTITION] = { "grub-outside-partition", AREA_CHAIN, SEVS(FAIL),
		.also = AREAS(AREA_MENU) },

	/* filesystem */
	[FC_FS_SIZE] = { "fs-size", AREA_FILESYSTEM, SEVS(FAIL, WARN) },
	[FC_FS_METADATA_OVERHANG] = { "fs-metadata-overhang", AREA_FILESYSTEM, SEVS(FAIL, WARN) },
	[FC_FS_OVERHANG] = { "fs-overhang", AREA_FILESYSTEM, SEVS(FAIL, WARN) },
	[FC_FS_OVERHANG_MORE] = { "fs-overhang-more", AREA_FILESYSTEM, SEVS(FAIL, WARN) },
	[FC_FS_BLOCKS] = { "fs-blocks", AREA_FILESYSTEM, SEVS(OK) },
	[FC_FS_SCAN] = { "fs-scan", AREA_FILESYSTEM, SEVS(WARN) },

	/* features */
	[FC_FEATURES] = { "features", AREA_FEATURES, SEVS(OK) },
	[FC_FEATURE_UNREADABLE] = { "feature-unreadable", AREA_FEATURES, SEVS(FAIL, WARN) },
	[FC_FS_JOURNAL_STALE] = { "fs-journal-stale", AREA_FEATURES, SEVS(WARN) },
	[FC_FS_DAMAGED] = { "fs-damaged", AREA_FEATURES, SEVS(FAIL, WARN),
		.also = AREAS(AREA_FILESYSTEM) },
	[FC_FS_CHECKSUM] = { "fs-checksum", AREA_FEATURES, SEVS(FAIL, WARN) },
	[FC_FS_BIGALLOC] = { "fs-bigalloc", AREA_FEATURES, SEVS(WARN) },
	[FC_FS_MMP] = { "fs-mmp", AREA_FEATURES, SEVS(WARN) },
	[FC_FS_STATE] = { "fs-state", AREA_FEATURES, SEVS(WARN) },
	[FC_FEATURE_INLINE_DATA] = { "feature-inline-data", AREA_FEATURES, SEVS(FAIL) },
	[FC_FEATURE_64BIT_BLOCKS] = { "feature-64bit-blocks", AREA_FEATURES, SEVS(FAIL) },
	[FC_GRUB_SECTOR_LIMIT] = { "grub-sector-limit", AREA_FEATURES, SEVS(FAIL, WARN),
		.also = AREAS(AREA_CHAIN, AREA_MENU) },
	[FC_FILE_EXTENT_DEPTH] = { "file-extent-depth", AREA_FEATURES, SEVS(WARN) },
	[FC_FILE_HOLES] = { "file-holes", AREA_FEATURES, SEVS(FAIL) },

	/* menu */
	[FC_MENU_FOUND] = { "menu-found", AREA_MENU, SEVS(OK) },
	[FC_MENU_MISSING] = { "menu-missing", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_DANGLING] = { "menu-dangling", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_SYMLINK_LOOP] = { "menu-symlink-loop", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_PATH] = { "menu-path", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_UNREADABLE] = { "menu-unreadable", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_ASSUMED] = { "menu-assumed", AREA_MENU, SEVS(WARN) },
	[FC_MENU_NO_ENTRIES] = { "menu-no-entries", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_ENTRY] = { "menu-entry", AREA_MENU, SEVS(OK) },
	[FC_MENU_FALLBACK] = { "menu-fallback", AREA_MENU, SEVS(WARN) },
	[FC_MENU_ROOT] = { "menu-root", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_BAD_PATH] = { "menu-bad-path", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_KERNEL_MISSING] = { "menu-kernel-missing", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_INITRD_MISSING] = { "menu-initrd-missing", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_INITRD_FIRST] = { "menu-initrd-first", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_NO_KERNEL] = { "menu-no-kernel", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_UNKNOWN_COMMAND] = { "menu-unknown-command", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_CHAINLOAD] = { "menu-chainload", AREA_MENU, SEVS(WARN, FAIL) },
	[FC_MENU_CHAINLOAD_SIGNATURE] = { "menu-chainload-signature", AREA_MENU, SEVS(WARN, FAIL) },
	[FC_MENU_CHAINLOAD_EMPTY] = { "menu-chainload-empty", AREA_MENU, SEVS(WARN, FAIL) },
	[FC_MENU_CONFIGFILE] = { "menu-configfile", AREA_MENU, SEVS(OK, FAIL, WARN) },
	[FC_MENU_LOCK] = { "menu-lock", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_STOPS] = { "menu-stops", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_MENU_NO_TIMEOUT] = { "menu-no-timeout", AREA_MENU, SEVS(FAIL) },
	[FC_MENU_DEFAULT] = { "menu-default", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_SERIAL] = { "menu-serial", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_EMPTY_ENTRY] = { "menu-empty-entry", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_IGNORED] = { "menu-ignored", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_SYNTAX] = { "menu-syntax", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_LONG_LINE] = { "menu-long-line", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_MANY] = { "menu-many", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_DEFAULT_SAVED] = { "menu-default-saved", AREA_MENU, SEVS(WARN, OK) },
	[FC_MENU_SAVEDEFAULT] = { "menu-savedefault", AREA_MENU, SEVS(OK, FAIL, WARN) },
	[FC_KERNEL] = { "kernel", AREA_MENU, SEVS(OK) },
	[FC_KERNEL_MULTIBOOT] = { "kernel-multiboot", AREA_MENU, SEVS(OK, FAIL, WARN) },
	[FC_KERNEL_FORMAT] = { "kernel-format", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_KERNEL_ZIMAGE_TOO_BIG] = { "kernel-zimage-too-big", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_KERNEL_TRUNCATED] = { "kernel-truncated", AREA_MENU, SEVS(FAIL) },
	[FC_KERNEL_CRC] = { "kernel-crc", AREA_MENU, SEVS(OK, FAIL) },
	[FC_KERNEL_CORRUPT] = { "kernel-corrupt", AREA_MENU, SEVS(OK, FAIL) },
	[FC_KERNEL_NO_INITRD] = { "kernel-no-initrd", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_KERNEL_DRIVERS_UNKNOWN] = { "kernel-drivers-unknown", AREA_MENU, SEVS(FAIL, WARN) },
	[FC_ROOT] = { "root", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_LOOP] = { "root-loop", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_HD] = { "root-hd", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_DISK] = { "root-disk", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_NO_PARTITION] = { "root-no-partition", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_ID] = { "root-id", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_PARTUUID] = { "root-partuuid", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_MISSING] = { "root-missing", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_BUS] = { "root-bus", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_UNKNOWN] = { "root-unknown", AREA_MENU, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_PROBE_ORDER] = { "root-probe-order", AREA_MENU, SEVS(WARN) },

	/* userspace */
	[FC_ROOT_FS] = { "root-fs", AREA_USERSPACE, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_ASSUMED] = { "root-assumed", AREA_USERSPACE, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_NO_FS] = { "root-no-fs", AREA_USERSPACE, SEVS(OK, WARN, FAIL) },
	[FC_ROOT_FS_BLOCKSIZE] = { "root-fs-blocksize", AREA_USERSPACE, SEVS(FAIL) },
	[FC_ROOT_QUOTA] = { "root-quota", AREA_USERSPACE, SEVS(WARN) },
	[FC_INIT] = { "init", AREA_USERSPACE, SEVS(OK) },
	[FC_INIT_FALLBACK] = { "init-fallback", AREA_USERSPACE, SEVS(WARN) },
	[FC_INIT_BROKEN] = { "init-broken", AREA_USERSPACE, SEVS(WARN, FAIL) },
	[FC_INIT_DIES] = { "init-dies", AREA_USERSPACE, SEVS(FAIL) },
	[FC_INIT_LIBS_UNCHECKED] = { "init-libs-unchecked", AREA_USERSPACE, SEVS(WARN) },
	[FC_INIT_MISSING] = { "init-missing", AREA_USERSPACE, SEVS(FAIL) },
	[FC_INIT_NO_INITTAB] = { "init-no-inittab", AREA_USERSPACE, SEVS(WARN) },
	[FC_INIT_32BIT] = { "init-32bit", AREA_USERSPACE, SEVS(WARN) },
	[FC_CONSOLE] = { "console", AREA_USERSPACE, SEVS(OK) },
	[FC_CONSOLE_MISSING] = { "console-missing", AREA_USERSPACE, SEVS(WARN, FAIL) },

	/* GRUB 2 (i386-pc): disk */
	[FC_GPT_PMBR_NO_ACTIVE] = { "gpt-pmbr-no-active", AREA_DISK, SEVS(WARN) },

	/* GRUB 2 (i386-pc): chain */
	[FC_GRUB2_CORE] = { "grub2-core", AREA_CHAIN, SEVS(OK) },
	[FC_GRUB2_CORE_MISSING] = { "grub2-core-missing", AREA_CHAIN, SEVS(FAIL) },
	[FC_GRUB2_CORE_BLOCKLIST] = { "grub2-core-blocklist", AREA_CHAIN, SEVS(FAIL) },
	[FC_GRUB2_CORE_CORRUPT] = { "grub2-core-corrupt", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_GRUB2_PREFIX] = { "grub2-prefix", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_GRUB2_CORE_OVERLAP] = { "grub2-core-overlap", AREA_CHAIN, SEVS(WARN) },
	[FC_GRUB2_MODULE_MISSING] = { "grub2-module-missing", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_GRUB2_MODULE_SYMBOL] = { "grub2-module-symbol", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_GRUB2_MODULE_FORMAT] = { "grub2-module-format", AREA_CHAIN, SEVS(FAIL, WARN) },
	[FC_GRUB2_NORMAL] = { "grub2-normal", AREA_CHAIN, SEVS(OK) },

	/* GRUB 2 (i386-pc): menu */
	[FC_GRUB2_CFG_MISSING] = { "grub2-cfg-missing", AREA_MENU, SEVS(FAIL) },
	[FC_GRUB2_NO_ENTRIES] = { "grub2-no-entries", AREA_MENU, SEVS(FAIL) },
	[FC_GRUB2_TIMEOUT] = { "grub2-timeout", AREA_MENU, SEVS(FAIL) },
	[FC_GRUB2_ENTRY] = { "grub2-entry", AREA_MENU, SEVS(OK) },
	[FC_GRUB2_ENV] = { "grub2-env", AREA_MENU, SEVS(WARN) },
	[FC_GRUB2_SEARCH] = { "grub2-search", AREA_MENU, SEVS(OK, WARN) },
	[FC_GRUB2_KERNEL] = { "grub2-kernel", AREA_MENU, SEVS(OK, FAIL) },
	[FC_GRUB2_FILE] = { "grub2-file", AREA_MENU, SEVS(FAIL) },
	[FC_GRUB2_NO_KERNEL] = { "grub2-no-kernel", AREA_MENU, SEVS(FAIL) },
	[FC_GRUB2_CFG_COMMAND] = { "grub2-cfg-command", AREA_MENU, SEVS(WARN) },
	[FC_GRUB2_CFG_DYNAMIC] = { "grub2-cfg-dynamic", AREA_MENU, SEVS(WARN) },
	[FC_GRUB2_CFG_SYNTAX] = { "grub2-cfg-syntax", AREA_MENU, SEVS(FAIL) },
};

/* A row for every code (a code left out in the middle has no name:
 * tests/c/unit_codes.c looks).  */
_Static_assert(sizeof(finding_table) / sizeof(finding_table[0]) == FC_COUNT,
	       "one row in finding_table[] per enum finding_code");

const char *finding_code_name(enum finding_code code)
{
	return (unsigned)code < FC_COUNT ? finding_table[code].name : "?";
}

enum grubinst_area finding_code_area(enum finding_code code)
{
	return (unsigned)code < FC_COUNT ? finding_table[code].area
					 : GRUBINST_AREA_DISK;
}

bool finding_code_allows(enum finding_code code, enum grubinst_severity sev,
			 enum grubinst_area area)
{
	const struct finding_row *r;

	if ((unsigned)code >= FC_COUNT || (unsigned)sev > GRUBINST_SEV_FAIL ||
	    (unsigned)area >= GRUBINST_AREA_COUNT)
		return false;
	r = &finding_table[code];
	return (r->sevs & CODE_BIT(sev)) &&
	       (area == r->area || (r->also & CODE_BIT(area)));
}
