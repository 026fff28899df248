/* What the command sees of itself: its start state, PID levels, capabilities, network. */
#define _GNU_SOURCE
#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static int fd_list(int *fds, int max)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		die("opendir /proc/self/fd");
	int self = dirfd(d), n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		int fd = atoi(e->d_name);
		if (fd == self || n >= max)
			continue;
		fds[n++] = fd;
	}
	closedir(d);
	for (int i = 1; i < n; i++) /* insertion sort */
		for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
			int t = fds[j];
			fds[j] = fds[j - 1];
			fds[j - 1] = t;
		}
	return n;
}

int cmd_status(int argc, char **argv)
{
	/* Collect the fd list before opening anything else. */
	int fds[256];
	int nfds = fd_list(fds, 256);

	FILE *f = fopen("/proc/self/status", "re");
	if (!f)
		die("fopen /proc/self/status");
	char line[1024];
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "SigBlk:", 7) || !strncmp(line, "SigIgn:", 7))
			out("%s", line);
	fclose(f);

	char buf[4096];
	int len = snprintf(buf, sizeof buf, "fds:");
	for (int i = 0; i < nfds && len < (int)sizeof buf - 16; i++)
		len += snprintf(buf + len, sizeof buf - (size_t)len, " %d", fds[i]);
	out("%s\n", buf);
	for (int i = 0; i < nfds; i++) {
		char path[64], target[PATH_MAX];
		snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
		ssize_t n = readlink(path, target, sizeof target - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		out("fd %d: %s\n", fds[i], target);
	}
	if (!getcwd(buf, sizeof buf))
		die("getcwd");
	out("cwd: %s\n", buf);
	/* argv[0] is the probe itself, argv[1] is "status": report all. */
	out("argc: %d\n", argc);
	for (int i = 0; i < argc; i++)
		out("argv[%d]: %s\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		out("env: %s\n", *e);
	return 0;
}

int cmd_nspid(int argc, char **argv)
{
	int fd;
	if (argc > 2)
		fd = openat((int)num_arg(argv[2]), "self/status", O_RDONLY | O_CLOEXEC);
	else
		fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("open status");
	FILE *f = fdopen(fd, "r");
	if (!f)
		die("fdopen");
	char line[1024];
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "NSpid:", 6)) {
			out("%s", line);
			fclose(f);
			return 0;
		}
	fclose(f);
	dprintf(STDERR_FILENO, "probe: no NSpid line\n");
	return 3;
}

/* The "Cap*" and "NoNewPrivs" lines of /proc/PID/status into buf, and its
 * CapEff into *eff; false if the process is gone. */
static int read_caps(const char *pid, char *buf, size_t n, unsigned long long *eff)
{
	char path[64], line[1024];
	size_t len = 0;
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return 0;
	buf[0] = 0;
	while (fgets(line, sizeof line, f)) {
		if (strncmp(line, "Cap", 3) != 0 && strncmp(line, "NoNewPrivs:", 11) != 0)
			continue;
		if (!strncmp(line, "CapEff:", 7))
			*eff = strtoull(line + 7, NULL, 16);
		len += (size_t)snprintf(buf + len, n - len, "%s", line);
		if (len >= n)
			len = n - 1;
	}
	fclose(f);
	return 1;
}

int cmd_caps(int argc, char **argv)
{
	if (argc < 3)
		usage();
	int wait = argc > 3;
	unsigned long long want = 0, eff = ~0ULL;
	if (wait) {
		char *end;
		want = strtoull(argv[3], &end, 16);
		if (end == argv[3] || *end)
			usage();
	}
	char buf[4096];
	long long deadline = mono_ms() + 20000;
	for (;;) {
		if (!read_caps(argv[2], buf, sizeof buf, &eff))
			die("read status");
		if (!wait || eff == want || mono_ms() > deadline)
			break;
		poll(NULL, 0, 1); /* polling /proc with a deadline */
	}
	out("%s", buf);
	return 0;
}

int cmd_netif(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct if_nameindex *ifs = if_nameindex();
	if (!ifs)
		die("if_nameindex");
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq ifr;
		memset(&ifr, 0, sizeof ifr);
		snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", i->if_name);
		if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
			die("SIOCGIFFLAGS");
		out("%s %s\n", i->if_name, (ifr.ifr_flags & IFF_UP) ? "up" : "down");
	}
	close(fd);
	if_freenameindex(ifs);
	return 0;
}
