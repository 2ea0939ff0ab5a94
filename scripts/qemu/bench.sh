#!/bin/busybox sh
# shellcheck shell=dash
# /init of the make bench-qemu guest: time `minibpf prog loadall` of the seed
# example against the raw-syscall floor replaying the same bpf() calls
# (bench/floor.c, the tape recorded on the host), both as whole processes,
# interleaved, in this kernel (bench/harness.c); print the medians and the
# ratio, then the summary line run.sh reads, and power off.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
echo "guest: $(uname -m) $(uname -r), $(cat /arch) userspace, jit $(cat /proc/sys/net/core/bpf_jit_enable 2>/dev/null || echo 0)"
D=/sys/fs/bpf/run
pass=0 fail=0
if /bench/harness -w 2 -n 31 -p 20 -e 1 -l /tmp/log -d $D -- \
	minibpf /bin/minibpf prog loadall /objs/hello.o $D :: \
	floor /bench/floor /bench/guest-hello.tape $D >/tmp/res 2>&1; then
	cat /tmp/res
	# NAME median_us min_us max_us peak_rss_kb runs status median_cpu_us
	awk '$1 == "minibpf" { m = $2; mc = $8 } $1 == "floor" { f = $2; fc = $8 }
		END { if (m && f) printf "bench: seed load in the guest: minibpf %.2f ms, floor %.2f ms, ratio %.2f (CPU %.2f)\n",
			m / 1000, f / 1000, m / f, (fc ? mc / fc : 0) }' /tmp/res
	awk '$1 == "minibpf" || $1 == "floor" { n++ } END { exit n != 2 }' /tmp/res && pass=1 || fail=1
	# what a process start costs each (minibpf version; the floor's usage)
	if /bench/harness -a -w 2 -n 31 -p 0 -l /tmp/log -d $D -- minibpf /bin/minibpf version :: \
		floor /bench/floor >/tmp/start 2>&1; then
		awk '$1 == "minibpf" { m = $2 } $1 == "floor" { f = $2 }
			END { if (m && f) printf "bench: process start alone: minibpf %.2f ms, floor %.2f ms; loads without it: ratio %.2f\n",
				m / 1000, f / 1000, (l - m) / (fl - f) }' l="$(awk '$1 == "minibpf" { print $2 }' /tmp/res)" \
			fl="$(awk '$1 == "floor" { print $2 }' /tmp/res)" /tmp/start
	fi
else
	cat /tmp/res /tmp/log 2>/dev/null | head -30
	fail=1
fi
echo "$pass passed, $fail failed, 0 skipped"
sync
poweroff -f
