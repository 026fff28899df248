/* --run-as=USER[:GROUP], gosu's meaning: names from the command's own root,
 * the primary group from passwd unless GROUP is given, supplementary groups
 * from group, HOME from passwd where it was root's, all before execve, in
 * every role, with --cap-keep and --no-new-privs; an unknown name or no
 * right to switch is one line and 125. The root is made for the test: a
 * static busybox and an /etc/passwd and /etc/group of its own. Run as root. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

TestSuite(runas, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

static char root[] = "/tmp/nsinit-runas-XXXXXX";
static char root_opt[64];

static void put(const char *name, const char *text, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cr_assert(chmod(path, mode) == 0);
}

static void make_root(void)
{
	char cmd[512];

	cr_assert(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && chmod 755 . && mkdir proc bin etc && cp /bin/busybox bin/ && "
		 "for a in sh id cat grep; do ln -s busybox bin/$a; done",
		 root);
	cr_assert(system(cmd) == 0, "%s failed", cmd);
	put("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
			  "svc:x:1500:1500:a service:/home/svc:/bin/sh\n", 0644);
	put("etc/group", "root:x:0:\nsvc:x:1500:\nextra:x:1600:other,svc\n", 0644);
	/* Only root may run it: the command's execve is checked as its user. */
	put("secret", "#!/bin/sh\necho ran\n", 0700);
	snprintf(root_opt, sizeof(root_opt), "--root=%s", root);
}

static void remove_root(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect(system(cmd) == 0);
}

/* What the command sees of itself (and of PID 1). */
#define REPORT                                                                           \
	"echo \"uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME\"; "                 \
	"grep -E '^(Cap(Prm|Eff|Amb)|NoNewPrivs)' /proc/self/status; "                   \
	"grep -E '^Cap(Prm|Eff)' /proc/1/status | sed 's/^/pid1 /'"

struct row {
	const char *what;
	const char *const *prefix;
	const char *const *env;
	const char *const *args; /* after root_opt where `in_root` */
	bool in_root;
	int code;
	const char *out; /* lines that must be in stdout, each whole */
	const char *err; /* all of stderr */
};

static void check(const struct row *r)
{
	struct hs_opts o = { .prefix = r->prefix, .env = r->env };
	const char *argv[32];
	struct hs_proc p;

	hs_run(&p, &o, r->in_root ? hs_argv_with(argv, 32, root_opt, r->args) : r->args,
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), r->code, "%s: `%s`: %s\nstderr:\n%s", r->what, p.argv_str,
		     hs_status_str(&p), S(p.err));
	for (const char *l = r->out; l && *l;) {
		size_t n = strcspn(l, "\n");
		char ere[256];

		snprintf(ere, sizeof(ere), "^%.*s$", (int)n, l);
		cr_expect(hs_count_regex(S(p.out), ere) == 1, "%s: no line '%.*s' in:\n%s", r->what,
			  (int)n, l, S(p.out));
		l += n + (l[n] == '\n');
	}
	if (r->err)
		cr_expect_str_eq(S(p.err), r->err, "%s", r->what);
	hs_cleanup(&p);
}

#define ROOT_HOME HS_ARGV("HOME=/root")

Test(runas, as_gosu_does_in_a_root_of_its_own)
{
	const struct row rows[] = {
		{ "a name: its ids, its groups, its home; nothing privileged, PID 1 only CAP_KILL",
		  NULL, ROOT_HOME, HS_ARGV("--run-as=svc", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/home/svc\nCapPrm:\t0000000000000000\n"
		  "CapEff:\t0000000000000000\nCapAmb:\t0000000000000000\n"
		  "pid1 CapPrm:\t0000000000000020\npid1 CapEff:\t0000000000000020",
		  "" },
		{ "a uid that passwd names: the same", NULL, ROOT_HOME,
		  HS_ARGV("--run-as=1500", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/home/svc", "" },
		{ "a group given: it alone", NULL, ROOT_HOME,
		  HS_ARGV("--run-as=svc:extra", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1600 groups=1600 home=/home/svc", "" },
		{ "numbers need no entry; HOME / as under gosu", NULL, ROOT_HOME,
		  HS_ARGV("--run-as=4242:4343", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=4242 gid=4343 groups=4343 home=/", "" },
		{ "root's HOME with a trailing slash is root's", NULL, HS_ARGV("HOME=/root/"),
		  HS_ARGV("--run-as=svc", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/home/svc", "" },
		{ "an empty HOME is none", NULL, HS_ARGV("HOME="),
		  HS_ARGV("--run-as=svc", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/home/svc", "" },
		{ "a HOME of the caller's own stays", NULL, HS_ARGV("HOME=/srv/mine"),
		  HS_ARGV("--run-as=svc", "--", "/bin/sh", "-c", REPORT), true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/srv/mine", "" },
		{ "--cap-keep: what it keeps, as ambient capabilities", NULL, ROOT_HOME,
		  HS_ARGV("--run-as=svc", "--cap-keep=net_bind_service", "--no-new-privs", "--",
			  "/bin/sh", "-c", REPORT),
		  true, 0,
		  "uid=1500 gid=1500 groups=1500 1600 home=/home/svc\nCapPrm:\t0000000000000400\nCapEff:\t0000000000000400\n"
		  "CapAmb:\t0000000000000400\nNoNewPrivs:\t1",
		  "" },
		{ "the execve is checked as the user's", NULL, ROOT_HOME,
		  HS_ARGV("--run-as=svc", "--", "/secret"), true, 126, NULL,
		  "nsinit: cannot run '/secret': it is not executable by uid 1500 (mode 0700, owner 0:0)\n" },
		{ "an unknown user", NULL, NULL, HS_ARGV("--run-as=nosuch", "--", "/bin/id"), true,
		  125, NULL,
		  "nsinit: cannot run '/bin/id' as 'nosuch': there is no user 'nosuch' in "
		  "/etc/passwd\n" },
		{ "the host's users are not the root's", NULL, NULL,
		  HS_ARGV("--run-as=www-data", "--", "/bin/id"), true, 125, NULL,
		  "nsinit: cannot run '/bin/id' as 'www-data': there is no user 'www-data' in "
		  "/etc/passwd\n" },
		{ "an unknown group", NULL, NULL, HS_ARGV("--run-as=svc:nosuch", "--", "/bin/id"),
		  true, 125, NULL,
		  "nsinit: cannot run '/bin/id' as 'svc:nosuch': there is no group 'nosuch' in "
		  "/etc/group\n" },
	};

	make_root();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		check(&rows[i]);
	remove_root();
}

/* Files of any size are read whole (a line cut at 64 KiB once read
 * "svc:x:3001:3001" as uid 300, group 0), and comment lines count for
 * nothing, as under glibc and gosu. */
Test(runas, big_files_whole_and_comments_skipped)
{
	static char passwd[200000], group[200000];
	size_t n = 0, m = 0;

	make_root();
	n += (size_t)snprintf(passwd + n, sizeof(passwd) - n, "root:x:0:0:root:/root:/bin/sh\n");
	m += (size_t)snprintf(group + m, sizeof(group) - m, "root:x:0:\n#docker:x:999:svc\n");
	for (int i = 0; i < 2000; i++) {
		n += (size_t)snprintf(passwd + n, sizeof(passwd) - n,
				      "filler%04d:x:%d:%d:a filler user:/home/filler%04d:/bin/sh\n", i,
				      5000 + i, 5000 + i, i);
		m += (size_t)snprintf(group + m, sizeof(group) - m, "filler%04d:x:%d:nobody,other\n",
				      i, 5000 + i);
	}
	snprintf(passwd + n, sizeof(passwd) - n, "svc:x:3001:3001:a service:/home/svc:/bin/sh\n");
	snprintf(group + m, sizeof(group) - m, "late:x:1700:svc\n");
	put("etc/passwd", passwd, 0644);
	put("etc/group", group, 0644);
	check(&(struct row){ "2000 users before svc, a comment naming it", NULL, ROOT_HOME,
			     HS_ARGV("--run-as=svc", "--", "/bin/sh", "-c", REPORT), true, 0,
			     "uid=3001 gid=3001 groups=3001 1700 home=/home/svc", "" });
	remove_root();
}

/* Every role: -s, PID 1 in place (a container's), and refusals where the
 * caller has no right to switch. The host's nobody here. */
Test(runas, in_every_role_and_refused_without_the_right)
{
	const char *no_right =
		"nsinit: cannot run 'id' as 'nobody' (uid 65534, gid 65534): setgroups: Operation "
		"not permitted; switching users takes root (a rootless nsinit has only the "
		"caller's ids)\n";
	const struct row rows[] = {
		{ "-s", NULL, NULL, HS_ARGV("-s", "--run-as=nobody", "--", "id", "-u"), false, 0,
		  "65534", "" },
		{ "PID 1 in place", HS_ARGV("unshare", "--pid", "--fork", "--mount-proc"), NULL,
		  HS_ARGV("--run-as=nobody", "--", "sh", "-c", "id -u; cat /proc/1/comm"), false, 0,
		  "65534\nnsinit", "" },
		{ "no CAP_SETUID, -s", HS_ARGV("setpriv", "--reuid=1234", "--regid=1234",
					       "--clear-groups", "--inh-caps=-all"),
		  NULL, HS_ARGV("-s", "--run-as=nobody", "--", "id"), false, 125, "", no_right },
		{ "rootless: only the caller's ids are mapped",
		  HS_ARGV("setpriv", "--reuid=1234", "--regid=1234", "--clear-groups",
			  "--inh-caps=-all"),
		  NULL, HS_ARGV("--run-as=nobody", "--", "id"), false, 125, "", no_right },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		if (hs_wrapped() && rows[i].prefix)
			continue; /* a wrapper's processes and output would count */
		check(&rows[i]);
	}
}
