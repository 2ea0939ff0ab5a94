# make corpus: load the kernel's BPF selftests (linux-source-6.1) with bpftool
# and with minibpf and compare them object by object (scripts/corpus.sh; needs
# root and the kernel, installs clang-19 when missing; not part of make test
# or CI). CORPUS_ONLY='test_*' picks objects, CORPUS_JOBS=N compiles.
.PHONY: corpus
$(B)/corpus-settle: scripts/corpus-settle.c
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(WFLAGS) -O2 -o $@ $<
corpus: $(B)/minibpf $(B)/corpus-settle
	@sh scripts/corpus.sh $(B)
