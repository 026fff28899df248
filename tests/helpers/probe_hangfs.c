/* A FUSE file system whose one file's open(2) never returns: the raw kernel
 * protocol on /dev/fuse, no libfuse. MOUNTPOINT/cmd looks like an
 * executable; an execve of it blocks in FUSE_OPEN, which is read and never
 * answered, as a server stuck on its backend would (sshfs to a dead host). */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define CMD_NODE 2
#define VALID_S 3600 /* no revalidation while the test runs */

static int fuse_fd;
static const char *mountpoint;

static void leave(void)
{
	if (umount2(mountpoint, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		die("umount2");
	_exit(0);
}

/* Answer request `unique` with error `err` (0 or -errno) and body `body`. */
static void reply(uint64_t unique, int err, const void *body, size_t n)
{
	struct fuse_out_header h = { sizeof h + n, err, unique };
	struct iovec iov[2] = { { &h, sizeof h }, { (void *)(uintptr_t)body, n } };
	for (;;) {
		if (writev(fuse_fd, iov, n ? 2 : 1) >= 0)
			return;
		if (errno == ENOENT) /* the request was interrupted meanwhile */
			return;
		if (errno == ENODEV) /* unmounted, the connection aborted */
			leave();
		if (errno != EINTR)
			die("write /dev/fuse");
	}
}

static void fill_attr(uint64_t node, struct fuse_attr *a)
{
	memset(a, 0, sizeof *a);
	a->ino = node;
	a->mode = node == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0755;
	a->nlink = node == FUSE_ROOT_ID ? 2 : 1;
	a->size = node == FUSE_ROOT_ID ? 0 : 4096;
	a->blocks = a->size / 512;
	a->blksize = 4096;
}

/* One request: answer it, or for FUSE_OPEN remember it and answer never. */
static void serve(const char *buf, size_t len, uint64_t *open_unique)
{
	const struct fuse_in_header *in = (const void *)buf;
	const char *arg = buf + sizeof *in;
	if (len < sizeof *in || in->len != len) {
		errno = EPROTO;
		die("read /dev/fuse");
	}
	switch (in->opcode) {
	case FUSE_INIT: {
		const struct fuse_init_in *ii = (const void *)arg;
		struct fuse_init_out io = { .major = FUSE_KERNEL_VERSION,
					    .max_readahead = ii->max_readahead,
					    .max_write = 4096, .time_gran = 1 };
		io.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ? ii->minor
								 : FUSE_KERNEL_MINOR_VERSION;
		if (ii->major != FUSE_KERNEL_VERSION) {
			errno = EPROTO;
			die("FUSE_INIT: kernel protocol major");
		}
		reply(in->unique, 0, &io, sizeof io);
		return;
	}
	case FUSE_GETATTR: {
		struct fuse_attr_out ao = { .attr_valid = VALID_S };
		if (in->nodeid != FUSE_ROOT_ID && in->nodeid != CMD_NODE) {
			reply(in->unique, -ENOENT, NULL, 0);
			return;
		}
		fill_attr(in->nodeid, &ao.attr);
		reply(in->unique, 0, &ao, sizeof ao);
		return;
	}
	case FUSE_LOOKUP: {
		struct fuse_entry_out eo = { .nodeid = CMD_NODE, .entry_valid = VALID_S,
					     .attr_valid = VALID_S };
		if (in->nodeid != FUSE_ROOT_ID || strcmp(arg, "cmd")) {
			reply(in->unique, -ENOENT, NULL, 0);
			return;
		}
		fill_attr(CMD_NODE, &eo.attr);
		reply(in->unique, 0, &eo, sizeof eo);
		return;
	}
	case FUSE_OPEN:
		*open_unique = in->unique;
		out("open\n");
		return;
	case FUSE_INTERRUPT: { /* no answer: the open stays stuck */
		const struct fuse_interrupt_in *ir = (const void *)arg;
		if (ir->unique == *open_unique)
			out("interrupt\n");
		return;
	}
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
		return; /* the kernel expects no answer */
	case FUSE_ACCESS:
		reply(in->unique, 0, NULL, 0);
		return;
	default:
		reply(in->unique, -ENOSYS, NULL, 0);
	}
}

int cmd_hangfs(int argc, char **argv)
{
	static char buf[FUSE_MIN_READ_BUFFER + 65536];
	char data[128];
	uint64_t open_unique = 0;

	if (argc != 3)
		usage();
	mountpoint = argv[2];
	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0)
		die("open /dev/fuse");
	snprintf(data, sizeof data, "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other",
		 fuse_fd);
	if (mount("hangfs", mountpoint, "fuse", MS_NOSUID | MS_NODEV, data) < 0)
		die("mount");
	out("ready\n");
	for (;;) {
		struct pollfd pf[2] = { { .fd = STDIN_FILENO, .events = POLLIN },
					{ .fd = fuse_fd, .events = POLLIN } };
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pf[0].revents) {
			ssize_t r = read(STDIN_FILENO, buf, sizeof buf);
			if (r == 0 || (r < 0 && errno != EINTR && errno != EAGAIN))
				leave(); /* EOF (or a broken stdin): the test is done */
		}
		if (pf[1].revents & (POLLERR | POLLHUP))
			leave(); /* the connection was aborted */
		if (!pf[1].revents)
			continue;
		ssize_t n = read(fuse_fd, buf, sizeof buf);
		if (n < 0) {
			if (errno == ENODEV)
				leave();
			/* ENOENT: the request was interrupted before we read it */
			if (errno == EINTR || errno == EAGAIN || errno == ENOENT)
				continue;
			die("read /dev/fuse");
		}
		serve(buf, (size_t)n, &open_unique);
	}
}
