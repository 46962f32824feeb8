/*
 * Running a program of the build host (GRUB 2's grub-mkimage): no shell,
 * stdin from /dev/null, what it prints kept for the error message.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/internal.h"

extern char **environ;

/* Reads the pipe FD to its end: the first SIZE - 1 bytes into OUT. */
static void drain(int fd, char *out, size_t size)
{
	size_t used = 0;
	char scrap[512];
	ssize_t n;

	for (;;) {
		char *to = used + 1 < size ? out + used : scrap;
		size_t room = used + 1 < size ? size - 1 - used : sizeof(scrap);

		n = read(fd, to, room);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (to != scrap)
			used += (size_t)n;
	}
	if (size)
		out[used] = '\0';
}

int gi_run(const char *const argv[], char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	int pipefd[2], status, rc;
	pid_t pid;

	if (size)
		out[0] = '\0';
	if (pipe2(pipefd, O_CLOEXEC))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (rc) {
		close(pipefd[0]);
		errno = rc;
		return -1;
	}
	drain(pipefd[0], out, size);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
