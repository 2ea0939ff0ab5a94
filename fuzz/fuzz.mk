# libFuzzer targets (clang, -fsanitize=fuzzer,address,undefined).
#   make fuzz T=elf SECONDS=60     run one target (elf btf btf_ext open core inflate check events)
#   make fuzz-all SECONDS=20       run each in turn (CI)
#   make fuzz-build                build them all
# The library is rebuilt with the sanitizers into $(B)/fuzz/obj. Corpora grow
# in $(B)/fuzz/corpus/T; crashes land in $(B)/fuzz/crash-T-* (and fail make).
FUZZ_B       := $(B)/fuzz
FUZZ_CC      ?= clang
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(WFLAGS) $(INCLUDES) -O1 -g $(FUZZ_SAN) -DMB_VERSION='"fuzz"'
FUZZ_TARGETS := elf btf btf_ext open core inflate check events
FUZZ_OBJS    := $(LIB_SRCS:%.c=$(FUZZ_B)/obj/%.o)
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_B)/fuzz_%)
T            ?= elf
SECONDS      ?= 60
FUZZ_MAXLEN  ?= 65536

.PHONY: fuzz fuzz-all fuzz-build fuzz-seeds
$(FUZZ_B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(FUZZ_B)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.h $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(FUZZ_LIBS)

# zlib is the oracle of the inflate target (zlib1g-dev; never in minibpf itself)
$(FUZZ_B)/fuzz_inflate: FUZZ_LIBS := -lz

fuzz-build: $(FUZZ_BINS)
.SECONDARY: $(FUZZ_OBJS)

$(FUZZ_B)/seeds/.stamp: fuzz/seeds.sh $(PROG_OBJS)
	$(Q)fuzz/seeds.sh $(B) $(FUZZ_B)/seeds
	@touch $@
fuzz-seeds: $(FUZZ_B)/seeds/.stamp

fuzz: $(FUZZ_B)/fuzz_$(T) $(FUZZ_B)/seeds/.stamp
	@mkdir -p $(FUZZ_B)/corpus/$(T)
	$(FUZZ_B)/fuzz_$(T) -max_total_time=$(SECONDS) -max_len=$(FUZZ_MAXLEN) -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_B)/crash-$(T)- \
		$(FUZZ_B)/corpus/$(T) $(FUZZ_B)/seeds/$(T)

fuzz-all: $(FUZZ_BINS) $(FUZZ_B)/seeds/.stamp
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz T=$$t SECONDS=$(SECONDS); done
