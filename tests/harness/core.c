/* The harness core (see core.h): no Criterion here. */
#define _GNU_SOURCE
#include "core.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define ERRPIPE_FD 1023 /* where the exec-error pipe lives in the child */
#define MAX_PROCS 64
/* execve takes char *const[]; the strings are never written through it. */
static char *unconst(const char *s)
{
	union {
		const char *c;
		char *m;
	} u = { s };
	return u.m;
}

/* The pids of the processes still running, not pointers to their hs_proc:
 * tests keep those on the stack, and after a failed assertion hs_fini runs
 * when those frames are gone. */
static pid_t registry[MAX_PROCS];

/* ------------------------------------------------------------------ config */

bool hs_wrapped(void)
{
	const char *w = getenv("NSINIT_WRAP");
	if (!w)
		return false;
	for (; *w; w++)
		if (!isspace((unsigned char)*w))
			return true;
	return false;
}

long hs_ms(long ms)
{
	return hs_wrapped() ? ms * 10 : ms;
}

long long hs_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ----------------------------------------------------------------- buffers */

void hs_buf_add(struct hs_buf *b, const char *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (b->len + n + 1 > cap)
			cap *= 2;
		b->data = realloc(b->data, cap);
		if (!b->data)
			hs_fail("harness: out of memory");
		b->cap = cap;
	}
	memcpy(b->data + b->len, d, n);
	b->len += n;
	b->data[b->len] = 0;
}

bool hs_buf_take_line(struct hs_buf *b, char *line, size_t n)
{
	char *nl = b->data ? memchr(b->data, '\n', b->len) : NULL;
	if (!nl)
		return false;
	size_t len = (size_t)(nl - b->data);
	snprintf(line, n, "%.*s", (int)len, b->data);
	memmove(b->data, nl + 1, b->len - len); /* with the NUL */
	b->len -= len + 1;
	return true;
}

/* ----------------------------------------------------------------- spawning */

static void registry_add(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (!registry[i]) {
			registry[i] = pid;
			return;
		}
	hs_fail("harness: too many processes");
}

static void registry_del(pid_t pid)
{
	for (int i = 0; i < MAX_PROCS; i++)
		if (pid && registry[i] == pid)
			registry[i] = 0;
}

static size_t vec_len(const char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

/* Build prefix + wrap words + nsinit + args. */
static char **build_argv(const struct hs_opts *o, const char *nsinit, const char *const *args)
{
	const char *wrap = getenv("NSINIT_WRAP");
	char *wrapcopy = strdup(wrap ? wrap : "");
	size_t nwrap = 0;
	for (char *s = wrapcopy; *s; s++)
		if (!isspace((unsigned char)*s) && (s == wrapcopy || isspace((unsigned char)s[-1])))
			nwrap++;
	size_t n = vec_len(o->prefix) + nwrap + 1 + vec_len(args) + 1;
	char **argv = calloc(n, sizeof *argv);
	if (!argv)
		hs_fail("harness: out of memory");
	size_t k = 0;
	for (size_t i = 0; i < vec_len(o->prefix); i++)
		argv[k++] = strdup(o->prefix[i]);
	char *save = NULL;
	for (char *tok = strtok_r(wrapcopy, " \t\n\v\f\r", &save); tok;
	     tok = strtok_r(NULL, " \t\n\v\f\r", &save))
		argv[k++] = strdup(tok);
	free(wrapcopy);
	argv[k++] = strdup(nsinit);
	for (size_t i = 0; i < vec_len(args); i++)
		argv[k++] = strdup(args[i]);
	argv[k] = NULL;
	return argv;
}

static char **build_envp(const char *const *extra)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **envp = calloc(n + vec_len(extra) + 1, sizeof *envp);
	if (!envp)
		hs_fail("harness: out of memory");
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t keylen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool replaced = false;
		for (size_t j = 0; j < vec_len(extra); j++)
			if (!strncmp(extra[j], environ[i], keylen) && extra[j][keylen] == '=')
				replaced = true;
		if (!replaced)
			envp[k++] = environ[i];
	}
	for (size_t j = 0; j < vec_len(extra); j++)
		envp[k++] = unconst(extra[j]);
	envp[k] = NULL;
	return envp;
}

static char *join(char **argv)
{
	struct hs_buf b = {0};
	for (size_t i = 0; argv[i]; i++) {
		if (i)
			hs_buf_add(&b, " ", 1);
		bool q = !*argv[i] || strpbrk(argv[i], " \t\n'\"$") != NULL;
		if (q)
			hs_buf_add(&b, "'", 1);
		hs_buf_add(&b, argv[i], strlen(argv[i]));
		if (q)
			hs_buf_add(&b, "'", 1);
	}
	return b.data ? b.data : strdup("");
}

static void child_fail(int err)
{
	while (write(ERRPIPE_FD, &err, sizeof err) < 0 && errno == EINTR)
		;
	_exit(127);
}

int hs_start(struct hs_proc *p, const struct hs_opts *o, const char *nsinit,
	     const char *const *args)
{
	static const struct hs_opts none = {0};
	if (!o)
		o = &none;
	memset(p, 0, sizeof *p);
	p->in_fd = p->out_fd = p->err_fd = p->pidfd = -1;

	char **argv = build_argv(o, nsinit, args);
	char **envp = build_envp(o->env);
	p->argv_str = join(argv);

	int in[2] = {-1, -1}, outp[2], errp[2], ep[2];
	if ((o->stdin_pipe && pipe2(in, O_CLOEXEC) < 0) || pipe2(outp, O_CLOEXEC) < 0 ||
	    pipe2(errp, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0)
		hs_fail("harness: pipe: %s", strerror(errno));
	int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0)
		hs_fail("harness: open /dev/null: %s", strerror(errno));

	pid_t parent = getpid();
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		hs_fail("harness: fork: %s", strerror(errno));
	if (pid == 0) {
		/* --- child --- */
		if (dup3(ep[1], ERRPIPE_FD, O_CLOEXEC) < 0)
			_exit(127);
		if (dup2(o->stdin_pipe ? in[0] : devnull, 0) < 0 || dup2(outp[1], 1) < 0 ||
		    dup2(errp[1], 2) < 0)
			child_fail(errno);
		if (syscall(SYS_close_range, 3, ERRPIPE_FD - 1, 0) < 0 ||
		    syscall(SYS_close_range, ERRPIPE_FD + 1, ~0U, 0) < 0)
			child_fail(errno);
		/* The raw system call: glibc's sigaction refuses 32 and 33, which
		 * GNU make starts its recipes with ignored. */
		struct {
			void *handler;
			unsigned long flags;
			void *restorer;
			unsigned long mask;
		} dfl = { SIG_DFL, 0, NULL, 0 };
		for (int s = 1; s < NSIG; s++)
			if (s != SIGKILL && s != SIGSTOP)
				syscall(SYS_rt_sigaction, s, &dfl, NULL, sizeof(dfl.mask));
		sigset_t empty;
		sigemptyset(&empty);
		sigprocmask(SIG_SETMASK, &empty, NULL);
		/* If the test dies, the relay dies; nsinit then kills its namespace. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			child_fail(errno);
		if (getppid() != parent)
			_exit(127);
		setpgid(0, 0);
		if (o->prep)
			o->prep(o->prep_arg);
		if (o->cwd && chdir(o->cwd) < 0)
			child_fail(errno);
		execvpe(argv[0], argv, envp);
		child_fail(errno);
	}
	/* --- parent --- */
	close(devnull);
	close(ep[1]);
	close(outp[1]);
	close(errp[1]);
	if (o->stdin_pipe) {
		close(in[0]);
		p->in_fd = in[1];
	}
	p->pid = pid;
	p->out_fd = outp[0];
	p->err_fd = errp[0];
	registry_add(p->pid);

	int err = 0;
	ssize_t r;
	while ((r = read(ep[0], &err, sizeof err)) < 0 && errno == EINTR)
		;
	close(ep[0]);
	for (size_t i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
	free(envp);
	if (r != 0) { /* the child is gone through _exit(127): reap it */
		while (waitpid(pid, &p->wstatus, 0) < 0 && errno == EINTR)
			;
		p->exited = true;
		registry_del(pid);
		return err ? err : EIO;
	}
	p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (p->pidfd < 0)
		hs_fail("harness: pidfd_open(%d): %s", (int)pid, strerror(errno));
	return 0;
}

/* --------------------------------------------------------------- pumping */

static void reap_if_exited(struct hs_proc *p)
{
	if (p->exited)
		return;
	int st;
	pid_t r = waitpid(p->pid, &st, WNOHANG);
	if (r == p->pid) {
		p->exited = true;
		p->wstatus = st;
		p->t_exit_ms = hs_now_ms();
	}
}

/* Drop complete "--<pid>-- ..." lines (valgrind warnings) from stderr. */
static void filter_wrap_noise(struct hs_proc *p)
{
	if (!hs_wrapped() || !p->err.data)
		return;
	size_t pos = p->err_checked;
	for (;;) {
		char *line = p->err.data + pos;
		char *nl = memchr(line, '\n', p->err.len - pos);
		if (!nl)
			break;
		size_t len = (size_t)(nl - line) + 1;
		size_t d = 2;
		bool noise = line[0] == '-' && line[1] == '-';
		while (noise && d < len && isdigit((unsigned char)line[d]))
			d++;
		noise = noise && d > 2 && d + 2 <= len && line[d] == '-' && line[d + 1] == '-';
		if (noise) {
			memmove(line, line + len, p->err.len - pos - len + 1);
			p->err.len -= len;
		} else {
			pos += len;
		}
	}
	p->err_checked = pos;
}

/*
 * One poll round over the open output pipes (always both, so that a full
 * pipe can never block the child) and the pidfd.  Waits at most `ms`.
 */
void hs_pump(struct hs_proc *p, long ms)
{
	struct pollfd pf[3];
	int n = 0, io = -1, ie = -1, ip = -1;
	if (p->out_fd >= 0) {
		io = n;
		pf[n++] = (struct pollfd){.fd = p->out_fd, .events = POLLIN};
	}
	if (p->err_fd >= 0) {
		ie = n;
		pf[n++] = (struct pollfd){.fd = p->err_fd, .events = POLLIN};
	}
	if (!p->exited && p->pidfd >= 0) {
		ip = n;
		pf[n++] = (struct pollfd){.fd = p->pidfd, .events = POLLIN};
	}
	if (n == 0)
		return;
	if (ms < 0)
		ms = 0;
	int r = poll(pf, (nfds_t)n, (int)ms);
	if (r < 0) {
		if (errno != EINTR)
			hs_fail("harness: poll: %s", strerror(errno));
		return;
	}
	char buf[65536];
	if (io >= 0 && pf[io].revents) {
		ssize_t k = read(p->out_fd, buf, sizeof buf);
		if (k > 0)
			hs_buf_add(&p->out, buf, (size_t)k);
		else if (k == 0 || errno != EINTR) {
			close(p->out_fd);
			p->out_fd = -1;
		}
	}
	if (ie >= 0 && pf[ie].revents) {
		ssize_t k = read(p->err_fd, buf, sizeof buf);
		if (k > 0) {
			hs_buf_add(&p->err, buf, (size_t)k);
			filter_wrap_noise(p);
		} else if (k == 0 || errno != EINTR) {
			close(p->err_fd);
			p->err_fd = -1;
		}
	}
	if (ip >= 0 && pf[ip].revents)
		reap_if_exited(p);
}

static bool at_eof(const struct hs_proc *p, enum hs_which which)
{
	if ((which & HS_OUT) && p->out_fd >= 0)
		return false;
	if ((which & HS_ERR) && p->err_fd >= 0)
		return false;
	return true;
}

static bool has_needle(const struct hs_proc *p, enum hs_which which, const char *needle)
{
	if ((which & HS_OUT) && strstr(S(p->out), needle))
		return true;
	if ((which & HS_ERR) && strstr(S(p->err), needle))
		return true;
	return false;
}

bool hs_read_until(struct hs_proc *p, enum hs_which which, const char *needle, long timeout_ms)
{
	long long deadline = hs_now_ms() + timeout_ms;
	for (;;) {
		if (has_needle(p, which, needle))
			return true;
		long long now = hs_now_ms();
		if (at_eof(p, which) || now >= deadline)
			return false;
		hs_pump(p, (long)(deadline - now));
	}
}

bool hs_read_eof(struct hs_proc *p, enum hs_which which, long timeout_ms)
{
	long long deadline = hs_now_ms() + timeout_ms;
	for (;;) {
		if (at_eof(p, which))
			return true;
		long long now = hs_now_ms();
		if (now >= deadline)
			return false;
		hs_pump(p, (long)(deadline - now));
	}
}

bool hs_wait(struct hs_proc *p, long timeout_ms)
{
	long long deadline = hs_now_ms() + timeout_ms;
	for (;;) {
		reap_if_exited(p);
		if (p->exited)
			return true;
		long long now = hs_now_ms();
		if (now >= deadline)
			return false;
		hs_pump(p, (long)(deadline - now));
	}
}

int hs_code(const struct hs_proc *p)
{
	if (!p->exited)
		return -1000;
	if (WIFEXITED(p->wstatus))
		return WEXITSTATUS(p->wstatus);
	if (WIFSIGNALED(p->wstatus))
		return -WTERMSIG(p->wstatus);
	return -1000;
}

const char *hs_status_str(const struct hs_proc *p)
{
	static char buf[64];
	if (!p->exited)
		snprintf(buf, sizeof buf, "still running");
	else if (WIFEXITED(p->wstatus))
		snprintf(buf, sizeof buf, "exit %d", WEXITSTATUS(p->wstatus));
	else if (WIFSIGNALED(p->wstatus))
		snprintf(buf, sizeof buf, "killed by SIG%s", sigabbrev_np(WTERMSIG(p->wstatus)));
	else
		snprintf(buf, sizeof buf, "status 0x%x", p->wstatus);
	return buf;
}

void hs_close_stdin(struct hs_proc *p)
{
	if (p->in_fd >= 0)
		close(p->in_fd);
	p->in_fd = -1;
}

void hs_cleanup(struct hs_proc *p)
{
	if (!p || !p->pid)
		return;
	if (!p->exited) {
		kill(p->pid, SIGKILL);
		int st;
		while (waitpid(p->pid, &st, 0) < 0 && errno == EINTR)
			;
		p->exited = true;
		p->wstatus = st;
	}
	hs_close_stdin(p);
	if (p->out_fd >= 0)
		close(p->out_fd);
	if (p->err_fd >= 0)
		close(p->err_fd);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->out_fd = p->err_fd = p->pidfd = -1;
	free(p->out.data);
	free(p->err.data);
	free(p->argv_str);
	p->out = (struct hs_buf){0};
	p->err = (struct hs_buf){0};
	p->argv_str = NULL;
	registry_del(p->pid);
	p->pid = 0;
}

void hs_fini(void)
{
	for (int i = 0; i < MAX_PROCS; i++) {
		int st;

		if (!registry[i])
			continue;
		kill(registry[i], SIGKILL);
		while (waitpid(registry[i], &st, 0) < 0 && errno == EINTR)
			;
		registry[i] = 0;
	}
}

/* ------------------------------------------------------------------ /proc */

static pid_t first_child(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid, (int)pid);
	char *s = hs_slurp(path);
	if (!s)
		return 0;
	pid_t c = (pid_t)atol(s);
	free(s);
	return c;
}

pid_t hs_child_of(pid_t pid, long timeout_ms)
{
	long long deadline = hs_now_ms() + timeout_ms;
	for (;;) {
		pid_t c = first_child(pid);
		if (c > 0 || hs_now_ms() >= deadline)
			return c;
		poll(NULL, 0, 2); /* polling /proc with a deadline */
	}
}

pid_t hs_pid1(struct hs_proc *p, long timeout_ms)
{
	return hs_child_of(p->pid, timeout_ms);
}

bool hs_ns_link(pid_t pid, const char *ns, char *buf, size_t n)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
	ssize_t r = readlink(path, buf, n - 1);
	if (r < 0)
		return false;
	buf[r] = 0;
	return true;
}

char hs_proc_state(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	char *s = hs_slurp(path);
	if (!s)
		return 0;
	char *rp = strrchr(s, ')');
	char st = rp && rp[1] == ' ' ? rp[2] : '?';
	free(s);
	return st;
}

int hs_pids_in_ns(const char *link, pid_t *out, int max, int *zombies)
{
	int n = 0, z = 0;
	DIR *d = opendir("/proc");
	if (!d)
		hs_fail("harness: opendir /proc: %s", strerror(errno));
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!isdigit((unsigned char)e->d_name[0]))
			continue;
		pid_t pid = (pid_t)atol(e->d_name);
		char l[128];
		if (!hs_ns_link(pid, "pid", l, sizeof l) || strcmp(l, link) != 0)
			continue;
		if (n < max && out)
			out[n] = pid;
		n++;
		if (hs_proc_state(pid) == 'Z')
			z++;
	}
	closedir(d);
	if (zombies)
		*zombies = z;
	return n;
}

/* ------------------------------------------------------------------- text */

int hs_count_lines(const char *s)
{
	int n = 0;
	const char *last = s;
	for (; *s; s++)
		if (*s == '\n') {
			n++;
			last = s + 1;
		}
	if (*last)
		n++; /* final unterminated line */
	return n;
}

static bool next_line(const char **s, char *buf, size_t n)
{
	if (!**s)
		return false;
	const char *nl = strchr(*s, '\n');
	size_t len = nl ? (size_t)(nl - *s) : strlen(*s);
	size_t c = len < n - 1 ? len : n - 1;
	memcpy(buf, *s, c);
	buf[c] = 0;
	*s += len + (nl ? 1 : 0);
	return true;
}

int hs_count_matching(const char *s, const char *needle)
{
	int n = 0;
	char line[4096];
	while (next_line(&s, line, sizeof line))
		if (strstr(line, needle))
			n++;
	return n;
}

bool hs_find_line(const char *s, const char *needle, char *buf, size_t n)
{
	char line[4096];
	while (next_line(&s, line, sizeof line))
		if (strstr(line, needle)) {
			snprintf(buf, n, "%s", line);
			return true;
		}
	return false;
}

bool hs_find_regex_line(const char *s, const char *ere, char *buf, size_t n)
{
	regex_t re;
	int rc = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB);
	if (rc != 0)
		hs_fail("bad regex in test: %s", ere);
	char line[4096];
	bool found = false;
	while (!found && next_line(&s, line, sizeof line))
		if (regexec(&re, line, 0, NULL, 0) == 0) {
			snprintf(buf, n, "%s", line);
			found = true;
		}
	regfree(&re);
	return found;
}

bool hs_line_matches(const char *line, const char *ere)
{
	regex_t re;
	int rc = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB | REG_NEWLINE);
	if (rc != 0)
		hs_fail("bad regex in test: %s", ere);
	bool m = regexec(&re, line, 0, NULL, 0) == 0;
	regfree(&re);
	return m;
}

int hs_count_regex(const char *s, const char *ere)
{
	regex_t re;
	int rc = regcomp(&re, ere, REG_EXTENDED | REG_NOSUB);
	if (rc != 0)
		hs_fail("bad regex in test: %s", ere);
	int n = 0;
	char line[4096];
	while (next_line(&s, line, sizeof line))
		if (regexec(&re, line, 0, NULL, 0) == 0)
			n++;
	regfree(&re);
	return n;
}

char *hs_slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	struct hs_buf b = {0};
	char buf[8192];
	for (;;) {
		ssize_t r = read(fd, buf, sizeof buf);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		hs_buf_add(&b, buf, (size_t)r);
	}
	close(fd);
	return b.data ? b.data : strdup("");
}

bool hs_write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	bool ok;

	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	ok = fclose(f) == 0 && ok;
	return ok && chmod(path, mode) == 0;
}

/* ------------------------------------------------------------------ NSpid */

void hs_keep_host_proc(void *arg)
{
	(void)arg;
	int fd = open("/proc", O_RDONLY | O_DIRECTORY);
	if (fd < 0 || dup2(fd, HS_HOST_PROC_FD) < 0)
		_exit(124);
	if (fd != HS_HOST_PROC_FD)
		close(fd);
}

int hs_parse_nspid(const char *text, long *v, int max)
{
	const char *s = strstr(text, "NSpid:");
	if (!s)
		return -1;
	s += 6;
	int n = 0;
	for (;;) {
		char *end;
		long x = strtol(s, &end, 10);
		if (end == s)
			break;
		if (n < max)
			v[n] = x;
		n++;
		s = end;
		if (*s == '\n')
			break;
	}
	return n;
}
