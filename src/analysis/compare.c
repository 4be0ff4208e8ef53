/*
 * The compare view's one line of deltas: what B changes against A in the four numbers a
 * reader compares first (makespan, throughput, peak concurrency, invocations). The table of
 * `stepscope compare` has every metric; this line has to fit under a TUI header.
 */
#include "analysis/internal.h"

#include <inttypes.h>
#include <stdio.h>

/* " (-65.0%)" when A is not zero, else " (+2)"-style text. */
static void delta(struct strbuf *sb, double a, double b, const char *text)
{
	if (a != 0)
		sb_addf(sb, " (%+.1f%%)", (b - a) / a * 100.0);
	else
		sb_addf(sb, " (%s)", text);
}

char *an_delta_line(const struct an_metrics *a, const struct an_metrics *b, bool ascii)
{
	const char *arrow = ascii ? "->" : "→", *bar = ascii ? "|" : "│";
	struct strbuf sb;
	sb_init(&sb);
	char sd[40];
	snprintf(sd, sizeof(sd), "%+.3fs", (double)(b->makespan_ms - a->makespan_ms) / 1000.0);
	sb_addf(&sb, "makespan %.3fs %s %.3fs", (double)a->makespan_ms / 1000.0, arrow,
		(double)b->makespan_ms / 1000.0);
	delta(&sb, (double)a->makespan_ms, (double)b->makespan_ms, sd);
	double ta = an_throughput(a), tb = an_throughput(b);
	snprintf(sd, sizeof(sd), "%+.3f/s", tb - ta);
	sb_addf(&sb, " %s throughput %.3f %s %.3f/s", bar, ta, arrow, tb);
	delta(&sb, ta, tb, sd);
	sb_addf(&sb, " %s peak concurrency %d %s %d (%+d)", bar, (int)a->peak_concurrency, arrow,
		(int)b->peak_concurrency, (int)(b->peak_concurrency - a->peak_concurrency));
	sb_addf(&sb, " %s invocations %" PRId64 " %s %" PRId64 " (%+" PRId64 ")", bar,
		a->invocations, arrow, b->invocations, b->invocations - a->invocations);
	return sb_take(&sb);
}
