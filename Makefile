# minibpf — see README.md. Targets: all static progs test size install clean
# bench fuzz examples. Variables: CROSS=aarch64-linux-gnu- CC= SAN=1 V=1 PREFIX DESTDIR
VERSION   := 0.1.0
CROSS     ?=
CC        := $(CROSS)gcc
AR        := $(CROSS)ar
STRIP     := $(CROSS)strip
CLANG     ?= clang
LLVM_STRIP ?= llvm-strip
PREFIX    ?= /usr/local
DESTDIR   ?=
MULTIARCH := $(shell gcc -print-multiarch 2>/dev/null)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# Cross builds and the musl build go to their own directories so they never
# mix objects with the native one.
ifneq ($(CROSS),)
B ?= build/$(patsubst %-,%,$(CROSS))
else
B ?= build
endif

empty :=
sp := $(empty) $(empty)

# ---- build options (README "Build options"; make help) -------------------
# Each MB_X=0 removes the code of X from the library and the tool
# (-DMB_X=0, include/mb_config.h); MB_CMDS picks the tool's top-level
# objects. A build with options goes to its own directory (build-noX...,
# build/musl-noX...; MB_TAG=NAME names it instead: make tiny uses "tiny").
MB_OPTS     := TRACE DISASM JSON BTF_DUMP CORE FEATURE CONFIG_GZ NET EVENTS UPROBE EXTERN EXTRA_CMDS
MB_ALL_CMDS := prog map link struct_ops btf net cgroup feature obj check gen
MB_CMDS     ?= $(MB_ALL_CMDS)
$(foreach o,$(MB_OPTS),$(eval MB_$(o) ?= 1))
$(foreach o,$(MB_OPTS),$(if $(filter-out 0 1,$(MB_$(o))),$(error MB_$(o)=$(MB_$(o)): 0 or 1)))
$(if $(filter-out $(MB_ALL_CMDS),$(MB_CMDS)),$(error MB_CMDS: unknown '$(filter-out $(MB_ALL_CMDS),$(MB_CMDS))' (one of $(MB_ALL_CMDS))))
$(if $(filter prog,$(MB_CMDS)),,$(error MB_CMDS must include prog))
MB_OFF      := $(strip $(foreach o,$(MB_OPTS),$(if $(filter 0,$(MB_$(o))),$(o))))
MB_NOCMDS   := $(filter-out $(MB_CMDS),$(MB_ALL_CMDS))
FEATURE_DEFS := $(strip $(MB_OFF:%=-DMB_%=0) $(MB_NOCMDS:%=-DMB_CMD_%=0))
MB_TAGNAME  := $(shell echo $(MB_OFF:%=no%) $(MB_NOCMDS:%=no%) | tr 'A-Z ' 'a-z-')
CONFIG_SUFFIX := $(if $(FEATURE_DEFS),-$(or $(MB_TAG),$(MB_TAGNAME)))
ifeq ($(origin B),file)
override B := $(B)$(CONFIG_SUFFIX)
endif

CFLAGS   ?= -O2 -g
WFLAGS   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers
INCLUDES := -Iinclude -I.
ifeq ($(SAN),1)
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
override B := $(B)-san
endif
ALL_CFLAGS = $(WFLAGS) $(INCLUDES) $(CFLAGS) $(FEATURE_DEFS) -DMB_VERSION='"$(VERSION)"'

MODULES   := syscall elf btf check maps loader attach
LIB_SRCS  := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(B)/%.o)
# cli/bump_alloc.c (malloc, qsort, strstr) and cli/small_printf.c (the printf
# family) replace the C library's in the static binaries only (make static).
STATIC_LIBC_SRCS := cli/bump_alloc.c cli/small_printf.c cli/small_stdio.c
CLI_SRCS  := $(filter-out $(STATIC_LIBC_SRCS),$(wildcard cli/*.c))
CLI_OBJS  := $(CLI_SRCS:%.c=$(B)/%.o) $(CLI_EXTRA)
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
PROG_SRCS := $(wildcard progs/*.bpf.c)
PROG_OBJS := $(PROG_SRCS:progs/%.bpf.c=$(B)/progs/%.bpf.o)
HDRS      := $(wildcard include/*.h $(addsuffix /*.h,$(MODULES) cli tests))

.PHONY: all lib cli static progs test tests size install clean bench fuzz cross check-layers examples help
all: $(B)/libminibpf.a $(B)/minibpf

# The compiler, flags and options a directory was built with: a change
# rebuilds its objects (also make static's after a change of its flags).
BUILT_WITH = $(CC) $(CFLAGS) $(FEATURE_DEFS)
$(B)/.options: FORCE
	@mkdir -p $(B); echo '$(BUILT_WITH)' | cmp -s - $@ || echo '$(BUILT_WITH)' >$@
.PHONY: FORCE

# -Wundef: an MB_* option misspelt or its header not included is an error,
# not a silent #if 0 (include/mb_config.h)
$(B)/%.o: %.c $(HDRS) $(B)/.options
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -Wundef -c $< -o $@

$(B)/libminibpf.a: $(LIB_OBJS)
	$(if $(Q),@echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/minibpf: $(CLI_OBJS) $(B)/libminibpf.a
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJS) $(B)/libminibpf.a

# ---- static musl build ----------------------------------------------------
# musl-gcc does not see the kernel UAPI headers: give it a directory that holds
# only linux/, asm/ and asm-generic/. Size: LTO (archive through gcc-ar for
# its plugin; fat objects so scripts/size.sh sees code) and -z noseparate-code
# (no page padding around .text) save ~10 KB.
MUSL_B   := build/musl$(CONFIG_SUFFIX)
MUSL_INC := $(MUSL_B)/uapi
ifeq ($(ARCH)$(CROSS),)
ifneq ($(LIBC),nolibc)
static: $(MUSL_B)/minibpf
endif
endif
$(MUSL_INC)/.stamp:
	@mkdir -p $(MUSL_INC)
	ln -sfn /usr/include/linux $(MUSL_INC)/linux
	ln -sfn /usr/include/$(MULTIARCH)/asm $(MUSL_INC)/asm
	ln -sfn /usr/include/asm-generic $(MUSL_INC)/asm-generic
	@touch $@
# cli/small_stdio.c is the static CLI's stdio: a stdio function of musl's in
# the link would act on that FILE with musl's layout, so a link that pulls
# one in (its internals name it) fails. $(call musl_stdio_check,NM,BIN)
MUSL_STDIO := __stdio_write __stdio_read __towrite __toread __lockfile __fwritex __overflow \
	      __uflow __stdout_FILE __stderr_FILE __stdin_FILE __fdopen
musl_stdio_check = @bad=$$($(1) $(2) | grep -owE '$(subst $(sp),|,$(MUSL_STDIO))' | sort -u | tr '\n' ' '); \
	if [ -n "$$bad" ]; then echo "$(2): musl's stdio is linked ($$bad): what calls it needs its function in cli/small_stdio.c" >&2; \
	rm -f $(2); exit 1; fi
$(MUSL_B)/minibpf: $(MUSL_INC)/.stamp $(LIB_SRCS) $(CLI_SRCS) $(STATIC_LIBC_SRCS) $(HDRS) Makefile
	$(Q)$(MAKE) --no-print-directory B=$(MUSL_B)/obj CC=musl-gcc AR=gcc-ar \
		CLI_EXTRA="$(STATIC_LIBC_SRCS:%.c=$(MUSL_B)/obj/%.o)" \
		CFLAGS="$(call static_cflags,$(HOST_ARCH)) -idirafter $(abspath $(MUSL_INC))" \
		LDFLAGS="$(STATIC_LDFLAGS)" $(MUSL_B)/obj/minibpf
	$(call musl_stdio_check,nm,$(MUSL_B)/obj/minibpf)
	$(Q)$(STRIP) -s -R .comment -o $@ $(MUSL_B)/obj/minibpf
	@echo "  STATIC  $@ ($$(stat -c %s $@) bytes)"

# make static ARCH=x86_64|aarch64|armhf|s390x|riscv64|ppc64le: the same static,
# stripped CLI for another architecture, in build/static-ARCH. musl where
# Debian has musl-dev for the architecture (scripts/setup.sh installs
# musl-dev:ARCH; gcc reads its musl-gcc.specs, the UAPI headers come from the
# cross linux-libc-dev), otherwise glibc -static from libc6-dev-ARCH-cross
# (riscv64: bookworm has no musl-dev:riscv64), with glibc's malloc (replacing
# it in a static glibc is not supported).
STATIC_ARCHS     := x86_64 aarch64 armhf s390x riscv64 ppc64le mipsel
TRIPLE_x86_64    := x86_64-linux-gnu
TRIPLE_aarch64   := aarch64-linux-gnu
TRIPLE_armhf     := arm-linux-gnueabihf
TRIPLE_s390x     := s390x-linux-gnu
TRIPLE_riscv64   := riscv64-linux-gnu
TRIPLE_ppc64le   := powerpc64le-linux-gnu
TRIPLE_mipsel    := mipsel-linux-gnu
MUSLT_x86_64     := x86_64-linux-musl
MUSLT_aarch64    := aarch64-linux-musl
MUSLT_armhf      := arm-linux-musleabihf
MUSLT_s390x      := s390x-linux-musl
MUSLT_ppc64le    := powerpc64le-linux-musl
# Per architecture: x86-64 gcc puts arrays of 32
# bytes or more at 32 for vector loads, the ABI's 16 does here (-1 KB of
# padding); aarch64's tiny code model reaches an address with one adr instead
# of adrp+add (-8 KB; it needs the whole image within 1 MB, the link fails if
# it ever is not).
STATIC_x86_64  := -malign-data=abi
STATIC_aarch64 := -mcmodel=tiny
# $(call static_cflags,A): the flags of a static build for architecture A
# (the build's, not the make command's ARCH: make test-qemu ARCH=aarch64
# builds the host's static binary too).
HOST_ARCH := $(firstword $(subst -, ,$(MULTIARCH)))
static_cflags = $(STATIC_CFLAGS) $(STATIC_$(1))
# -Oz (gcc 12): -Os that also trades speed for bytes (x86-64 -1.3%, the same
# elsewhere); the CLI's time is the kernel's. -fno-thread-jumps -fno-ipa-sra
# -fno-tree-switch-conversion -fno-move-loop-invariants: -O2-style duplication
# -Os still does (x86-64 -2.1 KB, aarch64 -2.5, armhf -1.8)
STATIC_CFLAGS := -Oz -fno-pie -fno-stack-protector -fno-jump-tables -flto=auto -ffat-lto-objects -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables -fno-thread-jumps -fno-ipa-sra -fno-tree-switch-conversion -fno-move-loop-invariants
# -z common-page-size=64: ld starts the data segment on a fresh page when that
# spans fewer pages, padding the file with up to a page of zeros (4 KB on
# x86-64, 64 KB on aarch64) that come and go with the size of .text
STATIC_LDFLAGS := -static -no-pie -Wl,--gc-sections -Wl,-z,norelro -Wl,-z,noseparate-code -Wl,--build-id=none -Wl,-z,common-page-size=64
# ---- static nolibc build ---------------------------------------------------
# make static LIBC=nolibc [ARCH=x86_64|aarch64|armhf|riscv64]: the static CLI on the
# kernel's nolibc (tools/include/nolibc of linux-source-6.1, extracted into
# build/nolibc, never committed), in build/static-nolibc-ARCH: for the
# architectures Debian has no musl for, and the smallest binary. nolibc/compat.h
# (force-included) and nolibc/compat.c hold what nolibc lacks; the C library
# headers the sources include are empty files in its include/ (elf.h is the
# host's: types only); malloc, qsort, strstr and printf are the musl build's
# (cli/bump_alloc.c, cli/small_printf.c).
NOLIBC_ARCHS := x86_64 aarch64 armhf riscv64 mipsel
ifeq ($(LIBC),nolibc)
NL_A     := $(or $(patsubst %-compat,%,$(ARCH)),$(shell uname -m))
ifeq ($(filter $(NL_A),$(NOLIBC_ARCHS)),)
$(error make static LIBC=nolibc ARCH=$(NL_A): nolibc 6.1 has no $(NL_A) (it has x86_64 aarch64 arm riscv mips i386); one of $(NOLIBC_ARCHS))
endif
NL_TRIPLE := $(TRIPLE_$(NL_A))
NL_B     := build/static-nolibc-$(NL_A)$(CONFIG_SUFFIX)
NL_XINC  := $(wildcard /usr/$(NL_TRIPLE)/include/asm)
NL_UAPI  := $(if $(NL_XINC),/usr/$(NL_TRIPLE)/include/,/usr/include/)
NL_ASM   := $(if $(NL_XINC),$(NL_XINC),/usr/include/$(NL_TRIPLE)/asm)
NL_STUBS  = $(sort $(filter-out linux/% asm/% minibpf.h stddef.h stdarg.h stdbool.h elf.h, \
	$(shell sed -n 's/^\#include <\([^>]*\)>.*/\1/p' $(LIB_SRCS) $(CLI_SRCS) $(filter-out tests/%,$(HDRS)))))
NL_CC     = $(NL_TRIPLE)-gcc -nostdinc -isystem $(abspath $(NL_B)/include) \
	-isystem $(shell $(NL_TRIPLE)-gcc -print-file-name=include) -idirafter $(abspath $(NL_B)/uapi) \
	-include $(abspath nolibc/compat.h)
NL_OBJS   = $(CLI_SRCS:%.c=$(NL_B)/obj/%.o) $(STATIC_LIBC_SRCS:%.c=$(NL_B)/obj/%.o)
static: $(NL_B)/minibpf
build/nolibc/nolibc.h:
	@mkdir -p build/nolibc
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C build/nolibc --strip-components=4 linux-source-6.1/tools/include/nolibc
	@touch $@
$(NL_B)/include/.stamp: build/nolibc/nolibc.h $(LIB_SRCS) $(CLI_SRCS) $(HDRS) Makefile
	@command -v $(NL_TRIPLE)-gcc >/dev/null || { echo "make static LIBC=nolibc ARCH=$(NL_A): no $(NL_TRIPLE)-gcc (scripts/setup.sh installs it)" >&2; exit 1; }
	@rm -rf $(NL_B)/include && mkdir -p $(NL_B)/include $(NL_B)/uapi
	@cd $(NL_B)/include && for h in $(NL_STUBS) features.h bits/auxv.h; do mkdir -p $$(dirname $$h) && : >$$h; done
	@ln -sfn $(abspath build/nolibc) $(NL_B)/include/nolibc
	@ln -sfn /usr/include/elf.h $(NL_B)/include/elf.h
	@ln -sfn $(NL_UAPI)linux $(NL_B)/uapi/linux
	@ln -sfn $(NL_ASM) $(NL_B)/uapi/asm
	@ln -sfn $(NL_UAPI)asm-generic $(NL_B)/uapi/asm-generic
	@echo nolibc >$(NL_B)/libc
	@touch $@
$(NL_B)/minibpf: $(NL_B)/include/.stamp $(LIB_SRCS) $(CLI_SRCS) $(STATIC_LIBC_SRCS) nolibc/compat.c nolibc/compat.h $(HDRS) Makefile
	$(Q)$(MAKE) --no-print-directory -s B=$(NL_B)/obj ARCH= LIBC= HDRS="$(HDRS) nolibc/compat.h" CC="$(NL_CC)" AR=$(NL_TRIPLE)-gcc-ar \
		CFLAGS="$(call static_cflags,$(NL_A))" $(NL_B)/obj/libminibpf.a $(NL_OBJS)
	$(Q)$(NL_CC) $(ALL_CFLAGS) $(call static_cflags,$(NL_A)) -DMB_NOLIBC_START -c nolibc/compat.c -o $(NL_B)/obj/compat.o
	$(if $(Q),@echo "  LD      $(NL_B)/obj/minibpf")
	$(Q)$(NL_CC) $(call static_cflags,$(NL_A)) $(STATIC_LDFLAGS) -nostdlib -o $(NL_B)/obj/minibpf \
		$(NL_OBJS) $(NL_B)/obj/compat.o $(NL_B)/obj/libminibpf.a -lgcc
	$(Q)$(NL_TRIPLE)-strip -s -R .comment -o $@ $(NL_B)/obj/minibpf
	@echo "  STATIC  $@ ($(NL_A), nolibc, $$(stat -c %s $@) bytes)"
else ifneq ($(ARCH),)
# armhf-compat (test-qemu: 32-bit userspace on the arm64 kernel) is the armhf build.
A := $(patsubst %-compat,%,$(ARCH))
ifeq ($(TRIPLE_$(A)),)
$(error ARCH=$(A): one of $(STATIC_ARCHS))
endif
.PHONY: guest-tests
A_TRIPLE := $(TRIPLE_$(A))
A_B      := build/static-$(A)$(CONFIG_SUFFIX)
A_SPECS  := $(wildcard /usr/lib/$(MUSLT_$(A))/musl-gcc.specs)
# The arch's UAPI headers: the cross linux-libc-dev, or the host's own.
A_XINC   := $(wildcard /usr/$(A_TRIPLE)/include/asm)
A_UAPI   := $(if $(A_XINC),/usr/$(A_TRIPLE)/include/,/usr/include/)
A_ASM    := $(if $(A_XINC),$(A_XINC),/usr/include/$(A_TRIPLE)/asm)
A_LIBC   := $(if $(A_SPECS),musl,glibc)
static: $(A_B)/minibpf
$(A_B)/uapi/.stamp:
	@command -v $(A_TRIPLE)-gcc >/dev/null || { echo "make static ARCH=$(A): no $(A_TRIPLE)-gcc (scripts/setup.sh installs it)" >&2; exit 1; }
	@mkdir -p $(A_B)/uapi
	ln -sfn $(A_UAPI)linux $(A_B)/uapi/linux
	ln -sfn $(A_ASM) $(A_B)/uapi/asm
	ln -sfn $(A_UAPI)asm-generic $(A_B)/uapi/asm-generic
	@echo $(A_LIBC) >$(A_B)/libc
	@touch $@
$(A_B)/minibpf: $(A_B)/uapi/.stamp $(LIB_SRCS) $(CLI_SRCS) $(STATIC_LIBC_SRCS) $(HDRS) Makefile
	$(Q)$(MAKE) --no-print-directory B=$(A_B)/obj ARCH= \
		CC="$(A_TRIPLE)-gcc$(if $(A_SPECS), -specs $(A_SPECS))" AR=$(A_TRIPLE)-gcc-ar \
		$(if $(A_SPECS),CLI_EXTRA="$(STATIC_LIBC_SRCS:%.c=$(A_B)/obj/%.o)") \
		CFLAGS="$(call static_cflags,$(A))$(if $(A_SPECS), -idirafter $(abspath $(A_B)/uapi))" \
		LDFLAGS="$(STATIC_LDFLAGS)" $(A_B)/obj/minibpf
	$(if $(A_SPECS),$(call musl_stdio_check,$(A_TRIPLE)-nm,$(A_B)/obj/minibpf))
	$(Q)$(A_TRIPLE)-strip -s -R .comment -o $@ $(A_B)/obj/minibpf
	@echo "  STATIC  $@ ($(A), $(A_LIBC), $$(stat -c %s $@) bytes)"
# The library's tests that need no libelf, built for the guest (make
# test-qemu runs them there): paths point into the guest's /guest. Not
# test_attach and the e2e net tests (they need iproute2's ip netns; busybox's
# ip has none), nor test_extern_limits (it runs clang).
GUEST_TESTS := test_events test_e2e_events test_e2e_trace test_loader test_maps_sys test_syscall
$(A_B)/tests/%: tests/%.c $(wildcard tests/*.h) $(A_B)/minibpf build/kselftest/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $< ($(A))")
	$(Q)$(A_TRIPLE)-gcc$(if $(A_SPECS), -specs $(A_SPECS) -idirafter $(abspath $(A_B)/uapi)) \
		$(WFLAGS) $(INCLUDES) -I$(KSELFTEST) -Os -Wno-unused-parameter -Wno-sign-compare \
		-Wno-misleading-indentation -Wno-empty-body -Wno-pointer-to-int-cast -DMB_BUILD_DIR='"/guest"' -DMB_SRC_DIR='"/guest"' \
		-static -o $@ $< $(A_B)/obj/libminibpf.a
guest-tests: $(GUEST_TESTS:%=$(A_B)/tests/%)
# The benchmark's process timer and raw-syscall floor for the guest (make
# bench-qemu): plain C, static for ARCH.
A_CC = $(A_TRIPLE)-gcc$(if $(A_SPECS), -specs $(A_SPECS) -idirafter $(abspath $(A_B)/uapi))
$(A_B)/bench/%: bench/%.c bench/tape.h $(A_B)/uapi/.stamp
	@mkdir -p $(dir $@)
	$(Q)$(A_CC) -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. -o $@ $< && $(A_TRIPLE)-strip $@
else ifneq ($(CROSS),)
static:
	@echo "make static CROSS=...: use make static ARCH=x86_64|aarch64|armhf|s390x|riscv64|ppc64le" >&2; exit 1
endif

# make tiny [ARCH=...]: the static CLI with only what loads and attaches
# known objects (prog, map, link; no trace decoder, disassembler, JSON,
# typed dumps, CO-RE, probe, inflater, event readers, uprobes, externs, hand
# tools), in
# build/musl-tiny (build/static-ARCH-tiny).
TINY_OPTS := MB_TRACE=0 MB_DISASM=0 MB_JSON=0 MB_BTF_DUMP=0 MB_CORE=0 MB_FEATURE=0 \
	     MB_CONFIG_GZ=0 MB_EVENTS=0 MB_UPROBE=0 MB_EXTERN=0 MB_EXTRA_CMDS=0 MB_CMDS="prog map link" MB_TAG=tiny
.PHONY: tiny
tiny:
	$(Q)$(MAKE) --no-print-directory static $(TINY_OPTS)

# One row per architecture whose cross compiler is installed (each built if
# needed), then the host binary's modules.
size: static
	@for a in $(STATIC_ARCHS); do \
		$(MAKE) --no-print-directory -s static ARCH=$$a >/dev/null 2>&1 || true; done
	@for a in "" aarch64 armhf; do \
		$(MAKE) --no-print-directory -s tiny $${a:+ARCH=$$a} >/dev/null 2>&1 || true; done
	@for a in x86_64 aarch64 armhf; do \
		$(MAKE) --no-print-directory -s tiny LIBC=nolibc ARCH=$$a >/dev/null 2>&1 || true; done
	@for a in $(NOLIBC_ARCHS); do \
		$(MAKE) --no-print-directory -s static LIBC=nolibc ARCH=$$a >/dev/null 2>&1 || true; done
	@scripts/size.sh $(MUSL_B) $(STATIC_ARCHS)
	@echo
	@scripts/size_modules.sh $(MUSL_B)/obj $(MUSL_B)/obj/minibpf

# ---- BPF programs ---------------------------------------------------------
BPF_CFLAGS := -target bpf -O2 -g -Wall -Werror -I/usr/include/$(MULTIARCH) -Iprogs
# Every fixture is also built big-endian (bpfeb): the reader must see the same
# object in either byte order. (CO-RE fixtures need vmlinux.h: little-endian only.)
PROG_EB_OBJS := $(patsubst progs/%.bpf.c,$(B)/progs/%.bpfeb.o,$(filter-out progs/core_% progs/st_ops_reno% progs/st_ops_dummy%,$(PROG_SRCS)))
progs: $(PROG_OBJS) $(PROG_EB_OBJS)
$(B)/progs/%.bpf.o: progs/%.bpf.c $(wildcard progs/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPF     $<")
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(B)/progs/%.bpfeb.o: progs/%.bpf.c $(wildcard progs/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPFEB   $<")
	$(Q)$(CLANG) $(subst -target bpf,-target bpfeb,$(BPF_CFLAGS)) -c $< -o $@

# ---- tests ----------------------------------------------------------------
KSELFTEST := build/kselftest
$(KSELFTEST)/kselftest_harness.h:
	BUILD=build scripts/setup.sh
TEST_CFLAGS = $(ALL_CFLAGS) -I$(KSELFTEST) -Wno-unused-parameter -Wno-sign-compare -Wno-misleading-indentation -Wno-empty-body -DMB_BUILD_DIR='"$(abspath $(B))"' -DMB_SRC_DIR='"$(abspath .)"'
$(B)/tests/%: tests/%.c $(wildcard tests/*.h) $(B)/libminibpf.a $(KSELFTEST)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $<")
	$(Q)$(CC) $(TEST_CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libminibpf.a -lelf -lz
# test_events again with the readers' 64-bit positions as two 32-bit
# accesses (maps/events.h), as built where the CPU has no 8-byte atomics.
TEST_BINS += $(B)/tests/test_events_pos32
$(B)/tests/test_events_pos32: tests/test_events.c maps/ringbuf.c maps/perfbuf.c $(wildcard tests/*.h) $(B)/libminibpf.a $(KSELFTEST)/kselftest_harness.h
	$(if $(Q),@echo "  TEST    $< (MB_POS64_ATOMIC=0)")
	$(Q)$(CC) $(TEST_CFLAGS) -DMB_POS64_ATOMIC=0 $(LDFLAGS) -o $@ $< maps/ringbuf.c maps/perfbuf.c $(B)/libminibpf.a -lelf -lz

# With musl-gcc (scripts/setup.sh installs it) the static binary is built
# too, and run-tests.sh runs the CLI tests against it as well.
STATIC_CLI := $(if $(shell command -v musl-gcc),$(MUSL_B)/minibpf)
# And a third time against make tiny's binary (what it lacks is a SKIP).
ifeq ($(FEATURE_DEFS)$(ARCH)$(LIBC),)
TINY_CLI   := $(if $(STATIC_CLI),build/musl-tiny/minibpf)
build/musl-tiny/minibpf: $(LIB_SRCS) $(CLI_SRCS) $(STATIC_LIBC_SRCS) $(HDRS) Makefile
	$(Q)$(MAKE) --no-print-directory tiny
# And a fourth against the nolibc build (x86-64 hosts: nolibc/).
NOLIBC_CLI := $(if $(filter x86_64,$(shell uname -m)),build/static-nolibc-x86_64/minibpf)
build/static-nolibc-x86_64/minibpf: $(LIB_SRCS) $(CLI_SRCS) $(STATIC_LIBC_SRCS) nolibc/compat.c nolibc/compat.h $(HDRS) Makefile
	$(Q)$(MAKE) --no-print-directory static LIBC=nolibc ARCH=x86_64
endif
$(B)/tests/test_bump_alloc: cli/bump_alloc.c
$(B)/tests/test_small_printf: cli/small_printf.c
# The layering rule (README "Layout"), run by make test as one more test program.
check-layers: $(LIB_OBJS)
	@scripts/check-layers.sh . $(B)
$(B)/tests/test_layers: scripts/check-layers.sh $(LIB_OBJS)
	@mkdir -p $(dir $@)
	@printf '#!/bin/sh\nexec sh %s %s %s\n' "$(abspath scripts/check-layers.sh)" "$(abspath .)" "$(abspath $(B))" >$@
	@chmod +x $@
tests: $(TEST_BINS) $(B)/tests/test_layers $(PROG_OBJS) $(PROG_EB_OBJS) $(B)/minibpf $(STATIC_CLI) $(TINY_CLI) $(NOLIBC_CLI) examples
test: tests
	@STATIC=$(STATIC_CLI) TINY=$(TINY_CLI) NOLIBC=$(NOLIBC_CLI) scripts/run-tests.sh $(B)

# ---- examples: applications with their BPF object embedded (a skeleton) --
# Static for this host (musl when musl-gcc is there) and for aarch64 (static
# glibc, when aarch64-linux-gnu-gcc is there). The skeleton is made by the
# host's minibpf; the BPF object is the same for both.
EX_B      := $(B)/examples
EX_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Os -Iinclude -I$(EX_B)
EX_AARCH64 := $(if $(shell command -v aarch64-linux-gnu-gcc),$(EX_B)/aarch64/countsys)
examples: $(EX_B)/countsys $(EX_AARCH64)
$(EX_B)/countsys.bpf.o: examples/countsys/countsys.bpf.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPF     $<")
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(EX_B)/%.skel.h: $(EX_B)/%.bpf.o $(B)/minibpf
	$(if $(Q),@echo "  GEN     $@")
	$(Q)$(B)/minibpf gen skeleton $< > $@.tmp && mv $@.tmp $@
ifneq ($(shell command -v musl-gcc),)
$(EX_B)/countsys: examples/countsys/countsys.c $(EX_B)/countsys.skel.h $(MUSL_B)/minibpf
	$(if $(Q),@echo "  STATIC  $@")
	$(Q)musl-gcc -static $(EX_CFLAGS) -idirafter $(abspath $(MUSL_INC)) -o $@ $< $(MUSL_B)/obj/libminibpf.a
else
$(EX_B)/countsys: examples/countsys/countsys.c $(EX_B)/countsys.skel.h $(B)/libminibpf.a
	$(if $(Q),@echo "  STATIC  $@")
	$(Q)$(CC) -static $(EX_CFLAGS) -o $@ $< $(B)/libminibpf.a
endif
$(EX_B)/aarch64/countsys: examples/countsys/countsys.c $(EX_B)/countsys.skel.h $(LIB_SRCS) $(HDRS)
	$(Q)$(MAKE) --no-print-directory CROSS=aarch64-linux-gnu- build/aarch64-linux-gnu/libminibpf.a
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  STATIC  $@ (aarch64)")
	$(Q)aarch64-linux-gnu-gcc -static $(EX_CFLAGS) -o $@ $< build/aarch64-linux-gnu/libminibpf.a

# ---- guest kernels: make test-qemu ARCH=aarch64|armhf|s390x|x86_64|ppc64le|mipsel
# A Debian 6.1 kernel of ARCH under qemu-system (TCG), a busybox initramfs with
# build/static-ARCH/minibpf (and make tiny's build/static-ARCH-tiny), the objects of the guest's byte order and
# scripts/qemu/guest.sh; kernels are cached in build/qemu (scripts/qemu/run.sh).
.PHONY: test-qemu
test-qemu: progs $(if $(filter aarch64 x86_64,$(ARCH)),examples)
	@[ -n "$(ARCH)" ] || { echo "make test-qemu ARCH=aarch64|armhf|s390x|x86_64|ppc64le|mipsel" >&2; exit 2; }
	$(Q)$(MAKE) --no-print-directory static $(if $(QEMU_NL),,guest-tests) ARCH=$(patsubst %-compat,%,$(ARCH))
	$(if $(QEMU_NL),,$(Q)$(MAKE) --no-print-directory tiny ARCH=$(patsubst %-compat,%,$(ARCH)))
	@GUEST_TESTS="$(if $(QEMU_NL),,$(GUEST_TESTS))" scripts/qemu/run.sh $(ARCH) build/static-$(QEMU_NL)$(patsubst %-compat,%,$(ARCH))/minibpf $(B)/progs build
# LIBC=nolibc: the guest suite with the nolibc CLI (the library's guest tests are the ARCH build's)
QEMU_NL = $(if $(filter nolibc,$(LIBC)),nolibc-)

# make bench-qemu ARCH=aarch64: the seed example's load time inside the
# guest, minibpf against the guest's own raw-syscall floor replaying the
# bpf() calls minibpf makes for it (recorded on this host by bench/tape_rec.c:
# the same object, the same attrs); part of make bench (bench/run.sh).
.PHONY: bench-qemu
bench-qemu: progs $(B)/bench/minibpf-rec
	@case "$(ARCH)" in aarch64|armhf|armhf-compat|x86_64) ;; *) echo "make bench-qemu ARCH=aarch64|armhf|x86_64 (the tape is recorded on this little-endian host)" >&2; exit 2 ;; esac
	$(Q)$(MAKE) --no-print-directory static ARCH=$(A) build/static-$(A)/bench/harness build/static-$(A)/bench/floor
	@mkdir -p $(B)/bench/tape && pin=/sys/fs/bpf/mbqbench_$$$$ && \
		MB_TAPE=$(B)/bench/tape/guest-hello.tape $(B)/bench/minibpf-rec prog loadall \
		$(B)/progs/hello.bpf.o $$pin; rc=$$?; rm -rf $$pin; exit $$rc
	@GUEST_INIT=scripts/qemu/bench.sh GUEST_FILES="build/static-$(A)/bench/harness build/static-$(A)/bench/floor $(B)/bench/tape/guest-hello.tape" \
		scripts/qemu/run.sh $(ARCH) build/static-$(A)/minibpf $(B)/progs build

# ---- cross builds (compile only) -----------------------------------------
cross: options
	$(MAKE) CROSS=aarch64-linux-gnu- all
	$(MAKE) CROSS=arm-linux-gnueabihf- all
	$(MAKE) CROSS=s390x-linux-gnu- all
	$(MAKE) static LIBC=nolibc ARCH=riscv64
	$(MAKE) static LIBC=nolibc ARCH=mipsel

# make options: the build options compile and link in every shape that
# matters: each option off alone, each object left out alone, all options
# off, and make tiny's set (-O0, no -g: a compile check, in build/opts/).
.PHONY: options
options:
	$(Q)set -e; run() { d=build/opts/$$1; shift; echo "  OPTIONS $$*"; \
		$(MAKE) --no-print-directory -s B=$$d CFLAGS=-O0 "$$@" $$d/minibpf $$d/libminibpf.a >/dev/null; }; \
	for o in $(MB_OPTS); do run no$$o MB_$$o=0; done; \
	for c in $(filter-out prog,$(MB_ALL_CMDS)); do \
		run no-$$c MB_CMDS="$$(echo ' $(MB_ALL_CMDS) ' | sed "s/ $$c / /")"; done; \
	run alloff $(MB_OPTS:%=MB_%=0); \
	run tiny $(TINY_OPTS)

# make test-options: the CLI tests against each of those builds. What a build
# lacks is a SKIP (test_cli asks `version`), so a test that needs an option or
# an object without saying so fails here. About 1.5 minutes after the builds.
OPT_DIRS := $(MB_OPTS:%=build/opts/no%) $(filter-out %/no-prog,$(MB_ALL_CMDS:%=build/opts/no-%)) build/opts/alloff build/opts/tiny
.PHONY: test-options
test-options: options $(B)/tests/test_cli $(PROG_OBJS) $(PROG_EB_OBJS)
	$(Q)bad=0; for d in $(OPT_DIRS); do \
		r=$$(MINIBPF=$(abspath .)/$$d/minibpf $(B)/tests/test_cli 2>&1 | grep -E '^not ok|^# Totals' | tr '\n' ' '); \
		echo "  $${d#build/opts/}: $$r"; case "$$r" in *"fail:0 "*) ;; *) bad=1 ;; esac; done; \
	[ $$bad = 0 ] || { echo "test-options: a test fails against a build without an option or object" >&2; exit 1; }

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include
	install -m 755 $(B)/minibpf $(DESTDIR)$(PREFIX)/bin/minibpf
	install -m 644 $(B)/libminibpf.a $(DESTDIR)$(PREFIX)/lib/libminibpf.a
	install -m 644 include/minibpf.h $(DESTDIR)$(PREFIX)/include/minibpf.h
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig
	printf 'prefix=%s\nlibdir=$${prefix}/lib\nincludedir=$${prefix}/include\n\nName: minibpf\nDescription: a small eBPF loader without libbpf\nVersion: %s\nCflags: -I$${includedir}\nLibs: -L$${libdir} -lminibpf\n' '$(PREFIX)' '$(VERSION)' >$(DESTDIR)$(PREFIX)/lib/pkgconfig/minibpf.pc
	install -d $(DESTDIR)$(PREFIX)/share/man/man8 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 docs/minibpf.8 $(DESTDIR)$(PREFIX)/share/man/man8/minibpf.8
	install -m 644 scripts/bash-completion/minibpf $(DESTDIR)$(PREFIX)/share/bash-completion/completions/minibpf

clean:
	rm -rf build build-*

help:
	@echo 'Targets: all static tiny progs test test-options size cross options examples install clean'
	@echo '         bench bench-events fuzz fuzz-all corpus docs; static/tiny/size/test-qemu take ARCH=$(subst $(sp),|,$(STATIC_ARCHS))'
	@echo 'Variables: CC= CROSS=aarch64-linux-gnu- SAN=1 V=1 B=DIR PREFIX= DESTDIR='
	@echo 'Build options (README "Build options"; 1 = built in, the default):'
	@echo '  MB_TRACE=0      no --trace decoder          MB_DISASM=0     no disassembler (raw fields)'
	@echo '  MB_JSON=0       no -j/-p output             MB_BTF_DUMP=0   no typed dumps, no btf dump format c'
	@echo '  MB_CORE=0       no CO-RE, no kernel BTF     MB_FEATURE=0    no feature probe'
	@echo '  MB_CONFIG_GZ=0  no gzip (/proc/config.gz)   MB_NET=0        no netlink (XDP/tc by bpf_link only)'
	@echo '  MB_EVENTS=0     no map event_pipe           MB_EXTERN=0     no .kconfig/.ksyms externs, kfuncs'
	@echo '  MB_UPROBE=0     no uprobe attach            MB_EXTRA_CMDS=0 no prog dump|run|attach|detach,'
	@echo '                                                              map create|freeze|getnext|push|pop|peek'
	@echo '  MB_CMDS="$(MB_ALL_CMDS)"'
	@echo '  make tiny = $(TINY_OPTS)'

# Sub-makefiles of the fuzzers (make fuzz T=elf SECONDS=60), the benchmark
# (make bench) and generated BPF headers (vmlinux.h for CO-RE fixtures).
-include fuzz/fuzz.mk bench/bench.mk progs/progs.mk docs/docs.mk tests/kverifier.mk tests/kselftest_progs.mk scripts/corpus.mk
