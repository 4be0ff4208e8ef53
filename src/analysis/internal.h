/* analysis — private declarations shared by the module's files. */
#ifndef STEPSCOPE_ANALYSIS_INTERNAL_H
#define STEPSCOPE_ANALYSIS_INTERNAL_H

#include "analysis/analysis.h"

/* The error of a throttled Lambda call (aws-facts b.9). */
#define AN_THROTTLE_ERROR "Lambda.TooManyRequestsException"

/* The cost from the log (borrowed) and counts already measured by the timeline. */
void an_cost_from(const struct ev_log *log, const struct cfg_scenario *s, int64_t entries,
		  int64_t retries, int64_t makespan_ms, struct an_cost *out);

#endif
