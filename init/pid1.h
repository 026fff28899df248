/* The PID 1 runtime: start the command, then reap, forward and shut down. */
#ifndef NSINIT_PID1_H
#define NSINIT_PID1_H

#include "init/options.h"
#include "lib/outq.h"
#include "spawn/command.h"

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* What the shutdown has done so far. */
struct shutdown {
	bool begun;
	bool killed;          /* SIGKILL sent: only reaping is left */
	uint64_t start_us;    /* when the kill-child signal went out */
	uint64_t deadline_us; /* when the grace period ends */
	unsigned left;        /* processes reaped since the shutdown began */
};

/* Everything the signal loop needs; nothing else is global. */
struct pid1 {
	const struct options *opts;
	pid_t command;       /* the command's pid while it runs, else 0 */
	struct command_launch launch; /* its report socket, until execve's outcome */
	int start_code;      /* the command never ran: a step before it failed
			      * (the code), or START_KILLED */
	pid_t command_group; /* the process group it led (its first pid) */
	int command_status;  /* its wait status, once it has exited */
	bool command_done;
	bool owns_namespace; /* PID 1 of a PID namespace: kill(-1) means exactly it */
	uint64_t stop_us;    /* when a stop signal (TERM, INT, QUIT) came, or 0 */
	int stop_sig;        /* what it was forwarded as */
	bool stop_spread;    /* --wait-all: it went on to what the command left */
	bool relay_stopped;  /* the relay stopped itself as its job's leader */
	int held_sig;        /* --stop-delay: a stop signal held back, or 0 */
	uint64_t held_until_us;
	uint64_t start_us;   /* when the command started */
	uint64_t timeout_at_us; /* --timeout: when it runs out, or 0 */
	bool timed_out;      /*   it did: the stop signal went to the command */
	unsigned reaped;     /* every child reaped but the command */
	pid_t self;          /* our pid, asked once: musl does not cache it */
	int relay_sock;      /* the socket to the relay, or -1 */
	struct outq to_relay; /* messages the socket had no room for yet */
	int proc_fd;         /* our namespace's /proc, for names, or -1 */
	struct shutdown sd;
};

/* Be init: start the command, run the loop, return nsinit's exit code.
 * `relay_sock` is PID 1's end of the relay's socket, or -1 without a relay;
 * `pidfile_dirfd`: the directory of a pid file that PID 1 (no relay)
 * removes at exit, kept open; else -1. */
int pid1_run(const struct options *opts, const sigset_t *original_mask, int relay_sock,
	     int pidfile_dirfd);

/* Send the relay a message (link.h), in order after any that still wait
 * for room in the socket; an fd given is the queue's to close. Never
 * blocks. Returns 0, or -1 if memory ran out (nothing was queued). */
int pid1_to_relay(struct pid1 *p, int type, int value, const void *payload, size_t len, int fd);

/* start_code: a signal killed the command's child before its execve. */
#define START_KILLED (-1)

/* pid1.c: read how the command's execve went, once its report socket is
 * readable (or its child is gone); nothing once it is known. */
void pid1_start_outcome(struct pid1 *p);

/* reap.c: reap every child that has exited, without blocking. Records the
 * command's exit in p. Returns true when no child is left at all. */
bool reap_all(struct pid1 *p);
/* Has a child exited that is not reaped yet? */
bool reap_pending(void);

/* forward.c: pass a signal PID 1 received on to the command. */
struct signalfd_siginfo;
void forward_signal(struct pid1 *p, const struct signalfd_siginfo *si);
/* Send sig (after -r) to the command, or with --wait-all to what it left. */
void forward_send(struct pid1 *p, int sig);
/* A stop signal was forwarded as sig: note when, for --stop-timeout. */
void pid1_stop_requested(struct pid1 *p, int sig);
/* A stop signal came: forward it as sig, or hold it for --stop-delay. */
void forward_stop(struct pid1 *p, int sig);
/* Forward the held stop signal once --stop-delay has passed. */
void forward_held(struct pid1 *p);

/* reap.c: the command stopped or went on (job control). */
void pid1_command_stopped(struct pid1 *p);
void pid1_command_continued(struct pid1 *p);

/* Why the shutdown began; the events name it with the token, the log with
 * the sentence (shutdown.c). */
enum shutdown_reason {
	REASON_COMMAND_EXITED,
	REASON_RELAY_GONE,
	REASON_STOP_TIMEOUT,     /* the command outlived --stop-timeout after a stop */
	REASON_WAIT_ALL_TIMEOUT, /* --wait-all: what was left outlived --stop-timeout */
	REASON_TIMEOUT,          /* --timeout ran out */
	REASON_NOT_STARTED,      /* a step before the command's execve failed */
};

/* shutdown.c: send sig to every process left: kill(-1) as PID 1 of a PID
 * namespace, else only nsinit's own descendants (never the user's others). */
void shutdown_signal_all(const struct pid1 *p, int sig);

/* shutdown.c: send the kill-child signal to everything left. */
void shutdown_begin(struct pid1 *p, enum shutdown_reason why);
/* SIGKILL what is left once the grace period is over. */
void shutdown_check_deadline(struct pid1 *p);
/* The poll timeout in ms the shutdown needs: -1 when it needs none. */
int shutdown_poll_timeout(const struct pid1 *p);
/* Log how the shutdown went (-v). */
void shutdown_report(const struct pid1 *p);

#endif
