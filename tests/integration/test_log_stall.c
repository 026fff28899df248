/* The -v log never stalls PID 1: with stderr on a terminal that is stopped
 * (Ctrl-S) and never read, or on a socket nobody reads, PID 1 keeps reaping
 * and the command's exit comes through. A blocking write there used to hold
 * PID 1 for as long as the reader slept: for ever. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

TestSuite(log_stall, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define ORPHANS 300

/* The command: ORPHANS orphans that exit at once, each a -v line of PID 1. */
#define ORPHAN_MAKER "i=0; while [ $i -lt 300 ]; do (true &); i=$((i+1)); done"

static const char *const roles[][2] = {
	{ "namespace", NULL },
	{ "-s", "-s" },
};

/* Run nsinit under prefix (which points its stderr at the stalled reader)
 * in each role: it must exit 0 promptly, having reaped every orphan. */
static void expect_no_stall(const char *what, const char *const *prefix, const char *env)
{
	struct hs_proc p[sizeof(roles) / sizeof(roles[0])];

	/* Every role at once: the suite waits for the stalled log once. */
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		struct hs_opts o = { .prefix = prefix, .env = HS_ARGV(env) };

		if (roles[i][1])
			hs_spawn(&p[i], &o,
				 HS_ARGV("-v", "--events=1", roles[i][1], "--", "sh", "-c",
					 ORPHAN_MAKER));
		else
			hs_spawn(&p[i], &o,
				 HS_ARGV("-v", "--events=1", "--", "sh", "-c", ORPHAN_MAKER));
	}
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		/* Each of the relay and PID 1 may wait one second once. */
		cr_expect(hs_wait(&p[i], hs_ms(20000)), "%s, %s: nsinit stalled on its log:\n%s",
			  what, roles[i][0], S(p[i].out));
		cr_expect_eq(hs_code(&p[i]), 0, "%s, %s: %s", what, roles[i][0], hs_status_str(&p[i]));
		hs_read_eof(&p[i], HS_OUT, hs_ms(5000));
		cr_expect_eq(hs_count_matching(S(p[i].out), "\"event\":\"reaped\""), ORPHANS,
			     "%s, %s: PID 1 did not reap every orphan:\n%s", what, roles[i][0],
			     S(p[i].out));
		cr_expect_eq(hs_count_matching(S(p[i].out), "\"event\":\"exit\""), 1,
			     "%s, %s:\n%s", what, roles[i][0], S(p[i].out));
		hs_cleanup(&p[i]);
	}
}

/* A pty whose master nobody reads, its output stopped as by Ctrl-S. */
Test(log_stall, stopped_terminal)
{
	int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	char env[64];
	int slave;

	if (hs_wrapped())
		cr_skip_test("valgrind writes its own warnings to the stopped terminal, and blocks");
	cr_assert(master >= 0, "posix_openpt: %s", strerror(errno));
	cr_assert(grantpt(master) == 0 && unlockpt(master) == 0, "pty: %s", strerror(errno));
	snprintf(env, sizeof(env), "PTS=%s", ptsname(master));
	slave = open(ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
	cr_assert(slave >= 0, "%s: %s", ptsname(master), strerror(errno));
	cr_assert(tcflow(slave, TCOOFF) == 0, "tcflow: %s", strerror(errno));
	expect_no_stall("stopped terminal",
			HS_ARGV("sh", "-c", "exec \"$0\" \"$@\" 2>\"$PTS\""), env);
	close(slave);
	close(master);
}

/* A connected Unix stream socket with a small send buffer, never accepted
 * nor read: send(2) would sleep once the buffer is full. (RWF_NOWAIT
 * already covered sockets; this keeps MSG_DONTWAIT honest.) */
Test(log_stall, unread_socket)
{
	const char *connect_py =
		"import os, socket, sys\n"
		"s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)\n"
		"s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)\n"
		"s.connect(os.environ['SOCK'])\n"
		"os.dup2(s.fileno(), 2)\n"
		"os.execv(sys.argv[1], sys.argv[1:])\n";
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/nsinit-stall-XXXXXX", env[160];
	int listener;

	if (hs_wrapped())
		cr_skip_test("valgrind writes its own warnings to the unread socket, and blocks");
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/sock", dir);
	snprintf(env, sizeof(env), "SOCK=%s", addr.sun_path);
	listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(listener >= 0, "socket: %s", strerror(errno));
	cr_assert(bind(listener, (struct sockaddr *)&addr, sizeof(addr)) == 0, "bind: %s",
		  strerror(errno));
	cr_assert(listen(listener, 8) == 0, "listen: %s", strerror(errno));
	expect_no_stall("unread socket", HS_ARGV("python3", "-c", connect_py), env);
	close(listener);
	unlink(addr.sun_path);
	rmdir(dir);
}
