/* Small files read by name: --config, the --stage-dir files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/internal.h"

const char *gi_file_kind(mode_t mode)
{
	return S_ISDIR(mode) ? "a directory" : S_ISFIFO(mode) ? "a FIFO"
	       : S_ISSOCK(mode) ? "a socket" : S_ISCHR(mode) ? "a character device"
	       : S_ISBLK(mode) ? "a block device" : S_ISLNK(mode) ? "a symbolic link"
	       : "not a regular file";
}

/* The name is looked at before it is opened, so that a FIFO, a device or
 * a directory is never opened at all; O_NONBLOCK covers the name being
 * replaced in between, and the open file must be the one looked at.
 * Symlinks are followed when FOLLOW (the user named them), else they are
 * not regular files.  Sizes are not trusted (a file of /proc says 0):
 * reading stops at MAX + 1 bytes.  */
static int read_file(const char *path, size_t max, bool follow, struct gi_file *f)
{
	struct stat st, now;
	size_t done = 0;
	uint8_t *fit;
	int fd;

	memset(f, 0, sizeof(*f));
	if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) {
		f->status = errno == ENOENT ? GI_FILE_MISSING : GI_FILE_ERRNO;
		f->errnum = errno;
		return -1;
	}
	f->mode = st.st_mode;
	f->size = (uint64_t)st.st_size;
	if (!S_ISREG(st.st_mode)) {
		f->status = GI_FILE_NOT_REGULAR;
		return -1;
	}
	if ((uint64_t)st.st_size > max) {
		f->status = GI_FILE_TOO_LARGE;
		return -1;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC |
		  (follow ? 0 : O_NOFOLLOW));
	if (fd < 0 || fstat(fd, &now) != 0) {
		f->status = GI_FILE_ERRNO;
		f->errnum = errno;
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(now.st_mode) || now.st_dev != st.st_dev ||
	    now.st_ino != st.st_ino) {
		f->mode = now.st_mode;
		f->status = S_ISREG(now.st_mode) ? GI_FILE_ERRNO : GI_FILE_NOT_REGULAR;
		f->errnum = EAGAIN;
		close(fd);
		return -1;
	}
	f->data = malloc(max + 2);
	if (!f->data) {
		close(fd);
		f->status = GI_FILE_ERRNO;
		f->errnum = ENOMEM;
		return -1;
	}
	while (done < max + 1) {
		ssize_t n = pread(fd, f->data + done, max + 1 - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			f->status = GI_FILE_ERRNO;
			f->errnum = errno;
			break;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	close(fd);
	if (f->status == GI_FILE_OK && done > max)
		f->status = GI_FILE_TOO_LARGE;
	if (f->status != GI_FILE_OK) {
		free(f->data);
		f->data = NULL;
		return -1;
	}
	f->data[done] = 0;
	f->len = done;
	/* MAX bounds the read, not what the file keeps. */
	fit = realloc(f->data, done + 1);
	if (fit)
		f->data = fit;
	return 0;
}

int gi_read_file(const char *path, size_t max, struct gi_file *f)
{
	return read_file(path, max, true, f);
}

int gi_read_file_nofollow(const char *path, size_t max, struct gi_file *f)
{
	return read_file(path, max, false, f);
}

void gi_file_why(const struct gi_file *f, size_t max, char *buf, size_t size)
{
	switch (f->status) {
	case GI_FILE_OK:
		snprintf(buf, size, "read");
		break;
	case GI_FILE_MISSING:
	case GI_FILE_ERRNO:
		snprintf(buf, size, "cannot read: %s", strerror(f->errnum));
		break;
	case GI_FILE_NOT_REGULAR:
		snprintf(buf, size, "%s, not a regular file", gi_file_kind(f->mode));
		break;
	case GI_FILE_TOO_LARGE:
		if (f->size > max)
			snprintf(buf, size, "%llu bytes, more than %zu",
				 (unsigned long long)f->size, max);
		else
			snprintf(buf, size, "more than %zu bytes", max);
		break;
	}
}
