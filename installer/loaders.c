/* The boot loaders an install puts in, one row each (docs/HACKING.md,
 * "Adding a boot loader"): GRUB Legacy 0.97, the default, and GRUB 2
 * (i386-pc).  */
#include "installer/installer.h"

const struct install_loader *const install_loaders[] = {
	&grub_legacy_install,
	&grub2_install,
	NULL,
};

const struct install_loader *install_loader_for(enum grubinst_loader id)
{
	for (size_t i = 0; install_loaders[i]; i++)
		if (install_loaders[i]->id == id)
			return install_loaders[i];
	return NULL;
}
