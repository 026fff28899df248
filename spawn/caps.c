/* Capabilities through libcap: the one file that includes <sys/capability.h>. */
#include "caps.h"

#include "fmt.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

bool caps_may_create_namespaces(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t value = CAP_CLEAR;

	if (caps == NULL)
		return false;
	if (cap_get_flag(caps, CAP_SYS_ADMIN, CAP_EFFECTIVE, &value) < 0)
		value = CAP_CLEAR;
	cap_free(caps);
	return value == CAP_SET;
}

/* One name: libcap knows "cap_net_raw"; accept "NET_RAW" and any case too. */
static int parse_one(const char *name, size_t len, cap_value_t *cap)
{
	char buf[64];
	size_t off = 0;

	if (len == 0 || len + 4 >= sizeof(buf))
		return -1;
	if (len < 4 || strncasecmp(name, "cap_", 4) != 0) {
		memcpy(buf, "cap_", 4);
		off = 4;
	}
	for (size_t i = 0; i < len; i++)
		buf[off + i] = (char)tolower((unsigned char)name[i]);
	buf[off + len] = '\0';
	/* cap_from_name also takes numbers; only names are promised here. */
	if (isdigit((unsigned char)buf[4]))
		return -1;
	return cap_from_name(buf, cap) == 0 && *cap >= 0 && *cap < 64 ? 0 : -1;
}

int caps_parse(const char *list, uint64_t *mask, char *bad, size_t bad_len)
{
	if (strcasecmp(list, "all") == 0) {
		*mask = ~0ULL;
		return 0;
	}
	for (const char *s = list;; s++) {
		size_t len = strcspn(s, ",");
		cap_value_t cap;

		if (parse_one(s, len, &cap) < 0) {
			fmt(bad, bad_len, "%.*s", (int)len, s);
			return -1;
		}
		*mask |= 1ULL << cap;
		s += len;
		if (*s == '\0')
			return 0;
	}
}

void caps_apply_to_command(const struct options *opts)
{
	(void)opts; /* not yet: --cap-drop, --cap-keep and --no-new-privs */
}

void caps_drop_for_pid1(const struct options *opts)
{
	(void)opts; /* not yet */
}
