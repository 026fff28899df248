# Packages: make deb (from the static binary) and make rpm (rpmbuild).
# Included from the Makefile; uses VERSION, BUILD and the static target.

STATIC_NSINIT ?= $(STATIC_BIN)
DEB_ROOT := $(BUILD)/deb/root
DEB := $(BUILD)/nsinit_$(VERSION)-1_amd64.deb
RPM_TOP := $(abspath $(BUILD)/rpm)

.PHONY: deb rpm

# Only the static binary goes in: it has no dependencies to declare.
deb: static
	@sh packaging/install.sh lintian
	rm -rf $(BUILD)/deb
	install -D -m 0755 $(STATIC_NSINIT) $(DEB_ROOT)/usr/bin/nsinit
	install -D -m 0644 packaging/nsinit.1 $(DEB_ROOT)/usr/share/man/man1/nsinit.1
	gzip -9n $(DEB_ROOT)/usr/share/man/man1/nsinit.1
	install -D -m 0644 packaging/deb/copyright $(DEB_ROOT)/usr/share/doc/nsinit/copyright
	gzip -9n < packaging/deb/changelog > $(DEB_ROOT)/usr/share/doc/nsinit/changelog.Debian.gz
	install -D -m 0644 packaging/deb/lintian-overrides $(DEB_ROOT)/usr/share/lintian/overrides/nsinit
	chmod 0644 $(DEB_ROOT)/usr/share/doc/nsinit/changelog.Debian.gz
	mkdir -p $(DEB_ROOT)/DEBIAN
	sed -e 's/@VERSION@/$(VERSION)/' \
	    -e "s/@SIZE_KB@/$$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)/" \
	    packaging/deb/control.in > $(DEB_ROOT)/DEBIAN/control
	dpkg-deb --root-owner-group -Zxz --build $(DEB_ROOT) $(DEB)
	lintian --fail-on error $(DEB)
	@echo "built $(DEB)"

# The source tarball is what git holds at HEAD (git archive), never the work
# tree's uncommitted edits or untracked files.
rpm:
	@sh packaging/install.sh rpm
	rm -rf $(RPM_TOP)
	mkdir -p $(RPM_TOP)/SOURCES
	git archive --format=tar.gz --prefix=nsinit-$(VERSION)/ \
		-o $(RPM_TOP)/SOURCES/nsinit-$(VERSION).tar.gz HEAD
	rpmbuild --define "_topdir $(RPM_TOP)" --nodeps -ba packaging/rpm/nsinit.spec
	@ls $(RPM_TOP)/RPMS/*/*.rpm
