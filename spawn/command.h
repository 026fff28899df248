/* Starting the command: a child that shares PID 1's memory (or a fork), then
 * execve, its outcome read in PID 1's loop. PID 1's side; the child's own
 * code is spawn/child.c. */
#ifndef NSINIT_COMMAND_H
#define NSINIT_COMMAND_H

#include "spawn/caps.h"
#include "spawn/runas.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

enum command_session {
	SESSION_GROUP, /* a process group of its own in nsinit's session (tini) */
	SESSION_CTTY,  /* a session of its own that takes stdin's terminal as its
			* controlling terminal where it may (dumb-init's setsid:
			* --new-session, DUMB_INIT_SETSID=1) */
};

/* Everything the command's child needs to know. */
struct command_request {
	char *const *argv;       /* searched in PATH like execvp */
	const sigset_t *mask;    /* the mask nsinit was started with */
	enum command_session session;
	bool tty_foreground;     /* give it the terminal's foreground (SESSION_GROUP) */
	bool rewrite_listen_pid; /* set LISTEN_PID to its own pid */
	const struct runas *run_as;   /* --run-as: switch to these ids first, or NULL */
	int hello_sock;          /* the link to send LINK_HELLO on, or -1 */
	const struct caps_plan *caps; /* from caps_before_command() */
};

/* One start of the command. The child may share PID 1's memory until its
 * execve, so everything it reads lives here, in PID 1's struct pid1, and
 * stays as it is until command_outcome(). */
struct command_launch {
	pid_t pid;
	int report;      /* our end of the child's socket (close-on-exec), or -1 */
	int child_end;   /* the child's end */
	struct command_request rq;
	struct caps_plan caps;
	struct runas run_as;
	char **envp;     /* the command's environment: environ, or a copy */
	char listen_pid[32]; /* "LISTEN_PID=<pid>", the child writes the pid */
	void *stack;     /* the child's own stack while it shares our memory,
			  * with the guard below it: the whole mapping */
	size_t stack_size;
};

/* Start the command's child (spawn/child.c), which waits for command_go(),
 * then sets up its session, LISTEN_PID, ids and capabilities and execs. Dies (exit 125) if
 * it cannot; nothing runs then. */
void command_start(const struct command_request *rq, struct command_launch *l);

/* Let the child exec. Returns 0, or -1 with errno. */
int command_go(struct command_launch *l);

/* How the child's execve went, once l->report is readable (it is at the
 * latest once the child is gone). Returns 0 if it succeeded (the socket
 * closed empty); else prints one line naming the step that failed and
 * returns the exit code: 126 or 127 for execve itself, 125 for a step
 * before it. Closes l->report; the caller reaps the child, which exits at
 * once after a failure. */
int command_outcome(struct command_launch *l, const char *name);

/* Kill and reap the child before it ran anything. */
void command_abort(struct command_launch *l);

#endif
