/*
 * GRUB 0.97's error messages (err_list in stage2/common.c, numbered by
 * grub_error_t in stage2/shared.h), with what they mean when booting a
 * disk image.  stage1.5 prints only "Error N"; stage2 prints the text.
 * GRUB 2's messages have no numbers: they are looked up by their words.
 */
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "inspect/inspect.h"

static const char *const explanations[GERR_MAX + 1] = {
	[1] = "Error 1: Filename must be either an absolute pathname or blocklist\n"
	      "A file name in menu.lst (kernel, initrd, configfile...) does not start\n"
	      "with '/' or a device like (hd0,0)/, nor is it a block list (0+19).\n"
	      "Write kernel /boot/vmlinuz, not kernel boot/vmlinuz.",
	[2] = "Error 2: Bad file or directory type\n"
	      "The name leads to something that is not a regular file (a directory,\n"
	      "a device node), or a directory on the way is not a directory.  In an\n"
	      "image: menu.lst or the kernel is a directory, or a symlink on the\n"
	      "path points at one.",
	[3] = "Error 3: Bad or corrupt data while decompressing file\n"
	      "GRUB decompresses gzip'ed files itself; this one is damaged or was\n"
	      "truncated while copying it into the image.",
	[4] = "Error 4: Bad or incompatible header in compressed file\n"
	      "The file looks gzip'ed but its header is one GRUB 0.97 cannot read.",
	[5] = "Error 5: Partition table invalid or corrupt\n"
	      "The MBR partition table (or an extended partition's chain) is\n"
	      "inconsistent: overlapping or looping entries.  Recreate it with\n"
	      "sfdisk; grubinst --verify shows which entries are wrong.",
	[6] = "Error 6: Mismatched or corrupt version of stage1/stage2\n"
	      "The stage files on the disk are not all GRUB 0.97 (COMPAT_VERSION 3.2)\n"
	      "or are damaged: mixed GRUB versions, or a stage2 replaced after install.\n"
	      "Reinstall: grubinst IMAGE.",
	[7] = "Error 7: Loading below 1MB is not supported\n"
	      "A multiboot or ELF kernel asks to be loaded below 1 MiB.",
	[8] = "Error 8: Kernel must be loaded before booting\n"
	      "The menu entry has no kernel line, or the kernel line failed, and\n"
	      "boot ran anyway.",
	[9] = "Error 9: Unknown boot failure\n"
	      "The kernel was loaded but starting it failed; rare.",
	[10] = "Error 10: Unsupported Multiboot features requested\n"
	       "The multiboot header asks for features GRUB 0.97 does not have.",
	[11] = "Error 11: Unrecognized device string\n"
	       "A device in menu.lst is misspelt: (hd0,0) is right; (hd0, 0), hd0,0\n"
	       "or (sda1) are not.",
	[12] = "Error 12: Invalid device requested\n"
	       "The device string is well formed but makes no sense for the command,\n"
	       "e.g. a partition where a whole disk is needed.",
	[13] = "Error 13: Invalid or unsupported executable format\n"
	       "The kernel file is not a Linux bzImage/zImage (55 AA and \"HdrS\" in its\n"
	       "first sectors) nor a multiboot kernel: an ELF vmlinux, a compressed\n"
	       "vmlinux.gz of the wrong kind, a text file, or garbage read from stale\n"
	       "or out-of-partition blocks.",
	[14] = "Error 14: Filesystem compatibility error, cannot read whole file\n"
	       "The ext2 reader cannot follow this file: block numbers above 2^32\n"
	       "(ext4 64bit on a huge disk), a huge_file, or a symlink target too long.",
	[15] = "Error 15: File not found\n"
	       "The path does not exist in the partition GRUB looks in.  In images:\n"
	       "the kernel was copied to another directory or partition, root (hd0,N)\n"
	       "names the wrong partition, or a symlink on the path dangles (a link\n"
	       "made relative to the wrong directory, like the tutorial's\n"
	       "menu.lst -> boot/grub/grub.conf inside /boot/grub).  From a stage1.5\n"
	       "it means /boot/grub/stage2 itself is missing.",
	[16] = "Error 16: Inconsistent filesystem structure\n"
	       "A directory, indirect or extent-tree block GRUB needed could not be\n"
	       "read or makes no sense.  In images: metadata beyond the partition end\n"
	       "(the filesystem is bigger than its partition), a corrupt filesystem\n"
	       "(run e2fsck -fn 'IMAGE?offset=BYTES'), or features GRUB cannot read.",
	[17] = "Error 17: Cannot mount selected partition\n"
	       "GRUB found no filesystem it can read in the partition: no ext2/3/4\n"
	       "superblock at its start (the filesystem was made at the wrong offset),\n"
	       "a partition type other than 0x83 or 0xfd (GRUB's ext2 reader checks\n"
	       "it), or an unsupported filesystem.",
	[18] = "Error 18: Selected cylinder exceeds maximum supported by BIOS\n"
	       "A CHS-only BIOS cannot reach the sector; with LBA (every BIOS today)\n"
	       "it does not happen.  Try --force-lba.",
	[19] = "Error 19: Linux kernel must be loaded before initrd\n"
	       "The initrd line comes before the kernel line, or the kernel failed\n"
	       "to load.",
	[20] = "Error 20: Multiboot kernel must be loaded before modules\n"
	       "A module line comes before the multiboot kernel line.",
	[21] = "Error 21: Selected disk does not exist\n"
	       "The menu names (hd1) or another disk the BIOS does not have: a disk\n"
	       "image boots as the only disk, (hd0).",
	[22] = "Error 22: No such partition\n"
	       "The menu names a partition the partition table does not have: GRUB\n"
	       "counts from 0, so (hd0,0) is /dev/sda1 and (hd0,4) the first logical.",
	[23] = "Error 23: Error while parsing number\n"
	       "A number in the menu (default, timeout, a block list) is malformed.",
	[24] = "Error 24: Attempt to access block outside partition\n"
	       "A file's block lies past the end of its partition.  The classic cause\n"
	       "(the minimal-Linux tutorial): mke2fs was run on the rest of the image\n"
	       "(losetup -o or -E offset= without a block count), so the filesystem is\n"
	       "bigger than the partition and files that land in the extra space are\n"
	       "out of reach; Linux logs \"attempt to access beyond end of device\".\n"
	       "grubinst --verify lists the files concerned; shrink the filesystem to\n"
	       "the partition (e2fsck -f, resize2fs) or remake it with the right size.",
	[25] = "Error 25: Disk read error\n"
	       "The BIOS could not read a sector: a partition or file past the end of\n"
	       "the image file, or a truncated image.",
	[26] = "Error 26: Too many symbolic links\n"
	       "More than 5 symbolic links on one path (GRUB's limit), usually a loop\n"
	       "such as menu.lst -> grub.conf -> menu.lst.  GRUB does not show this for\n"
	       "menu.lst itself: it just starts the grub> command line.",
	[27] = "Error 27: Unrecognized command\n"
	       "A menu entry uses a command GRUB 0.97 does not have (a GRUB 2 word such\n"
	       "as linux, menuentry or set, or a typo).",
	[28] = "Error 28: Selected item cannot fit into memory\n"
	       "The kernel or initrd is too big for memory, or an old zImage kernel is\n"
	       "too big (use bzImage).  Give the machine more memory.",
	[29] = "Error 29: Disk write error\n"
	       "GRUB could not write (savedefault, install).",
	[30] = "Error 30: Invalid argument\n"
	       "A command got an argument it does not accept.",
	[31] = "Error 31: File is not sector aligned\n"
	       "Only for writing files with a block list; not seen when booting.",
	[32] = "Error 32: Must be authenticated\n"
	       "The entry is locked and the password was not given.",
	[33] = "Error 33: Device not initialized yet\n"
	       "A device was used before its set-up command, e.g. \"terminal serial\"\n"
	       "without a working \"serial\" line before it.",
	[34] = "Error 34: No spare sectors on the disk\n"
	       "embed found no room after the MBR for the stage1.5: the first\n"
	       "partition starts too early (sector 1..19 are needed).",
	[35] = "Error 35: Overflow while parsing number\n"
	       "A number in the menu is too large.",
};

GI_API const char *grubinst_explain(int grub_error)
{
	if (grub_error < 1 || grub_error > GERR_MAX)
		return NULL;
	return explanations[grub_error];
}

/* GRUB 2 (i386-pc): the words of a message, all of which must be in what
 * the user gives (in this order of the table: the most specific first),
 * and what it means in a disk image.  */
static const struct {
	const char *words[2];
	const char *text;
} grub2_explanations[] = {
	{ { "symbol", "not found" },
	  "GRUB 2: error: symbol `NAME' not found.\n"
	  "A module from $prefix/i386-pc needs a symbol that neither core.img's\n"
	  "kernel nor a module loaded before it has: the modules and core.img come\n"
	  "from different GRUB builds (a grub-pc-bin upgraded after core.img was\n"
	  "made, or modules copied from another distribution).  Make core.img\n"
	  "again with the grub-mkimage of the build the modules come from, or copy\n"
	  "that build's modules.  grubinst --verify names the module and symbol." },
	{ { "normal.mod", NULL },
	  "GRUB 2: error: file `/boot/grub/i386-pc/normal.mod' not found.\n"
	  "core.img runs but cannot load normal mode from $prefix/i386-pc: the\n"
	  "modules were not copied there, or the prefix built into core.img names\n"
	  "another partition or directory.  GRUB 2 then stops at grub rescue>." },
	{ { "unknown filesystem", NULL },
	  "GRUB 2: error: unknown filesystem.\n"
	  "The device $root or $prefix names holds no filesystem core.img can read:\n"
	  "the ext2 module is not built into core.img, the name is a whole disk\n"
	  "(a prefix without a partition, a search that found nothing), or the\n"
	  "filesystem was overwritten (a core.img too big for the gap before the\n"
	  "first partition)." },
	{ { "no such partition", NULL },
	  "GRUB 2: error: no such partition.\n"
	  "$root or $prefix names a partition the disk does not have, or one of a\n"
	  "partition map whose module (part_msdos, part_gpt) core.img lacks." },
	{ { "no such device", NULL },
	  "GRUB 2: error: no such device: KEY.\n"
	  "A search --fs-uuid, --label or --file found no filesystem with it,\n"
	  "usually because the filesystem was made again after grub.cfg (or\n"
	  "core.img's embedded config) was written.  The variable keeps its old\n"
	  "value; what is opened with it next decides whether the boot goes on." },
	{ { "load the kernel first", NULL },
	  "GRUB 2: error: you need to load the kernel first.\n"
	  "The entry's linux command failed (its own error is printed before), or\n"
	  "there is none; an initrd before linux gives it too." },
	{ { "file", "not found" },
	  "GRUB 2: error: file `PATH' not found.\n"
	  "A linux, initrd, source or configfile path names no file on $root, the\n"
	  "partition the entry set (set root, search), not the one grub.cfg is on." },
	{ { "invalid magic number", NULL },
	  "GRUB 2: error: invalid magic number.\n"
	  "linux was given a file that is not a Linux bzImage (an ELF vmlinux, an\n"
	  "initrd, a compressed image)." },
	{ { "can't find command", NULL },
	  "GRUB 2: error: can't find command `NAME'.\n"
	  "No module has the command (a typo, a GRUB Legacy word), or it is used in\n"
	  "core.img's embedded config, where only built-in modules' commands exist." },
	{ { "outside of disk", NULL },
	  "GRUB 2: error: attempt to read or write outside of disk `hd0'.\n"
	  "A file's blocks lie past what the BIOS reports for the disk, or past the\n"
	  "end of the image (a truncated image, a partition past its end)." },
	{ { "grub rescue", NULL },
	  "GRUB 2: grub rescue>\n"
	  "core.img ran but could not load normal.mod; the error before the prompt\n"
	  "says why (unknown filesystem, no such partition, file not found, symbol\n"
	  "not found).  Run grubinst --verify on the image." },
};

GI_API const char *grubinst_explain_grub2(const char *message)
{
	if (!message)
		return NULL;
	for (size_t i = 0; i < sizeof(grub2_explanations) / sizeof(grub2_explanations[0]); i++) {
		const char *const *w = grub2_explanations[i].words;

		if (strcasestr(message, w[0]) && (!w[1] || strcasestr(message, w[1])))
			return grub2_explanations[i].text;
	}
	return NULL;
}
