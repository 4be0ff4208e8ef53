/*
 * The curses backend, the only file that talks to the terminal: copies a canvas to the screen
 * through a theme (256 colours, 16 colours or monochrome attributes), reads keys and mouse
 * events, and restores the terminal on quit, on SIGINT/SIGTERM/SIGHUP and on crashes.
 */
#define NCURSES_WIDECHAR 1
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>
#include <wchar.h>

#include "tui/internal.h"

static volatile sig_atomic_t got_signal;
static bool screen_active;

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

/* A crash: put the terminal back, then die the way the signal says. */
static void on_crash(int sig)
{
	if (screen_active)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_quit_signal; /* no SA_RESTART: a blocked read returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_crash;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGABRT, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGFPE, &sa, NULL);
}

/* ---- theme ---- */

struct look {
	short fg256, bg256, fg16, bg16;
	attr_t attr, mono;
};

#define N -1
static const struct look looks[CANVAS_ROLE_COUNT] = {
    [CANVAS_DEFAULT] = {N, N, N, N, 0, 0},
    [CANVAS_DIM] = {244, N, COLOR_WHITE, N, 0, A_DIM},
    [CANVAS_TITLE] = {N, N, N, N, A_BOLD, A_BOLD},
    [CANVAS_BORDER] = {240, N, COLOR_WHITE, N, 0, 0},
    [CANVAS_FRAME] = {67, N, COLOR_BLUE, N, 0, 0},
    [CANVAS_SELECTED] = {231, 25, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
    [CANVAS_CURSOR] = {214, N, COLOR_YELLOW, N, A_BOLD, A_BOLD},
    [CANVAS_STATE_PENDING] = {244, N, COLOR_WHITE, N, 0, A_DIM},
    [CANVAS_STATE_RUNNING] = {39, N, COLOR_CYAN, N, A_BOLD, A_BOLD},
    [CANVAS_STATE_SUCCEEDED] = {42, N, COLOR_GREEN, N, 0, 0},
    [CANVAS_STATE_FAILED] = {196, N, COLOR_RED, N, A_BOLD, A_BOLD | A_UNDERLINE},
    [CANVAS_STATE_CAUGHT] = {208, N, COLOR_YELLOW, N, 0, A_UNDERLINE},
    [CANVAS_STATE_ABORTED] = {135, N, COLOR_MAGENTA, N, 0, A_DIM},
    [CANVAS_STATE_TIMED_OUT] = {201, N, COLOR_MAGENTA, N, A_BOLD, A_BOLD},
    [CANVAS_STATE_RETRYING] = {220, N, COLOR_YELLOW, N, A_BOLD, A_BOLD},
    [CANVAS_STATE_WAITING] = {81, N, COLOR_CYAN, N, 0, 0},
    [CANVAS_EDGE] = {245, N, COLOR_WHITE, N, 0, 0},
    [CANVAS_EDGE_CATCH] = {173, N, COLOR_YELLOW, N, 0, 0},
    [CANVAS_EDGE_LOOP] = {109, N, COLOR_CYAN, N, 0, 0},
    [CANVAS_LABEL] = {250, N, COLOR_WHITE, N, 0, 0},
    [CANVAS_MARK_END] = {42, N, COLOR_GREEN, N, A_BOLD, A_BOLD},
    [CANVAS_MARK_FAIL] = {196, N, COLOR_RED, N, A_BOLD, A_BOLD},
    [CANVAS_HEADER] = {231, 24, COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE},
    [CANVAS_STATUS_BAR] = {252, 236, COLOR_WHITE, COLOR_BLACK, 0, A_REVERSE},
    [CANVAS_KEY_HINT] = {220, 236, COLOR_YELLOW, COLOR_BLACK, A_BOLD, A_REVERSE | A_BOLD},
    [CANVAS_AXIS] = {243, N, COLOR_WHITE, N, 0, 0},
    [CANVAS_SPAN] = {75, N, COLOR_BLUE, N, 0, 0},
    [CANVAS_SPAN_RETRY] = {220, N, COLOR_YELLOW, N, 0, 0},
    [CANVAS_SPAN_WAIT] = {116, N, COLOR_CYAN, N, 0, 0},
    [CANVAS_LIMIT] = {203, N, COLOR_RED, N, 0, A_BOLD},
    [CANVAS_ERROR] = {203, N, COLOR_RED, N, 0, A_BOLD},
    [CANVAS_WARNING] = {221, N, COLOR_YELLOW, N, 0, 0},
    [CANVAS_INFO] = {152, N, COLOR_CYAN, N, 0, 0},
};
#undef N

static attr_t role_attr[CANVAS_ROLE_COUNT];
static short role_pair[CANVAS_ROLE_COUNT];

static void theme_init(enum tui_colors mode)
{
	const char *nc = getenv("NO_COLOR");
	if (mode == TUI_COLORS_AUTO && nc && *nc)
		mode = TUI_COLORS_MONO;
	if (mode != TUI_COLORS_MONO && has_colors()) {
		start_color(); /* sets COLORS */
		use_default_colors();
		if (mode == TUI_COLORS_AUTO)
			mode = COLORS >= 256 ? TUI_COLORS_256 : TUI_COLORS_16;
		if (mode == TUI_COLORS_256 && COLORS < 256)
			mode = TUI_COLORS_16;
	} else {
		mode = TUI_COLORS_MONO;
	}
	for (int r = 0; r < CANVAS_ROLE_COUNT; r++) {
		const struct look *l = &looks[r];
		role_pair[r] = 0;
		role_attr[r] = mode == TUI_COLORS_MONO ? l->mono : l->attr;
		if (mode == TUI_COLORS_MONO)
			continue;
		short fg = mode == TUI_COLORS_256 ? l->fg256 : l->fg16;
		short bg = mode == TUI_COLORS_256 ? l->bg256 : l->bg16;
		if (fg == -1 && bg == -1)
			continue;
		if (r + 1 < COLOR_PAIRS) {
			init_pair((short)(r + 1), fg, bg);
			role_pair[r] = (short)(r + 1);
		}
	}
}

static void blit(const struct canvas *c)
{
	int w = canvas_width(c), h = canvas_height(c);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			const struct canvas_cell *cell = canvas_cell(c, x, y);
			if (cell->glyph == 0)
				continue; /* right half of a wide glyph */
			wchar_t wc[2] = {(wchar_t)cell->glyph, 0};
			cchar_t cc;
			setcchar(&cc, wc, role_attr[cell->role], role_pair[cell->role], NULL);
			mvadd_wch(y, x, &cc);
		}
	}
}

/* ---- input ---- */

static int map_key(int r, wint_t wc)
{
	if (r == OK)
		return wc == '\r' ? TUI_KEY_ENTER : wc == 8 ? TUI_KEY_BACKSPACE : (int)wc;
	switch (wc) {
	case KEY_UP:
		return TUI_KEY_UP;
	case KEY_DOWN:
		return TUI_KEY_DOWN;
	case KEY_LEFT:
		return TUI_KEY_LEFT;
	case KEY_RIGHT:
		return TUI_KEY_RIGHT;
	case KEY_PPAGE:
		return TUI_KEY_PGUP;
	case KEY_NPAGE:
		return TUI_KEY_PGDN;
	case KEY_HOME:
		return TUI_KEY_HOME;
	case KEY_END:
		return TUI_KEY_END;
	case KEY_BTAB:
		return TUI_KEY_BACKTAB;
	case KEY_ENTER:
		return TUI_KEY_ENTER;
	case KEY_BACKSPACE:
		return TUI_KEY_BACKSPACE;
	default:
		return -1;
	}
}

static void on_mouse(struct tui_app *app)
{
	MEVENT m;
	if (getmouse(&m) != OK)
		return;
	if (m.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED))
		tui_app_mouse(app, m.x, m.y, 1);
	else if (m.bstate & BUTTON4_PRESSED)
		tui_app_mouse(app, m.x, m.y, 4);
#ifdef BUTTON5_PRESSED
	else if (m.bstate & BUTTON5_PRESSED)
		tui_app_mouse(app, m.x, m.y, 5);
#endif
}

static int64_t now_ms(void)
{
	return (int64_t)mono_ms();
}

static void restore_terminal(void)
{
	if (screen_active) {
		endwin();
		screen_active = false;
	}
}

static bool open_screen(struct tui_options *o, SCREEN **scr)
{
	/* A dumb terminal cannot address the cursor, and a pipe or file must never receive
	 * escape codes: refuse rather than scribble. */
	const char *term = getenv("TERM");
	if (!term || !*term || !strcmp(term, "dumb") || !isatty(STDIN_FILENO) ||
	    !isatty(STDOUT_FILENO))
		return false;
	const char *cs = nl_langinfo(CODESET);
	if (!cs || (strcmp(cs, "UTF-8") && strcmp(cs, "utf8")))
		o->ascii = true;
	*scr = newterm(NULL, stdout, stdin);
	if (!*scr)
		return false;
	screen_active = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	if (!o->no_mouse) {
		mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
			      | BUTTON5_PRESSED
#endif
			  ,
			  NULL);
		mouseinterval(0);
	}
	theme_init(o->colors);
	return true;
}

static int loop(struct tui_app *app, bool ascii)
{
	struct canvas *c = canvas_new(COLS, LINES, ascii);
	int64_t last = now_ms();
	bool dirty = true, running = true;
	while (running && !got_signal) {
		if (dirty) {
			if (canvas_width(c) != COLS || canvas_height(c) != LINES)
				canvas_resize(c, COLS, LINES);
			tui_app_render(app, c);
			erase();
			blit(c);
			refresh();
			dirty = false;
		}
		/* Block while paused: nothing changes until a key, a resize or a signal. */
		timeout(tui_app_playing(app) ? 33 : -1);
		wint_t wc;
		int r = get_wch(&wc);
		int64_t t = now_ms();
		if (tui_app_playing(app)) {
			tui_app_tick(app, t - last);
			dirty = true;
		}
		last = t;
		if (r == ERR)
			continue;
		dirty = true;
		if (r == KEY_CODE_YES && wc == KEY_RESIZE)
			continue;
		if (r == KEY_CODE_YES && wc == KEY_MOUSE) {
			on_mouse(app);
			continue;
		}
		int key = map_key(r, wc);
		if (key >= 0)
			running = tui_app_key(app, key);
	}
	canvas_free(c);
	return got_signal ? 128 + got_signal : 0;
}

int tui_run(const struct tui_source *src, const struct tui_hooks *hooks,
	    const struct tui_options *opt)
{
	struct tui_options o = opt ? *opt : (struct tui_options){0};
	setlocale(LC_ALL, "");
	install_signals();
	SCREEN *scr;
	if (!open_screen(&o, &scr)) {
		fprintf(stderr,
			"stepscope: the terminal UI needs a terminal on stdin and stdout (TERM=%s); "
			"for headless output try `stepscope run` or `stepscope replay --summary`\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 2;
	}
	struct tui_app *app = tui_app_new(src, hooks, &o);
	int rc = loop(app, o.ascii);
	tui_app_free(app);
	restore_terminal();
	delscreen(scr);
	return rc;
}
