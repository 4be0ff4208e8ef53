/*
 * `stepscope validate [--machine ID] FILE...`: loads each definition (ASL JSON/YAML,
 * CloudFormation/CDK template, cdk.out folder) and reports every problem AWS would reject,
 * located as file:line:col with the source line and a caret. Valid files print
 * "FILE: ok (N states)"; warnings (unreachable states) do not change the exit status.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

#include "asl/asl.h"

static const char usage[] =
    "usage: stepscope validate [--machine LOGICAL_ID] FILE...\n"
    "Checks state machine definitions: ASL JSON or YAML, CloudFormation or CDK templates\n"
    "(JSON or YAML), or a cdk.out folder. Prints FILE: ok (N states) for each valid file,\n"
    "else every problem as file:line:col: error: message [code].\n"
    "  --machine ID   which AWS::StepFunctions::StateMachine of a template to check\n"
    "Exit status: 0 all valid (warnings allowed), 2 errors or usage error.\n";

static bool validate_one(const char *path, const struct asl_load_options *opt)
{
	struct diags d;
	diags_init(&d);
	struct asl_machine *m = asl_load_file(path, opt, &d);
	bool ok = m && asl_validate(m, &d);
	diags_print_files(stderr, &d);
	if (ok)
		printf("%s: ok (%zu states)\n", path, m->total_states);
	asl_machine_free(m);
	diags_fini(&d);
	return ok;
}

int cmd_validate(int argc, char **argv)
{
	struct asl_load_options opt = {0};
	int first = 0, files = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		}
		if (strcmp(argv[i], "--machine") == 0) {
			if (i + 1 >= argc) {
				cli_error("validate: --machine needs a logical id");
				return cli_usage_hint("validate");
			}
			opt.machine_id = argv[++i];
		} else if (strncmp(argv[i], "--machine=", 10) == 0) {
			opt.machine_id = argv[i] + 10;
		} else if (argv[i][0] == '-' && argv[i][1] != '\0') {
			cli_error("validate: unknown option '%s'", argv[i]);
			return cli_usage_hint("validate");
		} else {
			if (!first)
				first = i;
			files++;
		}
	}
	if (!files) {
		cli_error("validate: no definition file given");
		return cli_usage_hint("validate");
	}
	bool all_ok = true;
	for (int i = first; i < argc; i++) {
		if (strcmp(argv[i], "--machine") == 0) {
			i++;
			continue;
		}
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			continue;
		fflush(stdout);
		all_ok = validate_one(argv[i], &opt) && all_ok;
	}
	return all_ok ? EXIT_OK : EXIT_USAGE;
}
