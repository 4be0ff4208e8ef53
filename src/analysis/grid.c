/*
 * `--set KEY=V1,V2,...` value lists for sweeps: split at top-level commas only, so a YAML
 * flow value such as `{rate: 0.1, error: Boom}` or `[a, b]` stays one value.
 */
#include "analysis/internal.h"

#include <stdlib.h>
#include <string.h>

/* Appends the trimmed value [b, e) or reports an empty one. */
static bool push_value(const char *arg, const char *b, const char *e, an_strvec *values,
		       struct diags *d)
{
	while (b < e && (*b == ' ' || *b == '\t'))
		b++;
	while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (b == e) {
		diags_add(
		    d, DIAG_ERROR, "set", NULL, 0, 0, NULL,
		    "--set %s: empty value in the list (quote it as \"\" for an empty string)",
		    arg);
		return false;
	}
	VEC_PUSH(*values, xstrndup(b, (size_t)(e - b)));
	return true;
}

bool an_split_values(const char *arg, char **key, an_strvec *values, struct diags *d)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		diags_add(d, DIAG_ERROR, "set", NULL, 0, 0, NULL,
			  "--set wants KEY=VALUE[,VALUE...], not '%s'", arg);
		return false;
	}
	int depth = 0;
	char quote = 0;
	const char *start = eq + 1;
	size_t first = values->len;
	bool ok = true;
	for (const char *p = start; ok && *p; p++) {
		if (quote) {
			if (*p == '\\' && quote == '"' && p[1])
				p++;
			else if (*p == quote)
				quote = 0;
		} else if (*p == '"' || *p == '\'') {
			quote = *p;
		} else if (*p == '[' || *p == '{') {
			depth++;
		} else if ((*p == ']' || *p == '}') && --depth < 0) {
			break;
		} else if (*p == ',' && depth == 0) {
			ok = push_value(arg, start, p, values, d);
			start = p + 1;
		}
	}
	if (ok && (depth != 0 || quote)) {
		diags_add(d, DIAG_ERROR, "set", NULL, 0, 0, NULL, "--set %s: unbalanced %s", arg,
			  quote ? "quote" : "brackets");
		ok = false;
	}
	ok = ok && push_value(arg, start, start + strlen(start), values, d);
	if (!ok) {
		while (values->len > first)
			free(values->items[--values->len]);
		return false;
	}
	*key = xstrndup(arg, (size_t)(eq - arg));
	return true;
}
