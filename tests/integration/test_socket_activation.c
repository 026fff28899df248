/* Socket activation through nsinit, as systemd does it: the listening socket
 * arrives as fd 3 with LISTEN_FDS=1 and LISTEN_PID naming the process the
 * manager started (nsinit). The command must find LISTEN_PID equal to its own
 * pid (as it sees it: 2 in the namespace) and serve on fd 3. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

TestSuite(socket_activation, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

/* The command: checks what sd_listen_fds(3) checks, then echoes one line to
 * one client on fd 3. */
static const char server[] =
	"import os,socket,sys\n"
	"pid=os.environ.get('LISTEN_PID'); fds=os.environ.get('LISTEN_FDS')\n"
	"print('LISTEN_PID=%s pid=%d LISTEN_FDS=%s' % (pid, os.getpid(), fds), flush=True)\n"
	"if pid != str(os.getpid()) or fds != '1': sys.exit(3)\n"
	"s=socket.socket(fileno=3); print('ready', flush=True)\n"
	"c,_=s.accept(); c.sendall(c.recv(100)); c.close()\n";

static struct sockaddr_un addr = { .sun_family = AF_UNIX };
/* The harness builds the environment before it forks; the child fills this
 * entry of it in place once its pid is known. */
static char listen_pid[32] = "LISTEN_PID=0000000000";

/* In nsinit's child before exec (the harness has closed every fd above 2):
 * make the listener, put it at fd 3, and name in LISTEN_PID the process about
 * to exec nsinit, as systemd does. */
static void activate(void *arg)
{
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	(void)arg;
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0)
		_exit(120);
	if (fd != 3 && (dup2(fd, 3) < 0 || close(fd) < 0))
		_exit(121);
	snprintf(listen_pid, sizeof(listen_pid), "LISTEN_PID=%d", (int)getpid());
}

Test(socket_activation, listen_pid_rewritten_and_fd_passed)
{
	struct hs_opts o = { .prep = activate, .env = HS_ARGV(listen_pid, "LISTEN_FDS=1") };
	struct hs_proc p;
	char reply[16] = "";
	int c;

	if (access("/usr/bin/python3", X_OK) != 0)
		cr_skip("needs python3");
	snprintf(addr.sun_path, sizeof(addr.sun_path), "/tmp/nsinit-activation-%d.sock", (int)getpid());
	unlink(addr.sun_path);

	hs_spawn(&p, &o, HS_ARGV("--", "python3", "-c", server));
	cr_assert(hs_read_until(&p, HS_OUT, "ready", hs_ms(10000)),
		  "the command refused the activation:\n%s%s", p.out.data ? p.out.data : "",
		  p.err.data ? p.err.data : "");
	cr_expect(strstr(p.out.data, "LISTEN_PID=2 pid=2 LISTEN_FDS=1"), "%s", p.out.data);

	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert(c >= 0 && connect(c, (struct sockaddr *)&addr, sizeof(addr)) == 0);
	cr_assert(write(c, "hi\n", 3) == 3);
	cr_expect(read(c, reply, sizeof(reply) - 1) == 3 && strcmp(reply, "hi\n") == 0,
		  "the command did not serve on the passed socket: '%s'", reply);
	close(c);
	cr_assert(hs_wait(&p, hs_ms(10000)));
	cr_expect_eq(hs_code(&p), 0, "%s", hs_status_str(&p));
	hs_cleanup(&p);
	unlink(addr.sun_path);
}

Test(socket_activation, foreign_listen_pid_is_left_alone)
{
	struct hs_proc p;
	struct hs_opts o = { .env = HS_ARGV("LISTEN_PID=1", "LISTEN_FDS=1") };

	hs_run(&p, &o, HS_ARGV("--", "sh", "-c", "echo \"LISTEN_PID=$LISTEN_PID\""), hs_ms(10000));
	cr_expect(p.out.data && strstr(p.out.data, "LISTEN_PID=1\n"), "%s",
		  p.out.data ? p.out.data : "");
	hs_cleanup(&p);
}
