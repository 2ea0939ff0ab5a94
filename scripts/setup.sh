#!/bin/sh
# Install everything the build, the tests and CI need on Debian 12, and
# extract the kselftest harness into the build directory. Idempotent.
set -eu
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}

PKGS="make gcc clang llvm lld libelf-dev libbpf-dev bpftool linux-source-6.1 xz-utils
musl-tools gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf gcc-s390x-linux-gnu
libc6-dev-arm64-cross libc6-dev-armhf-cross libc6-dev-s390x-cross
libclang-rt-14-dev iproute2 python3 jq valgrind strace binutils
xdp-tools libxdp1 gnuplot-nox ir-keytable zlib1g-dev pkgconf gzip
gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
gcc-powerpc64le-linux-gnu libc6-dev-ppc64el-cross
gcc-mipsel-linux-gnu libc6-dev-mipsel-cross
qemu-system-arm qemu-system-misc qemu-system-x86 qemu-system-ppc qemu-system-mips busybox-static cpio
musl-dev:arm64 musl-dev:armhf musl-dev:s390x musl-dev:ppc64el"
# make static ARCH=... links musl of these architectures (riscv64: glibc,
# bookworm has no musl-dev:riscv64 nor mipsel); make test-qemu downloads their
# kernels (ppc64el: the one Debian kernel with 64 KB pages; mipsel: 32-bit
# MIPS on qemu's Malta board).
FOREIGN_ARCHS="arm64 armhf s390x ppc64el mipsel"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
	for a in $FOREIGN_ARCHS; do
		dpkg --print-foreign-architectures | grep -qx "$a" || $SUDO dpkg --add-architecture "$a"
	done
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
	# shellcheck disable=SC2086
	$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

# kselftest harness: extracted from the linux-source tarball, never committed.
mkdir -p "$BUILD/kselftest"
if [ ! -s "$BUILD/kselftest/kselftest_harness.h" ] || [ ! -s "$BUILD/kselftest/kselftest.h" ]; then
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$BUILD/kselftest" --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h \
		linux-source-6.1/tools/testing/selftests/kselftest.h
fi

# bpffs and tracefs, needed by the tests and the seed example.
grep -q ' /sys/fs/bpf bpf ' /proc/self/mounts || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null || true
echo "setup: ok"
