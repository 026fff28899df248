# Static build: a fully static x86_64 nsinit linked against musl and a libcap
# built for musl. Included from the Makefile; reuses its SRCS, CPPFLAGS,
# WARNINGS and BUILD.
#
#   make static        build $(BUILD)/static/nsinit (stripped) and check it:
#                      statically linked, no interpreter, no dynamic section,
#                      at most 64 KiB; installs musl-tools & co. if missing
#   make static-smoke  run it as PID 1 in a chroot holding nothing but itself
#                      and a static busybox; fails unless `ps` there shows
#                      nsinit as PID 1 and the command's output comes through
#
# Why static: the binary has to work as the init of containers and chroots
# that have no libc of their own (or another libc than the host's). Why musl:
# glibc's static libc is large and still wants NSS modules at run time. Why
# libcap from source: Debian ships no libcap built for musl.
#
# Variables (override on the command line): MUSL_CC, STATIC_CFLAGS,
# STATIC_LDFLAGS, STATIC_MAX_SIZE, LIBCAP_SRC_CACHE.

STATIC_DIR        := $(BUILD)/static
STATIC_BIN        := $(STATIC_DIR)/nsinit
# Kept unstripped for nm/size and for debugging a crash of the shipped binary.
STATIC_UNSTRIPPED := $(STATIC_DIR)/nsinit.unstripped
# packaging/tiny_malloc.c replaces musl's malloc in this build only (see there why).
STATIC_OBJS       := $(SRCS:%.c=$(STATIC_DIR)/%.o) $(STATIC_DIR)/packaging/tiny_malloc.o
STATIC_LIBCAP     := $(STATIC_DIR)/libcap
STATIC_LIBCAP_A   := $(STATIC_LIBCAP)/lib/libcap.a
STATIC_KHDRS      := $(STATIC_DIR)/kernel-headers
STATIC_SMOKE_ROOT := $(STATIC_DIR)/smoke-root
# Outside $(STATIC_DIR) so that `rm -rf build/static` does not cost a refetch.
LIBCAP_SRC_CACHE  ?= $(BUILD)/libcap-src

MUSL_CC ?= musl-gcc
# -Os and per-function/data sections (with --gc-sections below) for size; no
# unwind tables, as nothing unwinds C frames here (no C++, no backtrace()).
# -fstack-protector-strong stays: musl seeds the canary from AT_RANDOM, and
# a PID 1 that parses arguments is worth the ~1.2 KiB it costs here.
# No -D_FORTIFY_SOURCE: musl has no fortified functions, so it would do nothing.
STATIC_CFLAGS  ?= -Os -ffunction-sections -fdata-sections \
                  -fno-asynchronous-unwind-tables -fno-unwind-tables \
                  -fstack-protector-strong
# Classic static, not static-pie: Debian's musl-gcc specs cannot link a
# static-pie (they hard-wire Scrt1.o, not musl's self-relocating rcrt1.o), and
# `file` must say "statically linked". Stack, heap and mmap are still
# randomized; the text is not. RELRO (with -z now) still write-protects
# .got/.init_array/.data.rel.ro, and the stack stays non-executable.
# -z noseparate-code: binutils' default puts the ELF headers, the code and the
# rodata in separate page-aligned segments, which costs ~8 KiB of padding here
# (an eighth of the size budget). What it buys is that rodata is not
# executable, i.e. fewer ROP gadgets; but in a non-PIE static binary every
# gadget of the 50+ KiB of code is already at a fixed, known address, so the
# gain is negligible next to the cost.
STATIC_LDFLAGS ?= -static -Wl,--gc-sections -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack \
                  -Wl,-z,noseparate-code
STATIC_MAX_SIZE ?= 65536

# -isystem, not -I: their headers are not ours to hold to -Werror. libcap's
# directory comes first, so its <linux/capability.h> (the one libcap.a was
# compiled against) wins over the kernel headers' copy. Debian's musl-gcc
# passes -nostdinc and searches only /usr/include/x86_64-linux-musl, so
# glibc's /usr/include (and its sys/capability.h) is never seen; musl ships no
# kernel headers, hence the directory of linux/, asm/ and asm-generic/ links.
STATIC_CPPFLAGS := -isystem $(STATIC_LIBCAP)/include -isystem $(STATIC_KHDRS)

.PHONY: static static-deps static-check static-smoke static-smoke-deps

static: $(STATIC_BIN) static-check

# Installed only when missing, like the Makefile's deps target, so a machine
# set up once also builds offline (with the libcap tarballs cached).
#   musl-tools: musl-gcc; file: static-check; xz-utils, patch: unpacking and
#   patching libcap; debian-archive-keyring: to authenticate the libcap source;
#   linux-libc-dev: <linux/types.h> and friends, which libcap's header needs.
static-deps:
	@missing=; \
	command -v $(MUSL_CC) >/dev/null || missing="$$missing musl-tools"; \
	command -v file >/dev/null || missing="$$missing file"; \
	command -v xz >/dev/null || missing="$$missing xz-utils"; \
	command -v patch >/dev/null || missing="$$missing patch"; \
	command -v strip >/dev/null || missing="$$missing binutils"; \
	[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || missing="$$missing debian-archive-keyring"; \
	[ -r /usr/include/linux/types.h ] || missing="$$missing linux-libc-dev"; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# Links, not copies: the host's headers are the ones linux-libc-dev keeps up to
# date, and only these three directories are exposed to musl-gcc.
$(STATIC_KHDRS)/.stamp: | static-deps
	@rm -rf $(STATIC_KHDRS) && mkdir -p $(STATIC_KHDRS)
	ln -s /usr/include/linux $(STATIC_KHDRS)/linux
	ln -s /usr/include/asm-generic $(STATIC_KHDRS)/asm-generic
	ln -s /usr/include/x86_64-linux-gnu/asm $(STATIC_KHDRS)/asm
	@touch $@

# The script fetches (once, into $(LIBCAP_SRC_CACHE)), verifies against
# packaging/libcap.sha256, patches and builds; see its header for why.
$(STATIC_LIBCAP_A): packaging/libcap-musl.sh packaging/libcap.sha256 $(STATIC_KHDRS)/.stamp | static-deps
	CC="$(MUSL_CC)" CFLAGS="$(STATIC_CFLAGS) -isystem $(abspath $(STATIC_KHDRS))" \
	sh packaging/libcap-musl.sh $(LIBCAP_SRC_CACHE) $(STATIC_DIR)/libcap-build $(STATIC_LIBCAP)

# A static pattern rule, so it wins over the Makefile's $(BUILD)/%.o rule for
# the same paths. Objects depend on libcap.a for its headers (and are rebuilt
# when it changes).
$(STATIC_OBJS): $(STATIC_DIR)/%.o: %.c $(wildcard lib/*.h init/*.h spawn/*.h) $(STATIC_LIBCAP_A)
	@mkdir -p $(dir $@)
	$(MUSL_CC) $(CPPFLAGS) $(STATIC_CPPFLAGS) $(WARNINGS) $(STATIC_CFLAGS) -c -o $@ $<

$(STATIC_UNSTRIPPED): $(STATIC_OBJS) $(STATIC_LIBCAP_A)
	$(MUSL_CC) $(STATIC_CFLAGS) $(STATIC_LDFLAGS) -o $@ $(STATIC_OBJS) $(STATIC_LIBCAP_A)

# A separate strip rather than -s, so the unstripped binary stays for nm and
# gdb. .comment only holds compiler version strings.
$(STATIC_BIN): $(STATIC_UNSTRIPPED)
	strip --strip-all -R .comment -o $@ $<

# Fails unless the binary is what a libc-less root can run: `file` says
# statically linked, there is no program interpreter and no dynamic section,
# nsinit's sources saw libcap's <sys/capability.h> rather than glibc's, and
# the stripped size is within budget.
static-check: $(STATIC_BIN)
	@set -e; f=$(STATIC_BIN); \
	desc=$$(file -b $$f); echo "file: $$desc"; \
	case "$$desc" in *"statically linked"*) ;; \
		*) echo "static-check: $$f is not statically linked" >&2; exit 1;; esac; \
	if readelf -lW $$f | grep -q INTERP; then \
		echo "static-check: $$f has a program interpreter" >&2; exit 1; fi; \
	if ! readelf -dW $$f | grep -q 'no dynamic section'; then \
		echo "static-check: $$f has a dynamic section" >&2; exit 1; fi; \
	hdr=$$(echo '#include <sys/capability.h>' | \
		$(MUSL_CC) $(STATIC_CPPFLAGS) -H -E -o /dev/null -x c - 2>&1 | sed -n 's/^\. //p'); \
	case "$$hdr" in $(abspath $(STATIC_LIBCAP))/*|$(STATIC_LIBCAP)/*) ;; \
		*) echo "static-check: <sys/capability.h> resolves to '$$hdr', not libcap's for musl" >&2; exit 1;; esac; \
	size=$$(stat -c %s $$f); \
	echo "size: $$size bytes stripped (limit $(STATIC_MAX_SIZE)), $$(stat -c %s $(STATIC_UNSTRIPPED)) unstripped"; \
	size -A $(STATIC_UNSTRIPPED) | awk '/^\./ && $$2 > 0 && $$3 > 0 { printf "  %-14s %6d\n", $$1, $$2 }'; \
	if [ $$size -gt $(STATIC_MAX_SIZE) ]; then \
		echo "static-check: $$f is $$size bytes, over $(STATIC_MAX_SIZE)" >&2; exit 1; fi

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
		echo "installing: busybox-static"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; \
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

# The root holds bin/busybox (plus its applet links), /nsinit and an empty
# proc/. It is bind-mounted onto itself so that / is a mount point inside the
# chroot: nsinit makes mount propagation private from / before mounting a fresh
# /proc in its new mount namespace, and refuses (rightly) when / is not a mount.
# The bind mount is undone on every exit path; a leftover from an interrupted
# run is undone first, and nothing is removed while still mounted.
static-smoke: static static-smoke-deps
	@set -eu; root=$(abspath $(STATIC_SMOKE_ROOT)); \
	mounts() { findmnt -rn -o TARGET | awk -v r="$$root" '$$0 == r || index($$0, r "/") == 1'; }; \
	unmount() { \
		for i in 1 2 3; do \
			[ -n "$$(mounts)" ] || return 0; \
			for m in $$(mounts | sort -r); do umount "$$m" 2>/dev/null || true; done; \
		done; \
		echo "static-smoke: cannot unmount: $$(mounts | tr '\n' ' ')" >&2; return 1; \
	}; \
	unmount; rm -rf "$$root"; \
	mkdir -p "$$root/bin" "$$root/sbin" "$$root/usr/bin" "$$root/usr/sbin" "$$root/proc"; \
	cp $(STATIC_BUSYBOX) "$$root/bin/busybox"; \
	chroot "$$root" /bin/busybox --install -s; \
	cp $(STATIC_BIN) "$$root/nsinit"; \
	trap 'unmount' EXIT; trap 'exit 130' INT TERM HUP; \
	mount --bind "$$root" "$$root"; \
	echo "chroot $$root /nsinit -- /bin/sh -c 'ps; echo ok'"; \
	rc=0; out=$$(timeout 30 chroot "$$root" /nsinit -- /bin/sh -c 'ps; echo ok' 2>&1) || rc=$$?; \
	printf '%s\n' "$$out" | sed 's/^/  | /'; \
	[ $$rc -eq 0 ] || { echo "static-smoke: exit status $$rc" >&2; exit 1; }; \
	printf '%s\n' "$$out" | awk '$$1 == "1" && /nsinit/ { f = 1 } END { exit !f }' || \
		{ echo "static-smoke: ps does not show nsinit as PID 1" >&2; exit 1; }; \
	[ "$$(printf '%s\n' "$$out" | tail -n 1)" = ok ] || \
		{ echo "static-smoke: the command's output did not come through" >&2; exit 1; }; \
	unmount; trap - EXIT; rm -rf "$$root"; \
	echo "static-smoke: ok"
