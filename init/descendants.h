/* Signalling our descendants when nsinit is not PID 1 of a namespace, where
 * kill(-1) would reach every process of the user on the machine. */
#ifndef NSINIT_DESCENDANTS_H
#define NSINIT_DESCENDANTS_H

/* Send sig to every descendant of nsinit that /proc/PID/task/TID/children
 * shows. Returns how many were signalled. */
unsigned descendants_signal(int sig);

#endif
