/* Why execve refused a file that is there: one table of what PID 1 read
 * (execve's errno, the mode, a noexec mount, the first bytes, whether the
 * interpreter they name exists) and the words the user sees. */
#include "lib/execwhy.h"

#include <criterion/criterion.h>
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define LOADER "/lib64/ld-linux-x86-64.so.2"

/* The first bytes of an ELF file of `machine`: 64-bit (or 32-bit), little
 * (or big) endian, with a PT_INTERP naming `interp` unless it is NULL. */
static size_t elf(unsigned char *h, size_t cap, int machine, bool wide, bool big,
		  const char *interp)
{
	size_t ehsize = wide ? 64 : 52, phsize = wide ? 56 : 32, at = ehsize + 2 * phsize;

	memset(h, 0, cap);
	memcpy(h, ELFMAG, SELFMAG);
	h[EI_CLASS] = wide ? ELFCLASS64 : ELFCLASS32;
	h[EI_DATA] = big ? ELFDATA2MSB : ELFDATA2LSB;
	h[EI_VERSION] = EV_CURRENT;
#define PUT(off, n, v)                                                        \
	for (unsigned i_ = 0; i_ < (n); i_++)                                 \
		h[(off) + (big ? (n) - 1 - i_ : i_)] = (unsigned char)((unsigned long long)(v) >> (8 * i_))
	PUT(16, 2, ET_DYN);
	PUT(18, 2, machine);
	PUT(wide ? 32 : 28, wide ? 8 : 4, ehsize); /* e_phoff */
	PUT(wide ? 54 : 42, 2, phsize);
	PUT(wide ? 56 : 44, 2, interp ? 2 : 1);
	/* A PT_PHDR first, as linkers write it, then PT_INTERP. */
	PUT(ehsize, 4, PT_PHDR);
	if (interp) {
		size_t ph = ehsize + phsize;

		PUT(ph, 4, PT_INTERP);
		PUT(ph + (wide ? 8 : 4), wide ? 8 : 4, at);
		PUT(ph + (wide ? 32 : 16), wide ? 8 : 4, strlen(interp) + 1);
		memcpy(h + at, interp, strlen(interp) + 1);
		return at + strlen(interp) + 1;
	}
#undef PUT
	return at;
}

struct row {
	const char *what;
	int err;
	mode_t mode;
	bool noexec;
	int kind; /* 0: text head, 1: ELF */
	const char *text;    /* kind 0: the first bytes */
	int machine;         /* kind 1 */
	bool wide, big;
	const char *interp;  /* kind 1: PT_INTERP */
	int interp_exists;
	const char *expect;  /* NULL: nothing to add to execve's errno */
};

static const struct row rows[] = {
	{ "glibc binary, no loader in the root", ENOENT, S_IFREG | 0755, false, 1, NULL,
	  EM_X86_64, true, false, LOADER, 0,
	  "it is a dynamic binary, and its ELF interpreter '" LOADER "' is missing; add it and "
	  "the libraries it needs, or use a static binary" },
	{ "32-bit big-endian dynamic binary: another machine's loader is not read", ENOENT,
	  S_IFREG | 0755, false, 1, NULL, EM_X86_64, false, true, "/lib/ld.so.1", 0, NULL },
	{ "loader there: a failure of its own", ENOENT, S_IFREG | 0755, false, 1, NULL,
	  EM_X86_64, true, false, LOADER, 1, NULL },
	{ "aarch64 binary on x86_64", ENOEXEC, S_IFREG | 0755, false, 1, NULL, EM_AARCH64, true,
	  false, "/lib/ld-linux-aarch64.so.1", -1,
	  "it is an ELF binary for aarch64, and this machine is x86_64" },
	{ "s390x (big-endian) binary on x86_64", ENOEXEC, S_IFREG | 0755, false, 1, NULL,
	  EM_S390, true, true, NULL, -1, "it is an ELF binary for s390x, and this machine is x86_64" },
	{ "unknown machine", ENOEXEC, S_IFREG | 0755, false, 1, NULL, 4242, true, false, NULL, -1,
	  "it is an ELF binary for another machine, and this machine is x86_64" },
	{ "our machine, but ENOEXEC", ENOEXEC, S_IFREG | 0755, false, 1, NULL, EM_X86_64, true,
	  false, NULL, -1, NULL },
	{ "CRLF script", ENOENT, S_IFREG | 0755, false, 0, "#!/bin/sh\r\necho hi\r\n", 0, false,
	  false, NULL, 0,
	  "its #! line ends in \\r (CRLF line ends): there is no interpreter '/bin/sh\\r'; "
	  "convert it with dos2unix" },
	{ "missing #! interpreter", ENOENT, S_IFREG | 0755, false, 0,
	  "#! /usr/bin/python9 -u\nprint()\n", 0, false, false, NULL, 0,
	  "its #! interpreter '/usr/bin/python9' was not found" },
	{ "#! interpreter there", ENOENT, S_IFREG | 0755, false, 0, "#!/bin/sh\n", 0, false, false,
	  NULL, 1, NULL },
	{ "noexec mount", EACCES, S_IFREG | 0755, true, 0, "#!/bin/sh\n", 0, false, false, NULL,
	  -1, "its file system is mounted noexec" },
	{ "a directory", EACCES, S_IFDIR | 0755, false, 0, NULL, 0, false, false, NULL, -1,
	  "it is a directory" },
	{ "a fifo", EACCES, S_IFIFO | 0755, false, 0, NULL, 0, false, false, NULL, -1,
	  "it is a fifo, not a regular file" },
	{ "no x bit", EACCES, S_IFREG | 0644, false, 0, "echo hi\n", 0, false, false, NULL, -1,
	  "it is not executable (mode 0644)" },
	{ "x bits, still refused (another user's)", EACCES, S_IFREG | 0750, false, 0, NULL, 0,
	  false, false, NULL, -1, NULL },
	{ "unreadable file, not found", ENOENT, S_IFREG | 0711, false, 0, NULL, 0, false, false,
	  NULL, -1, NULL },
};

Test(execwhy, every_cause_in_words)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		unsigned char head[512];
		struct execwhy_facts f = {
			.err = r->err,
			.stat_ok = true,
			.mode = r->mode,
			.noexec_mount = r->noexec,
			.interpreter_exists = r->interp_exists == 1,
			.our_machine = EM_X86_64,
		};
		char why[512], interp[256];
		size_t n;

		if (r->kind == 1) {
			f.head_len = elf(head, sizeof(head), r->machine, r->wide, r->big, r->interp);
			f.head = head;
		} else if (r->text) {
			f.head = (const unsigned char *)r->text;
			f.head_len = strlen(r->text);
		}
		/* As PID 1 does: the interpreter the bytes name, then the rest. */
		if (f.head && execwhy_interpreter(f.head, f.head_len, interp, sizeof(interp)))
			f.interpreter = interp;
		n = execwhy_explain(&f, why, sizeof(why));
		if (!r->expect) {
			cr_expect_eq(n, 0, "%s: said '%s'", r->what, why);
			continue;
		}
		cr_expect_str_eq(why, r->expect, "%s", r->what);
		cr_expect_eq(n, strlen(r->expect), "%s", r->what);
	}
}

Test(execwhy, interpreters_are_cut_as_the_kernel_cuts_them)
{
	unsigned char head[512];
	char out[64];
	size_t n;

	cr_assert(execwhy_interpreter((const unsigned char *)"#!\t/bin/bash -e\n", 16, out,
				      sizeof(out)));
	cr_expect_str_eq(out, "/bin/bash");
	cr_assert(execwhy_interpreter((const unsigned char *)"#!/bin/sh\r\n", 11, out, sizeof(out)));
	cr_expect_str_eq(out, "/bin/sh\r");
	cr_expect_not(execwhy_interpreter((const unsigned char *)"#!\n", 3, out, sizeof(out)),
		      "an empty #! line names none");
	cr_expect_not(execwhy_interpreter((const unsigned char *)"echo hi\n", 8, out, sizeof(out)));
	n = elf(head, sizeof(head), EM_X86_64, true, false, LOADER);
	cr_assert(execwhy_interpreter(head, n, out, sizeof(out)));
	cr_expect_str_eq(out, LOADER);
	cr_expect_not(execwhy_interpreter(head, n - 5, out, sizeof(out)),
		      "an interpreter cut off by the end of what was read");
	cr_expect_not(execwhy_interpreter(head, n, out, 8), "an interpreter that does not fit");
	n = elf(head, sizeof(head), EM_X86_64, true, false, NULL);
	cr_expect_not(execwhy_interpreter(head, n, out, sizeof(out)), "a static binary");
	cr_expect_not(execwhy_interpreter(head, 30, out, sizeof(out)), "a cut header");
}

Test(execwhy, machine_names_are_unames)
{
	cr_expect_str_eq(execwhy_machine_name(EM_AARCH64), "aarch64");
	cr_expect_str_eq(execwhy_machine_name(EM_X86_64), "x86_64");
	cr_expect_null(execwhy_machine_name(4242));
	cr_expect_str_eq(execwhy_machine_name(execwhy_our_machine()), "x86_64");
}

/* The permission bits as the kernel reads them for execve and a path's
 * directories: the owner's if who owns it, else the group's, else the
 * others' (no fall-through: an owner without x is refused). */
Test(execwhy, permits_reads_the_bits_the_kernel_reads)
{
	static const gid_t groups[] = { 20, 30 };
	const struct execwhy_who who = { 1000, 100, groups, 2 };
	static const struct {
		mode_t mode;
		uid_t owner;
		gid_t group;
		bool permits;
	} bits[] = {
		{ 0700, 1000, 0, true },    /* the owner's x */
		{ 0077, 1000, 100, false }, /* the owner's bits only, even with the others' x */
		{ 0750, 0, 100, true },     /* the primary group's x */
		{ 0750, 0, 30, true },      /* a supplementary group's x */
		{ 0705, 0, 100, false },    /* in the group: the group's bits, not the others' */
		{ 0701, 0, 0, true },       /* the others' x */
		{ 0770, 0, 0, false },
	};
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		cr_expect_eq(execwhy_permits(&who, bits[i].mode, bits[i].owner, bits[i].group),
			     bits[i].permits, "row %zu: mode %o owner %u:%u", i,
			     (unsigned)bits[i].mode, (unsigned)bits[i].owner,
			     (unsigned)bits[i].group);
}

Test(execwhy, permission_causes_name_the_user)
{
	const struct execwhy_who who = { 65534, 65534, NULL, 0 };
	struct execwhy_facts f = { .err = EACCES, .stat_ok = true, .mode = S_IFREG | 0750,
				   .who = &who, .owner = 0, .group = 0 };
	char why[512];

	execwhy_explain(&f, why, sizeof(why));
	cr_expect_str_eq(why, "it is not executable by uid 65534 (mode 0750, owner 0:0)");
	/* A directory on the way comes first: the kernel stops there. */
	f.unsearchable = "/srv/app\n";
	f.unsearchable_mode = S_IFDIR | 0700;
	f.unsearchable_owner = 0;
	execwhy_explain(&f, why, sizeof(why));
	cr_expect_str_eq(why, "uid 65534 may not enter '/srv/app?' (mode 0700, owner 0)");
	/* Root, or not known: nothing more than execve's errno. */
	f.who = NULL;
	f.unsearchable = NULL;
	f.mode = S_IFREG | 0700;
	cr_expect_eq(execwhy_explain(&f, why, sizeof(why)), 0, "said '%s'", why);
}
