# Static build: a fully static, position-independent (static-pie) nsinit
# linked against musl and a libcap built for musl, for any of the nine
# architectures tini ships and more (STATIC_ARCHS: amd64 arm64 armhf armel
# i386 ppc64el s390x mips64el riscv64). Included from the Makefile; reuses its
# SRCS, CPPFLAGS, WARNINGS and BUILD.
#
#   make static        build $(BUILD)/static/nsinit (stripped) for this machine
#                      and check it (static-check below, packaging/static-check.sh):
#                      static-pie, no interpreter, no shared libraries, full
#                      RELRO, code apart from data, nothing writable and
#                      executable, stack protector, at most 96 KiB; and what
#                      the command's child refers to (packaging/child-symbols.sh);
#                      installs what it needs
#   make static ARCH=arm64
#                      the same, cross-built with Debian's toolchain for that
#                      architecture (Debian's names; x86_64 and aarch64 are
#                      aliases of amd64 and arm64), into $(BUILD)/static-arm64/
#   make static-all    every architecture, one after the other
#   make static-smoke  run the native binary as PID 1 in a chroot holding
#                      nothing but itself and a static busybox
#                      (packaging/static-smoke.sh); fails unless
#                      `ps` there shows nsinit as PID 1, the command's output
#                      comes through, and PID 1's maps show it loaded at a
#                      different address each run with its RELRO read-only
#   make check-arch ARCH=A
#                      cross-build for A and run what qemu-user can run
#                      (packaging/qemu-check.sh): --version, exit codes, -s,
#                      --no-namespace, --timeout, signal forwarding, against
#                      Debian's static busybox of A
#   make check-arm64   check-arch for arm64
#   make check-arches  check-arch for every architecture but this machine's
#
# Why static: the binary has to work as the init of containers and chroots
# that have no libc of their own (or another libc than the host's). Why musl:
# glibc's static libc is large and still wants NSS modules at run time. Why
# libcap from source: Debian ships no libcap built for musl.
#
# Why static-pie: this binary is PID 1 of every container it runs in, and the
# one process there that holds every capability; a fixed-address binary hands
# an attacker every ROP gadget's address. As a static-pie, the kernel loads it
# at a random base and musl's rcrt1.o relocates it before main (nothing is
# resolved by name: there is no interpreter and no shared library). It costs
# the relocation table (~4 KiB, some 170 relative relocations) and a few
# microseconds at start-up.
#
# Variables (override on the command line): ARCH, STATIC_GCC, STATIC_CFLAGS,
# STATIC_LDFLAGS, STATIC_MAX_LOAD, STATIC_MAX_SIZE, LIBCAP_SRC_CACHE,
# MUSL_SRC_CACHE.

# --- Target architecture -------------------------------------------------
# ARCH: a Debian architecture name, one of STATIC_ARCHS; x86_64 and aarch64
# (the names this took before) are kept as aliases of amd64 and arm64. The
# machine's own by default. Everything architecture-specific is in this block,
# one row per architecture:
#   GNU triplet   Debian's cross toolchain (gcc-TRIPLET, binutils-TRIPLET) and
#                 its kernel headers (linux-libc-dev-ARCH-cross)
#   musl triplet  where Debian's musl-dev puts its headers and libraries
#   qemu          qemu-user's name for it (qemu-NAME-static)
#   ld-musl       musl's name in its dynamic loader's file name (the specs
#                 name it for a non-PIE link only; the static-pie has none)
#   OCI           the container platform (podman --platform linux/...)
# i386 is built for i686 (Debian's i386 baseline); mips64el is the n64 ABI
# (Debian's mips64el musl-dev is n64, as is gcc-mips64el-linux-gnuabi64).
STATIC_ARCHS := amd64 arm64 armhf armel i386 ppc64el s390x mips64el riscv64
static_row_amd64    := x86_64-linux-gnu        x86_64-linux-musl      x86_64   x86_64      amd64
static_row_arm64    := aarch64-linux-gnu       aarch64-linux-musl     aarch64  aarch64     arm64
static_row_armhf    := arm-linux-gnueabihf     arm-linux-musleabihf   arm      armhf       arm/v7
static_row_armel    := arm-linux-gnueabi       arm-linux-musleabi     arm      arm         arm/v5
static_row_i386     := i686-linux-gnu          i386-linux-musl        i386     i386        386
static_row_ppc64el  := powerpc64le-linux-gnu   powerpc64le-linux-musl ppc64le  powerpc64le ppc64le
static_row_s390x    := s390x-linux-gnu         s390x-linux-musl       s390x    s390x       s390x
static_row_mips64el := mips64el-linux-gnuabi64 mips64el-linux-musl    mips64el mips64el    mips64le
static_row_riscv64  := riscv64-linux-gnu       riscv64-linux-musl     riscv64  riscv64     riscv64
# Debian 12 builds musl for every architecture above but riscv64 (riscv64 was
# a ports architecture then): for it, packaging/musl-from-source.sh builds
# musl from Debian 12's own musl source package, pinned like libcap's.
STATIC_MUSL_FROM_SOURCE := riscv64

STATIC_HOST_ARCH := $(shell dpkg --print-architecture 2>/dev/null || uname -m)
ARCH ?= $(STATIC_HOST_ARCH)
static_alias = $(patsubst x86_64,amd64,$(patsubst aarch64,arm64,$(1)))
STATIC_DEB_ARCH := $(call static_alias,$(ARCH))
STATIC_HOST_DEB_ARCH := $(call static_alias,$(STATIC_HOST_ARCH))
STATIC_ROW := $(static_row_$(STATIC_DEB_ARCH))
STATIC_GNU_TRIPLET  := $(word 1,$(STATIC_ROW))
STATIC_MUSL_TRIPLET := $(word 2,$(STATIC_ROW))
STATIC_QEMU_ARCH    := $(word 3,$(STATIC_ROW))
STATIC_LDMUSL_ARCH  := $(word 4,$(STATIC_ROW))

ifeq ($(STATIC_DEB_ARCH),$(STATIC_HOST_DEB_ARCH))
# Native: musl from the machine's musl-dev, kernel headers from linux-libc-dev.
STATIC_CROSS      :=
STATIC_DIR        := $(BUILD)/static
STATIC_MUSL_ROOT  :=
STATIC_KHDR_ROOT  := /usr/include
STATIC_KHDR_ASM   := /usr/include/$(STATIC_GNU_TRIPLET)/asm
STATIC_TOOL_PKGS  := gcc binutils musl-dev linux-libc-dev
else
# Cross: Debian's cross gcc and binutils and their kernel headers; musl-dev of
# the target architecture unpacked under $(STATIC_DIR) by fetch-debs.sh (Debian
# ships musl for other architectures, but not as cross packages), or built
# from source (STATIC_MUSL_FROM_SOURCE). Named by Debian's architecture:
# $(BUILD)/static-arm64, $(BUILD)/static-armhf, ...
STATIC_CROSS      := $(STATIC_GNU_TRIPLET)-
STATIC_DIR        := $(BUILD)/static-$(STATIC_DEB_ARCH)
STATIC_MUSL_ROOT  := $(abspath $(STATIC_DIR)/musl-$(STATIC_DEB_ARCH))
STATIC_KHDR_ROOT  := /usr/$(STATIC_GNU_TRIPLET)/include
STATIC_KHDR_ASM   := $(STATIC_KHDR_ROOT)/asm
STATIC_TOOL_PKGS  := gcc-$(STATIC_GNU_TRIPLET) binutils-$(STATIC_GNU_TRIPLET) \
                     linux-libc-dev-$(STATIC_DEB_ARCH)-cross
endif
STATIC_MUSL_INC := $(STATIC_MUSL_ROOT)/usr/include/$(STATIC_MUSL_TRIPLET)
STATIC_MUSL_LIB := $(STATIC_MUSL_ROOT)/usr/lib/$(STATIC_MUSL_TRIPLET)

# --- Files ---------------------------------------------------------------
STATIC_BIN        := $(STATIC_DIR)/nsinit
# Kept unstripped for nm/size and for debugging a crash of the shipped binary.
STATIC_UNSTRIPPED := $(STATIC_DIR)/nsinit.unstripped
# packaging/static_relro.c makes the GNU_RELRO segment read-only at start-up,
# which musl's rcrt1.o does not do (see there); packaging/static_malloc.c
# replaces musl's malloc (7 KiB of code) with a mapping per block (see
# there). This build only.
STATIC_OBJS       := $(SRCS:%.c=$(STATIC_DIR)/%.o) $(STATIC_DIR)/packaging/static_relro.o \
                     $(STATIC_DIR)/packaging/static_malloc.o
STATIC_LIBCAP     := $(STATIC_DIR)/libcap
STATIC_LIBCAP_A   := $(STATIC_LIBCAP)/lib/libcap.a
STATIC_KHDRS      := $(STATIC_DIR)/kernel-headers
STATIC_SPECS      := $(STATIC_DIR)/musl.specs
STATIC_SMOKE_ROOT := $(STATIC_DIR)/smoke-root
# Outside $(STATIC_DIR) so that `rm -rf build/static` does not cost a refetch.
LIBCAP_SRC_CACHE  ?= $(BUILD)/libcap-src

# --- Compiler and flags --------------------------------------------------
# Debian's musl-gcc wrapper cannot link a static-pie: its specs hard-wire
# Scrt1.o (which expects a dynamic linker) where a static-pie needs musl's
# self-relocating rcrt1.o, and they exist for the machine's own architecture
# only. So the gcc driver of the target gets our own specs, made from
# packaging/musl.specs.in: musl's headers and libc.a instead of glibc's, and
# rcrt1.o with `-static -pie --no-dynamic-linker` for -static-pie.
STATIC_GCC ?= $(STATIC_GNU_TRIPLET)-gcc
STATIC_CC  := $(STATIC_GCC) -specs $(abspath $(STATIC_SPECS))
STATIC_STRIP := $(STATIC_CROSS)strip
STATIC_SIZE  := $(STATIC_CROSS)size
STATIC_NM    := $(STATIC_CROSS)nm

# -fPIE for the static-pie. -Os and per-function/data sections (with
# --gc-sections below) for size; no unwind tables, as nothing unwinds C frames
# here (no C++, no backtrace()). -fstack-protector-strong: musl seeds the
# canary from AT_RANDOM, and a PID 1 that parses arguments is worth the
# ~1.2 KiB it costs here. No -D_FORTIFY_SOURCE: musl has no fortified
# functions, so it would do nothing.
#
# STATIC_ARCH_CFLAGS: what an architecture adds, to come near the budget
# below, measured in code and data (segments) with Debian 12's gcc 12:
#   armel     -mthumb: Debian's armel baseline (ARMv5TE) runs Thumb-1 code,
#             which is a quarter smaller than ARM code (105,792 -> 90,904);
#             armhf is Thumb-2 already (gcc's default there)
#   every one
#             -flto: nsinit's own code optimised as one unit (at first
#             s390x 101,252 -> 97,352, ppc64el 116,064 -> 109,872, mips64el
#             131,804 -> 120,812; then x86_64 98,149 -> 95,242 and arm64
#             106,244 -> 100,372, when the others came near the budget too)
STATIC_ARCH_CFLAGS_armel    := -mthumb
STATIC_ARCH_CFLAGS := -flto $(STATIC_ARCH_CFLAGS_$(STATIC_DEB_ARCH))
STATIC_CFLAGS  ?= -Os -fPIE -ffunction-sections -fdata-sections \
                  -fno-asynchronous-unwind-tables -fno-unwind-tables \
                  -fstack-protector-strong $(STATIC_ARCH_CFLAGS)
# -z relro -z now: full RELRO, i.e. the GOT, .init_array and .data.rel.ro go
# into one GNU_RELRO segment, made read-only once rcrt1.o has relocated them
# (by packaging/static_relro.c: musl's rcrt1.o does not). -z separate-code (binutils'
# default on x86_64, not everywhere): the ELF headers, the code and the rodata
# get separate page-aligned segments, so only the code is executable. It costs
# about 8 KiB of page padding on x86_64; it used to be traded away for that
# (-z noseparate-code), when the binary was not a PIE and every gadget was at
# a known address anyway. No -z max-page-size: aarch64's default of 64 KiB is
# what lets the binary run on kernels with 64 KiB pages.
STATIC_LDFLAGS ?= -static-pie -Wl,--gc-sections -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack \
                  -Wl,-z,separate-code
# The budget: 96 KiB for the stripped file with x86_64's 4 KiB pages. On
# aarch64 the segments are aligned to 64 KiB (binutils' default there), so that
# the binary also runs on kernels with 16 or 64 KiB pages (RHEL's, Asahi's);
# keeping code apart from data then pads the file by about 100 KiB of zeros
# (measured: 198,032 bytes; 95,632 with -z max-page-size=4096, which would not
# run on those kernels), up to 64 KiB for each of the three gaps between the
# four segments. So what is checked everywhere is what the segments hold
# (STATIC_MAX_LOAD, 96 KiB), and the file may add the padding of its page
# size: 96 + 3 x 64 KiB on aarch64. Elsewhere too, static-check allows the
# file (STATIC_MAX_SIZE, unless set) the segments' budget plus one alignment
# (their Align in the program headers) for each gap between them; on x86_64
# the file itself stays within 96 KiB, as it always was.
#
# Two architectures' code does not fit 96 KiB, with every flag above
# (measured with packaging/static_malloc.c in place of musl's malloc):
#   ppc64el   106,276 bytes: fixed 4-byte instructions, and every address
#             of a global built from the TOC in two of them; Debian's musl
#             for ppc64el is built with -O2 (18 KiB of libc more than on
#             arm64). Budget 112 KiB.
#   mips64el  120,180 bytes: n64 position-independent code calls every
#             function through the GOT (load $t9, jalr, restore $gp) and
#             has no compact instruction set for 64-bit MIPS. Budget 124 KiB.
# Both are static-pie like the rest; only the budget differs.
STATIC_MAX_LOAD_ppc64el  := 114688
STATIC_MAX_LOAD_mips64el := 126976
STATIC_MAX_LOAD ?= $(or $(STATIC_MAX_LOAD_$(STATIC_DEB_ARCH)),98304)
STATIC_MAX_SIZE ?= $(if $(filter amd64,$(STATIC_DEB_ARCH)),98304)

# -isystem, not -I: their headers are not ours to hold to -Werror. libcap's
# directory comes first, so its <linux/capability.h> (the one libcap.a was
# compiled against) wins over the kernel headers' copy. The specs pass
# -nostdinc and search only musl's include directory, so glibc's /usr/include
# (and its sys/capability.h) is never seen; musl ships no kernel headers, hence
# the directory of linux/, asm/ and asm-generic/ links.
STATIC_CPPFLAGS := -isystem $(STATIC_LIBCAP)/include -isystem $(STATIC_KHDRS)

.PHONY: static static-deps static-check static-child-symbols static-smoke static-smoke-deps \
	static-qemu check-arm64 check-arch static-all check-arches

static: $(STATIC_BIN) static-check

# Installed only when missing, like the Makefile's deps target, so a machine
# set up once also builds offline (with the libcap tarballs cached).
#   the target's gcc, binutils and kernel headers, and (natively) musl-dev;
#   file: static-check; xz-utils, patch: unpacking and patching libcap;
#   debian-archive-keyring: to authenticate the libcap source (and the
#   cross build's musl-dev); linux-libc-dev: <linux/types.h> and friends, which
#   libcap's header needs.
static-deps:
	@case "$(STATIC_ROW)" in "") \
		echo "static: ARCH=$(ARCH) is not supported (one of: $(STATIC_ARCHS))" >&2; exit 1;; esac
	@sh packaging/install.sh $(if $(STATIC_CROSS),--no-install-recommends) $(STATIC_TOOL_PKGS) \
		file xz-utils patch debian-archive-keyring linux-libc-dev

# Cross only: the target's musl-dev (headers, libc.a, crt files), unpacked;
# or, where Debian 12 has none (STATIC_MUSL_FROM_SOURCE), built from Debian's
# musl source package into the same layout. The source tarballs are cached
# beside libcap's.
MUSL_SRC_CACHE ?= $(BUILD)/musl-src
ifneq ($(filter $(STATIC_DEB_ARCH),$(STATIC_MUSL_FROM_SOURCE)),)
$(STATIC_MUSL_ROOT)/.stamp: packaging/musl-from-source.sh packaging/fetch-source.sh packaging/musl.sha256 | static-deps
	sh packaging/musl-from-source.sh $(MUSL_SRC_CACHE) $(STATIC_DIR)/musl-build $(STATIC_MUSL_ROOT) \
		$(STATIC_GNU_TRIPLET) $(STATIC_MUSL_TRIPLET)
	@touch $@
else
$(STATIC_MUSL_ROOT)/.stamp: packaging/fetch-debs.sh | static-deps
	sh packaging/fetch-debs.sh $(STATIC_DEB_ARCH) $(STATIC_MUSL_ROOT) musl-dev
	@touch $@
endif

$(STATIC_SPECS): packaging/musl.specs.in $(if $(STATIC_CROSS),$(STATIC_MUSL_ROOT)/.stamp) | static-deps
	@mkdir -p $(dir $@)
	@[ -r $(STATIC_MUSL_LIB)/rcrt1.o ] || { echo "static: $(STATIC_MUSL_LIB)/rcrt1.o is missing" >&2; exit 1; }
	sed -e 's|@MUSL_INC@|$(STATIC_MUSL_INC)|g' -e 's|@MUSL_LIB@|$(STATIC_MUSL_LIB)|g' \
		-e 's|@ARCH@|$(STATIC_LDMUSL_ARCH)|g' packaging/musl.specs.in >$@.tmp && mv $@.tmp $@

# Links, not copies: the host's headers are the ones linux-libc-dev (or its
# cross variant) keeps up to date, and only these three directories are
# exposed to the compiler.
$(STATIC_KHDRS)/.stamp: | static-deps
	@rm -rf $(STATIC_KHDRS) && mkdir -p $(STATIC_KHDRS)
	ln -s $(STATIC_KHDR_ROOT)/linux $(STATIC_KHDRS)/linux
	ln -s $(STATIC_KHDR_ROOT)/asm-generic $(STATIC_KHDRS)/asm-generic
	ln -s $(STATIC_KHDR_ASM) $(STATIC_KHDRS)/asm
	@touch $@

# The flags each object and libcap.a were built with: a change of ARCH's
# flags (or of STATIC_CFLAGS on the command line), or of CPPFLAGS (which
# carries the Makefile's VERSION), rebuilds them, rather than linking objects
# of two different builds or shipping the old version in a package labelled
# with the new one. Defined before the rules that name it: make expands a
# rule's prerequisites as it reads the rule. (The Makefile's record_flags.)
STATIC_FLAGS_FILE := $(STATIC_DIR)/flags
STATIC_FLAGS = $(STATIC_GCC) $(CPPFLAGS) $(STATIC_CPPFLAGS) $(WARNINGS) $(STATIC_CFLAGS) $(STATIC_LDFLAGS)
.PHONY: static-flags-force
$(STATIC_FLAGS_FILE): static-flags-force
	$(call record_flags,STATIC_FLAGS)

# The script fetches (once, into $(LIBCAP_SRC_CACHE)), verifies against
# packaging/libcap.sha256, patches and builds; see its header for why.
$(STATIC_LIBCAP_A): packaging/libcap-musl.sh packaging/fetch-source.sh packaging/libcap.sha256 $(STATIC_KHDRS)/.stamp $(STATIC_SPECS) $(STATIC_FLAGS_FILE) | static-deps
	CC="$(STATIC_CC)" CROSS_COMPILE="$(STATIC_CROSS)" \
	CFLAGS="$(STATIC_CFLAGS) -isystem $(abspath $(STATIC_KHDRS))" \
	sh packaging/libcap-musl.sh $(LIBCAP_SRC_CACHE) $(STATIC_DIR)/libcap-build $(STATIC_LIBCAP)

# A static pattern rule, so it wins over the Makefile's $(BUILD)/%.o rule for
# the same paths. Objects depend on libcap.a for its headers (and are rebuilt
# when it changes).
$(STATIC_OBJS): $(STATIC_DIR)/%.o: %.c $(wildcard lib/*.h init/*.h spawn/*.h) $(STATIC_LIBCAP_A) $(STATIC_SPECS) $(STATIC_FLAGS_FILE)
	@mkdir -p $(dir $@)
	$(STATIC_CC) $(CPPFLAGS) $(STATIC_CPPFLAGS) $(WARNINGS) $(STATIC_CFLAGS) -c -o $@ $<

$(STATIC_UNSTRIPPED): $(STATIC_OBJS) $(STATIC_LIBCAP_A) $(STATIC_SPECS) $(STATIC_FLAGS_FILE)
	$(STATIC_CC) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -o $@ $(STATIC_OBJS) $(STATIC_LIBCAP_A)

# A separate strip rather than -s, so the unstripped binary stays for nm and
# gdb. .comment only holds compiler version strings.
$(STATIC_BIN): $(STATIC_UNSTRIPPED)
	$(STATIC_STRIP) --strip-all -R .comment -o $@ $<

# packaging/static-check.sh: fails unless the binary is what a libc-less
# root can run, hardened as promised (static-pie, full RELRO, code apart from
# data, nothing writable and executable, stack protector, libcap's header,
# within budget); see its header. Then what the command's child refers to,
# in this build's objects (packaging/child-symbols.sh; the Makefile's
# child-symbols is the dynamic build's).
static-check: $(STATIC_BIN) static-child-symbols
	@STATIC_BIN=$(STATIC_BIN) STATIC_UNSTRIPPED=$(STATIC_UNSTRIPPED) STATIC_NM='$(STATIC_NM)' \
	STATIC_SIZE='$(STATIC_SIZE)' STATIC_CC='$(STATIC_CC) $(STATIC_CPPFLAGS)' \
	STATIC_LIBCAP=$(STATIC_LIBCAP) STATIC_MAX_LOAD=$(STATIC_MAX_LOAD) \
	STATIC_MAX_SIZE='$(STATIC_MAX_SIZE)' STATIC_ARCH=$(STATIC_DEB_ARCH) \
		sh packaging/static-check.sh

static-child-symbols: $(CHILD_OBJS:%=$(STATIC_DIR)/%)
	@sh packaging/child-symbols.sh $(STATIC_NM) $^

# A static busybox for the smoke test's root. Debian's busybox-static is
# installed if no busybox is; if the dynamic busybox package is installed (the
# two conflict), the .deb is only downloaded and unpacked under $(STATIC_DIR),
# so the machine's packages are not changed.
STATIC_BUSYBOX := $(STATIC_DIR)/busybox

static-smoke-deps: | static-deps
	@set -e; bb=$$(command -v busybox || true); \
	if [ -n "$$bb" ] && file -bL "$$bb" | grep -q 'statically linked'; then \
		:; \
	elif ! dpkg-query -W -f '$${Status}' busybox 2>/dev/null | grep -q 'ok installed'; then \
		sh packaging/install.sh busybox-static; \
		bb=$$(command -v busybox); \
	elif [ ! -x $(STATIC_DIR)/busybox-static/bin/busybox ]; then \
		echo "busybox (dynamic) is installed: unpacking busybox-static under $(STATIC_DIR)"; \
		rm -rf $(STATIC_DIR)/busybox-static && mkdir -p $(STATIC_DIR)/busybox-static; \
		apt-get update -qq; \
		(cd $(STATIC_DIR)/busybox-static && apt-get download -qq -o APT::Sandbox::User=root busybox-static && \
		 dpkg-deb -x busybox-static_*.deb .); \
		bb=$(STATIC_DIR)/busybox-static/bin/busybox; \
	else \
		bb=$(STATIC_DIR)/busybox-static/bin/busybox; \
	fi; \
	file -bL "$$bb" | grep -q 'statically linked' || { echo "static-smoke: $$bb is not static" >&2; exit 1; }; \
	mkdir -p $(STATIC_DIR); cp -L "$$bb" $(STATIC_BUSYBOX).tmp && mv $(STATIC_BUSYBOX).tmp $(STATIC_BUSYBOX)

# packaging/static-smoke.sh: the native binary as PID 1 in a chroot holding
# nothing but itself and the static busybox, under $(STATIC_SMOKE_ROOT).
static-smoke: static static-smoke-deps
	@[ -z "$(STATIC_CROSS)" ] || { echo "static-smoke: ARCH=$(STATIC_DEB_ARCH) cannot run here; see check-arch" >&2; exit 1; }
	@sh packaging/static-smoke.sh $(STATIC_BIN) $(STATIC_BUSYBOX) $(STATIC_SMOKE_ROOT)

# --- Cross: what qemu-user can run --------------------------------------
# qemu-$(STATIC_QEMU_ARCH)-static runs the cross-built binary on this machine,
# without binfmt_misc (registering it would change the machine for everyone):
# the script calls qemu explicitly, also for the target's static busybox when
# that is the command. What qemu-user cannot emulate (clone with namespace
# flags, among others) is left to a real machine of that architecture; see
# README. The busybox is Debian 12's busybox-static of the target; riscv64,
# which Debian 12 does not build, takes Debian 13's (signed by the same
# archive keys), whose binary is in usr/bin.
STATIC_QEMU        := qemu-$(STATIC_QEMU_ARCH)-static
STATIC_BUSYBOX_DIR := $(STATIC_DIR)/busybox-$(STATIC_DEB_ARCH)
STATIC_BUSYBOX_SUITE := $(if $(filter riscv64,$(STATIC_DEB_ARCH)),trixie,bookworm)

static-qemu: static
	@[ -n "$(STATIC_CROSS)" ] || { echo "static-qemu: only for a cross build (ARCH=arm64, ...)" >&2; exit 1; }
	@sh packaging/install.sh qemu-user-static
	@[ -f $(STATIC_BUSYBOX_DIR)/.versions ] || \
		DEBS_SUITE=$(STATIC_BUSYBOX_SUITE) sh packaging/fetch-debs.sh $(STATIC_DEB_ARCH) $(STATIC_BUSYBOX_DIR) busybox-static
	sh packaging/qemu-check.sh $(STATIC_QEMU) $(STATIC_BIN) \
		$$(ls $(STATIC_BUSYBOX_DIR)/bin/busybox $(STATIC_BUSYBOX_DIR)/usr/bin/busybox 2>/dev/null | head -n 1)

# check-arch ARCH=A: cross-build A and run what qemu-user can run
# (packaging/qemu-check.sh): --version, exit codes, -s, --no-namespace,
# --timeout, signal forwarding. check-arm64 is the arm64 one, as CI always ran it.
check-arch: static-qemu

check-arm64:
	@$(MAKE) --no-print-directory static-qemu ARCH=arm64

# --- Every architecture -------------------------------------------------
# STATIC_CROSS_ARCHS: every architecture but the machine's own. Each is a
# sub-make, as ARCH decides every path above; -k-like behaviour is not
# wanted: the first failure stops, and says which architecture.
STATIC_CROSS_ARCHS := $(filter-out $(STATIC_HOST_DEB_ARCH),$(STATIC_ARCHS))

#   make static-all    build (and static-check) every architecture
#   make check-arches  static-qemu for every cross architecture, one after the
#                      other, each line of output prefixed with its name
static-all:
	@sh packaging/install.sh --no-install-recommends $(foreach a,$(STATIC_CROSS_ARCHS), \
		gcc-$(word 1,$(static_row_$(a))) binutils-$(word 1,$(static_row_$(a))) linux-libc-dev-$(a)-cross)
	@set -e; for a in $(STATIC_ARCHS); do \
		echo "== static ARCH=$$a"; $(MAKE) --no-print-directory static ARCH=$$a; done

check-arches:
	@set -e; for a in $(STATIC_CROSS_ARCHS); do \
		echo "== check-arch ARCH=$$a"; $(MAKE) --no-print-directory static-qemu ARCH=$$a; done
