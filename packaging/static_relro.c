/* RELRO for the static-pie build only. The linker puts everything that is
 * written only while the binary relocates itself (the GOT, .init_array,
 * .fini_array, .data.rel.ro: tables of pointers) into a GNU_RELRO segment,
 * and with -z now that is every relocation. Making that segment read-only
 * once relocation is done is the job of whoever relocates: glibc's ld.so and
 * glibc's static-pie start code do it, but musl's rcrt1.o (1.2.3, Debian 12)
 * relocates and then jumps to __libc_start_main without it, so the pages stay
 * writable and the GNU_RELRO header promises nothing. An arbitrary write into
 * .fini_array or the GOT would then still redirect PID 1.
 *
 * This constructor does what glibc's _dl_protect_relro does: round the
 * segment's start and end down to pages, so that no page holding ordinary
 * data (after the segment) becomes read-only, and mprotect the range. It runs
 * first among constructors (priority 101), after rcrt1.o has applied every
 * relocation and before main; nothing writes there afterwards. The dynamic
 * build does not link it: ld.so protects it already. */
#include "lib/errtext.h"

#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

/* Not <link.h>'s ElfW: the build's -Ispawn finds spawn/link.h first. */
#if UINTPTR_MAX > 0xffffffff
typedef Elf64_Ehdr Ehdr;
typedef Elf64_Phdr Phdr;
#else
typedef Elf32_Ehdr Ehdr;
typedef Elf32_Phdr Phdr;
#endif

/* The ELF header of this binary, where the kernel mapped it (defined by ld).
 * Hidden, so that it is reached PC-relative rather than through the GOT. */
extern const Ehdr __ehdr_start __attribute__((visibility("hidden")));

void nsinit_static_relro(void) __attribute__((constructor(101)));

/* Before main, with no message helpers set up: one write(2), best effort.
 * A failure leaves the binary as it was before this file existed, so nsinit
 * says so and goes on rather than refusing to start. */
static void warn(int err)
{
	static const char head[] = "nsinit: cannot make relocated data read-only (RELRO): ";
	/* errtext, not strerror: musl's table of every errno's words is
	 * 2 KiB nsinit otherwise does without. */
	const char *what = errtext(err);
	ssize_t ignored;

	ignored = write(2, head, sizeof(head) - 1);
	ignored = write(2, what, strlen(what));
	ignored = write(2, "\n", 1);
	(void)ignored;
}

void nsinit_static_relro(void)
{
	const unsigned char *base = (const unsigned char *)&__ehdr_start;
	const Phdr *ph = (const Phdr *)(const void *)(base + __ehdr_start.e_phoff);
	uintptr_t page = (uintptr_t)getauxval(AT_PAGESZ);

	if (!page)
		page = 4096;
	for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
		uintptr_t start, end;

		if (ph[i].p_type != PT_GNU_RELRO)
			continue;
		/* ET_DYN: p_vaddr is relative to where the ELF header lies. */
		start = ((uintptr_t)base + ph[i].p_vaddr) & ~(page - 1);
		end = ((uintptr_t)base + ph[i].p_vaddr + ph[i].p_memsz) & ~(page - 1);
		if (end > start && mprotect((void *)start, end - start, PROT_READ) < 0)
			warn(errno);
	}
}
