/*
 * Line drawing with junction merging: each cell remembers which stubs (up, down, left, right)
 * lines have drawn through it, so a line that reaches or crosses another picks the glyph that
 * joins them (─ meeting │ from below becomes ┬, crossing becomes ┼).
 */
#include "canvas/internal.h"

/* Indexed by the stub mask (UP=1, DOWN=2, LEFT=4, RIGHT=8). */
static const uint32_t light[16] = {
    ' ',    0x2502, 0x2502, 0x2502, 0x2500, 0x2518, 0x2510, 0x2524,
    0x2500, 0x2514, 0x250C, 0x251C, 0x2500, 0x2534, 0x252C, 0x253C,
};
static const uint32_t heavy[16] = {
    ' ',    0x2503, 0x2503, 0x2503, 0x2501, 0x251B, 0x2513, 0x252B,
    0x2501, 0x2517, 0x250F, 0x2523, 0x2501, 0x253B, 0x2533, 0x254B,
};
static const uint32_t dbl[16] = {
    ' ',    0x2551, 0x2551, 0x2551, 0x2550, 0x255D, 0x2557, 0x2563,
    0x2550, 0x255A, 0x2554, 0x2560, 0x2550, 0x2569, 0x2566, 0x256C,
};

static bool vertical_only(unsigned m)
{
	return m && !(m & (CANVAS_LEFT | CANVAS_RIGHT));
}

static bool horizontal_only(unsigned m)
{
	return m && !(m & (CANVAS_UP | CANVAS_DOWN));
}

static uint32_t ascii_glyph(unsigned m, enum canvas_line style)
{
	bool strong = style == CANVAS_LINE_HEAVY || style == CANVAS_LINE_DOUBLE;
	if (vertical_only(m))
		return style == CANVAS_LINE_DASHED ? ':' : '|';
	if (horizontal_only(m))
		return style == CANVAS_LINE_DASHED ? '.' : strong ? '=' : '-';
	return strong ? '#' : '+';
}

static uint32_t line_glyph(unsigned m, enum canvas_line style, bool ascii)
{
	m &= 15;
	if (m == 0)
		return ' ';
	if (ascii)
		return ascii_glyph(m, style);
	switch (style) {
	case CANVAS_LINE_HEAVY:
		return heavy[m];
	case CANVAS_LINE_DOUBLE:
		return dbl[m];
	case CANVAS_LINE_DASHED:
		if (vertical_only(m))
			return 0x2506;
		if (horizontal_only(m))
			return 0x2504;
		return light[m];
	default:
		return light[m];
	}
}

/* Which style a merged cell shows: box styles dominate, dashed yields to any solid line. */
static int rank(enum canvas_line s)
{
	switch (s) {
	case CANVAS_LINE_DOUBLE:
		return 3;
	case CANVAS_LINE_HEAVY:
		return 2;
	case CANVAS_LINE_LIGHT:
		return 1;
	default:
		return 0;
	}
}

void canvas_stub(struct canvas *c, int x, int y, unsigned dirs, enum canvas_line style,
		 enum canvas_role role)
{
	if (!canvas_visible(c, x, y))
		return;
	struct canvas_cell *cell = canvas_at(c, x, y);
	unsigned mask = dirs & 15;
	enum canvas_line st = style;
	if (cell->lines) {
		mask |= cell->lines;
		if (rank((enum canvas_line)cell->style) > rank(style))
			st = (enum canvas_line)cell->style;
	} else {
		canvas_unwide(c, x, y);
	}
	cell->glyph = line_glyph(mask, st, c->ascii);
	cell->lines = (uint8_t)mask;
	cell->style = (uint8_t)st;
	cell->role = (uint8_t)role;
}

void canvas_hline(struct canvas *c, int x0, int x1, int y, enum canvas_line style,
		  enum canvas_role role)
{
	if (x0 > x1) {
		int t = x0;
		x0 = x1;
		x1 = t;
	}
	for (int x = x0; x <= x1; x++) {
		unsigned d = (x > x0 ? CANVAS_LEFT : 0) | (x < x1 ? CANVAS_RIGHT : 0);
		canvas_stub(c, x, y, d ? d : CANVAS_LEFT | CANVAS_RIGHT, style, role);
	}
}

void canvas_vline(struct canvas *c, int x, int y0, int y1, enum canvas_line style,
		  enum canvas_role role)
{
	if (y0 > y1) {
		int t = y0;
		y0 = y1;
		y1 = t;
	}
	for (int y = y0; y <= y1; y++) {
		unsigned d = (y > y0 ? CANVAS_UP : 0) | (y < y1 ? CANVAS_DOWN : 0);
		canvas_stub(c, x, y, d ? d : CANVAS_UP | CANVAS_DOWN, style, role);
	}
}

void canvas_box(struct canvas *c, struct canvas_rect r, enum canvas_line style,
		enum canvas_role role)
{
	if (r.w < 2 || r.h < 2)
		return;
	int x1 = r.x + r.w - 1, y1 = r.y + r.h - 1;
	canvas_hline(c, r.x, x1, r.y, style, role);
	canvas_hline(c, r.x, x1, y1, style, role);
	canvas_vline(c, r.x, r.y, y1, style, role);
	canvas_vline(c, x1, r.y, y1, style, role);
}

void canvas_arrow(struct canvas *c, int x, int y, enum canvas_arrow dir, enum canvas_role role)
{
	static const uint32_t uni[] = {0x25BC, 0x25B2, 0x25C0, 0x25B6};
	static const uint32_t asc[] = {'v', '^', '<', '>'};
	canvas_put(c, x, y, c->ascii ? asc[dir] : uni[dir], role);
}
