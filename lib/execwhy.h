/* Why execve refused a file that is there: one pure decision over what PID 1
 * read of it, so that a table test covers every cause without a kernel. */
#ifndef NSINIT_EXECWHY_H
#define NSINIT_EXECWHY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The ELF machine of this build (EM_X86_64 on x86_64, ...), and its name. */
int execwhy_our_machine(void);

/* The name of an ELF e_machine as uname -m says it ("aarch64"), or NULL. */
const char *execwhy_machine_name(int machine);

/* The interpreter a file's first bytes name: the #! line's (up to a space,
 * tab or newline, as the kernel cuts it, so a CRLF line keeps its '\r'), or
 * an ELF file's PT_INTERP, if it lies within `head`. Writes it into out and
 * returns true; false if there is none (a static ELF file, not a script) or
 * it does not fit. */
bool execwhy_interpreter(const unsigned char *head, size_t len, char *out, size_t cap);

/* Who ran execve, for the permission bits: without CAP_DAC_OVERRIDE. */
struct execwhy_who {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t ngroups;
};

/* May `who` search (bit 1) a directory, or execute a file, of this mode
 * and owner? The kernel's order: the owner's bits if who owns it, else the
 * group's if who is in its group, else the others'. */
bool execwhy_permits(const struct execwhy_who *who, mode_t mode, uid_t owner, gid_t group);

/* What was read of the file. */
struct execwhy_facts {
	int err;                   /* execve's errno */
	bool stat_ok;              /* mode is known */
	mode_t mode;               /* its st_mode */
	bool noexec_mount;         /* it is on a file system mounted noexec */
	const unsigned char *head; /* its first bytes (NULL if unreadable) */
	size_t head_len;
	const char *interpreter;   /* what execwhy_interpreter() found in them, or NULL */
	bool interpreter_exists;   /* it is there (as the kernel looks it up) */
	int our_machine;           /* execwhy_our_machine(), or another in tests */
	const struct execwhy_who *who; /* who ran execve, or NULL: not checked (root) */
	uid_t owner;               /* the file's */
	gid_t group;
	const char *unsearchable;  /* the first directory on the way that who may
				    * not search, or NULL */
	mode_t unsearchable_mode;  /*   its mode and owner */
	uid_t unsearchable_owner;
};

/* The cause, as words after "cannot run 'NAME': ", into why; returns its
 * length, or 0 when nothing more is known than execve's errno says. */
size_t execwhy_explain(const struct execwhy_facts *f, char *why, size_t len);

#endif
