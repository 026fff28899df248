/* execwhy_interpreter and execwhy_explain on any file head. Checked: an
 * interpreter found is a C string that fits; an explanation is one line
 * (no newline: it goes after "cannot run 'NAME': ") within its buffer. */
#include "fuzz.h"

#include "lib/execwhy.h"

#include <errno.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int errs[] = { ENOENT, EACCES, ENOEXEC, EPERM, ETXTBSY };
	char interp[256], why[1024];
	bool found = execwhy_interpreter(data, size, interp, sizeof(interp));

	if (found)
		CHECK(strlen(interp) < sizeof(interp));
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct execwhy_facts f = {
			.err = errs[i], .stat_ok = true, .mode = S_IFREG | (size ? data[0] : 0),
			.noexec_mount = size > 1 && (data[1] & 1), .head = data, .head_len = size,
			.interpreter = found ? interp : NULL,
			.interpreter_exists = size > 2 && (data[2] & 1),
			.our_machine = execwhy_our_machine(),
		};
		size_t n = execwhy_explain(&f, why, sizeof(why));

		CHECK(n < sizeof(why));
		if (n)
			CHECK(strlen(why) == n && !strchr(why, '\n'));
	}
	return 0;
}
