#!/bin/sh
# The layering rule, checked: every #include "DIR/..." of a source file must
# name its own folder or one below it, elf/ and btf/ objects must call no
# syscall, and include/minibpf.h includes nothing of ours. Prints kselftest
# TAP (run-tests.sh counts it).
#
#   scripts/check-layers.sh [SRC_DIR [BUILD_DIR]]
#
# BUILD_DIR (for the purity check of elf/ and btf/ objects) is optional.
SRC=${1:-.}
BUILD=${2:-}

# What each folder may include besides itself (README.md, "Layout").
# include/minibpf.h includes nothing of ours: a layer that implements part of
# the public API may include it (syscall/ does: mb_last_error, mb_set_print).
allowed() {
	case $1 in
	include|uapi|nolibc) echo "" ;;
	syscall)      echo "uapi include" ;;
	btf)          echo "uapi" ;;
	elf)          echo "btf uapi" ;;
	check)        echo "elf btf uapi" ;;
	maps)         echo "elf btf syscall uapi include" ;;
	loader)       echo "maps elf btf syscall uapi include" ;;
	attach)       echo "elf btf syscall uapi include" ;;
	cli)          echo "attach loader maps check elf btf syscall uapi include" ;;
	*)            echo "?" ;;
	esac
}
LIB_DIRS="include uapi nolibc syscall btf elf check maps loader attach cli"

n=0 failed=0 skipped=0
report() {      # report OK|FAIL NAME [DETAILS]
	n=$((n + 1))
	if [ "$1" = OK ]; then
		echo "ok $n layers.$2"
	else
		failed=$((failed + 1))
		printf '%s\n' "$3" | sed 's/^/# /'
		echo "not ok $n layers.$2"
	fi
}

echo "TAP version 13"
echo "1..4"

# 1. Includes point down. "minibpf.h" is include/minibpf.h.
bad=""
for d in $LIB_DIRS; do
	ok=$(allowed "$d")
	for f in "$SRC/$d"/*.c "$SRC/$d"/*.h; do
		[ -f "$f" ] || continue
		rel=${f#"$SRC"/}
		out=$(grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		      sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' |
		while read -r line hdr; do
			case $hdr in
			minibpf.h) to=include ;;
			mb_config.h) continue ;;   # the build options: every layer reads them
			*/*) to=${hdr%%/*} ;;
			*) to=$d ;;           # same folder
			esac
			[ "$to" = "$d" ] && continue
			case " $ok " in *" $to "*) continue ;; esac
			echo "$rel:$line: includes \"$hdr\" ($d/ may include: ${ok:-nothing of ours})"
		done)
		[ -n "$out" ] && bad="$bad$out
"
	done
done
[ -z "$bad" ] && report OK includes_point_down || report FAIL includes_point_down "$bad"

# 2. Every source folder has a place in the order (a new folder must be added above).
bad=""
for dir in "$SRC"/*/; do
	d=$(basename "$dir")
	case " $LIB_DIRS tests fuzz bench progs docs scripts build " in *" $d "*) continue ;; esac
	ls "$dir"*.c "$dir"*.h >/dev/null 2>&1 &&
		bad="$bad$d/: C sources in a folder the layer order does not name
"
done
[ -z "$bad" ] && report OK every_folder_has_a_layer || report FAIL every_folder_has_a_layer "$bad"

# 3. elf/, btf/ and check/ are pure: their objects reference no libc function that
# enters the kernel (a fuzzer and a cross-build host run them). Writing to a
# FILE the caller passed (btf_dump.c) is the caller's choice and allowed;
# the process's own stdout/stderr (printf, puts, perror) is not.
SYSCALLS='open openat open64 creat read pread pread64 write pwrite close mmap mmap64 munmap
ioctl syscall socket bind connect sendmsg recvmsg fopen fopen64 fdopen stat fstat lstat
fstatat access unlink rename mkdir rmdir getpid perf_event_open opendir readdir fread
printf puts perror'
if [ -z "$BUILD" ] || ! ls "$BUILD"/elf/*.o "$BUILD"/btf/*.o >/dev/null 2>&1; then
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n layers.elf_btf_call_no_syscall # SKIP no objects in '$BUILD'"
else
	bad=""
	for o in "$BUILD"/elf/*.o "$BUILD"/btf/*.o "$BUILD"/check/*.o; do
		for s in $(nm -u "$o" | awk '{print $2}'); do
			s=${s%@*}
			case " $(echo $SYSCALLS) " in
			*" $s "*) bad="$bad${o#"$BUILD"/}: calls $s
" ;;
			esac
		done
	done
	[ -z "$bad" ] && report OK elf_btf_call_no_syscall || report FAIL elf_btf_call_no_syscall "$bad"
fi

# 4. The checker itself catches a violation (a test that cannot fail proves nothing).
if [ -z "$CHECK_LAYERS_INNER" ]; then
	t=$(mktemp -d)
	mkdir -p "$t/elf" "$t/loader"
	printf '#include "loader/internal.h"\n' >"$t/elf/bad.c"
	printf '#include "elf/model.h"\n' >"$t/loader/good.c"
	res=$(CHECK_LAYERS_INNER=1 sh "$0" "$t" 2>&1)
	rm -rf "$t"
	if echo "$res" | grep -q 'elf/bad.c:1: includes "loader/internal.h"' &&
	   ! echo "$res" | grep -q 'loader/good.c'; then
		report OK checker_catches_an_upward_include
	else
		report FAIL checker_catches_an_upward_include "$res"
	fi
else
	n=$((n + 1)) skipped=$((skipped + 1))
	echo "ok $n layers.checker_catches_an_upward_include # SKIP inner run"
fi

echo "# Totals: pass:$((n - failed - skipped)) fail:$failed xfail:0 xpass:0 skip:$skipped error:0"
[ "$failed" -eq 0 ]
