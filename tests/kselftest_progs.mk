# The kernel's own struct_ops selftests (bpf_dctcp.c, bpf_cubic.c: TCP
# congestion controls written against bpf_tcp_helpers.h, which declares its
# own, shorter struct tcp_congestion_ops) compiled from Debian's
# linux-source-6.1 at build time, never committed; test_e2e_struct_ops
# registers them. -D__x86_64__: bpf_dctcp.c includes <errno.h>, which glibc
# refuses for an unknown target.
KS_PROGS := $(KV_DIR)/tools/testing/selftests/bpf/progs
KS_OBJS := $(B)/kselftest-progs/bpf_dctcp.o $(B)/kselftest-progs/bpf_cubic.o
$(KS_PROGS)/bpf_dctcp.c:
	@mkdir -p $(KV_DIR)
	tar -xJf $(KV_TAR) -C $(KV_DIR) --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/bpf/bpf_tcp_helpers.h \
		linux-source-6.1/tools/testing/selftests/bpf/progs/bpf_dctcp.c \
		linux-source-6.1/tools/testing/selftests/bpf/progs/bpf_cubic.c
$(KS_PROGS)/bpf_cubic.c: $(KS_PROGS)/bpf_dctcp.c
$(B)/kselftest-progs/%.o: $(KS_PROGS)/%.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPF     $<")
	$(Q)$(CLANG) -target bpf -D__$(shell uname -m | tr - _)__ -O2 -g -w \
		-I/usr/include/$(MULTIARCH) -I$(KS_PROGS)/.. -c $< -o $@
tests: $(KS_OBJS)
