/* The boot loaders an install puts in, one row each (docs/HACKING.md,
 * "Adding a boot loader"): GRUB Legacy 0.97 is the one there is, and the
 * default.  */
#include "installer/installer.h"

const struct install_loader *const install_loaders[] = {
	&grub_legacy_install,
	NULL,
};
