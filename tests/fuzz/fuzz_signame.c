/* signame_parse on any text (the input up to its first NUL), and
 * signame_format on what it parsed and on any int (the input's first bytes).
 * Checked: a parsed signal is in [1, NSIG); case does not matter; "SIG" is
 * optional; a formatted name parses back to the same signal; and every name
 * fits in SIGNAME_MAX, however small the buffer it is written into. */
#include "fuzz.h"

#include "lib/signame.h"

#include <ctype.h>
#include <signal.h>
#include <strings.h>

static char *with_case(const char *s, int (*convert)(int))
{
	size_t n = strlen(s);
	char *t = malloc(n + 1);

	if (!t)
		abort();
	for (size_t i = 0; i <= n; i++)
		t[i] = (char)convert((unsigned char)s[i]);
	return t;
}

/* Format into a buffer of exactly `len` bytes (so ASan sees any write past
 * it) and check the result against the untruncated name `full`. */
static void check_format_len(int sig, size_t len, const char *full)
{
	char *buf = malloc(len);

	if (!buf && len)
		abort();
	signame_format(sig, buf, len);
	if (len > 0) {
		size_t n = strlen(full);

		CHECK(memchr(buf, '\0', len) != NULL);
		CHECK(strlen(buf) == (n < len ? n : len - 1));
		CHECK(strncmp(buf, full, strlen(buf)) == 0);
	}
	free(buf);
}

/* The name of any int fits in SIGNAME_MAX. */
static void check_format(int sig, size_t small_len)
{
	char full[128], *buf = malloc(SIGNAME_MAX);

	if (!buf)
		abort();
	signame_format(sig, full, sizeof(full));
	CHECK(strlen(full) < SIGNAME_MAX);
	CHECK(signame_format(sig, buf, SIGNAME_MAX) == buf);
	CHECK(strcmp(buf, full) == 0);
	check_format_len(sig, small_len % (SIGNAME_MAX + 1), full);
	free(buf);
}

static void check_round_trip(int sig)
{
	char name[SIGNAME_MAX], number[16];

	signame_format(sig, name, sizeof(name));
	snprintf(number, sizeof(number), "%d", sig);
	CHECK(signame_parse(number) == sig);
	if (strncmp(name, "signal ", 7) == 0) {
		/* A signal without a name: its number is all there is. */
		CHECK(strcmp(name + 7, number) == 0);
		return;
	}
	CHECK(strncmp(name, "SIG", 3) == 0);
	CHECK(signame_parse(name) == sig);
	CHECK(signame_parse(name + 3) == sig);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = input_string(data, size);
	char *upper = with_case(text, toupper), *lower = with_case(text, tolower);
	int sig = signame_parse(text);

	CHECK(sig == -1 || (sig >= 1 && sig < NSIG));
	CHECK(signame_parse(upper) == sig);
	CHECK(signame_parse(lower) == sig);
	if (sig > 0) {
		check_round_trip(sig);
		if (!isdigit((unsigned char)text[0]) && strncasecmp(text, "SIG", 3) != 0) {
			char *prefixed = malloc(strlen(text) + 4);

			if (!prefixed)
				abort();
			strcpy(prefixed, "SIG");
			strcat(prefixed, text);
			CHECK(signame_parse(prefixed) == sig);
			free(prefixed);
		}
		check_format(sig, size);
	}
	if (size >= sizeof(int)) {
		int any;

		memcpy(&any, data, sizeof(any));
		check_format(any, size);
	}

	free(lower);
	free(upper);
	free(text);
	return 0;
}
