#!/bin/sh
# make test-qemu ARCH=aarch64|armhf|s390x|x86_64|ppc64le|mipsel: boot a Debian 6.1 kernel of
# that architecture under qemu-system (TCG) with a busybox initramfs holding
# the static minibpf, the BPF objects of the guest's byte order and
# scripts/qemu/guest.sh; print the guest's console and exit with its result.
# Kernels and busybox are downloaded once (apt-get download) into BUILD/qemu/.
#   run.sh ARCH BIN PROGS_DIR BUILD
set -eu
ARCH=$1 BIN=$2 PROGS=$3 BUILD=$4
SRC=$(cd "$(dirname "$0")/../.." && pwd)
# QEMU_TIMEOUT: seconds for the whole boot; QEMU_APPEND: more kernel
# parameters (mb.trace: the guest script runs under set -x).
TIMEOUT=${QEMU_TIMEOUT:-300}
EB=""
case $ARCH in
aarch64) DARCH=arm64 QEMU="qemu-system-aarch64 -M virt -cpu max" CON=ttyAMA0 ;;
# A 32-bit kernel (armmp-lpae on qemu's virt board, which makes its own
# device tree) with 32-bit userspace: 4-byte ring positions, syscall
# tracepoints for the tasks themselves. ARCH=armhf-compat: 32-bit userspace
# on the arm64 kernel (CONFIG_COMPAT) instead.
armhf) DARCH=armhf KFLAV=armmp-lpae QEMU="qemu-system-arm -M virt,highmem=off -cpu cortex-a15" CON=ttyAMA0 ;;
armhf-compat) DARCH=arm64 QEMU="qemu-system-aarch64 -M virt -cpu max" CON=ttyAMA0 ;;
s390x) DARCH=s390x QEMU="qemu-system-s390x -M s390-ccw-virtio" CON=ttysclp0 EB=eb ;;
x86_64) DARCH=amd64 QEMU="qemu-system-x86_64 -cpu max" CON=ttyS0 ;;
# 64 KB pages: Debian's ppc64el kernel (CONFIG_PPC_64K_PAGES), the one 64 KB-page
# kernel bookworm ships; little-endian, POWER9 under pseries.
ppc64le) DARCH=ppc64el KFLAV=powerpc64le QEMU="qemu-system-ppc64 -M pseries -cpu POWER9" CON=hvc0 ;;
# 32-bit MIPS (o32, little-endian) on the Malta board: one CPU (its 24Kf
# core has no SMP), no 8-byte atomics (maps/events.h).
mipsel) DARCH=mipsel KFLAV=4kc-malta QEMU="qemu-system-mipsel -M malta -cpu 24Kf" CON=ttyS0 Q_SMP=1 Q_MEM=256M ;;
*) echo "test-qemu: ARCH=$ARCH: one of aarch64 armhf armhf-compat s390x x86_64 ppc64le mipsel" >&2; exit 2 ;;
esac
UARCH=$DARCH; [ "$ARCH" = armhf-compat ] && UARCH=armhf
KFLAV=${KFLAV:-$DARCH}
Q="$BUILD/qemu"
mkdir -p "$Q/deb"
Q=$(cd "$Q" && pwd)

# A package of a foreign architecture, downloaded once: apt-get download
# needs that architecture known to dpkg (scripts/setup.sh adds it).
fetch() { # package:arch -> extracted directory
	d="$Q/x/$1"
	if [ ! -e "$d/.ok" ]; then
		( cd "$Q/deb" && rm -f "${1%%:*}"_*_"${1##*:}".deb && apt-get download -q "$1" 2>&1 | grep -v 'unsandboxed' >&2 || true )
		deb=$(ls "$Q/deb/${1%%:*}"_*_"${1##*:}".deb 2>/dev/null | head -1)
		[ -n "$deb" ] || { echo "test-qemu: cannot download $1 (dpkg --add-architecture ${1##*:}; apt-get update)" >&2; exit 1; }
		rm -rf "$d" && mkdir -p "$d" && dpkg-deb -x "$deb" "$d" && touch "$d/.ok"
	fi
	echo "$d"
}
# The kernel the linux-image-ARCH metapackage names (the current 6.1 ABI).
kpkg=$(apt-cache show "linux-image-$KFLAV:$DARCH" 2>/dev/null | sed -n 's/^Depends: \(linux-image-6\.1[^ ,]*\).*/\1/p' | head -1)
[ -n "$kpkg" ] || { echo "test-qemu: no linux-image-$KFLAV:$DARCH in apt (dpkg --add-architecture $DARCH; apt-get update)" >&2; exit 1; }
K=$(fetch "$kpkg:$DARCH")
BB=$(fetch "busybox-static:$UARCH")
# (powerpc boots the uncompressed vmlinux)
vmlinuz=$(ls "$K"/boot/vmlinuz-* "$K"/boot/vmlinux-* 2>/dev/null | head -1)
kver=${vmlinuz##*/vmlinu[xz]-}

# initramfs: busybox, minibpf, the objects, veth.ko (XDP), the test script.
R="$Q/root-$ARCH"
rm -rf "$R" && mkdir -p "$R/bin" "$R/objs" "$R/proc" "$R/sys" "$R/dev" "$R/tmp" "$R/mod"
cp "$BB/bin/busybox" "$R/bin/busybox"
# armhf: syscall tracepoints do not fire for compat (32-bit) tasks, so a
# 64-bit busybox runs the commands those programs must see.
if [ "$ARCH" = armhf-compat ]; then
	BB64=$(fetch "busybox-static:arm64")
	cp "$BB64/bin/busybox" "$R/bin/busybox64"
fi
cp "$BIN" "$R/bin/minibpf"
# make tiny's binary beside it (build/static-ARCH-tiny), when built
[ -x "${BIN%/*}-tiny/minibpf" ] && cp "${BIN%/*}-tiny/minibpf" "$R/bin/minibpf-tiny"
for f in "$PROGS"/*.bpf${EB}.o; do
	[ "$EB" ] && n=$(basename "$f" .bpfeb.o) || n=$(basename "$f" .bpf.o)
	cp "$f" "$R/objs/$n.o"
done
# The library's tests built for the guest (make guest-tests) see the build
# directory as /guest: the static CLI and the objects of this byte order.
mkdir -p "$R/guest/progs" "$R/guest/tests"
cp "$BIN" "$R/guest/minibpf"
for t in ${GUEST_TESTS:-}; do cp "$(dirname "$BIN")/tests/$t" "$R/guest/tests/"; done
for f in "$PROGS"/*.bpf${EB}.o; do
	[ "$EB" ] && n=$(basename "$f" .bpfeb.o) || n=$(basename "$f" .bpf.o)
	cp "$f" "$R/guest/progs/$n.bpf.o"
done
# test_loader's refusal of the other byte order (it skips on big-endian hosts)
[ "$EB" ] || cp "$PROGS"/*.bpfeb.o "$R/guest/progs/"
# the other byte order, for the refusal test
if [ "$EB" ]; then cp "$PROGS/hello.bpf.o" "$R/objs/foreign.o"; else cp "$PROGS/hello.bpfeb.o" "$R/objs/foreign.o"; fi
# Debian's IR decoders (ir-keytable: lirc_mode2 programs, little-endian).
mkdir -p "$R/ir"
for f in /lib/udev/rc_keymaps/protocols/*.o; do [ -e "$f" ] && cp "$f" "$R/ir/"; done
vk=$(find "$K/lib/modules" -name veth.ko 2>/dev/null | head -1)
[ -n "$vk" ] && cp "$vk" "$R/mod/"
# GUEST_INIT: another /init (make bench-qemu: scripts/qemu/bench.sh), with
# GUEST_FILES copied into /bench.
# examples/countsys of this architecture (make examples), when built
case $ARCH in x86_64) ex=$BUILD/examples/countsys ;; aarch64) ex=$BUILD/examples/aarch64/countsys ;; *) ex= ;; esac
[ -n "$ex" ] && [ -x "$ex" ] && cp "$ex" "$R/bin/countsys"
cp "$SRC/${GUEST_INIT:-scripts/qemu/guest.sh}" "$R/init"
mkdir -p "$R/bench"
for f in ${GUEST_FILES:-}; do cp "$f" "$R/bench/"; done
chmod +x "$R/init"
echo "$ARCH" >"$R/arch"
# The kernel's configuration: busybox guests have no /proc/config.gz.
cp "$K/boot/config-$kver" "$R/config"
( cd "$R" && find . | cpio -o -H newc --quiet ) | gzip -1 >"$Q/initrd-$ARCH.gz"

log="$Q/console-$ARCH.log"
echo "test-qemu: $ARCH guest: $kpkg, $(basename "$BIN") $(stat -c %s "$BIN") B, objects ${EB:-el}"
boot() {
	start=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$TIMEOUT" $QEMU -m "${Q_MEM:-512M}" -smp "${Q_SMP:-2}" -nographic -no-reboot -net none \
		-kernel "$vmlinuz" -initrd "$Q/initrd-$ARCH.gz" \
		-append "console=$CON panic=-1 quiet loglevel=3 rdinit=/init ${QEMU_APPEND:-}" </dev/null >"$log" 2>&1 || true
	end=$(date +%s)
	tr -d '\r' <"$log" | grep -v '^$' | sed 's/^/  | /'
	line=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' | tail -1)
}
boot
# The guest kernel itself died (panic=-1 ends qemu at once): a kernel bug, not
# a failed test. Debian's 6.1 malta kernel does, about one boot in eight, in
# its kretprobe single-step ("Break instruction in kernel code" at an insn
# slot). Said, its console kept, and booted once more; a second death fails.
crash='Kernel panic|Oops|Break instruction in kernel code|Unable to handle kernel|BUG: '
if [ -z "$line" ] && tr -d '\r' <"$log" | grep -qE "$crash"; then
	cp "$log" "$Q/console-$ARCH.crash.log"
	echo "test-qemu: $ARCH: the guest kernel died ($(tr -d '\r' <"$log" | grep -oE "$crash" | head -1)); its console is in $Q/console-$ARCH.crash.log; booting it once more"
	boot
fi
if [ -z "$line" ]; then
	echo "test-qemu: $ARCH: no result from the guest (in $((end - start)) s, limit ${TIMEOUT}s; kernel $kver; console in $log)"
	exit 1
fi
echo "test-qemu: $ARCH ($kver, $((end - start)) s): $line"
case $line in *" 0 failed,"*) exit 0 ;; *) exit 1 ;; esac
