/* The AWS event type names and their details members. */
#include "event.h"

#include <stdlib.h>
#include <string.h>

static const char *const type_names[EV_TYPE_COUNT] = {
#define EV_NAME(name) #name,
	EV_TYPES(EV_NAME)
#undef EV_NAME
	"Unknown",
};

const char *ev_type_name(enum ev_type type)
{
	return (unsigned)type < EV_TYPE_COUNT ? type_names[type] : "Unknown";
}

enum ev_type ev_type_from_name(const char *name)
{
	/* Linear, but only importers call it, once per event: the first letter settles most. */
	for (int t = 0; t < EV_UNKNOWN; t++)
		if (type_names[t][0] == name[0] && strcmp(type_names[t], name) == 0)
			return (enum ev_type)t;
	return EV_UNKNOWN;
}

/* "TaskStateEntered" -> "stateEnteredEventDetails": the families that share a details shape. */
static const char *shared_details(enum ev_type type)
{
	const char *n = ev_type_name(type);
	if (str_ends_with(n, "StateEntered") && type != EV_FailStateEntered)
		return "stateEnteredEventDetails";
	if (type == EV_FailStateEntered)
		return "stateEnteredEventDetails";
	if (str_ends_with(n, "StateExited"))
		return "stateExitedEventDetails";
	return NULL;
}

static const char *details_key(enum ev_type type)
{
	static char *keys[EV_TYPE_COUNT];
	static const enum ev_type none[] = {
		EV_LambdaFunctionStarted, EV_MapStateAborted,	   EV_MapStateFailed,
		EV_MapStateSucceeded,	  EV_ParallelStateAborted, EV_ParallelStateFailed,
		EV_ParallelStateStarted,  EV_ParallelStateSucceeded, EV_TaskStateAborted,
		EV_WaitStateAborted,	  EV_MapRunAborted,	   EV_MapRunSucceeded,
		EV_UNKNOWN,
	};
	for (size_t i = 0; i < ARRAY_LEN(none); i++)
		if (none[i] == type)
			return NULL;
	const char *shared = shared_details(type);
	if (shared)
		return shared;
	if ((unsigned)type >= EV_TYPE_COUNT)
		return NULL;
	if (!keys[type]) {
		/* lowerCamel(type) + "EventDetails"; built once per type, kept for the process. */
		const char *n = type_names[type];
		char *k = xasprintf("%c%sEventDetails", n[0] - 'A' + 'a', n + 1);
		keys[type] = k;
	}
	return keys[type];
}

/* Called for every imported and exported event: each type's answer is worked out once. */
const char *ev_details_key(enum ev_type type)
{
	static const char *memo[EV_TYPE_COUNT];
	static bool known[EV_TYPE_COUNT];
	if ((unsigned)type >= EV_TYPE_COUNT)
		return NULL;
	if (!known[type]) {
		memo[type] = details_key(type);
		known[type] = true;
	}
	return memo[type];
}
