#!/bin/busybox sh
# shellcheck shell=dash
# /init of the make test-qemu guest (POSIX sh, busybox): mount what the
# tools need, run minibpf against this kernel, print the summary line
# `N passed, N failed, N skipped` and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug
ip link set lo up
ARCH=$(cat /arch)
grep -q mb.trace /proc/cmdline && set -x
T=/sys/kernel/tracing
M=minibpf
O=/objs
# Commands the syscall tracepoints must see: on armhf (compat tasks, whose
# syscalls do not reach syscall tracepoints) a 64-bit busybox runs them.
# The (64-bit) shell makes the execve itself (exec): `$X sh -c "exec $X ..." &`
# leaves the pid of the execve in $!.
X=/bin/busybox; [ -x /bin/busybox64 ] && X=/bin/busybox64
run64() { $X sh -c "exec $X $*"; }
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; [ -f /tmp/out ] && sed 's/^/    /' /tmp/out | head -20; }
skp() { skip=$((skip + 1)); echo "SKIP $1: $2"; }
# check NAME CMD...: CMD's status, output in /tmp/out
check() { n=$1; shift; if "$@" >/tmp/out 2>&1; then ok "$n"; else bad "$n"; fi; }
has() { grep -q -- "$1" /tmp/out; }
clean() { rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm; mkdir -p /sys/fs/bpf/t; }
nprogs() { $M prog show 2>/dev/null | grep -c '^[0-9]*:'; }
# settle COUNT: the kernel frees programs asynchronously
settle() { i=0; while [ "$(nprogs)" != "$1" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; [ "$(nprogs)" = "$1" ]; }
le=1; [ "$ARCH" = s390x ] && le=0
jit=$(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo 0)
echo "guest: $(uname -m) $(uname -r), $ARCH userspace, jit $jit, btf $([ -e /sys/kernel/btf/vmlinux ] && echo yes || echo no), pages $(sed -n "s/^KernelPageSize: *//p" /proc/self/smaps | head -1)"
base=$(nprogs)

# 1. An object of the other byte order: refused before any syscall, by name.
$M --trace prog load $O/foreign.o /sys/fs/bpf/foreign >/tmp/out 2>&1; st=$?
if [ $le = 1 ]; then want="is big-endian but this host is little-endian"; else want="is little-endian but this host is big-endian"; fi
if [ $st != 0 ] && has "$want" && ! has "bpf(" && [ ! -e /sys/fs/bpf/foreign ]; then ok "foreign byte order refused before any bpf()"; else bad "foreign byte order refused"; fi
check "obj dump of the foreign object" $M obj dump $O/foreign.o
has "prog bpf_prog" || bad "obj dump shows the program"

# 2. The seed example: load, autoattach, its line in the trace buffer, rm detaches.
clean; echo >$T/trace
check "seed: prog load hello autoattach" $M prog load $O/hello.o /sys/fs/bpf/t/hello autoattach
run64 true; run64 true
if grep -q "Hello, World!" $T/trace; then ok "seed: 'Hello, World!' in the trace buffer"; else bad "seed: no line in the trace buffer"; fi
$M prog show >/tmp/out 2>&1
if has "tracepoint  name bpf_prog"; then ok "prog show lists the seed program"; else bad "prog show"; fi
$M link show >/tmp/out 2>&1
# 6.1 reports no perf_event link details (6.6 does): the type from the program.
if has "event_type 'tracepoint'"; then ok "link show: perf_event link of a tracepoint"; else bad "link show of the seed link"; fi
rm /sys/fs/bpf/t/hello
if settle "$base"; then ok "seed: rm detaches and unloads"; else bad "seed: program left after rm"; fi

# 2b. make tiny's binary of this architecture, when it is there: the seed
# example the same way, and a refusal of what it lacks.
if [ -x /bin/minibpf-tiny ]; then
	MT=/bin/minibpf-tiny
	clean; echo >$T/trace
	$MT version >/tmp/out 2>&1
	if has "objects: prog map link$" && ! has "trace"; then ok "tiny: version lists prog map link, no trace"; else bad "tiny: version"; fi
	check "tiny: seed prog load hello autoattach" $MT prog load $O/hello.o /sys/fs/bpf/t/hello autoattach
	run64 true; run64 true
	if grep -q "Hello, World!" $T/trace; then ok "tiny: 'Hello, World!' in the trace buffer"; else bad "tiny: no line in the trace buffer"; fi
	$MT link show >/tmp/out 2>&1
	if has "perf_event"; then ok "tiny: link show"; else bad "tiny: link show"; fi
	rm /sys/fs/bpf/t/hello
	if settle "$base"; then ok "tiny: rm detaches and unloads"; else bad "tiny: program left after rm"; fi
	$MT --trace prog show >/tmp/out 2>&1 && bad "tiny: --trace accepted" || { has "MB_TRACE=0" && ok "tiny: --trace refused, naming MB_TRACE=0" || bad "tiny: --trace refusal"; }
else
	skp "tiny" "no make tiny binary for $ARCH"
fi

# 3. --trace: every syscall decoded, with the names the ELF gave.
clean
$M --trace prog load $O/hello.o /sys/fs/bpf/t/hello >/tmp/out 2>&1
if has "bpf(BPF_PROG_LOAD, prog_type=TRACEPOINT" && has 'map_name=".rodata.str1.1"' && has "BPF_OBJ_PIN"; then ok "--trace decodes the load"; else bad "--trace"; fi
rm -f /sys/fs/bpf/t/hello

# 4. kprobe and kretprobe: attach, counts that grow; global data as the program sees it.
clean
check "kprobe+kretprobe: loadall autoattach" $M prog loadall $O/guest_probe.o /sys/fs/bpf/t autoattach pinmaps /sys/fs/bpf/tm
cat /proc/version >/dev/null; cat /arch >/dev/null
$M map dump pinned /sys/fs/bpf/tm/probe_hits >/tmp/out1 2>&1
cat /proc/version >/dev/null
$M map dump pinned /sys/fs/bpf/tm/probe_hits >/tmp/out 2>&1
k0a=$(sed -n 's/^key: 0  value: //p' /tmp/out1) k0b=$(sed -n 's/^key: 0  value: //p' /tmp/out)
k1a=$(sed -n 's/^key: 1  value: //p' /tmp/out1) k1b=$(sed -n 's/^key: 1  value: //p' /tmp/out)
if [ "${k0a:-0}" -gt 0 ] && [ "${k0b:-0}" -gt "$k0a" ]; then ok "kprobe do_sys_openat2 counts ($k0a -> $k0b)"; else bad "kprobe counts ($k0a -> $k0b)"; fi
if [ "${k1a:-0}" -gt 0 ] && [ "${k1b:-0}" -gt "$k1a" ]; then ok "kretprobe do_sys_openat2 counts ($k1a -> $k1b)"; else bad "kretprobe counts ($k1a -> $k1b)"; fi
if has "key: 2  value: 72623859790382856" && has "key: 3  value: 16909060"; then ok "map dump: .data u64 and .rodata u32 as the program read them"; else bad "global data values in map dump"; fi
$M link show >/tmp/out 2>&1
if [ "$(grep -c "event_type 'kprobe|uprobe'" /tmp/out)" = 2 ]; then ok "link show: two kprobe links"; else bad "link show of the kprobe links"; fi
rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm
settle "$base" || bad "kprobe programs left after rm"

# 5. Ring buffer (execsnoop) and perf buffer: events with the right fields.
# events OBJ WHAT: load OBJ with its events map, exec a command, read it back.
events() {
	clean
	if ! $M prog load $O/$1.o /sys/fs/bpf/t/p autoattach pinmaps /sys/fs/bpf/tm >/tmp/out 2>&1; then bad "$2: load"; return; fi
	$M -j map event_pipe pinned /sys/fs/bpf/tm/events --type event --obj $O/$1.o >/tmp/ev 2>/tmp/everr &
	ep=$!
	sleep 1
	$X sh -c "exec $X sleep 0" & cp=$!; wait $cp
	$X sh -c "exec $X sleep 0" & cp2=$!; wait $cp2
	sleep 1
	kill -INT $ep; wait $ep
	cp /tmp/ev /tmp/out; cat /tmp/everr >>/tmp/out
	if grep "\"pid\":$cp," /tmp/ev | grep -q "\"filename\":\"$X\"" && grep -q "\"pid\":$cp2," /tmp/ev &&
	   grep "\"pid\":$cp," /tmp/ev | grep -q '"uid":0,'; then
		ok "$2: exec events with pid, uid, filename ($(grep -c pid /tmp/ev) records)"
	else bad "$2: events of pids $cp $cp2"; fi
	grep -q "records, 0 lost" /tmp/everr || bad "$2: record count on Ctrl-C"
	rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm
}
events execsnoop "ring buffer"
events e2e_perfbuf "perf buffer"

# 6. bpf_loop callbacks: the interpreter (no JIT) refuses them.
clean
$M prog loadall $O/loader_counts.o /sys/fs/bpf/t >/tmp/out 2>&1; st=$?
if [ "$jit" = 0 ] || [ ! -e /proc/sys/net/core/bpf_jit_enable ]; then
	if [ $st != 0 ] && has "callbacks are not allowed in non-JITed programs"; then
		skp "bpf_loop callbacks (loader_counts)" "this kernel has no BPF JIT: 'callbacks are not allowed in non-JITed programs'"
	else bad "bpf_loop without JIT: the kernel's reason expected"; fi
elif [ $st = 0 ]; then ok "bpf_loop callbacks load (loader_counts, JIT)"; else bad "loader_counts"; fi
rm -rf /sys/fs/bpf/t; settle "$base" || bad "programs left after loader_counts"

# 7. A failed load leaves nothing behind; a pin outside bpffs is named.
clean
$M prog load $O/hello.o /tmp/x >/tmp/out 2>&1
if has "not on a bpf filesystem" && settle "$base"; then ok "pin outside bpffs: 'not on a bpf filesystem', nothing left"; else bad "pin outside bpffs"; fi
$M prog loadall $O/loader_bad.o /sys/fs/bpf/t >/tmp/out 2>&1 && bad "loader_bad loads"
if [ -z "$(ls /sys/fs/bpf/t)" ] && settle "$base"; then ok "failed load leaves no pin and no program"; else bad "failed load left something"; fi

# 8. XDP on a veth pair: UDP datagrams from one end dropped at the other.
# (busybox's ip makes the pair v0 / veth0: it ignores "peer name".)
[ -d /sys/module/veth ] || insmod /mod/veth.ko 2>/dev/null
if ! ip link add v0 type veth 2>/tmp/out; then
	skp "XDP on veth" "no veth in this kernel: $(cat /tmp/out)"
else
	clean
	ip link set v0 up; ip link set veth0 up; ip addr add 10.9.0.1/24 dev v0
	arp -i v0 -s 10.9.0.2 "$(cat /sys/class/net/veth0/address)"
	check "XDP: prog load guest_xdp" $M prog load $O/guest_xdp.o /sys/fs/bpf/t/xdp pinmaps /sys/fs/bpf/tm
	check "XDP: net attach xdp dev veth0" $M net attach xdp pinned /sys/fs/bpf/t/xdp dev veth0
	rx0=$(cat /sys/class/net/veth0/statistics/rx_packets)
	timeout 3 nslookup -timeout=1 x 10.9.0.2 >/dev/null 2>&1	# UDP to 10.9.0.2:53 out of v0
	$M map dump pinned /sys/fs/bpf/tm/udp_drops >/tmp/out 2>&1
	n=$(sed -n 's/^key: 0  value: //p' /tmp/out)
	$M net show dev veth0 >>/tmp/out 2>&1
	if [ "${n:-0}" -gt 0 ] && has "xdp"; then ok "XDP dropped $n UDP datagrams on veth0 (net show lists it)"; else bad "XDP drops on veth0 ($n, rx before $rx0)"; fi
	check "XDP: net detach" $M net detach xdp dev veth0
	ip link del v0
	rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm
fi

# 9. Debian's IR protocol decoders (lirc_mode2, legacy maps section
# 'lirc_mode2/maps', little-endian): they load where the kernel has
# CONFIG_BPF_LIRC_MODE2, are refused by byte order on a big-endian guest.
# Debian's kernels build RC_CORE as a module, so BPF_LIRC_MODE2 (which needs
# RC_CORE=y) is off: the kernel refuses the program type itself with EINVAL
# at BPF_PROG_LOAD, after minibpf has made the maps (all removed again).
lirc=0; grep -q '^CONFIG_BPF_LIRC_MODE2=y' /config && lirc=1
nir=0 irok=0
for f in /ir/*.o; do
	[ -e "$f" ] || continue
	nir=$((nir + 1)); clean
	$M prog loadall "$f" /sys/fs/bpf/t >/tmp/out 2>&1; st=$?
	if [ $le = 0 ]; then
		[ $st != 0 ] && has "is little-endian but this host is big-endian" && irok=$((irok + 1))
	elif [ $lirc = 1 ]; then
		[ $st = 0 ] && [ -n "$(ls /sys/fs/bpf/t)" ] && irok=$((irok + 1))
	else
		[ $st != 0 ] && has "(section 'lirc_mode2/.*BPF_PROG_LOAD failed: Invalid argument" && irok=$((irok + 1))
	fi
	rm -rf /sys/fs/bpf/t
done
if [ $nir = 0 ]; then skp "IR decoders" "no /lib/udev/rc_keymaps/protocols/*.o on the build host (ir-keytable)"
elif [ $irok != $nir ]; then bad "IR decoders: $irok/$nir as expected"
elif [ $le = 0 ]; then ok "IR decoders: $nir/$nir refused by byte order"
elif [ $lirc = 1 ]; then ok "IR decoders: $nir/$nir loaded"
else skp "IR decoders ($nir reach BPF_PROG_LOAD)" "kernel without CONFIG_BPF_LIRC_MODE2 (Debian: RC_CORE=m): lirc_mode2 refused with EINVAL"; fi

settle "$base" || bad "IR decoder programs left"

# examples/countsys: an application with its object embedded (gen skeleton),
# built static for this architecture (make examples): it counts the
# getppid() calls it makes itself, filtered by a .rodata pid set before load.
case $(uname -m) in x86_64) ppid=110 ;; aarch64) ppid=173 ;; *) ppid= ;; esac
if [ ! -x /bin/countsys ]; then skp "countsys (skeleton example)" "not built for $ARCH (make examples builds x86_64 and aarch64)"
elif [ -z "$ppid" ]; then skp "countsys" "no getppid number known for $(uname -m)"
else
	countsys -s 500 >/tmp/out 2>&1
	if grep -q "^$ppid 500\$" /tmp/out; then ok "countsys (skeleton): 500 getppid calls counted"; else bad "countsys -s 500"; fi
fi

# 10. CO-RE against this kernel's own BTF.
if [ ! -e /sys/kernel/btf/vmlinux ]; then
	skp "CO-RE (core_task)" "this kernel has no BTF (/sys/kernel/btf/vmlinux)"
elif [ ! -e $O/core_task.o ]; then
	skp "CO-RE (core_task)" "CO-RE fixtures are built little-endian only"
else
	clean
	check "CO-RE: core_task loads against this kernel's BTF" $M prog loadall $O/core_task.o /sys/fs/bpf/t
fi
rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm

# 10b. fentry/fexit and BPF LSM: BPF trampolines (the development kernel
# refuses them with EPERM). They need the kernel's BTF (the target's id) and a JIT, which
# of Debian's 6.1 kernels x86_64 and arm64 have; arm64 6.1's trampolines
# serve BPF targets only (kernel functions need ftrace direct calls: 6.4).
if [ ! -e /sys/kernel/btf/vmlinux ] || [ "$jit" = 0 ]; then
	skp "fentry/fexit/lsm" "this kernel has no BTF or no JIT, which BPF trampolines need"
else
	clean
	$M prog loadall $O/guest_fentry.o /sys/fs/bpf/t autoattach pinmaps /sys/fs/bpf/tm >/tmp/out 2>&1; st=$?
	if [ $st != 0 ] && has "ENOTSUPP"; then
		skp "fentry/fexit/lsm" "this kernel has no BPF trampoline into kernel functions (ENOTSUPP at attach; arm64 from 6.4)"
	elif [ $st != 0 ]; then
		bad "fentry+fexit+lsm: loadall autoattach"
	else
		ok "fentry+fexit+lsm: loadall autoattach"
		cat /proc/version >/dev/null
		$M map dump pinned /sys/fs/bpf/tm/tramp_hits >/tmp/out1 2>&1
		cat /proc/version >/dev/null; cat /arch >/dev/null
		$M map dump pinned /sys/fs/bpf/tm/tramp_hits >/tmp/out 2>&1
		v() { sed -n "s/^key: $1  value: //p" "$2"; }
		e0=$(v 0 /tmp/out1) e1=$(v 0 /tmp/out) x0=$(v 1 /tmp/out1) x1=$(v 1 /tmp/out) r1=$(v 2 /tmp/out)
		l0=$(v 3 /tmp/out1) l1=$(v 3 /tmp/out)
		if [ "${e0:-0}" -gt 0 ] && [ "${e1:-0}" -ge $((e0 + 2)) ]; then ok "fentry do_sys_openat2 counts ($e0 -> $e1)"; else bad "fentry counts ($e0 -> $e1)"; fi
		if [ "${x0:-0}" -gt 0 ] && [ "${x1:-0}" -ge $((x0 + 2)) ] && [ "${r1:-0}" -ge 2 ]; then
			ok "fexit do_sys_openat2 counts ($x0 -> $x1, $r1 returned an fd)"
		else bad "fexit counts ($x0 -> $x1, fds $r1)"; fi
		if [ "${l0:-0}" -gt 0 ] && [ "${l1:-0}" -ge $((l0 + 2)) ]; then ok "lsm file_open counts ($l0 -> $l1), the opens allowed"; else bad "lsm counts ($l0 -> $l1)"; fi
		$M link show >/tmp/out 2>&1
		if [ "$(grep -c '^[0-9]*: tracing ' /tmp/out)" = 3 ] && has "trace_fentry" && has "trace_fexit" && has "lsm_mac"; then
			ok "link show: three tracing links, fentry, fexit and lsm"
		else bad "link show of the tracing links"; fi
	fi
	rm -rf /sys/fs/bpf/t /sys/fs/bpf/tm
	settle "$base" || bad "fentry programs left after rm"
fi

# 11. The library's own tests (kselftest harness), built for this guest:
# the ring/perf buffer readers over synthetic rings (test_events) and against
# this kernel (test_e2e_events: discards, a wrapping one-page ring, two rings
# in one poller, perf samples with the right pid and lost records).
for t in /guest/tests/test_*; do
	[ -x "$t" ] || continue
	n=${t##*/}
	why=""
	case $n:$ARCH:$jit in
	test_e2e_events:armhf-compat:*|test_e2e_trace:armhf-compat:*|test_loader:armhf-compat:*)
		why="its producers are syscall tracepoints, which compat (32-bit) tasks do not reach" ;;
	test_loader:*:0)
		why="its fixtures use bpf_loop callbacks and tail calls from subprograms, which the interpreter (no JIT) refuses" ;;
	esac
	if [ -n "$why" ]; then skp "$n" "$why"; continue; fi
	(cd /guest && "$t") >/tmp/kt 2>&1
	tot=$(grep '^# Totals:' /tmp/kt | tail -1)
	kp=$(echo "$tot" | sed -n 's/.* pass:\([0-9]*\).*/\1/p')
	kf=$(echo "$tot" | sed -n 's/.* fail:\([0-9]*\).*/\1/p')
	ks=$(echo "$tot" | sed -n 's/.*skip:\([0-9]*\).*/\1/p')
	ke=$(echo "$tot" | sed -n 's/.*error:\([0-9]*\).*/\1/p')
	if [ -z "$tot" ]; then bad "$n: no totals"; sed 's/^/    /' /tmp/kt | tail -15; continue; fi
	pass=$((pass + kp)); fail=$((fail + kf + ke)); skip=$((skip + ks))
	echo "$n: $tot"
	grep -E '^not ok|FAIL|SKIP|:[0-9]+:' /tmp/kt | sed 's/^/    /' | head -20
done
rm -rf /sys/fs/bpf/mbtest_*

echo "$pass passed, $fail failed, $skip skipped"
sync
poweroff -f
