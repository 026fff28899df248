/* The Criterion layer over the harness core: failures fail the test. */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hs_fail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cr_assert_fail("%s", msg);
	abort(); /* not reached: a failed assertion leaves the test */
}

static const char *required_env(const char *name)
{
	const char *v = getenv(name);
	cr_assert(v && *v, "environment variable %s must be set (absolute path)", name);
	cr_assert(v[0] == '/', "%s must be an absolute path, got '%s'", name, v);
	return v;
}

const char *hs_nsinit(void)
{
	return required_env("NSINIT");
}

const char *hs_probe(void)
{
	return required_env("NSINIT_PROBE");
}

void hs_spawn(struct hs_proc *p, const struct hs_opts *o, const char *const *args)
{
	int err = hs_start(p, o, hs_nsinit(), args);
	if (err) {
		char cmd[512];
		snprintf(cmd, sizeof cmd, "%s", p->argv_str);
		hs_cleanup(p);
		cr_assert_fail("harness: cannot execute `%s`: %s", cmd, strerror(err));
	}
}

void hs_run(struct hs_proc *p, const struct hs_opts *o, const char *const *args, long timeout_ms)
{
	long long deadline = hs_now_ms() + timeout_ms;
	hs_spawn(p, o, args);
	bool ok = hs_wait(p, timeout_ms);
	cr_assert(ok, "`%s` did not exit within %ld ms\nstdout:\n%s\nstderr:\n%s", p->argv_str,
		  timeout_ms, S(p->out), S(p->err));
	long left = (long)(deadline - hs_now_ms());
	ok = hs_read_eof(p, HS_BOTH, left > 2000 ? left : 2000);
	cr_assert(ok,
		  "`%s` exited (%s) but its stdout/stderr stayed open: something survived\n"
		  "stdout:\n%s\nstderr:\n%s",
		  p->argv_str, hs_status_str(p), S(p->out), S(p->err));
}

int hs_own_levels(void)
{
	char *st = hs_slurp("/proc/self/status");
	cr_assert(st, "cannot read /proc/self/status");
	long v[64];
	int n = hs_parse_nspid(st, v, 64);
	free(st);
	cr_assert(n >= 1, "no NSpid in own status");
	return n;
}

const char *const *hs_argv_with(const char **buf, size_t max, const char *first,
				const char *const *args)
{
	size_t k = 0;

	buf[k++] = first;
	for (size_t i = 0; args[i]; i++) {
		cr_assert(k + 1 < max, "test bug: argv too long");
		buf[k++] = args[i];
	}
	buf[k] = NULL;
	return buf;
}

void hs_expect_fallback(const struct hs_opts *o, const char *const *args, const char *needle)
{
	struct hs_proc p;
	const char *err;

	hs_run(&p, o, args, hs_ms(20000));
	err = p.err.data ? p.err.data : "";
	cr_expect_eq(hs_code(&p), 0, "`%s`: no fallback to a subreaper: %s; stderr:\n%s",
		     p.argv_str, hs_status_str(&p), err);
	cr_expect_eq(hs_count_lines(err), 1, "`%s`: expected one warning line:\n%s", p.argv_str,
		     err);
	cr_expect(strstr(err, needle) && strstr(err, "; running as a subreaper (-s) instead; pass "
						     "--namespace to make this an error\n"),
		  "`%s`: the warning lacks '%s' or the fallback's words:\n%s", p.argv_str, needle,
		  err);
	hs_cleanup(&p);
}
