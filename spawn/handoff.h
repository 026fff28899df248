/* PID 1 hands the relay a pidfd of the command over a socket, so that the
 * relay can signal the command in one hop instead of waking PID 1 to relay
 * every signal. The same socket tells PID 1 when the relay dies: only the
 * relay holds the other end, so it closes exactly when the relay exits, and
 * a relay that died early leaves it closed (no race to lose).
 *
 * Before any of that, the relay sends PID 1 one message, the go-ahead: it
 * has written what only it can write from outside (a user namespace's id
 * maps) and the pid file. PID 1 blocks on it, so it neither mounts /proc as
 * an unmapped user nor starts a command that could finish before the pid
 * file exists. After it, the relay sends nothing more. */
#ifndef NSINIT_HANDOFF_H
#define NSINIT_HANDOFF_H

#include <stdbool.h>
#include <sys/types.h>

/* A connected, close-on-exec socket pair: [0] for the relay, [1] for PID 1. */
void handoff_pair(int fds[2]);

/* Relay: tell PID 1 to go on (ok), or to exit 125 because the set-up failed
 * (the relay has said why). Dies if the message cannot be sent; PID 1 then
 * sees the socket close and gives up too. */
void handoff_go(int sock, bool ok);

/* PID 1: wait for the relay's go-ahead. Exits 125 if the relay failed (it
 * has said why) or died before giving it. */
void handoff_wait_go(int sock);

/* PID 1: send the command's pid in the namespace and, if pidfd >= 0, the pidfd.
 * Failure only costs the fast path, so it is a warning. */
void handoff_send(int sock, pid_t ns_pid, int pidfd);

/* Relay: receive what handoff_send sent, without blocking. Returns 1 when the
 * message came (*pidfd is -1 if it carried none; *ns_pid is 0 if unknown),
 * 0 when nothing is there yet, -1 when PID 1 closed the socket or it failed. */
int handoff_recv(int sock, pid_t *ns_pid, int *pidfd);

#endif
