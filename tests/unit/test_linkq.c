/* The link's send queue, on a real socket pair: a peer that does not read
 * for a while loses nothing, gets everything in order (the fd with its own
 * message), and the sender never blocks. Before linkq, the relay sent with
 * MSG_DONTWAIT and dropped what a full socket refused. */
#include "init/linkq.h"
#include "spawn/link.h"

#include <criterion/criterion.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MESSAGES 3000 /* many times what a SOCK_SEQPACKET pair holds */

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, 0) == 1;
}

Test(linkq, a_peer_that_reads_late_gets_every_message_in_order)
{
	int sv[2], pipefd[2];
	char text[32];

	link_pair(sv);
	cr_assert(pipe2(pipefd, O_CLOEXEC) == 0);
	struct linkq q = LINKQ_INIT(sv[1], "the test");

	/* Message 0 carries an fd: it goes with message 0 and no other. */
	cr_assert_eq(linkq_send(&q, LINK_COMMAND, 0, NULL, 0, pipefd[0]), 0);
	for (int i = 1; i < MESSAGES; i++) {
		int n = snprintf(text, sizeof(text), "line %d", i);
		cr_assert_eq(linkq_send(&q, LINK_EVENT, i, text, (size_t)n, -1), 0,
			     "message %d was refused", i);
	}
	cr_assert(linkq_waiting(&q), "the socket took %d messages: the test proves nothing",
		  MESSAGES);

	int next = 0;
	while (next < MESSAGES) {
		struct link_msg m;
		int fd = -1, got;
		pid_t sender;

		if (!readable(sv[0])) {
			/* The sender's loop: room came, send what waits. */
			cr_assert(linkq_waiting(&q), "message %d never came", next);
			linkq_flush(&q);
			continue;
		}
		got = link_recv(sv[0], &m, &fd, &sender);
		cr_assert_eq(got, 1, "link_recv: %d", got);
		cr_assert_eq(m.value, next, "message %d came as number %d", next, m.value);
		if (next == 0) {
			cr_assert_eq(m.type, LINK_COMMAND);
			cr_assert(fd >= 0, "the fd did not come with its message");
			/* It is the pipe's read end: what goes in comes out. */
			cr_assert_eq(write(pipefd[1], "x", 1), 1);
			char c = 0;
			cr_assert_eq(read(fd, &c, 1), 1);
			cr_assert_eq(c, 'x');
			close(fd);
		} else {
			int n = snprintf(text, sizeof(text), "line %d", next);
			cr_assert_eq(fd, -1, "message %d brought an fd", next);
			cr_assert_eq(m.type, LINK_EVENT);
			cr_assert_eq(m.len, (uint32_t)n);
			cr_assert(!memcmp(m.payload, text, (size_t)n), "message %d: '%.*s'", next,
				  (int)m.len, m.payload);
		}
		next++;
	}
	cr_assert(!linkq_waiting(&q));
	cr_assert(!readable(sv[0]), "more came than was sent");
	linkq_free(&q);
	close(sv[0]);
	close(sv[1]);
	close(pipefd[1]);
}

/* A peer that is gone: what waits counts as sent, and flush_all returns. */
Test(linkq, a_peer_gone_ends_the_wait)
{
	int sv[2];
	char text[] = "x";

	link_pair(sv);
	struct linkq q = LINKQ_INIT(sv[1], "the test");
	for (int i = 0; i < MESSAGES; i++)
		cr_assert_eq(linkq_send(&q, LINK_EVENT, i, text, 1, -1), 0);
	cr_assert(linkq_waiting(&q));
	close(sv[0]);
	linkq_flush_all(&q);
	cr_assert(!linkq_waiting(&q));
	linkq_free(&q);
	close(sv[1]);
}
