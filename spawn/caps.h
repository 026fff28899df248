/* Capabilities, through libcap: the questions the rest of nsinit asks and the
 * orders it gives. All libcap use lives in caps.c. */
#ifndef NSINIT_CAPS_H
#define NSINIT_CAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does nsinit hold CAP_SYS_ADMIN in its effective set (needed to create PID
 * and mount namespaces without a user namespace)? */
bool caps_may_create_namespaces(void);

/* Parse a comma-separated list of capability names as libcap spells them, in
 * any case and with or without "cap_" ("cap_net_raw,SYS_ADMIN"), or "all",
 * adding them to *mask (bit N is capability N). Returns 0, or -1 with the
 * unknown name copied into bad. */
int caps_parse(const char *list, uint64_t *mask, char *bad, size_t bad_len);

struct options;

/* In the command's child, before execve: drop what --cap-drop and --cap-keep
 * say from every set (bounding, permitted, effective, inheritable, ambient)
 * and set no_new_privs if asked. Dies (exit 125) if that cannot be done:
 * the command must not run with more than it was given. */
void caps_apply_to_command(const struct options *opts);

/* In PID 1 once the command runs: keep only the capabilities PID 1 still
 * needs (CAP_KILL, to signal the command whatever uid it takes, and with
 * --pid-file CAP_DAC_OVERRIDE, to remove the file), dropping the rest from
 * every set including the bounding set. Warns on failure. */
void caps_drop_for_pid1(const struct options *opts);

#endif
