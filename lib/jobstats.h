/* What the job used: wall time, CPU time and peak memory of the whole tree,
 * and how many processes were reaped. The process that reaped everything
 * (PID 1, or the relay that reaped PID 1) has all of it in its
 * RUSAGE_CHILDREN: every process a child waited for adds to the child's. */
#ifndef NSINIT_JOBSTATS_H
#define NSINIT_JOBSTATS_H

#include <stdint.h>

struct job_stats {
	uint64_t wall_us;
	uint64_t user_us, system_us; /* CPU time of every reaped process */
	long max_rss_kib;            /* the largest peak RSS of any of them */
	unsigned reaped;             /* processes reaped, the command included */
};

/* Fill s from RUSAGE_CHILDREN and the clock (start_us: clock_now_us() when
 * the job began). */
void job_stats_collect(struct job_stats *s, uint64_t start_us, unsigned reaped);

/* The exit event with the code and the stats, and with -v the last line:
 * "exit 0: ran 1.204 s, CPU 0.500 s user + 0.010 s system, peak RSS
 * 10240 KiB, 3 processes reaped". */
void job_stats_report(int code, const struct job_stats *s);

#endif
