#!/bin/bash
# make bench: time `prog loadall OBJ DIR` for minibpf and its peers, count
# syscalls, compare sizes; writes $B/bench/results/{raw.txt,table.md,plot.svg}.
# usage: bench/run.sh [BUILD_DIR]   (QUICK=1: fewer repetitions;
#        ONLY="tiny core": just those objects)
# Safe on this kernel: no RT priority, pauses between runs of many-program
# objects, every pin removed after each run.
set -u
B=${1:-build}
BB=$B/bench
OUT=$BB/results
MB=$B/minibpf
PIN=/sys/fs/bpf/mb-bench-$$
mkdir -p "$OUT" "$BB/tape"
RAW=$OUT/raw.txt LOG=$OUT/stderr.log
: > "$RAW"
: > "$LOG"
cut -d' ' -f1-3 /proc/loadavg > "$OUT/loadavg"
git describe --always --dirty > "$OUT/version" 2>/dev/null

grep -q " /sys/fs/bpf bpf " /proc/mounts || mount -t bpf bpf /sys/fs/bpf || exit 1
mkdir -p "$PIN"
trap 'rm -rf "$PIN"' EXIT

# object reps pause_ms; "startup": each tool started with nothing to load
# (version, or usage), the cost of a process that every row below includes.
OBJECTS="startup 31 0
hello 31 20
tiny 31 20
maps 31 20
globals 31 20
subprogs 31 20
xdp 31 20
sockfilter 31 20
large 11 100
core 21 20
progs1 31 20
progs8 15 100
progs64 7 500
progs256 5 2000"
[ -n "${ONLY:-}" ] && OBJECTS=$(echo "$OBJECTS" | grep -wE "^(${ONLY// /|})")
[ "${QUICK:-0}" = 1 ] && OBJECTS=$(echo "$OBJECTS" | awk '{ print $1, ($2 > 5 ? 5 : $2), $3 }')

objfile() {
	if [ "$1" = startup ]; then echo /dev/null; elif [ "$1" = hello ]; then echo "$B/progs/hello.bpf.o"; else echo "$BB/obj/$1.bpf.o"; fi
}

# tool command line for OBJ into DIR
cmdline() {
	local tool=$1 obj=$2 dir=$3 tape=$4
	if [ "$obj" = /dev/null ]; then
		case $tool in
		minibpf)      echo "$MB version" ;;
		minibpf-musl) echo "$BB/musl/minibpf version" ;;
		bpftool)      echo "bpftool version" ;;
		libbpf)       echo "$BB/libbpf_load" ;;
		libbpf-musl)  echo "$BB/libbpf_load_static" ;;
		floor)        echo "$BB/floor" ;;
		esac
		return
	fi
	case $tool in
	minibpf)      echo "$MB prog loadall $obj $dir" ;;
	minibpf-musl) echo "$BB/musl/minibpf prog loadall $obj $dir" ;;
	bpftool)      echo "bpftool prog loadall $obj $dir" ;;
	libbpf)       echo "$BB/libbpf_load $obj $dir" ;;
	libbpf-musl)  echo "$BB/libbpf_load_static $obj $dir" ;;
	floor)        echo "$BB/floor $tape $dir" ;;
	esac
}
TOOLS="minibpf minibpf-musl bpftool libbpf libbpf-musl floor"

# xlated instructions and line info of the pinned programs in DIR (map ids dropped)
xlated() {
	local p
	for p in $(ls "$1" | sort | head -16); do
		echo "== $p"
		bpftool prog dump xlated pinned "$1/$p" linum | sed -E 's/map\[id:[0-9]+\]/map/g; s/^ +//'
	done
}

while read -r name reps pause; do
	obj=$(objfile "$name")
	[ -e "$obj" ] || { echo "bench: $obj missing (make bench-build)" >&2; continue; }
	tape=$BB/tape/$name.tape
	printf 'bench: %-10s' "$name" >&2
	status=ok npins=-1 hopts=-a
	if [ "$name" != startup ]; then
		# The reference: what bpftool loads, and how many programs it pins.
		bpftool prog loadall "$obj" "$PIN/ref" 2>>"$LOG"
		npins=$(ls "$PIN/ref" 2>/dev/null | wc -l)
		# minibpf once through the recorder: the floor's tape, and a check that
		# minibpf loads the same instructions as bpftool (CO-RE, relocations).
		status=ok hopts=
		if ! MB_TAPE=$tape "$BB/minibpf-rec" prog loadall "$obj" "$PIN/rec" 2>>"$LOG"; then
			status=unsupported
		elif [ "$npins" = 0 ]; then
			npins=$(ls "$PIN/rec" | wc -l)
		elif ! cmp -s <(xlated "$PIN/ref") <(xlated "$PIN/rec"); then
			status=wrong
			diff <(xlated "$PIN/ref") <(xlated "$PIN/rec") | head -20 >> "$LOG"
		fi
		rm -rf "$PIN/ref" "$PIN/rec"
		[ "$status" = ok ] || echo "bench: $name: minibpf $status (see $LOG)" >> "$LOG"
		sleep "$(awk -v p="$pause" 'BEGIN { print p / 1000 }')"
	fi

	args=()
	for t in $TOOLS; do
		case $t in minibpf*|floor) [ "$status" = ok ] || continue ;; esac
		[ ${#args[@]} -gt 0 ] && args+=("::")
		# shellcheck disable=SC2207
		args+=("$t" $(cmdline "$t" "$obj" "$PIN/run" "$tape"))
	done
	"$BB/harness" $hopts -w 1 -n "$reps" -p "$pause" -e "$npins" -l "$LOG" -d "$PIN/run" -- "${args[@]}" \
		> "$OUT/time.$name"
	# Peak RSS: one run per tool, read from /proc at its exit (harness -m).
	"$BB/harness" $hopts -m -p "$pause" -l "$LOG" -d "$PIN/run" -- "${args[@]}" > "$OUT/mem.$name"

	# Syscall counts: one run per tool under strace -f -c.
	for t in $TOOLS; do
		line=$(grep "^$t " "$OUT/time.$name")
		if [ -z "$line" ]; then
			echo "$name $t - - - - 0 $status - - - - -" >> "$RAW"
			continue
		fi
		# shellcheck disable=SC2046
		strace -f -c -o "$OUT/strace.$name.$t" $(cmdline "$t" "$obj" "$PIN/st" "$tape") \
			>/dev/null 2>>"$LOG"
		rm -rf "$PIN/st"
		calls=$(awk '$NF == "total" { print $4 }' "$OUT/strace.$name.$t")
		bpfc=$(awk '$NF == "bpf" { print $4 }' "$OUT/strace.$name.$t")
		hwm=$(awk -v t="$t" '$1 == t { print $2 }' "$OUT/mem.$name")
		# User-space instructions (callgrind): exact where wall time on a
		# shared VM is not. Static binaries only: no dynamic linker inside.
		ir=-
		case $t in minibpf-musl|libbpf-musl|floor)
			sleep "$(awk -v p="$pause" 'BEGIN { print p / 1000 }')"
			# shellcheck disable=SC2046
			ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
				$(cmdline "$t" "$obj" "$PIN/vg" "$tape") 2>&1 >/dev/null |
				sed -n 's/.*refs: *//p' | tr -d ,)
			rm -rf "$PIN/vg"
		esac
		echo "$name $line ${calls:--} ${bpfc:-0} ${hwm:--} ${ir:--}" >> "$RAW"
		sleep "$(awk -v p="$pause" 'BEGIN { print p / 1000 }')"
	done
	[ "$npins" -ge 0 ] && echo " $npins programs, minibpf $status" >&2 || echo " (process start only)" >&2
done <<< "$OBJECTS"

# minibpf check (no kernel) against a load of the same object, both as the
# musl static binary: the largest objects. check.txt: object check_us load_us.
: > "$OUT/check.txt"
while read -r name reps pause; do
	case $name in large|progs256) ;; *) continue ;; esac
	obj=$(objfile "$name")
	[ -e "$obj" ] || continue
	"$BB/harness" -w 1 -n "$reps" -p "$pause" -l "$LOG" -d "$PIN/run" -- \
		check "$BB/musl/minibpf" check "$obj" :: \
		load "$BB/musl/minibpf" prog loadall "$obj" "$PIN/run" > "$OUT/time.check.$name"
	awk -v o="$name" '$1 == "check" { c = $2 } $1 == "load" { l = $2 }
		END { if (c && l) print o, c, l }' "$OUT/time.check.$name" >> "$OUT/check.txt"
done <<< "$OBJECTS"

# ring buffer and perf buffer readers, minibpf's and libbpf's
# (ONLY="... events": with a subset, only when it names them)
: > "$OUT/events.md"
case " ${ONLY:-events} " in *" events "*) bench/events.sh "$B" > "$OUT/events.md" ;; esac

# the seed example's load inside an aarch64 guest kernel against the guest's
# own floor (make bench-qemu; needs qemu-system-aarch64 and the cross gcc)
: > "$OUT/guest.md"
case " ${ONLY:-guest} " in *" guest "*)
	if command -v qemu-system-aarch64 >/dev/null && command -v aarch64-linux-gnu-gcc >/dev/null; then
		printf 'bench: guest      ' >&2
		if make -s --no-print-directory B="$B" bench-qemu ARCH=aarch64 > "$OUT/guest.log" 2>&1; then
			sed -n 's/^  | bench: /| aarch64 guest (Debian 6.1, qemu TCG): /p' "$OUT/guest.log" |
				sed 's/$/ |/' | sed '1i\
\
| inside a guest kernel |\
|---|' > "$OUT/guest.md"
			echo " done" >&2
		else
			echo " failed (see $OUT/guest.log)" >&2
		fi
	fi ;;
esac

cut -d' ' -f1-3 /proc/loadavg >> "$OUT/loadavg"
bench/report.sh "$B" > "$OUT/table.md"
[ -s "$OUT/check.txt" ] && awk 'BEGIN { print "\n| `check` vs a kernel load (musl static, median wall) | check | load | load ÷ check |\n|---|---|---|---|" }
	{ printf "| %s | %.2f ms | %.2f ms | %.0f× |\n", $1, $2 / 1000, $3 / 1000, $3 / $2 }' \
	"$OUT/check.txt" >> "$OUT/table.md"
cat "$OUT/events.md" "$OUT/guest.md" >> "$OUT/table.md"
cat "$OUT/table.md"
