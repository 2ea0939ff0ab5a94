#!/bin/sh
# Print the stripped size of the static binary and what each module costs
# (text + data of its objects, as linked into the musl build); with
# architecture names after it, one row per make static ARCH=... build too.
MB=${1:-build/musl}
bin="$MB/minibpf"
[ -f "$bin" ] || { echo "size: $bin not built (make static)" >&2; exit 1; }
printf '%-13s %8s\n' "static" "$(stat -c %s "$bin")"
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && printf '%-13s %8s  %s\n' "arch" "bytes" "libc (make static ARCH=...)"
for a in "$@"; do
	f="build/static-$a/minibpf"
	if [ -f "$f" ]; then
		printf '%-13s %8s  %s\n' "$a" "$(stat -c %s "$f")" "$(cat "build/static-$a/libc")"
	else
		printf '%-13s %8s  %s\n' "$a" "-" "not built (no cross compiler: scripts/setup.sh)"
	fi
done
# make static LIBC=nolibc [ARCH=...]: the kernel's nolibc instead (nolibc/);
# then make tiny (README "Build options"), musl or nolibc, per architecture
for f in build/static-nolibc-*/minibpf; do
	a=${f#build/static-nolibc-}; a=${a%/minibpf}
	[ -f "$f" ] && [ "${a%-tiny}" = "$a" ] || continue
	printf '%-13s %8s  %s\n' "$a" "$(stat -c %s "$f")" "nolibc (make static LIBC=nolibc ARCH=$a)"
done
for d in build/musl-tiny build/static-*-tiny; do
	[ -f "$d/minibpf" ] || continue
	a=${d#build/static-}; a=${a%-tiny}; [ "$d" = build/musl-tiny ] && a=host
	how="make tiny"
	case $a in nolibc-*) a=${a#nolibc-} how="make tiny LIBC=nolibc" ;; esac
	[ "$a" = host ] || how="$how ARCH=$a"
	printf '%-13s %8s  %s\n' "tiny-$a" "$(stat -c %s "$d/minibpf")" "$(cat "$d/libc" 2>/dev/null || echo musl) ($how)"
done
printf '%-13s %8s  (text+data of the objects, before --gc-sections)\n' "module" "bytes"
total=0
for m in syscall elf btf check maps loader attach cli; do
	objs=$(ls "$MB"/obj/$m/*.o 2>/dev/null)
	[ -n "$objs" ] || continue
	# shellcheck disable=SC2086
	n=$(size -t $objs | awk 'END { print $1 + $2 }')
	total=$((total + n))
	printf '%-13s %8s\n' "$m" "$n"
done
printf '%-13s %8s\n' "total" "$total"
