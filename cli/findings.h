/* The inspector's side of the command line (cli/verify.c). */
#ifndef GRUBINST_CLI_VERIFY_H
#define GRUBINST_CLI_VERIFY_H

#include "grubinst.h"

enum {
	VERIFY_REPORT = 1,	/* --verify */
	VERIFY_JSON = 2,	/* --json */
	VERIFY_MAP = 4,		/* --map */
};

/* Exit status: 0 bootable (or map drawn), 1 will not boot, 2 unreadable. */
int verify_main(grubinst *g, const char *image, int flags);
/* --explain N: 0, or 2 if N is not a GRUB 0.97 error number. */
int explain_main(const char *arg);

#endif
