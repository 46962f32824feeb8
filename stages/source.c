/* Where the stage files come from: the copies built into the library or
 * a directory given by the user (plain or gzip).  */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "stages/stage.h"
#include "stages/stage_blobs.h"

/* Larger than any GRUB Legacy stage2 (about 120 KiB): a bound against
 * being fed a huge file by mistake.  */
#define STAGE_MAX (1024 * 1024)

static int copy_builtin(struct stage_blob *b, const struct builtin_stage *s,
			struct gi_err *err)
{
	b->data = malloc(s->size);
	if (!b->data)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	memcpy(b->data, s->data, s->size);
	b->len = s->size;
	snprintf(b->origin, sizeof(b->origin), "built-in %s", s->name);
	return 0;
}

/* A gzip stream (or several, one after the other) in DATA, inflated into
 * B: at most STAGE_MAX + 1 bytes come out, whatever the input says.  */
static int gunzip(struct stage_blob *b, const uint8_t *data, size_t len,
		  struct gi_err *err)
{
	z_stream z;
	int rc = Z_OK;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = b->data;
	z.avail_out = STAGE_MAX + 1;
	while (z.avail_out) {
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc == Z_STREAM_END && z.avail_in)
			rc = inflateReset(&z);
		else if (rc != Z_OK)
			break;
	}
	b->len = (size_t)(STAGE_MAX + 1 - z.avail_out);
	inflateEnd(&z);
	if (rc != Z_STREAM_END && z.avail_out)
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "cannot read: corrupt " "or not gzip");
	return 0;
}

/* NAME, or NAME.gz: a regular file, read without opening anything else
 * at that name (a FIFO there blocked the install), at most STAGE_MAX
 * bytes once inflated.  */
static int read_stage_file(struct stage_blob *b, const char *dir,
			   const char *name, struct gi_err *err)
{
	/* A gzip file of STAGE_MAX bytes of stage is smaller than this. */
	const size_t raw_max = STAGE_MAX + 64 * 1024;
	struct gi_file f;
	char why[128];
	int rc = 0;

	snprintf(b->origin, sizeof(b->origin), "%s/%s", dir, name);
	if (gi_read_file(b->origin, raw_max, &f) && f.status == GI_FILE_MISSING) {
		snprintf(b->origin, sizeof(b->origin), "%s/%s.gz", dir, name);
		if (gi_read_file(b->origin, raw_max, &f) && f.status == GI_FILE_MISSING) {
			snprintf(b->origin, sizeof(b->origin), "%s/%s", dir, name);
			return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
					 "missing stage file (nor %s.gz)", name);
		}
	}
	if (f.status == GI_FILE_ERRNO)
		return f.errnum == ENOMEM
			       ? gi_fail(err, GRUBINST_ENOMEM, "out of memory")
			       : gi_fail_as(err, GRUBINST_EIO, GI_CAUSE_IO, b->origin,
					    "cannot open: %s", strerror(f.errnum));
	if (f.status == GI_FILE_TOO_LARGE)
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "too large for a GRUB stage file");
	if (f.status != GI_FILE_OK) {
		gi_file_why(&f, raw_max, why, sizeof(why));
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin, "%s", why);
	}
	b->data = malloc(STAGE_MAX + 1);
	if (!b->data) {
		free(f.data);
		return gi_fail(err, GRUBINST_ENOMEM, "out of memory");
	}
	if (f.len >= 2 && f.data[0] == 0x1f && f.data[1] == 0x8b) {
		rc = gunzip(b, f.data, f.len, err);
	} else {
		b->len = f.len < STAGE_MAX + 1 ? f.len : STAGE_MAX + 1;
		memcpy(b->data, f.data, b->len);
	}
	free(f.data);
	if (!rc && b->len > STAGE_MAX)
		return gi_refuse(err, GI_CAUSE_STAGE, b->origin,
				 "too large for a GRUB stage file");
	return rc;
}

static int load_one(struct stage_blob *b, const char *dir, const char *name,
		    struct gi_err *err)
{
	if (dir)
		return read_stage_file(b, dir, name, err);
	for (size_t i = 0; i < builtin_stage_count; i++)
		if (strcmp(builtin_stages[i].name, name) == 0)
			return copy_builtin(b, &builtin_stages[i], err);
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
