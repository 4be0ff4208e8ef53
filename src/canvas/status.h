/*
 * canvas/status — the style role that shows a timeline status: a row's, a span's, the
 * execution's.
 *
 * The timeline index knows nothing of drawing (DESIGN), so the drawing side owns this mapping:
 * one table for every view that colours a status (the TUI's timeline and inspector, the SVG
 * exports). It is the one place canvas/ reads timeline/, and only its status enum.
 */
#ifndef STEPSCOPE_CANVAS_STATUS_H
#define STEPSCOPE_CANVAS_STATUS_H

#include "canvas/canvas.h"
#include "timeline/timeline.h"

/* The role that shows s (CANVAS_STATE_*); CANVAS_DEFAULT for a value out of range. */
enum canvas_role canvas_status_role(enum tl_status s);
/* The same for the execution's status (the headers' "✓ SUCCEEDED"). */
enum canvas_role canvas_exec_status_role(enum tl_exec_status s);

#endif
