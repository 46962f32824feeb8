/*
 * Fix lines (lib/fixline.c), table by table: what gi_shell_quote() and
 * gi_fix_expand() make of a path, as text.  tests/unit.test also hands
 * each line to the shell, which must read the path back whole (the
 * "ECHO" lines this program prints).  Built against the internal headers.
 * Prints "PASS what" or "FAIL what"; exits 1 if any failed.
 */
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"

static int failures;

static void verdict(int ok, const char *what, const char *got)
{
	printf("%s %s (%s)\n", ok ? "PASS" : "FAIL", what, got);
	failures += !ok;
}

/* Paths and the words they become. */
static const struct {
	const char *path, *quoted;
} quote_table[] = {
	{ "disk.img", "disk.img" },
	{ "/tmp/a-b_c.d+e,f:g@h%i", "/tmp/a-b_c.d+e,f:g@h%i" },
	{ "two words.img", "'two words.img'" },
	{ "it's.img", "'it'\\''s.img'" },
	{ "$(touch PWNED).img", "'$(touch PWNED).img'" },
	{ "`id`;rm", "'`id`;rm'" },
	{ "IMAGE", "'IMA''GE'" },
	{ "my IMAGE.img", "'my IMA''GE.img'" },
	{ "a\nb", "$'a\\x0ab'" },
	{ "esc\x1b]0;t\x07", "$'esc\\x1b]0;t\\x07'" },
	{ "bidi\xe2\x80\xae.img", "$'bidi\\xe2\\x80\\xae.img'" },
	{ "", "''" },
};

/* Fix templates and what they become for the image "my disk.img". */
static const struct {
	const char *fix, *expanded;
} expand_table[] = {
	{ "grubinst IMAGE", "grubinst 'my disk.img'" },
	{ "sfdisk --activate IMAGE 2", "sfdisk --activate 'my disk.img' 2" },
	{ "e2fsck -fn 'IMAGE?offset=512'", "e2fsck -fn 'my disk.img?offset=512'" },
	{ "echo IMAGES IMAGE_X XIMAGE", "echo IMAGES IMAGE_X XIMAGE" },
	{ "dd if=IMAGE of=IMAGE", "dd if='my disk.img' of='my disk.img'" },
};

int main(void)
{
	char buf[256], what[512];

	for (size_t i = 0; i < sizeof(quote_table) / sizeof(quote_table[0]); i++) {
		bool ok = gi_shell_quote(buf, sizeof(buf), quote_table[i].path);

		snprintf(what, sizeof(what), "gi_shell_quote #%zu", i);
		verdict(ok && strcmp(buf, quote_table[i].quoted) == 0, what, buf);
		/* For the shell to read back: the word, then the path in hex. */
		printf("ECHO %zu %s\n", i, buf);
		printf("WANT %zu ", i);
		for (const char *p = quote_table[i].path; *p; p++)
			printf("%02x", (unsigned char)*p);
		printf("\n");
	}
	for (size_t i = 0; i < sizeof(expand_table) / sizeof(expand_table[0]); i++) {
		bool ok = gi_fix_expand(buf, sizeof(buf), expand_table[i].fix,
					"my disk.img");

		snprintf(what, sizeof(what), "gi_fix_expand \"%s\"", expand_table[i].fix);
		verdict(ok && strcmp(buf, expand_table[i].expanded) == 0, what, buf);
	}
	/* A buffer too small cuts the line: no command may be run then. */
	verdict(!gi_shell_quote(buf, 8, "a path longer than eight bytes"),
		"gi_shell_quote reports a cut", buf);
	return failures ? 1 : 0;
}
