/*
 * The harness core: start nsinit with pipes, pump its output, wait for it
 * with deadlines, read /proc. No Criterion inside, so that the integration
 * tests (tests/integration/harness.h adds asserting wrappers) and the soak
 * (tests/soak/soak.c) share one copy.
 *
 * A set-up failure the caller cannot handle (no pipe, no fork, out of
 * memory, a bad regex in a test) goes to hs_fail(), which each program
 * that links the core defines: a failed assertion in the tests, an exit in
 * the soak.
 *
 * NSINIT_WRAP: an optional space-separated command prefix put in front of
 * nsinit (e.g. valgrind); deadlines are then widened x10 (hs_ms) and
 * valgrind's own warning lines ("--<pid>-- ...") are dropped from stderr
 * (its error lines, "==<pid>== ...", are kept so that they show up).
 *
 * Nothing here sleeps: it waits on pipes and on a pidfd of the process it
 * started, always with a deadline. Every process started is registered and
 * SIGKILLed by hs_fini() and, through PR_SET_PDEATHSIG, when its starter dies.
 */
#ifndef NSINIT_TEST_HARNESS_CORE_H
#define NSINIT_TEST_HARNESS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* NULL-terminated string vector literal. */
#define HS_ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* A buffer's text, "" before anything arrived. */
#define S(b) ((b).data ? (b).data : "")

struct hs_buf {
	char *data; /* always NUL-terminated (when non-NULL) */
	size_t len, cap;
};

typedef void (*hs_prep_fn)(void *arg);

struct hs_opts {
	/* argv put before [NSINIT_WRAP...] NSINIT (e.g. unshare ...). */
	const char *const *prefix;
	/* Extra "KEY=VALUE" entries added to (or replacing in) the environment. */
	const char *const *env;
	/* Working directory of the spawned process. */
	const char *cwd;
	/* Give the process a stdin pipe (p->in_fd) instead of /dev/null. */
	bool stdin_pipe;
	/*
	 * Run in the child right before execve, after signal dispositions were
	 * reset to default, the mask emptied and every fd >= 3 closed.
	 */
	hs_prep_fn prep;
	void *prep_arg;
};

struct hs_proc {
	pid_t pid;  /* the process we started (the relay) */
	int pidfd;
	int in_fd, out_fd, err_fd; /* -1 once closed / at EOF */
	struct hs_buf out, err;
	bool exited;
	int wstatus;
	long long t_exit_ms; /* hs_now_ms() when the exit was observed */
	size_t err_checked;  /* stderr up to here was filtered for wrapper noise */
	char *argv_str;      /* for messages */
};

enum hs_which { HS_OUT = 1, HS_ERR = 2, HS_BOTH = 3 };

/* Defined by the program that links the core; never returns. */
void hs_fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- configuration and time ---- */
bool hs_wrapped(void);
long hs_ms(long ms); /* deadline scaled for NSINIT_WRAP */
long long hs_now_ms(void);

/* ---- buffers ---- */
void hs_buf_add(struct hs_buf *b, const char *d, size_t n);
/* Move the first complete line (without its '\n') out of b into line. */
bool hs_buf_take_line(struct hs_buf *b, char *line, size_t n);

/* ---- process control ---- */
/* Start prefix + wrap + nsinit + args; 0, or the errno of the failed exec. */
int hs_start(struct hs_proc *p, const struct hs_opts *o, const char *nsinit,
	     const char *const *args);
/* One poll round over the output pipes and the pidfd, at most ms long. */
void hs_pump(struct hs_proc *p, long ms);
/* Read until `needle` appears in the stream (true) or EOF/deadline (false). */
bool hs_read_until(struct hs_proc *p, enum hs_which which, const char *needle,
		   long timeout_ms);
/* Read until EOF on the selected streams; false on deadline. */
bool hs_read_eof(struct hs_proc *p, enum hs_which which, long timeout_ms);
/* Wait for the process to exit (pumping the pipes); false on deadline. */
bool hs_wait(struct hs_proc *p, long timeout_ms);
/* Exit code if it exited, -SIGNAL if killed by a signal, -1000 if running. */
int hs_code(const struct hs_proc *p);
/* Human readable "exit 3" / "killed by SIGKILL" / "running". */
const char *hs_status_str(const struct hs_proc *p);
/* SIGKILL (if still running), reap, close and free. Idempotent. */
void hs_cleanup(struct hs_proc *p);
/* Kill and reap every process still registered (Criterion's .fini). */
void hs_fini(void);
/* Close the stdin pipe. */
void hs_close_stdin(struct hs_proc *p);

/* ---- /proc helpers ---- */
/* Read a whole (small) file into a malloc'd string; NULL on failure. */
char *hs_slurp(const char *path);
/* Create (or replace) path holding text, with mode; false on failure. */
bool hs_write_file(const char *path, const char *text, mode_t mode);
/* First child of `pid` (its main thread), waiting up to timeout; 0 if none. */
pid_t hs_child_of(pid_t pid, long timeout_ms);
/* Host pid of nsinit's PID 1 when it was started as the relay. */
pid_t hs_pid1(struct hs_proc *p, long timeout_ms);
/* readlink /proc/<pid>/ns/<ns>; false if impossible. */
bool hs_ns_link(pid_t pid, const char *ns, char *buf, size_t n);
/* Host processes whose ns/pid link equals `link`; returns how many (all are
   stored up to max). `zombies` (optional) gets how many of them are zombies. */
int hs_pids_in_ns(const char *link, pid_t *out, int max, int *zombies);
/* Process state letter of pid from /proc/<pid>/stat, 0 if gone. */
char hs_proc_state(pid_t pid);

/* ---- NSpid: the levels of PID namespaces, seen through the host's /proc
 *      (a namespace's own /proc shows only the levels from it down) ---- */
/* The fd at which hs_keep_host_proc leaves the host's /proc for the command. */
#define HS_HOST_PROC_FD 7
/* A prep hook: keep a directory fd of the caller's /proc at HS_HOST_PROC_FD. */
void hs_keep_host_proc(void *arg);
/* Fill v with the NSpid values of a status text; returns how many, -1 if none. */
int hs_parse_nspid(const char *text, long *v, int max);

/* ---- text helpers ---- */
/* Number of lines in s ("a\nb\n" -> 2, "a\nb" -> 2, "" -> 0). */
int hs_count_lines(const char *s);
/* Number of lines in s containing needle. */
int hs_count_matching(const char *s, const char *needle);
/* Copy the first line containing needle (without the '\n') into buf. */
bool hs_find_line(const char *s, const char *needle, char *buf, size_t n);
/* Copy the first line matching the extended regex into buf. */
bool hs_find_regex_line(const char *s, const char *ere, char *buf, size_t n);
/* Extended-regex match over a single line / the whole string. */
bool hs_line_matches(const char *line, const char *ere);
/* Number of lines in s matching the extended regex. */
int hs_count_regex(const char *s, const char *ere);

#endif
