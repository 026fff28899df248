/* The capability names of capabilities(7), numbered as the kernel numbers
 * them (include/uapi/linux/capability.h). A kernel with more than these has
 * them under "all" too. */
#include "lib/capname.h"

#include "lib/fmt.h"

#include <string.h>
#include <strings.h>

static const char *const names[] = {
	"chown",	    "dac_override",  "dac_read_search", "fowner",	    "fsetid",
	"kill",		    "setgid",	     "setuid",		"setpcap",	    "linux_immutable",
	"net_bind_service", "net_broadcast", "net_admin",	"net_raw",	    "ipc_lock",
	"ipc_owner",	    "sys_module",    "sys_rawio",	"sys_chroot",	    "sys_ptrace",
	"sys_pacct",	    "sys_admin",     "sys_boot",	"sys_nice",	    "sys_resource",
	"sys_time",	    "sys_tty_config", "mknod",		"lease",	    "audit_write",
	"audit_control",    "setfcap",	     "mac_override",	"mac_admin",	    "syslog",
	"wake_alarm",	    "block_suspend", "audit_read",	"perfmon",	    "bpf",
	"checkpoint_restore",
};

/* One name of len bytes, with or without "cap_": its number, or -1. */
static int parse_one(const char *name, size_t len)
{
	if (len > 4 && strncasecmp(name, "cap_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && strncasecmp(names[i], name, len) == 0)
			return (int)i;
	return -1;
}

int capname_parse(const char *list, uint64_t *mask, char *bad, size_t bad_len)
{
	for (const char *s = list;; s++) {
		size_t len = strcspn(s, ",");
		int cap;

		if (len == 3 && strncasecmp(s, "all", 3) == 0) {
			*mask = ~0ULL;
		} else if ((cap = parse_one(s, len)) < 0) {
			fmt(bad, bad_len, "%.*s", (int)len, s);
			return -1;
		} else {
			*mask |= 1ULL << cap;
		}
		s += len;
		if (*s == '\0')
			return 0;
	}
}
