# CO-RE fixtures (progs/core_*.bpf.c) include a vmlinux.h generated from this
# machine's kernel BTF; only they see it. VMLINUX_BTF= picks another BTF file.
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
# The struct_ops fixtures that implement a kernel struct (st_ops_reno*) too.
CORE_PROG_OBJS := $(patsubst progs/%.bpf.c,$(B)/progs/%.bpf.o,$(wildcard progs/core_*.bpf.c progs/st_ops_reno*.bpf.c progs/st_ops_dummy.bpf.c))

$(B)/vmlinux.h:
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)bpftool btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(CORE_PROG_OBJS): $(B)/vmlinux.h
$(CORE_PROG_OBJS): BPF_CFLAGS += -I$(abspath $(B))
