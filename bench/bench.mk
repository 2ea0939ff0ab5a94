# make bench: minibpf against bpftool, libbpf (dynamic and musl-static) and a
# raw-syscall floor; see bench/run.sh. Everything is built in $(B)/bench.
BENCH_B    := $(B)/bench
BENCH_INC  := $(BENCH_B)/inc
BENCH_MUSL := musl-gcc -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I. \
	      -idirafter $(abspath $(BENCH_INC))
BENCH_LIBS := /usr/lib/$(MULTIARCH)
BENCH_SRCS := $(wildcard bench/objs/*.bpf.c)
BENCH_GEN  := progs1 progs8 progs64 progs256 large
BENCH_OBJS := $(BENCH_SRCS:bench/objs/%.bpf.c=$(BENCH_B)/obj/%.bpf.o) \
	      $(BENCH_GEN:%=$(BENCH_B)/obj/%.bpf.o)
BENCH_TOOLS := $(BENCH_B)/harness $(BENCH_B)/floor $(BENCH_B)/minibpf-rec \
	      $(BENCH_B)/libbpf_load $(BENCH_B)/libbpf_load_static $(BENCH_B)/musl/minibpf \
	      $(BENCH_B)/events $(BENCH_B)/events_libbpf

.PHONY: bench bench-build bench-events
bench: bench-build
	@bench/run.sh $(B)
# only the ring/perf buffer readers against libbpf's (bench/events.sh)
bench-events: $(BENCH_B)/events $(BENCH_B)/events_libbpf $(BENCH_B)/obj/evprod.bpf.o
	@bench/events.sh $(B)
bench-build: $(B)/minibpf $(B)/progs/hello.bpf.o $(BENCH_TOOLS) $(BENCH_OBJS)

# musl sees no /usr/include: give it the UAPI and libbpf headers only.
$(BENCH_INC)/.stamp:
	@mkdir -p $(BENCH_INC)
	ln -sfn /usr/include/linux $(BENCH_INC)/linux
	ln -sfn /usr/include/$(MULTIARCH)/asm $(BENCH_INC)/asm
	ln -sfn /usr/include/asm-generic $(BENCH_INC)/asm-generic
	ln -sfn /usr/include/bpf $(BENCH_INC)/bpf
	@touch $@

$(BENCH_B)/harness: bench/harness.c $(BENCH_INC)/.stamp
	$(Q)$(BENCH_MUSL) -o $@ $< && $(STRIP) $@
$(BENCH_B)/floor: bench/floor.c bench/tape.h $(BENCH_INC)/.stamp
	$(Q)$(BENCH_MUSL) -o $@ $< && $(STRIP) $@

# The recorder: the minibpf CLI with syscall() replaced by tape_rec.c.
$(BENCH_B)/tape_rec.o: bench/tape_rec.c bench/tape.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@
$(BENCH_B)/minibpf-rec: $(BENCH_B)/tape_rec.o $(CLI_OBJS) $(B)/libminibpf.a
	$(Q)$(CC) $(CFLAGS) -o $@ $^ -ldl

$(BENCH_B)/libbpf_load: bench/libbpf_load.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -Wall -Wextra -Werror -o $@ $< -lbpf && $(STRIP) $@
# Debian's libbpf.a/libelf.a/libz.a are glibc-built with fortify: the
# __*_chk shims let musl link them.
$(BENCH_B)/libbpf_load_static: bench/libbpf_load.c bench/chk_shims.c $(BENCH_INC)/.stamp
	$(Q)$(BENCH_MUSL) -o $@ bench/libbpf_load.c bench/chk_shims.c \
		$(BENCH_LIBS)/libbpf.a $(BENCH_LIBS)/libelf.a $(BENCH_LIBS)/libz.a && $(STRIP) $@

# The event consumers (bench/events.c): minibpf's reader and libbpf's.
$(BENCH_B)/events: bench/events.c $(B)/libminibpf.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libminibpf.a -lpthread
$(BENCH_B)/events_libbpf: bench/events.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -DPEER_LIBBPF -o $@ $< -lbpf -lpthread

# The binary `make static` ships (musl, LTO, its own allocator), as it is.
$(BENCH_B)/musl/minibpf: $(MUSL_B)/minibpf
	@mkdir -p $(dir $@)
	$(Q)cp $< $@

$(BENCH_B)/src/.stamp: bench/gen.sh
	$(Q)bench/gen.sh $(BENCH_B)/src && touch $@
$(BENCH_GEN:%=$(BENCH_B)/src/%.bpf.c): $(BENCH_B)/src/.stamp
$(BENCH_B)/obj/%.bpf.o: bench/objs/%.bpf.c
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
$(BENCH_B)/obj/%.bpf.o: $(BENCH_B)/src/%.bpf.c
	@mkdir -p $(dir $@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
