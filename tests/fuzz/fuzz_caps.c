/* capname_parse on any text, the input up to
 * its first NUL. Checked: the result is 0 or -1; "all" anywhere in the list
 * means every bit; bits already in the mask stay; case does not matter; every
 * capability parsed names itself back through cap_to_name; and the unknown
 * name copied out is a piece of the input, NUL-terminated within a buffer of
 * any size. */
#include "fuzz.h"

#include "lib/capname.h"

#include <ctype.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/capability.h>

/* options.c's buffer size. */
#define BAD_LEN 64

static int parse(const char *list, uint64_t *mask, size_t bad_len, char **bad_out)
{
	char *bad = malloc(bad_len); /* exact size: ASan sees a write past it */
	int r;

	if (!bad && bad_len)
		abort();
	r = capname_parse(list, mask, bad, bad_len);
	CHECK(r == 0 || r == -1);
	if (r < 0 && bad_len > 0)
		CHECK(memchr(bad, '\0', bad_len) != NULL);
	if (bad_out)
		*bad_out = bad;
	else
		free(bad);
	return r;
}

/* "all" is one of the list's names ("all", "net_raw,ALL"). */
static bool names_all(const char *list)
{
	for (const char *s = list;; s++) {
		size_t len = strcspn(s, ",");

		if (len == 3 && strncasecmp(s, "all", 3) == 0)
			return true;
		s += len;
		if (*s == '\0')
			return false;
	}
}

/* Every capability in the mask is one libcap names, and its name (in upper
 * case, without "cap_") parses back to it alone. */
static void check_names(uint64_t mask)
{
	for (int cap = 0; cap < 64; cap++) {
		char *name;
		uint64_t again = 0;

		if (!(mask & (1ULL << cap)))
			continue;
		name = cap_to_name(cap);
		CHECK(name != NULL);
		CHECK(strncmp(name, "cap_", 4) == 0);
		for (char *c = name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		CHECK(parse(name + 4, &again, BAD_LEN, NULL) == 0);
		CHECK(again == 1ULL << cap);
		cap_free(name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = input_string(data, size), *upper = input_string(data, size), *bad;
	uint64_t mask = 0, mask_upper = 0, preset, mask_preset;
	int r;

	r = parse(text, &mask, BAD_LEN, &bad);
	if (r == 0) {
		if (names_all(text)) {
			CHECK(mask == ~0ULL);
		} else {
			CHECK(mask != 0);
			check_names(mask);
		}
	} else {
		/* The unknown name, cut to the buffer, as the user typed it. */
		CHECK(strstr(text, bad) != NULL);
		CHECK(strchr(bad, ',') == NULL);
	}

	for (char *c = upper; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	CHECK(parse(upper, &mask_upper, BAD_LEN, NULL) == r);
	CHECK(mask_upper == mask);

	/* Bits already set stay set; a failure may have added the names before
	 * the bad one, the same ones each time. */
	preset = size >= sizeof(preset) ? 0 : 1ULL << (size * 7);
	if (size >= sizeof(preset))
		memcpy(&preset, data, sizeof(preset));
	mask_preset = preset;
	CHECK(parse(text, &mask_preset, size % 9, NULL) == r);
	CHECK(mask_preset == (mask | preset));

	free(bad);
	free(upper);
	free(text);
	return 0;
}
