#!/bin/sh
# Seed corpora for the fuzz targets: the fixture objects built from progs/
# and the BPF objects a Debian system ships. For btf and btf_ext the sections
# are cut out with llvm-objcopy (core takes the btf_ext format).  Usage: fuzz/seeds.sh BUILD_DIR OUT_DIR
set -e
B=$1 OUT=$2
mkdir -p "$OUT/elf" "$OUT/open" "$OUT/btf" "$OUT/btf_ext" "$OUT/core" "$OUT/inflate" "$OUT/check"
objcopy=$(command -v llvm-objcopy || command -v llvm-objcopy-14 || echo)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for o in "$B"/progs/*.bpf.o /usr/lib/*/bpf/*.o; do
	[ -f "$o" ] || continue
	n=$(basename "$o" .o)
	cp "$o" "$OUT/elf/$n"
	cp "$o" "$OUT/open/$n"
	cp "$o" "$OUT/check/$n"
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
# inflate: gzip of a few sources, and raw DEFLATE of text and random bytes
# at each level and strategy (stored, fixed and dynamic blocks)
for f in btf/inflate.c README.md; do
	[ -f "$f" ] && gzip -9c "$f" > "$OUT/inflate/gz-$(basename "$f")"
done
python3 - "$OUT/inflate" <<'PY'
import os, random, sys, zlib
out = sys.argv[1]
rnd = random.Random(1)
data = {"text": open("README.md", "rb").read()[:20000] if os.path.exists("README.md") else b"CONFIG_BPF=y\n" * 500,
        "random": bytes(rnd.getrandbits(8) for _ in range(3000)),
        "runs": b"".join(bytes([i]) * rnd.randrange(1, 300) for i in range(40))}
for name, d in data.items():
    for level in (0, 1, 6, 9):
        for strat in (zlib.Z_DEFAULT_STRATEGY, zlib.Z_FIXED):
            c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strat)
            open(os.path.join(out, "raw-%s-%d-%d" % (name, level, strat)), "wb").write(c.compress(d) + c.flush())
PY
# events: well-formed synthetic rings (see fuzz/fuzz_events.c for the layout)
mkdir -p "$OUT/events"
python3 - "$OUT/events" <<'PY'
import os, struct, sys
out = sys.argv[1]
def rb_rec(s, flags=0):
    r = struct.pack("<II", len(s) | flags, 0) + s
    return r + b"\0" * (-len(r) % 8)
recs = rb_rec(b"hello") + rb_rec(b"x" * 20, 1 << 30) + rb_rec(b"world!!!")
for word, sel in ((8, 0), (4, 2)):
    open(os.path.join(out, "ring%d" % word), "wb").write(
        bytes([sel, 6]) + struct.pack("<QQ", 0, len(recs)) + recs)
# wrapped: 512-byte ring, records from offset 496 on
open(os.path.join(out, "ring-wrap"), "wb").write(
    bytes([0, 6]) + struct.pack("<QQ", 496, 496 + len(recs)) + recs[16:] + b"\0" * (512 - len(recs)) + recs[:16])
def perf_rec(typ, body):
    body += b"\0" * (-(len(body) + 8) % 8)
    return struct.pack("<IHH", typ, 0, len(body) + 8) + body
p = perf_rec(9, struct.pack("<I", 12) + b"sample bytes") + perf_rec(2, struct.pack("<QQ", 1, 7))
open(os.path.join(out, "perf"), "wb").write(bytes([1, 6]) + struct.pack("<QQ", 0, len(p)) + p)
PY
