/*
 * The documentation matches the program: README.md's usage block is exactly
 * what `nsinit --help` prints, and the man page names every long option that
 * --help lists. Run by hand, they drift; these tests make drift a failure.
 *
 * The files are found through NSINIT_SRCDIR when it is set (the repository's
 * top directory), else through __FILE__, which the Makefile makes relative to
 * the top directory it also runs the tests from.
 */
#define _GNU_SOURCE
#include "harness.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(docs, .fini = hs_fini, .timeout = HS_SUITE_TIMEOUT);

/* The text of the repository file `rel`; fails the test if unreadable. */
static char *repo_file(const char *rel)
{
	static const char self[] = "tests/integration/test_docs.c";
	char path[4096];
	const char *top = getenv("NSINIT_SRCDIR");

	if (top && *top) {
		snprintf(path, sizeof path, "%s/%s", top, rel);
	} else {
		size_t n = strlen(__FILE__), m = strlen(self);
		cr_assert(n >= m && !strcmp(__FILE__ + n - m, self),
			  "__FILE__ is %s; set NSINIT_SRCDIR to the repository", __FILE__);
		snprintf(path, sizeof path, "%.*s%s", (int)(n - m), __FILE__, rel);
	}
	char *s = hs_slurp(path);
	cr_assert(s, "cannot read %s (run from the repository, or set NSINIT_SRCDIR)", path);
	return s;
}

/* What `nsinit --help` prints; it must exit 0 and print nothing on stderr. */
static char *help_text(void)
{
	struct hs_proc p;
	hs_run(&p, NULL, HS_ARGV("--help"), hs_ms(10000));
	cr_assert_eq(hs_code(&p), 0, "nsinit --help: %s; stderr:\n%s", hs_status_str(&p), S(p.err));
	cr_assert_eq(p.err.len, 0, "nsinit --help wrote to stderr:\n%s", S(p.err));
	char *s = strdup(S(p.out));
	hs_cleanup(&p);
	cr_assert(s);
	return s;
}

/* The body of the fenced block whose first line starts "usage: nsinit", up to
   and including its last newline; NULL if there is none. */
static char *usage_block(const char *readme)
{
	const char *start = strstr(readme, "```\nusage: nsinit");
	if (!start)
		return NULL;
	start += 4;
	const char *end = strstr(start, "\n```\n");
	if (!end)
		return NULL;
	return strndup(start, (size_t)(end - start) + 1);
}

/* The first line where a and b differ, for the message. */
static int first_diff_line(const char *a, const char *b, const char **la, const char **lb)
{
	int line = 1;
	*la = a, *lb = b;
	for (; *a && *a == *b; a++, b++)
		if (*a == '\n')
			line++, *la = a + 1, *lb = b + 1;
	return line;
}

Test(docs, readme_usage_block_is_help)
{
	char *readme = repo_file("README.md");
	char *block = usage_block(readme);
	cr_assert(block, "README.md has no fenced block starting with 'usage: nsinit'");
	char *help = help_text();
	const char *la, *lb;
	int line = first_diff_line(block, help, &la, &lb);
	cr_expect_str_eq(block, help,
			 "README.md's usage block differs from nsinit --help at line %d:\n"
			 "  README: %.*s\n  --help: %.*s\n(paste the output of nsinit --help into README.md)",
			 line, (int)strcspn(la, "\n"), la, (int)strcspn(lb, "\n"), lb);
	free(help);
	free(block);
	free(readme);
}

/*
 * The long options of --help: every "--name" in the option column of a line
 * that starts with "  -" (the column ends at the first two blanks after it).
 */
static int long_options(const char *help, char names[][64], int max)
{
	int n = 0;
	for (const char *l = help; *l; l += strcspn(l, "\n") + (l[strcspn(l, "\n")] == '\n')) {
		if (strncmp(l, "  -", 3))
			continue;
		const char *col = l + 2, *gap = strstr(col, "  "), *eol = col + strcspn(col, "\n");
		const char *stop = gap && gap < eol ? gap : eol;
		for (const char *s = col; (s = strstr(s, "--")) && s < stop; s += 2) {
			size_t k = strspn(s + 2, "abcdefghijklmnopqrstuvwxyz0123456789-");
			if (k && n < max)
				snprintf(names[n++], 64, "%.*s", (int)k, s + 2);
		}
	}
	return n;
}

/* Whether the mdoc source names --name: " \-na\-me" not followed by more of a
   name (so --user is not found in --map-root-user, nor --stop in --stop-delay). */
static bool man_names(const char *man, const char *name)
{
	char pat[160] = " \\-";
	size_t j = strlen(pat);
	for (const char *c = name; *c && j + 3 < sizeof pat; c++) {
		if (*c == '-')
			pat[j++] = '\\';
		pat[j++] = *c;
	}
	pat[j] = '\0';
	for (const char *s = man; (s = strstr(s, pat)); s++) {
		const char *after = s + j;
		if (!strncmp(after, "\\-", 2) || (*after >= 'a' && *after <= 'z'))
			continue;
		return true;
	}
	return false;
}

Test(docs, man_page_names_every_long_option)
{
	char *man = repo_file("packaging/nsinit.1");
	char *help = help_text();
	char names[128][64];
	int n = long_options(help, names, 128);
	cr_assert_gt(n, 20, "found only %d long options in nsinit --help:\n%s", n, help);
	for (int i = 0; i < n; i++)
		cr_expect(man_names(man, names[i]),
			  "packaging/nsinit.1 does not name --%s, which nsinit --help lists", names[i]);
	free(help);
	free(man);
}
