#!/bin/sh
# Run every test program in BUILD/tests, show its TAP output, and sum the
# kselftest totals into one line: "N passed, N failed, N skipped".
BUILD=${1:-build}
pass=0 fail=0 skip=0 broken=""
# STATIC=PATH (make test passes the static musl binary it built): the CLI
# tests run a second time against it, the binary that ships to small
# systems, with its own allocator (cli/bump_alloc.c).
# TINY=PATH: and a third time against make tiny's binary, whose missing
# features the tests skip (test_cli asks it with `minibpf version`).
STATIC=${STATIC:-} TINY=${TINY:-}
runs=$(for t in "$BUILD"/tests/test_*; do echo "$t"; done)
[ -n "$STATIC" ] && [ -x "$STATIC" ] && [ -x "$BUILD/tests/test_cli" ] && runs="$runs
static:$BUILD/tests/test_cli"
[ -n "$TINY" ] && [ -x "$TINY" ] && [ -x "$BUILD/tests/test_cli" ] && runs="$runs
tiny:$BUILD/tests/test_cli"
# NOLIBC=PATH: and against the CLI built on the kernel's nolibc (nolibc/).
[ -n "${NOLIBC:-}" ] && [ -x "$NOLIBC" ] && [ -x "$BUILD/tests/test_cli" ] && runs="$runs
nolibc:$BUILD/tests/test_cli"
for t in $runs; do
	env= how=
	case $t in
	static:*) t=${t#static:} env="MINIBPF=$(realpath "$STATIC")" how=" (static)" ;;
	tiny:*) t=${t#tiny:} env="MINIBPF=$(realpath "$TINY")" how=" (tiny)" ;;
	nolibc:*) t=${t#nolibc:} env="MINIBPF=$(realpath "$NOLIBC")" how=" (nolibc)" ;;
	esac
	[ -x "$t" ] || continue
	name=$(basename "$t")$how
	echo "=== $name"
	out=$(mktemp)
	# Each program runs in its own timeout so one hang cannot stall CI.
	env $env timeout -k 10 600 "$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	totals=$(grep -E '^# Totals: pass:[0-9]+ fail:[0-9]+' "$out" | tail -1)
	if [ -z "$totals" ]; then
		# No totals line: the program crashed or hung before finishing.
		fail=$((fail + 1)); broken="$broken $name(rc=$rc)"
	else
		# "# Totals: pass:N fail:N xfail:N xpass:N skip:N error:N"
		set -- $(echo "$totals" | tr ':' ' ')
		p=$4 f=$6 s=${12} x=${14}
		pass=$((pass + p)); fail=$((fail + f + x)); skip=$((skip + s))
		if [ "$rc" -ne 0 ] && [ "$((f + x))" -eq 0 ]; then
			fail=$((fail + 1)); broken="$broken $name(rc=$rc)"
		fi
	fi
	rm -f "$out"
done
[ -n "$broken" ] && echo "# broken test programs:$broken"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
