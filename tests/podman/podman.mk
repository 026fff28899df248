# Podman tests: nsinit under a real container runtime. Included from the
# Makefile after packaging/static.mk; reuses BUILD, STATIC_BIN and the deps,
# static, integration-tests and probe targets.
#
#   make check-podman  build the static nsinit and the integration tests, set
#                      up podman and the test images (tests/podman/setup.sh:
#                      installs podman, runc and busybox-static if missing),
#                      then run the podman/* integration tests
#                      (tests/integration/test_podman.c; podman_runas/* in
#                      test_podman_runas.c), with podman
#                      reading setup.sh's containers.conf (CONTAINERS_CONF)
#                      and the Pods of packaging/kubernetes/ (NSINIT_KUBE)
#
# The tests run only with NSINIT_PODMAN set, so plain `make check` skips them.
# Four at a time: they mostly wait on podman, and on the commands' 8 s TERM
# handlers, so this halves the run (about 2 minutes) even on 2 CPUs.
# They test the static binary: it is what goes into containers, whose root
# holds no libc.

.PHONY: check-podman

check-podman: deps static $(BUILD)/integration-tests $(BUILD)/probe
	sh tests/podman/setup.sh $(BUILD) $(STATIC_BIN)
	NSINIT=$(abspath $(STATIC_BIN)) NSINIT_PROBE=$(abspath $(BUILD)/probe) NSINIT_PODMAN=1 \
	CONTAINERS_CONF=$(abspath $(BUILD)/podman/containers.conf) \
	NSINIT_KUBE=$(abspath packaging/kubernetes) \
	$(BUILD)/integration-tests --filter 'podman*/*' --jobs 4
