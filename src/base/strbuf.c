/* Growable NUL-terminated string builder. */
#include "base.h"

#include <stdlib.h>
#include <string.h>

void sb_init(struct strbuf *sb)
{
	sb->data = NULL;
	sb->len = sb->cap = 0;
}

void sb_fini(struct strbuf *sb)
{
	free(sb->data);
	sb_init(sb);
}

char *sb_reserve(struct strbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < need)
			cap *= 2;
		sb->data = xrealloc(sb->data, cap);
		sb->cap = cap;
	}
	return sb->data + sb->len;
}

void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->data + sb->len, s, n);
	sb->len += n;
	sb->data[sb->len] = '\0';
}

void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

void sb_addc(struct strbuf *sb, char c)
{
	sb_addn(sb, &c, 1);
}

void sb_add_utf8(struct strbuf *sb, uint32_t cp)
{
	char b[4];
	sb_addn(sb, b, utf8_encode(cp, b));
}

void sb_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n <= 0)
		return;
	sb_reserve(sb, (size_t)n);
	vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sb_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(sb, fmt, ap);
	va_end(ap);
}

void sb_clear(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->data)
		sb->data[0] = '\0';
}

char *sb_take(struct strbuf *sb)
{
	char *s = sb->data ? sb->data : xstrdup("");
	sb_init(sb);
	return s;
}

const char *sb_str(const struct strbuf *sb)
{
	return sb->data ? sb->data : "";
}

void sb_add_pointer_token(struct strbuf *sb, const char *token)
{
	sb_addc(sb, '/');
	for (const char *p = token; *p; p++) {
		if (*p == '~')
			sb_add(sb, "~0");
		else if (*p == '/')
			sb_add(sb, "~1");
		else
			sb_addc(sb, *p);
	}
}

char *pointer_join(const char *base, const char *token)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_add(&sb, base ? base : "");
	sb_add_pointer_token(&sb, token);
	return sb_take(&sb);
}
