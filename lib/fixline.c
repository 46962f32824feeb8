/*
 * Fix lines: the shell command a finding or a refusal suggests.  The
 * checks write IMAGE where the image goes ("sfdisk --activate IMAGE 2",
 * "e2fsck -fy 'IMAGE?offset=1048576'"); the caller gets the line with the
 * image's path in its place, quoted for the shell, so that it runs as
 * printed, whatever the path holds.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lib/internal.h"

struct out {
	char *buf;
	size_t size, len;
	bool cut;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len++] = c;
	else
		o->cut = true;
}

static void puts_(struct out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

/* Characters a shell word may hold unquoted. */
static bool plain(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789/._-+,:@%", *s))
			return false;
	return true;
}

/* PATH inside single quotes: a quote in it closes, escapes and reopens. */
static void put_quoted_body(struct out *o, const char *path)
{
	for (; *path; path++) {
		if (*path == '\'')
			puts_(o, "'\\''");
		else
			put(o, *path);
	}
}

static bool is_word_end(char c)
{
	return !c || !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		       (c >= '0' && c <= '9'));
}

bool gi_fix_expand(char *buf, size_t size, const char *fix, const char *image)
{
	struct out o = { buf, size, 0, false };
	bool in_quotes = false;
	char prev = ' ';

	if (!size)
		return false;
	for (const char *s = fix; *s;) {
		if (strncmp(s, "IMAGE", 5) == 0 && is_word_end(prev) &&
		    is_word_end(s[5])) {
			if (in_quotes)
				put_quoted_body(&o, image);
			else if (plain(image))
				puts_(&o, image);
			else {
				put(&o, '\'');
				put_quoted_body(&o, image);
				put(&o, '\'');
			}
			prev = 'E';
			s += 5;
			continue;
		}
		if (*s == '\'')
			in_quotes = !in_quotes;
		prev = *s;
		put(&o, *s++);
	}
	buf[o.len] = '\0';
	return !o.cut;
}

/* Not e2fsck 'IMAGE?offset=N' in place: once it has replayed a journal it
 * opens the filesystem again without the offset and fails ("Bad magic
 * number in super-block"), leaving the journal half replayed.  So the
 * filesystem is checked in a copy and copied back; e2fsck's exit status 1
 * means "repaired".  */
void gi_fsck_fix(char *buf, size_t size, uint64_t start, uint64_t sectors)
{
	char count[32] = "";

	if (sectors)
		snprintf(count, sizeof(count), " count=%llu",
			 (unsigned long long)sectors);
	snprintf(buf, size,
		 "t=$(mktemp) && "
		 "dd if=IMAGE of=\"$t\" bs=512 skip=%llu%s status=none && "
		 "{ e2fsck -fy \"$t\" || [ $? -eq 1 ]; } && "
		 "dd if=\"$t\" of=IMAGE bs=512 seek=%llu conv=notrunc status=none && "
		 "rm \"$t\"", (unsigned long long)start, count,
		 (unsigned long long)start);
}
