/* Services as their users run them: a service started by a non-root user
 * (systemd's User=, setpriv --reuid) runs as that user under nsinit, as it
 * would without it, and a service that refuses root starts, serves and
 * stops cleanly. Its own pid file names its pid inside the namespace; the
 * README's recipe, running the service's tool inside the namespace with
 * nsenter and --pid-file, reaches it. Run as root: the tests drop to other
 * users with setpriv. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

TestSuite(service, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define USER_1234 \
	HS_ARGV("setpriv", "--reuid=1234", "--regid=1234", "--clear-groups", "--inh-caps=-all")

/* What postgres does at start ("root" execution of the PostgreSQL server is
 * not permitted), and nginx's chown of its files to its own user; then it
 * writes its own pid file, as daemons do, says it is ready and waits for
 * SIGTERM, on which it stops cleanly. */
#define REFUSES_ROOT                                                                     \
	"if [ \"$(id -u)\" = 0 ]; then\n"                                                \
	"  echo '\"root\" execution of this server is not permitted' >&2; exit 1\n"       \
	"fi\n"                                                                           \
	"touch \"$0/owned\" && chown \"$(id -u):$(id -g)\" \"$0/owned\" || exit 2\n"     \
	"echo $$ > \"$0/service.pid\"\n"                                                 \
	"trap 'echo stopped cleanly; exit 0' TERM\n"                                     \
	"echo \"ready as $(id -u):$(id -g)\"\n"                                          \
	"while :; do sleep 1000 & wait $!; done\n"

static void make_dir_for(char *dir, uid_t uid)
{
	cr_assert(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	cr_assert(chmod(dir, 0755) == 0 && chown(dir, uid, uid) == 0, "chown: %s",
		  strerror(errno));
}

static void remove_dir(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	cr_expect(system(cmd) == 0, "cannot remove %s", dir);
}

Test(service, a_service_that_refuses_root_runs_as_its_caller_and_stops_cleanly)
{
	char dir[] = "/tmp/nsinit-service-XXXXXX", pidfile[128], *text;
	struct hs_opts o = { .prefix = USER_1234 };
	struct hs_proc p;

	make_dir_for(dir, 1234);
	hs_spawn(&p, &o, HS_ARGV("--", "sh", "-c", REFUSES_ROOT, dir));
	cr_assert(hs_read_until(&p, HS_OUT, "ready as 1234:1234\n", hs_ms(10000)),
		  "the service did not start as its caller:\nstdout:\n%s\nstderr:\n%s", S(p.out),
		  S(p.err));
	/* Its own pid file names it as it sees itself: 2, PID 1's child. */
	snprintf(pidfile, sizeof(pidfile), "%s/service.pid", dir);
	text = hs_slurp(pidfile);
	cr_expect(text && strcmp(text, "2\n") == 0, "its pid file says '%s'", text ? text : "");
	free(text);
	kill(p.pid, SIGTERM);
	cr_assert(hs_wait(&p, hs_ms(10000)), "the relay did not exit on SIGTERM");
	cr_assert(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "something survived the stop");
	cr_expect_eq(hs_code(&p), 0, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.out), "stopped cleanly\n"), "stdout:\n%s", S(p.out));
	cr_expect_str_empty(S(p.err), "stderr:\n%s", S(p.err));
	hs_cleanup(&p);

	/* Asked for root inside, it refuses, as it would under unshare -r. */
	hs_run(&p, &o, HS_ARGV("--map-root-user", "--", "sh", "-c", REFUSES_ROOT, dir),
	       hs_ms(10000));
	cr_expect_eq(hs_code(&p), 1, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.err), "\"root\" execution of this server is not permitted"),
		  "stderr:\n%s", S(p.err));
	hs_cleanup(&p);
	remove_dir(dir);
}

/* ---- a real service: PostgreSQL, as its own user ---- */

/* Debian's postgres binaries (postgresql-NN), or NULL. */
static bool find_postgres(char *bindir, size_t n)
{
	glob_t g;
	bool found = false;

	if (glob("/usr/lib/postgresql/*/bin/postgres", 0, NULL, &g) == 0 && g.gl_pathc > 0) {
		snprintf(bindir, n, "%s", g.gl_pathv[g.gl_pathc - 1]);
		*strrchr(bindir, '/') = '\0';
		found = true;
	}
	globfree(&g);
	return found;
}

/* Run `script` (sh) as the postgres user; returns its exit code and puts
 * what it wrote (stdout and stderr) in out. */
static int as_postgres(const char *script, char *out, size_t n)
{
	char cmd[2048];
	FILE *f;
	size_t len = 0;
	int status;

	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid=postgres --regid=postgres --init-groups sh -c '%s' 2>&1",
		 script);
	f = popen(cmd, "r");
	cr_assert(f, "popen: %s", strerror(errno));
	while (len + 1 < n && fgets(out + len, (int)(n - len), f))
		len += strlen(out + len);
	out[len] = '\0';
	status = pclose(f);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Test(service, postgres_as_its_user_starts_serves_reloads_and_stops)
{
	char dir[] = "/tmp/nsinit-pg-XXXXXX", bin[256], data[128], nsinit_pid[128], pg[512],
	     script[1536], out[4096];
	struct passwd *pw = getpwnam("postgres");
	struct hs_opts o = { .prefix = HS_ARGV("setpriv", "--reuid=postgres", "--regid=postgres",
					       "--init-groups", "--inh-caps=-all") };
	struct hs_proc p;

	if (!pw || !find_postgres(bin, sizeof(bin)))
		cr_skip_test("no PostgreSQL here (apt-get install postgresql)");
	make_dir_for(dir, pw->pw_uid);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(nsinit_pid, sizeof(nsinit_pid), "%s/nsinit.pid", dir);
	snprintf(script, sizeof(script), "%s/initdb -D %s -A trust -U pg >/dev/null", bin, data);
	cr_assert_eq(as_postgres(script, out, sizeof(out)), 0, "initdb:\n%s", out);

	/* The unit's ExecStart, under setpriv instead of User=postgres. */
	snprintf(pg, sizeof(pg), "%s/postgres", bin);
	hs_spawn(&p, &o,
		 HS_ARGV("--pid-file", nsinit_pid, "--", pg, "-D", data, "-k", dir, "-c",
			 "listen_addresses="));
	cr_assert(hs_read_until(&p, HS_ERR, "ready to accept connections", hs_ms(30000)),
		  "postgres did not start:\nstderr:\n%s", S(p.err));
	cr_expect(!strstr(S(p.err), "\"root\" execution"), "stderr:\n%s", S(p.err));

	/* It serves, from outside the namespace, over its socket. */
	snprintf(script, sizeof(script), "%s/psql -h %s -U pg -d postgres -Atc \"select 6*7\"",
		 bin, dir);
	cr_expect_eq(as_postgres(script, out, sizeof(out)), 0, "psql:\n%s", out);
	cr_expect_str_eq(out, "42\n");

	/* Its own pid file says 2: pg_ctl reload from the host signals host
	 * pid 2, which is not postgres, and fails. */
	snprintf(script, sizeof(script), "%s/pg_ctl reload -D %s", bin, data);
	cr_expect_neq(as_postgres(script, out, sizeof(out)), 0,
		      "pg_ctl reload from the host worked:\n%s", out);

	/* The README's recipe: the tool runs inside the namespace, joined
	 * through nsinit's --pid-file, as the same user: through PID 1's
	 * child, as PID 1 is not dumpable. */
	snprintf(script, sizeof(script),
		 "exec nsenter --target \"$(pgrep -P \"$(cat %s)\")\" --user --preserve-credentials "
		 "--pid --mount "
		 "%s/pg_ctl reload -D %s",
		 nsinit_pid, bin, data);
	cr_expect_eq(as_postgres(script, out, sizeof(out)), 0, "nsenter pg_ctl reload:\n%s",
		     out);
	cr_expect(hs_read_until(&p, HS_ERR, "received SIGHUP, reloading configuration files",
				hs_ms(10000)),
		  "postgres did not reload:\nstderr:\n%s", S(p.err));

	/* systemctl stop: SIGTERM, a smart shutdown, nothing left. */
	kill(p.pid, SIGTERM);
	cr_assert(hs_wait(&p, hs_ms(30000)), "postgres did not stop on SIGTERM");
	cr_assert(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "something survived the stop");
	cr_expect_eq(hs_code(&p), 0, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_expect(strstr(S(p.err), "database system is shut down"), "stderr:\n%s", S(p.err));
	cr_expect(access(nsinit_pid, F_OK) < 0, "nsinit's pid file is still there");
	hs_cleanup(&p);
	remove_dir(dir);
}

/* The official postgres image's entrypoint, `gosu postgres postgres`, with
 * nsinit as root doing gosu's part. */
Test(service, postgres_started_as_root_with_run_as)
{
	char dir[] = "/tmp/nsinit-pg-XXXXXX", bin[256], data[128], pg[512], script[512],
	     out[4096];
	struct passwd *pw = getpwnam("postgres");
	struct hs_proc p;

	if (!pw || !find_postgres(bin, sizeof(bin)))
		cr_skip_test("no PostgreSQL here (apt-get install postgresql)");
	make_dir_for(dir, pw->pw_uid);
	snprintf(data, sizeof(data), "%s/data", dir);
	snprintf(script, sizeof(script), "%s/initdb -D %s -A trust -U pg >/dev/null", bin, data);
	cr_assert_eq(as_postgres(script, out, sizeof(out)), 0, "initdb:\n%s", out);
	snprintf(pg, sizeof(pg), "%s/postgres", bin);
	hs_spawn(&p, NULL,
		 HS_ARGV("--run-as=postgres", "--", pg, "-D", data, "-k", dir, "-c",
			 "listen_addresses="));
	cr_assert(hs_read_until(&p, HS_ERR, "ready to accept connections", hs_ms(30000)),
		  "postgres did not start:\nstderr:\n%s", S(p.err));
	kill(p.pid, SIGTERM);
	cr_assert(hs_wait(&p, hs_ms(30000)), "postgres did not stop on SIGTERM");
	cr_assert(hs_read_eof(&p, HS_BOTH, hs_ms(5000)), "something survived the stop");
	cr_expect_eq(hs_code(&p), 0, "got %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	hs_cleanup(&p);
	remove_dir(dir);
}
