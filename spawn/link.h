/* The link: a SOCK_SEQPACKET pair between the relay (outside) and PID 1.
 *
 * Only the relay holds its end, so the socket closes exactly when the relay
 * exits, even by SIGKILL, and a relay that died early leaves it closed (no
 * race to lose): that is how PID 1 learns the relay is gone.
 *
 * First the relay sends one byte, the go-ahead: it has written what only it
 * can write from outside (a user namespace's id maps) and the pid file. PID 1
 * blocks on it, so it neither mounts /proc as an unmapped user nor starts a
 * command that could finish before the pid file exists.
 *
 * Then small messages, each one packet: see enum link_type. */
#ifndef NSINIT_LINK_H
#define NSINIT_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A connected, close-on-exec socket pair: [0] for the relay, [1] for PID 1.
 * The relay's end passes credentials: it takes a message only from PID 1
 * itself (the kernel names the sender), or the one LINK_HELLO from PID 1's
 * child before the command starts, never from a process that got hold of
 * PID 1's end. */
void link_pair(int fds[2]);

/* Relay: tell PID 1 to go on (ok), or to exit 125 because the set-up failed
 * (the relay has said why). Dies if the message cannot be sent; PID 1 then
 * sees the socket close and gives up too. */
void link_go(int sock, bool ok);

/* PID 1: wait for the relay's go-ahead. Exits 125 if the relay failed (it
 * has said why) or died before giving it. */
void link_wait_go(int sock);

enum link_type {
	LINK_HELLO = 1, /* the command's child, before execve -> relay: its pid
			 * in the relay's namespace comes with the packet; the
			 * relay takes one, from a child of PID 1, before the
			 * command has started */
	LINK_COMMAND,   /* PID 1 -> relay: the command runs; value is its pid
			 * inside; the packet carries its pidfd, if there is one */
	LINK_EVENT,     /* PID 1 -> relay: one events line for the relay to write,
			 * so that one writer keeps the events in order */
	LINK_REAPED,    /* PID 1 -> relay, last: value is how many it reaped */
	LINK_FALLBACK,  /* PID 1 -> relay, before it exits 125: no fresh /proc can
			 * be had; the payload says why; run without a namespace */
	LINK_SIGNAL,    /* relay -> PID 1: value is a signal (after -r) to send,
			 * SIGCONT or a terminal's */
	LINK_STOP,      /* relay -> PID 1: the same, a stop signal (TERM, INT,
			 * QUIT), which PID 1 may hold for --stop-delay */
	LINK_STOP_DELIVERED, /* relay -> PID 1: stop signal `value` reached the
			 * command through its pidfd (for --stop-timeout) */
	LINK_STOPPED,   /* PID 1 -> relay: the command stopped (job control) */
	LINK_JOB_STOPPED, /* relay -> PID 1: the relay, which leads a shell's job
			 * on a terminal, stops itself now, so the shell sees the
			 * job stopped; PID 1 may wake the job's group (kill(0))
			 * if the command goes on first */
	LINK_JOB_RUNNING, /* relay -> PID 1: the relay runs again */
};

/* The longest payload: an events line. */
#define LINK_PAYLOAD_MAX 512

struct link_msg {
	int32_t type;
	int32_t value;
	uint32_t len; /* of payload */
	char payload[LINK_PAYLOAD_MAX];
};

/* Send a message with len bytes of payload, with fd attached if fd >= 0.
 * Never blocks. Returns 0 (also when the other side is gone, which its own
 * loop sees), or -1 with errno (EAGAIN: the socket is full). */
int link_send(int sock, int type, int value, const void *payload, size_t len,
	      int fd);

/* A LINK_HELLO message into *m, for the command's child, which shares PID
 * 1's memory and so cannot call link_send (errno): it sends the returned
 * number of bytes of *m as one message itself. */
size_t link_hello(struct link_msg *m);

/* The same in two steps, for a sender that queues what the socket has no
 * room for (init/linkq.c): the message into *m, returning its size; then the
 * sending of those bytes, with their fd. */
size_t link_pack(struct link_msg *m, int type, int value, const void *payload,
		 size_t len);
int link_send_packed(int sock, const void *packed, size_t size, int fd);

/* Receive a message without blocking. Returns 1 when one came (*fd is the fd
 * it carried, or -1; *sender the sender's pid as we see it, or 0), 0 when
 * none is there, -1 when the other side closed the socket or it failed. */
int link_recv(int sock, struct link_msg *m, int *fd, pid_t *sender);

#endif
