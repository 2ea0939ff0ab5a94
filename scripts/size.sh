#!/bin/sh
# Print the stripped size of the static binary and what each module costs
# (text + data of its objects, as linked into the musl build).
MB=${1:-build/musl}
bin="$MB/minibpf"
[ -f "$bin" ] || { echo "size: $bin not built (make static)" >&2; exit 1; }
printf '%-10s %8s\n' "static" "$(stat -c %s "$bin")"
printf '%-10s %8s  (text+data of the objects, before --gc-sections)\n' "module" "bytes"
total=0
for m in syscall elf btf check maps loader attach cli; do
	objs=$(ls "$MB"/obj/$m/*.o 2>/dev/null)
	[ -n "$objs" ] || continue
	# shellcheck disable=SC2086
	n=$(size -t $objs | awk 'END { print $1 + $2 }')
	total=$((total + n))
	printf '%-10s %8s\n' "$m" "$n"
done
printf '%-10s %8s\n' "total" "$total"
