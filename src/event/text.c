/* The log's one-line-per-event text form: what golden files and `--events` show. */
#include "event.h"

#include <inttypes.h>
#include <stdlib.h>

void ev_format_line(const struct ev_log *log, const struct ev *e, int64_t id, struct strbuf *sb)
{
	int64_t ms = e->t_ms;
	const char *sign = ms < 0 ? "-" : "";
	if (ms < 0)
		ms = -ms;
	char stamp[32];
	snprintf(stamp, sizeof(stamp), "%s%" PRId64 ".%03" PRId64, sign, ms / 1000, ms % 1000);
	sb_addf(sb, "[%8s] %" PRId64 " <- %" PRId32 " ", stamp, id, e->prev);
	struct ev_detail d = ev_detail(log, e);
	if (e->type == EV_UNKNOWN && d.raw_type)
		sb_addf(sb, "%s?", ev_log_str(log, d.raw_type));
	else
		sb_add(sb, ev_type_name(e->type));
	const char *state = ev_log_str(log, e->state);
	if (state)
		sb_addf(sb, " %s", state);
	if (e->item >= 0)
		sb_addf(sb, " #%" PRId32, e->item);
	const char *error = ev_log_str(log, d.error);
	if (error)
		sb_addf(sb, " error=%s", error);
}

void ev_log_write_text(const struct ev_log *log, FILE *out)
{
	struct strbuf sb;
	sb_init(&sb);
	size_t n = ev_log_count(log);
	for (size_t id = 1; id <= n; id++) {
		sb_clear(&sb);
		ev_format_line(log, ev_log_get(log, (int64_t)id), (int64_t)id, &sb);
		sb_addc(&sb, '\n');
		fwrite(sb.data, 1, sb.len, out);
	}
	sb_fini(&sb);
}
