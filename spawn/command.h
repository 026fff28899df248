/* Starting the command: fork, hold it until PID 1 is ready, then exec. */
#ifndef NSINIT_COMMAND_H
#define NSINIT_COMMAND_H

#include "spawn/caps.h"

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

enum command_session {
	SESSION_GROUP, /* a process group of its own in nsinit's session (tini) */
	SESSION_NEW,   /* a session of its own, no controlling terminal */
	SESSION_CTTY,  /* a session of its own that takes stdin's terminal as its
			* controlling terminal where it may (dumb-init's setsid) */
};

/* Everything the command's child needs to know. */
struct command_request {
	char *const *argv;       /* searched in PATH like execvp */
	const sigset_t *mask;    /* the mask nsinit was started with */
	enum command_session session;
	bool tty_foreground;     /* give it the terminal's foreground (SESSION_GROUP) */
	bool rewrite_listen_pid; /* set LISTEN_PID to its own pid */
	struct caps_request caps;
	int hello_sock;          /* the link to send LINK_HELLO on, or -1 */
};

struct command_launch {
	pid_t pid;
	int ctl; /* our end of the control socket, or -1 */
};

/* Fork the command's child, which waits for command_release() before it
 * does anything, so that PID 1 can drop its own capabilities first. Dies
 * (exit 125) if it cannot fork; nothing runs yet. */
void command_fork(const struct command_request *rq, struct command_launch *l);

/* Let the child go on: it sets up its session, LISTEN_PID and capabilities
 * and execs. Returns 0 once execve has succeeded. If any step failed, reaps
 * the child, prints one line naming the step and returns the exit code:
 * 126 or 127 for execve itself, 125 for a step before it. */
int command_release(struct command_launch *l, const char *name);

/* Kill and reap the child before it ran anything. */
void command_abort(struct command_launch *l);

#endif
