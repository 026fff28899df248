# nsinit: a tiny init for PID namespaces and containers.
#
#   make            build $(BUILD)/nsinit (dynamic, for development)
#   make check      install what the tests need (apt-get), build, check what the
#                   command's child refers to (child-symbols), run unit and
#                   integration tests against $(BUILD)/nsinit
#   make demo       install what the demo needs, build, and show orphan reaping live
#   make install    install the binary and man page (honours DESTDIR and PREFIX)
#
# Sanitizers: make check BUILD=build/asan SANITIZE=address,undefined
# Valgrind:   make check ITEST_JOBS=2 NSINIT_WRAP='valgrind -q --vgdb=no --error-exitcode=99 ...'

VERSION  := 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
BUILD    ?= build
SANITIZE ?=

CC       ?= cc
CFLAGS   ?= -O2 -g
# WERROR= turns warnings back into warnings (for packagers' newer compilers).
WERROR   ?= -Werror
WARNINGS := -std=gnu11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wvla -Wpointer-arith -Wcast-qual -Wundef $(WERROR)
# Includes name their folder ("lib/sys.h"): the top of the tree is the one
# include path, so a wrong-way include (spawn/ naming init/) stands out.
# NSINIT_VERSION is VERSION, the one place the version is written (init/main.c
# refuses to compile without it). `override`: a CPPFLAGS given on the command
# line adds to these rather than dropping them.
override CPPFLAGS += -I. -D_GNU_SOURCE -DNSINIT_VERSION='"$(VERSION)"'
ifneq ($(SANITIZE),)
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif
ALL_CFLAGS  = $(WARNINGS) $(CFLAGS) $(SANFLAGS)
# -z now: no lazy binding, whose resolver needs kilobytes of stack at the
# first call of each libc function (a small ulimit -s crashed there).
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS) -Wl,-z,now -Wl,-z,relro
LDLIBS_NSINIT = -lcap

SRCS := $(wildcard lib/*.c) $(wildcard spawn/*.c) $(wildcard init/*.c)
OBJS := $(SRCS:%.c=$(BUILD)/%.o)

# Unit tests compile the files under test directly, with the test files.
UNIT_TESTS   := $(wildcard tests/unit/*.c)
UNIT_SUBJECT := init/lifecycle.c init/linkq.c spawn/link.c lib/num.c lib/outq.c lib/clock.c lib/errtext.c lib/fmt.c lib/msg.c lib/sys.c lib/signame.c lib/sigpolicy.c \
                lib/duration.c lib/exitcode.c init/options.c init/environment.c lib/capname.c init/lineage.c \
                lib/execwhy.c lib/passwd.c
ITEST_SRCS   := $(wildcard tests/integration/*.c) tests/harness/core.c

export NSINIT_WRAP

CRITERION_LIBS = $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

.PHONY: all check unit integration child-symbols deps demo install clean

all: $(BUILD)/nsinit

# $(call record_flags,VAR): the recipe of a flags file, which holds what
# VAR expands to and is rewritten only when that changes, so that what
# depends on it is rebuilt exactly when a flag does (a new VERSION among
# them: it is in CPPFLAGS). Its target depends on a phony one, so the
# recipe runs every time. VAR is a name, as flags hold commas.
shell_quote  = '$(subst ','\'',$(1))'
record_flags = @mkdir -p $(dir $@); printf '%s\n' $(call shell_quote,$($(1))) | cmp -s - $@ || \
	printf '%s\n' $(call shell_quote,$($(1))) >$@

# The dynamic build's flags file: the objects, the binary and the unit tests.
BUILD_FLAGS = $(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) $(LDLIBS_NSINIT) $(LDLIBS)
.PHONY: build-flags-force
$(BUILD)/flags: build-flags-force
	$(call record_flags,BUILD_FLAGS)

$(BUILD)/nsinit: $(OBJS) $(BUILD)/flags
	$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(LDLIBS_NSINIT) $(LDLIBS)

# -MMD -MP: each object's header dependencies, generated as it compiles.
$(BUILD)/%.o: %.c $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

-include $(OBJS:.o=.d)

$(BUILD)/unit-tests: $(UNIT_TESTS) $(UNIT_SUBJECT) $(wildcard lib/*.h init/*.h) $(BUILD)/flags
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(UNIT_TESTS) $(UNIT_SUBJECT) $(CRITERION_LIBS) -lcap

$(BUILD)/integration-tests: $(ITEST_SRCS) $(wildcard tests/integration/*.h) tests/harness/core.h
	@mkdir -p $(dir $@)
	$(CC) -I. $(WARNINGS) $(CFLAGS) -o $@ $(ITEST_SRCS) $(CRITERION_LIBS)

# The probe: one test helper program, its subcommands in files by job.
PROBE_SRCS := $(wildcard tests/helpers/probe*.c)
$(BUILD)/probe: $(PROBE_SRCS) tests/helpers/probe.h
	@mkdir -p $(dir $@)
	$(CC) $(WARNINGS) $(CFLAGS) -o $@ $(PROBE_SRCS)

$(BUILD)/noclone3: tests/helpers/noclone3.c
	@mkdir -p $(dir $@)
	$(CC) $(WARNINGS) $(CFLAGS) -o $@ $<

# What a fresh Debian machine lacks for building and testing; installed only
# when missing, so that a machine without network access still works once set up.
deps:
	@sh packaging/install.sh libcriterion-dev libcap-dev pkg-config procps util-linux \
		python3 bash busybox-static strace

unit: deps $(BUILD)/unit-tests
	$(BUILD)/unit-tests

# NSINIT_BIN: the binary under test (e.g. build/static/nsinit after make static).
NSINIT_BIN ?= $(BUILD)/nsinit
# ITEST_JOBS: tests run at once. Most of a test's time is spent waiting on
# nsinit's timers and children, so twice as many jobs as a 2-core machine's
# CPUs keeps both busy; a slower wrapper (valgrind) asks for fewer.
ITEST_JOBS ?= 6

integration: deps $(NSINIT_BIN) $(BUILD)/integration-tests $(BUILD)/probe $(BUILD)/noclone3
	NSINIT=$(abspath $(NSINIT_BIN)) NSINIT_PROBE=$(abspath $(BUILD)/probe) \
	NSINIT_NOCLONE3=$(abspath $(BUILD)/noclone3) NSINIT_TTY_CHECK=$(abspath tests/tty/tty_check.py) \
	NSINIT_SANITIZED=$(SANITIZE) \
	$(BUILD)/integration-tests --jobs $(ITEST_JOBS)

# The command's child shares PID 1's memory until execve: its object
# (spawn/child.o), and the helpers it calls, may refer to nothing outside
# the allowlist in packaging/child-symbols.sh (make static checks its own).
NM ?= nm
CHILD_OBJS := spawn/child.o lib/fmt.o lib/exitcode.o
child-symbols: $(CHILD_OBJS:%=$(BUILD)/%)
	sh packaging/child-symbols.sh $(if $(SANITIZE),--sanitized) $(NM) $^

check: deps
	$(MAKE) child-symbols
	$(MAKE) unit
	$(MAKE) integration

# The demo needs less than the tests (no Criterion): tests/demo/deps.sh installs
# only what is missing of it, before nsinit is built against libcap.
demo:
	@sh tests/demo/deps.sh
	$(MAKE) $(BUILD)/nsinit
	NSINIT=$(abspath $(BUILD)/nsinit) sh tests/demo/demo.sh

install: $(BUILD)/nsinit
	install -d $(DESTDIR)$(BINDIR)
	install -m 0755 $(BUILD)/nsinit $(DESTDIR)$(BINDIR)/nsinit
	install -d $(DESTDIR)$(MANDIR)/man1
	install -m 0644 packaging/nsinit.1 $(DESTDIR)$(MANDIR)/man1/nsinit.1

# What $(BUILD) holds, but the verified libcap download (static.mk's
# LIBCAP_SRC_CACHE, and MUSL_SRC_CACHE), which cost a network round trip to get again.
clean:
	find $(BUILD) -mindepth 1 -maxdepth 1 ! -name libcap-src ! -name musl-src -exec rm -rf {} + 2>/dev/null || true
include packaging/static.mk
include packaging/packages.mk
include tests/podman/podman.mk
include tests/fuzz/fuzz.mk
include tests/bench/bench.mk
include tests/soak/soak.mk
