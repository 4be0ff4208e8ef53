/* export — module-private helpers shared by the renderers. */
#ifndef STEPSCOPE_EXPORT_INTERNAL_H
#define STEPSCOPE_EXPORT_INTERNAL_H

#include "canvas/status.h"
#include "export/export.h"

/* Appends s (borrowed, UTF-8, may be NULL) escaped for XML text and attribute values;
 * characters XML 1.0 forbids (controls other than tab/newline/CR) become U+FFFD. */
void exp_xml_escape(struct strbuf *sb, const char *s);
/* Fill colour of a status (#rrggbb, static). */
const char *exp_status_fill(enum tl_status s);
/* The same for a graph node status role; NULL for CANVAS_DEFAULT. */
const char *exp_role_fill(enum canvas_role r);
/* A human name of a status role: "succeeded", "not reached", ...; NULL for the default. */
const char *exp_role_name(enum canvas_role r);
/* "1.25 s" / "350 ms" (no trailing zeros) for a duration or time in ms, appended to sb. */
void exp_format_ms(struct strbuf *sb, int64_t ms);
/* The standard SVG prologue with the given pixel size, and a white background. */
void exp_svg_open(struct strbuf *sb, int width, int height);

#endif
