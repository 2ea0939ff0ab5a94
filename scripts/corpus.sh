#!/bin/sh
# make corpus: the kernel's own BPF selftests (linux-source-6.1,
# tools/testing/selftests/bpf/progs/*.c) built with clang-19 against this
# kernel's vmlinux.h and libbpf-dev's headers, then each object loaded by
# `bpftool prog loadall` and by `minibpf prog loadall`, one object at a time
# under the kernel lock, and compared: which tool loads it, and where both do,
# the programs' tags and xlated instructions. Objects load one after the
# other, each waiting for the kernel to free the last one's programs and
# maps; the lock is let go every few seconds.
#
#   scripts/corpus.sh BUILD_DIR          build, load everything, print counts
#   CORPUS_ONLY='pat*' ...               only objects whose name matches
#   CORPUS_JOBS=N                        parallel compiles (default 2)
#   CORPUS_NOLOAD=1                      build only
#   CORPUS_REPORT=1                      counts of the results so far
#   CORPUS_RESUME=1                      skip objects with results already
#   CORPUS_HOLD=S                        hold the kernel lock for at most
#                                        about S seconds of objects (5)
#   CORPUS_TOOLS=minibpf                 load again with these tools only
#                                        (the others' earlier results kept)
#
# Nothing extracted or built here is committed: it all lives in BUILD/corpus.
set -u
case ${1:-} in --*) B=$CORPUS_BUILD ;; *) B=${1:-build} ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $B in /*) ;; *) B=$ROOT/$B ;; esac
C=$B/corpus
export CORPUS_BUILD=$B
TAR=/usr/src/linux-source-6.1.tar.xz
SRC=$C/src
ST=$SRC/tools/testing/selftests/bpf
OBJ=$C/obj
RES=$C/run
MINIBPF=$B/minibpf
SETTLE=$B/corpus-settle
LOCK=/tmp/minibpf-kernel.lock
JOBS=${CORPUS_JOBS:-2}
TOOLS=${CORPUS_TOOLS:-bpftool minibpf}
HOLD=${CORPUS_HOLD:-5}
ONLY=${CORPUS_ONLY:-*}
FS=/sys/fs/bpf
MULTIARCH=$(gcc -print-multiarch 2>/dev/null)

die() { echo "corpus: $*" >&2; exit 1; }

# ---- one object, one tool (runs under the lock) ---------------------------
# $2 tool, $3 object, $4 result prefix. Writes PREFIX.log (the tool's output),
# PREFIX.status ("rc programs maps"), PREFIX.progs ("pin-name tag" lines) and
# PREFIX.xlated/NAME (xlated dump, map ids blanked). Removes every pin the
# load made: its own directories, and maps pinned by name at the bpffs root.
if [ "${1:-}" = --one ]; then
	tool=$2 obj=$3 out=$4
	d=$FS/mbcorpus_$tool dm=$FS/mbcorpus_${tool}_maps
	rm -rf "$d" "$dm" "$out.xlated"
	mkdir -p "$out.xlated"
	ls -1A $FS | sort >"$out.root0"
	if [ "$tool" = bpftool ]; then cmd=bpftool; else cmd=$MINIBPF; fi
	# Maps pinned by name at the bpffs root: removed, and counted as created.
	unroot() {
		ls -1A $FS | sort >"$out.root1"
		for e in $(comm -13 "$out.root0" "$out.root1"); do
			rm -rf "${FS:?}/$e"
			echo "removed $FS/$e (pinned by name)" >>"$out.log"
			nm=$((nm + 1))
		done
	}
	np=0 nm=0
	timeout 120 "$cmd" prog loadall "$obj" "$d" >"$out.log" 2>&1
	rc=$?
	: >"$out.progs"
	if [ -d "$d" ]; then
		for p in "$d"/*; do
			[ -e "$p" ] || continue
			n=${p##*/}
			tag=$(bpftool prog show pinned "$p" 2>/dev/null | sed -n 's/.* tag \([0-9a-f]*\).*/\1/p' | head -1)
			[ -n "$tag" ] || continue
			np=$((np + 1))
			echo "$n $tag" >>"$out.progs"
			bpftool prog dump xlated pinned "$p" 2>&1 |
				sed 's/map\[id:[0-9]*\]/map[id:N]/g; s/\(bpf_[a-z_]*\)#[0-9]*/\1/g' >"$out.xlated/$n"
		done
	fi
	rm -rf "$d"
	unroot
	# No programs and no pins: again with pinmaps, to see the maps it
	# creates. (Not always: libbpf refuses pinmaps DIR for an object with a
	# map pinned by name.)
	if [ $rc = 0 ] && [ $np = 0 ] && [ $nm = 0 ]; then
		timeout 120 "$cmd" prog loadall "$obj" "$d" pinmaps "$dm" >>"$out.log" 2>&1
		rc=$?
		[ -d "$dm" ] && nm=$(ls -1A "$dm" | wc -l)
		rm -rf "$d" "$dm"
		unroot
	fi
	rm -f "$out.root0" "$out.root1"
	echo "$rc $np $nm" >"$out.status"
	exit 0
fi

# One object (under the lock): count the kernel's programs and maps, load
# with each tool, and after each wait until the counts are back.
if [ "${1:-}" = --object ]; then
	obj=$2 r=$3
	set -- $("$SETTLE" count)
	for t in bpftool minibpf; do
		x=$r.${t%"${t#?}"}
		case " $TOOLS " in *" $t "*) ;; *) [ -f "$x.status" ] && continue ;; esac
		sh "$0" --one $t "$obj" "$x"
		"$SETTLE" wait "$1" "$2" || echo "settle after $t" >>"$x.log"
	done
	exit 0
fi

# Objects from the head of list file $2 while the lock has been held less
# than HOLD seconds: other users of the kernel get it between batches.
if [ "${1:-}" = --batch ]; then
	end=$(($(date +%s) + HOLD))
	while [ -s "$2" ]; do
		o=$(head -n 1 "$2")
		n=${o##*/}; n=${n%.bpf.o}
		sh "$0" --object "$o" "$RES/$n"
		sed -i 1d "$2"
		[ "$(date +%s)" -lt $end ] || break
	done
	exit 0
fi

# ---- build ----------------------------------------------------------------
[ -x "$MINIBPF" ] || die "$MINIBPF missing: run make first"
[ -x "$SETTLE" ] || die "$SETTLE missing (scripts/corpus.mk builds it)"
[ -r "$TAR" ] || die "$TAR missing: apt-get install linux-source-6.1"
CLANG=${CORPUS_CLANG:-clang-19}
if ! command -v "$CLANG" >/dev/null; then
	echo "corpus: $CLANG is missing: installing it (apt-get install clang-19)"
	apt-get install -y clang-19 >/dev/null || die "cannot install clang-19"
fi
mkdir -p "$C" "$OBJ" "$RES"
if [ ! -f "$SRC/.stamp" ]; then
	echo "corpus: extracting selftests/bpf from $TAR"
	mkdir -p "$SRC"
	tar -xJf "$TAR" -C "$SRC" --strip-components=1 \
		linux-source-6.1/tools/testing/selftests/bpf \
		linux-source-6.1/tools/include/uapi \
		linux-source-6.1/tools/include/linux/filter.h || die "extraction failed"
	mkdir -p "$SRC/a/b/c"
	touch "$SRC/.stamp"
fi
if [ ! -s "$C/vmlinux.h" ]; then
	bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$C/vmlinux.h.tmp" &&
		mv "$C/vmlinux.h.tmp" "$C/vmlinux.h" || die "bpftool btf dump failed"
fi
# The selftests' own flags (selftests/bpf/Makefile's CLANG_BPF_BUILD_RULE),
# without -Werror: clang-19 warns where clang of 2022 did not. progs/syscall.c
# includes "../../../tools/include/linux/filter.h": src/a/b/c is the directory
# from which that path reaches src/tools/include.
CFLAGS="-g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -Wno-compare-distinct-pointer-types -w \
-I$C -I$ST -I$SRC/tools/include/uapi -I$SRC/a/b/c -I/usr/include/$MULTIARCH"
export CLANG CFLAGS OBJ
ls "$ST"/progs/$ONLY.c 2>/dev/null | while read -r s; do
	n=${s##*/}; n=${n%.c}
	case $n in test_l4lb_noinline|test_xdp_noinline) f=-fno-inline ;; *) f=-DMB_CORPUS ;; esac
	[ "$OBJ/$n.bpf.o" -nt "$s" ] || [ "$OBJ/$n.err" -nt "$s" ] || echo "$s $n $f"
done | nice -n 10 xargs -r -P "$JOBS" -L 1 sh -c '
	if $CLANG $CFLAGS $3 -c "$1" -o "$OBJ/$2.bpf.o" 2>"$OBJ/$2.err"; then rm -f "$OBJ/$2.err"
	else rm -f "$OBJ/$2.bpf.o"; touch "$OBJ/$2.err"; fi' sh
nsrc=$(ls "$ST"/progs/$ONLY.c | wc -l)
nobj=$(ls "$OBJ"/$ONLY.bpf.o 2>/dev/null | wc -l)
echo "corpus: $nobj objects from $nsrc sources ($((nsrc - nobj)) do not compile with $CLANG: $OBJ/*.err)"
[ "${CORPUS_NOLOAD:-0}" = 1 ] && exit 0
[ "${CORPUS_REPORT:-0}" = 1 ] && ONLY_REPORT=1

# ---- load and compare -------------------------------------------------------
mountpoint -q $FS || mount -t bpf bpf $FS
list=$C/pending.$$
trap 'rm -f "$list"' EXIT
: >"$list"
for o in "$OBJ"/$ONLY.bpf.o; do
	[ -e "$o" ] || continue
	n=${o##*/}; n=${n%.bpf.o}
	[ "${CORPUS_RESUME:-0}" = 1 ] && [ -f "$RES/$n.b.status" ] && [ -f "$RES/$n.m.status" ] && continue
	echo "$o" >>"$list"
done
todo=$(wc -l <"$list")
[ -n "${ONLY_REPORT:-}" ] && : >"$list"
while [ -s "$list" ]; do
	printf '\r  %d/%d %-40s' "$((todo - $(wc -l <"$list")))" "$todo" "$(head -n 1 "$list" | sed 's|.*/||')" >&2
	flock "$LOCK" sh "$0" --batch "$list"
done
echo >&2

# Counts. Loaded: exit status 0 and something was created (programs pinned,
# or for an object without programs, maps pinned).
loaded() { set -- $(cat "$1.status"); [ "$1" = 0 ] && [ $(($2 + $3)) -gt 0 ]; }
is_struct_ops() { readelf -SW "$1" 2>/dev/null | grep -q ' \.\?struct_ops'; }
: >"$C/only_bpftool"; : >"$C/only_minibpf"; : >"$C/differ"; : >"$C/struct_ops"
nb=0 nm=0 both=0 ob=0 om=0 diff=0 neither=0 zb=0 zm=0
for o in "$OBJ"/$ONLY.bpf.o; do
	[ -e "$o" ] || continue
	n=${o##*/}; n=${n%.bpf.o}; r=$RES/$n
	[ -f "$r.b.status" ] && [ -f "$r.m.status" ] || continue
	lb=0 lm=0
	read -r x _ <"$r.b.status"; [ "$x" = 0 ] && zb=$((zb + 1))
	read -r x _ <"$r.m.status"; [ "$x" = 0 ] && zm=$((zm + 1))
	loaded "$r.b" && lb=1 && nb=$((nb + 1))
	loaded "$r.m" && lm=1 && nm=$((nm + 1))
	so=; is_struct_ops "$o" && so=" (struct_ops)" && echo "$n" >>"$C/struct_ops"
	case $lb$lm in
	11) both=$((both + 1))
	    if ! cmp -s "$r.b.progs" "$r.m.progs" || ! diff -r "$r.b.xlated" "$r.m.xlated" >/dev/null; then
		    diff=$((diff + 1)); echo "$n" >>"$C/differ"
	    fi ;;
	10) ob=$((ob + 1)); echo "$n$so" >>"$C/only_bpftool" ;;
	01) om=$((om + 1)); echo "$n$so" >>"$C/only_minibpf" ;;
	00) neither=$((neither + 1)) ;;
	esac
done
{
	echo "corpus: $nobj objects (selftests/bpf/progs of linux-source-6.1, $CLANG, vmlinux.h of $(uname -r))"
	printf '  %-34s %7s %7s\n' "" bpftool minibpf
	printf '  %-34s %7d %7d\n' "objects loaded" "$nb" "$nm"
	printf '  %-34s %7d\n' "loaded by both" "$both"
	printf '  %-34s %7d\n' "loaded by neither" "$neither"
	printf '  %-34s %7d\n' "only bpftool" "$ob"
	printf '  %-34s %7d\n' "only minibpf" "$om"
	printf '  %-34s %7d\n' "both, programs or xlated differ" "$diff"
	printf '  %-34s %7d %7d\n' "exit status 0 (also nothing made)" "$zb" "$zm"
	[ -s "$C/only_bpftool" ] && echo "only bpftool: $(tr '\n' ' ' <"$C/only_bpftool")"
	[ -s "$C/only_minibpf" ] && echo "only minibpf: $(tr '\n' ' ' <"$C/only_minibpf")"
	[ -s "$C/differ" ] && echo "differ: $(tr '\n' ' ' <"$C/differ")"
	echo "logs: $RES/NAME.{b,m}.log, programs: NAME.{b,m}.progs, xlated: NAME.{b,m}.xlated/"
} | tee "$C/results.txt"
