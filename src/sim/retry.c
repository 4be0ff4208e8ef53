/*
 * Retry delay arithmetic, error-name matching and resource splitting: small pure helpers kept
 * apart from the interpreter so unit tests can pin them to the documented numbers.
 */
#include "sim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html */
int64_t sim_retry_delay_ms(const struct asl_retrier *r, int64_t n, struct rng *rng)
{
	double rate = r->backoff_rate >= 1.0 ? r->backoff_rate : 1.0;
	double secs = r->interval_seconds * pow(rate, (double)(n > 0 ? n - 1 : 0));
	if (r->max_delay_seconds > 0 && secs > (double)r->max_delay_seconds)
		secs = (double)r->max_delay_seconds;
	/* Far beyond any execution lifetime: keep the arithmetic finite. */
	if (!(secs < 4e10))
		secs = 4e10;
	double ms = secs * 1000.0;
	if (r->jitter_full && rng)
		ms = rng_double(rng) * ms;
	return (int64_t)llround(ms);
}

bool sim_error_matches(const char *const *errors, size_t count, const char *error)
{
	if (!error)
		return false;
	/* States.Runtime is never retried or caught (aws-facts b.8, observed). */
	if (strcmp(error, "States.Runtime") == 0)
		return false;
	for (size_t i = 0; i < count; i++) {
		const char *e = errors[i];
		if (strcmp(e, error) == 0 || strcmp(e, "States.ALL") == 0)
			return true;
		if (strcmp(e, "States.TaskFailed") == 0 && strcmp(error, "States.Timeout") != 0 &&
		    strcmp(error, "States.HeartbeatTimeout") != 0)
			return true;
	}
	return false;
}

bool sim_split_resource(const char *arn, char **resource_type, char **resource)
{
	const char *p = strstr(arn, ":states:::");
	if (!p || strncmp(arn, "arn:", 4) != 0)
		return false;
	p += strlen(":states:::");
	const char *colon = strchr(p, ':');
	/* aws-sdk:dynamodb:getItem -> aws-sdk:dynamodb / getItem */
	if (colon && strncmp(p, "aws-sdk:", 8) == 0)
		colon = strchr(colon + 1, ':');
	if (!colon || colon == p || !colon[1])
		return false;
	*resource_type = xstrndup(p, (size_t)(colon - p));
	*resource = xstrdup(colon + 1);
	return true;
}
