# SPDX-License-Identifier: GPL-2.0
# meminit: see README.md. Layout follows libbpf-bootstrap's examples/c/Makefile,
# with -MMD -MP header dependencies and every user object depending on the skeletons.

# ARCH names the target in the kernel's words (x86, arm64); another one
# than this machine's cross-builds with Debian's cross compiler into
# build/$(ARCH)/ against the target's -dev packages (dpkg's foreign
# architecture): make ARCH=arm64. The BPF programs are built for it too
# (__TARGET_ARCH_, its vmlinux.h); clang and bpftool run here.
HOST_ARCH := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
ARCH      ?= $(HOST_ARCH)
# The kernel's aliases: ARCH=x86_64 and ARCH=aarch64 name the same targets.
override ARCH := $(patsubst x86_64,x86,$(patsubst aarch64,arm64,$(ARCH)))
TRIPLET_x86   := x86_64-linux-gnu
TRIPLET_arm64 := aarch64-linux-gnu
ifeq ($(TRIPLET_$(ARCH)),)
$(error ARCH=$(ARCH): meminit builds for x86 or arm64)
endif
ifneq ($(ARCH),$(HOST_ARCH))
CROSS_COMPILE ?= $(TRIPLET_$(ARCH))-
OUTPUT    ?= build/$(ARCH)
endif
OUTPUT    ?= build
CLANG     ?= clang
BPFTOOL   ?= bpftool
ifeq ($(origin CC),default)
CC        := $(CROSS_COMPILE)gcc
endif
AR        := $(CROSS_COMPILE)ar
VERSION   := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
PREFIX    ?= /usr/local
DESTDIR   ?=

VMLINUX_H := bpf/vmlinux/$(ARCH)/vmlinux.h
WARNINGS  := -Wall -Wextra
CFLAGS    ?= -g -O2
CFLAGS    += $(WARNINGS) -std=gnu11 -D_GNU_SOURCE -DMEMINIT_VERSION='"$(VERSION)"'
# Sanitizer or fuzzer instrumentation, set by the asan and fuzz targets below.
SANITIZE  ?=
CFLAGS    += $(SANITIZE)
# cli/ in layers, each a folder: lib/ (helpers), source/ (kernel and saved
# captures -> the model), model/ (the report, attribution, the view),
# output/ (the JSON codec and every format), runs/ (many boots: kexec, run
# sets), cmd/ (one file per verb). Headers have unique names across them.
CLI_DIRS  := lib source model output runs cmd
CPPFLAGS  += -I$(OUTPUT) $(addprefix -Icli/,$(CLI_DIRS)) -MMD -MP
LIBS      := -lbpf -lelf -ljson-c -lz -lm
STATIC_LIBS := -Wl,-Bstatic -lbpf -lelf -ljson-c -lz -lzstd -lm
# arm64's kexec_load path edits the device tree (cli/runs/kexec_load_arm64.c).
ifeq ($(ARCH),arm64)
LIBS      += -lfdt
STATIC_LIBS += -lfdt
endif

BPF_SRCS  := $(wildcard bpf/*.bpf.c)
BPF_OBJS  := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.bpf.o,$(BPF_SRCS))
SKELS     := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
CLI_SRCS  := $(filter-out cli/cmd/main.c,$(foreach d,$(CLI_DIRS),$(wildcard cli/$(d)/*.c)))
CLI_OBJS  := $(patsubst cli/%.c,$(OUTPUT)/cli/%.o,$(CLI_SRCS))
LIB       := $(OUTPUT)/libmeminit.a
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

ifeq ($(V),1)
	Q =
	msg =
else
	Q = @
	msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: bench all clean deb deps demo test test-scale test-arm64 unit-tests vm-tests install kernel help vmlinux-h \
	asan fuzz fuzz-build fuzz-bins lint
.DELETE_ON_ERROR:

all: $(OUTPUT)/meminit $(OUTPUT)/meminit-static

help:
	@echo "make [all]    build meminit and meminit-static into $(OUTPUT)/"
	@echo "make deps     install build and test dependencies (apt-get)"
	@echo "make demo     boot a 2-node stock Debian guest and run meminit in it"
	@echo "make test     unit tests and real-kernel QEMU tests"
	@echo "make test-arm64  arm64 guests: stock kernels, then the series cross-built"
	@echo "make asan     meminit and unit tests with ASan+UBSan into build-asan/"
	@echo "make fuzz     run every libFuzzer target for FUZZ_TIME s (default 60)"
	@echo "make lint     cppcheck and clang-tidy (suppressions: tests/lint/)"
	@echo "make deb      the Debian package into $(OUTPUT)/deb/"
	@echo "make bench    every benchmark in bench/ (BENCH=\"boot-cost scale\" for some)"

$(OUTPUT) $(OUTPUT)/tests $(addprefix $(OUTPUT)/cli/,$(CLI_DIRS)):
	$(Q)mkdir -p $@

# BPF: clang -target bpf against the committed vmlinux.h (CO-RE).
$(OUTPUT)/%.bpf.o: bpf/%.bpf.c $(VMLINUX_H) $(wildcard bpf/*.h) | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -Wall \
		-I$(dir $(VMLINUX_H)) -Ibpf -c $< -o $@
	$(Q)llvm-strip -g $@ 2>/dev/null || true

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# Every user object depends on the skeletons (libbpf-bootstrap only lists them
# for the objects that include them, which races under -j).
$(OUTPUT)/cli/%.o: cli/%.c $(SKELS) | $(addprefix $(OUTPUT)/cli/,$(CLI_DIRS))
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

# BPF objects and skeletons come from pattern rules, which makes them
# intermediates: make would delete them after each build. Keep the objects,
# and name the skeletons in an explicit rule so a missing one is rebuilt.
.SECONDARY: $(BPF_OBJS)
$(CLI_OBJS): $(SKELS)

$(LIB): $(CLI_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(OUTPUT)/meminit: $(OUTPUT)/cli/cmd/main.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LIBS) -o $@

# Static binary for the test guests' initramfs.
$(OUTPUT)/meminit-static: $(OUTPUT)/cli/cmd/main.o $(LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -static $^ $(STATIC_LIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB) | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -Itests/unit $< $(LIB) $(LIBS) -lm -o $@

unit-tests: $(UNIT_BINS)

deps:
	@tests/deps.sh

# deps first, then a fresh make: a fresh machine has no clang or bpftool
# until deps has run, so they cannot be ordinary prerequisites under -j.
demo:
	@tests/deps.sh
	@$(MAKE) --no-print-directory all
	@tests/demo.sh

# The kernels tests/prepare.sh builds are a fresh run's critical path:
# run-all.sh starts them before meminit's own build.
test:
	@tests/deps.sh
	@tests/run-all.sh --build "$(MAKE) --no-print-directory all unit-tests asan fuzz-build"

# The guests too slow for every run (tests/scale/: 64 vCPUs, 16 nodes).
test-scale:
	@tests/deps.sh
	@$(MAKE) --no-print-directory all
	@tests/run-all.sh tests/scale/test_*.sh

# arm64 (issue 17): the stock arm64 guests of make test, then the series
# cross-built for arm64 and its guests (a kernel build on a fresh machine).
test-arm64:
	@tests/deps.sh
	@$(MAKE) --no-print-directory all
	@tests/run-all.sh tests/vm/test_arm64.sh tests/arm64/test_*.sh

# AddressSanitizer + UndefinedBehaviorSanitizer build of meminit (dynamic) and
# the unit tests, in its own output folder; UBSan aborts on the first report.
ASAN_OUT  ?= build-asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
asan:
	@$(MAKE) --no-print-directory OUTPUT=$(ASAN_OUT) SANITIZE="$(ASAN_FLAGS)" \
		$(ASAN_OUT)/meminit unit-tests

# libFuzzer targets (clang), one per parser: tests/fuzz/fuzz_*.c linked with
# the library built with fuzzer-no-link instrumentation in its own folder.
FUZZ_OUT  ?= build-fuzz
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_OUT)/%,$(FUZZ_SRCS))
fuzz-build:
	@$(MAKE) --no-print-directory OUTPUT=$(FUZZ_OUT) CC=$(CLANG) \
		SANITIZE="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" fuzz-bins
fuzz-bins: $(FUZZ_BINS)
$(FUZZ_OUT)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(LIB) | $(OUTPUT)
	$(call msg,FUZZ-LD,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -Itests/fuzz \
		-DFIXTURES='"$(CURDIR)/tests/fixtures"' $< $(LIB) $(LIBS) -o $@
fuzz: fuzz-build
	@tests/fuzz/run.sh $(FUZZ_TIME)

lint:
	@tests/lint/run.sh

vmlinux-h:
	ARCH=$(ARCH) bpf/gen-vmlinux-h.sh $(VMLINUX_H)

# Benchmarks (bench/RESULTS.md): timings are printed, never asserted; make
# test runs each on a small input (tests/*/test_bench_*.sh). BENCH= picks some.
bench: all
	@bench/run.sh $(BENCH)

# The Debian package (debian/), built from a copy of the source tree (what
# git tracks or would track) in
# $(OUTPUT)/deb/ so that dpkg-buildpackage's outputs, which it writes next
# to the source folder, stay under $(OUTPUT)/deb/.
DEB_SRC := $(OUTPUT)/deb/meminit-$(VERSION)
deb:
	$(Q)rm -rf $(OUTPUT)/deb && mkdir -p $(DEB_SRC)
	$(Q)git ls-files -z -co --exclude-standard | \
		tar --null --ignore-failed-read -T - -cf - | tar -x -C $(DEB_SRC)
	$(Q)cd $(DEB_SRC) && dpkg-buildpackage -us -uc -b > ../build.log 2>&1 || \
		{ tail -n 20 ../build.log; echo "make deb: dpkg-buildpackage failed; log in $(OUTPUT)/deb/build.log"; exit 1; }
	@ls $(OUTPUT)/deb/*.deb

# The patched test kernel, cached by the hash of its inputs (kernel-patches/).
kernel:
	@tests/deps.sh
	@kernel-patches/build.sh

MANDIR     ?= $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR ?= /etc

# The config file is installed only where none exists (it is the admin's).
install: $(OUTPUT)/meminit
	install -D -m 0755 $(OUTPUT)/meminit $(DESTDIR)$(PREFIX)/sbin/meminit
	for u in meminit-kexec meminit-boot; do \
		sed -e 's|/usr/local/sbin/meminit|$(PREFIX)/sbin/meminit|' \
		    -e 's|/etc/meminit/|$(SYSCONFDIR)/meminit/|' contrib/systemd/$$u.service \
			> $(OUTPUT)/$$u.service && \
		install -D -m 0644 $(OUTPUT)/$$u.service $(DESTDIR)$(UNITDIR)/$$u.service || exit 1; \
	done
	sed 's/@VERSION@/$(VERSION)/' docs/meminit.8 > $(OUTPUT)/meminit.8
	install -D -m 0644 $(OUTPUT)/meminit.8 $(DESTDIR)$(MANDIR)/man8/meminit.8
	install -D -m 0644 contrib/bash-completion/meminit $(DESTDIR)$(BASHCOMPDIR)/meminit
	for r in contrib/prometheus/*.rules.yml; do \
		install -D -m 0644 $$r $(DESTDIR)$(PREFIX)/share/meminit/prometheus/$$(basename $$r) || exit 1; \
	done
	test -e $(DESTDIR)$(SYSCONFDIR)/meminit/meminit.conf || \
		install -D -m 0644 contrib/meminit.conf $(DESTDIR)$(SYSCONFDIR)/meminit/meminit.conf

clean:
	rm -rf $(OUTPUT) $(ASAN_OUT) $(FUZZ_OUT)

-include $(wildcard $(OUTPUT)/cli/*/*.d $(OUTPUT)/tests/*.d $(OUTPUT)/*.d)
