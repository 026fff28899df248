/* What the probe's subcommands share (probe.c); each probe_*.c is one job. */
#ifndef NSINIT_TEST_PROBE_H
#define NSINIT_TEST_PROBE_H

#include <stddef.h>
#include <sys/types.h>

/* Write a line (or any text) with write(2): nothing sits in a stdio buffer. */
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "probe: what: strerror", exit 3. */
void die(const char *what) __attribute__((noreturn));
/* The usage text, exit 2. */
void usage(void) __attribute__((noreturn));
/* A non-negative decimal argument, or usage(). */
long num_arg(const char *s);
long long mono_ms(void);
void block_forever(void) __attribute__((noreturn));
/* "SIGTERM", "SIGRTMIN+1", ... */
void sig_name(int sig, char *buf, size_t n);
/* One line from fd, without its '\n'; "" at EOF. */
void read_line_from(int fd, char *buf, size_t n);

/* probe_orphans.c: orphans made and reaped */
int cmd_orphan_burst(int argc, char **argv);
int cmd_orphan_batches(int argc, char **argv);
int cmd_orphan_exit(int argc, char **argv);
int cmd_orphan_kill(int argc, char **argv);
int cmd_zombies_on_usr1(int argc, char **argv);
int cmd_fork_limit(int argc, char **argv);
/* probe_children.c: children the command leaves behind */
int cmd_spawn_bg(int argc, char **argv);
int cmd_leave(int argc, char **argv);
int cmd_ignore_term_child(int argc, char **argv);
int cmd_bg_signals(int argc, char **argv);
/* probe_signals.c: signals the command receives */
int cmd_signals(int argc, char **argv);
int cmd_sigcount(int argc, char **argv);
/* probe_inspect.c: what the command sees of itself */
int cmd_status(int argc, char **argv);
int cmd_nspid(int argc, char **argv);
int cmd_caps(int argc, char **argv);
int cmd_netif(int argc, char **argv);
/* probe_seccomp.c: a kernel that refuses user namespaces */
int cmd_no_userns(int argc, char **argv);
/* probe_attack.c: an untrusted command against nsinit */
int cmd_attack(int argc, char **argv);
/* probe_hangfs.c: a file system whose open(2) never returns */
int cmd_hangfs(int argc, char **argv);

#endif
