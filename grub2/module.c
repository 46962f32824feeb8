/*
 * A GRUB 2 module as kern/dl.c links it (grub_dl_load_core_noinit): an
 * i386 ELF32 relocatable object with a name, a license, the modules it
 * needs, and symbols to resolve against the kernel and the modules loaded
 * before it.  Every offset is checked against the module's size.
 */
#include <stdio.h>
#include <string.h>

#include "grub2/grub2.h"

#define EHDR_SIZE 52
#define SHDR_SIZE 40
#define SYM_SIZE 16
#define EM_386 3
#define ET_REL 1
#define SHT_SYMTAB 2
#define STT_NOTYPE 0
#define STT_OBJECT 1
#define STT_FUNC 2
#define STB_LOCAL 0

struct elf32 {
	const uint8_t *data;
	size_t len;
	uint32_t shoff;
	uint16_t shnum, shstrndx;
};

/* Section I's header, or NULL when it lies outside the file. */
static const uint8_t *section(const struct elf32 *e, uint32_t i)
{
	uint64_t at = (uint64_t)e->shoff + (uint64_t)i * SHDR_SIZE;

	if (i >= e->shnum || at + SHDR_SIZE > e->len)
		return NULL;
	return e->data + at;
}

/* Section SH's bytes, or NULL when they lie outside the file. */
static const uint8_t *section_bytes(const struct elf32 *e, const uint8_t *sh,
				    uint32_t *size)
{
	uint32_t off = le32(sh + 16);

	*size = le32(sh + 20);
	if ((uint64_t)off + *size > e->len)
		return NULL;
	return e->data + off;
}

/* The NUL-terminated string at OFF of a string table, or NULL. */
static const char *string_at(const uint8_t *tab, uint32_t size, uint32_t off)
{
	if (!tab || off >= size || !memchr(tab + off, 0, size - off))
		return NULL;
	return (const char *)tab + off;
}

/* The section named NAME, or NULL. */
static const uint8_t *find_section(const struct elf32 *e, const char *name,
				   uint32_t *size)
{
	const uint8_t *strsh = section(e, e->shstrndx), *names, *sh;
	uint32_t nsize;
	const char *n;

	if (!strsh || !(names = section_bytes(e, strsh, &nsize)))
		return NULL;
	for (uint32_t i = 0; i < e->shnum; i++) {
		sh = section(e, i);
		n = sh ? string_at(names, nsize, le32(sh)) : NULL;
		if (n && !strcmp(n, name))
			return section_bytes(e, sh, size);
	}
	return NULL;
}

static bool header_ok(struct elf32 *e, struct grub2_module *m)
{
	const uint8_t *h = e->data;

	/* kern/dl.c grub_dl_check_header, in its order. */
	if (e->len < EHDR_SIZE) {
		m->error = "ELF header smaller than expected";
		return false;
	}
	if (memcmp(h, "\177ELF", 4) || h[6] != 1 || le32(h + 20) != 1) {
		m->error = "invalid arch-independent ELF magic";
		return false;
	}
	if (h[4] != 1 || h[5] != 1 || le16(h + 18) != EM_386) {
		m->error = "invalid arch-dependent ELF magic";
		return false;
	}
	if (le16(h + 16) != ET_REL) {
		m->error = "this ELF file is not of the right type";
		return false;
	}
	e->shoff = le32(h + 32);
	e->shnum = le16(h + 48);
	e->shstrndx = le16(h + 50);
	if (le16(h + 46) != SHDR_SIZE ||
	    (uint64_t)e->shoff + (uint64_t)e->shnum * SHDR_SIZE > e->len) {
		m->error = "ELF sections outside core";
		return false;
	}
	return true;
}

/* .modname, .module_license and .moddeps (grub_dl_resolve_name,
 * grub_dl_check_license, grub_dl_resolve_dependencies). */
static bool identity(const struct elf32 *e, struct grub2_module *m)
{
	uint32_t size;
	const uint8_t *s = find_section(e, ".modname", &size);
	const char *lic, *dep;

	if (!s || !string_at(s, size, 0)) {
		m->error = "no module name";
		return false;
	}
	snprintf(m->name, sizeof(m->name), "%s", (const char *)s);
	s = find_section(e, ".module_license", &size);
	lic = string_at(s, size, 0);
	if (!lic || (strcmp(lic, "LICENSE=GPLv3") && strcmp(lic, "LICENSE=GPLv3+") &&
		     strcmp(lic, "LICENSE=GPLv2+"))) {
		m->error = lic ? "incompatible license" : "no license section in module";
		return false;
	}
	s = find_section(e, ".moddeps", &size);
	for (uint32_t off = 0; s && off < size && s[off]; off += strlen(dep) + 1) {
		dep = string_at(s, size, off);
		if (!dep || m->ndeps == (int)(sizeof(m->deps) / sizeof(m->deps[0])))
			break;
		snprintf(m->deps[m->ndeps++], GRUB2_NAME_MAX, "%s", dep);
	}
	return true;
}

static void add_symbol(const char **tab, int *n, const char *name, bool *full)
{
	if (*n == GRUB2_SYMS_MAX)
		*full = true;
	else
		tab[(*n)++] = name;
}

/* grub_dl_resolve_symbols: an undefined NOTYPE or OBJECT symbol with a
 * name is looked up; a FUNC, or a defined NOTYPE or OBJECT, that is not
 * local is registered for the modules loaded after.  */
static void symbols(const struct elf32 *e, struct grub2_module *m)
{
	const uint8_t *sh, *syms, *strsh, *strs;
	uint32_t size, ssize;

	for (uint32_t i = 0; i < e->shnum; i++) {
		sh = section(e, i);
		if (!sh || le32(sh + 4) != SHT_SYMTAB)
			continue;
		strsh = section(e, le32(sh + 24));
		syms = section_bytes(e, sh, &size);
		strs = strsh ? section_bytes(e, strsh, &ssize) : NULL;
		if (!syms || !strs) {
			m->error = "ELF sections outside core";
			return;
		}
		for (uint32_t at = 0; at + SYM_SIZE <= size; at += SYM_SIZE) {
			const uint8_t *s = syms + at;
			unsigned type = s[12] & 0xf, bind = s[12] >> 4;
			const char *name = string_at(strs, ssize, le32(s));
			bool undef = le16(s + 14) == 0;

			if (!name || !*name)
				continue;
			if ((type == STT_NOTYPE || type == STT_OBJECT) && undef)
				add_symbol(m->needs, &m->nneeds, name, &m->too_many);
			else if ((type <= STT_FUNC) && bind != STB_LOCAL)
				add_symbol(m->exports, &m->nexports, name, &m->too_many);
		}
		return;
	}
	/* None: a module that only pulls in its dependencies (all_video). */
}

void grub2_module_parse(const uint8_t *data, size_t len, struct grub2_module *m)
{
	struct elf32 e = { .data = data, .len = len };

	memset(m, 0, sizeof(*m));
	if (header_ok(&e, m) && identity(&e, m))
		symbols(&e, m);
}

bool grub2_kernel_exports(const uint8_t *k, size_t size, const char *name)
{
	size_t n = strlen(name) + 1;
	const uint8_t *p = k, *end = k + size, *hit;

	while (p < end && (hit = memmem(p, (size_t)(end - p), name, n))) {
		if (hit == k || hit[-1] == 0)
			return true;
		p = hit + 1;
	}
	return false;
}
