/*
 * Fixes that edit a menu file of the image in place, for a mistake in a
 * line the rest of the file must keep (a loop device in root=, a UUID a
 * filesystem made again no longer has): debugfs takes the file out, sed
 * changes it, debugfs writes it back.  One builder for all of them, so
 * that what gets into the line is checked in one place.
 */
#include <string.h>

#include "inspect/inspect.h"

/* What a sed script in single quotes may hold here: no quote, no
 * character a terminal or debugfs reads otherwise.  */
static bool plain_script(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789/|.,:;=_-+()[]\\$ ") == strlen(s);
}

const char *menu_edit_fix(struct inspect *in, int ref, const char *path,
			  const char *check, const char *script)
{
	const struct partition *home = part_of_ref(in, ref);
	struct pfs *p = pfs_get(in, ref);
	struct ext2_inode_large node;
	struct gi_err err = { 0 };
	ext2_ino_t ino = 0;
	unsigned long long off;

	if (!home || part_ref_disk(ref) || !p || !p->ok || !g2_plain_path(path) ||
	    !plain_script(check) || !plain_script(script))
		return NULL;
	/* A link would be replaced by a file: only a regular file. */
	if (fs_lookup(&p->fs, path, &ino, &err) || !ino ||
	    fs_read_inode(&p->fs, ino, &node, &err) || !LINUX_S_ISREG(node.i_mode))
		return NULL;
	off = (unsigned long long)home->start * SECTOR_SIZE;
	return fixf(in, "t=$(mktemp) && debugfs -R 'cat %s' 'IMAGE?offset=%llu' 2>/dev/null "
		    ">\"$t\" && grep -q '%s' \"$t\" && sed -i '%s' \"$t\" && "
		    "printf 'rm %s\\nwrite %%s %s\\n' \"$t\" | debugfs -w -f - "
		    "'IMAGE?offset=%llu' && rm \"$t\"", path, off, check, script, path, path,
		    off);
}
