# The kernel's verifier tests as cases for minibpf check (tests/kverifier_check.c):
# tools/testing/selftests/bpf/verifier/*.c and test_verifier.c (its table and
# fill helpers) are extracted from Debian's linux-source-6.1 at build time,
# never committed. That file is the kernel's, so this one program is compiled
# without -Werror (-w); it links libbpf (libbpf-dev) as test_verifier does.
KV_TAR := /usr/src/linux-source-6.1.tar.xz
KV_DIR := build/kselftest/src
KV_BPF := $(KV_DIR)/tools/testing/selftests/bpf
$(KV_BPF)/verifier/tests.h:
	@mkdir -p $(KV_DIR)
	tar -xJf $(KV_TAR) -C $(KV_DIR) --strip-components=1 --wildcards \
		'linux-source-6.1/tools/testing/selftests/bpf/*.h' \
		'linux-source-6.1/tools/testing/selftests/bpf/test_verifier.c' \
		'linux-source-6.1/tools/testing/selftests/bpf/cap_helpers.c' \
		'linux-source-6.1/tools/testing/selftests/bpf/verifier/*.c' \
		'linux-source-6.1/tools/include/linux/filter.h'
	(echo '#ifdef FILL_ARRAY'; cd $(KV_BPF)/verifier && ls *.c | sed 's/.*/#include "&"/'; \
	 echo '#endif') > $@.tmp && mv $@.tmp $@
$(B)/tests/test_check_kverifier: tests/kverifier_check.c check/check.h $(KV_BPF)/verifier/tests.h \
		$(B)/libminibpf.a $(KSELFTEST)/kselftest_harness.h
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  TEST    $<")
	$(Q)$(CC) -std=gnu11 -w $(INCLUDES) -I$(KV_BPF) -I$(KSELFTEST) $(CFLAGS) $(LDFLAGS) -o $@ \
		$< $(KV_BPF)/cap_helpers.c $(B)/libminibpf.a -lbpf -lelf -lz
tests: $(B)/tests/test_check_kverifier
