/* The cell grid: creation, clipping, text, dumps. Lines and junctions are in lines.c. */
#include "canvas/internal.h"
#include "canvas/status.h"

#include <stdlib.h>
#include <string.h>

#include "base/base.h"

static const char role_letters[] = {
#define CANVAS_ROLE_LETTER(name, letter) letter,
    CANVAS_ROLES(CANVAS_ROLE_LETTER)
#undef CANVAS_ROLE_LETTER
};

static const char *const role_names[] = {
#define CANVAS_ROLE_NAME(name, letter) #name,
    CANVAS_ROLES(CANVAS_ROLE_NAME)
#undef CANVAS_ROLE_NAME
};

char canvas_role_letter(enum canvas_role role)
{
	return (unsigned)role < CANVAS_ROLE_COUNT ? role_letters[role] : '?';
}

const char *canvas_role_name(enum canvas_role role)
{
	return (unsigned)role < CANVAS_ROLE_COUNT ? role_names[role] : "?";
}

uint32_t canvas_role_glyph(enum canvas_role role, bool ascii)
{
	static const struct {
		uint32_t glyph;
		char ascii;
	} marks[CANVAS_ROLE_COUNT] = {
	    [CANVAS_STATE_RUNNING] = {0x25B6, '>'},  [CANVAS_STATE_SUCCEEDED] = {0x2713, '+'},
	    [CANVAS_STATE_FAILED] = {0x2717, 'X'},   [CANVAS_STATE_CAUGHT] = {0x21AF, '!'},
	    [CANVAS_STATE_ABORTED] = {0x25A0, '#'},  [CANVAS_STATE_TIMED_OUT] = {0x29D7, 'T'},
	    [CANVAS_STATE_RETRYING] = {0x21BB, 'R'}, [CANVAS_STATE_WAITING] = {0x25F7, 'W'},
	};
	if ((unsigned)role >= CANVAS_ROLE_COUNT)
		return 0;
	return ascii ? (uint32_t)marks[role].ascii : marks[role].glyph;
}

enum canvas_role canvas_status_role(enum tl_status s)
{
	static const enum canvas_role roles[TL_ROW_STATUS_COUNT] = {
	    [TL_PENDING] = CANVAS_STATE_PENDING,     [TL_RUNNING] = CANVAS_STATE_RUNNING,
	    [TL_SUCCEEDED] = CANVAS_STATE_SUCCEEDED, [TL_CAUGHT] = CANVAS_STATE_CAUGHT,
	    [TL_FAILED] = CANVAS_STATE_FAILED,	     [TL_TIMED_OUT] = CANVAS_STATE_TIMED_OUT,
	    [TL_ABORTED] = CANVAS_STATE_ABORTED,
	};
	return (unsigned)s < TL_ROW_STATUS_COUNT ? roles[s] : CANVAS_DEFAULT;
}

enum canvas_role canvas_exec_status_role(enum tl_exec_status s)
{
	static const enum canvas_role roles[] = {
	    [TL_EXEC_RUNNING] = CANVAS_STATE_RUNNING, [TL_EXEC_SUCCEEDED] = CANVAS_STATE_SUCCEEDED,
	    [TL_EXEC_FAILED] = CANVAS_STATE_FAILED,   [TL_EXEC_TIMED_OUT] = CANVAS_STATE_TIMED_OUT,
	    [TL_EXEC_ABORTED] = CANVAS_STATE_ABORTED,
	};
	return (unsigned)s < ARRAY_LEN(roles) ? roles[s] : CANVAS_DEFAULT;
}

struct canvas *canvas_new(int w, int h, bool ascii)
{
	struct canvas *c = xcalloc(1, sizeof(*c));
	c->ascii = ascii;
	canvas_resize(c, w, h);
	return c;
}

void canvas_free(struct canvas *c)
{
	if (!c)
		return;
	free(c->cells);
	free(c);
}

void canvas_resize(struct canvas *c, int w, int h)
{
	c->w = w > 0 ? w : 0;
	c->h = h > 0 ? h : 0;
	free(c->cells);
	c->cells = xcalloc((size_t)c->w * (size_t)c->h + 1, sizeof(*c->cells));
	canvas_clear(c);
	canvas_reset_clip(c);
}

void canvas_clear(struct canvas *c)
{
	for (size_t i = 0; i < (size_t)c->w * (size_t)c->h; i++)
		c->cells[i] = (struct canvas_cell){.glyph = ' ', .role = CANVAS_DEFAULT};
}

int canvas_width(const struct canvas *c)
{
	return c->w;
}

int canvas_height(const struct canvas *c)
{
	return c->h;
}

bool canvas_ascii(const struct canvas *c)
{
	return c->ascii;
}

const struct canvas_cell *canvas_cell(const struct canvas *c, int x, int y)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return NULL;
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

void canvas_set_clip(struct canvas *c, struct canvas_rect r)
{
	c->clip = r;
}

void canvas_reset_clip(struct canvas *c)
{
	c->clip = (struct canvas_rect){0, 0, c->w, c->h};
}

struct canvas_rect canvas_get_clip(const struct canvas *c)
{
	return c->clip;
}

bool canvas_visible(const struct canvas *c, int x, int y)
{
	const struct canvas_rect *r = &c->clip;
	return x >= 0 && y >= 0 && x < c->w && y < c->h && x >= r->x && y >= r->y &&
	       x < r->x + r->w && y < r->y + r->h;
}

struct canvas_cell *canvas_at(struct canvas *c, int x, int y)
{
	return &c->cells[(size_t)y * (size_t)c->w + (size_t)x];
}

/* Overwriting half of a wide glyph leaves a space in the other half. */
void canvas_unwide(struct canvas *c, int x, int y)
{
	struct canvas_cell *cell = canvas_at(c, x, y);
	if (cell->glyph == 0 && x > 0)
		*canvas_at(c, x - 1, y) = (struct canvas_cell){.glyph = ' ', .role = cell->role};
	if (cell->glyph != 0 && canvas_glyph_width(cell->glyph) == 2 && x + 1 < c->w)
		*canvas_at(c, x + 1, y) = (struct canvas_cell){.glyph = ' ', .role = cell->role};
}

int canvas_put(struct canvas *c, int x, int y, uint32_t cp, enum canvas_role role)
{
	int w = canvas_glyph_width(cp);
	if (w == 0 || !canvas_visible(c, x, y))
		return 0;
	if (w == 2 && !canvas_visible(c, x + 1, y))
		return 0;
	canvas_unwide(c, x, y);
	if (w == 2)
		canvas_unwide(c, x + 1, y);
	*canvas_at(c, x, y) = (struct canvas_cell){.glyph = cp, .role = (uint8_t)role};
	if (w == 2)
		*canvas_at(c, x + 1, y) = (struct canvas_cell){.glyph = 0, .role = (uint8_t)role};
	return w;
}

int canvas_put_str(struct canvas *c, int x, int y, const char *s, enum canvas_role role)
{
	int col = x;
	uint32_t cp;
	while ((cp = canvas_utf8_next(&s)) != 0) {
		int w = canvas_glyph_width(cp);
		if (w > 0)
			canvas_put(c, col, y, cp, role);
		col += w;
	}
	return col - x;
}

int canvas_put_str_fit(struct canvas *c, int x, int y, int max, const char *s,
		       enum canvas_role role)
{
	char *fit = canvas_str_fit(s, max, c->ascii);
	int n = canvas_put_str(c, x, y, fit, role);
	free(fit);
	return n;
}

void canvas_fill(struct canvas *c, struct canvas_rect r, uint32_t cp, enum canvas_role role)
{
	int w = canvas_glyph_width(cp);
	if (w <= 0)
		return;
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x + w <= r.x + r.w; x += w)
			canvas_put(c, x, y, cp, role);
}

void canvas_set_role(struct canvas *c, struct canvas_rect r, enum canvas_role role)
{
	for (int y = r.y; y < r.y + r.h; y++)
		for (int x = r.x; x < r.x + r.w; x++)
			if (canvas_visible(c, x, y))
				canvas_at(c, x, y)->role = (uint8_t)role;
}

char *canvas_dump_text(const struct canvas *c)
{
	struct strbuf sb;
	sb_init(&sb);
	for (int y = 0; y < c->h; y++) {
		size_t keep = sb.len;
		for (int x = 0; x < c->w; x++) {
			const struct canvas_cell *cell = canvas_cell(c, x, y);
			if (cell->glyph == 0)
				continue;
			sb_add_utf8(&sb, cell->glyph);
			if (cell->glyph != ' ')
				keep = sb.len;
		}
		sb.len = keep;
		sb_addc(&sb, '\n');
	}
	return sb_take(&sb);
}

char *canvas_dump_roles(const struct canvas *c)
{
	struct strbuf sb;
	sb_init(&sb);
	for (int y = 0; y < c->h; y++) {
		size_t keep = sb.len;
		for (int x = 0; x < c->w; x++) {
			const struct canvas_cell *cell = canvas_cell(c, x, y);
			sb_addc(&sb, canvas_role_letter((enum canvas_role)cell->role));
			if (cell->glyph != ' ' || cell->role != CANVAS_DEFAULT)
				keep = sb.len;
		}
		sb.len = keep;
		sb_addc(&sb, '\n');
	}
	return sb_take(&sb);
}
