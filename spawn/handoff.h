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
 * file exists. */
#ifndef NSINIT_HANDOFF_H
#define NSINIT_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>
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

/* After the go-ahead, both sides exchange small messages: */
enum link_type {
	LINK_COMMAND = 1, /* PID 1 -> relay: value is the command's pid inside; the
			   * message carries the command's pidfd, if there is one */
	LINK_STOPPED,     /* PID 1 -> relay: the command was stopped by signal value,
			   * so the relay stops too and a shell sees a stopped job */
	LINK_STOP,        /* relay -> PID 1: it sent the stop signal value straight
			   * to the command; the grace period of a stop starts */
};

struct link_msg {
	int32_t type;
	int32_t value;
};

/* Send a message, with fd attached if fd >= 0. Never blocks; a failure costs
 * only what the message was for, so it is a warning. */
void link_send(int sock, int type, int value, int fd);

/* Receive a message without blocking. Returns 1 when one came (*fd is the fd
 * it carried, or -1), 0 when none is there, -1 when the other side closed the
 * socket or it failed. */
int link_recv(int sock, struct link_msg *m, int *fd);

#endif
