# Soak test: nsinit under sustained load (tests/soak/soak.c).
# Meant to be included from the Makefile (it reuses BUILD, CC, CFLAGS,
# WARNINGS, NSINIT_BIN and the probe's rule); standalone:
#   make -f Makefile -f tests/soak/soak.mk soak
#
#   make soak    build nsinit ($(NSINIT_BIN)), the probe and the driver, run
#                the soak as root: 100,000 orphans reaped, 10,000 signals
#                forwarded and 1,000 nsinit runs; PID 1's fd count and VmRSS
#                must stay flat and nothing may be left. About a minute on
#                2 cores; prints a short report, fails if anything did not
#                hold.
#
# Parameters (make soak SOAK_ORPHANS=10000 ...):
#   SOAK_ORPHANS       orphans in all (100000)
#   SOAK_BATCH         ... made and reaped per burst (5000)
#   SOAK_SIGNALS       signals forwarded (10000)
#   SOAK_RUNS          nsinit runs in a row (1000)
#   SOAK_RSS_SLACK_KB  VmRSS growth of PID 1 tolerated, exclusive (64)

ifndef SOAK_MK_FILE
SOAK_MK_FILE := $(lastword $(MAKEFILE_LIST))

BUILD      ?= build
NSINIT_BIN ?= $(BUILD)/nsinit
CC         ?= cc
CFLAGS     ?= -O2 -g

SOAK_ORPHANS      ?= 100000
SOAK_BATCH        ?= 5000
SOAK_SIGNALS      ?= 10000
SOAK_RUNS         ?= 1000
SOAK_RSS_SLACK_KB ?= 64

.PHONY: soak

# The driver links the harness core the integration tests use.
$(BUILD)/soak: tests/soak/soak.c tests/harness/core.c tests/harness/core.h
	@mkdir -p $(dir $@)
	$(CC) -I. $(WARNINGS) $(CFLAGS) -o $@ tests/soak/soak.c tests/harness/core.c

soak: $(NSINIT_BIN) $(BUILD)/probe $(BUILD)/soak
	SOAK_ORPHANS=$(SOAK_ORPHANS) SOAK_BATCH=$(SOAK_BATCH) SOAK_SIGNALS=$(SOAK_SIGNALS) \
	SOAK_RUNS=$(SOAK_RUNS) SOAK_RSS_SLACK_KB=$(SOAK_RSS_SLACK_KB) \
	$(BUILD)/soak $(abspath $(NSINIT_BIN)) $(abspath $(BUILD)/probe)

endif
