# Benchmark: the static nsinit against tini, tini-static, dumb-init and
# catatonit (each as PID 1 of a namespace and as a plain process), bare
# `unshare --pid --fork --mount-proc --kill-child` and bwrap, in one run.
# Meant to be included from the Makefile after packaging/static.mk (it reuses
# BUILD, CC, CFLAGS, WARNINGS, STATIC_BIN and the static target); until then,
# `make -f tests/bench/bench.mk bench` includes the Makefile itself.
#
#   make bench   install what is missing (apt-get: tini, dumb-init, catatonit,
#                bubblewrap, file), build the static nsinit and the C
#                helpers, run tests/bench/bench.py as root; writes
#                $(BENCH_OUT)/bench.md, and the raw numbers and every run's
#                stderr under build/bench/. About 2 to 4 minutes on 2 cores
#                with the defaults below (more when the machine is busy).
#
# Parameters (make bench BENCH_RUNS=50 ...):
#   BENCH_RUNS           start-up rounds, every configuration once per round (300)
#   BENCH_ORPHANS        orphans per reaping run (10000)
#   BENCH_REAP_REPS      reaping runs per configuration and mode (5)
#   BENCH_SIGNALS        signals per configuration (2000)
#   BENCH_SIG_ROUNDS     ... in this many rounds of fresh processes (4)
#   BENCH_IDLE_SECS      idle window (10)
#   BENCH_SHUTDOWN_RUNS  shutdown rounds (30)
#   BENCH_LEFT           processes left behind at shutdown (100)
#   BENCH_ONLY           a subset: startup,reap,signals,idle,shutdown
#   BENCH_CONFIGS        only these configurations (e.g. tini,catatonit-plain;
#                        nsinit and unshare always stay, as references)
#   BENCH_OUT            where bench.md goes (docs)
#   BENCH_BASE           a commit to measure against, alike and in the same
#                        rounds (e.g. BENCH_BASE=c3660c7): its static nsinit is
#                        built in $(BUILD)/bench/base-COMMIT; the targets gain
#                        "no slower than the base" rows

ifndef BENCH_MK_FILE
BENCH_MK_FILE := $(lastword $(MAKEFILE_LIST))

ifndef STATIC_BIN
include Makefile
endif

BENCH_DIR     := $(BUILD)/bench
BENCH_HELPERS := $(addprefix $(BENCH_DIR)/bench-,run orphans sig leave)
BENCH_OUT     ?= docs
BENCH_RUNS          ?= 300
BENCH_ORPHANS       ?= 10000
BENCH_REAP_REPS     ?= 5
BENCH_SIGNALS       ?= 2000
BENCH_SIG_ROUNDS    ?= 4
BENCH_IDLE_SECS     ?= 10
BENCH_SHUTDOWN_RUNS ?= 30
BENCH_LEFT          ?= 100
BENCH_ONLY          ?=
BENCH_CONFIGS       ?=
BENCH_BASE          ?=
BENCH_BASE_BIN      := $(if $(BENCH_BASE),$(BENCH_DIR)/base-$(BENCH_BASE)/build/static/nsinit)

.PHONY: bench bench-deps

# Installed only when missing, like the Makefile's deps. Debian's tini
# package holds both /usr/bin/tini and /usr/bin/tini-static. A peer that
# cannot be installed (no network) is reported as missing by the benchmark,
# which goes on without it.
bench-deps:
	@missing=; \
	{ command -v tini && command -v tini-static; } >/dev/null || missing="$$missing tini"; \
	command -v dumb-init >/dev/null || missing="$$missing dumb-init"; \
	command -v catatonit >/dev/null || missing="$$missing catatonit"; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v unshare >/dev/null || missing="$$missing util-linux"; \
	command -v file >/dev/null || missing="$$missing file"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
	[ -z "$$missing" ] || sh packaging/install.sh --quiet-fail $$missing

# The helpers are built like the tests: the project's warnings, $(CC).
$(BENCH_DIR)/bench-%: tests/bench/bench_%.c tests/bench/common.h
	@mkdir -p $(dir $@)
	$(CC) $(WARNINGS) $(CFLAGS) -D_GNU_SOURCE -o $@ $<

# The peers first, then (in a sub-make, so that -j cannot run apt-get twice at
# once) the static nsinit and the helpers, then the run itself. The binary,
# not `static`: its size budget is static-check's business, not a reason to
# skip measuring it.
bench: bench-deps
	@$(MAKE) --no-print-directory -f $(BENCH_MK_FILE) $(STATIC_BIN) $(BENCH_HELPERS) $(BENCH_BASE_BIN)
	BENCH_RUNS=$(BENCH_RUNS) BENCH_ORPHANS=$(BENCH_ORPHANS) BENCH_REAP_REPS=$(BENCH_REAP_REPS) \
	BENCH_SIGNALS=$(BENCH_SIGNALS) BENCH_SIG_ROUNDS=$(BENCH_SIG_ROUNDS) \
	BENCH_IDLE_SECS=$(BENCH_IDLE_SECS) BENCH_SHUTDOWN_RUNS=$(BENCH_SHUTDOWN_RUNS) \
	BENCH_LEFT=$(BENCH_LEFT) BENCH_ONLY=$(BENCH_ONLY) BENCH_CONFIGS=$(BENCH_CONFIGS) \
	BENCH_BASE=$(BENCH_BASE_BIN) \
	python3 tests/bench/bench.py --nsinit $(STATIC_BIN) --helpers $(BENCH_DIR) \
		--work $(BENCH_DIR) --out $(BENCH_OUT)

# The base: a clone of this repository at BENCH_BASE, built as make static
# builds it there.
$(BENCH_DIR)/base-%/build/static/nsinit:
	rm -rf $(BENCH_DIR)/base-$*
	git clone -q --no-checkout . $(BENCH_DIR)/base-$*
	git -C $(BENCH_DIR)/base-$* checkout -q $*
	$(MAKE) -C $(BENCH_DIR)/base-$* build/static/nsinit

endif
