/*
 * canvas — an off-screen grid of cells that views and the graph layout draw into.
 *
 * Owns: the cell grid (one Unicode code point + one style role per cell; wide glyphs take two
 * cells), a clip rectangle, text / box / line primitives, box-drawing junction merging (lines
 * drawn through the same cell combine into the right ┼ ├ ┬ … glyph), an ASCII mode (+ - | in
 * place of box drawing), and two dumps for golden tests: the text (UTF-8, trailing spaces
 * trimmed) and the style roles (one letter per cell).
 *
 * Contract: nothing here knows about terminals or colours. A style role names what a cell
 * shows (a border, a failed state, a catch edge); a theme in the TUI maps roles to colours, so
 * NO_COLOR and monochrome still work. Drawing outside the canvas or the clip rectangle is
 * silently clipped, never an error. Uses libc and base only; canvas/status.h alone reads
 * timeline's status enum, to say which role shows a status.
 */
#ifndef STEPSCOPE_CANVAS_H
#define STEPSCOPE_CANVAS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a cell shows; the TUI theme maps each to attributes. Letters are for canvas_dump_roles. */
#define CANVAS_ROLES(X)                                                                            \
	X(DEFAULT, '.')                                                                            \
	X(DIM, 'd')                                                                                \
	X(TITLE, 't')                                                                              \
	X(BORDER, 'b')                                                                             \
	X(FRAME, 'f')                                                                              \
	X(SELECTED, 's')                                                                           \
	X(CURSOR, 'u')                                                                             \
	X(STATE_PENDING, 'p')                                                                      \
	X(STATE_RUNNING, 'R')                                                                      \
	X(STATE_SUCCEEDED, 'S')                                                                    \
	X(STATE_FAILED, 'F')                                                                       \
	X(STATE_CAUGHT, 'C')                                                                       \
	X(STATE_ABORTED, 'A')                                                                      \
	X(STATE_TIMED_OUT, 'T')                                                                    \
	X(STATE_RETRYING, 'Y')                                                                     \
	X(STATE_WAITING, 'W')                                                                      \
	X(EDGE, 'e')                                                                               \
	X(EDGE_CATCH, 'c')                                                                         \
	X(EDGE_LOOP, 'o')                                                                          \
	X(LABEL, 'l')                                                                              \
	X(MARK_END, 'n')                                                                           \
	X(MARK_FAIL, 'x')                                                                          \
	X(HEADER, 'h')                                                                             \
	X(STATUS_BAR, 'B')                                                                         \
	X(KEY_HINT, 'k')                                                                           \
	X(AXIS, 'a')                                                                               \
	X(SPAN, 'P')                                                                               \
	X(SPAN_RETRY, 'r')                                                                         \
	X(SPAN_WAIT, 'w')                                                                          \
	X(LIMIT, 'L')                                                                              \
	X(ERROR, 'E')                                                                              \
	X(WARNING, 'V')                                                                            \
	X(INFO, 'i')

enum canvas_role {
#define CANVAS_ROLE_ENUM(name, letter) CANVAS_##name,
	CANVAS_ROLES(CANVAS_ROLE_ENUM)
#undef CANVAS_ROLE_ENUM
	    CANVAS_ROLE_COUNT
};

/* The letter canvas_dump_roles writes for a role; '?' out of range. */
char canvas_role_letter(enum canvas_role role);
/* "DEFAULT", "STATE_FAILED", ...; "?" out of range. */
const char *canvas_role_name(enum canvas_role role);
/*
 * The glyph drawn beside a state's colour so that status never relies on colour alone, the same
 * in every view and export: ▶ ✓ ✗ ↯ ■ ⧗ ↻ ◷ (ascii: > + X ! # T R W) for STATE_RUNNING,
 * SUCCEEDED, FAILED, CAUGHT, ABORTED, TIMED_OUT, RETRYING, WAITING; 0 for any other role.
 */
uint32_t canvas_role_glyph(enum canvas_role role, bool ascii);

/* Line styles; where styles meet in one cell the junction uses the stronger (light wins). */
enum canvas_line {
	CANVAS_LINE_LIGHT,  /* ─ │ ┌ ┼ */
	CANVAS_LINE_DASHED, /* ┄ ┆ (junctions fall back to light) */
	CANVAS_LINE_HEAVY,  /* ━ ┃ ┏ ╋ */
	CANVAS_LINE_DOUBLE, /* ═ ║ ╔ ╬ */
};

/* Directions of the line stubs in a cell (junction merging ORs them). */
enum { CANVAS_UP = 1, CANVAS_DOWN = 2, CANVAS_LEFT = 4, CANVAS_RIGHT = 8 };

struct canvas_cell {
	uint32_t glyph; /* code point; 0 = right half of the wide glyph to its left */
	uint8_t role;	/* enum canvas_role */
	uint8_t lines;	/* CANVAS_UP|...: the line stubs drawn here (0 = not a line cell) */
	uint8_t style;	/* enum canvas_line of those stubs */
};

struct canvas_rect {
	int x, y, w, h;
};

struct canvas;

/* A w × h canvas of spaces (w, h >= 0); owned by the caller (canvas_free). */
struct canvas *canvas_new(int w, int h, bool ascii);
void canvas_free(struct canvas *c);
/* Resizes and clears; the clip rectangle is reset to the whole canvas. */
void canvas_resize(struct canvas *c, int w, int h);
/* Every cell becomes a space with the default role. */
void canvas_clear(struct canvas *c);
int canvas_width(const struct canvas *c);
int canvas_height(const struct canvas *c);
bool canvas_ascii(const struct canvas *c);
/* The cell at (x, y), borrowed; NULL outside the canvas. */
const struct canvas_cell *canvas_cell(const struct canvas *c, int x, int y);

/* Drawing is limited to r ∩ the canvas until the next canvas_set_clip / canvas_reset_clip. */
void canvas_set_clip(struct canvas *c, struct canvas_rect r);
void canvas_reset_clip(struct canvas *c);
struct canvas_rect canvas_get_clip(const struct canvas *c);

/* Display width of a code point: 0 (controls, combining marks), 1, or 2 (wide). */
int canvas_glyph_width(uint32_t cp);
/*
 * Decodes one UTF-8 sequence at *s (borrowed) and advances *s; malformed bytes yield U+FFFD
 * one byte at a time. Returns 0 at the terminating NUL (without advancing).
 */
uint32_t canvas_utf8_next(const char **s);
/* Display width of a UTF-8 string (borrowed). */
int canvas_str_width(const char *s);
/*
 * A copy of s (borrowed) cut to at most `max` columns, ending in "…" ("~" when ascii) when it
 * had to be cut. Owned by the caller.
 */
char *canvas_str_fit(const char *s, int max, bool ascii);

/* One glyph; returns its width (0 when clipped or zero-width). Clears any line stubs there. */
int canvas_put(struct canvas *c, int x, int y, uint32_t cp, enum canvas_role role);
/* A UTF-8 string (borrowed) on one row, clipped; returns the columns it advanced. */
int canvas_put_str(struct canvas *c, int x, int y, const char *s, enum canvas_role role);
/* Like canvas_put_str but at most `max` columns, cut with an ellipsis when longer. */
int canvas_put_str_fit(struct canvas *c, int x, int y, int max, const char *s,
		       enum canvas_role role);
/* Fills a rectangle with one glyph (line stubs cleared). */
void canvas_fill(struct canvas *c, struct canvas_rect r, uint32_t cp, enum canvas_role role);
/* Sets the role of every cell in r, keeping glyphs. */
void canvas_set_role(struct canvas *c, struct canvas_rect r, enum canvas_role role);

/* Adds line stubs `dirs` to the cell (x, y), merging with what is there. */
void canvas_stub(struct canvas *c, int x, int y, unsigned dirs, enum canvas_line style,
		 enum canvas_role role);
/* A horizontal line over columns x0..x1 (either order, inclusive) on row y, merged. */
void canvas_hline(struct canvas *c, int x0, int x1, int y, enum canvas_line style,
		  enum canvas_role role);
/* A vertical line over rows y0..y1 (either order, inclusive) at column x, merged. */
void canvas_vline(struct canvas *c, int x, int y0, int y1, enum canvas_line style,
		  enum canvas_role role);
/* The outline of r (w, h >= 2), merged with lines already there. */
void canvas_box(struct canvas *c, struct canvas_rect r, enum canvas_line style,
		enum canvas_role role);

/* Arrow heads (▼ ▲ ◀ ▶, or v ^ < > in ASCII mode). */
enum canvas_arrow { CANVAS_ARROW_DOWN, CANVAS_ARROW_UP, CANVAS_ARROW_LEFT, CANVAS_ARROW_RIGHT };
void canvas_arrow(struct canvas *c, int x, int y, enum canvas_arrow dir, enum canvas_role role);

/* The text, one line per row, UTF-8, trailing spaces trimmed; owned by the caller. */
char *canvas_dump_text(const struct canvas *c);
/*
 * The roles, one letter per cell (see CANVAS_ROLES; both halves of a wide glyph get its
 * letter), each row trimmed after its last cell that is not a default-role space; owned by
 * the caller.
 */
char *canvas_dump_roles(const struct canvas *c);

#endif
