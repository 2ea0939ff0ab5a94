#!/bin/bash
# make bench (and make bench-events): minibpf's ring buffer and perf buffer
# readers against libbpf's, the same producer and callback (bench/events.c).
# Appends a Markdown table to stdout; raw runs in $B/bench/results/events.txt.
# usage: bench/events.sh [BUILD_DIR]   (QUICK=1: fewer repetitions)
set -u
B=${1:-build}
BB=$B/bench
OUT=$BB/results
OBJ=$BB/obj/evprod.bpf.o
RAW=$OUT/events.txt
mkdir -p "$OUT"
: > "$RAW"
REPS=7 N=2000000
[ "${QUICK:-0}" = 1 ] && REPS=3
for t in "$BB/events" "$BB/events_libbpf" "$OBJ"; do
	[ -e "$t" ] || { echo "bench: $t missing (make bench-build)" >&2; exit 1; }
done

# One run: tool mode args... -> "tool mode run received lost wall_us cpu_us"
run() {
	local tool=$1 kind=$2; shift 2
	local bin=$BB/events
	[ "$tool" = libbpf ] && bin=$BB/events_libbpf
	local line
	line=$("$bin" "$@") || { echo "bench: $tool $* failed" >&2; return 1; }
	echo "$tool $kind $line" >> "$RAW"
}

printf 'bench: events     ' >&2
for i in $(seq "$REPS"); do
	# alternate the tools so a busy moment of the machine hits both
	for tool in minibpf libbpf; do
		for m in ring perf; do
			run "$tool" drain "$m" "$OBJ" "$N" drain || exit 1
		done
	done
	printf '.' >&2
done
# live: producer and consumer at once, batches of 1000 runs 1 ms apart (the
# producer's wakeups make that tens of thousands of records per second here),
# a rate every reader must keep up with: records lost, if any
for tool in minibpf libbpf; do
	for m in ring perf; do
		run "$tool" live "$m" "$OBJ" 200000 1000 1000 || exit 1
	done
done
echo " $REPS runs of $N records each" >&2

# medians of the drain runs; the live runs' losses
awk -v n="$N" '
function median(k,   i, j, t, c, a) {
	c = cnt[k]; for (i = 1; i <= c; i++) a[i] = v[k, i]
	for (i = 1; i <= c; i++) for (j = i + 1; j <= c; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
	return c % 2 ? a[(c + 1) / 2] : (a[c / 2] + a[c / 2 + 1]) / 2
}
$2 == "drain" { k = $1 SUBSEP $3; cnt[k]++; v[k, cnt[k]] = $6; cnt["c" k]++; v["c" k, cnt["c" k]] = $7; got[k] += $4 }
$2 == "live" { lost[$1, $3] = $5; total[$1, $3] = $4 + $5; rate[$1, $3] = ($4 + $5) / ($6 / 1e6) }
END {
	print "\n| events (same producer, same callback) | minibpf | libbpf | minibpf ÷ libbpf | |"
	print "|---|---|---|---|---|"
	for (m = 1; m <= 2; m++) {
		mode = m == 1 ? "ring" : "perf"
		wm = median("minibpf" SUBSEP mode); wl = median("libbpf" SUBSEP mode)
		cm = median("cminibpf" SUBSEP mode); cl = median("clibbpf" SUBSEP mode)
		name = mode == "ring" ? "ring buffer" : "perf buffer"
		# drain never sleeps: its CPU time is the time the reader ran; wall
		# time adds whatever else this machine ran meanwhile
		r = cl / cm
		printf "| %s drain: M records per CPU-second (median of %d) | %.1f | %.1f | %.2f | %s |\n", name, cnt["minibpf" SUBSEP mode], n / cm, n / cl, r, (r >= 1 ? "met" : (r >= 0.95 ? "equal within noise (5%)" : "**missed**"))
		printf "| %s drain: M records per wall second | %.1f | %.1f | %.2f | |\n", name, n / wm, n / wl, wl / wm
		printf "| %s drain: consumer CPU ns per record | %.1f | %.1f | | |\n", name, cm * 1000 / n, cl * 1000 / n
		printf "| %s live (producing %.0fk / %.0fk records/s): records lost | %d of %d | %d of %d | | %s |\n", name, rate["minibpf", mode] / 1000, rate["libbpf", mode] / 1000, lost["minibpf", mode], total["minibpf", mode], lost["libbpf", mode], total["libbpf", mode], ((lost["minibpf", mode] == 0 || lost["libbpf", mode] > 0) ? "met" : "**missed**")
	}
}' "$RAW"
