#!/bin/bash
# Turn $B/bench/results/raw.txt into a Markdown table (stdout) and plot.svg.
# raw.txt: object tool median_us min_us max_us rss_kb runs status cpu_us calls bpf
set -u
B=${1:-build}
BB=$B/bench
OUT=$BB/results
RAW=$OUT/raw.txt

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "Machine: $cpu, $(nproc) CPUs, Linux $(uname -r), $(date -u +%Y-%m-%d)."
echo
echo "Whole processes (fork to exit), tools interleaved after a warm-up: median"
echo "wall time with min–max, median CPU time (user + system of the child, which"
echo "load from other processes disturbs less), ratio = minibpf (musl static) ÷"
echo "tool, peak RSS (wait4), syscalls and bpf() calls (\`strace -f -c\`, execve"
echo "included). \"wrong\": minibpf loaded instructions that differ from bpftool's."
echo
echo "| object | tool | wall ms | min–max | CPU ms | musl ÷ wall | musl ÷ CPU | RSS KB | syscalls | bpf() |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
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
		printf "| %s | %s%s | %s | %s–%s | %s | %s | %s | %s | %s | %s |\n", name, t, st,
		       ms(f[3]), ms(f[4]), ms(f[5]), ms(f[9]),
		       ratio(med[o, "minibpf-musl"], f[3]), ratio(cpu[o, "minibpf-musl"], f[9]),
		       f[6], f[10], f[11]
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
