/*
 * From stage1 to the menu, as the code runs:
 *   stage1 loads one sector (stage1_sector) to 0x2000 (a stage1.5) or
 *   0x8000 (stage2); that sector's block list says where the rest is.
 *   A stage1.5 then opens stage2 BY NAME through its ext2 reader, in the
 *   partition of its device word; stage2 opens the menu by name in its
 *   install partition.
 * A block list is a snapshot of where a file was at install time: when the
 * file is replaced afterwards the list points at its old sectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

static void compare_build(struct inspect *in, const uint8_t *data, size_t len,
			  const char *name, long long sector);

/* The first sector after the MBR that belongs to a partition. */
static uint64_t gap_end(const struct inspect *in)
{
	uint64_t end = image_sectors(&in->img);

	for (int i = 0; in->have_table && i < in->pt.count; i++)
		if (in->pt.part[i].size && in->pt.part[i].start < end)
			end = in->pt.part[i].start;
	return end;
}

/* ---- comparing a block list with a file's block map ---- */

struct seq {
	const struct sector_run *run;
	size_t n, i;
	uint64_t off;
};

static bool seq_next(struct seq *s, uint64_t *sector)
{
	while (s->i < s->n && s->off == s->run[s->i].count) {
		s->i++;
		s->off = 0;
	}
	if (s->i == s->n)
		return false;
	*sector = s->run[s->i].start + s->off++;
	return true;
}

/* Index of the first sector where the two lists differ, or -1. */
static int64_t first_difference(const struct sector_run *a, size_t na,
				const struct sector_run *b, size_t nb,
				uint64_t *sa, uint64_t *sb)
{
	struct seq x = { a, na, 0, 0 }, y = { b, nb, 0, 0 };
	int64_t i = 0;

	for (;; i++) {
		bool ha = seq_next(&x, sa), hb = seq_next(&y, sb);
		if (!ha && !hb)
			return -1;
		if (ha != hb || *sa != *sb) {
			if (!ha)
				*sa = 0;
			if (!hb)
				*sb = 0;
			return i;
		}
	}
}

/* Do the listed sectors still hold the file's bytes (freed, not reused)?
 * The first sector of each list is skipped: `install` patched the file's
 * second sector, so an old copy and a new one differ there anyway.  */
static int same_bytes(struct inspect *in, const struct sector_run *a, size_t na,
		      const struct sector_run *b, size_t nb)
{
	struct seq x = { a, na, 0, 0 }, y = { b, nb, 0, 0 };
	uint8_t s1[SECTOR_SIZE], s2[SECTOR_SIZE];
	uint64_t sa, sb;

	seq_next(&x, &sa);
	seq_next(&y, &sb);
	for (;;) {
		bool ha = seq_next(&x, &sa), hb = seq_next(&y, &sb);
		int r1, r2;

		if (!ha || !hb)
			return ha == hb;
		r1 = read_sectors(in, sa, s1, 1);
		r2 = read_sectors(in, sb, s2, 1);
		if (r1 < 0 || r2 < 0)
			return -1;
		if (r1 || r2 || memcmp(s1, s2, SECTOR_SIZE))
			return 0;
	}
}

/* ---- what stage1 loads ---- */

struct loaded {
	uint64_t sector;		/* its first sector */
	uint8_t image[2 * SECTOR_SIZE];	/* first sector + the one listed next */
	struct blocklist bl;
	int id;
	const char *kind;		/* "stage1.5" / "stage2" */
	const struct partition *part;	/* when it lies in a partition */
	struct pfs *pfs;
	ext2_ino_t owner;		/* the file that holds it now */
	int64_t owner_lblk;
	char owner_path[256];
	bool embedded;
};

static const char *loaded_name(const struct loaded *l)
{
	return l->embedded ? "the embedded stage1.5"
	       : l->owner_path[0] ? l->owner_path : "the loaded sector";
}

static int load_first(struct inspect *in, struct loaded *l)
{
	const struct bootcode *b = &in->boot;
	const char *fix = "grubinst IMAGE";
	int rc;

	l->sector = b->stage1.p.load_sector;
	if (l->sector == 0 || l->sector == in->stage1_sector) {
		finding(in, FAIL, FC_CHAIN_SELF, NOTE(AT(l->sector), INSTALL_FIX(fix)),
			"stage1 loads sector %llu, itself: it was never "
			"installed (a pristine stage1?) and the machine hangs",
			(unsigned long long)l->sector);
		return 1;
	}
	rc = read_sectors(in, l->sector, l->image, 1);
	if (rc > 0)
		finding(in, FAIL, FC_CHAIN_PAST_END,
			NOTE(AT(l->sector), INSTALL_FIX(fix)),
			"stage1 loads sector %llu, past the end of the image "
			"(%llu sectors): stage1 prints \"Read Error\"",
			(unsigned long long)l->sector,
			(unsigned long long)image_sectors(&in->img));
	return rc;
}

/* Where the loaded sector lies: the gap after the MBR or a file. */
static int locate(struct inspect *in, struct loaded *l)
{
	uint64_t off;
	unsigned spb;

	if (l->sector < gap_end(in)) {
		l->embedded = true;
		return 0;
	}
	l->part = part_of_sector(in, l->sector);
	l->pfs = l->part ? pfs_get(in, l->part->number) : NULL;
	if (!l->pfs || !l->pfs->ok)
		return 0;
	spb = fs_block_size(&l->pfs->fs) / SECTOR_SIZE;
	off = l->sector - l->part->start;
	census_want(l->pfs, off / spb);
	census_run(in, l->pfs);
	l->owner = census_owner(l->pfs, off / spb, &l->owner_lblk);
	if (l->owner && off % spb)
		l->owner_lblk = -1;	/* not the start of a block */
	if (l->owner)
		inode_path(l->pfs, l->owner, l->owner_path, sizeof(l->owner_path));
	return 0;
}

static void describe_place(const struct loaded *l, char *buf, size_t size)
{
	if (l->embedded)
		snprintf(buf, size, "the gap after the MBR");
	else if (!l->part)
		snprintf(buf, size, "no partition");
	else if (!l->pfs || !l->pfs->ok)
		snprintf(buf, size, "partition %d, which has no ext2 filesystem",
			 l->part->number);
	else if (!l->owner)
		snprintf(buf, size, "a free block of partition %d: the file "
			 "it belonged to was deleted or moved", l->part->number);
	else if (l->owner_lblk != 0)
		snprintf(buf, size, "the middle of %s, not its first sector",
			 l->owner_path);
	else
		snprintf(buf, size, "%s", l->owner_path);
}

/* The second sector, from the first block-list entry, as the loader does. */
static int load_second(struct inspect *in, struct loaded *l)
{
	const char *fix = "grubinst IMAGE";
	/* Inside a filesystem, a sector that is no stage any more means the
	 * stage was moved or deleted after stage1 was pointed at it.  */
	enum finding_code code = l->part ? FC_CHAIN_STALE : FC_CHAIN_NOT_A_STAGE;
	char place[320];
	int rc;

	blocklist_read(l->image, in->boot.stage1.p.load_address, &l->bl);
	describe_place(l, place, sizeof(place));
	if (l->bl.n == 0 || l->bl.overflow || l->bl.bad_segment) {
		finding(in, FAIL, code,
			NOTE(AT(l->sector), INSTALL_FIX(fix), .path = l->owner_path[0] ? l->owner_path : NULL),
			"stage1 loads sector %llu (now %s), which holds no "
			"valid block list: it is not the start of a GRUB stage "
			"(%s), so stage1 runs garbage: the machine hangs after "
			"printing \"GRUB\" (or loops printing it, or reboots)",
			(unsigned long long)l->sector, place,
			l->part ? "the stage was replaced or deleted after the "
				  "install" : "never installed there");
		return 1;
	}
	rc = read_sectors(in, l->bl.run[0].start, l->image + SECTOR_SIZE, 1);
	if (rc > 0) {
		finding(in, FAIL, FC_CHAIN_PAST_END,
			NOTE(AT(l->bl.run[0].start), INSTALL_FIX(fix)),
			"the block list of sector %llu names sector %llu, past "
			"the end of the image: the loader prints \"Read Error\"",
			(unsigned long long)l->sector,
			(unsigned long long)l->bl.run[0].start);
		return 1;
	}
	if (rc)
		return rc;
	if (!stage_second_sector(l->image + SECTOR_SIZE)) {
		finding(in, FAIL, code,
			NOTE(AT(l->sector), INSTALL_FIX(fix), .path = l->owner_path[0] ? l->owner_path : NULL),
			"stage1 loads sector %llu (%s); its block list leads to "
			"sector %llu, which is not the second sector of a GRUB "
			"0.97 stage (no COMPAT_VERSION 3.2): the loaded code is "
			"garbage and the machine hangs or reboots",
			(unsigned long long)l->sector, place,
			(unsigned long long)l->bl.run[0].start);
		return 1;
	}
	l->id = l->image[SECTOR_SIZE + STAGE2_ID_OFFSET];
	l->kind = l->id == STAGE2_ID_STAGE2 ? "stage2" : "stage1.5";
	return 0;
}

static void check_kind(struct inspect *in, struct loaded *l)
{
	bool want15 = in->boot.stage1.p.load_address == STAGE1_5_LOAD_ADDRESS;

	if (want15 && l->id == STAGE2_ID_STAGE2)
		finding(in, FAIL, FC_CHAIN_ADDRESS,
			NOTE(AT(l->sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads stage2 to 0x2000, where only a stage1.5 "
			"runs: the machine hangs");
	else if (!want15 && l->id != STAGE2_ID_STAGE2)
		finding(in, FAIL, FC_CHAIN_ADDRESS,
			NOTE(AT(l->sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads a stage1.5 to 0x8000, where only stage2 "
			"runs: the machine hangs");
	else if (l->id != STAGE2_ID_STAGE2 && l->id != STAGE2_ID_E2FS)
		finding(in, FAIL, FC_STAGE1_5_NOT_EXT2,
			NOTE(AT(l->sector), .grub_error = GERR_FSYS_MOUNT,
			     INSTALL_FIX("grubinst IMAGE")),
			"the stage1.5 loaded (id %d) reads another filesystem "
			"type, not ext2: it cannot find stage2 (\"Error 17\")",
			l->id);
}

/* Embedded: the listed sectors must stay in the gap. */
static void check_embedded_list(struct inspect *in, struct loaded *l)
{
	uint64_t end = gap_end(in);

	for (size_t i = 0; i < l->bl.n; i++) {
		const struct sector_run *r = &l->bl.run[i];
		if (r->start + r->count <= end)
			continue;
		finding(in, FAIL, FC_EMBED_OVERLAP,
			NOTE(AT(r->start), INSTALL_FIX("grubinst IMAGE")),
			"the embedded stage1.5 lists sectors %llu..%llu, but "
			"sector %llu already belongs to a partition: a "
			"filesystem write there corrupts the stage1.5",
			(unsigned long long)r->start,
			(unsigned long long)(r->start + r->count - 1),
			(unsigned long long)end);
		return;
	}
	in->embedded_sectors = (unsigned)(1 + l->bl.sectors);
	{
		size_t n = (size_t)in->embedded_sectors * SECTOR_SIZE;
		uint8_t *gap = malloc(n);

		if (gap && read_sectors(in, l->sector, gap, in->embedded_sectors) == 0)
			compare_build(in, gap, n, "the embedded stage1.5",
				      (long long)l->sector);
		free(gap);
	}
	finding(in, OK, FC_STAGE1_5_EMBEDDED, NOTE(AT(l->sector)),
		"embedded %s %s in sectors %llu..%llu", l->kind,
		(const char *)l->image + SECTOR_SIZE + STAGE2_VER_STR_OFFSET,
		(unsigned long long)l->sector,
		(unsigned long long)(l->sector + l->bl.sectors));
}

/* The stage files' directory, as the loaded stage says: that of the path
 * it holds (stage2's menu, a stage1.5's stage2), which "setup --prefix"
 * or grubinst --boot-dir chose; /boot/grub when it holds none.  */
static void stage_dir(const struct loaded *l, char *buf, size_t size)
{
	struct stage_info info;
	struct stage2_config c;
	struct gi_err err = { 0 };
	const char *path, *slash;

	text_copy(buf, size, GRUB_LEGACY_DIR);
	if (stage2_check(l->image, sizeof(l->image), -1, "stage", &info, &err))
		return;
	stage2_read_config(l->image, &info, &c);
	path = c.path[0] == '(' && strchr(c.path, ')') ? strchr(c.path, ')') + 1
						       : c.path;
	slash = strrchr(path, '/');
	if (path[0] == '/' && slash && slash > path)
		text_printf(buf, size, "%.*s", (int)(slash - path), path);
}

/* The file the loaded sector should belong to: its owner if the sector
 * starts a file, else the stage at its path in the stage files'
 * directory (it was replaced).  */
static ext2_ino_t expected_file(struct loaded *l, char *path, size_t size)
{
	struct walk w;
	char dir[256];

	if (l->owner && l->owner_lblk == 0) {
		text_copy(path, size, l->owner_path);
		return l->owner;
	}
	stage_dir(l, dir, sizeof(dir));
	text_printf(path, size, "%s/%s", dir,
		    l->id == STAGE2_ID_STAGE2 ? "stage2" : "e2fs_stage1_5");
	walk_path(l->pfs, path, WALK_LINUX, &w);
	return w.ino;
}

/* In a file: the list must name the file's own sectors as they are now. */
static int check_file_list(struct inspect *in, struct loaded *l)
{
	struct ext2_inode_large inode;
	struct gi_err err = { 0 };
	struct sector_run *now = NULL;
	size_t nnow = 0;
	uint64_t sa = 0, sb = 0;
	char path[256], place[320];
	ext2_ino_t ino;
	int64_t diff = 0;
	int same;

	if (!l->pfs || !l->pfs->ok)
		return 0;
	describe_place(l, place, sizeof(place));
	ino = expected_file(l, path, sizeof(path));
	if (!ino) {
		finding(in, FAIL, FC_CHAIN_STALE,
			NOTE(AT(l->sector), INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads sector %llu, now in %s, and %s is gone: "
			"the %s stage1 was installed for was deleted",
			(unsigned long long)l->sector, place, path, l->kind);
		return 0;
	}
	if (fs_read_inode(&l->pfs->fs, ino, &inode, &err) ||
	    fs_file_sector_runs(&l->pfs->fs, ino, EXT2_I_SIZE(&inode), &now, &nnow,
				&err))
		return 0;
	if (ino == l->owner && l->owner_lblk == 0)
		diff = first_difference(l->bl.run, l->bl.n, now, nnow, &sa, &sb);
	if (ino == l->owner && diff < 0) {
		finding(in, OK, FC_BLOCKLIST, NOTE(AT(l->sector), .path = path),
			"stage1 loads %s (%s): its block list matches the file "
			"(%llu more sectors)", path, l->kind,
			(unsigned long long)l->bl.sectors);
		free(now);
		return 0;
	}
	same = same_bytes(in, l->bl.run, l->bl.n, now, nnow);
	free(now);
	if (same < 0)
		return -1;
	finding(in, same ? WARN : FAIL, FC_CHAIN_STALE,
		NOTE(AT(l->sector), .path = path, INSTALL_FIX("grubinst IMAGE")),
		"%s was rewritten after the install: stage1 still loads sector "
		"%llu (now %s) and the block list found there, not the file's "
		"sectors; %s", path, (unsigned long long)l->sector,
		ino == l->owner ? "its first sector, with an outdated block list"
				: place,
		same ? "those old sectors still hold the same bytes, so it boots "
		       "until they are reused"
		     : "GRUB runs the old sectors' contents and the machine hangs "
		       "or reboots");
	return 0;
}

/* ---- the stage's bytes against the build they came from ---- */

/* An installed stage2 or stage1.5 (DATA, LEN bytes) against grubinst's
 * built-in copy of the same build (Debian's 0.97): any difference but
 * what `install` patches is damage, and the machine resets or hangs
 * once that code runs.  Another build (another length or version) is
 * not compared.  */
static void compare_build(struct inspect *in, const uint8_t *data, size_t len,
			  const char *name, long long sector)
{
	const struct stage_set *set = inspect_builtin_stages(in);
	const struct stage_blob *b;
	const struct stage_info *info;
	struct stage_info mine;
	struct gi_err err = { 0 };
	size_t at;

	if (!set || len < 2 * SECTOR_SIZE ||
	    stage2_check(data, len, -1, name, &mine, &err))
		return;
	b = mine.id == STAGE2_ID_STAGE2 ? &set->stage2 : &set->stage1_5;
	info = mine.id == STAGE2_ID_STAGE2 ? &set->stage2_info : &set->stage1_5_info;
	if (mine.id != STAGE2_ID_STAGE2 && mine.id != STAGE2_ID_E2FS)
		return;
	if (len < b->len || strcmp(mine.version, info->version) ||
	    mine.config_offset != info->config_offset) {
		finding(in, OK, FC_STAGE_BUILD, NOTE(.path = name),
			"%s is another build of GRUB %s than grubinst's (%zu bytes): "
			"its bytes are not compared", name, mine.version, len);
		return;
	}
	at = stage2_diff(data, b->data, b->len, info);
	if (at < b->len)
		finding(in, FAIL, FC_STAGE_CORRUPT,
			NOTE(.path = name, .sector_plus1 = sector >= 0 ? sector + 1 : 0,
			     INSTALL_FIX("grubinst IMAGE")),
			"%s differs from the %s it was installed from at byte %zu "
			"(and maybe further), beyond what an install patches: it "
			"was damaged after the install; the machine resets or "
			"hangs once that code runs", name, b->origin, at);
}

/* The whole file at PATH of P, compared as above. */
static void compare_file(struct inspect *in, struct pfs *p, ext2_ino_t ino,
			 const char *path)
{
	struct gi_err err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;

	if (ino && fs_read_file(&p->fs, ino, 1024 * 1024, &data, &len, &err) == 0)
		compare_build(in, data, len, path, -1);
	free(data);
}

/* ---- past the loaded stage: stage2 by name, then the menu ---- */

static bool partition_word(struct inspect *in, uint32_t word, int *partno,
			   const char *who)
{
	unsigned part = (word >> 16) & 0xff;
	const struct partition *p = part == 0xff ? NULL : part_by_grub(in, (int)part);
	struct rule_target t;
	struct verdict v;
	char msg[sizeof(v.message)];
	struct pfs *f;

	if (!p) {
		finding(in, FAIL, FC_CHAIN_PARTITION,
			NOTE(.grub_error = GERR_NO_PART, INSTALL_FIX("grubinst IMAGE")),
			"%s names %s, which does not exist on this disk: "
			"\"Error 22: No such partition\"", who,
			part == 0xff ? "the whole disk, not a partition"
				     : "a partition");
		return false;
	}
	f = pfs_get(in, p->number);
	if (f) {
		pfs_target(f, true, &t);
		if (rule_part_type(&t, &v)) {
			text_copy(msg, sizeof(msg), v.message);
			text_printf(v.message, sizeof(v.message), "%s reads it: %s",
				    who, msg);
			finding_verdict(in, &v, NOTE(IN_AREA(AREA_CHAIN)));
			return false;
		}
	}
	*partno = p->number;
	return true;
}

/* Checks stage2's first two sectors and reads the variables `install`
 * set; false (with a finding) when it is no stage2.  */
static bool read_stage2_config(struct inspect *in, const uint8_t *image,
			       const char *name, struct stage2_config *c)
{
	struct stage_info info;
	struct gi_err err = { 0 };

	if (stage2_check(image, 2 * SECTOR_SIZE, STAGE2_ID_STAGE2, name, &info,
			 &err)) {
		finding(in, FAIL, FC_STAGE2_INVALID,
			NOTE(.path = name, INSTALL_FIX("grubinst IMAGE")), "%s", err.text);
		return false;
	}
	stage2_read_config(image, &info, c);
	if (strcmp(info.version, "0.97"))
		finding(in, WARN, FC_STAGE_VERSION, NOTE(.path = name),
			"%s is GRUB version %s, not 0.97", name, info.version);
	else if (in->stage1_5_version[0] &&
		 strcmp(in->stage1_5_version, info.version))
		finding(in, WARN, FC_STAGE_VERSION, NOTE(.path = name),
			"the stage1.5 is GRUB version %s but %s is %s: mixed "
			"installs may not agree on the install variables",
			in->stage1_5_version, name, info.version);
	return true;
}

/* stage1_5.c reads stage2's first two sectors through a hook that records
 * the disk sector of the second one; a failed read never calls it.  */
static bool first_block_past(struct pfs *p, ext2_ino_t ino)
{
	struct extent *ext = NULL;
	struct gi_err err = { 0 };
	struct file_overhang o;
	size_t n = 0;
	bool past;

	/* Also for the census: with the bitmaps answering it, a map that
	 * names blocks past the filesystem's end is known from here.  */
	file_overhang(p, ino, &o);
	if (fs_block_runs(&p->fs, ino, &ext, &n, &err))
		return false;
	past = n && ext[0].lblk == 0 && ext[0].pblk >= p->limit;
	free(ext);
	return past;
}

/* Stage2 as a stage1.5 finds it: by path, through GRUB's ext2 reader. */
static int find_stage2(struct inspect *in, struct loaded *l)
{
	struct stage_info info;
	struct stage2_config c, stage2;
	struct gi_err err = { 0 };
	uint8_t head[2 * SECTOR_SIZE];
	uint32_t device;
	const char *path = c.path;
	struct walk w;
	struct pfs *p;
	int partno;
	size_t got = 0;

	if (stage2_check(l->image, sizeof(l->image), l->id, loaded_name(l),
			 &info, &err)) {
		finding(in, FAIL, FC_STAGE1_5_INVALID,
			NOTE(AT(l->sector), INSTALL_FIX("grubinst IMAGE")), "%s", err.text);
		return 0;
	}
	text_copy(in->stage1_5_version, sizeof(in->stage1_5_version), info.version);
	if (!l->embedded && l->pfs && l->owner && l->owner_lblk == 0)
		compare_file(in, l->pfs, l->owner, l->owner_path);
	stage2_read_config(l->image, &info, &c);
	device = c.device;
	if ((device >> 24) != GRUB_SAME_DRIVE && (device >> 24) != 0x80) {
		finding(in, FAIL, FC_STAGE1_5_DRIVE,
			NOTE(AT(l->sector), INSTALL_FIX("grubinst IMAGE")),
			"%s looks for stage2 on BIOS drive 0x%02x, not this disk",
			loaded_name(l), device >> 24);
		return 0;
	}
	if (!partition_word(in, device, &partno, "the stage1.5's stage2 device"))
		return 0;
	p = pfs_get(in, partno);
	walk_path(p, path, WALK_GRUB, &w);
	if (!w.ino) {
		finding(in, FAIL, FC_STAGE2_MISSING,
			NOTE(.path = path, .grub_error = w.error,
			     INSTALL_FIX("grubinst IMAGE")),
			"%s looks for (hd0,%d)%s: %s; it prints \"Error %d\" "
			"and stops", loaded_name(l), partno - 1, path, w.why,
			w.error);
		return 0;
	}
	if (first_block_past(p, w.ino)) {
		finding(in, FAIL, FC_GRUB_OUTSIDE_PARTITION,
			NOTE(.path = path),
			"the first block of %s lies past the end of partition %d: "
			"the stage1.5 cannot read its first two sectors and stops "
			"with \"internal error: the second sector of Stage 2 is "
			"unknown.\" (seen booting)", path, partno);
		return 0;
	}
	if (!file_readable_by_grub(in, p, path, &w, AREA_CHAIN, true))
		return 0;
	if (read_head(p, w.ino, head, sizeof(head), &got) < 0)
		return -1;
	compare_file(in, p, w.ino, path);
	finding(in, OK, FC_STAGE2_FOUND, NOTE(.path = path),
		"%s finds stage2 as (hd0,%d)%s%s%s", loaded_name(l), partno - 1,
		path, w.links ? " -> " : "", w.links ? w.final : "");
	snprintf(in->stage2_path, sizeof(in->stage2_path), "%s", path);
	in->stage2_partno = partno;
	in->root_partno = partno;	/* chain_stage2 passes it on */
	if (got < sizeof(head)) {
		finding(in, FAIL, FC_STAGE2_INVALID,
			NOTE(.path = path, INSTALL_FIX("grubinst IMAGE")),
			"%s is %zu bytes, too short for stage2", path, got);
		return 0;
	}
	if (read_stage2_config(in, head, path, &stage2)) {
		text_copy(in->menu_path, sizeof(in->menu_path), stage2.path);
		in->chain_ok = true;
	}
	return 0;
}

/* Stage2 loaded by stage1 itself: its own second sector says where the
 * menu is, and its install partition where to look.  */
static void direct_stage2(struct inspect *in, struct loaded *l)
{
	struct stage2_config c;
	int partno;

	in->stage2_partno = l->part ? l->part->number : 0;
	snprintf(in->stage2_path, sizeof(in->stage2_path), "%s",
		 l->owner_path);
	if (!read_stage2_config(in, l->image, loaded_name(l), &c) ||
	    !partition_word(in, c.install_partition, &partno,
			    "stage2's install partition"))
		return;
	in->root_partno = partno;
	text_copy(in->menu_path, sizeof(in->menu_path), c.path);
	in->chain_ok = true;
	if (l->pfs && l->owner && l->owner_lblk == 0)
		compare_file(in, l->pfs, l->owner, l->owner_path);
}

/* Is the stage2 that stage1 loads directly the one in the directory of
 * its menu?  */
static void check_direct_is_current(struct inspect *in, struct loaded *l)
{
	struct walk w;
	char dir[256], path[300];

	if (!l->pfs || !l->owner)
		return;
	stage_dir(l, dir, sizeof(dir));
	text_printf(path, sizeof(path), "%s/stage2", dir);
	walk_path(l->pfs, path, WALK_GRUB, &w);
	if (w.ino && w.ino != l->owner)
		finding(in, WARN, FC_STAGE2_OTHER,
			NOTE(.path = l->owner_path, INSTALL_FIX("grubinst IMAGE")),
			"stage1 loads %s, not the current %s: a new stage2 was "
			"installed there but stage1 was not updated",
			l->owner_path, path);
}

int check_chain(struct inspect *in)
{
	struct loaded *l;
	int rc;

	if (!in->grub)
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	rc = load_first(in, l);
	if (!rc)
		rc = locate(in, l);
	if (!rc)
		rc = load_second(in, l);
	if (rc) {
		free(l);
		return rc < 0 ? -1 : 0;
	}
	check_kind(in, l);
	if (l->embedded)
		check_embedded_list(in, l);
	else if (check_file_list(in, l) < 0)
		rc = -1;
	if (!rc && l->id == STAGE2_ID_STAGE2) {
		check_direct_is_current(in, l);
		direct_stage2(in, l);
	} else if (!rc) {
		rc = find_stage2(in, l);
	}
	free(l);
	return rc;
}
