/* The link's send queue (linkq.h): outq's records, sent with SCM_RIGHTS
 * for the fd a record carries. */
#include "init/linkq.h"

#include "lib/msg.h"
#include "lib/sys.h"
#include "spawn/link.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

static void close_fd(int fd)
{
	(void)close(fd);
}

void linkq_flush(struct linkq *l)
{
	const void *head;
	size_t len;
	int fd;

	while ((head = outq_peek(&l->q, &len, &fd))) {
		/* A peer that is gone counts as sent (link_send_packed). */
		if (link_send_packed(l->sock, head, len, fd) < 0) {
			if (errno == EAGAIN)
				return;
			/* Neither a full socket nor a peer gone: nothing
			 * more can go. */
			warn_errno("cannot write to %s", l->peer);
			(void)outq_clear(&l->q, close_fd);
			return;
		}
		fd = outq_advance(&l->q, len);
		if (fd >= 0)
			close(fd);
	}
}

int linkq_send(struct linkq *l, int type, int value, const void *payload, size_t len, int fd)
{
	static struct link_msg m; /* static: a small stack must not pay for it */

	if (outq_push(&l->q, &m, link_pack(&m, type, value, payload, len), fd) < 0)
		return -1;
	linkq_flush(l);
	return 0;
}

bool linkq_waiting(const struct linkq *l)
{
	return !outq_empty(&l->q);
}

void linkq_flush_all(struct linkq *l)
{
	linkq_flush(l);
	while (linkq_waiting(l)) {
		struct pollfd pfd = { .fd = l->sock, .events = POLLOUT };

		if (sys_poll(&pfd, 1, -1) < 0) {
			warn_errno("cannot wait for %s", l->peer);
			return;
		}
		linkq_flush(l);
	}
}

void linkq_free(struct linkq *l)
{
	(void)outq_clear(&l->q, close_fd);
	free(l->q.buf);
	l->q.buf = NULL;
	l->q.cap = 0;
}
