/*
 * Every refusal names a code (docs/bad-input.md): a refusal from below the
 * rules gets the code of its cause (rule_cause_code(), installer/install.c
 * appends it).  Each cause a refusal can have must have one.  Built
 * against the library's internal headers (tests/unit.test runs it).
 * Prints "PASS what" or "FAIL what"; exits 1 if any failed.
 */
#include <stdio.h>

#include "inspect/rules.h"

static int failures;

static void verdict(int ok, const char *what, const char *name)
{
	printf("%s %s: %s\n", ok ? "PASS" : "FAIL", what, name);
	failures += !ok;
}

/* Causes that are no refusal: errors (exit 2), or a rule's refusal,
 * which names its finding itself.  */
static int not_a_refusal(enum gi_cause c)
{
	return c == GI_CAUSE_NONE || c == GI_CAUSE_NOMEM || c == GI_CAUSE_IO ||
	       c == GI_CAUSE_NOT_A_DISK || c == GI_CAUSE_RULE;
}

int main(void)
{
	for (int c = 0; c < GI_CAUSE_COUNT; c++) {
		if (not_a_refusal(c))
			continue;
		verdict(rule_cause_code(c) != NULL,
			"a refusal of this cause names a code", gi_cause_name(c));
	}
	return failures ? 1 : 0;
}
