/* The library's one growable buffer: arrays that double as they fill, and
 * text appended printf-style.  Out of memory, nothing is lost of what was
 * there: the caller reports it.  */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/internal.h"

int gi_grow(void *array, size_t *cap, size_t n, size_t elem, size_t first)
{
	void **p = array;
	size_t want;
	void *q;

	if (n < *cap)
		return 0;
	want = *cap ? *cap * 2 : first;
	if (want <= n)
		want = n + 1;
	if (want > SIZE_MAX / elem)
		return -1;
	q = realloc(*p, want * elem);
	if (!q)
		return -1;
	*p = q;
	*cap = want;
	return 0;
}

void gi_text_add(struct gi_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || t->oom)
		return;
	/* Room for the text and its NUL: the array grows to hold it. */
	while (t->len + (size_t)n + 1 > t->cap)
		if (gi_grow(&t->s, &t->cap, t->cap ? t->cap : 0, 1, 256)) {
			t->oom = true;
			return;
		}
	va_start(ap, fmt);
	vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void gi_text_free(struct gi_text *t)
{
	free(t->s);
	t->s = NULL;
	t->len = t->cap = 0;
	t->oom = false;
}
