/* Forwarding: carrying out PID 1's decision to pass a signal on (what a
 * signal means is sigpolicy.h's; whether and to whom, lifecycle.h's). */
#ifndef NSINIT_FORWARD_H
#define NSINIT_FORWARD_H

#include <stdbool.h>
#include <sys/types.h>

/* Send sig to the command, our unreaped child (its pid cannot have been
 * reused), or to the process group it leads (-g). give_terminal: without
 * a relay, SIGCONT first gives the command the terminal's foreground. */
void forward_to_command(pid_t command, int sig, bool to_group, bool give_terminal);

#endif
