/*
 * `stepscope sweep`: runs the scenario for every combination of the `--set KEY=V1,V2,...`
 * lists, N seeds each, spread over worker processes, and prints one row per combination.
 * Workers write fixed-size records to a pipe; the parent files them by combination and run
 * index, so the output does not depend on the number of jobs.
 */
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sys/wait.h>
#include <unistd.h>

#include "analysis/analysis.h"

static const char sweep_usage[] =
    "usage: stepscope sweep [--table | --json | --csv] [--runs N] [--jobs N] [--seed N]\n"
    "                       [--config FILE] [--set KEY=V1,V2,...]... [--items FILE]\n"
    "                       [--input FILE] [DEFINITION]\n"
    "\n"
    "Runs the scenario headless for every combination of the --set value lists (the first\n"
    "--set varies slowest) and prints makespan, p50/p95 item latency, Lambda invocations,\n"
    "retries, throttles, peak Map concurrency, state transitions and the estimated cost.\n"
    "  --set KEY=V1,V2     values to sweep, split at top-level commas only: {a: 1, b: 2}\n"
    "                      and [1, 2] stay one value; a single value is a plain override\n"
    "  --runs N            seeds per combination (seed, seed+1, ...; default 1); the row\n"
    "                      shows the mean and [min-max]\n"
    "  --jobs N            worker processes (default: one per core)\n"
    "  --seed N            first seed (default: each combination's simulation.seed)\n"
    "  --json, --csv       one row per combination as a JSON array or CSV\n"
    "  --config, --items, --input, DEFINITION   as for `stepscope run`\n"
    "Exit status: 0 every run finished, 2 usage or input error.\n";

struct sweep_args {
	enum { OUT_TABLE, OUT_JSON, OUT_CSV } format;
	struct an_source src;
	VEC(const char *) sets;
	long runs, jobs;
	bool seed_given;
	uint64_t seed;
};

static bool parse_count(const char *opt, const char *v, long max, long *out)
{
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno || *end || !*v || n < 1 || n > max) {
		cli_error("sweep: %s wants an integer from 1 to %ld, not '%s'", opt, max, v);
		return false;
	}
	*out = n;
	return true;
}

static bool option_value(struct sweep_args *sa, const char *a, const char *v)
{
	if (strcmp(a, "--set") == 0)
		VEC_PUSH(sa->sets, v);
	else if (strcmp(a, "--config") == 0)
		sa->src.config = v;
	else if (strcmp(a, "--items") == 0)
		sa->src.items = v;
	else if (strcmp(a, "--input") == 0)
		sa->src.input = v;
	else if (strcmp(a, "--runs") == 0)
		return parse_count(a, v, 100000, &sa->runs);
	else if (strcmp(a, "--jobs") == 0)
		return parse_count(a, v, 256, &sa->jobs);
	else {
		char *end;
		errno = 0;
		sa->seed = strtoull(v, &end, 10);
		sa->seed_given = true;
		if (errno || *end || !*v || *v == '-') {
			cli_error("sweep: --seed wants a non-negative integer, not '%s'", v);
			return false;
		}
	}
	return true;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct sweep_args *sa)
{
	static const char *const with_value[] = {"--set",  "--config", "--items", "--input",
						 "--runs", "--jobs",   "--seed"};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool valued = false;
		for (size_t k = 0; k < ARRAY_LEN(with_value); k++)
			valued = valued || strcmp(a, with_value[k]) == 0;
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(sweep_usage, stdout);
			return EXIT_OK;
		} else if (strcmp(a, "--json") == 0 || strcmp(a, "--csv") == 0 ||
			   strcmp(a, "--table") == 0) {
			sa->format = a[2] == 'j' ? OUT_JSON : a[2] == 'c' ? OUT_CSV : OUT_TABLE;
		} else if (valued) {
			if (i + 1 >= argc) {
				cli_error("sweep: %s needs a value", a);
				return cli_usage_hint("sweep");
			}
			if (!option_value(sa, a, argv[++i]))
				return cli_usage_hint("sweep");
		} else if (a[0] == '-' && a[1]) {
			cli_error("sweep: unknown option '%s'", a);
			return cli_usage_hint("sweep");
		} else if (sa->src.definition) {
			cli_error("sweep: one DEFINITION only");
			return cli_usage_hint("sweep");
		} else {
			sa->src.definition = a;
		}
	}
	return -1;
}

/* The grid: keys, each key's values, and every combination's scenario. */
struct grid {
	VEC(char *) keys;
	VEC(an_strvec) lists;
	size_t combos;
	char **values; /* combos × keys, borrowed from lists */
	struct an_scenario **scen;
};

static void grid_fini(struct grid *g)
{
	for (size_t k = 0; k < g->lists.len; k++) {
		for (size_t v = 0; v < g->lists.items[k].len; v++)
			free(g->lists.items[k].items[v]);
		VEC_FREE(g->lists.items[k]);
		free(g->keys.items[k]);
	}
	VEC_FREE(g->lists);
	VEC_FREE(g->keys);
	for (size_t c = 0; g->scen && c < g->combos; c++)
		an_scenario_free(g->scen[c]);
	free(g->scen);
	free(g->values);
}

/* Splits the lists and loads every combination's scenario (the first --set slowest). */
static bool grid_build(struct grid *g, struct sweep_args *sa)
{
	struct diags d;
	diags_init(&d);
	g->combos = 1;
	for (size_t i = 0; i < sa->sets.len; i++) {
		char *key;
		an_strvec vals = {0};
		if (!an_split_values(sa->sets.items[i], &key, &vals, &d)) {
			VEC_FREE(vals);
			break;
		}
		VEC_PUSH(g->keys, key);
		VEC_PUSH(g->lists, vals);
		g->combos *= vals.len;
		if (g->combos > 100000) {
			diags_add(&d, DIAG_ERROR, "set", NULL, 0, 0, NULL,
				  "sweep: more than 100000 combinations");
			break;
		}
	}
	size_t nk = g->keys.len;
	bool ok = d.list.len == 0;
	if (ok) {
		g->values = xcalloc(g->combos * (nk ? nk : 1), sizeof(char *));
		g->scen = xcalloc(g->combos, sizeof(*g->scen));
	}
	char **sets = xcalloc(nk ? nk : 1, sizeof(char *));
	for (size_t c = 0; ok && c < g->combos; c++) {
		size_t rest = c;
		for (size_t k = nk; k-- > 0;) {
			an_strvec *l = &g->lists.items[k];
			g->values[c * nk + k] = l->items[rest % l->len];
			rest /= l->len;
			sets[k] = xasprintf("%s=%s", g->keys.items[k], g->values[c * nk + k]);
		}
		sa->src.sets = (const char *const *)sets;
		sa->src.set_count = nk;
		g->scen[c] = an_scenario_load(&sa->src, &d);
		ok = g->scen[c] != NULL;
		for (size_t k = 0; k < nk; k++)
			free(sets[k]);
	}
	free(sets);
	for (size_t i = 0; !ok && i < d.list.len && !d.list.items[i].file; i++)
		cli_error("sweep: %s", d.list.items[i].message); /* value lists: no file */
	if (!ok && d.list.len && d.list.items[0].file) {
		diags_sort(&d);
		diags_print_files(stderr, &d);
	}
	diags_fini(&d);
	return ok;
}

/* What a worker sends per run. */
struct record {
	uint32_t combo, run;
	int32_t ok;
	struct an_metrics m;
};

static void run_one(const struct grid *g, const struct sweep_args *sa, size_t c, size_t r,
		    struct record *rec)
{
	struct diags d;
	diags_init(&d);
	uint64_t seed = (sa->seed_given ? sa->seed : an_scenario_seed(g->scen[c])) + r;
	memset(rec, 0, sizeof(*rec));
	rec->combo = (uint32_t)c;
	rec->run = (uint32_t)r;
	struct ev_log *log = an_scenario_run(g->scen[c], seed, &d);
	if (log) {
		an_measure(log, an_scenario_config(g->scen[c]), &rec->m);
		rec->ok = 1;
	} else {
		diags_print_files(stderr, &d);
	}
	ev_log_free(log);
	diags_fini(&d);
}

static bool write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Worker w of `jobs` runs combinations w, w + jobs, ... and writes their records to fd. */
static void worker(const struct grid *g, const struct sweep_args *sa, long w, int fd)
{
	struct record rec;
	for (size_t c = (size_t)w; c < g->combos; c += (size_t)sa->jobs)
		for (size_t r = 0; r < (size_t)sa->runs; r++) {
			run_one(g, sa, c, r, &rec);
			if (!write_all(fd, &rec, sizeof(rec)))
				_exit(3);
		}
}

/* Reads one worker's records into results; false when one is missing or refused. */
static size_t collect(int fd, struct an_metrics *results, bool *have, size_t runs)
{
	struct record rec;
	size_t got = 0, off = 0;
	for (;;) {
		ssize_t n = read(fd, (char *)&rec + off, sizeof(rec) - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
		if (off < sizeof(rec))
			continue;
		off = 0;
		if (rec.ok) {
			results[rec.combo * runs + rec.run] = rec.m;
			have[rec.combo * runs + rec.run] = true;
			got++;
		}
	}
	return got;
}

/* Runs everything; jobs == 1 stays in this process. False when a run failed. */
static bool run_grid(const struct grid *g, struct sweep_args *sa, struct an_metrics *results)
{
	size_t total = g->combos * (size_t)sa->runs, got = 0;
	bool *have = xcalloc(total, sizeof(bool));
	if (sa->jobs > (long)g->combos)
		sa->jobs = (long)g->combos;
	if (sa->jobs <= 1) {
		struct record rec;
		for (size_t c = 0; c < g->combos; c++)
			for (size_t r = 0; r < (size_t)sa->runs; r++) {
				run_one(g, sa, c, r, &rec);
				results[c * (size_t)sa->runs + r] = rec.m;
				got += rec.ok ? 1 : 0;
			}
		free(have);
		return got == total;
	}
	fflush(NULL); /* nothing buffered may be written twice */
	pid_t *pids = xcalloc((size_t)sa->jobs, sizeof(pid_t));
	int *fds = xcalloc((size_t)sa->jobs, sizeof(int));
	for (long w = 0; w < sa->jobs; w++) {
		int p[2];
		if (pipe(p) != 0 || (pids[w] = fork()) < 0) {
			cli_error("sweep: cannot start worker: %s", strerror(errno));
			fds[w] = -1;
			continue;
		}
		if (pids[w] == 0) {
			close(p[0]);
			for (long k = 0; k < w; k++)
				if (fds[k] >= 0)
					close(fds[k]);
			worker(g, sa, w, p[1]);
			close(p[1]);
			_exit(0);
		}
		close(p[1]);
		fds[w] = p[0];
	}
	/* A worker blocked on a full pipe waits until its turn: no deadlock, only order. */
	for (long w = 0; w < sa->jobs; w++) {
		if (fds[w] < 0)
			continue;
		got += collect(fds[w], results, have, (size_t)sa->runs);
		close(fds[w]);
		int st;
		while (waitpid(pids[w], &st, 0) < 0 && errno == EINTR)
			;
	}
	free(pids);
	free(fds);
	free(have);
	return got == total;
}

int cmd_sweep(int argc, char **argv)
{
	struct sweep_args sa = {.runs = 1};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	sa.jobs = cores > 0 ? cores : 1;
	int rc = parse_args(argc, argv, &sa);
	struct grid g = {0};
	if (rc < 0 && !grid_build(&g, &sa))
		rc = EXIT_USAGE;
	if (rc < 0) {
		struct an_metrics *results = xcalloc(g.combos * (size_t)sa.runs, sizeof(*results));
		if (!run_grid(&g, &sa, results)) {
			rc = cli_error("sweep: some runs could not be simulated");
		} else {
			struct an_sweep sw = {(const char *const *)g.keys.items,
					      g.keys.len,
					      (const char *const *)g.values,
					      g.combos,
					      (size_t)sa.runs,
					      results};
			if (sa.format == OUT_JSON)
				an_sweep_write_json(stdout, &sw);
			else if (sa.format == OUT_CSV)
				an_sweep_write_csv(stdout, &sw);
			else {
				an_sweep_write_table(stdout, &sw);
				fputc('\n', stdout);
				an_sweep_plot(stdout, &sw, 100);
			}
			rc = EXIT_OK;
		}
		free(results);
	}
	grid_fini(&g);
	VEC_FREE(sa.sets);
	return rc;
}
