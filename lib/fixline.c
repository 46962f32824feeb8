/*
 * Fix lines: the shell command a finding or a refusal suggests.  The
 * checks write IMAGE where the image goes ("sfdisk --activate IMAGE 2",
 * "e2fsck -fy 'IMAGE?offset=1048576'"); the caller gets the line with the
 * image's path in its place, quoted for the shell, so that it runs as
 * printed, whatever the path holds.  Every other path a fix names is
 * quoted by the same function, gi_shell_quote().  A path that holds what
 * the report shows as '?' (a control character, an escape sequence, a
 * bidirectional control) is written $'...' with those bytes as \xHH: the
 * line stays one line of text and still names that very file (bash, zsh,
 * ksh and busybox sh read $'...'; dash does not).
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

/* Does the report show every character of S as itself? */
static bool printable(const char *s)
{
	while (*s) {
		size_t n = gi_text_char(s);

		if (!n)
			return false;
		s += n;
	}
	return true;
}

/* PATH inside single quotes: a quote in it closes, escapes and reopens;
 * the word IMAGE is split by an empty pair of quotes, IMA''GE, so that
 * gi_fix_expand() never takes it for the image.  */
static void put_quoted_body(struct out *o, const char *path)
{
	for (; *path; path++) {
		if (*path == '\'')
			puts_(o, "'\\''");
		else if (strncmp(path, "IMAGE", 5) == 0) {
			puts_(o, "IMA''GE");
			path += 4;
		} else
			put(o, *path);
	}
}

/* PATH as $'...': what the report would not show, and the backslash and
 * the quote that would end it, escaped.  */
static void put_ansi_c(struct out *o, const char *path)
{
	static const char hex[] = "0123456789abcdef";

	puts_(o, "$'");
	while (*path) {
		size_t n = gi_text_char(path);

		if (*path == '\\' || *path == '\'') {
			put(o, '\\');
			put(o, *path++);
		} else if (n) {
			while (n--)
				put(o, *path++);
		} else {
			unsigned char c = (unsigned char)*path++;

			puts_(o, "\\x");
			put(o, hex[c >> 4]);
			put(o, hex[c & 15]);
		}
	}
	put(o, '\'');
}

static void put_word(struct out *o, const char *path)
{
	if (!printable(path))
		put_ansi_c(o, path);
	else if (plain(path) && !strstr(path, "IMAGE"))
		puts_(o, path);
	else {
		put(o, '\'');
		put_quoted_body(o, path);
		put(o, '\'');
	}
}

bool gi_shell_quote(char *buf, size_t size, const char *path)
{
	struct out o = { buf, size, 0, false };

	if (!size)
		return false;
	put_word(&o, path);
	buf[o.len] = '\0';
	return !o.cut;
}

static bool is_word_end(char c)
{
	return !c || !(c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		       (c >= '0' && c <= '9'));
}

/* Where the scan of a fix line is, as the shell reads it. */
enum quoting { BARE, SINGLE, ANSI_C, DOUBLE };

/* The image's path where the fix says IMAGE, in quoting Q.  Inside quotes
 * they are closed around the word, unless it can be their body.  */
static void put_image(struct out *o, const char *image, enum quoting q)
{
	if (q == SINGLE && printable(image)) {
		put_quoted_body(o, image);
		return;
	}
	if (q != BARE)
		put(o, q == SINGLE ? '\'' : '"');
	put_word(o, image);
	if (q != BARE)
		put(o, q == SINGLE ? '\'' : '"');
}

/* The quoting after the characters at S, and how many of them go as they
 * are (an escape or the "$'" that opens ANSI-C quotes is two).  */
static enum quoting scan(const char *s, enum quoting q, size_t *len)
{
	*len = 1;
	if (*s == '\\' && s[1] && q != SINGLE) {
		*len = 2;
		return q;
	}
	switch (q) {
	case BARE:
		if (*s == '$' && s[1] == '\'') {
			*len = 2;
			return ANSI_C;
		}
		return *s == '\'' ? SINGLE : *s == '"' ? DOUBLE : BARE;
	case SINGLE:
	case ANSI_C:
		return *s == '\'' ? BARE : q;
	case DOUBLE:
		return *s == '"' ? BARE : q;
	}
	return q;
}

bool gi_fix_expand(char *buf, size_t size, const char *fix, const char *image)
{
	struct out o = { buf, size, 0, false };
	enum quoting q = BARE;
	char prev = ' ';

	if (!size)
		return false;
	for (const char *s = fix; *s;) {
		size_t len;

		if (q != ANSI_C && strncmp(s, "IMAGE", 5) == 0 &&
		    is_word_end(prev) && is_word_end(s[5])) {
			put_image(&o, image, q);
			prev = 'E';
			s += 5;
			continue;
		}
		q = scan(s, q, &len);
		while (len--) {
			prev = *s;
			put(&o, *s++);
		}
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
