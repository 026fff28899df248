/* A queue in front of one end of the link between the relay and PID 1.
 * Neither side may block on the other (PID 1 must go on reaping; the relay
 * must go on forwarding), and neither may drop a message because the
 * socket was full for a moment: messages wait here, in order, and go as
 * the socket has room. The owner's loop polls for POLLOUT while
 * linkq_waiting() says so. */
#ifndef NSINIT_LINKQ_H
#define NSINIT_LINKQ_H

#include "lib/outq.h"

#include <stdbool.h>
#include <stddef.h>

struct linkq {
	int sock;         /* this side's end of the link, or -1 */
	const char *peer; /* for warnings: "the relay", "PID 1" */
	struct outq q;
};

#define LINKQ_INIT(sock, peer) { (sock), (peer), OUTQ_INIT }

/* Queue one message (with fd, or -1, which goes with it) and send what
 * the socket has room for. Returns 0, or -1 if memory ran out: nothing was
 * queued then, and fd is still the caller's. */
int linkq_send(struct linkq *l, int type, int value, const void *payload, size_t len, int fd);

/* Send what waits, as far as the socket has room. */
void linkq_flush(struct linkq *l);

/* Something waits for room. */
bool linkq_waiting(const struct linkq *l);

/* Wait until everything queued has gone, or the peer is gone. */
void linkq_flush_all(struct linkq *l);

/* Drop what still waits (closing its fds) and free the queue. */
void linkq_free(struct linkq *l);

#endif
