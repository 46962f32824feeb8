/* The inspector's side of the command line (cli/findings.c). */
#ifndef GRUBINST_CLI_FINDINGS_H
#define GRUBINST_CLI_FINDINGS_H

#include <stdbool.h>

#include "grubinst.h"

/* How --verify and --map print. */
struct show {
	bool report;	/* the findings and the result line (--verify) */
	bool map;	/* the disk map first (--map) */
	bool json;	/* one JSON document instead (--json) */
	bool quiet;	/* only the problems and the result line (-q) */
};

/* --verify, --map: 0 bootable (or map drawn), 1 will not boot, 2 the
 * image cannot be read.  */
int verify_main(grubinst *g, const struct show *how);
/* --explain N: 0, or 2 if N is not a GRUB 0.97 error number. */
int explain_main(const char *arg);

#endif
