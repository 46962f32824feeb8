/*
 * After the kernel: the root filesystem named by root=, the program it
 * runs as init, and /dev/console.  The kernel (init/main.c) runs init= if
 * given and panics if that fails; otherwise it tries /sbin/init, /etc/init,
 * /bin/init and /bin/sh, logging "Starting init: X exists but couldn't
 * execute it (error N)" for each one that exists but fails, and panics with
 * "No working init found" when none runs.  An init that starts and then
 * dies (a missing shared library) panics with "Attempted to kill init!".
 * An initrd's /init makes the same choice itself (initramfs-tools falls
 * back like the kernel; minimal ones often do not).
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

#define EXEC_MAX_BYTES (64u * 1024 * 1024)
#define ELF_HEAD (64u * 1024)	/* where ELF headers usually all are */
#define MAX_INTERP_DEPTH 4	/* binfmt_script's BINPRM_MAX_RECURSION */
#define BINPRM_BUF 256
/* The library walk of one program stops after this many libraries or
 * bytes read, whatever the shape of their DT_NEEDED graph (a large
 * desktop program loads about 200).  */
#define LIBS_MAX 512
#define LIB_BYTES_MAX (256ull * 1024 * 1024)

enum run { RUNS, EXEC_FAILS, DIES };

struct uctx {
	struct inspect *in;
	struct pfs *root;
	const char *init;		/* the candidate being checked */
	int err;			/* -errno of a failing execve */
	bool found_x;			/* the candidate is a file with x bits:
					   an initrd's [ -x ] test passes */
	ext2_ino_t ino;			/* the candidate's inode */
	char missing_interp[300];	/* a program interpreter not found */
	char advice[500];		/* broken_fix(): what to copy, if no fix */
	uint64_t lib_bytes;		/* read by the library walk */
	bool libs_capped;		/* it stopped at LIBS_MAX or LIB_BYTES_MAX */
	char why[700];
};

/* The dynamic loader a program names, as far as finding its libraries
 * goes: glibc's ld.so, or musl's ld-musl-ARCH.so.1, which is musl's
 * libc.so itself.  */
struct loader {
	bool musl;
	char pathfile[300];		/* musl: PREFIX/etc/ld-musl-ARCH.path */
	char sys_path[1024];		/* musl: the directories it searches */
};

/* A library the loader has mapped: its name and where it was found
 * (ino 0: the loader itself, nothing more to load).  */
struct loaded {
	char name[128];
	char path[512];
	ext2_ino_t ino;
	uint64_t size;
};

static const char *const lib_dirs64[] = {
	"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64",
	"/usr/lib64", "/lib", "/usr/lib",
};
static const char *const lib_dirs32[] = {
	"/lib/i386-linux-gnu", "/usr/lib/i386-linux-gnu", "/lib32",
	"/usr/lib32", "/lib", "/usr/lib",
};
#define NLIB_DIRS (sizeof(lib_dirs64) / sizeof(lib_dirs64[0]))

/* musl's search when no ld-musl-ARCH.path exists (ldso/dynlink.c). */
#define MUSL_SYS_PATH "/lib:/usr/local/lib:/usr/lib"

static enum run fails(struct uctx *u, int err, const char *fmt, const char *a,
		      const char *b) GI_PRINTF(3, 0);
static enum run fails(struct uctx *u, int err, const char *fmt, const char *a,
		      const char *b)
{
	u->err = err;
	text_printf(u->why, sizeof(u->why), fmt, a, b);
	return EXEC_FAILS;
}

static enum run dies(struct uctx *u, const char *fmt, const char *a,
		     const char *b)
{
	text_printf(u->why, sizeof(u->why), fmt, a, b);
	return DIES;
}

/* A program or library with blocks the kernel cannot read. */
static bool past_the_end(struct uctx *u, const char *path, ext2_ino_t ino)
{
	struct file_overhang o;
	char blk[32];

	file_overhang(u->root, ino, &o);
	if (!o.count)
		return false;
	snprintf(blk, sizeof(blk), "%llu", (unsigned long long)o.first);
	fails(u, -EIO, "%s has blocks past the partition end (block %s): "
	      "reading it fails with \"attempt to access beyond end of "
	      "device\"", path, blk);
	return true;
}

/* Does the kernel run this machine type? */
static bool machine_ok(const struct uctx *u, const struct elf_info *e,
		       bool *compat)
{
	const struct kernel_info *k = &u->in->entry.k;

	*compat = false;
	if (e->machine == EM_X86_64)
		return !k->arch_known || k->x86_64;
	if (e->machine == EM_386) {
		*compat = k->arch_known && k->x86_64;
		return true;
	}
	return false;
}

static int read_file(struct uctx *u, ext2_ino_t ino, uint8_t **data,
		     size_t *len)
{
	struct gi_err err = { 0 };

	return fs_read_file(&u->root->fs, ino, EXEC_MAX_BYTES, data, len, &err);
}

/* elf_parse() of the file INO of SIZE bytes; nonzero when it cannot be
 * read.  elf_parse() checks every access against the length it is given,
 * so a parse of the first ELF_HEAD bytes that succeeds read nothing past
 * them and says what the whole file says.  Only a file whose headers or
 * dynamic section lie further is read whole: a static busybox is 2 MB,
 * and reading it was the largest allocation of a verify.  */
static int parse_elf(struct uctx *u, ext2_ino_t ino, uint64_t size,
		     struct elf_info *e)
{
	size_t want = size < ELF_HEAD ? (size_t)size : ELF_HEAD, len = 0;
	uint8_t *data;

	if (size > EXEC_MAX_BYTES)
		return 1;
	data = malloc(ELF_HEAD);
	if (!data)
		return 1;
	u->lib_bytes += want;
	if (read_head(u->root, ino, data, want, &len) == 0 && len == want) {
		elf_parse(data, len, e);
		if (!e->error || len == size) {
			free(data);
			return 0;
		}
	}
	free(data);
	u->lib_bytes += size;
	if (read_file(u, ino, &data, &len))
		return 1;
	elf_parse(data, len, e);
	free(data);
	return 0;
}

/* The next directory of the list *S (entries separated by any of SEPS)
 * into DIR; false at its end.  */
static bool next_dir(const char **s, const char *seps, char *dir, size_t size)
{
	size_t n;

	*s += strspn(*s, seps);
	if (!**s)
		return false;
	n = strcspn(*s, seps);
	snprintf(dir, size, "%.*s", (int)(n < size ? n : size - 1), *s);
	*s += n;
	return true;
}

/* The loader that INTERP names.  musl's reads its search path from
 * PREFIX/etc/ld-musl-ARCH.path, PREFIX being INTERP less its last two
 * components ("" for /lib/ld-musl-x86_64.so.1): one directory per line or
 * ':'-separated; an empty or unreadable file means no directories at
 * all, a missing one MUSL_SYS_PATH.  */
static void loader_of(struct uctx *u, const char *interp, struct loader *ld)
{
	const char *base = strrchr(interp, '/'), *z = interp, *arch, *end;
	size_t len = 0;
	struct walk w;

	memset(ld, 0, sizeof(*ld));
	base = base ? base + 1 : interp;
	if (strncmp(base, "ld-musl-", 8) != 0)
		return;
	ld->musl = true;
	arch = base + 8;
	end = strstr(arch, ".so");
	for (const char *s = interp; s < base - 1; s++)
		if (*s == '/')
			z = s;
	snprintf(ld->pathfile, sizeof(ld->pathfile), "%.*s/etc/ld-musl-%.*s.path",
		 interp[0] == '/' ? (int)(z - interp) : 0, interp,
		 (int)(end ? (size_t)(end - arch) : strlen(arch)), arch);
	walk_path(u->root, ld->pathfile, WALK_LINUX, &w);
	if (!w.ino) {
		snprintf(ld->sys_path, sizeof(ld->sys_path), "%s", MUSL_SYS_PATH);
		return;
	}
	if (LINUX_S_ISREG(w.inode.i_mode))
		read_head(u->root, w.ino, (uint8_t *)ld->sys_path,
			  sizeof(ld->sys_path) - 1, &len);
	ld->sys_path[len] = '\0';
}

/* musl maps libc.so and the names of the libraries it has built in
 * (libc, libpthread, librt, libm, libdl, libutil, libxnet) to itself.  */
static bool musl_builtin(const char *name)
{
	static const char *const reserved[] = {
		"c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet.",
	};

	if (strncmp(name, "lib", 3) != 0)
		return false;
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (strncmp(name + 3, reserved[i], strlen(reserved[i])) == 0)
			return true;
	return false;
}

/* Is DIR/NAME the library?  1 yes (L filled in), 0 not there or skipped
 * (glibc's ld.so passes over a file of the wrong class or machine), -1
 * a file musl's loader takes and fails to load, -2 a library with blocks
 * past the partition end (U->why says so).  */
static int try_dir(struct uctx *u, const struct loader *ld, const char *dir,
		   const char *name, const struct elf_info *parent,
		   struct loaded *l)
{
	struct elf_info e;
	struct walk w;
	bool compat;

	snprintf(l->path, sizeof(l->path), "%s/%s", dir, name);
	walk_path(u->root, l->path, WALK_LINUX, &w);
	if (!w.ino)
		return 0;
	if (!LINUX_S_ISREG(w.inode.i_mode) ||
	    parse_elf(u, w.ino, EXT2_I_SIZE(&w.inode), &e) ||
	    !e.is_elf || e.error || e.bits != parent->bits ||
	    e.machine != parent->machine || !machine_ok(u, &e, &compat))
		return ld->musl ? -1 : 0;
	if (past_the_end(u, l->path, w.ino))
		return -2;
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->ino = w.ino;
	l->size = EXT2_I_SIZE(&w.inode);
	return 1;
}

/* Finds the shared library NAME as the loader searches for it: PARENT's
 * RUNPATH, then glibc's usual directories or musl's path.  */
static enum run find_lib(struct uctx *u, const struct loader *ld,
			 const char *name, const struct elf_info *parent,
			 const char *who, struct loaded *l)
{
	const char *const *dirs = parent->bits == 64 ? lib_dirs64 : lib_dirs32;
	const char *s = parent->runpath;
	char dir[300];
	int r = 0;

	if (ld->musl && musl_builtin(name)) {
		snprintf(l->name, sizeof(l->name), "%s", name);
		l->ino = 0;
		return RUNS;
	}
	while (!r && next_dir(&s, ":", dir, sizeof(dir)))
		r = try_dir(u, ld, dir, name, parent, l);
	s = ld->sys_path;
	while (!r && ld->musl && next_dir(&s, ":\n", dir, sizeof(dir)))
		r = try_dir(u, ld, dir, name, parent, l);
	for (size_t i = 0; !r && !ld->musl && i < NLIB_DIRS; i++)
		r = try_dir(u, ld, dirs[i], name, parent, l);
	if (r > 0)
		return RUNS;
	if (r == -2)
		return dies(u, "%s", u->why, "");
	if (r < 0)
		return dies(u, "%s needs %s, and musl's loader takes %s, which "
			    "is no library it can load: it stops with \"Error "
			    "loading shared library\"", who, l->path);
	if (ld->musl) {
		text_printf(u->why, sizeof(u->why), "%s needs %s, found in "
			    "none of the directories musl's loader searches "
			    "(the RUNPATH, then %s%s%s): it stops with \"Error "
			    "loading shared library %s\"", who, name,
			    ld->sys_path[0] ? "those listed in " : "none: ",
			    ld->pathfile, ld->sys_path[0] ? " or "
			    MUSL_SYS_PATH " without it" : " is empty", name);
		return DIES;
	}
	return dies(u, "%s needs %s, found in none of /lib, /lib64, /usr/lib "
		    "and their x86_64/i386-linux-gnu directories: the dynamic "
		    "loader stops with \"error while loading shared libraries\"",
		    who, name);
}

static bool is_loaded(const struct loaded *libs, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(libs[i].name, name) == 0)
			return true;
	return false;
}

/* Loads E's needs that are not loaded yet, appending them to LIBS. */
static enum run load_needs(struct uctx *u, const struct loader *ld,
			   const struct elf_info *e, const char *who,
			   struct loaded *libs, int *n)
{
	for (int i = 0; i < e->nneeded; i++) {
		enum run r;

		if (is_loaded(libs, *n, e->needed[i]))
			continue;
		if (*n == LIBS_MAX || u->lib_bytes > LIB_BYTES_MAX) {
			u->libs_capped = true;
			return RUNS;
		}
		r = find_lib(u, ld, e->needed[i], e, who, &libs[*n]);
		if (r != RUNS)
			return r;
		(*n)++;
	}
	return RUNS;
}

/* E's libraries in the loader's order, breadth first, each soname once:
 * all of E's own needs are loaded before any of theirs is looked up, and
 * LIBS, in load order, is the queue.  */
static enum run walk_libs(struct uctx *u, const struct loader *ld,
			  const struct elf_info *e, const char *who,
			  struct loaded *libs, struct elf_info *cur)
{
	enum run r;
	int n = 0;

	r = load_needs(u, ld, e, who, libs, &n);
	for (int i = 0; i < n && r == RUNS && !u->libs_capped; i++) {
		if (!libs[i].ino || parse_elf(u, libs[i].ino, libs[i].size, cur))
			continue;
		r = load_needs(u, ld, cur, libs[i].path, libs, &n);
	}
	return r;
}

static enum run check_libs(struct uctx *u, const struct loader *ld,
			   const struct elf_info *e, const char *who)
{
	struct loaded *libs;
	struct elf_info *cur;
	enum run r;

	if (!e->nneeded)
		return RUNS;
	libs = calloc(LIBS_MAX, sizeof(*libs));
	cur = malloc(sizeof(*cur));
	if (!libs || !cur) {
		free(libs);
		free(cur);
		return dies(u, "%s: out of memory checking its libraries%s", who, "");
	}
	u->lib_bytes = 0;
	u->libs_capped = false;
	r = walk_libs(u, ld, e, who, libs, cur);
	free(libs);
	free(cur);
	if (r == RUNS && u->libs_capped)
		finding(u->in, WARN, FC_INIT_LIBS_UNCHECKED,
			NOTE(.path = who),
			"%s loads more than %d libraries or %llu MiB of them: "
			"the rest were not checked", who, LIBS_MAX,
			LIB_BYTES_MAX >> 20);
	return r;
}

static enum run check_exec(struct uctx *u, const char *path, int depth);


static enum run check_elf(struct uctx *u, const char *path, ext2_ino_t ino,
			  uint64_t size)
{
	struct elf_info e;
	struct loader ld;
	bool compat;
	enum run r;

	if (parse_elf(u, ino, size, &e))
		return fails(u, -EIO, "%s cannot be read (larger than 64 MiB or "
			     "corrupt)%s", path, "");
	if (e.error)
		return fails(u, -ENOEXEC, "%s: %s", path, e.error);
	if (!machine_ok(u, &e, &compat))
		return fails(u, -ENOEXEC, "%s is built for another machine or "
			     "for a 64-bit kernel%s", path,
			     " (the kernel says \"Exec format error\")");
	if (compat)
		finding(u->in, WARN, FC_INIT_32BIT, NOTE(.path = path),
			"%s is a 32-bit i386 program: it runs on this x86_64 "
			"kernel only with CONFIG_IA32_EMULATION (Debian has it)",
			path);
	loader_of(u, e.interp, &ld);
	if (e.interp[0]) {
		char interp[300];
		snprintf(interp, sizeof(interp), "%s", e.interp);
		struct walk w;
		walk_path(u->root, interp, WALK_LINUX, &w);
		if (!w.ino) {
			snprintf(u->missing_interp, sizeof(u->missing_interp),
				 "%s", interp);
			return fails(u, -ENOENT, "its program interpreter %s is "
				     "missing (%s)", interp, w.why);
		}
		r = check_exec(u, interp, MAX_INTERP_DEPTH);
		if (r != RUNS)
			return r;
	}
	return check_libs(u, &ld, &e, path);
}

/* "#!interpreter [arg]" as binfmt_script reads it. */
static enum run check_script(struct uctx *u, const char *path,
			     const uint8_t *head, size_t len, int depth)
{
	char line[BINPRM_BUF + 1];
	size_t n = len < BINPRM_BUF ? len : BINPRM_BUF;
	char *interp;

	memcpy(line, head, n);
	line[n] = '\0';
	line[strcspn(line, "\n")] = '\0';
	interp = line + 2;
	interp += strspn(interp, " \t");
	interp[strcspn(interp, " \t")] = '\0';
	if (!interp[0])
		return fails(u, -ENOEXEC, "%s starts with \"#!\" but names no "
			     "interpreter%s", path, "");
	if (depth >= MAX_INTERP_DEPTH)
		return fails(u, -ELOOP, "%s: too many levels of \"#!\" "
			     "interpreters%s", path, "");
	return check_exec(u, interp, depth + 1);
}

static enum run check_exec(struct uctx *u, const char *path, int depth)
{
	uint8_t head[BINPRM_BUF];
	size_t len = 0;
	struct walk w;
	char mode[16];

	walk_path(u->root, path, WALK_LINUX, &w);
	if (!w.ino)
		return fails(u, -ENOENT, "%s: %s", path, w.why);
	if (!LINUX_S_ISREG(w.inode.i_mode))
		return fails(u, -EACCES, "%s is not a regular file%s", path,
			     w.links ? " (after following its links)" : "");
	if (!(w.inode.i_mode & 0111)) {
		snprintf(mode, sizeof(mode), "%04o", w.inode.i_mode & 07777);
		return fails(u, -EACCES, "%s has no execute permission (mode "
			     "%s)", path, mode);
	}
	if (depth == 0) {
		u->found_x = true;
		u->ino = w.ino;
	}
	if (past_the_end(u, path, w.ino))
		return EXEC_FAILS;
	read_head(u->root, w.ino, head, sizeof(head), &len);
	if (len >= 2 && head[0] == '#' && head[1] == '!')
		return check_script(u, path, head, len, depth);
	if (len >= 4 && memcmp(head, ELFMAG, SELFMAG) == 0)
		return check_elf(u, path, w.ino, EXT2_I_SIZE(&w.inode));
	return fails(u, -ENOEXEC, "%s is neither an ELF program nor a \"#!\" "
		     "script%s", path, "");
}

/* ---- choosing init ---- */

static const char *const default_inits[] = {
	"/sbin/init", "/etc/init", "/bin/init", "/bin/sh",
};

/* The debugfs command that makes /sbin/init a symbolic link to TARGET, in
 * IN->fixbuf: /sbin may be missing, and what is there does not run.  */
static const char *link_init_fix(struct uctx *u, const char *target)
{
	return fixf(u->in, "printf 'mkdir /sbin\\nrm /sbin/init\\nsymlink "
		    "/sbin/init %s\\n' | debugfs -w -f - 'IMAGE?offset=%llu'",
		    target, (unsigned long long)(u->root->part->start * SECTOR_SIZE));
}

/* Does PATH run?  Checked quietly: its own findings are not this
 * report's.  WHY, if given, gets the reason it does not.  */
static bool runs_quietly(struct uctx *u, const char *path, char *why,
			 size_t size)
{
	struct uctx quiet = *u;
	enum run r;

	u->in->mute++;
	r = check_exec(&quiet, path, 0);
	u->in->mute--;
	if (why)
		snprintf(why, size, "%s", quiet.why);
	return r == RUNS;
}

/* A busybox in the image that runs makes an init; NULL when there is
 * none.  */
static const char *busybox_init_fix(struct uctx *u)
{
	return runs_quietly(u, "/bin/busybox", NULL, 0)
		? link_init_fix(u, "/bin/busybox") : NULL;
}

/* Where a missing program interpreter may be in the image after all: its
 * name in the other library directories (a /lib64 whose link into /usr
 * was lost), and for musl's loader, musl's libc.so, which it is.  */
static bool find_interp_elsewhere(struct uctx *u, const char *interp,
				  char *target, size_t size)
{
	const char *base = strrchr(interp, '/');
	const char *const *sets[] = { lib_dirs64, lib_dirs32 };

	base = base ? base + 1 : interp;
	for (size_t s = 0; s < 2; s++)
		for (size_t i = 0; i < NLIB_DIRS; i++) {
			text_printf(target, size, "%s/%s", sets[s][i], base);
			if (strcmp(target, interp) != 0 &&
			    runs_quietly(u, target, NULL, 0))
				return true;
		}
	if (strncmp(base, "ld-musl-", 8) == 0) {
		const char *arch = base + 8, *end = strstr(arch, ".so");
		int n = end ? (int)(end - arch) : (int)strlen(arch);

		snprintf(target, size, "/usr/lib/%.*s-linux-musl/libc.so", n, arch);
		if (runs_quietly(u, target, NULL, 0))
			return true;
		snprintf(target, size, "/usr/lib/musl/lib/libc.so");
		if (runs_quietly(u, target, NULL, 0))
			return true;
	}
	return false;
}

/* The debugfs command that links the missing interpreter to TARGET,
 * making the directories on its way.  */
static const char *link_interp_fix(struct uctx *u, const char *target)
{
	const char *interp = u->missing_interp;
	char mkdirs[400] = "";
	size_t used = 0;

	for (const char *s = strchr(interp + 1, '/'); s && used < sizeof(mkdirs);
	     s = strchr(s + 1, '/'))
		used += (size_t)snprintf(mkdirs + used, sizeof(mkdirs) - used,
					 "mkdir %.*s\\n", (int)(s - interp), interp);
	return fixf(u->in, "printf '%srm %s\\nsymlink %s %s\\n' | debugfs -w -f "
		    "- 'IMAGE?offset=%llu'", mkdirs, interp, interp, target,
		    (unsigned long long)(u->root->part->start * SECTOR_SIZE));
}

/* The fix of a candidate that cannot be executed: for a missing program
 * interpreter, a link to it where the image has it under another name,
 * else (for the kernel's choices, ANY_INIT) /sbin/init linked to a busybox
 * that runs.  Without one, U->advice says what to copy.  */
static const char *broken_fix(struct uctx *u, const char *path, bool any_init)
{
	char target[300];
	const char *fix = NULL;

	u->advice[0] = '\0';
	if (!u->missing_interp[0])
		return NULL;
	if (find_interp_elsewhere(u, u->missing_interp, target, sizeof(target)))
		return link_interp_fix(u, target);
	if (any_init)
		fix = busybox_init_fix(u);
	if (!fix)
		text_printf(u->advice, sizeof(u->advice), "; to mend it, copy "
			    "%s, and the libraries \"ldd %s\" lists, from the "
			    "system %s was built for into the image, or make it "
			    "a statically linked program", u->missing_interp,
			    path, path);
	return fix;
}

/* ---- busybox init ---- */

/* Is the candidate busybox, as a link or the file itself? */
static bool is_busybox(struct uctx *u)
{
	static const char *const places[] = {
		"/bin/busybox", "/sbin/busybox", "/usr/bin/busybox",
		"/usr/sbin/busybox",
	};
	struct walk w;

	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		walk_path(u->root, places[i], WALK_LINUX, &w);
		if (w.ino && w.ino == u->ino)
			return true;
	}
	return false;
}

/* busybox runs the applet its argv[0] names, and the kernel and
 * switch_root start init with argv[0] = its path: a busybox reached as
 * .../init is busybox init.  Without /etc/inittab it runs a built-in
 * table (init/init.c, parse_inittab()): /etc/init.d/rcS, waited for, then
 * "askfirst" shells on the console and tty2-4, each started only when
 * Enter is pressed there.  Nothing else ever runs.  */
static void check_busybox_init(struct uctx *u, const char *path)
{
	const char *name = strrchr(path, '/');
	char why[sizeof(u->why)];
	struct walk w;

	name = name ? name + 1 : path;
	if (strcmp(name, "init") != 0 || !is_busybox(u))
		return;
	walk_path(u->root, "/etc/inittab", WALK_LINUX, &w);
	if (w.ino)
		return;
	if (runs_quietly(u, "/etc/init.d/rcS", why, sizeof(why))) {
		finding(u->in, WARN, FC_INIT_NO_INITTAB,
			NOTE(.path = "/etc/inittab"),
			"%s is busybox init and there is no /etc/inittab: it "
			"runs /etc/init.d/rcS, then prints \"Please press Enter "
			"to activate this console.\" and waits; nothing but rcS "
			"starts the system", path);
		return;
	}
	finding(u->in, WARN, FC_INIT_NO_INITTAB,
		NOTE(.path = "/etc/inittab"),
		"%s is busybox init, there is no /etc/inittab and /etc/init.d/rcS "
		"cannot run (%s): busybox logs \"can't run '/etc/init.d/rcS'\", "
		"prints \"Please press Enter to activate this console.\" and "
		"waits; nothing of the system runs", path,
		why + (strncmp(why, "/etc/init.d/rcS: ", 17) ? 0 : 17));
}

static void report_runs(struct uctx *u, const char *path, bool first)
{
	bool initrd = u->in->entry.has_initrd;

	if (first || !initrd) {
		finding(u->in, first ? OK : WARN,
			first ? FC_INIT : FC_INIT_FALLBACK, NOTE(.path = path),
			"%s runs as init%s", path,
			first ? "" : ", after the kernel's earlier choices failed");
		return;
	}
	finding(u->in, WARN, FC_INIT_FALLBACK,
		NOTE(.path = path,
		     .fix = link_init_fix(u, path)),
		"the kernel would fall back to %s, but with an initrd its /init "
		"chooses: initramfs-tools falls back the same way, a minimal "
		"initrd runs only /sbin/init and stops", path);
}

static void check_inits(struct uctx *u)
{
	struct inspect *in = u->in;
	char init[256];
	int tried = 0;

	if (cmdline_arg(in->entry.cmdline, "init", init, sizeof(init))) {
		enum run r = check_exec(u, init, 0);
		if (r == RUNS) {
			finding(in, OK, FC_INIT, NOTE(.path = init),
				"init=%s runs", init);
			check_busybox_init(u, init);
		} else
			finding(in, FAIL,
				r == DIES ? FC_INIT_DIES : FC_INIT_BROKEN,
				NOTE(.path = init, .fix = broken_fix(u, init, false)),
				"init=%s: %s; the kernel panics (\"%s\")%s", init,
				u->why, r == DIES ? "Attempted to kill init!"
						  : "Requested init failed",
				u->advice);
		return;
	}
	for (size_t i = 0; i < sizeof(default_inits) / sizeof(default_inits[0]); i++) {
		const char *path = default_inits[i];
		enum run r;

		u->err = 0;
		u->found_x = false;
		u->missing_interp[0] = '\0';
		r = check_exec(u, path, 0);
		if (r == RUNS) {
			report_runs(u, path, i == 0);
			check_busybox_init(u, path);
			return;
		}
		if (r == DIES) {
			finding(in, FAIL, FC_INIT_DIES,
				NOTE(.path = path),
				"%s starts but cannot run: %s; init exits and the "
				"kernel panics (\"Attempted to kill init!\")",
				path, u->why);
			return;
		}
		if (u->found_x && in->entry.has_initrd) {
			/* An initrd tests [ -x ] and execs it: no fallback. */
			finding(in, FAIL, FC_INIT_BROKEN,
				NOTE(.path = path, .fix = broken_fix(u, path, true)),
				"%s%s%s: the initrd's /init execs it, the exec "
				"fails (\"switch_root: can't execute '%s'\") and "
				"the kernel panics (\"Attempted to kill init!\")%s",
				strncmp(u->why, path, strlen(path)) ? path : "",
				strncmp(u->why, path, strlen(path)) ? ": " : "",
				u->why, path, u->advice);
			return;
		}
		if (u->err != -ENOENT || u->found_x) {
			tried++;
			bool named = strncmp(u->why, path, strlen(path)) == 0;
			finding(in, WARN, FC_INIT_BROKEN,
				NOTE(.path = path, .fix = broken_fix(u, path, true)),
				"%s%s%s: the kernel logs \"Starting init: %s "
				"exists but couldn't execute it (error %d)\"%s",
				named ? "" : path, named ? "" : ": ", u->why,
				path, u->err, u->advice);
		}
	}
	finding(in, FAIL, FC_INIT_MISSING,
		NOTE(.path = "/sbin/init",
		     .fix = busybox_init_fix(u)),
		"none of /sbin/init, /etc/init, /bin/init, /bin/sh %s: %s",
		tried ? "can run" : "exists",
		in->entry.has_initrd
			? "the initrd's /init finds no init to switch to "
			  "(initramfs-tools: \"No init found. Try passing init= "
			  "bootarg.\") and stops"
			: "the kernel panics with \"No working init found.  "
			  "Try passing init= option to kernel.\"");
}

/* ---- /dev/console ---- */

static void device_numbers(const struct ext2_inode_large *i, unsigned *maj,
			   unsigned *min)
{
	uint32_t old = i->i_block[0], new = i->i_block[1];

	if (old) {
		*maj = (old >> 8) & 0xff;
		*min = old & 0xff;
	} else {
		*maj = (new & 0xfff00) >> 8;
		*min = (new & 0xff) | ((new >> 12) & 0xfff00);
	}
}

static void check_console(struct uctx *u)
{
	struct inspect *in = u->in;
	const struct kernel_info *k = &in->entry.k;
	bool old_kernel = k->version[0] && k->major == 2 && k->minor == 6 &&
			  k->patch < 32;
	unsigned maj = 0, min = 0;
	struct walk w;

	walk_path(u->root, "/dev/console", WALK_LINUX, &w);
	if (w.ino && LINUX_S_ISCHR(w.inode.i_mode)) {
		device_numbers(&w.inode, &maj, &min);
		if (maj == 5 && min == 1) {
			finding(in, OK, FC_CONSOLE,
				NOTE(.path = "/dev/console"),
				"/dev/console is the character device 5,1");
			return;
		}
	}
	finding(in, old_kernel ? FAIL : WARN, FC_CONSOLE_MISSING,
		NOTE(.path = "/dev/console",
		     .fix = fixf(in, "printf 'mkdir /dev\\nrm /dev/console\\ncd /dev\\n"
				 "mknod console c 5 1\\nsif console mode 020600\\n' | "
				 "debugfs -w -f - 'IMAGE?offset=%llu'",
				 (unsigned long long)(u->root->part->start * SECTOR_SIZE))),
		"/dev/console %s: %s", !w.ino ? "does not exist"
			: LINUX_S_ISCHR(w.inode.i_mode) ? "has the wrong device numbers"
							 : "is not a character device",
		old_kernel ? "this old kernel opens it on the root filesystem and "
			     "logs \"Warning: unable to open an initial console\"; "
			     "init then has no output"
			   : "the kernel opens its first console before mounting "
			     "this root (from its built-in initramfs), but an "
			     "initrd's \"switch_root -c /dev/console\" and programs "
			     "that open /dev/console fail");
}

/* ---- the root filesystem ---- */

static struct pfs *root_fs(struct inspect *in)
{
	int part = root_partition(in);
	struct pfs *p;

	if (!part) {
		part = in->entry.partno;
		finding(in, WARN, FC_ROOT_ASSUMED, NOTE(0),
			"root= names no partition grubinst can find: checking "
			"partition %d (GRUB's root) as the root filesystem", part);
	}
	p = pfs_get(in, part);
	if (!p || !p->ok) {
		finding(in, FAIL, FC_ROOT_NO_FS,
			NOTE(0),
			"the root partition %d has no ext2/3/4 filesystem: the "
			"kernel panics with \"VFS: Unable to mount root fs\"",
			part);
		return NULL;
	}
	finding(in, OK, FC_ROOT_FS, NOTE(AT(p->part->start)),
		"the root filesystem is partition %d", part);
	return p;
}

int check_userspace(struct inspect *in)
{
	struct uctx *u;

	if (!in->entry.valid)
		return 0;
	u = calloc(1, sizeof(*u));
	if (!u) {
		gi_fail(&in->fatal, GRUBINST_ENOMEM, "out of memory");
		return -1;
	}
	u->in = in;
	u->root = root_fs(in);
	if (u->root) {
		check_inits(u);
		check_console(u);
	}
	free(u);
	return 0;
}
