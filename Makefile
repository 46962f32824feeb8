# grubinst: `make` builds build/grubinst and build/libgrubinst.{a,so.1};
# `make check` runs every test; `make demo` boots the tutorial's image;
# `make install` / `make uninstall` (PREFIX, DESTDIR): see install.mk.

CC      ?= cc
PKGS    := ext2fs com_err fdisk blkid uuid zlib liblzma
# The GRUB stage files, built into the binary as they are: Debian's
# grub-legacy package where it ships them (Debian 12 and older), else
# GRUB_BUILD, made by tools/build-stages (Debian 13's grub-legacy is a
# transitional package without them).  `make STAGE_SRC=DIR` takes them
# from DIR.
GRUB_PKG_DIR := /usr/lib/grub/x86_64-pc
GRUB_BUILD ?= build/grub-0.97
STAGES  := stage1 e2fs_stage1_5 stage2
STAGE_SRC ?= $(if $(wildcard $(addprefix $(GRUB_PKG_DIR)/,$(STAGES))),$(GRUB_PKG_DIR),$(GRUB_BUILD))

BUILD   ?= build
SANITIZE ?=
CFLAGS  ?= -O2 -g
WARN    := -std=c11 -Wall -Wextra -Werror -D_GNU_SOURCE
# Includes name their layer: #include "disk/disk.h" (docs/HACKING.md).
INCS    := -I. -Iinclude -I$(BUILD)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS))
# CPPFLAGS and LDFLAGS as distributions pass them (Debian's hardening flags:
# _FORTIFY_SOURCE, relro, now); empty by default.
ALL_CFLAGS = $(WARN) $(CPPFLAGS) $(CFLAGS) $(SANITIZE) -fPIC -fvisibility=hidden $(INCS) $(PKG_CFLAGS)

SOVERSION := 1
LIB_SRCS := lib/error.c lib/handle.c lib/options.c lib/buf.c lib/fixline.c lib/file.c lib/run.c \
	stages/stage1.c stages/stage2.c stages/gap.c stages/blocklist.c stages/source.c \
	stages/menu.c \
	grub2/bootimg.c grub2/core.c grub2/module.c grub2/cfg.c \
	disk/image.c disk/ptable.c disk/fs.c disk/fstime.c disk/groups.c disk/inuse.c \
	disk/descriptors.c disk/journal.c disk/capture.c disk/undo.c disk/probe.c \
	disk/mounts.c disk/jbd.c disk/mmp.c disk/quota.c disk/listing.c \
	inspect/context.c inspect/pipeline.c inspect/finding.c inspect/codes.c inspect/partitions.c \
	inspect/bootcode.c inspect/loaders.c inspect/chain.c inspect/grub2env.c inspect/grub2fix.c inspect/grub2cfg.c inspect/grub2.c inspect/grubpath.c inspect/blocks.c \
	inspect/fsfeatures.c inspect/rules.c inspect/menu.c inspect/menuedit.c inspect/kernel.c \
	inspect/elf.c inspect/userspace.c inspect/explain.c inspect/map.c \
	inspect/json.c \
	installer/paths.c installer/target.c installer/config.c installer/kernels.c \
	installer/rootspec.c installer/default.c installer/files.c \
	installer/embed.c installer/bootsector.c installer/holes.c installer/result.c \
	installer/legacy.c installer/grub2.c installer/grub2core.c installer/grub2files.c \
	installer/loaders.c \
	installer/install.c
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/stages/blobs.o
CLI_OBJS := $(BUILD)/cli/grubinst.o $(BUILD)/cli/findings.o

.PHONY: all deps check check-asan check-builders demo clean test-progs bench bench-boots fuzz fuzz-build
all: $(BUILD)/grubinst $(BUILD)/libgrubinst.a $(BUILD)/libgrubinst.so.$(SOVERSION)

# C programs the shell tests run: tests/c/NAME.c becomes $(BUILD)/tests/NAME,
# built with the public header only...
TEST_PROGS := $(patsubst tests/c/%.c,$(BUILD)/tests/%,$(wildcard tests/c/*.c))
test-progs: $(TEST_PROGS)

$(BUILD)/tests/%: tests/c/%.c $(BUILD)/libgrubinst.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SANITIZE) -Iinclude $< -o $@ \
		$(BUILD)/libgrubinst.a $(PKG_LIBS)

# ...except the unit programs (tests/c/unit_*.c), which test internal
# parts and see the internal headers.
$(BUILD)/tests/unit_%: tests/c/unit_%.c $(BUILD)/libgrubinst.a
	@mkdir -p $(dir $@)
	$(CC) $(WARN) $(CFLAGS) $(SANITIZE) $(INCS) $(PKG_CFLAGS) $< -o $@ \
		$(BUILD)/libgrubinst.a $(PKG_LIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/stages/mkblob: stages/mkblob.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 $< -o $@

$(BUILD)/stages/blobs.c: $(BUILD)/stages/mkblob $(addprefix $(STAGE_SRC)/,$(STAGES))
	$(BUILD)/stages/mkblob $@ $(addprefix $(STAGE_SRC)/,$(STAGES))

ifeq ($(STAGE_SRC),$(GRUB_BUILD))
# One run makes all three (and the grub shell the tests use).
$(addprefix $(GRUB_BUILD)/,$(STAGES)) &:
	tools/build-stages $(GRUB_BUILD)
else
$(STAGE_SRC)/%:
	@echo "missing $@: install Debian's grub-legacy package (tools/install-deps) or run tools/build-stages" >&2
	@false
endif

$(BUILD)/stages/blobs.o: $(BUILD)/stages/blobs.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libgrubinst.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/libgrubinst.so.$(SOVERSION): $(LIB_OBJS)
	$(CC) $(CFLAGS) $(SANITIZE) $(LDFLAGS) -shared -Wl,-soname,libgrubinst.so.$(SOVERSION) \
		-o $@ $^ $(PKG_LIBS)
	ln -sf libgrubinst.so.$(SOVERSION) $(BUILD)/libgrubinst.so

$(BUILD)/grubinst: $(CLI_OBJS) $(BUILD)/libgrubinst.a
	$(CC) $(CFLAGS) $(SANITIZE) $(LDFLAGS) -o $@ $(CLI_OBJS) $(BUILD)/libgrubinst.a $(PKG_LIBS)

# The LD_PRELOAD shim of tests/faults.test: failing writes and syncs.
$(BUILD)/faultinject.so: tests/lib/faultinject.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

deps:
	@tools/install-deps --test

# The whole suite against the normal build, then the suite again against a
# build with AddressSanitizer and UndefinedBehaviorSanitizer (QEMU boots
# are skipped there: they exercise the same bytes).
check:
	@tools/install-deps --test
	$(MAKE) all test-progs build/faultinject.so fuzz-build
	$(MAKE) BUILD=build/asan CFLAGS="-O1 -g" \
		SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
		build/asan/grubinst test-progs
	@tests/check-all

# The image builders' examples end to end (tests/builders/): debos builds
# examples/debos/debian.yaml, with grubinst as its last step, and the image
# boots in QEMU.  Not part of `make check`: it needs root, downloads a
# Debian system with debootstrap and apt, and takes minutes.
check-builders:
	@tools/install-deps --builders
	$(MAKE) all
	@tests/run tests/builders/*.test

# grubinst against the grub shell and e2fsck, on images up to 2 TiB and a
# million files (minutes, and gigabytes in a temporary directory); writes
# docs/PERFORMANCE.md.  See bench/bench.sh.
bench:
	@tools/install-deps --test
	$(MAKE) all
	@bench/bench.sh

# GRUB's own load time: the man page's recipe booted in QEMU, the kernel
# moved by the install or not, against 4 KiB blocks.  Minutes; see
# bench/boots.sh.
bench-boots:
	@tools/install-deps --test
	$(MAKE) all
	@bench/boots.sh

# libFuzzer harnesses (fuzz/): the library built again with clang into
# build/fuzz, with AddressSanitizer and UndefinedBehaviorSanitizer.
# `make fuzz` runs each for FUZZ_TIME seconds from seeds made at run time.
FUZZERS   := ptable stage menu elf verify install descriptors
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

fuzz-build:
	$(MAKE) BUILD=build/fuzz CC=clang CFLAGS="-O1 -g" \
		SANITIZE="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
		$(FUZZERS:%=build/fuzz/fuzz_%)

$(BUILD)/fuzz_%: $(BUILD)/fuzz/fuzz_%.o $(BUILD)/fuzz/common.o $(BUILD)/libgrubinst.a
	$(CC) $(CFLAGS) $(SANITIZE) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# The harnesses whose input is a whole disk image mutate it their own way.
$(BUILD)/fuzz_verify $(BUILD)/fuzz_install: $(BUILD)/fuzz/mutate_image.o

# The seeds of interrupted installs are made with the fault shim.
fuzz: all fuzz-build $(BUILD)/faultinject.so
	@fuzz/run $(FUZZ_TIME)

# make demo LOADER=grub2: the same image with GRUB 2 (i386-pc).
demo:
	@LOADER="$(LOADER)" tools/install-deps --demo
	$(MAKE) all
	@LOADER="$(LOADER)" demo/demo.sh

clean:
	rm -rf $(BUILD)

include install.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
