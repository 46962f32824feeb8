/* Where the stage files come from: the copies built into the library
 * (zlib-compressed at build time) or a directory given by the user.  */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "stages/stage.h"
#include "stages/stage_blobs.h"

/* Larger than any GRUB Legacy stage2 (about 120 KiB): a bound against
 * being fed a huge file by mistake.  */
#define STAGE_MAX (1024 * 1024)

static int inflate_builtin(struct stage_blob *b, const struct builtin_stage *s,
			   struct gi_err *err)
{
	uLongf len = s->size;

	b->data = malloc(s->size);
	if (!b->data)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	if (uncompress(b->data, &len, s->zdata, s->zsize) != Z_OK ||
	    len != s->size)
		return gi_fail(err, GRUBINST_EIO, "built-in %s: corrupt", s->name);
	b->len = len;
	snprintf(b->origin, sizeof(b->origin), "built-in %s", s->name);
	return 0;
}

/* gzread reads plain files as they are, so NAME and NAME.gz are alike. */
static int read_stage_file(struct stage_blob *b, const char *dir,
			   const char *name, struct gi_err *err)
{
	struct stat st;
	gzFile gz;
	int n;

	snprintf(b->origin, sizeof(b->origin), "%s/%s", dir, name);
	if (stat(b->origin, &st) != 0) {
		snprintf(b->origin, sizeof(b->origin), "%s/%s.gz", dir, name);
		if (stat(b->origin, &st) != 0) {
			snprintf(b->origin, sizeof(b->origin), "%s/%s", dir, name);
			return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
					 "missing stage file (nor %s.gz)", name);
		}
	}
	if (!S_ISREG(st.st_mode))
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "not a regular file");
	gz = gzopen(b->origin, "rb");
	if (!gz)
		return gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, b->origin,
				  "cannot open: %s", strerror(errno));
	b->data = malloc(STAGE_MAX + 1);
	if (!b->data) {
		gzclose(gz);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	n = gzread(gz, b->data, STAGE_MAX + 1);
	gzclose(gz);
	if (n < 0)
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "cannot read: corrupt " "or not gzip");
	if (n > STAGE_MAX)
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "too large for a GRUB stage file");
	b->len = (size_t)n;
	return 0;
}

static int load_one(struct stage_blob *b, const char *dir, const char *name,
		    struct gi_err *err)
{
	if (dir)
		return read_stage_file(b, dir, name, err);
	for (size_t i = 0; i < builtin_stage_count; i++)
		if (strcmp(builtin_stages[i].name, name) == 0)
			return inflate_builtin(b, &builtin_stages[i], err);
	return gi_fail(err, GRUBINST_EIO, "built-in %s: missing", name);
}

int stage_set_load(struct stage_set *set, const char *dir, struct gi_err *err)
{
	memset(set, 0, sizeof(*set));
	if (load_one(&set->stage1, dir, "stage1", err) ||
	    stage1_check(set->stage1.data, set->stage1.len, set->stage1.origin, err) ||
	    load_one(&set->stage1_5, dir, "e2fs_stage1_5", err) ||
	    stage2_check(set->stage1_5.data, set->stage1_5.len, STAGE2_ID_E2FS,
			 set->stage1_5.origin, &set->stage1_5_info, err) ||
	    load_one(&set->stage2, dir, "stage2", err) ||
	    stage2_check(set->stage2.data, set->stage2.len, STAGE2_ID_STAGE2,
			 set->stage2.origin, &set->stage2_info, err)) {
		stage_set_free(set);
		return err->code;
	}
	return 0;
}

void stage_set_free(struct stage_set *set)
{
	free(set->stage1.data);
	free(set->stage1_5.data);
	free(set->stage2.data);
	memset(set, 0, sizeof(*set));
}
