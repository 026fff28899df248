/*
 * Harness for the nsinit integration tests: the core (tests/harness/core.h,
 * no Criterion inside, shared with the soak) plus thin wrappers that fail
 * the running Criterion test.
 *
 * Environment:
 *   NSINIT        absolute path of the nsinit binary under test (required)
 *   NSINIT_PROBE  absolute path of tests/helpers/probe (required)
 *   NSINIT_WRAP   see core.h; PID 1's comm is not asserted under it
 *
 * A test spawns nsinit with hs_spawn() (or hs_run() for run-to-completion),
 * talks to it through pipes, and never sleeps: it waits on pipes and on a
 * pidfd of the relay, always with a deadline. hs_fini is every suite's .fini.
 */
#ifndef NSINIT_TEST_HARNESS_H
#define NSINIT_TEST_HARNESS_H

#include "tests/harness/core.h"

/* Safety net for Criterion; our own deadlines are much shorter. */
#define HS_SUITE_TIMEOUT 300.0

/* ---- configuration ---- */
const char *hs_nsinit(void);
const char *hs_probe(void);

/* ---- process control ---- */
/* Spawn prefix + wrap + NSINIT + args; asserts that exec succeeded. */
void hs_spawn(struct hs_proc *p, const struct hs_opts *o, const char *const *args);
/* Spawn, read stdout+stderr to EOF and wait for exit; asserts the deadline. */
void hs_run(struct hs_proc *p, const struct hs_opts *o, const char *const *args,
	    long timeout_ms);

/* How many PID namespace levels the test process itself sees. */
int hs_own_levels(void);

/* ---- argv helpers ---- */
/* `first` followed by args, in buf (max entries with the NULL). */
const char *const *hs_argv_with(const char **buf, size_t max, const char *first,
				const char *const *args);
/* Where no namespace can be made and none was asked for by name, nsinit runs
 * as a subreaper: run prefix + args (which start with "--") again and expect
 * the command's own exit 0 and one warning line with needle and the
 * fallback's words. */
void hs_expect_fallback(const struct hs_opts *o, const char *const *args, const char *needle);

#endif
