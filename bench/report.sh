#!/bin/bash
# Turn $B/bench/results/raw.txt into a Markdown table (stdout) and plot.svg.
# raw.txt: object tool median_us min_us max_us ru_maxrss_kb runs status cpu_us calls bpf vmhwm_kb user_instr
set -u
B=${1:-build}
BB=$B/bench
OUT=$BB/results
RAW=$OUT/raw.txt

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "Machine: $cpu, $(nproc) CPUs, Linux $(uname -r), $(date -u +%Y-%m-%d), minibpf at"
echo "$(cat "$OUT/version" 2>/dev/null || echo '?') (the tree when the run began);"
echo "load average (1/5/15 min) at the start: $(sed -n 1p "$OUT/loadavg" 2>/dev/null), at the end: $(sed -n 2p "$OUT/loadavg" 2>/dev/null)."
echo

# The issue's targets, from the medians below.
awk '
{ med[$1, $2] = $3; calls[$1, $2] = $10; hwm[$1, $2] = $12; obj[$1] = 1 }
function r(o) { return (med[o, "minibpf-musl"] == "-" || med[o, "floor"] == "-" || med[o, "floor"] == "") ? "" : med[o, "minibpf-musl"] / med[o, "floor"] }
function mark(ok) { return ok ? "met" : "**missed**" }
END {
	print "| target (minibpf = the musl static binary) | measured | |"
	print "|---|---|---|"
	n = split("hello tiny maps globals subprogs xdp sockfilter progs1", small, " ")
	worst = 0; list = ""
	for (i = 1; i <= n; i++) {
		x = r(small[i])
		if (x == "") continue
		list = list sprintf("%s %.2f, ", small[i], x)
		if (x > worst) worst = x
	}
	printf "| small objects within 15%% of the floor | %s | %s |\n", substr(list, 1, length(list) - 2), mark(worst <= 1.15)
	x = r("progs256")
	if (x != "") printf "| 256 programs within 5%% of the floor | %.2f | %s |\n", x, mark(x <= 1.05)
	m = med["core", "minibpf-musl"]
	if (m != "" && m != "-") printf "| CO-RE object under 2 ms | %.2f ms (floor %.2f ms, bpftool %.2f ms) | %s |\n", m / 1000, med["core", "floor"] / 1000, med["core", "bpftool"] / 1000, mark(m < 2000)
	c = calls["tiny", "minibpf-musl"]
	if (c != "") printf "| at most 20 syscalls for the tiny object | %s (floor %s) | %s |\n", c, calls["tiny", "floor"], mark(c <= 20)
	worst = 0
	for (o in obj) if (hwm[o, "minibpf-musl"] != "-" && hwm[o, "minibpf-musl"] + 0 > worst) { worst = hwm[o, "minibpf-musl"] + 0; wo = o }
	if (worst) printf "| peak RSS at most 0.6 MB | %d KB (%s) | %s |\n", worst, wo, mark(worst <= 600)
}' "$RAW"
echo
echo "Whole processes (fork to exit), tools interleaved after a warm-up: median"
echo "wall time with min–max, median CPU time (user + system of the child, which"
echo "load from other processes disturbs less), ratio = minibpf (musl static) ÷"
echo "tool, peak RSS (VmHWM at exit), syscalls and bpf() calls (\`strace -f -c\`, execve"
echo "included), user-space instructions executed (callgrind, static binaries only:"
echo "exact, unlike times on a shared VM). \"wrong\": minibpf loaded instructions"
echo "that differ from bpftool's."
echo
echo "| object | tool | wall ms | min–max | CPU ms | musl ÷ wall | musl ÷ CPU | RSS KB | syscalls | bpf() | user Minsn |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
awk '
function ms(us) { return us == "-" ? "-" : sprintf("%.2f", us / 1000) }
function ratio(a, b) { return (a == "-" || b == "-" || a == "" || b == "") ? "-" : sprintf("%.2f", a / b) }
{ med[$1, $2] = $3; cpu[$1, $2] = $9; line[NR] = $0 }
END {
	for (i = 1; i <= NR; i++) {
		split(line[i], f, " ")
		o = f[1]; t = f[2]
		st = f[8] == "ok" ? "" : " (" f[8] ")"
		name = (o != prev) ? o : ""
		prev = o
		printf "| %s | %s%s | %s | %s–%s | %s | %s | %s | %s | %s | %s | %s |\n", name, t, st,
		       ms(f[3]), ms(f[4]), ms(f[5]), ms(f[9]),
		       ratio(med[o, "minibpf-musl"], f[3]), ratio(cpu[o, "minibpf-musl"], f[9]),
		       f[12], f[10], f[11], f[13] == "-" || f[13] == "" ? "-" : sprintf("%.3f", f[13] / 1e6)
	}
}' "$RAW"

echo
echo "Stripped sizes (bytes):"
echo
echo "| binary | linked | size |"
echo "|---|---|---:|"
size_of() { strip -o "$OUT/.s" "$1" 2>/dev/null && stat -c %s "$OUT/.s"; rm -f "$OUT/.s"; }
echo "| minibpf | musl static | $(size_of "$BB/musl/minibpf") |"
echo "| minibpf | glibc dynamic | $(size_of "$B/minibpf") |"
echo "| libbpf loader | musl static (libbpf, libelf, libz) | $(size_of "$BB/libbpf_load_static") |"
echo "| libbpf loader | glibc dynamic (+ libbpf.so $(size_of "$(readlink -f /usr/lib/"$(gcc -print-multiarch)"/libbpf.so.1)")) | $(size_of "$BB/libbpf_load") |"
echo "| bpftool $(bpftool version 2>/dev/null | sed -n 's/.*v\([0-9.]*\).*/\1/p' | head -1) | Debian, dynamic | $(size_of "$(command -v bpftool)") |"
echo "| floor | musl static | $(size_of "$BB/floor") |"

# Load time against the number of programs, one line per tool.
if command -v gnuplot >/dev/null; then
	for t in minibpf minibpf-musl bpftool libbpf libbpf-musl floor; do
		awk -v t="$t" '$2 == t && $1 ~ /^progs[0-9]+$/ && $3 != "-" {
			n = substr($1, 6); print n, $3 / 1000, $4 / 1000, $5 / 1000 }' "$RAW" \
			| sort -n > "$OUT/plot.$t.dat"
	done
	gnuplot <<EOG 2>>"$OUT/stderr.log"
set terminal svg size 720,480 dynamic font "sans,12"
set output "$OUT/plot.svg"
set title "prog loadall: load time against the number of programs"
set xlabel "programs in the object"
set ylabel "median wall time, ms (bars: min-max)"
set logscale xy
set xtics (1, 8, 64, 256)
set key top left
set grid
plot for [t in "minibpf minibpf-musl bpftool libbpf libbpf-musl floor"] \
	"$OUT/plot.".t.".dat" using 1:2:3:4 with yerrorlines title t
EOG
	echo
	echo "Plot: plot.svg (load time against the number of programs)."
fi
