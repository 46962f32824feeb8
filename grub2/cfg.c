/*
 * The words of grub.cfg as GRUB 2's script reader splits them
 * (grub-core/script/yylex.l, execute.c): blanks separate words, a newline
 * or ';' ends a command, '#' at the start of a word comments out the
 * rest of the line, '...' keeps everything, "..." expands variables and
 * takes \ before \ " $ and a newline, an unquoted \ keeps the next
 * character, $name and ${name} expand when the command runs, and a word
 * "{" or "}" opens or closes a block.  What the words mean is the
 * inspector's (inspect/grub2cfg.c).
 */
#include <string.h>

#include "grub2/grub2.h"

void grub2_lexer_init(struct grub2_lexer *lx, const char *text, size_t len)
{
	lx->text = text;
	lx->len = len;
	lx->pos = 0;
	lx->line = 1;
}

static int peek(const struct grub2_lexer *lx, size_t ahead)
{
	size_t at = lx->pos + ahead;

	return at < lx->len ? (unsigned char)lx->text[at] : -1;
}

static int take(struct grub2_lexer *lx)
{
	int c = peek(lx, 0);

	if (c >= 0) {
		lx->pos++;
		if (c == '\n')
			lx->line++;
	}
	return c;
}

static bool name_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The output of one command being built. */
struct out {
	struct grub2_cmd *c;
	size_t used;
	bool in_word;
};

static void put(struct out *o, char ch)
{
	if (o->used + 2 >= sizeof(o->c->buf)) {
		o->c->truncated = true;
		return;
	}
	if (!o->in_word) {
		if (o->c->argc == GRUB2_ARGS_MAX) {
			o->c->truncated = true;
			return;
		}
		o->c->argv[o->c->argc++] = o->c->buf + o->used;
		o->in_word = true;
	}
	o->c->buf[o->used++] = ch;
}

static void end_word(struct out *o)
{
	if (o->in_word)
		o->c->buf[o->used++] = 0;
	o->in_word = false;
}

/* $name or ${name}, after the '$': its value into O. */
static void variable(struct grub2_lexer *lx, struct out *o, grub2_var_fn var, void *ctx)
{
	char name[64];
	size_t n = 0;
	bool braced = peek(lx, 0) == '{', unknown = false;
	const char *v;

	if (braced)
		take(lx);
	while (name_char(peek(lx, 0)) || (braced && peek(lx, 0) >= 0 && peek(lx, 0) != '}')) {
		int c = take(lx);

		if (n + 1 < sizeof(name))
			name[n++] = (char)c;
	}
	if (braced && peek(lx, 0) == '}')
		take(lx);
	name[n] = 0;
	if (!n) {
		put(o, '$');
		return;
	}
	v = var ? var(ctx, name, &unknown) : NULL;
	o->c->unknown_var |= unknown;
	for (; v && *v; v++)
		put(o, *v);
}

/* A word's quoted part, after its opening quote Q. */
static bool quoted(struct grub2_lexer *lx, struct out *o, int q, grub2_var_fn var, void *ctx)
{
	int c;

	/* An empty "" is a word too: start it with nothing in it. */
	put(o, 0);
	o->used--;
	while ((c = take(lx)) >= 0 && c != q) {
		int next = peek(lx, 0);

		if (q == '"' && c == '\\' &&
		    (next == '\\' || next == '"' || next == '$' || next == '\n')) {
			c = take(lx);
			if (c == '\n')
				continue;
		} else if (q == '"' && c == '$') {
			variable(lx, o, var, ctx);
			continue;
		}
		put(o, (char)c);
	}
	return c == q;
}

static void skip_comment(struct grub2_lexer *lx)
{
	while (peek(lx, 0) >= 0 && peek(lx, 0) != '\n')
		take(lx);
}

int grub2_cfg_next(struct grub2_lexer *lx, struct grub2_cmd *c, grub2_var_fn var,
		   void *ctx)
{
	struct out o = { .c = c };
	int ch;

	memset(c, 0, sizeof(*c) - sizeof(c->buf));
	c->line = lx->line;
	while ((ch = peek(lx, 0)) >= 0) {
		if (ch == '\n' || ch == ';') {
			take(lx);
			end_word(&o);
			if (c->argc)
				break;
			c->line = lx->line;
		} else if (ch == ' ' || ch == '\t' || ch == '\r') {
			take(lx);
			end_word(&o);
		} else if (ch == '#' && !o.in_word) {
			skip_comment(lx);
		} else if (ch == '\'' || ch == '"') {
			take(lx);
			if (!quoted(lx, &o, ch, var, ctx))
				return -1;
		} else if (ch == '\\') {
			take(lx);
			if (peek(lx, 0) == '\n')
				take(lx);
			else if (peek(lx, 0) >= 0)
				put(&o, (char)take(lx));
		} else if (ch == '$') {
			take(lx);
			variable(lx, &o, var, ctx);
		} else {
			put(&o, (char)take(lx));
		}
	}
	end_word(&o);
	if (!c->argc)
		return 0;
	if (!strcmp(c->argv[c->argc - 1], "{")) {
		c->opens_block = true;
		c->argc--;
	} else if (c->argc == 1 && !strcmp(c->argv[0], "}")) {
		c->closes_block = true;
	}
	return 1;
}

bool grub2_cfg_skip_block(struct grub2_lexer *lx, size_t *start, size_t *end)
{
	struct grub2_cmd c;	/* words only: no variable is looked up */
	int depth = 1;
	size_t before;

	*start = lx->pos;
	for (;;) {
		before = lx->pos;
		if (grub2_cfg_next(lx, &c, NULL, NULL) <= 0)
			return false;
		depth += c.opens_block ? 1 : c.closes_block ? -1 : 0;
		if (!depth) {
			*end = before;
			return true;
		}
	}
}
