/* Capabilities through libcap: the one file that includes <sys/capability.h>. */
#include "caps.h"

#include <stddef.h>
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
