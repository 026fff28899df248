/* The link between relay and PID 1: SCM_RIGHTS and SCM_CREDENTIALS over a
 * SOCK_SEQPACKET pair, one message a packet. */
#include "spawn/link.h"

#include "lib/exitcode.h"
#include "lib/msg.h"
#include "lib/sys.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_LEN offsetof(struct link_msg, payload)

void link_pair(int fds[2])
{
	int on = 1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) < 0)
		die_errno("cannot create a socket pair");
	if (setsockopt(fds[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0)
		die_errno("cannot ask for credentials on the relay's socket");
}

/* The go-ahead is one byte. */
enum { GO = 'g', STOP = 's' };

void link_go(int sock, bool ok)
{
	char byte = ok ? GO : STOP;

	/* EPIPE: PID 1 died already; the relay reaps it and passes on its code.
	 * Any other failure would leave PID 1 waiting: dying closes the socket,
	 * which PID 1 takes as the relay gone. */
	if (sys_write(sock, &byte, 1) < 0 && errno != EPIPE)
		die_errno("cannot tell PID 1 to go on");
}

void link_wait_go(int sock)
{
	char byte = 0;

	/* Nothing but the relay's exit (or death) closes the socket. */
	if (sys_read(sock, &byte, 1) != 1)
		die("the relay exited before the namespace was set up");
	if (byte != GO)
		_exit(EXIT_NSINIT_FAILED); /* the relay has printed why */
}

size_t link_hello(struct link_msg *m)
{
	memset(m, 0, HEADER_LEN);
	m->type = LINK_HELLO;
	return HEADER_LEN;
}

size_t link_pack(struct link_msg *m, int type, int value, const void *payload,
		 size_t len)
{
	if (len > sizeof(m->payload))
		len = sizeof(m->payload);
	m->type = type;
	m->value = value;
	m->len = (uint32_t)len;
	if (len)
		memcpy(m->payload, payload, len);
	return HEADER_LEN + len;
}

int link_send_packed(int sock, const void *packed, size_t size, int fd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { (void *)(uintptr_t)packed, size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&control, 0, sizeof(control));
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	/* EPIPE: the other side is gone, which its own loop sees on its own;
	 * ECONNRESET: the same, said once, when it left messages unread. */
	if (sys_sendmsg(sock, &msg, MSG_DONTWAIT) < 0 && errno != EPIPE && errno != ECONNRESET)
		return -1;
	return 0;
}

int link_send(int sock, int type, int value, const void *payload, size_t len,
	      int fd)
{
	struct link_msg m;

	return link_send_packed(sock, &m, link_pack(&m, type, value, payload, len), fd);
}

int link_recv(int sock, struct link_msg *m, int *fd, pid_t *sender)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
	} control;
	struct iovec iov = { m, sizeof(*m) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	*sender = 0;
	msg.msg_control = control.buf;
	msg.msg_controllen = sizeof(control.buf);
	n = sys_recvmsg(sock, &msg, MSG_DONTWAIT);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
			memcpy(fd, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_type == SCM_CREDENTIALS &&
			   c->cmsg_len == CMSG_LEN(sizeof(struct ucred))) {
			struct ucred cred;

			memcpy(&cred, CMSG_DATA(c), sizeof(cred));
			*sender = cred.pid;
		}
	}
	if ((size_t)n < HEADER_LEN || m->len != (size_t)n - HEADER_LEN) {
		/* Not one of ours: ignore it, but never leak an fd it carried. */
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		m->type = 0;
		m->len = 0;
	}
	return 1;
}
