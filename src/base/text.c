/* Byte offsets to 1-based line:column, and back to whole lines for carets. */
#include "base.h"

#include <string.h>

void text_position(const char *text, size_t len, size_t off, int *line, int *column)
{
	int ln = 1;
	size_t line_start = 0;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (text[i] == '\n') {
			ln++;
			line_start = i + 1;
		}
	}
	*line = ln;
	*column = (int)(off - line_start) + 1;
}

bool text_line(const char *text, size_t len, int line, const char **start, size_t *line_len)
{
	if (line < 1)
		return false;
	const char *p = text, *end = text + len;
	for (int ln = 1; ln < line; ln++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return false;
		p = nl + 1;
	}
	if (p > end)
		return false;
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	*start = p;
	*line_len = n;
	return true;
}
