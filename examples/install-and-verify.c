/*
 * What an image builder does with libgrubinst: install GRUB Legacy into a
 * disk image it holds open, then check that the image will boot.
 *
 *   cc install-and-verify.c $(pkg-config --cflags --libs libgrubinst)
 *   ./a.out disk.img [/boot/vmlinuz-VERSION]
 *
 * Exit status: 0 installed and bootable, 1 refused or will not boot,
 * 2 any other error.
 */
#define _POSIX_C_SOURCE 200809L	/* O_CLOEXEC */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <grubinst.h>

static void print_line(void *ctx, const char *line)
{
	(void)ctx;
	printf("  %s\n", line);
}

/* Only what needs attention: warnings and failures. */
static void print_problem(void *ctx, const struct grubinst_finding *f)
{
	(void)ctx;
	if (f->severity != GRUBINST_SEV_OK)
		printf("  %-4s %s [%s]\n", grubinst_severity_name(f->severity),
		       f->message, f->code);
}

/* Returns a grubinst status; says what happened. */
static int install_then_verify(grubinst *g, const char *image)
{
	int rc;

	printf("%s: installing GRUB Legacy\n", image);
	rc = grubinst_install(g);
	if (rc != GRUBINST_OK) {
		fprintf(stderr, "%s\n", grubinst_error(g));
		return rc;
	}
	printf("%s: verifying\n", image);
	rc = grubinst_verify(g, print_problem, NULL);
	if (rc == GRUBINST_OK)
		printf("%s: bootable\n", image);
	else if (rc == GRUBINST_WONT_BOOT)
		printf("%s: will not boot\n", image);
	else
		fprintf(stderr, "%s\n", grubinst_error(g));
	return rc;
}

int main(int argc, char **argv)
{
	struct grubinst_options opts;
	grubinst *g;
	int fd, rc;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s IMAGE [KERNEL]\n", argv[0]);
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror(argv[1]);
		return 2;
	}
	grubinst_options_init(&opts);	/* also reads SOURCE_DATE_EPOCH */
	opts.serial = "";		/* GRUB on the serial line */
	opts.kernel = argc == 3 ? argv[2] : NULL;
	opts.report = print_line;

	g = grubinst_open_fd(fd, argv[1], &opts);
	rc = g ? install_then_verify(g, argv[1]) : GRUBINST_ENOMEM;
	grubinst_close(g);
	close(fd);
	return rc == GRUBINST_OK ? 0 : rc == GRUBINST_WONT_BOOT ? 1 : 2;
}
