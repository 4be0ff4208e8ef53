/* canvas — private declarations shared by canvas.c, lines.c and text.c. */
#ifndef STEPSCOPE_CANVAS_INTERNAL_H
#define STEPSCOPE_CANVAS_INTERNAL_H

#include "canvas/canvas.h"

struct canvas {
	int w, h;
	bool ascii;
	struct canvas_rect clip;
	struct canvas_cell *cells; /* w * h, row-major */
};

/* True when (x, y) is on the canvas and inside the clip rectangle. */
bool canvas_visible(const struct canvas *c, int x, int y);
/* The cell at (x, y), which must be on the canvas; borrowed. */
struct canvas_cell *canvas_at(struct canvas *c, int x, int y);
/* Before overwriting (x, y): blank the other half of a wide glyph there. */
void canvas_unwide(struct canvas *c, int x, int y);

#endif
