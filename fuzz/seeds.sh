#!/bin/sh
# Seed corpora for the fuzz targets: the fixture objects built from progs/
# and the BPF objects a Debian system ships. For btf and btf_ext the sections
# are cut out with llvm-objcopy (core takes the btf_ext format).  Usage: fuzz/seeds.sh BUILD_DIR OUT_DIR
set -e
B=$1 OUT=$2
mkdir -p "$OUT/elf" "$OUT/open" "$OUT/btf" "$OUT/btf_ext" "$OUT/core"
objcopy=$(command -v llvm-objcopy || command -v llvm-objcopy-14 || echo)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "$B"/progs/*.bpf.o /usr/lib/*/bpf/*.o; do
	[ -f "$o" ] || continue
	n=$(basename "$o" .o)
	cp "$o" "$OUT/elf/$n"
	cp "$o" "$OUT/open/$n"
	[ -n "$objcopy" ] || continue
	rm -f "$tmp/btf" "$tmp/ext"
	"$objcopy" --dump-section .BTF="$tmp/btf" "$o" /dev/null 2>/dev/null || continue
	cp "$tmp/btf" "$OUT/btf/$n"
	"$objcopy" --dump-section .BTF.ext="$tmp/ext" "$o" /dev/null 2>/dev/null || continue
	# btf_ext input: u32 length of the .BTF (little endian), .BTF, .BTF.ext
	len=$(stat -c %s "$tmp/btf")
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $((len & 255)) $((len >> 8 & 255)) \
		$((len >> 16 & 255)) $((len >> 24 & 255)))" > "$OUT/btf_ext/$n"
	cat "$tmp/btf" "$tmp/ext" >> "$OUT/btf_ext/$n"
	cp "$OUT/btf_ext/$n" "$OUT/core/$n"      # same input format
done
