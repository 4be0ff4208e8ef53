/*
 * `stepscope definition`: the effective state machine definition (config knobs applied) as
 * plain, validated ASL JSON, ready for `aws stepfunctions create-state-machine --definition
 * file://…`. Hidden helper: `--reference` prints the config reference table (README
 * "Configuration").
 */
#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "asl/asl.h"
#include "config/config.h"
#include "doc/doc.h"

static const char help[] =
    "usage: stepscope definition [--config FILE] [--set KEY=VALUE]...\n"
    "Prints the effective state machine definition (the config's knobs applied) as JSON.\n"
    "  --config FILE     scenario file (default: ./config.yaml if present, else defaults)\n"
    "  --set KEY=VALUE   override a config key, e.g. --set stepfunc.maxConcurrency=3\n"
    "  --machine ID      which state machine of a CloudFormation/CDK template\n"
    "The definition (stepfunc.definition) may be ASL JSON or YAML, a CloudFormation or CDK\n"
    "template, or a cdk.out folder; it is validated first. Exit status 2 on any error.\n";

struct def_args {
	const char *config;
	const char *machine;
	VEC(const char *) sets;
	bool reference;
};

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct def_args *a)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			fputs(help, stdout);
			return EXIT_OK;
		} else if (!strcmp(arg, "--reference")) {
			a->reference = true;
		} else if (!strcmp(arg, "--config") || !strcmp(arg, "--set") ||
			   !strcmp(arg, "--machine")) {
			if (i + 1 >= argc) {
				cli_error("definition: %s needs a value", arg);
				return cli_usage_hint("definition");
			}
			if (arg[2] == 'c')
				a->config = argv[++i];
			else if (arg[2] == 'm')
				a->machine = argv[++i];
			else
				VEC_PUSH(a->sets, argv[++i]);
		} else if (!strncmp(arg, "--config=", 9)) {
			a->config = arg + 9;
		} else if (!strncmp(arg, "--machine=", 10)) {
			a->machine = arg + 10;
		} else if (!strncmp(arg, "--set=", 6)) {
			VEC_PUSH(a->sets, arg + 6);
		} else {
			cli_error("definition: unexpected argument '%s'", arg);
			return cli_usage_hint("definition");
		}
	}
	return -1;
}

/* jansson prints reals with 17 significant digits (1.1 → 1.1000000000000001); 15 digits
 * read back the same value for every real an ASL definition holds in practice. */
static bool reals_fit_15(json_t *j)
{
	if (json_is_real(j)) {
		char buf[32];
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(j));
		return strtod(buf, NULL) == json_real_value(j);
	}
	const char *k;
	json_t *v;
	size_t i;
	json_object_foreach(j, k, v)
	{
		if (!reals_fit_15(v))
			return false;
	}
	json_array_foreach(j, i, v)
	{
		if (!reals_fit_15(v))
			return false;
	}
	return true;
}

/* A missing definition is reported at the config line that names it, when there is one. */
static int missing_definition(const struct cfg_scenario *s, const char *why)
{
	const struct cfg_pos *at = &s->stepfunc.definition_at;
	if (!at->line)
		return cli_error("definition: cannot read the state machine definition: %s: %s",
				 s->stepfunc.definition, why);
	struct diags d;
	diags_init(&d);
	diags_add(&d, DIAG_ERROR, "io", s->file, at->line, at->column, NULL,
		  "cannot read the state machine definition: %s: %s", s->stepfunc.definition, why);
	diags_print(stderr, &d, s->source, s->source_len);
	diags_fini(&d);
	return EXIT_USAGE;
}

static int print_definition(const struct cfg_scenario *s, const char *machine_id)
{
	struct stat st;
	if (stat(s->stepfunc.definition, &st) != 0)
		return missing_definition(s, strerror(errno));
	/* The asl loader reads ASL JSON/YAML and CloudFormation/CDK templates alike, and
	 * validation catches what AWS would reject before anyone deploys it. */
	struct asl_load_options opt = {.machine_id = machine_id};
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_file(s->stepfunc.definition, &opt, &d);
	bool ok = m && asl_validate(m, &d);
	diags_print_files(stderr, &d);
	diags_fini(&d);
	if (!ok) {
		asl_machine_free(m);
		return EXIT_USAGE;
	}
	json_t *def = json_deep_copy(m->json);
	asl_machine_free(m);
	cfg_apply_knobs(def, s);
	size_t flags = JSON_INDENT(2) | (reals_fit_15(def) ? JSON_REAL_PRECISION(15) : 0);
	char *out = doc_dumps(def, flags);
	json_decref(def);
	if (!out)
		return cli_error("definition: cannot print the definition");
	puts(out);
	free(out);
	return EXIT_OK;
}

int cmd_definition(int argc, char **argv)
{
	struct def_args a = {0};
	int rc = parse_args(argc, argv, &a);
	if (rc < 0 && a.reference) {
		cfg_print_reference(stdout);
		rc = EXIT_OK;
	}
	if (rc >= 0) {
		VEC_FREE(a.sets);
		return rc;
	}
	struct stat st;
	const char *config = a.config;
	if (!config && stat("config.yaml", &st) == 0)
		config = "config.yaml";
	struct cfg_scenario s;
	struct diags d;
	diags_init(&d);
	if (!cfg_load(&s, config, a.sets.items, a.sets.len, &d)) {
		diags_sort(&d);
		diags_print(stderr, &d, s.source, s.source_len);
		rc = EXIT_USAGE;
	} else {
		rc = print_definition(&s, a.machine);
	}
	diags_fini(&d);
	cfg_scenario_fini(&s);
	VEC_FREE(a.sets);
	return rc;
}
