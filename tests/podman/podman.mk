# Podman tests: nsinit under a real container runtime. Included from the
# Makefile after packaging/static.mk; reuses BUILD, STATIC_BIN and the deps,
# static, integration-tests and probe targets.
#
#   make check-podman  build the static nsinit and the integration tests, set
#                      up podman and the test images (tests/podman/setup.sh:
#                      installs podman, runc and busybox-static if missing),
#                      then run the podman/* integration tests
#                      (tests/integration/test_podman.c)
#
# The tests run only with NSINIT_PODMAN set, so plain `make check` skips them.
# They test the static binary: it is what goes into containers, whose root
# holds no libc.

.PHONY: check-podman

check-podman: deps static $(BUILD)/integration-tests $(BUILD)/probe
	sh tests/podman/setup.sh $(BUILD) $(STATIC_BIN)
	NSINIT=$(abspath $(STATIC_BIN)) NSINIT_PROBE=$(abspath $(BUILD)/probe) NSINIT_PODMAN=1 \
	$(BUILD)/integration-tests --filter 'podman/*'
