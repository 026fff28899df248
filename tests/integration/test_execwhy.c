/* Every start failure names its cause, against the real kernel: a root is
 * made for the test holding a glibc binary without its loader, an ELF file
 * for aarch64, a CRLF script, a script whose #! interpreter is missing, a
 * noexec mount, a directory and a file without x bits. Each row runs nsinit
 * on one of them and checks the one line (word for word, as README shows
 * it) and the exit code. Run as root (--root, mount). */
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

TestSuite(execwhy, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

#define LOADER "/lib64/ld-linux-x86-64.so.2"

static char root[] = "/tmp/nsinit-execwhy-XXXXXX";

static void put(const char *name, const void *data, size_t len, mode_t mode)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	cr_assert(fd >= 0, "open %s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
	cr_assert(chmod(path, mode) == 0, "chmod %s: %s", path, strerror(errno));
}

static void copy(const char *from, const char *name)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "cp '%s' '%s/%s'", from, root, name);
	cr_assert(system(cmd) == 0, "%s failed", cmd);
}

/* An ELF header as an aarch64 linker writes it, cut after the header: the
 * kernel looks no further than e_machine. */
static void put_aarch64(const char *name)
{
	unsigned char h[64] = { 0x7f, 'E', 'L', 'F', 2 /* 64-bit */, 1 /* LE */, 1 };

	h[16] = 2;   /* ET_EXEC */
	h[18] = 183; /* EM_AARCH64 */
	h[20] = 1;   /* EV_CURRENT */
	put(name, h, sizeof(h), 0755);
}

/* The root: /proc for nsinit, a static busybox as /bin/sh (so that a file
 * handed to sh would show), and one file for each cause. */
static void make_root(void)
{
	char path[256];

	cr_assert(mkdtemp(root), "mkdtemp: %s", strerror(errno));
	cr_assert(chmod(root, 0755) == 0);
	for (const char *const *d = HS_ARGV("proc", "bin", "mnt", "dir", "locked"); *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", root, *d);
		cr_assert(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
	}
	copy("/bin/busybox", "bin/sh");
	copy("/bin/true", "true"); /* Debian's: dynamic, glibc */
	put_aarch64("arm");
	put("crlf", "#!/bin/sh\r\necho ran\r\n", 21, 0755);
	put("py", "#!/usr/bin/python9\nprint('ran')\n", 32, 0755);
	put("viatrue", "#!/true\necho ran\n", 17, 0755);
	put("noexe", "echo ran\n", 9, 0644);
	copy("/bin/busybox", "locked/sh");
	snprintf(path, sizeof(path), "%s/locked", root);
	cr_assert(chmod(path, 0700) == 0);
	copy("/bin/busybox", "staff");
	snprintf(path, sizeof(path), "%s/staff", root);
	cr_assert(chmod(path, 0750) == 0);
}

static void remove_root(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	cr_expect(system(cmd) == 0);
}

static char *read_readme(void)
{
	char path[4096], *slash;

	snprintf(path, sizeof(path), "%s", hs_nsinit());
	/* build/nsinit or build/static/nsinit: README.md is above build/. */
	while ((slash = strrchr(path, '/')) && slash != path) {
		*slash = '\0';
		if (strlen(path) + 11 < sizeof(path)) {
			char *text;

			strcat(path, "/README.md");
			text = hs_slurp(path);
			if (text)
				return text;
			path[strlen(path) - 10] = '\0';
		}
	}
	return NULL;
}

struct row {
	const char *file;   /* in the root */
	int code;
	const char *reason; /* after "cannot run 'NAME': " */
	const char *opt;    /* an option of nsinit's, or NULL */
};

static const struct row rows[] = {
	{ "/true", 127,
	  "it is a dynamic binary, and its ELF interpreter '" LOADER "' is missing; add it and "
	  "the libraries it needs, or use a static binary", NULL },
	{ "/arm", 126, "it is an ELF binary for aarch64, and this machine is x86_64", NULL },
	{ "/crlf", 127,
	  "its #! line ends in \\r (CRLF line ends): there is no interpreter '/bin/sh\\r'; "
	  "convert it with dos2unix", NULL },
	{ "/py", 127, "its #! interpreter '/usr/bin/python9' was not found", NULL },
	{ "/viatrue", 127,
	  "its #! interpreter '/true' cannot run: it is a dynamic binary, and its ELF interpreter '"
	  LOADER "' is missing; add it and the libraries it needs, or use a static binary", NULL },
	{ "/mnt/bb", 126,
	  "its file system is mounted noexec", NULL },
	{ "/dir", 126, "it is a directory", NULL },
	{ "/noexe", 126, "it is not executable (mode 0644)", NULL },
	/* The permission bits, for a user who is not root. */
	{ "/locked/sh", 126, "uid 1234 may not enter '/locked' (mode 0700, owner 0)",
	  "--run-as=1234:1234" },
	{ "/staff", 126, "it is not executable by uid 1234 (mode 0750, owner 0:0)",
	  "--run-as=1234:1234" },
};

/* Run nsinit with args (behind prefix), from cwd; expect one line. */
static void expect_line(const char *const *prefix, const char *const *args, const char *cwd,
			const char *const *env, const char *name, const struct row *r)
{
	struct hs_opts o = { .prefix = prefix, .cwd = cwd, .env = env };
	struct hs_proc p;
	char want[1024];

	snprintf(want, sizeof(want), "nsinit: cannot run '%s': %s\n", name, r->reason);
	hs_run(&p, &o, args, hs_ms(10000));
	cr_expect_str_eq(S(p.err), want, "`%s`", p.argv_str);
	cr_expect_eq(hs_code(&p), r->code, "`%s`: %s", p.argv_str, hs_status_str(&p));
	cr_expect_str_empty(S(p.out), "`%s` ran something:\n%s", p.argv_str, S(p.out));
	hs_cleanup(&p);
}

Test(execwhy, every_cause_is_named_in_a_root_made_for_it)
{
	char *readme, mount_noexec[512], root_opt[300];

	if (hs_wrapped())
		cr_skip_test("valgrind does the execve itself and words its failures its own way");
	make_root();
	readme = read_readme();
	/* The noexec mount lives in a mount namespace of the test's own, so
	 * nothing is left on the host. */
	snprintf(mount_noexec, sizeof(mount_noexec),
		 "mount -t tmpfs -o noexec nsinit-noexec '%s/mnt' && cp /bin/busybox '%s/mnt/bb' "
		 "&& exec \"$@\"",
		 root, root);
	snprintf(root_opt, sizeof(root_opt), "--root=%s", root);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char line[1024];

		snprintf(line, sizeof(line), "nsinit: cannot run '%s': %s", r->file, r->reason);
		cr_expect(readme && strstr(readme, line), "README.md lacks:\n%s", line);
		expect_line(HS_ARGV("unshare", "--mount", "--propagation", "private", "sh", "-c",
				    mount_noexec, "sh"),
			    r->opt ? HS_ARGV(root_opt, r->opt, "--", r->file)
				   : HS_ARGV(root_opt, "--", r->file),
			    NULL, NULL, r->file, r);
	}
	free(readme);
	remove_root();
}

/* The file named relative to the working directory, or found on PATH, in
 * the roles without a namespace of nsinit's own: PID 1 reads the same
 * file the child tried, though it has moved to "/" since. */
Test(execwhy, relative_names_and_path_lookups_are_read_where_they_were_tried)
{
	char path_env[300], below[300];

	if (hs_wrapped())
		cr_skip_test("valgrind does the execve itself and words its failures its own way");
	make_root();
	snprintf(path_env, sizeof(path_env), "PATH=/nonexistent:%s", root);
	snprintf(below, sizeof(below), "%s/dir", root);
	expect_line(NULL, HS_ARGV("-s", "--", "./arm"), root, NULL, "./arm", &rows[1]);
	expect_line(NULL, HS_ARGV("--no-namespace", "--", "crlf"), NULL, HS_ARGV(path_env), "crlf",
		    &rows[2]);
	expect_line(NULL, HS_ARGV("--", "../py"), below, NULL, "../py", &rows[3]);
	remove_root();
}
