/* inspect/elf.c: the ELF reader the userspace checks run on init, its
 * interpreter and its libraries.  Seeds: real programs and libraries.  */
#include <string.h>

#include "fuzz/common.h"
#include "inspect/inspect.h"

static void check_string(const char *what, const char *s, size_t size)
{
	fuzz_require(memchr(s, '\0', size) != NULL, what, "not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct elf_info e;

	elf_parse(data, size, &e);
	fuzz_require(e.is_elf || !e.error, "an error for a non-ELF file",
		     e.error);
	fuzz_require(e.nneeded >= 0 && e.nneeded <= ELF_MAX_NEEDED, "nneeded", "");
	check_string("interp", e.interp, sizeof(e.interp));
	check_string("runpath", e.runpath, sizeof(e.runpath));
	for (int i = 0; i < e.nneeded; i++)
		check_string("needed", e.needed[i], sizeof(e.needed[i]));
	if (e.is_elf && !e.error)
		fuzz_require(e.bits == 32 || e.bits == 64, "bits", "");
	return 0;
}
