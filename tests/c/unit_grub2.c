/*
 * GRUB 2's formats (grub2/) read back from what GRUB 2's own tools make:
 * boot.img and diskboot.img as grub-pc-bin ships them, a core.img made by
 * grub-mkimage (with and without the Reed-Solomon codes setup appends,
 * damaged and cut short), and every module of the module directory linked
 * as kern/dl.c links it against kernel.img and the modules it names.
 * Built against the library's internal headers (tests/unit.test runs it);
 * prints "PASS what", "FAIL what" or "SKIP what"; exits 1 if any failed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "grub2/grub2.h"

#define DIR_I386_PC "/usr/lib/grub/i386-pc"
#define PREFIX "(hd0,msdos1)/boot/grub"

static int failures;

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

/* The whole file PATH, padded with zeros to whole sectors plus PAD
 * bytes; NULL when it cannot be read.  */
static uint8_t *slurp(const char *path, size_t *len, size_t pad)
{
	FILE *f = fopen(path, "rb");
	uint8_t *d = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		size_t whole = ((size_t)n + SECTOR_SIZE - 1) / SECTOR_SIZE * SECTOR_SIZE;

		d = calloc(1, whole + pad);
		if (d && fread(d, 1, (size_t)n, f) == (size_t)n)
			*len = (size_t)n;
		else {
			free(d);
			d = NULL;
		}
	}
	fclose(f);
	return d;
}

/* boot.img as setup writes it over an MBR: the old BPB and table kept,
 * the rest boot.img's with setup's fields.  */
static void boot_build(void)
{
	size_t len;
	uint8_t *img = slurp(DIR_I386_PC "/boot.img", &len, 0);
	uint8_t old[SECTOR_SIZE], out[SECTOR_SIZE];
	struct grub2_boot b;
	bool kept = true, rest = true;

	if (!img)
		return;
	for (unsigned i = 0; i < SECTOR_SIZE; i++)
		old[i] = (uint8_t)(i * 7 + 3);
	grub2_boot_build(out, img, old, 2048);
	grub2_boot_parse(out, &b);
	for (unsigned i = 0; i < SECTOR_SIZE; i++) {
		bool from_old = (i >= GRUB2_BOOT_BPB_START && i < GRUB2_BOOT_BPB_END) ||
				(i >= GRUB2_BOOT_TABLE_START && i < GRUB2_BOOT_TABLE_END);
		bool field = (i >= GRUB2_BOOT_KERNEL_SECTOR && i < GRUB2_BOOT_KERNEL_SECTOR + 8) ||
			     i == GRUB2_BOOT_DRIVE || i == GRUB2_BOOT_DRIVE_CHECK ||
			     i == GRUB2_BOOT_DRIVE_CHECK + 1;

		if (from_old && out[i] != old[i])
			kept = false;
		if (!from_old && !field && out[i] != img[i])
			rest = false;
	}
	verdict(kept, "boot.img built: the old BPB, disk signature and table kept");
	verdict(rest, "boot.img built: every other byte boot.img's but setup's fields");
	verdict(b.kernel_sector == 2048 && b.boot_drive == 0xff && b.drive_check_nopped &&
		grub2_boot_recognise(out), "boot.img built: setup's fields");
	free(img);
}

static void boot_img(void)
{
	size_t len;
	uint8_t *s = slurp(DIR_I386_PC "/boot.img", &len, 0);
	struct grub2_boot b;

	if (!s) {
		printf("SKIP boot.img: no " DIR_I386_PC "/boot.img (grub-pc-bin)\n");
		return;
	}
	grub2_boot_parse(s, &b);
	verdict(len == SECTOR_SIZE && grub2_boot_recognise(s), "boot.img: recognised");
	verdict(b.kernel_sector == 1 && b.boot_drive == 0xff && !b.drive_check_nopped,
		"boot.img as shipped: core.img at sector 1, the BIOS's drive, the jump");
	s[GRUB2_BOOT_DRIVE_CHECK] = s[GRUB2_BOOT_DRIVE_CHECK + 1] = 0x90;
	put_le64(s + GRUB2_BOOT_KERNEL_SECTOR, 0x123456789aull);
	grub2_boot_parse(s, &b);
	verdict(b.kernel_sector == 0x123456789aull && b.drive_check_nopped,
		"boot.img: setup's fields read back");
	memset(s, 0, SECTOR_SIZE);
	verdict(!grub2_boot_recognise(s), "zeros are not boot.img");
	free(s);
	boot_build();
}

/* grub-mkimage's core.img for an ext2 /boot on msdos, with an embedded
 * config; NULL when grub-mkimage cannot run.  */
static uint8_t *make_core(size_t *len, size_t pad)
{
	char core[] = "/tmp/unit_grub2.XXXXXX", cfg[64], cmd[512];
	int fd = mkstemp(core);
	FILE *f;
	uint8_t *d = NULL;

	if (fd < 0)
		return NULL;
	close(fd);
	snprintf(cfg, sizeof(cfg), "%s.cfg", core);
	f = fopen(cfg, "w");
	if (f) {
		fputs("search.fs_uuid 1234 root\n", f);
		fclose(f);
		snprintf(cmd, sizeof(cmd),
			 "grub-mkimage -O i386-pc -d " DIR_I386_PC " -c %s -o %s -p '" PREFIX
			 "' biosdisk part_msdos ext2 search_fs_uuid 2>/dev/null", cfg, core);
		if (system(cmd) == 0)
			d = slurp(core, len, pad);
	}
	unlink(cfg);
	unlink(core);
	return d;
}

static bool has_module(const struct grub2_core *c, const char *name)
{
	for (int i = 0; i < c->nmodules; i++)
		if (!strcmp(c->modules[i], name))
			return true;
	return false;
}

static void core_img(void)
{
	size_t len, dlen, whole;
	uint8_t *d = make_core(&len, 4 * SECTOR_SIZE);
	uint8_t *dec = slurp(DIR_I386_PC "/lzma_decompress.img", &dlen, 0);
	struct grub2_blocklist bl[GRUB2_LISTS_MAX];
	struct grub2_core c;
	int n;

	if (!d || !dec) {
		printf("SKIP core.img: no grub-mkimage or " DIR_I386_PC "\n");
		free(d);
		free(dec);
		return;
	}
	whole = (len + SECTOR_SIZE - 1) / SECTOR_SIZE * SECTOR_SIZE;
	n = grub2_diskboot_lists(d, bl);
	verdict(n == 1 && bl[0].start == 2 && bl[0].len == whole / SECTOR_SIZE - 1 &&
		bl[0].segment == 0x820, "diskboot.img as mkimage leaves it: sectors 2.. to 0x8200");

	grub2_diskboot_set_list(d, 2048, (uint16_t)(whole / SECTOR_SIZE));
	n = grub2_diskboot_lists(d, bl);
	verdict(n == 1 && bl[0].start == 2049 && bl[0].len == whole / SECTOR_SIZE - 1 &&
		bl[0].segment == 0x820, "diskboot.img's list set for a core.img at 2048");
	grub2_diskboot_set_list(d, 1, (uint16_t)(whole / SECTOR_SIZE));
	n = grub2_diskboot_lists(d, bl);
	verdict(n == 1 && bl[0].start == 2, "...and set back for sector 1");

	verdict(grub2_core_read(d, whole, &c) == GRUB2_CORE_OK, "core.img: read");
	verdict(c.decompressor_size == dlen, "core.img: the decompressor's size found");
	verdict(!strcmp(c.prefix, PREFIX), "core.img: the prefix");
	verdict(c.config && !strncmp(c.config, "search.fs_uuid 1234 root\n", c.config_size),
		"core.img: the embedded config");
	verdict(has_module(&c, "biosdisk") && has_module(&c, "part_msdos") &&
		has_module(&c, "ext2") && has_module(&c, "fshelp"),
		"core.img: the modules asked for and those they need");
	verdict(grub2_kernel_exports(c.kernel, c.kernel_size, "grub_malloc") &&
		!grub2_kernel_exports(c.kernel, c.kernel_size, "grub_mallo") &&
		!grub2_kernel_exports(c.kernel, c.kernel_size, "rub_malloc"),
		"core.img: the kernel's exported names, whole names only");
	grub2_core_free(&c);

	/* setup's Reed-Solomon codes after the image: their size says where
	 * it ends.  */
	memset(d + len, 0x5a, whole + 2 * SECTOR_SIZE - len);
	put_le32(d + SECTOR_SIZE + GRUB2_CORE_RS_REDUNDANCY,
		 (uint32_t)(whole + 2 * SECTOR_SIZE - len));
	verdict(grub2_core_read(d, whole + 2 * SECTOR_SIZE, &c) == GRUB2_CORE_OK &&
		c.decompressor_size == dlen, "core.img with Reed-Solomon codes: read");
	grub2_core_free(&c);

	verdict(grub2_core_read(d, 3 * SECTOR_SIZE, &c) != GRUB2_CORE_OK,
		"core.img cut short: not read");
	grub2_core_free(&c);
	put_le32(d + SECTOR_SIZE + GRUB2_CORE_RS_REDUNDANCY, 0);
	memset(d + len, 0, whole + 4 * SECTOR_SIZE - len);
	for (size_t i = SECTOR_SIZE + dlen + 64; i < SECTOR_SIZE + dlen + 96; i++)
		d[i] ^= 0xa5;
	verdict(grub2_core_read(d, whole, &c) == GRUB2_CORE_CORRUPT,
		"core.img with damaged LZMA data: corrupt");
	grub2_core_free(&c);
	free(d);
	free(dec);
}

#define MODS_MAX 400

struct moddir {
	char name[MODS_MAX][GRUB2_NAME_MAX];
	uint8_t *data[MODS_MAX];
	struct grub2_module mod[MODS_MAX];
	int n;
	uint8_t *kernel;
	size_t kernel_size;
};

static int mod_index(const struct moddir *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->name[i], name))
			return i;
	return -1;
}

/* Is NAME exported by module I or what it needs, as kern/dl.c loads the
 * dependencies first?  SEEN stops cycles.  */
static bool dep_exports(const struct moddir *m, int i, const char *name, bool *seen)
{
	const struct grub2_module *mod = &m->mod[i];

	if (seen[i])
		return false;
	seen[i] = true;
	for (int s = 0; s < mod->nexports; s++)
		if (!strcmp(mod->exports[s], name))
			return true;
	for (int d = 0; d < mod->ndeps; d++) {
		int j = mod_index(m, mod->deps[d]);

		if (j >= 0 && dep_exports(m, j, name, seen))
			return true;
	}
	return false;
}

/* Every need of module I resolved by kernel.img or its dependencies. */
static const char *unresolved(const struct moddir *m, int i)
{
	const struct grub2_module *mod = &m->mod[i];
	static bool seen[MODS_MAX];

	for (int s = 0; s < mod->nneeds; s++) {
		if (grub2_kernel_exports(m->kernel, m->kernel_size, mod->needs[s]))
			continue;
		memset(seen, 0, sizeof(seen));
		seen[i] = true;
		for (int d = 0; d < mod->ndeps; d++) {
			int j = mod_index(m, mod->deps[d]);

			if (j >= 0 && dep_exports(m, j, mod->needs[s], seen))
				goto found;
		}
		return mod->needs[s];
found:;
	}
	return NULL;
}

static void load_moddir(struct moddir *m)
{
	DIR *dir = opendir(DIR_I386_PC);
	struct dirent *e;
	char path[512];
	size_t len;

	while (dir && (e = readdir(dir)) && m->n < MODS_MAX) {
		size_t nl = strlen(e->d_name);

		if (nl < 5 || strcmp(e->d_name + nl - 4, ".mod"))
			continue;
		snprintf(path, sizeof(path), DIR_I386_PC "/%s", e->d_name);
		m->data[m->n] = slurp(path, &len, 0);
		if (!m->data[m->n])
			continue;
		grub2_module_parse(m->data[m->n], len, &m->mod[m->n]);
		snprintf(m->name[m->n], GRUB2_NAME_MAX, "%.*s", (int)(nl - 4), e->d_name);
		m->n++;
	}
	if (dir)
		closedir(dir);
	m->kernel = slurp(DIR_I386_PC "/kernel.img", &m->kernel_size, 0);
}

static void modules(void)
{
	static struct moddir m;
	int bad_name = 0, bad_parse = 0, bad_link = 0, normal;
	const char *miss = NULL;

	load_moddir(&m);
	if (m.n < 100 || !m.kernel) {
		printf("SKIP modules: no module directory " DIR_I386_PC "\n");
		return;
	}
	for (int i = 0; i < m.n; i++) {
		const char *u;

		bad_parse += m.mod[i].error != NULL || m.mod[i].too_many;
		bad_name += strcmp(m.mod[i].name, m.name[i]) != 0;
		u = m.mod[i].error ? NULL : unresolved(&m, i);
		if (u) {
			bad_link++;
			if (!miss)
				miss = u;
		}
	}
	verdict(!bad_parse, "every module parses, its symbols in the tables");
	verdict(!bad_name, "every module's .modname is its file name");
	if (miss)
		printf("# unresolved, first: %s\n", miss);
	verdict(!bad_link, "every module links against kernel.img and its .moddeps");
	normal = mod_index(&m, "normal");
	verdict(normal >= 0 && m.mod[normal].ndeps > 0 && m.mod[normal].nneeds > 0,
		"normal.mod: dependencies and symbols to resolve");
	/* A module of another build: a name the kernel does not export. */
	if (normal >= 0 && m.mod[normal].nneeds > 0) {
		char *name = (char *)m.mod[normal].needs[0];

		name[0] = 'X';
		verdict(unresolved(&m, normal) == name, "normal.mod needing a symbol nobody has: unresolved");
	}
	for (int i = 0; i < m.n; i++)
		free(m.data[i]);
	free(m.kernel);
}

static const char *test_var(void *ctx, const char *name, bool *unknown)
{
	(void)ctx;
	if (!strcmp(name, "root"))
		return "hd0,msdos1";
	if (!strcmp(name, "cmdpath"))
		*unknown = true;
	return NULL;
}

/* grub.cfg's words as GRUB 2's script reader splits them. */
static void cfg_words(void)
{
	static const char text[] =
		"set timeout=5 # a comment\n"
		"menuentry 'Debian, with Linux' --class os {\n"
		"\tlinux ($root)/vmlinuz root=\"/dev/sda1\" a\\ b\n"
		"\tinitrd /initrd.img; echo \"$cmdpath${root}\"x\n"
		"}\n"
		"echo '$root' \"\" end\n";
	struct grub2_lexer lx;
	struct grub2_cmd c;
	size_t start, end;
	bool ok;

	grub2_lexer_init(&lx, text, sizeof(text) - 1);
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.argc == 2 &&
	     !strcmp(c.argv[1], "timeout=5") && c.line == 1;
	verdict(ok, "cfg: a command, its comment dropped");
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.opens_block && c.argc == 4 &&
	     !strcmp(c.argv[1], "Debian, with Linux") && c.line == 2;
	verdict(ok, "cfg: a menuentry opens its block, the title one word");
	ok = grub2_cfg_skip_block(&lx, &start, &end) && !strncmp(text + start, "\tlinux", 6) &&
	     text[end] == '}';
	verdict(ok, "cfg: the block's body found, up to its }");
	lx.pos = start;
	lx.line = 3;
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.argc == 4 &&
	     !strcmp(c.argv[1], "(hd0,msdos1)/vmlinuz") && !strcmp(c.argv[2], "root=/dev/sda1") &&
	     !strcmp(c.argv[3], "a b") && c.line == 3;
	verdict(ok, "cfg: variables expanded, quotes and backslashes removed");
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.argc == 2 &&
	     grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.argc == 2 &&
	     !strcmp(c.argv[1], "hd0,msdos1x") && c.unknown_var;
	verdict(ok, "cfg: ';' ends a command; a variable only the boot knows is said");
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.closes_block &&
	     grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && c.argc == 4 &&
	     !strcmp(c.argv[1], "$root") && !strcmp(c.argv[2], "") &&
	     grub2_cfg_next(&lx, &c, test_var, NULL) == 0;
	verdict(ok, "cfg: '...' keeps $, \"\" is an empty word, then the end");
	grub2_lexer_init(&lx, "echo 'open\n", 11);
	verdict(grub2_cfg_next(&lx, &c, test_var, NULL) == -1, "cfg: a quote left open");
	grub2_lexer_init(&lx, "menuentry x {\n linux /a\n", 25);
	ok = grub2_cfg_next(&lx, &c, test_var, NULL) == 1 && !grub2_cfg_skip_block(&lx, &start, &end);
	verdict(ok, "cfg: a block left open");
}

int main(void)
{
	cfg_words();
	boot_img();
	core_img();
	modules();
	return failures ? 1 : 0;
}
