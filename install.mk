# What `make install` puts where, included by the Makefile.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=]   the command, both
#                  libraries, the header, libgrubinst.pc, the man pages,
#                  the bash completion and docs/verify.md (the --verify
#                  checks and their JSON, in $(DOCDIR))
#   make uninstall [PREFIX=/usr/local] [DESTDIR=]   removes those files
#
# The installed static library is one object in which every symbol but the
# public grubinst_* ones is local, so that a program linking it statically
# cannot clash with the library's internal names; $(BUILD)/libgrubinst.a
# keeps them global for the tests.

VERSION    := $(shell sed -n 's/^\#define GRUBINST_VERSION "\(.*\)"$$/\1/p' include/grubinst.h)
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
BASHCOMPDIR  ?= $(PREFIX)/share/bash-completion/completions
DOCDIR       ?= $(PREFIX)/share/doc/grubinst

PUBLIC_A := $(BUILD)/public/libgrubinst.a
PC_FILE  := $(BUILD)/libgrubinst.pc
# The file is named after its soname: libgrubinst.so.1 is libgrubinst.so.1.M.P
# for the header's version 0.M.P (soname 1 began with 0.2.0).
SO_FILE  := libgrubinst.so.$(SOVERSION).$(word 2,$(subst ., ,$(VERSION))).$(word 3,$(subst ., ,$(VERSION)))

.PHONY: install uninstall FORCE
all: $(PUBLIC_A) $(PC_FILE)

$(PUBLIC_A): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -r -nostdlib -o $(BUILD)/public/libgrubinst.o $^
	objcopy --wildcard --keep-global-symbol='grubinst_*' \
		$(BUILD)/public/libgrubinst.o
	rm -f $@
	ar rcs $@ $(BUILD)/public/libgrubinst.o

# Rewritten only when the text changes, so that a new PREFIX is picked up
# without rebuilding everything that depends on the file.
$(PC_FILE): lib/libgrubinst.pc.in FORCE
	@mkdir -p $(dir $@)
	@sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|; s|@VERSION@|$(VERSION)|' \
		-e 's|@LIBS_PRIVATE@|$(strip $(shell pkg-config --static --libs $(PKGS)))|' \
		$< >$@.tmp
	@if cmp -s $@.tmp $@; then rm $@.tmp; else mv $@.tmp $@; fi
FORCE:

# Each installed file: source -> destination under $(DESTDIR), and mode.
INSTALL_FILES := \
	$(BUILD)/grubinst:$(BINDIR)/grubinst:755 \
	$(PUBLIC_A):$(LIBDIR)/libgrubinst.a:644 \
	$(BUILD)/libgrubinst.so.$(SOVERSION):$(LIBDIR)/$(SO_FILE):755 \
	include/grubinst.h:$(INCLUDEDIR)/grubinst.h:644 \
	$(PC_FILE):$(PKGCONFIGDIR)/libgrubinst.pc:644 \
	docs/grubinst.1:$(MANDIR)/man1/grubinst.1:644 \
	docs/libgrubinst.3:$(MANDIR)/man3/libgrubinst.3:644 \
	completion/grubinst.bash:$(BASHCOMPDIR)/grubinst:644 \
	docs/verify.md:$(DOCDIR)/verify.md:644
# The links to the shared library: the soname and the name -lgrubinst finds.
INSTALL_LINKS := \
	$(SO_FILE):$(LIBDIR)/libgrubinst.so.$(SOVERSION) \
	libgrubinst.so.$(SOVERSION):$(LIBDIR)/libgrubinst.so

install: all
	@set -e; for f in $(INSTALL_FILES); do \
		src=$${f%%:*}; rest=$${f#*:}; dst=$(DESTDIR)$${rest%:*}; \
		echo "install $$src $$dst"; \
		install -D -m $${rest##*:} $$src $$dst; \
	done
	@set -e; for l in $(INSTALL_LINKS); do \
		dst=$(DESTDIR)$${l#*:}; echo "ln -s $${l%%:*} $$dst"; \
		ln -sfn $${l%%:*} $$dst; \
	done

uninstall:
	@for f in $(INSTALL_FILES) $(INSTALL_LINKS); do \
		rest=$${f#*:}; dst=$(DESTDIR)$${rest%:*}; \
		if [ -e $$dst ] || [ -L $$dst ]; then echo "rm $$dst"; rm -f $$dst; fi; \
	done
