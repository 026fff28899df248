/* Files, fds and messages that cannot be turned against the user: what
 * --pid-file and --events are given is opened as a stranger's, the caller's
 * fds stay the command's, events are valid JSON and UTF-8 whatever a process
 * is called, and no name can forge a message line. Each row asserts what the
 * user sees: the exit code, one "nsinit:" line, and files left as they were. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define NOBODY 65534

static char dir[64];

static void files_fini(void)
{
	hs_fini();
	if (dir[0]) {
		char cmd[96];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		dir[0] = '\0';
	}
}

TestSuite(files, .fini = files_fini, .timeout = HS_SUITE_TIMEOUT);

/* A private directory for the test (root's, 0755). */
static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/nsinit-files-XXXXXX");
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert(chmod(dir, 0755) == 0);
}

static void at(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	cr_assert(f, "%s: %s", path, strerror(errno));
	fputs(text, f);
	cr_assert(fclose(f) == 0);
}

/* nsinit failed as it should: exit 125, nothing else run, one line. */
static void expect_refusal(struct hs_proc *p, const char *needle)
{
	cr_expect_eq(hs_code(p), 125, "`%s`: %s\nstderr:\n%s", p->argv_str, hs_status_str(p),
		     S(p->err));
	cr_expect_eq(hs_count_lines(S(p->err)), 1, "`%s`: stderr:\n%s", p->argv_str, S(p->err));
	cr_expect(strncmp(S(p->err), "nsinit: ", 8) == 0 && strstr(S(p->err), needle),
		  "`%s`: no '%s' in stderr:\n%s", p->argv_str, needle, S(p->err));
	cr_expect(!strstr(S(p->out), "ran"), "`%s`: the command ran", p->argv_str);
}

/* ---------------------------------------------- a link planted by another */

/* As root, with a link planted by nobody in a sticky directory of nobody's:
 * the kernel's fs.protected_symlinks does not stop root from following it
 * there (the link's owner owns the directory), so the test does not depend
 * on that setting. The victim keeps its content, and the link stays. */
Test(files, a_planted_link_is_never_followed)
{
	const char *options[] = { "--pid-file", "--events" };
	const char *const roles[][2] = { { "--namespace", NULL }, { "--no-namespace", NULL } };
	char sticky[96], link[128], victim[96], option[160];

	make_dir();
	at(sticky, sizeof(sticky), "d");
	at(victim, sizeof(victim), "v");
	snprintf(link, sizeof(link), "%s/job.pid", sticky);
	cr_assert(mkdir(sticky, 0755) == 0 && chown(sticky, NOBODY, NOBODY) == 0 &&
		  chmod(sticky, 01777) == 0);
	write_file(victim, "victim\n");
	cr_assert(symlink(victim, link) == 0 && lchown(link, NOBODY, NOBODY) == 0);

	for (size_t i = 0; i < 2; i++)
		for (size_t r = 0; r < 2; r++) {
			struct hs_proc p;
			struct stat st;
			char *text;

			snprintf(option, sizeof(option), "%s=%s", options[i], link);
			hs_run(&p, NULL, HS_ARGV(roles[r][0], option, "--", "echo", "ran"),
			       hs_ms(10000));
			expect_refusal(&p, "is a symbolic link, not a regular file");
			text = hs_slurp(victim);
			cr_expect(text && strcmp(text, "victim\n") == 0,
				  "`%s`: the victim now holds '%s'", p.argv_str, text ? text : "(gone)");
			free(text);
			cr_expect(lstat(link, &st) == 0 && S_ISLNK(st.st_mode),
				  "`%s`: the planted link was removed", p.argv_str);
			hs_cleanup(&p);
		}
}

/* A link on the way to the file, in a directory another user can change:
 * root's --pid-file=/home/u/run/pids/x with u's pids -> /root replaced and
 * then removed /root/x. A link is followed only where no one but root (the
 * caller here) can have put it: a directory of root's that no one else may
 * write to, or a sticky one with the link root's. Links in a link's target
 * are judged too. Each row: where the path leads, and whether nsinit may
 * follow it there. */
Test(files, a_link_in_another_users_directory_is_not_followed)
{
	static const struct {
		const char *path; /* in dir; each leads to victim/x */
		bool allowed;
	} rows[] = {
		{ "user/pids/x", false },    /* nobody's directory, nobody's link */
		{ "group/pids/x", false },   /* root's link in a group-writable directory */
		{ "sticky/theirs/x", false }, /* nobody's link in a sticky one */
		{ "trusted/via/x", false },  /* root's link to nobody's link */
		{ "trusted/pids/x", true },  /* root's link in root's directory */
		{ "sticky/mine/x", true },   /* root's link in a sticky directory */
	};
	static const char *const setup =
		"set -e; cd \"$0\"; mkdir victim user group sticky trusted; "
		"chown 65534:65534 user; chgrp 65534 group; chmod 0775 group; chmod 1777 sticky; "
		"ln -s ../victim user/pids; chown -h 65534:65534 user/pids; "
		"ln -s ../victim group/pids; ln -s ../victim sticky/mine; "
		"ln -s ../victim sticky/theirs; chown -h 65534:65534 sticky/theirs; "
		"ln -s ../victim trusted/pids; ln -s ../user/pids trusted/via";
	const char *options[] = { "--pid-file", "--events" };
	const char *roles[] = { "--namespace", "--no-namespace" };
	char victim[128], cmd[600];

	make_dir();
	snprintf(cmd, sizeof(cmd), "sh -c '%s' '%s'", setup, dir);
	cr_assert(system(cmd) == 0, "`%s` failed", cmd);
	at(victim, sizeof(victim), "victim/x");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		for (size_t k = 0; k < 4; k++) {
			char path[128], option[160], want[400];
			struct hs_proc p;
			char *text;

			write_file(victim, "victim\n");
			at(path, sizeof(path), rows[i].path);
			snprintf(option, sizeof(option), "%s=%s", options[k / 2], path);
			hs_run(&p, NULL, HS_ARGV(roles[k % 2], option, "--", "cat", victim),
			       hs_ms(10000));
			text = hs_slurp(victim);
			if (!rows[i].allowed) {
				snprintf(want, sizeof(want), "nsinit: cannot use '%s' for %s: a "
					 "symbolic link on the way lies in a directory that a user "
					 "other than root or you can change; name the real directory\n",
					 path, options[k / 2]);
				cr_expect_eq(hs_code(&p), 125, "`%s`: %s", p.argv_str,
					     hs_status_str(&p));
				cr_expect_str_eq(S(p.err), want, "`%s`", p.argv_str);
				cr_expect_str_eq(S(p.out), "", "`%s`: the command ran", p.argv_str);
				cr_expect(text && strcmp(text, "victim\n") == 0,
					  "`%s`: the victim now holds '%s'", p.argv_str,
					  text ? text : "(gone)");
			} else if (k < 2) {
				/* The pid file was written there, and removed at exit. */
				cr_expect_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str,
					     hs_status_str(&p), S(p.err));
				cr_expect(hs_line_matches(S(p.out), "^[0-9]+\n$"),
					  "`%s`: the command read '%s'", p.argv_str, S(p.out));
				cr_expect(!text, "`%s`: the pid file outlived nsinit", p.argv_str);
			} else {
				/* The events were appended to the file of root's there. */
				cr_expect_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str,
					     hs_status_str(&p), S(p.err));
				cr_expect(text && strncmp(text, "victim\n", 7) == 0 &&
						  strstr(text, "{\"event\":\"exit\""),
					  "`%s`: the file holds '%s'", p.argv_str, text ? text : "(gone)");
			}
			free(text);
			hs_cleanup(&p);
		}
}

/* ------------------------------------ fifos, devices, ttys: refused at once */

struct target {
	const char *name; /* in dir; NULL: path is absolute */
	const char *path;
	mode_t type;      /* 0: made by nobody here (/dev/stdout) */
	const char *kind;
};

static void make_target(const struct target *t, char *path, size_t len)
{
	if (!t->name) {
		snprintf(path, len, "%s", t->path);
		return;
	}
	at(path, len, t->name);
	if (t->type == S_IFIFO)
		cr_assert(mkfifo(path, 0644) == 0);
	else if (t->type == S_IFCHR) /* /dev/full: every write fails */
		cr_assert(mknod(path, S_IFCHR | 0666, makedev(1, 7)) == 0, "mknod: %s",
			  strerror(errno));
	else if (t->type == S_IFDIR)
		cr_assert(mkdir(path, 0755) == 0);
}

/* A fifo without a reader hung nsinit before the command with every signal
 * blocked; a device whose write failed was unlinked; /dev/stdout (a pipe
 * here) hung nsinit after the command. Now each is refused in one line,
 * before the command, and left where it was. The harness's deadline is what
 * a hang runs into. */
Test(files, fifos_devices_and_directories_are_refused_and_left_alone)
{
	static const struct target targets[] = {
		{ "fifo", NULL, S_IFIFO, "a fifo" },
		{ "full", NULL, S_IFCHR, "a device" },
		{ "dir", NULL, S_IFDIR, "a directory" },
		{ NULL, "/dev/stdout", 0, "a symbolic link" },
		{ NULL, "/dev/null", 0, "a device" },
	};
	const char *options[] = { "--pid-file", "--events" };
	char path[128], option[160];

	make_dir();
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct target *t = &targets[i];
		struct stat before, after;

		make_target(t, path, sizeof(path));
		cr_assert(lstat(path, &before) == 0);
		for (size_t k = 0; k < 2; k++) {
			struct hs_proc p;
			char kind[64];

			snprintf(kind, sizeof(kind), "is %s, not a regular file", t->kind);
			snprintf(option, sizeof(option), "%s=%s", options[k], path);
			hs_run(&p, NULL, HS_ARGV(option, "--", "echo", "ran"), hs_ms(10000));
			expect_refusal(&p, kind);
			cr_expect(lstat(path, &after) == 0 && after.st_mode == before.st_mode &&
					  after.st_rdev == before.st_rdev && after.st_ino == before.st_ino,
				  "`%s`: %s was removed or replaced", p.argv_str, path);
			hs_cleanup(&p);
		}
	}
}

/* An old pid file is replaced whole, not written through: another name of
 * the same file (a hard link) keeps what it held. The file nsinit made is
 * removed at exit. */
Test(files, an_old_pid_file_is_replaced_not_written_through)
{
	char pidfile[128], other[128], option[160];
	struct hs_proc p;
	char *text;

	make_dir();
	at(pidfile, sizeof(pidfile), "job.pid");
	at(other, sizeof(other), "other");
	write_file(other, "999\n");
	cr_assert(link(other, pidfile) == 0);
	snprintf(option, sizeof(option), "--pid-file=%s", pidfile);
	hs_run(&p, NULL, HS_ARGV(option, "--", "sh", "-c", "cat \"$0\"", pidfile), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(hs_line_matches(S(p.out), "^[0-9]+\n$") && strcmp(S(p.out), "999\n") != 0,
		  "the command read '%s'", S(p.out));
	text = hs_slurp(other);
	cr_expect(text && strcmp(text, "999\n") == 0, "the other name now holds '%s'",
		  text ? text : "(gone)");
	free(text);
	cr_expect(access(pidfile, F_OK) < 0 && errno == ENOENT, "the pid file outlived nsinit");
	hs_cleanup(&p);
}

/* ------------------------------------------------------ the caller's fds */

/* --events=1 and --events=2 share the fd with the command, which keeps it:
 * echo's output and sh's stderr arrive, with the events among them. */
Test(files, events_on_stdout_or_stderr_leave_them_to_the_command)
{
	const char *const roles[] = { "--namespace", "--no-namespace" };

	for (size_t r = 0; r < 2; r++) {
		struct hs_proc p;

		hs_run(&p, NULL, HS_ARGV(roles[r], "--events=1", "--", "echo", "from the command"),
		       hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: %s\nstderr:\n%s", p.argv_str, hs_status_str(&p),
			     S(p.err));
		cr_expect(strstr(S(p.out), "from the command\n") &&
				  strstr(S(p.out), "{\"event\":\"exit\""),
			  "`%s`: stdout:\n%s\nstderr:\n%s", p.argv_str, S(p.out), S(p.err));
		hs_cleanup(&p);

		hs_run(&p, NULL,
		       HS_ARGV(roles[r], "--events=2", "--", "sh", "-c", "echo to stderr >&2"),
		       hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "`%s`: %s", p.argv_str, hs_status_str(&p));
		cr_expect(strstr(S(p.err), "to stderr\n") && strstr(S(p.err), "{\"event\":\"exit\""),
			  "`%s`: stderr:\n%s", p.argv_str, S(p.err));
		hs_cleanup(&p);
	}
}

/* A number is an fd, never a file name: nothing is created in the working
 * directory, and a bad one is one clear line. */
Test(files, an_fd_number_that_is_bad_creates_no_file)
{
	static const char *const rows[][2] = {
		{ "--events=-1", "cannot use fd -1 for --events: Bad file descriptor" },
		{ "--events=1048577", "cannot use fd 1048577 for --events: Bad file descriptor" },
		{ "--events=99999999999999999999", "cannot use fd 99999999999999999999 for" },
		{ "--events=9", "cannot use fd 9 for --events: Bad file descriptor" },
		/* stdin, read-only here */
		{ "--events=0", "cannot use fd 0 for --events: Bad file descriptor" },
	};
	struct hs_opts o;

	make_dir();
	o = (struct hs_opts){ .cwd = dir };
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct hs_proc p;

		hs_run(&p, &o, HS_ARGV(rows[i][0], "--", "echo", "ran"), hs_ms(10000));
		expect_refusal(&p, rows[i][1]);
		hs_cleanup(&p);
	}
	if (rmdir(dir) == 0)
		dir[0] = '\0';
	else
		cr_expect(0, "files were created in %s: %s", dir, strerror(errno));
}

/* ------------------------------------------- events: valid JSON and UTF-8 */

/* Each line parsed with python3 from bytes that must be UTF-8; prints the
 * names of command_exited, with ascii() to show every code point. */
static const char checker[] =
	"import json,sys\n"
	"for raw in open(sys.argv[1],'rb'):\n"
	"    e=json.loads(raw.decode('utf-8'))\n"
	"    if e['event']=='command_exited': print(ascii(e['name']))\n";

/* The kernel keeps 15 bytes of a process name: "ééééééééé" (18 bytes) is
 * cut inside its eighth é. The stray byte is \u00c3 in the event. */
Test(files, events_stay_valid_json_whatever_a_process_is_called)
{
	static const char *const rows[][2] = {
		{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
		  "'\\xe9\\xe9\\xe9\\xe9\\xe9\\xe9\\xe9\\xc3'" },
		{ "q\"b\\\x01\x1b\xff", "'q\"b\\\\\\x01\\x1b\\xff'" },
	};
	char events[128], option[160], cmd[400];

	make_dir();
	at(events, sizeof(events), "events.json");
	snprintf(option, sizeof(option), "--events=%s", events);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char name[128], out[256] = "";
		struct hs_proc p;
		FILE *f;

		at(name, sizeof(name), rows[i][0]);
		cr_assert(symlink("/bin/true", name) == 0, "symlink: %s", strerror(errno));
		cr_assert(truncate(events, 0) == 0 || errno == ENOENT);
		hs_run(&p, NULL, HS_ARGV(option, "--", name), hs_ms(10000));
		cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
		hs_cleanup(&p);

		snprintf(cmd, sizeof(cmd), "python3 -c \"$CHECKER\" '%s' 2>&1", events);
		setenv("CHECKER", checker, 1);
		f = popen(cmd, "r");
		cr_assert(f);
		if (!fgets(out, sizeof(out), f))
			out[0] = '\0';
		cr_expect_eq(pclose(f), 0, "the events do not parse: %s", out);
		out[strcspn(out, "\n")] = '\0';
		cr_expect_str_eq(out, rows[i][1], "row %zu", i);
	}
}

/* ------------------------------------------------------- forged messages */

/* A command's name goes into the error line with its newline and escape
 * sequences masked: one line, no second "nsinit:" from the caller's text. */
Test(files, names_cannot_forge_a_message_line)
{
	static const char *const rows[][3] = {
		{ "--", "bad\nnsinit: forged",
		  "nsinit: cannot run 'bad?nsinit: forged': No such file or directory\n" },
		{ "--", "\x1b]0;title\x07\xc2\x9b" "2J",
		  "nsinit: cannot run '?]0;title???2J': No such file or directory\n" },
		{ "--pid-file=/nonexistent/a\nnsinit: b", "true",
		  "nsinit: cannot write the pid file '/nonexistent/a?nsinit: b': No such file or "
		  "directory\n" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct hs_proc p;

		hs_run(&p, NULL, HS_ARGV(rows[i][0], rows[i][1]), hs_ms(10000));
		cr_expect_str_eq(S(p.err), rows[i][2], "row %zu", i);
		cr_expect(hs_code(&p) == 127 || hs_code(&p) == 125, "%s", hs_status_str(&p));
		hs_cleanup(&p);
	}
}

Test(files, cap_drop_takes_all_with_names)
{
	struct hs_proc p;

	hs_run(&p, NULL, HS_ARGV("--cap-drop=all,net_raw", "--", "sh", "-c", "echo ran"),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 0, "%s\nstderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect_str_eq(S(p.out), "ran\n");
	hs_cleanup(&p);
}

/* A user at RLIMIT_NPROC: the fork of the command fails with EAGAIN, and
 * the line says which limit (a uid of its own, so that no other process
 * counts against it). */
Test(files, a_fork_refused_by_a_process_limit_names_the_limit)
{
	struct hs_opts o = { .prefix = HS_ARGV("prlimit", "--nproc=1:1", "setpriv",
					       "--reuid=54321", "--regid=54321", "--clear-groups") };
	struct hs_proc p;

	if (hs_wrapped())
		cr_skip("the wrapper's own processes would count against the limit");
	hs_run(&p, &o, HS_ARGV("--no-namespace", "--", "echo", "ran"), hs_ms(10000));
	expect_refusal(&p, "cannot fork the command: Resource temporarily unavailable: a process "
			   "limit was reached; raise ulimit -u");
	hs_cleanup(&p);
}

/* ------------------------------------------- README's examples are true */

/* README.md, found next to the binary's build directory. */
static char *read_readme(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", hs_nsinit());
	for (int up = 0; up < 4; up++) {
		char *slash = strrchr(path, '/'), *text;

		if (!slash)
			break;
		strcpy(slash + 1, "README.md");
		text = hs_slurp(path);
		if (text)
			return text;
		*slash = '\0';
	}
	return NULL;
}

/* Every example line of README's "Errors" section that can be made here is
 * made, and must be what README shows, word for word. */
Test(files, readme_error_examples_are_what_nsinit_prints)
{
	struct row {
		const char *const *prefix;
		const char *const *args;
		int code;
		const char *line;
	};
	const struct row rows[] = {
		{ NULL, HS_ARGV("--bogus", "true"), 125,
		  "nsinit: unknown option '--bogus' (see 'nsinit --help')" },
		{ NULL, HS_ARGV("--kill-child=FOO", "true"), 125,
		  "nsinit: unknown signal 'FOO' for --kill-child: use a name like TERM or SIGTERM, a "
		  "number, or RTMIN+n (see 'nsinit --help')" },
		{ NULL, HS_ARGV("--grace=5x", "true"), 125,
		  "nsinit: bad duration '5x' for --grace: use e.g. 500ms, 10s or 2m (see 'nsinit "
		  "--help')" },
		{ NULL, HS_ARGV("nonexistent-cmd"), 127,
		  "nsinit: cannot run 'nonexistent-cmd': No such file or directory" },
		{ NULL, HS_ARGV("/etc/passwd"), 126,
		  "nsinit: cannot run '/etc/passwd': it is not executable (mode 0644)" },
		{ NULL, HS_ARGV("./script"), 127,
		  "nsinit: cannot run './script': its #! interpreter '/nonexistent/interpreter' was "
		  "not found" },
		{ NULL, HS_ARGV("bad\nname"), 127,
		  "nsinit: cannot run 'bad?name': No such file or directory" },
		{ NULL, HS_ARGV("--events=-1", "true"), 125,
		  "nsinit: cannot use fd -1 for --events: Bad file descriptor; open one for writing "
		  "(e.g. 3>>FILE), or name a file (./-1)" },
		{ HS_ARGV("prlimit", "--nproc=1:1", "setpriv", "--reuid=54321", "--regid=54321",
			  "--clear-groups"),
		  HS_ARGV("--no-namespace", "true"), 125,
		  "nsinit: cannot fork the command: Resource temporarily unavailable: a process limit "
		  "was reached; raise ulimit -u, or a cgroup's pids.max" },
		{ NULL, HS_ARGV("--pid-file=/dev/stdout", "true"), 125,
		  "nsinit: cannot use '/dev/stdout' for --pid-file: it is a symbolic link, not a "
		  "regular file; remove it, or name another file" },
		{ NULL, HS_ARGV("--events=/dev/null", "true"), 125,
		  "nsinit: cannot use '/dev/null' for --events: it is a device, not a regular file; "
		  "name one, or an fd (--events=2)" },
		{ HS_ARGV("unshare", "--user", "--map-root-user", "sh", "-c",
			  "echo 0 >/proc/sys/user/max_pid_namespaces && exec \"$@\"", "sh"),
		  HS_ARGV("--namespace", "true"), 125,
		  "nsinit: cannot create a PID namespace: No space left on device: a namespace limit "
		  "was reached: /proc/sys/user/max_pid_namespaces is 0; raise the limit, e.g. sysctl "
		  "-w user.max_pid_namespaces=N" },
	};
	char *readme = read_readme(), script[128];
	struct hs_opts o;

	if (!readme)
		cr_skip("no README.md next to %s", hs_nsinit());
	make_dir();
	at(script, sizeof(script), "script");
	write_file(script, "#!/nonexistent/interpreter\n");
	cr_assert(chmod(script, 0755) == 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct hs_proc p;
		char want[600];

		o = (struct hs_opts){ .prefix = r->prefix, .cwd = dir };
		if (r->prefix && !strcmp(r->prefix[0], "unshare") &&
		    system("unshare --user --map-root-user true 2>/dev/null") != 0)
			continue; /* no user namespaces here */
		if (r->prefix && hs_wrapped())
			continue; /* a wrapper's processes and output would count */
		if (hs_wrapped() && strstr(r->line, "interpreter"))
			continue; /* a failed #! exec kills valgrind itself (test_exit.c) */
		cr_expect(strstr(readme, r->line), "README.md lacks:\n%s", r->line);
		hs_run(&p, &o, r->args, hs_ms(10000));
		snprintf(want, sizeof(want), "%s\n", r->line);
		cr_expect_str_eq(S(p.err), want, "`%s`", p.argv_str);
		cr_expect_eq(hs_code(&p), r->code, "`%s`: %s", p.argv_str, hs_status_str(&p));
		hs_cleanup(&p);
	}
	free(readme);
}
