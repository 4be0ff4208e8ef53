/*
 * A replay as a producer for the playback seam (event.h): the imported log is complete from
 * the start, so advancing and stepping append nothing and the producer is always finished.
 */
#include "history.h"

#include <string.h>

static bool replay_advance_to(void *self, int64_t t_ms)
{
	(void)self;
	(void)t_ms;
	return true; /* every event is already in the log */
}

static bool replay_step(void *self)
{
	(void)self;
	return false; /* nothing more to append */
}

static bool replay_finished(const void *self)
{
	(void)self;
	return true;
}

static const char *replay_describe(const void *self)
{
	const struct hist_replay_source *src = self;
	return src->description;
}

static const struct ev_producer_ops replay_ops = {
    .advance_to = replay_advance_to,
    .step = replay_step,
    .finished = replay_finished,
    .describe = replay_describe,
};

void hist_producer_init(struct ev_producer *p, struct hist_replay_source *src, struct ev_log *log)
{
	memset(p, 0, sizeof(*p));
	p->ops = &replay_ops;
	p->self = src;
	p->log = log;
}
