/*
 * export — helpers shared by the renderers: XML escaping, the status palette, time labels and
 * writing files.
 */
#include "export/internal.h"

#include "asl/asl.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void exp_xml_escape(struct strbuf *sb, const char *s)
{
	if (!s)
		return;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '&':
			sb_add(sb, "&amp;");
			break;
		case '<':
			sb_add(sb, "&lt;");
			break;
		case '>':
			sb_add(sb, "&gt;");
			break;
		case '"':
			sb_add(sb, "&quot;");
			break;
		default:
			/* XML 1.0 allows no other C0 controls, even as character references. */
			if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
				sb_add(sb, "\xEF\xBF\xBD");
			else
				sb_addc(sb, (char)*p);
		}
	}
}

/* One palette for both SVGs so a status looks the same everywhere. */
const char *exp_status_fill(enum tl_status s)
{
	switch (s) {
	case TL_PENDING:
		return "#d9d9d9";
	case TL_RUNNING:
		return "#4e79a7";
	case TL_SUCCEEDED:
		return "#59a14f";
	case TL_CAUGHT:
		return "#edc948";
	case TL_FAILED:
		return "#e15759";
	case TL_TIMED_OUT:
		return "#b07aa1";
	case TL_ABORTED:
		return "#79706e";
	default:
		return "#bab0ac";
	}
}

const char *exp_role_fill(enum canvas_role r)
{
	switch (r) {
	case CANVAS_STATE_PENDING:
		return "#f2f2f2";
	case CANVAS_STATE_RUNNING:
		return exp_status_fill(TL_RUNNING);
	case CANVAS_STATE_SUCCEEDED:
		return exp_status_fill(TL_SUCCEEDED);
	case CANVAS_STATE_FAILED:
		return exp_status_fill(TL_FAILED);
	case CANVAS_STATE_CAUGHT:
		return exp_status_fill(TL_CAUGHT);
	case CANVAS_STATE_ABORTED:
		return exp_status_fill(TL_ABORTED);
	case CANVAS_STATE_TIMED_OUT:
		return exp_status_fill(TL_TIMED_OUT);
	case CANVAS_STATE_RETRYING:
		return "#f28e2b";
	case CANVAS_STATE_WAITING:
		return "#76b7b2";
	default:
		return NULL;
	}
}

const char *exp_role_name(enum canvas_role r)
{
	switch (r) {
	case CANVAS_STATE_PENDING:
		return "not reached";
	case CANVAS_STATE_RUNNING:
		return "running";
	case CANVAS_STATE_SUCCEEDED:
		return "succeeded";
	case CANVAS_STATE_FAILED:
		return "failed";
	case CANVAS_STATE_CAUGHT:
		return "caught";
	case CANVAS_STATE_ABORTED:
		return "aborted";
	case CANVAS_STATE_TIMED_OUT:
		return "timed out";
	case CANVAS_STATE_RETRYING:
		return "retrying";
	case CANVAS_STATE_WAITING:
		return "waiting";
	default:
		return NULL;
	}
}

void exp_format_ms(struct strbuf *sb, int64_t ms)
{
	const char *sign = ms < 0 ? "-" : "";
	uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;
	if (a < 1000)
		sb_addf(sb, "%s%" PRIu64 " ms", sign, a);
	else if (a % 1000 == 0)
		sb_addf(sb, "%s%" PRIu64 " s", sign, a / 1000);
	else if (a % 100 == 0)
		sb_addf(sb, "%s%" PRIu64 ".%" PRIu64 " s", sign, a / 1000, a % 1000 / 100);
	else if (a % 10 == 0)
		sb_addf(sb, "%s%" PRIu64 ".%02" PRIu64 " s", sign, a / 1000, a % 1000 / 10);
	else
		sb_addf(sb, "%s%" PRIu64 ".%03" PRIu64 " s", sign, a / 1000, a % 1000);
}

void exp_svg_open(struct strbuf *sb, int width, int height)
{
	sb_addf(sb,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
		"font-size=\"12\">\n"
		"<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
		width, height, width, height, width, height);
}

bool exp_write_file(const char *path, const char *text, size_t len, const char *const *inputs,
		    size_t input_count, struct diags *diags)
{
	for (size_t i = 0; i < input_count; i++) {
		if (inputs[i] && file_same(path, inputs[i])) {
			diags_add(diags, DIAG_ERROR, "export-overwrites-input", path, 0, 0, NULL,
				  "refusing to write over the input file %s", inputs[i]);
			return false;
		}
	}
	char *err = NULL;
	if (!file_write_atomic(path, text, len, &err)) {
		diags_add(diags, DIAG_ERROR, "export-write", path, 0, 0, NULL, "%s", err);
		free(err);
		return false;
	}
	return true;
}

/* The MaxConcurrency of the outermost Maps (not nested in another Map), when they agree;
 * -1 when they differ, 0 when none sets it. */
static int64_t outer_limit(const struct asl_graph *g, int64_t found)
{
	for (size_t i = 0; i < g->state_count && found >= 0; i++) {
		const struct asl_state *st = g->states[i];
		if (st->type == ASL_MAP && st->max_concurrency > 0)
			found =
			    found == 0 || found == st->max_concurrency ? st->max_concurrency : -1;
		for (size_t b = 0; st->type == ASL_PARALLEL && b < st->branch_count; b++)
			found = outer_limit(st->branches[b], found);
	}
	return found;
}

bool exp_write_outputs(const struct ev_log *log, const struct asl_machine *model,
		       const struct exp_outputs *out, struct diags *diags)
{
	if (out->trace_out && out->svg_out &&
	    (strcmp(out->trace_out, out->svg_out) == 0 ||
	     file_same(out->trace_out, out->svg_out))) {
		diags_add(diags, DIAG_ERROR, "export-same-output", out->svg_out, 0, 0, NULL,
			  "--trace-out and --svg-out name the same file");
		return false;
	}
	struct tl_index *tl = tl_index_new(log);
	tl_index_update(tl);
	if (model && model->timeout_seconds > 0)
		tl_index_set_deadline(tl, model->timeout_seconds * 1000);
	int64_t limit = model && model->top ? outer_limit(model->top, 0) : 0;
	if (limit > 0 && limit <= INT32_MAX)
		tl_index_set_limit(tl, (int32_t)limit);
	struct exp_source src = {log, tl, out->title, out->origin};
	bool ok = true;
	size_t len;
	if (out->trace_out) {
		char *text = exp_trace_json(&src, &len);
		ok &=
		    exp_write_file(out->trace_out, text, len, out->inputs, out->input_count, diags);
		free(text);
	}
	if (out->svg_out) {
		char *text = exp_timeline_svg(&src, &len);
		ok &= exp_write_file(out->svg_out, text, len, out->inputs, out->input_count, diags);
		free(text);
	}
	tl_index_free(tl);
	return ok;
}
