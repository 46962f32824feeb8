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
/* A row; ROW_ALSO with the areas some of its findings go to instead.
 * Designated, so that a field added to struct finding_row is zero in
 * every row without a warning.  */
#define ROW(n, a, s) { .name = (n), .area = (a), .sevs = (s) }
#define ROW_ALSO(n, a, s, also_in) { .name = (n), .area = (a), .sevs = (s), .also = (also_in) }

const struct finding_row finding_table[] = {
	/* disk */
	[FC_INSTALL_INTERRUPTED] = ROW("install-interrupted", AREA_DISK, SEVS(FAIL)),
	[FC_UNDO_INVALID] = ROW("undo-invalid", AREA_DISK, SEVS(FAIL)),
	[FC_DISK_OTHER] = ROW("disk-other", AREA_DISK, SEVS(OK)),
	[FC_DISK_TRUNCATED] = ROW("disk-truncated", AREA_DISK, SEVS(FAIL)),
	[FC_DISK_SIZE] = ROW("disk-size", AREA_DISK, SEVS(WARN)),
	[FC_MBR_SIGNATURE] = ROW("mbr-signature", AREA_DISK, SEVS(FAIL)),
	[FC_PTABLE_NONE] = ROW("ptable-none", AREA_DISK, SEVS(FAIL)),
	[FC_PTABLE_GPT] = ROW("ptable-gpt", AREA_DISK, SEVS(FAIL)),
	[FC_PART_NONE] = ROW("part-none", AREA_DISK, SEVS(FAIL)),
	[FC_PTABLE_LOOP] = ROW("ptable-loop", AREA_DISK, SEVS(WARN)),
	[FC_PART] = ROW("part", AREA_DISK, SEVS(OK)),
	[FC_PART_IN_MBR] = ROW("part-in-mbr", AREA_DISK, SEVS(FAIL)),
	[FC_PART_OVERLAP] = ROW("part-overlap", AREA_DISK, SEVS(WARN)),
	[FC_PART_OUTSIDE_EXTENDED] = ROW("part-outside-extended", AREA_DISK, SEVS(WARN)),
	[FC_PART_PAST_END] = ROW("part-past-end", AREA_DISK, SEVS(WARN)),
	[FC_PART_TYPE] = ROW_ALSO("part-type", AREA_DISK, SEVS(FAIL, WARN),
		AREAS(AREA_CHAIN, AREA_MENU)),
	[FC_PART_MOUNTED] = ROW("part-mounted", AREA_DISK, SEVS(WARN)),
	[FC_PART_NO_FS] = ROW("part-no-fs", AREA_DISK, SEVS(FAIL, WARN)),
	[FC_PART_NO_ACTIVE] = ROW("part-no-active", AREA_DISK, SEVS(WARN)),
	[FC_PART_MANY_ACTIVE] = ROW("part-many-active", AREA_DISK, SEVS(WARN)),

	/* bootcode */
	[FC_BOOT_GRUB_LEGACY] = ROW("boot-grub-legacy", AREA_BOOTCODE, SEVS(OK)),
	[FC_BOOT_EMPTY] = ROW("boot-empty", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_BOOT_GRUB2] = ROW("boot-grub2", AREA_BOOTCODE, SEVS(OK)),
	[FC_BOOT_FOREIGN] = ROW("boot-foreign", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_MBR_CHAINS_ACTIVE] = ROW("mbr-chains-active", AREA_BOOTCODE, SEVS(OK)),
	[FC_CHAIN_NO_ACTIVE] = ROW("chain-no-active", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_CHAIN_MANY_ACTIVE] = ROW("chain-many-active", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_VBR_NOT_GRUB] = ROW("vbr-not-grub", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_STAGE1_DRIVE] = ROW("stage1-drive", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_STAGE1_ADDRESS] = ROW("stage1-address", AREA_BOOTCODE, SEVS(FAIL)),
	[FC_STAGE1_SEGMENT] = ROW("stage1-segment", AREA_BOOTCODE, SEVS(FAIL)),

	/* chain */
	[FC_STAGE1_5_EMBEDDED] = ROW("stage1_5-embedded", AREA_CHAIN, SEVS(OK)),
	[FC_BLOCKLIST] = ROW("blocklist", AREA_CHAIN, SEVS(OK)),
	[FC_CHAIN_STALE] = ROW("chain-stale", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_CHAIN_NOT_A_STAGE] = ROW("chain-not-a-stage", AREA_CHAIN, SEVS(FAIL)),
	[FC_CHAIN_SELF] = ROW("chain-self", AREA_CHAIN, SEVS(FAIL)),
	[FC_CHAIN_PAST_END] = ROW("chain-past-end", AREA_CHAIN, SEVS(FAIL)),
	[FC_CHAIN_ADDRESS] = ROW("chain-address", AREA_CHAIN, SEVS(FAIL)),
	[FC_STAGE1_5_NOT_EXT2] = ROW("stage1_5-not-ext2", AREA_CHAIN, SEVS(FAIL)),
	[FC_STAGE1_5_INVALID] = ROW("stage1_5-invalid", AREA_CHAIN, SEVS(FAIL)),
	[FC_STAGE1_5_DRIVE] = ROW("stage1_5-drive", AREA_CHAIN, SEVS(FAIL)),
	[FC_EMBED_OVERLAP] = ROW("embed-overlap", AREA_CHAIN, SEVS(FAIL)),
	[FC_CHAIN_PARTITION] = ROW("chain-partition", AREA_CHAIN, SEVS(FAIL)),
	[FC_STAGE2_FOUND] = ROW("stage2-found", AREA_CHAIN, SEVS(OK)),
	[FC_STAGE2_MISSING] = ROW("stage2-missing", AREA_CHAIN, SEVS(FAIL)),
	[FC_STAGE2_INVALID] = ROW("stage2-invalid", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_STAGE_VERSION] = ROW("stage-version", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_STAGE2_OTHER] = ROW("stage2-other", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_STAGE_BUILD] = ROW("stage-build", AREA_CHAIN, SEVS(OK, FAIL)),
	[FC_STAGE_CORRUPT] = ROW("stage-corrupt", AREA_CHAIN, SEVS(OK, FAIL)),
	[FC_GRUB_OUTSIDE_PARTITION] = ROW_ALSO("grub-outside-partition", AREA_CHAIN, SEVS(FAIL),
		AREAS(AREA_MENU)),

	/* filesystem */
	[FC_FS_SIZE] = ROW("fs-size", AREA_FILESYSTEM, SEVS(FAIL, WARN)),
	[FC_FS_METADATA_OVERHANG] = ROW("fs-metadata-overhang", AREA_FILESYSTEM, SEVS(FAIL, WARN)),
	[FC_FS_OVERHANG] = ROW("fs-overhang", AREA_FILESYSTEM, SEVS(FAIL, WARN)),
	[FC_FS_OVERHANG_MORE] = ROW("fs-overhang-more", AREA_FILESYSTEM, SEVS(FAIL, WARN)),
	[FC_FS_BLOCKS] = ROW("fs-blocks", AREA_FILESYSTEM, SEVS(OK)),
	[FC_FS_SCAN] = ROW("fs-scan", AREA_FILESYSTEM, SEVS(WARN)),

	/* features */
	[FC_FEATURES] = ROW("features", AREA_FEATURES, SEVS(OK)),
	[FC_FEATURE_UNREADABLE] = ROW("feature-unreadable", AREA_FEATURES, SEVS(FAIL, WARN)),
	[FC_FS_JOURNAL_STALE] = ROW("fs-journal-stale", AREA_FEATURES, SEVS(WARN)),
	[FC_FS_DAMAGED] = ROW_ALSO("fs-damaged", AREA_FEATURES, SEVS(FAIL, WARN),
		AREAS(AREA_FILESYSTEM)),
	[FC_FS_CHECKSUM] = ROW("fs-checksum", AREA_FEATURES, SEVS(FAIL, WARN)),
	[FC_FS_BIGALLOC] = ROW("fs-bigalloc", AREA_FEATURES, SEVS(WARN)),
	[FC_FS_MMP] = ROW("fs-mmp", AREA_FEATURES, SEVS(WARN)),
	[FC_FS_STATE] = ROW("fs-state", AREA_FEATURES, SEVS(WARN)),
	[FC_FEATURE_INLINE_DATA] = ROW("feature-inline-data", AREA_FEATURES, SEVS(FAIL)),
	[FC_FEATURE_64BIT_BLOCKS] = ROW("feature-64bit-blocks", AREA_FEATURES, SEVS(FAIL)),
	[FC_GRUB_SECTOR_LIMIT] = ROW_ALSO("grub-sector-limit", AREA_FEATURES, SEVS(FAIL, WARN),
		AREAS(AREA_CHAIN, AREA_MENU)),
	[FC_FILE_EXTENT_DEPTH] = ROW("file-extent-depth", AREA_FEATURES, SEVS(WARN)),
	[FC_FILE_HOLES] = ROW("file-holes", AREA_FEATURES, SEVS(FAIL)),

	/* menu */
	[FC_MENU_FOUND] = ROW("menu-found", AREA_MENU, SEVS(OK)),
	[FC_MENU_MISSING] = ROW("menu-missing", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_DANGLING] = ROW("menu-dangling", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_SYMLINK_LOOP] = ROW("menu-symlink-loop", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_PATH] = ROW("menu-path", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_UNREADABLE] = ROW("menu-unreadable", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_ASSUMED] = ROW("menu-assumed", AREA_MENU, SEVS(WARN)),
	[FC_MENU_NO_ENTRIES] = ROW("menu-no-entries", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_ENTRY] = ROW("menu-entry", AREA_MENU, SEVS(OK)),
	[FC_MENU_FALLBACK] = ROW("menu-fallback", AREA_MENU, SEVS(WARN)),
	[FC_MENU_ROOT] = ROW("menu-root", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_BAD_PATH] = ROW("menu-bad-path", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_KERNEL_MISSING] = ROW("menu-kernel-missing", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_INITRD_MISSING] = ROW("menu-initrd-missing", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_INITRD_FIRST] = ROW("menu-initrd-first", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_NO_KERNEL] = ROW("menu-no-kernel", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_UNKNOWN_COMMAND] = ROW("menu-unknown-command", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_CHAINLOAD] = ROW("menu-chainload", AREA_MENU, SEVS(WARN, FAIL)),
	[FC_MENU_CHAINLOAD_SIGNATURE] = ROW("menu-chainload-signature", AREA_MENU, SEVS(WARN, FAIL)),
	[FC_MENU_CHAINLOAD_EMPTY] = ROW("menu-chainload-empty", AREA_MENU, SEVS(WARN, FAIL)),
	[FC_MENU_CONFIGFILE] = ROW("menu-configfile", AREA_MENU, SEVS(OK, FAIL, WARN)),
	[FC_MENU_LOCK] = ROW("menu-lock", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_STOPS] = ROW("menu-stops", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_MENU_NO_TIMEOUT] = ROW("menu-no-timeout", AREA_MENU, SEVS(FAIL)),
	[FC_MENU_DEFAULT] = ROW("menu-default", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_SERIAL] = ROW("menu-serial", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_EMPTY_ENTRY] = ROW("menu-empty-entry", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_IGNORED] = ROW("menu-ignored", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_SYNTAX] = ROW("menu-syntax", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_LONG_LINE] = ROW("menu-long-line", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_MANY] = ROW("menu-many", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_DEFAULT_SAVED] = ROW("menu-default-saved", AREA_MENU, SEVS(WARN, OK)),
	[FC_MENU_SAVEDEFAULT] = ROW("menu-savedefault", AREA_MENU, SEVS(OK, FAIL, WARN)),
	[FC_KERNEL] = ROW("kernel", AREA_MENU, SEVS(OK)),
	[FC_KERNEL_MULTIBOOT] = ROW("kernel-multiboot", AREA_MENU, SEVS(OK, FAIL, WARN)),
	[FC_KERNEL_FORMAT] = ROW("kernel-format", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_KERNEL_ZIMAGE_TOO_BIG] = ROW("kernel-zimage-too-big", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_KERNEL_TRUNCATED] = ROW("kernel-truncated", AREA_MENU, SEVS(FAIL)),
	[FC_KERNEL_CRC] = ROW("kernel-crc", AREA_MENU, SEVS(OK, FAIL)),
	[FC_KERNEL_CORRUPT] = ROW("kernel-corrupt", AREA_MENU, SEVS(OK, FAIL)),
	[FC_KERNEL_NO_INITRD] = ROW("kernel-no-initrd", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_KERNEL_DRIVERS_UNKNOWN] = ROW("kernel-drivers-unknown", AREA_MENU, SEVS(FAIL, WARN)),
	[FC_ROOT] = ROW("root", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_LOOP] = ROW("root-loop", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_HD] = ROW("root-hd", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_DISK] = ROW("root-disk", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_NO_PARTITION] = ROW("root-no-partition", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_ID] = ROW("root-id", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_PARTUUID] = ROW("root-partuuid", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_MISSING] = ROW("root-missing", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_BUS] = ROW("root-bus", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_UNKNOWN] = ROW("root-unknown", AREA_MENU, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_PROBE_ORDER] = ROW("root-probe-order", AREA_MENU, SEVS(WARN)),

	/* userspace */
	[FC_ROOT_FS] = ROW("root-fs", AREA_USERSPACE, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_ASSUMED] = ROW("root-assumed", AREA_USERSPACE, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_NO_FS] = ROW("root-no-fs", AREA_USERSPACE, SEVS(OK, WARN, FAIL)),
	[FC_ROOT_FS_BLOCKSIZE] = ROW("root-fs-blocksize", AREA_USERSPACE, SEVS(FAIL)),
	[FC_ROOT_QUOTA] = ROW("root-quota", AREA_USERSPACE, SEVS(WARN)),
	[FC_INIT] = ROW("init", AREA_USERSPACE, SEVS(OK)),
	[FC_INIT_FALLBACK] = ROW("init-fallback", AREA_USERSPACE, SEVS(WARN)),
	[FC_INIT_BROKEN] = ROW("init-broken", AREA_USERSPACE, SEVS(WARN, FAIL)),
	[FC_INIT_DIES] = ROW("init-dies", AREA_USERSPACE, SEVS(FAIL)),
	[FC_INIT_LIBS_UNCHECKED] = ROW("init-libs-unchecked", AREA_USERSPACE, SEVS(WARN)),
	[FC_INIT_MISSING] = ROW("init-missing", AREA_USERSPACE, SEVS(FAIL)),
	[FC_INIT_NO_INITTAB] = ROW("init-no-inittab", AREA_USERSPACE, SEVS(WARN)),
	[FC_INIT_32BIT] = ROW("init-32bit", AREA_USERSPACE, SEVS(WARN)),
	[FC_CONSOLE] = ROW("console", AREA_USERSPACE, SEVS(OK)),
	[FC_CONSOLE_MISSING] = ROW("console-missing", AREA_USERSPACE, SEVS(WARN, FAIL)),

	/* GRUB 2 (i386-pc): disk */
	[FC_GPT_PMBR_NO_ACTIVE] = ROW("gpt-pmbr-no-active", AREA_DISK, SEVS(WARN)),

	/* GRUB 2 (i386-pc): chain */
	[FC_GRUB2_CORE] = ROW("grub2-core", AREA_CHAIN, SEVS(OK)),
	[FC_GRUB2_CORE_MISSING] = ROW("grub2-core-missing", AREA_CHAIN, SEVS(FAIL)),
	[FC_GRUB2_CORE_BLOCKLIST] = ROW("grub2-core-blocklist", AREA_CHAIN, SEVS(FAIL)),
	[FC_GRUB2_CORE_CORRUPT] = ROW("grub2-core-corrupt", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_GRUB2_PREFIX] = ROW("grub2-prefix", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_GRUB2_CORE_OVERLAP] = ROW("grub2-core-overlap", AREA_CHAIN, SEVS(WARN)),
	[FC_GRUB2_MODULE_MISSING] = ROW("grub2-module-missing", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_GRUB2_MODULE_SYMBOL] = ROW("grub2-module-symbol", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_GRUB2_MODULE_FORMAT] = ROW("grub2-module-format", AREA_CHAIN, SEVS(FAIL, WARN)),
	[FC_GRUB2_NORMAL] = ROW("grub2-normal", AREA_CHAIN, SEVS(OK)),

	/* GRUB 2 (i386-pc): menu */
	[FC_GRUB2_CFG_MISSING] = ROW("grub2-cfg-missing", AREA_MENU, SEVS(FAIL)),
	[FC_GRUB2_NO_ENTRIES] = ROW("grub2-no-entries", AREA_MENU, SEVS(FAIL)),
	[FC_GRUB2_TIMEOUT] = ROW("grub2-timeout", AREA_MENU, SEVS(FAIL)),
	[FC_GRUB2_ENTRY] = ROW("grub2-entry", AREA_MENU, SEVS(OK)),
	[FC_GRUB2_ENV] = ROW("grub2-env", AREA_MENU, SEVS(WARN)),
	[FC_GRUB2_SEARCH] = ROW("grub2-search", AREA_MENU, SEVS(OK, WARN)),
	[FC_GRUB2_KERNEL] = ROW("grub2-kernel", AREA_MENU, SEVS(OK, FAIL)),
	[FC_GRUB2_FILE] = ROW("grub2-file", AREA_MENU, SEVS(FAIL)),
	[FC_GRUB2_NO_KERNEL] = ROW("grub2-no-kernel", AREA_MENU, SEVS(FAIL)),
	[FC_GRUB2_CFG_COMMAND] = ROW("grub2-cfg-command", AREA_MENU, SEVS(WARN)),
	[FC_GRUB2_CFG_DYNAMIC] = ROW("grub2-cfg-dynamic", AREA_MENU, SEVS(WARN)),
	[FC_GRUB2_CFG_SYNTAX] = ROW("grub2-cfg-syntax", AREA_MENU, SEVS(FAIL)),
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
