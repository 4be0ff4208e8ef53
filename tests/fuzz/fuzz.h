/*
 * fuzz — shared helpers of the fuzz targets in tests/fuzz/fz_*.c.
 *
 * Each target defines LLVMFuzzerTestOneInput. `make fuzz` links it with libFuzzer (clang);
 * the normal and sanitizer builds link it with runner.c, a plain main() that feeds it the
 * committed seeds and regression cases (tests/fuzz/run.sh), so every crash ever found stays a
 * test without needing clang. A target must never crash, hang, leak or trip UBSan, whatever
 * the bytes.
 */
#ifndef STEPSCOPE_FUZZ_H
#define STEPSCOPE_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (owned by the caller). Embedded NULs stay. */
static inline char *fz_text(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/*
 * Splits the input at its first newline: *head is the first line (owned, NUL-terminated),
 * *rest points into `text` after it (or at its end). Used by targets that take an expression
 * and a JSON document.
 */
static inline char *fz_split_line(const char *text, size_t size, const char **rest,
				  size_t *rest_len)
{
	const char *nl = memchr(text, '\n', size);
	size_t head = nl ? (size_t)(nl - text) : size;
	*rest = nl ? nl + 1 : text + size;
	*rest_len = size - (size_t)(*rest - text);
	return xstrndup(text, head);
}

/* A sink for printed diagnostics, so message formatting is exercised too (borrowed). */
static inline FILE *fz_devnull(void)
{
	static FILE *f;
	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

#endif
