/*
 * Playback: one cursor in virtual time and what the events up to it did to each state.
 *
 * Moving forward applies events incrementally; moving back replays the log from the start
 * (O(events), once per rewind), so every frame reads ready-made counters instead of scanning
 * the log. The producer is only asked to advance as far as the cursor needs.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/internal.h"

static const double speeds[] = {0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, -1};
static const char *const speed_names[] = {"0.25x", "0.5x", "1x",   "2x",   "5x",    "10x", "20x",
					  "50x",   "100x", "200x", "500x", "1000x", "max"};

const char *play_speed_name(int speed)
{
	return speed >= 0 && speed < (int)ARRAY_LEN(speed_names) ? speed_names[speed] : "?";
}

int play_default_speed(int64_t total_ms, bool synthetic)
{
	int i = 2;
	while (i < 11 && (double)total_ms / (synthetic ? speeds[i] / 100 : speeds[i]) > 10000)
		i++;
	return i;
}

int play_nearest_speed(double speed)
{
	int best = 2;
	for (int i = 0; i + 1 < (int)ARRAY_LEN(speeds); i++)
		if (speeds[i] <= speed * 1.0001)
			best = i;
	return best;
}

bool play_speed_key(struct tui_play *p, int key)
{
	if (key == '+' || key == '=')
		p->speed += (size_t)p->speed + 1 < ARRAY_LEN(speeds);
	else if (key == '-' || key == '_')
		p->speed -= p->speed > 0;
	else
		return false;
	return true;
}

/* The counters of state `name`, grown on first use. */
static struct tui_state_stat *play_stat(struct tui_app *app, ev_str_t name)
{
	struct tui_play *p = &app->play;
	while (p->states.len <= name) {
		struct tui_state_stat z = {.last = CANVAS_DEFAULT};
		VEC_PUSH(p->states, z);
	}
	struct tui_state_stat *s = &p->states.items[name];
	if (!s->looked_up && name && app->graph) {
		s->node = graph_find(app->graph, ev_log_str(app->log, name));
		s->looked_up = true;
	}
	return s;
}

enum canvas_role play_state_role(const struct tui_state_stat *s)
{
	if (s->running > 0 || s->it_run > 0) {
		if (s->fail_pending)
			return CANVAS_STATE_RETRYING;
		if (s->node && s->node->kind == GRAPH_WAIT)
			return CANVAS_STATE_WAITING;
		return CANVAS_STATE_RUNNING;
	}
	return s->last;
}

/* One visit of s ends with outcome role. */
static void close_visit(struct tui_state_stat *s, enum canvas_role role)
{
	if (s->running > 0)
		s->running--;
	switch (role) {
	case CANVAS_STATE_SUCCEEDED:
		s->succeeded++;
		break;
	case CANVAS_STATE_CAUGHT:
		s->caught++;
		break;
	case CANVAS_STATE_FAILED:
		s->failed++;
		break;
	case CANVAS_STATE_TIMED_OUT:
		s->timed_out++;
		break;
	default:
		s->aborted++;
		break;
	}
	s->last = role;
	if (s->running == 0)
		s->fail_pending = 0;
}

static void set_open(struct tui_app *app, int32_t item, ev_str_t name)
{
	struct tui_play *p = &app->play;
	if (item < 0)
		return;
	while (p->open_in_item.len <= (size_t)item)
		VEC_PUSH(p->open_in_item, 0);
	p->open_in_item.items[item] = name;
}

/* A Map iteration ended badly: its open state ends with it. */
static void close_item(struct tui_app *app, int32_t item, enum canvas_role role)
{
	struct tui_play *p = &app->play;
	if (item < 0 || (size_t)item >= p->open_in_item.len || !p->open_in_item.items[item])
		return;
	struct tui_state_stat *s = play_stat(app, p->open_in_item.items[item]);
	close_visit(s, s->fail_pending && role == CANVAS_STATE_FAILED ? CANVAS_STATE_FAILED : role);
	p->open_in_item.items[item] = 0;
}

/* The execution ended: every state still open ends with it. */
static void close_all(struct tui_app *app, enum canvas_role role)
{
	struct tui_play *p = &app->play;
	for (size_t i = 0; i < p->states.len; i++) {
		struct tui_state_stat *s = &p->states.items[i];
		while (s->running > 0) {
			enum canvas_role r = role;
			if (role == CANVAS_STATE_FAILED && !s->fail_pending)
				r = CANVAS_STATE_ABORTED;
			close_visit(s, r);
		}
		s->it_abort += s->it_run;
		s->it_run = 0;
		/* A Map Run still open (no MapRun* end event: cut off) ended with it. */
		int32_t open = s->runs - s->runs_ok - s->runs_failed - s->runs_aborted;
		if (open > 0)
			s->runs_aborted += open;
	}
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static void apply_map(struct tui_app *app, struct tui_state_stat *s, const struct ev *e)
{
	switch (e->type) {
	case EV_MapStateStarted: {
		json_t *len = json_object_get(ev_extra(app->log, e), "length");
		s->length = json_is_integer(len) ? (int32_t)json_integer_value(len) : 0;
		s->it_run = s->it_ok = s->it_fail = s->it_abort = 0;
		break;
	}
	case EV_MapIterationStarted:
		s->it_run++;
		break;
	case EV_MapRunStarted:
		s->runs++;
		break;
	case EV_MapRunSucceeded:
		s->runs_ok++;
		break;
	case EV_MapRunFailed:
		s->runs_failed++;
		break;
	case EV_MapRunAborted:
		s->runs_aborted++;
		break;
	case EV_MapIterationSucceeded:
		s->it_run -= s->it_run > 0;
		s->it_ok++;
		break;
	case EV_MapIterationFailed:
		s->it_run -= s->it_run > 0;
		s->it_fail++;
		close_item(app, e->item, CANVAS_STATE_FAILED);
		break;
	case EV_MapIterationAborted:
		s->it_run -= s->it_run > 0;
		s->it_abort++;
		close_item(app, e->item, CANVAS_STATE_ABORTED);
		break;
	default:
		break;
	}
}

static void apply_exec(struct tui_app *app, const struct ev *e)
{
	struct tui_play *p = &app->play;
	switch (e->type) {
	case EV_ExecutionSucceeded:
		p->exec = TL_EXEC_SUCCEEDED;
		close_all(app, CANVAS_STATE_ABORTED);
		break;
	case EV_ExecutionFailed:
		p->exec = TL_EXEC_FAILED;
		close_all(app, CANVAS_STATE_FAILED);
		break;
	case EV_ExecutionTimedOut:
		p->exec = TL_EXEC_TIMED_OUT;
		close_all(app, CANVAS_STATE_TIMED_OUT);
		break;
	case EV_ExecutionAborted:
		p->exec = TL_EXEC_ABORTED;
		close_all(app, CANVAS_STATE_ABORTED);
		break;
	case EV_ExecutionRedriven:
		p->exec = TL_EXEC_RUNNING;
		break;
	default:
		break;
	}
}

static void apply(struct tui_app *app, const struct ev *e)
{
	const char *n = ev_type_name(e->type);
	if (!strncmp(n, "Execution", 9)) {
		apply_exec(app, e);
		return;
	}
	if (!e->state)
		return;
	struct tui_state_stat *s = play_stat(app, e->state);
	if (e->type == EV_FailStateEntered) {
		s->failed++;
		s->last = CANVAS_STATE_FAILED;
	} else if (ends_with(n, "StateEntered")) {
		s->running++;
		set_open(app, e->item, e->state);
	} else if (ends_with(n, "StateExited")) {
		close_visit(s, s->fail_pending ? CANVAS_STATE_CAUGHT : CANVAS_STATE_SUCCEEDED);
		set_open(app, e->item, 0);
	} else if (ends_with(n, "StateAborted")) {
		close_visit(s, CANVAS_STATE_ABORTED);
		set_open(app, e->item, 0);
	} else if (!strncmp(n, "MapIteration", 12) || !strncmp(n, "MapRun", 6) ||
		   e->type == EV_MapStateStarted) {
		apply_map(app, s, e);
	} else if (ends_with(n, "TimedOut") || ends_with(n, "Failed")) {
		s->fail_pending++;
	} else if (ends_with(n, "Succeeded")) {
		s->fail_pending = 0;
	}
}

void play_reset(struct tui_app *app)
{
	struct tui_play *p = &app->play;
	for (size_t i = 0; i < p->states.len; i++) {
		struct tui_state_stat *s = &p->states.items[i];
		struct graph_node *node = s->node;
		bool looked = s->looked_up;
		memset(s, 0, sizeof(*s));
		s->node = node;
		s->looked_up = looked;
	}
	if (p->open_in_item.len)
		memset(p->open_in_item.items, 0, p->open_in_item.len * sizeof(ev_str_t));
	p->pos = 0;
	p->t = 0;
	p->exec = TL_EXEC_RUNNING;
}

static void apply_upto(struct tui_app *app, size_t n)
{
	while (app->play.pos < n) {
		const struct ev *e = ev_log_get(app->log, (int64_t)app->play.pos + 1);
		apply(app, e);
		app->play.pos++;
	}
}

static bool finished(const struct tui_app *app)
{
	const struct ev_producer *pr = app->src.producer;
	return pr->ops->finished(pr->self);
}

int64_t play_total(const struct tui_app *app)
{
	const struct tl_outcome *o = tl_index_outcome(app->tl);
	if (o->end_ms >= 0)
		return o->end_ms;
	return o->last_ms > app->play.t ? o->last_ms : app->play.t;
}

bool play_at_end(const struct tui_app *app)
{
	return finished(app) && app->play.pos >= ev_log_count(app->log) &&
	       app->play.t >= play_total(app);
}

void play_seek(struct tui_app *app, int64_t t)
{
	struct tui_play *p = &app->play;
	if (t < 0)
		t = 0;
	struct ev_producer *pr = app->src.producer;
	if (!finished(app)) {
		pr->ops->advance_to(pr->self, t);
		tl_index_update(app->tl);
	}
	if (finished(app) && t > play_total(app))
		t = play_total(app);
	if (p->pos > 0 && ev_log_get(app->log, (int64_t)p->pos)->t_ms > t)
		play_reset(app);
	size_t n = p->pos, count = ev_log_count(app->log);
	while (n < count && ev_log_get(app->log, (int64_t)n + 1)->t_ms <= t)
		n++;
	apply_upto(app, n);
	p->t = t;
}

void play_step(struct tui_app *app, int dir)
{
	struct tui_play *p = &app->play;
	if (dir > 0) {
		struct ev_producer *pr = app->src.producer;
		if (p->pos >= ev_log_count(app->log) && !finished(app)) {
			pr->ops->step(pr->self);
			tl_index_update(app->tl);
		}
		if (p->pos >= ev_log_count(app->log))
			return;
		apply_upto(app, p->pos + 1);
		int64_t et = ev_log_get(app->log, (int64_t)p->pos)->t_ms;
		p->t = et > p->t ? et : p->t;
		return;
	}
	if (p->pos == 0) {
		p->t = 0;
		return;
	}
	size_t target = p->pos - 1;
	play_reset(app);
	apply_upto(app, target);
	p->t = target ? ev_log_get(app->log, (int64_t)target)->t_ms : 0;
}

void play_color_graph(struct tui_app *app)
{
	if (!app->graph)
		return;
	graph_clear_status(app->graph);
	for (size_t i = 1; i < app->play.states.len; i++) {
		struct tui_state_stat *s = &app->play.states.items[i];
		if (s->node)
			s->node->status = play_state_role(s);
	}
}

/* One slice of running ahead to the end of a live run (about 30 ms of work per frame). */
static void run_ahead(struct tui_app *app)
{
	struct ev_producer *pr = app->src.producer;
	double start = mono_ms();
	for (int i = 0; !pr->ops->finished(pr->self); i++) {
		if (!pr->ops->step(pr->self))
			break;
		if ((i & 63) == 63 && mono_ms() - start > 30)
			break;
	}
	tl_index_update(app->tl);
	if (pr->ops->finished(pr->self)) {
		app->play.to_end = false;
		play_seek(app, INT64_MAX / 4);
	}
}

void play_to_end(struct tui_app *app)
{
	app->play.playing = false;
	if (finished(app))
		play_seek(app, INT64_MAX / 4);
	else
		app->play.to_end = true;
}

double play_progress(const struct tui_app *app)
{
	size_t rows = tl_index_row_count(app->tl);
	if (rows <= 1)
		return -1;
	size_t done = 0;
	for (int st = TL_SUCCEEDED; st < TL_ROW_STATUS_COUNT; st++)
		done += tl_index_status_count(app->tl, (enum tl_status)st);
	return (double)done / (double)(rows - 1);
}

int64_t play_advance_ms(struct tui_app *app, int64_t real_ms, int64_t total_ms, bool fin)
{
	struct tui_play *p = &app->play;
	double speed = speeds[p->speed];
	/* Order-only times (1 ms per event): 1x shows about ten events a second. */
	if (ev_log_meta_const(app->log)->synthetic_time && speed > 0)
		speed /= 100;
	if (speed < 0) /* "max": a finished run in about three seconds, a live one a minute per
			  frame */
		return fin ? (total_ms / 3000 + 1) * real_ms : 60000 * real_ms;
	p->carry += speed * (double)real_ms;
	int64_t dt = (int64_t)p->carry;
	p->carry -= (double)dt;
	return dt;
}

void tui_app_tick(struct tui_app *app, int64_t real_ms)
{
	struct tui_play *p = &app->play;
	if (app->peer) {
		compare_tick(app, real_ms);
		return;
	}
	if (p->to_end) {
		run_ahead(app);
		return;
	}
	if (!p->playing || real_ms <= 0)
		return;
	int64_t dt = play_advance_ms(app, real_ms, play_total(app), finished(app));
	play_seek(app, p->t + dt);
	lesson_check_pause(app);
	if (play_at_end(app))
		p->playing = false;
}

bool tui_app_playing(const struct tui_app *app)
{
	return app->play.playing || app->play.to_end;
}

void tui_app_seek(struct tui_app *app, int64_t t_ms)
{
	app->play.playing = false;
	if (app->peer)
		compare_seek(app, t_ms);
	else
		play_seek(app, t_ms);
}

void tui_app_seek_end(struct tui_app *app)
{
	struct ev_producer *pr = app->src.producer;
	app->play.playing = false;
	if (app->peer) {
		compare_seek_end(app);
		return;
	}
	/* A live run is stepped to its end; a finished one is already complete. */
	while (!pr->ops->finished(pr->self) && pr->ops->step(pr->self))
		;
	tl_index_update(app->tl);
	play_seek(app, INT64_MAX / 4);
}
