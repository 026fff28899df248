/* The one place that decides how outside text is shown: in a message line
 * (fmt_sanitize) and in an event (fmt_json). A table of tricky byte strings,
 * each with what a reader must get. */
#include "lib/fmt.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/stat.h>

struct row {
	const char *in;
	const char *line; /* fmt_sanitize's result */
	const char *json; /* fmt_json's result */
};

static const struct row rows[] = {
	{ "", "", "\"\"" },
	{ "plain", "plain", "\"plain\"" },
	{ "caf\xc3\xa9", "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	/* "ééééééééé" as the kernel keeps it in comm: cut to 15 bytes. */
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3",
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9?",
	  "\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\\u00c3\"" },
	{ "a\nnsinit: forged", "a?nsinit: forged", "\"a\\u000ansinit: forged\"" },
	{ "\x1b[31mred", "?[31mred", "\"\\u001b[31mred\"" },
	{ "del\x7f", "del?", "\"del\x7f\"" },
	{ "quote\" back\\", "quote\" back\\", "\"quote\\\" back\\\\\"" },
	/* C1 CSI, encoded and bare. */
	{ "\xc2\x9b" "2J", "??2J", "\"\xc2\x9b" "2J\"" },
	{ "\x9b" "2J", "?2J", "\"\\u009b2J\"" },
	/* Overlong '/', a surrogate, above U+10FFFF, a stray continuation. */
	{ "\xc0\xaf", "??", "\"\\u00c0\\u00af\"" },
	{ "\xed\xa0\x80", "???", "\"\\u00ed\\u00a0\\u0080\"" },
	{ "\xf4\x90\x80\x80", "????", "\"\\u00f4\\u0090\\u0080\\u0080\"" },
	{ "\x80x", "?x", "\"\\u0080x\"" },
	/* Well-formed 3- and 4-byte characters pass. */
	{ "\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80",
	  "\"\xe2\x82\xac\xf0\x9f\x98\x80\"" },
	/* A lead byte at the end of the string reads no further. */
	{ "x\xf0", "x?", "\"x\\u00f0\"" },
};

Test(escape, table)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		char line[128], json[256];

		strcpy(line, r->in);
		fmt_sanitize(line);
		cr_expect_str_eq(line, r->line, "row %zu", i);
		cr_expect_eq(fmt_json(json, sizeof(json), r->in), strlen(r->json), "row %zu", i);
		cr_expect_str_eq(json, r->json, "row %zu", i);
	}
}

Test(escape, a_newline_never_splits_a_line)
{
	char line[64] = "cannot run 'a\nnsinit: forged'", json[64];

	fmt_sanitize(line);
	cr_expect_str_eq(line, "cannot run 'a?nsinit: forged'");
	fmt_json(json, sizeof(json), "a\nb\r\t");
	cr_expect_str_eq(json, "\"a\\u000ab\\u000d\\u0009\"");
}

/* Sanitizing twice changes nothing: options.c sanitizes its message, and the
 * line is sanitized again on its way out. */
Test(escape, sanitize_is_idempotent)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char once[128], twice[128];

		strcpy(once, rows[i].in);
		fmt_sanitize(once);
		strcpy(twice, once);
		fmt_sanitize(twice);
		cr_expect_str_eq(twice, once, "row %zu", i);
	}
}

/* Cut short, the JSON string still closes, and never inside an escape or a
 * character: every length gives a prefix of the full answer plus a quote. */
Test(escape, json_cut_to_fit_stays_valid)
{
	const char *in = "\xc3\xa9\"\n\xff" "abc";
	char full[64], cut[64];
	size_t n = fmt_json(full, sizeof(full), in);

	cr_assert_str_eq(full, "\"\xc3\xa9\\\"\\u000a\\u00ffabc\"");
	for (size_t len = 0; len <= n + 1; len++) {
		size_t m = fmt_json(cut, len, in);

		if (len < 3) {
			cr_expect_eq(m, 0);
			if (len)
				cr_expect_str_empty(cut);
			continue;
		}
		cr_expect(m < len, "len %zu: wrote %zu", len, m);
		cr_expect_eq(cut[m - 1], '"', "len %zu: '%s' does not close", len, cut);
		cr_expect_eq(strncmp(cut, full, m - 1), 0, "len %zu: '%s'", len, cut);
		/* Cut after a whole piece: é, \", \u000a, \u00ff, a, b, c. */
		cr_expect(m - 1 == 1 || m - 1 == 3 || m - 1 == 5 || m - 1 == 11 || m - 1 == 17 ||
				  (m - 1 >= 18 && m - 1 <= 20),
			  "len %zu: cut inside a piece: '%s'", len, cut);
	}
}

Test(escape, file_kinds)
{
	cr_expect_str_eq(fmt_file_kind(S_IFLNK | 0777), "a symbolic link");
	cr_expect_str_eq(fmt_file_kind(S_IFIFO | 0644), "a fifo");
	cr_expect_str_eq(fmt_file_kind(S_IFCHR | 0666), "a device");
	cr_expect_str_eq(fmt_file_kind(S_IFBLK | 0660), "a device");
	cr_expect_str_eq(fmt_file_kind(S_IFREG | 0644), "a regular file");
	cr_expect_str_eq(fmt_file_kind(S_IFSOCK | 0644), "a socket");
	cr_expect_str_eq(fmt_file_kind(0), "a special file");
	cr_expect_str_eq(fmt_file_kind(S_IFDIR | 0755), "a directory");
}
