/*
 * LD_PRELOAD shim for tests/faults.test: makes the Nth write-type call, or
 * the Nth sync, on one file fail (or kills the process there), and counts
 * them.  Environment:
 *
 *   FAULT_PATH    the file, as /proc/self/fd/N names it (absolute, no
 *                 links), or a pattern of such names (fnmatch: a file made
 *                 with O_TMPFILE is "DIR/#INODE (deleted)" until linked)
 *   FAULT_OP      write (pwrite, pwrite64, write, pwritev, pwritev2),
 *                 sync (fsync, fdatasync) or read (read, pread, pread64);
 *                 default write
 *   FAULT_AT      N: the Nth such call on the file, counting from 1;
 *                 0 or unset: none
 *   FAULT_MODE    once (default): only the Nth call; from: it and every
 *                 later one (a disk that stays full or broken)
 *   FAULT_ERRNO   EIO (default), ENOSPC, EROFS or a number
 *   FAULT_ACTION  fail (default): return -1 with FAULT_ERRNO; kill: SIGKILL
 *                 before the call; stop: SIGSTOP before the call, then carry
 *                 on when continued
 *   FAULT_COUNT   a file to which "writes W syncs S" is written at exit
 *   FAULT_NO_TMPFILE  if set, open() and openat() with O_TMPFILE fail with
 *                 EOPNOTSUPP, as on a filesystem that has no O_TMPFILE
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

enum op { OP_WRITE, OP_SYNC, OP_READ };

static long counts[3];

static bool targets(int fd)
{
	const char *want = getenv("FAULT_PATH");
	char link[64], path[4096];
	ssize_t n;

	if (!want)
		return false;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return false;
	path[n] = '\0';
	return strcmp(path, want) == 0 || fnmatch(want, path, 0) == 0;
}

static int fault_errno(void)
{
	const char *e = getenv("FAULT_ERRNO");

	if (!e || strcmp(e, "EIO") == 0)
		return EIO;
	if (strcmp(e, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(e, "EROFS") == 0)
		return EROFS;
	return atoi(e);
}

/* True when this call must fail (errno is then set). */
static bool inject(int fd, enum op op)
{
	const char *want = getenv("FAULT_OP");
	const char *action = getenv("FAULT_ACTION");
	const char *mode = getenv("FAULT_MODE");
	long at = getenv("FAULT_AT") ? atol(getenv("FAULT_AT")) : 0;
	enum op fop = !want || strcmp(want, "write") == 0 ? OP_WRITE
		      : strcmp(want, "sync") == 0	     ? OP_SYNC
							     : OP_READ;
	long n;
	bool hit;

	if (!targets(fd))
		return false;
	n = ++counts[op];
	hit = op == fop && at > 0 &&
	      (n == at || (mode && strcmp(mode, "from") == 0 && n > at));
	if (!hit)
		return false;
	if (action && strcmp(action, "kill") == 0)
		raise(SIGKILL);
	if (action && strcmp(action, "stop") == 0) {
		raise(SIGSTOP);
		return false;
	}
	errno = fault_errno();
	return true;
}

#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

ssize_t write(int fd, const void *buf, size_t n)
{
	return inject(fd, OP_WRITE) ? -1 : REAL(write)(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	return inject(fd, OP_WRITE) ? -1 : REAL(pwrite)(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	return inject(fd, OP_WRITE) ? -1 : REAL(pwrite64)(fd, buf, n, off);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
	return inject(fd, OP_WRITE) ? -1 : REAL(pwritev)(fd, iov, cnt, off);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int cnt, off_t off, int flags)
{
	return inject(fd, OP_WRITE) ? -1 : REAL(pwritev2)(fd, iov, cnt, off, flags);
}

ssize_t read(int fd, void *buf, size_t n)
{
	return inject(fd, OP_READ) ? -1 : REAL(read)(fd, buf, n);
}

ssize_t pread(int fd, void *buf, size_t n, off_t off)
{
	return inject(fd, OP_READ) ? -1 : REAL(pread)(fd, buf, n, off);
}

ssize_t pread64(int fd, void *buf, size_t n, off_t off)
{
	return inject(fd, OP_READ) ? -1 : REAL(pread64)(fd, buf, n, off);
}

/* O_TMPFILE includes O_DIRECTORY: test all of its bits. */
static bool no_tmpfile(int flags)
{
	if ((flags & O_TMPFILE) != O_TMPFILE || !getenv("FAULT_NO_TMPFILE"))
		return false;
	errno = EOPNOTSUPP;
	return true;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
		       ? (mode_t)va_arg(ap, int) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return no_tmpfile(flags) ? -1 : REAL(open)(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return no_tmpfile(flags) ? -1 : REAL(open64)(path, flags, mode);
}

int openat(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return no_tmpfile(flags) ? -1 : REAL(openat)(dir, path, flags, mode);
}

int openat64(int dir, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return no_tmpfile(flags) ? -1 : REAL(openat64)(dir, path, flags, mode);
}

int fsync(int fd)
{
	return inject(fd, OP_SYNC) ? -1 : REAL(fsync)(fd);
}

int fdatasync(int fd)
{
	return inject(fd, OP_SYNC) ? -1 : REAL(fdatasync)(fd);
}

__attribute__((destructor)) static void report_counts(void)
{
	const char *out = getenv("FAULT_COUNT");
	FILE *f;

	if (!out || !(f = fopen(out, "w")))
		return;
	fprintf(f, "writes %ld syncs %ld reads %ld\n", counts[OP_WRITE],
		counts[OP_SYNC], counts[OP_READ]);
	fclose(f);
}
