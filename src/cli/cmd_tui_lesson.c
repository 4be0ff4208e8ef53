/*
 * `stepscope lesson`'s sessions: every step of a lesson becomes the simulation arguments of
 * a TUI session (n / p rebuild them); --check runs each step headless to its end.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "tui_session.h"

/* Runs every step headless: "Every step run to its end: step 1 SUCCEEDED in 6.785s · ..."
 * (owned by the caller). */
static char *lesson_outcomes(struct lesson_run *lr)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_addf(&sb, "%s", "Every step run to its end:");
	for (size_t i = 0; i < lr->l->step_count; i++) {
		struct diags d;
		diags_init(&d);
		struct session *s = tui_sim_session_new(&lr->args[i], NULL, &d);
		diags_fini(&d);
		if (!s) {
			sb_addf(&sb, "%s step %zu does not start", i ? " ·" : "", i + 1);
			continue;
		}
		sim_run(s->engine);
		sb_addf(&sb, "%s step %zu %s in %.3fs", i ? " ·" : "", i + 1,
			sim_status_name(sim_status(s->engine)),
			(double)sim_now(s->engine) / 1000.0);
		tui_session_free(s);
	}
	return sb_take(&sb);
}

/* A side-by-side step's second execution: the step's arguments, then its `versus` changes. */
static void versus_args(struct lesson_run *lr, size_t i)
{
	const struct lesson_versus *v = lr->l->steps[i].versus;
	struct sim_args *a = &lr->args[i], *b = &lr->vargs[i];
	*b = *a;
	memset(&b->sets, 0, sizeof(b->sets));
	for (size_t k = 0; k < a->sets.len; k++)
		VEC_PUSH(b->sets, a->sets.items[k]);
	for (size_t k = 0; k < v->set_count; k++)
		VEC_PUSH(b->sets, v->sets[k]);
	if (v->definition)
		b->definition = v->definition;
	if (v->items) {
		b->items = v->items;
		b->item_list = NULL;
	}
	if (v->input)
		b->input_value = v->input;
}

/* "KEY=V, KEY=V" (owned by the caller): a side's title when the lesson gives none. */
static char *sets_label(char *const *sets, size_t n, const char *none)
{
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < n; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", sets[i]);
	if (!n)
		sb_addf(&sb, "%s", none);
	return sb_take(&sb);
}

struct session *lesson_step_session(struct lesson_run *lr, size_t step, struct diags *d)
{
	struct session *s = tui_sim_session_new(&lr->args[step], NULL, d);
	const struct lesson_step *st = &lr->l->steps[step];
	if (!s || !st->versus)
		return s;
	struct session *b = tui_sim_session_new(&lr->vargs[step], NULL, d);
	if (!b) {
		tui_session_free(s);
		return NULL;
	}
	/* Both run to their end first: the deltas are of whole runs, and the view then replays
	 * two finished logs on one cursor. */
	sim_run(s->engine);
	sim_run(b->engine);
	struct an_metrics ma, mb;
	an_measure(s->log, &s->scenario, &ma);
	an_measure(b->log, &b->scenario, &mb);
	s->deltas = an_delta_line(&ma, &mb, lr->ascii);
	s->label = sets_label(st->sets, st->set_count, "the step's scenario");
	b->label = st->versus->title
		       ? xstrdup(st->versus->title)
		       : sets_label(st->versus->sets, st->versus->set_count, "the step's scenario");
	s->peer = b;
	return s;
}

static void lesson_run_init(struct lesson_run *lr, const struct lesson *l)
{
	memset(lr, 0, sizeof(*lr));
	lr->l = l;
	size_t n = l->step_count;
	lr->args = xcalloc(n, sizeof(*lr->args));
	lr->vargs = xcalloc(n, sizeof(*lr->vargs));
	lr->views = xcalloc(n, sizeof(*lr->views));
	lr->pauses = xcalloc(n, sizeof(*lr->pauses));
	lr->items = xcalloc(n, sizeof(*lr->items));
	for (size_t i = 0; i < n; i++) {
		const struct lesson_step *st = &l->steps[i];
		struct sim_args *a = &lr->args[i];
		a->no_config = true;
		a->definition = st->definition;
		a->items = st->items;
		a->input_value = st->input;
		for (size_t k = 0; k < st->set_count; k++)
			VEC_PUSH(a->sets, st->sets[k]);
		if (st->generate > 0)
			a->item_list = lr->items[i] = lesson_generate_items(st->generate);
		lr->pauses[i] = xcalloc(st->pause_count + 1, sizeof(struct tui_pause));
		for (size_t k = 0; k < st->pause_count; k++) {
			const struct lesson_pause *p = &st->pauses[k];
			lr->pauses[i][k] = (struct tui_pause){p->t_ms,	p->event, p->note,
							      p->state, p->row,	  p->pane};
		}
		if (st->versus)
			versus_args(lr, i);
		lr->views[i] = (struct tui_lesson){.title = l->title,
						   .step_title = st->title,
						   .text = st->text,
						   .step = (int)i + 1,
						   .steps = (int)n,
						   .pauses = lr->pauses[i],
						   .pause_count = st->pause_count,
						   .focus = st->focus,
						   .window_ms = st->window_ms};
	}
	for (size_t i = 0; i < n && !lr->compare; i++)
		if (l->steps[i].compare)
			lr->compare = lesson_outcomes(lr);
	for (size_t i = 0; i < n; i++)
		lr->views[i].compare = l->steps[i].compare ? lr->compare : NULL;
}

static void lesson_run_fini(struct lesson_run *lr)
{
	free(lr->compare);
	for (size_t i = 0; i < lr->l->step_count; i++) {
		VEC_FREE(lr->args[i].sets);
		VEC_FREE(lr->vargs[i].sets);
		free(lr->pauses[i]);
		json_decref(lr->items[i]);
	}
	free(lr->args);
	free(lr->vargs);
	free(lr->views);
	free(lr->pauses);
	free(lr->items);
}

static struct session *lesson_session(struct lesson_run *lr, size_t step)
{
	struct diags d;
	diags_init(&d);
	struct session *s = lesson_step_session(lr, step, &d);
	if (!s) {
		diags_sort(&d);
		diags_print(stderr, &d, NULL, 0);
		if (!d.list.len)
			cli_error("lesson: step %zu could not start", step + 1);
	}
	diags_fini(&d);
	return s;
}

int cli_tui_lesson(const struct lesson *l, size_t step, int argc, char **argv)
{
	struct tui_args a;
	memset(&a, 0, sizeof(a));
	bool done = false;
	int rc = tui_parse_args(argc, argv, &a, &done);
	if (rc == EXIT_OK && a.positional)
		rc = cli_error("lesson: one lesson at a time ('%s' is extra)", a.positional);
	if (rc != EXIT_OK || done) {
		VEC_FREE(a.sim.sets);
		return rc;
	}
	if (step >= l->step_count)
		step = l->step_count - 1;
	struct lesson_run lr;
	lesson_run_init(&lr, l);
	lr.step = step;
	lr.ascii = a.opt.ascii;
	struct session *s = lesson_session(&lr, step);
	rc = s ? tui_run_session(s, &a, &lr.args[step], &lr) : EXIT_USAGE;
	lesson_run_fini(&lr);
	VEC_FREE(a.sim.sets);
	return rc;
}

int cli_lesson_check(const struct lesson *l, FILE *out)
{
	struct lesson_run lr;
	lesson_run_init(&lr, l);
	int failed = 0;
	for (size_t i = 0; i < l->step_count; i++) {
		const char *expect = l->steps[i].expect;
		struct session *s = lesson_session(&lr, i);
		if (!s) {
			fprintf(out, "FAIL %s step %zu: the scenario does not start\n", l->name,
				i + 1);
			failed++;
			continue;
		}
		sim_run(s->engine);
		const char *got = sim_status_name(sim_status(s->engine));
		bool ok = !expect || !strcmp(expect, got);
		fprintf(out, "%s %s step %zu: %s%s%s\n", ok ? "ok" : "FAIL", l->name, i + 1, got,
			ok ? "" : ", expected ", ok ? "" : expect);
		failed += !ok;
		tui_session_free(s);
	}
	lesson_run_fini(&lr);
	return failed ? EXIT_NOT_SUCCEEDED : EXIT_OK;
}
