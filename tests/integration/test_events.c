/* --events: one JSON object per line, every event type, as a program
 * watching nsinit would parse them (python3's json module is the parser). */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

TestSuite(events, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

/* Check the file with python3: every line a JSON object with "event" and a
 * numeric "time", and the fields each type promises; prints the types seen. */
static const char checker[] =
	"import json,sys\n"
	"need={'namespace':['pid1_host_pid','pid_ns','mnt_ns'],'command_started':['pid'],\n"
	"      'forwarded':['signal','pid','by'],'reaped':['pid','name'],\n"
	"      'command_exited':['pid','name'],'shutdown':['reason','signal','left'],'exit':['code']}\n"
	"seen=[]\n"
	"for line in open(sys.argv[1]):\n"
	"    e=json.loads(line)\n"
	"    assert isinstance(e['time'],float), line\n"
	"    for k in need.get(e['event'],[]): assert k in e, (k,line)\n"
	"    if e['event'] in ('reaped','command_exited'): assert ('exit' in e)!=('signal' in e), line\n"
	"    seen.append(e['event'])\n"
	"print(' '.join(seen))\n";

Test(events, every_type_parses)
{
	char path[] = "/tmp/nsinit-events-XXXXXX", arg[64];
	struct hs_proc p, check;
	struct hs_opts o = { 0 };
	int fd = mkstemp(path);
	const char *out;

	cr_assert(fd >= 0);
	close(fd);
	snprintf(arg, sizeof(arg), "--events=%s", path);
	hs_spawn(&p, NULL,
		 HS_ARGV(arg, "--", "sh", "-c",
			 "trap 'exit 3' USR1; (sleep 1000 &); (exit 0) & wait; echo ready; "
			 "while :; do sleep 1 & wait $!; done"));
	cr_assert(hs_read_until(&p, HS_OUT, "ready", hs_ms(10000)), "no ready:\n%s", p.err.data);
	kill(p.pid, SIGUSR1);
	cr_assert(hs_wait(&p, hs_ms(10000)), "nsinit did not exit");
	cr_expect_eq(hs_code(&p), 3);
	hs_cleanup(&p);

	o.prefix = HS_ARGV("python3", "-c", checker, path);
	/* The harness puts NSINIT after the prefix: python ignores the extra
	 * argument (sys.argv[2]). */
	if (hs_wrapped())
		cr_skip("the checker would run under the wrapper");
	hs_run(&check, &o, HS_ARGV("x"), hs_ms(10000));
	out = check.out.data ? check.out.data : "";
	cr_expect_eq(hs_code(&check), 0, "events do not parse:\n%s%s", out,
		     check.err.data ? check.err.data : "");
	for (const char *const *t = HS_ARGV("namespace", "command_started", "forwarded", "reaped",
					    "command_exited", "shutdown", "exit");
	     *t; t++)
		cr_expect(strstr(out, *t), "no '%s' event among: %s", *t, out);
	cr_expect_eq(strncmp(out, "namespace command_started", 25), 0, "order: %s", out);
	hs_cleanup(&check);
	unlink(path);
}

Test(events, init_role_reports_start_and_exit)
{
	char path[] = "/tmp/nsinit-events-XXXXXX", arg[64], *text;
	struct hs_opts o = { .prefix = HS_ARGV("unshare", "--pid", "--fork", "--mount-proc",
					       "--kill-child") };
	struct hs_proc p;
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	close(fd);
	snprintf(arg, sizeof(arg), "--events=%s", path);
	hs_run(&p, &o, HS_ARGV(arg, "--", "sh", "-c", "exit 4"), hs_ms(10000));
	cr_expect_eq(hs_code(&p), 4);
	text = hs_slurp(path);
	cr_assert(text, "no events file");
	cr_expect(strstr(text, "{\"event\":\"command_started\""), "%s", text);
	cr_expect(strstr(text, "\"event\":\"exit\"") && strstr(text, "\"code\":4,"), "%s", text);
	cr_expect_null(strstr(text, "\"event\":\"namespace\""), "no namespace made:\n%s", text);
	free(text);
	hs_cleanup(&p);
	unlink(path);
}
