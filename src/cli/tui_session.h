/*
 * Private to src/cli: the TUI command's sessions (a simulation or a replay shown in the TUI),
 * shared by cmd_tui.c and the lessons (cmd_tui_lesson.c).
 */
#ifndef STEPSCOPE_CLI_TUI_SESSION_H
#define STEPSCOPE_CLI_TUI_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "config/config.h"
#include "history/history.h"
#include "lesson/lesson.h"
#include "sim/sim.h"
#include "tui/tui.h"

/* How a simulation is set up; kept to re-run it (r, R) or reload it (e). */
struct sim_args {
	const char *config, *definition, *input, *items;
	VEC(const char *) sets;
	bool seed_given;
	uint64_t seed;
	bool no_config;			 /* lessons: defaults + their sets, never ./config.yaml */
	json_t *input_value, *item_list; /* lessons: inline input and items (borrowed) */
};

/* One execution shown: a replay (log + definition if found) or a live simulation. */
struct session {
	struct ev_log *log;
	struct asl_machine *model;
	char *description, *machine_name;
	struct hist_replay_source rsrc;
	struct ev_producer producer;
	bool replay;
	double speed; /* the scenario's simulation.speed, 0 = auto */
	/* simulation only */
	struct cfg_scenario scenario;
	bool has_scenario;
	json_t *input, *table_item;
	struct sim_engine *engine;
	struct sim_scenario_models *models;
	uint64_t seed;
	VEC(struct tui_log_line) logs; /* the engine's CloudWatch lines, as the TUI reads them */
	size_t logs_settled;	       /* lines before this one can no longer move */
	char cost[48];		       /* the finished run's cost estimate, "" until then */
	/* a lesson's side-by-side step: the second execution (owned), shown in the compare
	 * view with this session's as A; both are run to their end first */
	struct session *peer;
	struct tui_source peer_src; /* the peer as the TUI reads it */
	char *label, *deltas;	    /* compare view: this side's title, the B - A line */
};

/* A lesson being shown: every step's simulation arguments and pane contents. */
struct lesson_run {
	const struct lesson *l;
	size_t step; /* shown now */
	struct sim_args *args;
	struct tui_lesson *views;
	struct tui_pause **pauses;
	json_t **items;		/* generated item lists, NULL where none */
	char *compare;		/* every step's outcome (steps with `compare: true` show it) */
	struct sim_args *vargs; /* steps with `versus`: the second execution's arguments */
	bool ascii;		/* the deltas line in ASCII */
};

struct dump_opts {
	int w, h;
	const char *keys, *at;
	bool roles;
	long bench; /* > 0: render that many frames and print the time per frame instead */
};

struct tui_args {
	const char *replay, *definition;
	const char *positional; /* a history, or else a definition */
	struct sim_args sim;
	struct tui_options opt;
	struct dump_opts dump;
	bool dumping;
};

/* Frees a session (NULL is a no-op). */
void tui_session_free(struct session *s);
/* A new simulation session from a (borrowed); seed NULL = --seed or the scenario's. NULL with
 * the reason in d. Owned by the caller. */
struct session *tui_sim_session_new(const struct sim_args *a, const uint64_t *seed,
				    struct diags *d);
/* A lesson step's session (owned by the caller): with `versus`, the second execution as its
 * peer, both run to their end, and the deltas. NULL with the reason in d. */
struct session *lesson_step_session(struct lesson_run *lr, size_t step, struct diags *d);
/* Parses the tui options of argv[1..]; *done after --help. */
int tui_parse_args(int argc, char **argv, struct tui_args *a, bool *done);
/* Shows session s (taken) in the TUI, or dumps a frame; sim and lr (borrowed, may be NULL)
 * rebuild it on r / R / e and n / p. Returns the exit status. */
int tui_run_session(struct session *s, const struct tui_args *a, struct sim_args *sim,
		    struct lesson_run *lr);

#endif
