/* items — private helpers shared by the readers. */
#ifndef STEPSCOPE_ITEMS_INTERNAL_H
#define STEPSCOPE_ITEMS_INTERNAL_H

#include <string.h>

#include "items/items.h"

/* c is one of the characters of set (never true for NUL, unlike a bare strchr). */
static inline bool items_is_one_of(char c, const char *set)
{
	return c && strchr(set, c);
}
/* Length of the run of characters of `set` in text[from, to). */
static inline size_t items_span(const char *text, size_t from, size_t to, const char *set)
{
	size_t i = from;
	while (i < to && items_is_one_of(text[i], set))
		i++;
	return i - from;
}

/* Adds an error at byte offset `off` of text (line and column computed). */
void items_error_at(struct diags *d, const char *name, const char *text, size_t len, size_t off,
		    const char *fmt, ...) PRINTF_LIKE(6, 7);
/* Byte offset of the value that RFC 6901 `pointer` names in JSON text; false if not found. */
bool items_pointer_offset(const char *text, size_t len, const char *pointer, size_t *off);
/* RFC 4180 CSV with a header row → array of objects of strings; NULL after diags. */
json_t *items_load_csv(const char *name, const char *text, size_t len, struct diags *d);
/* items_unmarshal and items_unmarshal_item have this shape. */
typedef json_t *items_unmarshal_fn(const json_t *v, const char *where, struct diags *d);
/* Each element of arr (borrowed, an array) through fn, the JSON pointer of element i being
 * "<where>/<i>"; a new array, or NULL after diags at the first element that fails. */
json_t *items_unmarshal_array(const json_t *arr, const char *where, items_unmarshal_fn *fn,
			      struct diags *d);

#endif
