/* The root= of a generated menu: the partition of the root filesystem
 * (--root-partition, else the boot partition) named as --root-by asks:
 * its device (/dev/sdaN: the image boots as the only disk), its
 * filesystem's UUID or label (an initrd resolves those), or its PARTUUID,
 * which the kernel forms for an MBR disk from the disk identifier and the
 * partition number ("%08x-%02x", block/partitions/msdos.c).  */
#include <stdio.h>
#include <string.h>

#include <uuid/uuid.h>

#include "installer/installer.h"

static int root_part(struct install *inst, const struct partition **out)
{
	int n = inst->opts->root_partition;
	const struct partition *p;

	*out = NULL;
	if (n <= 0) {
		*out = inst->boot;
		return 0;
	}
	p = ptable_find(&inst->pt, n);
	if (!p)
		return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
				 "has no partition %d (--root-partition)", n);
	if (p->container)
		return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
				 "partition %d is an extended partition, it holds "
				 "no root filesystem (--root-partition)", n);
	*out = p;
	return 0;
}

/* The partition's ext2/3/4 superblock: the boot partition's is open. */
static int read_super(struct install *inst, const struct partition *p,
		      struct ext2_super_block *sb)
{
	struct gi_err err = { 0 };
	struct fs fs;

	if (p == inst->boot) {
		*sb = *inst->fs.e2->super;
		return 0;
	}
	memset(&fs, 0, sizeof(fs));
	if (fs_open(&fs, &inst->img, p->start * SECTOR_SIZE, false, &err)) {
		if (err.cause != GI_CAUSE_NO_FS)
			return gi_pass(inst->err, &err, 0);
		return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
				 "partition %d holds no ext2/3/4 filesystem, whose "
				 "UUID or label --root-by could name; use --root-by "
				 "partuuid or device", p->number);
	}
	*sb = *fs.e2->super;
	fs_abandon(&fs);
	return 0;
}

/* A label as root=LABEL=: on the kernel line a blank ends it. */
static int by_label(struct install *inst, const struct partition *p,
		    const struct ext2_super_block *sb, char *out, size_t size)
{
	char label[EXT2_LABEL_LEN + 1], fix[512];
	char cmd[128];

	snprintf(label, sizeof(label), "%.*s", EXT2_LABEL_LEN,
		 (const char *)sb->s_volume_name);
	if (label[0] && grub_menu_line_fits(label, false)) {
		snprintf(out, size, "root=LABEL=%s", label);
		return 0;
	}
	snprintf(cmd, sizeof(cmd), "e2label 'IMAGE?offset=%llu' NAME",
		 (unsigned long long)(p->start * SECTOR_SIZE));
	if (!gi_fix_expand(fix, sizeof(fix), cmd, inst->img.path))
		snprintf(fix, sizeof(fix), "e2label");
	return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
			 "--root-by label: the filesystem of partition %d %s; "
			 "give it one (%s) or use --root-by uuid", p->number,
			 label[0] ? "has a label with a blank or a control "
				    "character, which a kernel command line cannot hold"
				  : "has no label",
			 fix);
}

/* The partition's PARTUUID as Linux names it: a GPT entry's GUID, an MBR
 * disk's identifier and the number.  The kernel matches any MBR disk
 * whose identifier is 0: refuse to name one.  */
static int by_partuuid(struct install *inst, const struct partition *p,
		       char *out, size_t size)
{
	char fix[512], partuuid[40];

	if (inst->pt.gpt) {
		if (!ptable_partuuid(&inst->pt, p, partuuid, sizeof(partuuid)))
			return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
					 "--root-by partuuid: GPT partition %d has "
					 "no GUID; use --root-by uuid", p->number);
		snprintf(out, size, "root=PARTUUID=%s", partuuid);
		return 0;
	}
	if (!inst->pt.disk_id) {
		if (!gi_fix_expand(fix, sizeof(fix), "sfdisk --disk-id IMAGE 0x12345678",
				   inst->img.path))
			snprintf(fix, sizeof(fix), "sfdisk --disk-id");
		return gi_refuse(inst->err, GI_CAUSE_USAGE, inst->img.path,
				 "--root-by partuuid: the MBR's disk identifier is "
				 "00000000, which names no disk in particular; give "
				 "it one (%s) or use --root-by uuid", fix);
	}
	snprintf(out, size, "root=PARTUUID=%s",
		 ptable_partuuid(&inst->pt, p, partuuid, sizeof(partuuid)));
	return 0;
}

int rootspec_prepare(struct install *inst)
{
	const struct partition *p = NULL;
	struct ext2_super_block sb;
	char uuid[40];

	if (root_part(inst, &p))
		return inst->err->code;
	switch (inst->opts->root_by) {
	case GRUBINST_ROOT_DEVICE:
		snprintf(inst->root_arg, sizeof(inst->root_arg), "root=/dev/sda%d",
			 p->number);
		return 0;
	case GRUBINST_ROOT_PARTUUID:
		return by_partuuid(inst, p, inst->root_arg, sizeof(inst->root_arg));
	case GRUBINST_ROOT_UUID:
		if (read_super(inst, p, &sb))
			return inst->err->code;
		uuid_unparse(sb.s_uuid, uuid);
		snprintf(inst->root_arg, sizeof(inst->root_arg), "root=UUID=%s", uuid);
		return 0;
	case GRUBINST_ROOT_LABEL:
		if (read_super(inst, p, &sb))
			return inst->err->code;
		return by_label(inst, p, &sb, inst->root_arg, sizeof(inst->root_arg));
	}
	return gi_fail_as(inst->err, GRUBINST_EUSAGE, GI_CAUSE_USAGE, "--root-by",
			  "unknown value %d", (int)inst->opts->root_by);
}
