/* Capability questions, answered with libcap. All libcap use lives in caps.c. */
#ifndef NSINIT_CAPS_H
#define NSINIT_CAPS_H

#include <stdbool.h>

/* Does nsinit hold CAP_SYS_ADMIN in its effective set (needed to create PID
 * and mount namespaces without a user namespace)? */
bool caps_may_create_namespaces(void);

#endif
