/* menu.lst as stage2 parses it (inspect/menu.c), then its entries, the
 * kernel and userspace checks run against a real image: the seed image
 * named by GRUBINST_FUZZ_IMAGE (fuzz/make-corpus makes it), or no image at
 * all.  Seeds: real menus, as written by people and by grubinst.  */
#include <stdlib.h>
#include <string.h>

#include "fuzz/common.h"
#include "inspect/inspect.h"

static const char *image;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	image = getenv("GRUBINST_FUZZ_IMAGE");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	grubinst *g = grubinst_open(image ? image : "", NULL);
	struct inspect *in;

	fuzz_require(g != NULL, "grubinst_open", "");
	in = inspect_new(g, fuzz_check_finding, NULL);
	fuzz_require(in != NULL, "inspect_new", "");
	if (!image || check_partitions(in) == 0) {
		in->menu.root = in->have_table && ptable_find(&in->pt, 1) ? 1 : 0;
		in->menu.partno = in->menu.root;
		text_copy(in->menu.path, sizeof(in->menu.path), "/boot/grub/menu.lst");
		menu_check_text(in, data, size);
		if (check_kernel(in) == 0 && check_root(in) == 0)
			check_userspace(in);
	}
	fuzz_check_status(g, inspect_free(in));
	grubinst_close(g);
	return 0;
}
