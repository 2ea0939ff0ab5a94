#!/bin/sh
# Run every test program in BUILD/tests, show its TAP output, and sum the
# kselftest totals into one line: "N passed, N failed, N skipped".
BUILD=${1:-build}
pass=0 fail=0 skip=0 broken=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	echo "=== $name"
	out=$(mktemp)
	# Each program runs in its own timeout so one hang cannot stall CI.
	timeout -k 10 600 "$t" 2>&1 | tee "$out"
	rc=$?
	totals=$(grep -E '^# Totals: pass:[0-9]+ fail:[0-9]+' "$out" | tail -1)
	if [ -z "$totals" ]; then
		# No totals line: the program crashed or hung before finishing.
		fail=$((fail + 1)); broken="$broken $name(rc=$rc)"
	else
		p=$(echo "$totals" | sed -E 's/.*pass:([0-9]+).*/\1/')
		f=$(echo "$totals" | sed -E 's/.*fail:([0-9]+).*/\1/')
		s=$(echo "$totals" | sed -E 's/.*skip:([0-9]+).*/\1/')
		x=$(echo "$totals" | sed -E 's/.*error:([0-9]+).*/\1/')
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
