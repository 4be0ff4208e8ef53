/*
 * Choice comparisons. Strings compare like Java's String.compareTo (UTF-16 code units), which
 * the Choice page names; numbers compare exactly when both are integers; timestamps compare as
 * instants (RFC 3339 with an uppercase T, and Z or a numeric offset, any fraction). The number
 * order and fcmp_holds serve the JSONPath filters (path_eval.c) too.
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html
 */
#include "flow/rule.h"

#include <ctype.h>
#include <string.h>

/* Next UTF-16 code unit of a UTF-8 string; *pending carries a low surrogate. */
static int next_unit(const unsigned char **p, int *pending)
{
	if (*pending) {
		int u = *pending;
		*pending = 0;
		return u;
	}
	const unsigned char *s = *p;
	if (!*s)
		return -1;
	uint32_t cp;
	int n;
	if (s[0] < 0x80)
		cp = s[0], n = 1;
	else if ((s[0] & 0xE0) == 0xC0)
		cp = s[0] & 0x1F, n = 2;
	else if ((s[0] & 0xF0) == 0xE0)
		cp = s[0] & 0x0F, n = 3;
	else
		cp = s[0] & 0x07, n = 4;
	int used = 1;
	for (; used < n && s[used]; used++) /* jansson strings are valid UTF-8; be safe anyway */
		cp = (cp << 6) | (s[used] & 0x3F);
	*p = s + used;
	if (cp < 0x10000)
		return (int)cp;
	cp -= 0x10000;
	*pending = 0xDC00 + (int)(cp & 0x3FF);
	return 0xD800 + (int)(cp >> 10);
}

static int java_compare(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	int pa = 0, pb = 0;
	for (;;) {
		int x = next_unit(&p, &pa), y = next_unit(&q, &pb);
		if (x != y)
			return x < y ? -1 : 1;
		if (x < 0)
			return 0;
	}
}

bool rule_timestamp(const char *s, struct rule_instant *out)
{
	struct instant t;
	if (!time_parse(s, TIME_STRICT, &t))
		return false;
	if (out) {
		out->seconds = t.sec;
		out->nanos = t.nsec;
	}
	return true;
}

bool rule_string_matches(const char *s, const char *pat)
{
	/* Backtracking over the last star: linear in practice, no recursion. */
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*pat == '*') {
			star = ++pat;
			resume = s;
			continue;
		}
		const char *lit = pat;
		if (*lit == '\\' && (lit[1] == '*' || lit[1] == '\\'))
			lit++;
		if (*lit && *lit == *s) {
			pat = lit + 1;
			s++;
			continue;
		}
		if (!star)
			return false;
		pat = star;
		s = ++resume;
	}
	while (*pat == '*')
		pat++;
	return *pat == '\0';
}

int fnum_compare(json_t *a, json_t *b)
{
	if (json_is_integer(a) && json_is_integer(b)) {
		json_int_t x = json_integer_value(a), y = json_integer_value(b);
		return (x > y) - (x < y);
	}
	double x = json_number_value(a), y = json_number_value(b);
	return (x > y) - (x < y);
}

bool fcmp_holds(enum fcmp op, int c)
{
	switch (op) {
	case FC_EQ:
		return c == 0;
	case FC_NE:
		return c != 0;
	case FC_LT:
		return c < 0;
	case FC_LE:
		return c <= 0;
	case FC_GT:
		return c > 0;
	default:
		return c >= 0;
	}
}

bool rule_compare(const struct rule_op *op, json_t *v, json_t *rhs)
{
	struct rule_instant a, b;
	switch (op->type) {
	case RT_STRING:
		return json_is_string(v) && json_is_string(rhs) &&
		       fcmp_holds(op->op,
				  java_compare(json_string_value(v), json_string_value(rhs)));
	case RT_MATCH:
		return json_is_string(v) && json_is_string(rhs) &&
		       rule_string_matches(json_string_value(v), json_string_value(rhs));
	case RT_NUMBER:
		return json_is_number(v) && json_is_number(rhs) &&
		       fcmp_holds(op->op, fnum_compare(v, rhs));
	case RT_BOOLEAN:
		return json_is_boolean(v) && json_is_boolean(rhs) &&
		       json_boolean_value(v) == json_boolean_value(rhs);
	case RT_TIMESTAMP:
		if (!json_is_string(v) || !json_is_string(rhs) ||
		    !rule_timestamp(json_string_value(v), &a) ||
		    !rule_timestamp(json_string_value(rhs), &b))
			return false;
		return fcmp_holds(op->op, a.seconds != b.seconds
					      ? (a.seconds > b.seconds ? 1 : -1)
					      : (a.nanos > b.nanos) - (a.nanos < b.nanos));
	default:
		return false;
	}
}
