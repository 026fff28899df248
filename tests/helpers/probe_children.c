/* Children the command leaves behind, for the shutdown to deal with. */
#define _GNU_SOURCE
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Fork n children that block for ever with the default dispositions. */
static void fork_blockers(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t c = fork();
		if (c < 0)
			die("fork");
		if (c == 0)
			block_forever();
	}
}

/* probe spawn-bg N [stay] */
int cmd_spawn_bg(int argc, char **argv)
{
	if (argc < 3)
		usage();
	fork_blockers(num_arg(argv[2]));
	out("ready\n");
	if (argc > 3 && strcmp(argv[3], "stay") == 0)
		block_forever();
	return 0;
}

/* probe leave N CODE: ... then wait for EOF (or a line) on stdin. */
int cmd_leave(int argc, char **argv)
{
	if (argc < 4)
		usage();
	fork_blockers(num_arg(argv[2]));
	out("ready\n");
	char line[16];
	read_line_from(STDIN_FILENO, line, sizeof line);
	return (int)num_arg(argv[3]);
}

/* Fork a child that runs arm() and then live(); return once it has armed,
 * so that a test acting on "armed" never races the child's set-up. */
static int fork_armed(void (*arm)(void), void (*live)(void))
{
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid_t c = fork();
	if (c < 0)
		die("fork");
	if (c == 0) {
		close(p[0]);
		arm();
		if (write(p[1], "armed\n", 6) != 6)
			_exit(3);
		close(p[1]);
		live();
		_exit(0);
	}
	close(p[1]);
	char line[64];
	read_line_from(p[0], line, sizeof line);
	close(p[0]);
	if (strcmp(line, "armed") != 0) {
		dprintf(STDERR_FILENO, "probe: child did not arm\n");
		return 3;
	}
	return 0;
}

static void ignore_term(void)
{
	if (signal(SIGTERM, SIG_IGN) == SIG_ERR)
		_exit(3);
}

/* probe ignore-term-child */
int cmd_ignore_term_child(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int r = fork_armed(ignore_term, block_forever);
	if (r == 0)
		out("armed %lld\n", mono_ms());
	return r;
}

static void block_all(void)
{
	sigset_t all;
	sigfillset(&all);
	if (sigprocmask(SIG_BLOCK, &all, NULL) < 0)
		_exit(3);
}

static void name_first_signal(void)
{
	sigset_t all;
	siginfo_t si;
	int sig;
	char name[32];
	sigfillset(&all);
	while ((sig = sigwaitinfo(&all, &si)) < 0)
		if (errno != EINTR)
			_exit(3);
	sig_name(sig, name, sizeof name);
	out("%s\n", name);
}

/* probe bg-signals */
int cmd_bg_signals(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	int r = fork_armed(block_all, name_first_signal);
	if (r == 0)
		out("armed\n");
	return r;
}
