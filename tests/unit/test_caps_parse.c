/* capname_parse: the lists --cap-drop and --cap-keep take. */
#include "lib/capname.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <linux/capability.h>
#include <sys/capability.h>
#include <string.h>

struct row {
	const char *list;
	int result;
	uint64_t mask; /* when result is 0 */
	const char *bad; /* when result is -1 */
};

#define B(cap) (1ULL << (cap))

static const struct row rows[] = {
	{ "all", 0, ~0ULL, NULL },
	{ "ALL", 0, ~0ULL, NULL },
	{ "all,net_raw", 0, ~0ULL, NULL },
	{ "net_raw,all", 0, ~0ULL, NULL },
	{ "cap_net_raw,SYS_ADMIN", 0, B(CAP_NET_RAW) | B(CAP_SYS_ADMIN), NULL },
	{ "all,bogus", -1, 0, "bogus" },
	{ "alll", -1, 0, "alll" },
	{ "net_raw,", -1, 0, "" },
	{ "7", -1, 0, "7" },
};

Test(capname, table)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		uint64_t mask = 0;
		char bad[64] = "";

		cr_expect_eq(capname_parse(r->list, &mask, bad, sizeof(bad)), r->result, "'%s'",
			     r->list);
		if (r->result == 0)
			cr_expect_eq(mask, r->mask, "'%s': %llx", r->list, (unsigned long long)mask);
		else
			cr_expect_str_eq(bad, r->bad, "'%s'", r->list);
	}
}

/* The table agrees with libcap's: every name it gives parses to its number. */
Test(capname, every_name_libcap_knows)
{
	for (int cap = 0; cap <= CAP_LAST_CAP; cap++) {
		char *name = cap_to_name(cap);
		uint64_t mask = 0;
		char bad[64];

		cr_assert(name);
		cr_expect_eq(capname_parse(name, &mask, bad, sizeof(bad)), 0, "%s", name);
		cr_expect_eq(mask, 1ULL << cap, "%s", name);
		for (char *c = name; *c; c++)
			*c = (char)toupper((unsigned char)*c);
		mask = 0;
		cr_expect_eq(capname_parse(name + 4, &mask, bad, sizeof(bad)), 0, "%s", name + 4);
		cr_expect_eq(mask, 1ULL << cap, "%s", name);
		cap_free(name);
	}
}
