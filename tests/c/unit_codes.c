/*
 * The table of finding codes (inspect/codes.c): a row for every code,
 * each well formed, and finding() holding its callers to their rows.
 * Built against the library's internal headers (tests/unit.test runs it).
 * Prints "PASS what" or "FAIL what", and the table itself, a line a code
 * in the enum's order, for tests/codes.test to hold against
 * docs/verify.md:
 *
 *	ROW <TAB> code <TAB> area[, area...] <TAB> severity[/severity...]
 *
 * (the area findings of the code go to first; the severities as
 * docs/verify.md writes them: ok, warn, FAIL).  Exits 1 if any failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inspect/inspect.h"

static int failures;

static void verdict(int ok, const char *what)
{
	printf("%s %s\n", ok ? "PASS" : "FAIL", what);
	failures += !ok;
}

static void print_row(enum finding_code c)
{
	const struct finding_row *r = &finding_table[c];
	const char *sep = "";

	printf("ROW\t%s\t%s", r->name, grubinst_area_name(r->area));
	for (int a = 0; a < GRUBINST_AREA_COUNT; a++)
		if (r->also & CODE_BIT(a))
			printf(", %s", grubinst_area_name((enum grubinst_area)a));
	printf("\t");
	for (int s = GRUBINST_SEV_OK; s <= GRUBINST_SEV_FAIL; s++)
		if (r->sevs & CODE_BIT(s)) {
			printf("%s%s", sep, grubinst_severity_name((enum grubinst_severity)s));
			sep = "/";
		}
	printf("\n");
}

static bool well_formed(const char *name)
{
	if (!name || !*name)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '-' || *p == '_'))
			return false;
	return true;
}

static void rows(void)
{
	unsigned all_sevs = CODE_BIT(GRUBINST_SEV_OK) | CODE_BIT(GRUBINST_SEV_WARN) |
			    CODE_BIT(GRUBINST_SEV_FAIL);
	unsigned all_areas = CODE_BIT(GRUBINST_AREA_COUNT) - 1;
	int unnamed = 0, bad_name = 0, twice = 0, bad_sevs = 0, bad_area = 0;
	char what[256];

	for (int c = 0; c < FC_COUNT; c++) {
		const struct finding_row *r = &finding_table[c];

		if (!r->name) {
			unnamed++;
			continue;
		}
		bad_name += !well_formed(r->name);
		for (int d = 0; d < c; d++)
			twice += finding_table[d].name &&
				 !strcmp(finding_table[d].name, r->name);
		bad_sevs += !r->sevs || (r->sevs & ~all_sevs);
		bad_area += (unsigned)r->area >= GRUBINST_AREA_COUNT ||
			    (r->also & ~all_areas) || (r->also & CODE_BIT(r->area));
		print_row((enum finding_code)c);
	}
	snprintf(what, sizeof(what), "every one of the %d codes has a row (%d without)",
		 FC_COUNT, unnamed);
	verdict(FC_COUNT >= 100 && !unnamed, what);
	verdict(!bad_name, "every name is made of a-z, 0-9, - and _");
	verdict(!twice, "no two codes have the same name");
	verdict(!bad_sevs, "every code has severities, and only ok, warn and FAIL");
	verdict(!bad_area, "every code has an area, and other areas apart from it");
}

static void lookups(void)
{
	verdict(!strcmp(finding_code_name(FC_MBR_SIGNATURE), "mbr-signature") &&
		finding_code_area(FC_MBR_SIGNATURE) == GRUBINST_AREA_DISK,
		"FC_MBR_SIGNATURE is mbr-signature, area disk");
	verdict(!strcmp(finding_code_name(FC_COUNT), "?"),
		"finding_code_name of no code is \"?\"");
	verdict(finding_code_allows(FC_MBR_SIGNATURE, GRUBINST_SEV_FAIL, GRUBINST_AREA_DISK) &&
		!finding_code_allows(FC_MBR_SIGNATURE, GRUBINST_SEV_WARN, GRUBINST_AREA_DISK) &&
		!finding_code_allows(FC_MBR_SIGNATURE, GRUBINST_SEV_FAIL, GRUBINST_AREA_CHAIN),
		"mbr-signature: FAIL in disk only");
	verdict(finding_code_allows(FC_PART_TYPE, GRUBINST_SEV_WARN, GRUBINST_AREA_DISK) &&
		finding_code_allows(FC_PART_TYPE, GRUBINST_SEV_FAIL, GRUBINST_AREA_MENU) &&
		!finding_code_allows(FC_PART_TYPE, GRUBINST_SEV_OK, GRUBINST_AREA_CHAIN) &&
		!finding_code_allows(FC_PART_TYPE, GRUBINST_SEV_FAIL, GRUBINST_AREA_FEATURES),
		"part-type: FAIL or warn, in disk, chain or menu");
	verdict(!finding_code_allows(FC_COUNT, GRUBINST_SEV_OK, GRUBINST_AREA_DISK),
		"no code allows nothing");
}

/* finding() on a bare inspector: no caller, so nothing is held. */
static void misuse(void)
{
	struct inspect *in = calloc(1, sizeof(*in));

	if (!in) {
		verdict(0, "calloc");
		return;
	}
	unsetenv("GRUBINST_CHECK_CODES");
	finding(in, WARN, FC_MBR_SIGNATURE, NOTE(0), "a warning its row does not allow");
	verdict(in->warns == 1 && !in->fatal.code,
		"a severity its row does not allow: reported, the run goes on");
	finding(in, FAIL, FC_MBR_SIGNATURE, NOTE(IN_AREA(AREA_MENU)), "another area");
	verdict(in->fails == 1 && !in->fatal.code,
		"an area its row does not allow: reported, the run goes on");

	setenv("GRUBINST_CHECK_CODES", "1", 1);
	finding(in, FAIL, FC_MBR_SIGNATURE, NOTE(0), "as its row says");
	finding(in, WARN, FC_PART_TYPE, NOTE(IN_AREA(AREA_CHAIN)), "another area it allows");
	verdict(in->fails == 2 && in->warns == 2 && !in->fatal.code,
		"GRUBINST_CHECK_CODES: findings as their rows say pass");
	finding(in, OK, FC_MBR_SIGNATURE, NOTE(0), "ok its row does not allow");
	verdict(in->fatal.code == GRUBINST_EUSAGE &&
		strstr(in->fatal.msg, "finding mbr-signature reported as ok in area disk"),
		"GRUBINST_CHECK_CODES: a severity its row does not allow fails the run");
	printf("# %s\n", in->fatal.msg);
	memset(&in->fatal, 0, sizeof(in->fatal));
	finding(in, FAIL, FC_FS_SIZE, NOTE(IN_AREA(AREA_MENU)), "the wrong area");
	verdict(in->fatal.code == GRUBINST_EUSAGE &&
		strstr(in->fatal.msg, "finding fs-size reported as FAIL in area menu"),
		"GRUBINST_CHECK_CODES: an area its row does not allow fails the run");
	memset(&in->fatal, 0, sizeof(in->fatal));
	in->mute++;
	finding(in, OK, FC_MBR_SIGNATURE, NOTE(0), "muted");
	in->mute--;
	verdict(!in->fatal.code, "GRUBINST_CHECK_CODES: a muted finding is not judged");
	unsetenv("GRUBINST_CHECK_CODES");
	findings_free(in);
	free(in);
}

int main(void)
{
	rows();
	lookups();
	misuse();
	return failures ? 1 : 0;
}
