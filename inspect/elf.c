/*
 * A small ELF reader for the userspace checks: class, machine, type, the
 * program interpreter and the DT_NEEDED libraries.  The data comes from an
 * image anyone may have made: every offset and size is checked against the
 * buffer before use, with overflow-safe arithmetic, and structures are
 * copied out with memcpy (no alignment assumptions).
 */
#include <elf.h>
#include <string.h>

#include "inspect/inspect.h"

#define MAX_LOADS 16
#define MAX_DYN 4096

struct load {
	uint64_t vaddr, offset, filesz;
};

struct ctx {
	const uint8_t *data;
	size_t len;
	bool is64;
	struct load load[MAX_LOADS];
	int nload;
	uint64_t dyn_off, dyn_size;
	bool has_dyn;
};

/* Is [off, off + n) inside the buffer? */
static bool in_bounds(const struct ctx *c, uint64_t off, uint64_t n)
{
	return off <= c->len && n <= c->len - off;
}

/* A NUL-terminated string at OFF, at most LIMIT bytes long. */
static bool copy_string(const struct ctx *c, uint64_t off, uint64_t limit,
			char *out, size_t size)
{
	size_t n;

	if (off >= c->len)
		return false;
	if (limit > c->len - off)
		limit = c->len - off;
	n = strnlen((const char *)c->data + off, limit);
	if (n == limit || n >= size)
		return false;
	memcpy(out, c->data + off, n + 1);
	return true;
}

static bool read_header(struct ctx *c, struct elf_info *e, uint64_t *phoff,
			uint64_t *phentsize, uint64_t *phnum)
{
	if (c->is64) {
		Elf64_Ehdr h;
		if (c->len < sizeof(h))
			return false;
		memcpy(&h, c->data, sizeof(h));
		e->machine = h.e_machine;
		e->type = h.e_type;
		*phoff = h.e_phoff;
		*phentsize = h.e_phentsize;
		*phnum = h.e_phnum;
		return h.e_phentsize >= sizeof(Elf64_Phdr) || h.e_phnum == 0;
	}
	Elf32_Ehdr h;
	if (c->len < sizeof(h))
		return false;
	memcpy(&h, c->data, sizeof(h));
	e->machine = h.e_machine;
	e->type = h.e_type;
	*phoff = h.e_phoff;
	*phentsize = h.e_phentsize;
	*phnum = h.e_phnum;
	return h.e_phentsize >= sizeof(Elf32_Phdr) || h.e_phnum == 0;
}

/* One program header, widened to 64 bits. */
static void read_phdr(const struct ctx *c, uint64_t off, Elf64_Phdr *p)
{
	if (c->is64) {
		memcpy(p, c->data + off, sizeof(*p));
		return;
	}
	Elf32_Phdr q;
	memcpy(&q, c->data + off, sizeof(q));
	p->p_type = q.p_type;
	p->p_offset = q.p_offset;
	p->p_vaddr = q.p_vaddr;
	p->p_filesz = q.p_filesz;
}

static bool read_phdrs(struct ctx *c, struct elf_info *e, uint64_t phoff,
		       uint64_t phentsize, uint64_t phnum)
{
	if (phnum && (phentsize > c->len || phnum > c->len / phentsize ||
		      !in_bounds(c, phoff, phentsize * phnum)))
		return false;
	for (uint64_t i = 0; i < phnum; i++) {
		Elf64_Phdr p;

		read_phdr(c, phoff + i * phentsize, &p);
		if (p.p_type == PT_INTERP) {
			if (!copy_string(c, p.p_offset, p.p_filesz, e->interp,
					 sizeof(e->interp)))
				return false;
		} else if (p.p_type == PT_DYNAMIC) {
			c->has_dyn = true;
			c->dyn_off = p.p_offset;
			c->dyn_size = p.p_filesz;
		} else if (p.p_type == PT_LOAD && c->nload < MAX_LOADS) {
			c->load[c->nload++] = (struct load){ p.p_vaddr, p.p_offset,
							     p.p_filesz };
		}
	}
	return true;
}

/* File offset of a virtual address, through the PT_LOAD segments. */
static bool vaddr_to_offset(const struct ctx *c, uint64_t vaddr, uint64_t *off)
{
	for (int i = 0; i < c->nload; i++) {
		const struct load *l = &c->load[i];
		if (vaddr >= l->vaddr && vaddr - l->vaddr < l->filesz) {
			*off = l->offset + (vaddr - l->vaddr);
			return *off >= l->offset;	/* no wrap */
		}
	}
	return false;
}

static void read_dyn(const struct ctx *c, uint64_t off, int64_t *tag,
		     uint64_t *val)
{
	if (c->is64) {
		Elf64_Dyn d;
		memcpy(&d, c->data + off, sizeof(d));
		*tag = d.d_tag;
		*val = d.d_un.d_val;
		return;
	}
	Elf32_Dyn d;
	memcpy(&d, c->data + off, sizeof(d));
	*tag = d.d_tag;
	*val = d.d_un.d_val;
}

static bool read_dynamic(struct ctx *c, struct elf_info *e)
{
	uint64_t entsize = c->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t strtab = 0, strsz = 0, stroff;
	uint64_t needed[ELF_MAX_NEEDED], runpath = 0;
	int nneeded = 0;
	bool has_strtab = false, has_runpath = false;

	if (!c->has_dyn)
		return true;
	if (!in_bounds(c, c->dyn_off, c->dyn_size))
		return false;
	for (uint64_t i = 0; i < c->dyn_size / entsize && i < MAX_DYN; i++) {
		int64_t tag;
		uint64_t val;

		read_dyn(c, c->dyn_off + i * entsize, &tag, &val);
		if (tag == DT_NULL)
			break;
		if (tag == DT_STRTAB) {
			strtab = val;
			has_strtab = true;
		} else if (tag == DT_STRSZ) {
			strsz = val;
		} else if (tag == DT_NEEDED && nneeded < ELF_MAX_NEEDED) {
			needed[nneeded++] = val;
		} else if (tag == DT_RUNPATH || (tag == DT_RPATH && !has_runpath)) {
			runpath = val;
			has_runpath = true;
		}
	}
	if (!nneeded && !has_runpath)
		return true;
	if (!has_strtab || !vaddr_to_offset(c, strtab, &stroff) ||
	    !in_bounds(c, stroff, strsz))
		return false;
	for (int i = 0; i < nneeded; i++) {
		if (needed[i] >= strsz ||
		    !copy_string(c, stroff + needed[i], strsz - needed[i],
				 e->needed[e->nneeded], sizeof(e->needed[0])))
			return false;
		e->nneeded++;
	}
	if (has_runpath && (runpath >= strsz ||
			    !copy_string(c, stroff + runpath, strsz - runpath,
					 e->runpath, sizeof(e->runpath))))
		return false;
	return true;
}

void elf_parse(const uint8_t *data, size_t len, struct elf_info *e)
{
	struct ctx c = { .data = data, .len = len };
	uint64_t phoff = 0, phentsize = 0, phnum = 0;

	memset(e, 0, sizeof(*e));
	if (len < EI_NIDENT || memcmp(data, ELFMAG, SELFMAG) != 0)
		return;
	e->is_elf = true;
	if (data[EI_CLASS] != ELFCLASS32 && data[EI_CLASS] != ELFCLASS64) {
		e->error = "unknown ELF class";
		return;
	}
	c.is64 = data[EI_CLASS] == ELFCLASS64;
	e->bits = c.is64 ? 64 : 32;
	if (data[EI_DATA] != ELFDATA2LSB) {
		e->error = "big-endian ELF";
		return;
	}
	if (!read_header(&c, e, &phoff, &phentsize, &phnum)) {
		e->error = "truncated or corrupt ELF header";
		return;
	}
	if (e->type != ET_EXEC && e->type != ET_DYN) {
		e->error = "not an executable or shared object";
		return;
	}
	if (!read_phdrs(&c, e, phoff, phentsize, phnum))
		e->error = "corrupt program headers";
	else if (!read_dynamic(&c, e))
		e->error = "corrupt dynamic section";
}
