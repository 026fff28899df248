/* num_long and num_ulong (lib/num.c) agree with strtol and strtoul, base
 * 10, on any text: value, end and errno. */
#include "fuzz.h"

#include "lib/num.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = input_string(data, size), *e1, *e2;
	long a, b;
	unsigned long ua, ub;
	int err1, err2;

	errno = 0;
	a = strtol(text, &e1, 10);
	err1 = errno;
	errno = 0;
	b = num_long(text, &e2);
	err2 = errno;
	CHECK(a == b && e1 == e2 && err1 == err2);
	errno = 0;
	ua = strtoul(text, &e1, 10);
	err1 = errno;
	errno = 0;
	ub = num_ulong(text, &e2);
	err2 = errno;
	CHECK(ua == ub && e1 == e2 && err1 == err2);
	free(text);
	return 0;
}
