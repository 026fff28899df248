# Packages and the release: make deb (from the static binary), make rpm
# (rpmbuild), make release (dist/: every architecture's binary and .deb, with
# SHA256SUMS), make release-check (a second build elsewhere, compared), make
# image (the scratch image for every architecture, as one manifest list).
# Included from the Makefile; uses VERSION, BUILD and packaging/static.mk.
#
# The version lives in the Makefile's VERSION only: the .deb's control file
# and changelog and the RPM spec are written from packaging/deb/*.in and
# packaging/rpm/nsinit.spec.in with it.
#
# Reproducible: two builds of one commit, in any two directories, give the
# same bytes. SOURCE_DATE_EPOCH is the commit's time, from
# packaging/source-date-epoch.sh: a user's SOURCE_DATE_EPOCH (environment or
# command line), else the time `git archive` wrote into packaging/commit-time,
# else git's, in a checkout of this very tree; failing all three the build
# stops and says so, rather than stamping a time no other build would.
# dpkg-deb stamps the .deb's members with it and clamps every file's mtime to
# it. The binaries carry no path (no debug information, stripped) and no time.

STATIC_NSINIT ?= $(STATIC_BIN)
DEB_ROOT := $(BUILD)/deb-$(STATIC_DEB_ARCH)/root
DEB := $(BUILD)/nsinit_$(VERSION)-1_$(STATIC_DEB_ARCH).deb
RPM_TOP := $(abspath $(BUILD)/rpm)
# LINTIAN=0: build the .deb without running lintian on it (make release runs
# it once, on every .deb together: it takes seconds to start).
LINTIAN ?= 1
# lintian-clean means it reports nothing, down to its pedantic hints: every
# level is shown and fails the build. The tags it gets wrong for this package
# are overridden, each with its reason, in packaging/deb/lintian-overrides.
LINTIAN_FLAGS := --info --pedantic --fail-on error,warning,info,pedantic

.PHONY: deb rpm release release-arch release-check image source-date-epoch

# Asked before anything is built, so that a tree that cannot tell its
# commit's time fails at once, not after the compiler's work.
source-date-epoch:
	@sh packaging/source-date-epoch.sh >/dev/null

# Only the static binary goes in: it has no dependencies to declare. Labelled
# with the architecture it was built for (ARCH, Debian's name). Directories
# 0755 whatever the umask (DEBIAN/ too: it is made before the chmod pass, as
# dpkg-deb refuses a control directory that is not 0755); Installed-Size as
# dpkg-gencontrol counts it (KiB per file, rounded up, and 1 per directory),
# not du's blocks, which differ between file systems.
deb: source-date-epoch static
	@[ "$(LINTIAN)" = 0 ] || sh packaging/install.sh lintian
	rm -rf $(dir $(DEB_ROOT))
	install -D -m 0755 $(STATIC_NSINIT) $(DEB_ROOT)/usr/bin/nsinit
	install -D -m 0644 packaging/nsinit.1 $(DEB_ROOT)/usr/share/man/man1/nsinit.1
	gzip -9n $(DEB_ROOT)/usr/share/man/man1/nsinit.1
	install -D -m 0644 packaging/deb/copyright $(DEB_ROOT)/usr/share/doc/nsinit/copyright
	sed 's/@VERSION@/$(VERSION)/' packaging/deb/changelog.in | gzip -9n \
		> $(DEB_ROOT)/usr/share/doc/nsinit/changelog.Debian.gz
	install -D -m 0644 packaging/deb/lintian-overrides $(DEB_ROOT)/usr/share/lintian/overrides/nsinit
	chmod 0644 $(DEB_ROOT)/usr/share/doc/nsinit/changelog.Debian.gz
	mkdir -p $(DEB_ROOT)/DEBIAN
	find $(DEB_ROOT) -type d -exec chmod 0755 {} +
	cd $(DEB_ROOT) && find usr -type f | LC_ALL=C sort | xargs md5sum >DEBIAN/md5sums
	chmod 0644 $(DEB_ROOT)/DEBIAN/md5sums
	size=$$(find $(DEB_ROOT) -mindepth 1 -path $(DEB_ROOT)/DEBIAN -prune -o \
		\( -type f -printf '%s\n' \) -o -printf '1024\n' | awk '{ k += int(($$1 + 1023) / 1024) } END { print k }'); \
	sed -e 's/@VERSION@/$(VERSION)/' -e 's/@ARCH@/$(STATIC_DEB_ARCH)/' -e "s/@SIZE_KB@/$$size/" \
	    packaging/deb/control.in > $(DEB_ROOT)/DEBIAN/control
	chmod 0644 $(DEB_ROOT)/DEBIAN/control
	epoch=$$(sh packaging/source-date-epoch.sh) && echo "SOURCE_DATE_EPOCH=$$epoch" && \
	SOURCE_DATE_EPOCH=$$epoch dpkg-deb --root-owner-group -Zxz --threads-max=1 --build $(DEB_ROOT) $(DEB)
	@[ "$(LINTIAN)" = 0 ] || lintian $(LINTIAN_FLAGS) $(DEB)
	@echo "built $(DEB)"

# The source tarball is what git holds at HEAD (git archive), never the work
# tree's uncommitted edits or untracked files. The spec is written with
# VERSION into SPECS/.
rpm:
	@sh packaging/install.sh rpm
	rm -rf $(RPM_TOP)
	mkdir -p $(RPM_TOP)/SOURCES $(RPM_TOP)/SPECS
	git archive --format=tar.gz --prefix=nsinit-$(VERSION)/ \
		-o $(RPM_TOP)/SOURCES/nsinit-$(VERSION).tar.gz HEAD
	sed 's/@VERSION@/$(VERSION)/g' packaging/rpm/nsinit.spec.in > $(RPM_TOP)/SPECS/nsinit.spec
	rpmbuild --define "_topdir $(RPM_TOP)" --nodeps -ba $(RPM_TOP)/SPECS/nsinit.spec
	@ls $(RPM_TOP)/RPMS/*/*.rpm

# --- The release ---------------------------------------------------------
# dist/ as tini's and dumb-init's users download it: nsinit-ARCH (the static
# binary, Debian's architecture name, as tini names its assets), each with a
# nsinit-ARCH.sha256sum beside it (tini's habit: `sha256sum -c` of one file),
# the .deb of every architecture, and one SHA256SUMS over the binaries and
# .debs (dumb-init's habit). Every .deb gets lintian, in one run.
DIST ?= dist
RELEASE_ARCHS ?= $(STATIC_ARCHS)
# RELEASE_ARCHS and REPRO_ARCHS take spaces or commas between the names
# (RELEASE_ARCHS=amd64,arm64 as well as "amd64 arm64").
comma := ,
RELEASE_ARCH_LIST = $(subst $(comma), ,$(RELEASE_ARCHS))

release: source-date-epoch
	@sh packaging/install.sh lintian
	rm -rf $(DIST) && mkdir -p $(DIST)
	@set -e; for a in $(RELEASE_ARCH_LIST); do \
		echo "== release ARCH=$$a"; $(MAKE) --no-print-directory release-arch ARCH=$$a LINTIAN=0; done
	lintian $(LINTIAN_FLAGS) $(DIST)/*.deb
	cd $(DIST) && for f in $(RELEASE_ARCH_LIST:%=nsinit-%); do sha256sum $$f > $$f.sha256sum; done && \
		LC_ALL=C sha256sum $(RELEASE_ARCH_LIST:%=nsinit-%) $(RELEASE_ARCH_LIST:%=nsinit_$(VERSION)-1_%.deb) > SHA256SUMS
	@echo "$(DIST)/SHA256SUMS:"; sed 's/^/  /' $(DIST)/SHA256SUMS

# One architecture's binary and .deb into $(DIST).
release-arch: deb
	@mkdir -p $(DIST)
	cp $(STATIC_BIN) $(DIST)/nsinit-$(STATIC_DEB_ARCH)
	cp $(DEB) $(DIST)/

# Build REPRO_ARCHS again from a git archive of HEAD in another directory,
# with another BUILD, and compare byte for byte with $(DIST) (after make
# release).
REPRO_ARCHS ?= amd64 arm64
release-check:
	sh packaging/repro-check.sh $(DIST) $(VERSION) $(subst $(comma), ,$(REPRO_ARCHS))

# --- One image for every architecture -----------------------------------
# The FROM scratch image of packaging/container/Containerfile, built once per
# architecture from $(DIST)'s binaries (no RUN, so nothing is emulated) and
# put into one manifest list, $(IMAGE); see packaging/container/image.sh.
IMAGE ?= localhost/nsinit
image:
	sh packaging/container/image.sh $(IMAGE) $(DIST) \
		$(foreach a,$(RELEASE_ARCH_LIST),$(a)=$(word 5,$(static_row_$(a))))
