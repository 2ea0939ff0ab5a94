#!/bin/sh
# What the static binary is made of after --gc-sections and LTO: the size of
# every function and object left in BIN (nm of the unstripped link), summed
# by the module whose object defines that name, and the biggest ones. LTO
# inlines across files, so a function's bytes count where it ended up, not
# where its source is; names defined in several modules (static helpers)
# count as "shared"; names no module defines are libc's.
# usage: scripts/size_modules.sh OBJ_DIR BIN [TOP]
O=$1 BIN=$2 TOP=${3:-15}
[ -f "$BIN" ] || { echo "size: $BIN not built" >&2; exit 1; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for m in syscall elf btf check maps loader attach cli; do
	for o in "$O"/$m/*.o; do
		[ -f "$o" ] || continue
		# objdump, not nm: nm reads a fat LTO object's IR symbols (globals only)
		objdump -t "$o" 2>/dev/null | awk -v m="$m" '$3 ~ /^[FO]$/ && $4 !~ /^\*/ { print "D", $NF, m }'
	done
done > "$tmp"
# (aliases, e.g. fstatat and fstatat64, share an address: counted once)
nm -S -t d --size-sort "$BIN" | awk 'NF == 4 && !seen[$1]++ { print "S", $4, $2 + 0, $3 }' >> "$tmp"
# the loaded sections' bytes: what no symbol names is string literals (the
# error messages, mostly), tables without a name, and padding
size -A -d "$BIN" | awk '$1 ~ /^\.(text|rodata|data|init_array|fini_array|init|fini)/ { s += $2 } END { print "A", s }' >> "$tmp"
awk -v top="$TOP" '
$1 == "A" { alloc = $2; next }
$1 == "D" {
	n = $2; sub(/\..*/, "", n)
	if ((n, "m") in owner && owner[n, "m"] != $3) owner[n, "m"] = "shared"
	else owner[n, "m"] = $3
	next
}
{
	n = $2; sub(/\..*/, "", n)       # name.lto_priv.0, .constprop.0, .isra.0
	m = (n, "m") in owner ? owner[n, "m"] : "libc"
	if ($4 ~ /^[bB]$/) { bss[m] += $3; next }   # no bytes in the file
	sz[m] += $3; total += $3
	k++; fname[k] = $2; fsize[k] = $3; fmod[k] = m
}
END {
	printf "%-10s %8s  (functions and data left after --gc-sections and LTO, by defining module)\n", "module", "bytes"
	split("syscall elf btf check maps loader attach cli shared libc", order, " ")
	for (i = 1; i <= 10; i++) if (sz[order[i]]) printf "%-10s %8d\n", order[i], sz[order[i]]
	printf "%-10s %8d  (string literals, unnamed tables, padding)\n", "unnamed", alloc - total
	printf "%-10s %8d\n", "total", alloc
	printf "\nbiggest (bytes, module, name):\n"
	for (i = k; i > k - top && i > 0; i--) printf "%8d  %-8s %s\n", fsize[i], fmod[i], fname[i]
}' "$tmp"
