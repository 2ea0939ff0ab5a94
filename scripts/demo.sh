#!/bin/sh
# The seed example end to end: load and attach, show the trace output, clean up.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
PIN=/sys/fs/bpf/bpf_program
MB="$B/minibpf"

[ -e "$PIN" ] && rm -f "$PIN"
echo "+ minibpf prog load $B/progs/hello.bpf.o $PIN autoattach"
"$MB" prog load "$B/progs/hello.bpf.o" "$PIN" autoattach
trap 'rm -f "$PIN"' EXIT INT TERM
# Make some execve() calls for the program to see.
( sleep 1; for i in 1 2 3; do /bin/true; sleep 0.3; done ) &
echo "+ minibpf prog tracelog   (for 3 seconds)"
timeout -s INT 3 "$MB" prog tracelog || true
wait
echo "+ rm $PIN                 (detaches and unloads)"
rm -f "$PIN"
trap - EXIT INT TERM
echo "demo: done"
