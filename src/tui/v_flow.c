/*
 * The inspector's data-flow section: the latest visit of a state up to the cursor, explained
 * by explain/ (each processing step, or why each Choice rule matched or not), styled by what
 * each line says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"
#include "explain/explain.h"
#include "tui/internal.h"

static void add_line(void *ctx, enum xp_kind kind, const char *text)
{
	static const enum canvas_role roles[] = {
	    [XP_TITLE] = CANVAS_TITLE,
	    [XP_STEP] = CANVAS_DEFAULT,
	    [XP_MATCH] = CANVAS_STATE_SUCCEEDED,
	    [XP_NO_MATCH] = CANVAS_DIM,
	    [XP_RESULT] = CANVAS_INFO,
	    [XP_ERROR] = CANVAS_ERROR,
	    [XP_NOTE] = CANVAS_DIM,
	    [XP_AGREES] = CANVAS_STATE_SUCCEEDED,
	    [XP_DIFFERS] = CANVAS_WARNING,
	};
	lines_add(ctx, roles[kind], "  %s", text);
}

void inspect_flow(struct tui_app *app, struct tui_lines *l, const struct graph_node *n)
{
	const struct asl_state *st = n->user;
	struct xp_visit v;
	if (!st || !xp_find_visit(app->log, app->play.pos, st->name, -1, &v)) {
		lines_add(l, CANVAS_DIM, "data flow: not visited yet");
		return;
	}
	char t[24];
	tui_fmt_time(v.entered->t_ms, t, sizeof(t));
	if (v.entered->item >= 0)
		lines_add(l, CANVAS_TITLE, "data flow (latest visit, t=%s, item #%d):", t,
			  v.entered->item);
	else
		lines_add(l, CANVAS_TITLE, "data flow (latest visit, t=%s):", t);
	xp_explain(st, &v, add_line, l);
}
