/* Why execve refused a file that is there. The kernel's errno says little:
 * ENOENT for a file that exists (its ELF loader, or its #! interpreter, is
 * missing), ENOEXEC for an ELF binary of another machine, EACCES for a
 * directory, a noexec mount and a file without x bits alike. Those are the
 * most common start failures of minimal images (a glibc binary in a scratch
 * or Alpine root has no /lib64/ld-linux-x86-64.so.2), so PID 1 reads the
 * file and this decides, from what it read, which one it was. Pure: no I/O,
 * so a table test covers every row. */
#include "lib/execwhy.h"

#include "lib/fmt.h"

#include <elf.h>
#include <link.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

int execwhy_our_machine(void)
{
#if defined(__x86_64__)
	return EM_X86_64;
#elif defined(__aarch64__)
	return EM_AARCH64;
#elif defined(__i386__)
	return EM_386;
#elif defined(__arm__)
	return EM_ARM;
#elif defined(__riscv)
	return EM_RISCV;
#elif defined(__powerpc64__)
	return EM_PPC64;
#elif defined(__s390x__)
	return EM_S390;
#else
	return -1; /* unknown: never called foreign */
#endif
}

const char *execwhy_machine_name(int machine)
{
	/* uname -m's names, each after its e_machine: a string, not a table
	 * of pointers, which a static-pie would have to relocate. */
	static const char names[] = "\076x86_64\0\267aarch64\0\003i386\0\050arm\0"
				    "\363riscv64\0\025ppc64\0\026s390x\0";

	for (const char *p = names; *p; p += strlen(p) + 1)
		if ((unsigned char)*p == machine)
			return p + 1;
	return NULL;
}

static bool is_elf(const unsigned char *h, size_t len)
{
	return len >= EI_NIDENT && memcmp(h, ELFMAG, SELFMAG) == 0;
}

/* e_machine, in the file's own byte order. */
static int elf_machine(const unsigned char *h, size_t len)
{
	if (len < 20)
		return -1;
	return h[EI_DATA] == ELFDATA2MSB ? h[18] << 8 | h[19] : h[19] << 8 | h[18];
}

/* PT_INTERP's path, if its program header and its text are within head.
 * Only a file of our own class and byte order is read: one of another
 * machine fails as such before its loader matters. */
static bool elf_interpreter(const unsigned char *h, size_t len, char *out, size_t cap)
{
	ElfW(Ehdr) e;
	ElfW(Phdr) ph;

	if (len < sizeof(e) || h[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) ||
	    h[EI_DATA] != (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? ELFDATA2MSB : ELFDATA2LSB))
		return false;
	memcpy(&e, h, sizeof(e));
	for (size_t i = 0; i < e.e_phnum; i++) {
		size_t at = e.e_phoff + i * e.e_phentsize;

		if (e.e_phoff > len || at > len - sizeof(ph))
			return false;
		memcpy(&ph, h + at, sizeof(ph));
		if (ph.p_type != PT_INTERP)
			continue;
		/* The text ends in its NUL, within p_filesz. */
		if (ph.p_filesz < 2 || ph.p_filesz > cap || ph.p_offset > len ||
		    ph.p_filesz > len - ph.p_offset)
			return false;
		memcpy(out, h + ph.p_offset, ph.p_filesz);
		out[ph.p_filesz - 1] = '\0';
		return out[0] != '\0';
	}
	return false;
}

/* The #! line's interpreter, cut where the kernel cuts it: at the first
 * space, tab or newline after leading blanks. A '\r' stays in the name. */
static bool script_interpreter(const unsigned char *h, size_t len, char *out, size_t cap)
{
	size_t i = 2, n = 0;

	while (i < len && (h[i] == ' ' || h[i] == '\t'))
		i++;
	while (i < len && h[i] != ' ' && h[i] != '\t' && h[i] != '\n' && h[i] != '\0') {
		if (n + 1 >= cap)
			return false;
		out[n++] = (char)h[i++];
	}
	out[n] = '\0';
	return n > 0;
}

bool execwhy_interpreter(const unsigned char *head, size_t len, char *out, size_t cap)
{
	if (!head || cap == 0)
		return false;
	if (len >= 2 && head[0] == '#' && head[1] == '!')
		return script_interpreter(head, len, out, cap);
	return is_elf(head, len) && elf_interpreter(head, len, out, cap);
}

bool execwhy_permits(const struct execwhy_who *who, mode_t mode, uid_t owner, gid_t group)
{
	bool member = who->gid == group;

	if (who->uid == owner)
		return mode & S_IXUSR;
	for (size_t i = 0; i < who->ngroups && !member; i++)
		member = who->groups[i] == group;
	return mode & (member ? S_IXGRP : S_IXOTH);
}

/* The four octal digits of a mode's permissions (fmt() has no %o). */
static const char *octal(mode_t mode, char out[5])
{
	for (int i = 0; i < 4; i++)
		out[i] = (char)('0' + ((mode >> (9 - 3 * i)) & 7));
	out[4] = '\0';
	return out;
}

static size_t explain(const struct execwhy_facts *f, char *why, size_t len)
{
	const char *interp = f->interpreter;
	bool missing = f->err == ENOENT && interp && !f->interpreter_exists;
	size_t n = interp ? strlen(interp) : 0;
	int machine;
	char mode[5];

	if (len > 0)
		why[0] = '\0';
	if (f->stat_ok && S_ISDIR(f->mode))
		return fmt(why, len, "it is a directory");
	if (f->err == EACCES && f->stat_ok && !S_ISREG(f->mode))
		return fmt(why, len, "it is %s, not a regular file", fmt_file_kind(f->mode));
	if (f->err == EACCES && f->noexec_mount)
		return fmt(why, len, "its file system is mounted noexec");
	/* A directory on the way first: the kernel stops there. */
	if (f->err == EACCES && f->who && f->unsearchable)
		return fmt(why, len, "uid %u may not enter '%s' (mode %s, owner %u)",
			   (unsigned)f->who->uid, f->unsearchable, octal(f->unsearchable_mode, mode),
			   (unsigned)f->unsearchable_owner);
	if (f->err == EACCES && f->stat_ok && !(f->mode & 0111))
		return fmt(why, len, "it is not executable (mode %s)", octal(f->mode, mode));
	if (f->err == EACCES && f->stat_ok && f->who &&
	    !execwhy_permits(f->who, f->mode, f->owner, f->group))
		return fmt(why, len, "it is not executable by uid %u (mode %s, owner %u:%u)",
			   (unsigned)f->who->uid, octal(f->mode, mode), (unsigned)f->owner,
			   (unsigned)f->group);
	if (f->head && is_elf(f->head, f->head_len)) {
		machine = elf_machine(f->head, f->head_len);
		if (f->err == ENOEXEC && f->our_machine >= 0 && machine != f->our_machine)
			return fmt(why, len, "it is an ELF binary for %s, and this machine is %s",
				   execwhy_machine_name(machine) ?: "another machine",
				   execwhy_machine_name(f->our_machine) ?: "another");
		if (missing)
			return fmt(why, len, "it is a dynamic binary, and its ELF interpreter '%s' "
					     "is missing; add it and the libraries it needs, or use a "
					     "static binary",
				   interp);
		return 0;
	}
	/* A script. Written on Windows, its #! line ends in "\r\n", and the
	 * kernel looks for an interpreter whose name ends in '\r'. */
	if (missing && interp[n - 1] == '\r')
		return fmt(why, len, "its #! line ends in \\r (CRLF line ends): there is no "
				     "interpreter '%.*s\\r'; convert it with dos2unix",
			   (int)n - 1, interp);
	if (missing)
		return fmt(why, len, "its #! interpreter '%s' was not found", interp);
	return 0;
}

size_t execwhy_explain(const struct execwhy_facts *f, char *why, size_t len)
{
	size_t n = explain(f, why, len);

	/* The interpreter's name comes from the file: a newline or a
	 * terminal's escape in it must not split or act on the line. */
	if (n)
		fmt_sanitize(why);
	return n;
}
