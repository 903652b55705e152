#!/bin/sh
# bench/profile.sh: instruction profiles (valgrind --tool=callgrind) of the plugin in
# tshark and of tcpconn-analyze, on the benchmark capture. See docs/PERFORMANCE.md.
#
#   bench/profile.sh [--packets N] [--conns N] [--seed S] [--rounds N | --long]
#                    [--build DIR | --commit REV] [--runs "A B C A2 B2 Z"] [--cache-sim] OUTDIR
#
# Generates the benchmark capture (gen-capture, as bench/run.sh does; --rounds and --long as
# there), cuts its first N packets (default 100000) and runs, in the same sandbox as
# bench/run.sh (uid 65534, the freshly built plugin as a personal plugin, no global plugins):
#   A  tshark -r SLICE                                   (plugin on)
#   B  tshark --disable-protocol tcpconn -r SLICE        (plugin off, no protocol tree)
#   C  tshark --disable-protocol tcpconn -r SLICE -Y frame
#        (plugin off, but a protocol tree is built as when a post-dissector wants fields)
#   A2 tshark -2 -r SLICE    B2 the same, plugin off
#   F  tshark -r SLICE -Y 'tcpconn.teardown.style == "three-way"'   (not in the default runs)
#   R  tshark -r SLICE -Y tcpconn.role   RB the same, plugin off        (not in the default runs)
#   Z  tcpconn-analyze --json on the whole capture
# each under callgrind. OUTDIR gets the callgrind.out.* files, callgrind_annotate's
# inclusive and exclusive listings (*.incl.txt, *.self.txt) and summary.txt: total
# instructions per run, the differences (A-B: what the plugin costs in all; C-B: the
# protocol tree that its wanted fields force; A-C: the rest) and the inclusive cost of
# the plugin's own functions per packet.
# --cache-sim: callgrind simulates the caches too (L1 64 KiB instruction and 48 KiB data,
# as this machine's CPU, 2 MiB last level; about twice as slow), and summary.txt adds the
# level-1 instruction and data misses per packet of A-B: the plugin's code evicts
# tshark's own per-packet code, which does not fit in L1, so misses matter as much as
# instructions (docs/PERFORMANCE.md).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
packets=100000
conns=48000
rounds=
seed=1
build=$src/build
commit=
outdir=
runs="A B C A2 B2 Z"
cachesim=

die() { echo "bench/profile.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    --packets) packets=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --long) conns=1000; rounds=40; shift ;;
    --build) build=$2; shift 2 ;;
    --commit) commit=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --cache-sim) cachesim="--cache-sim=yes --I1=65536,8,64 --D1=49152,12,64 --LL=2097152,16,64"; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) [ -z "$outdir" ] || die "one OUTDIR only"; outdir=$1; shift ;;
    esac
done
[ -n "$outdir" ] || die "usage: bench/profile.sh [options] OUTDIR (see --help)"
command -v valgrind >/dev/null 2>&1 || die "valgrind is needed (apt-get install valgrind)"
mkdir -p "$outdir"
outdir=$(cd "$outdir" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-profile.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

buildsrc=$src
if [ -n "$commit" ]; then
    rev=$(git -C "$src" rev-parse --verify "$commit^{commit}") || die "no commit $commit"
    mkdir -p "$tmp/src"
    git -C "$src" archive "$rev" | tar -x -C "$tmp/src"
    buildsrc=$tmp/src
    build=$tmp/src/build
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$buildsrc" -B "$build" >/dev/null
cmake --build "$build" -j2 --target tcpconn tcpconn-analyze >/dev/null
cmake -S "$here" -B "$build/bench-gen" >/dev/null
cmake --build "$build/bench-gen" >/dev/null

# The sandbox of bench/run.sh (bench/sandbox.sh).
# shellcheck source=bench/sandbox.sh
. "$here/sandbox.sh"
sandbox_init "$tmp"
sandbox_home "$tmp/home" "$build/plugin/tcpconn.so"
mkdir -p "$tmp/out"
F=$tmp/capture.pcap
S=$tmp/slice.pcap
"$build/bench-gen/gen-capture" --conns "$conns" --seed "$seed" ${rounds:+--rounds "$rounds"} "$F"
editcap -r "$F" "$S" "1-$packets"
sandbox_own
run() {
    sandbox_run "$tmp/home" "$@"
}
sandbox_check "$tmp/home"

cg() { # cg NAME CMD...
    name=$1
    shift
    echo "== callgrind $name: $*" >&2
    run valgrind --tool=callgrind $cachesim --callgrind-out-file="$tmp/out/callgrind.out.$name" "$@" >/dev/null 2>"$tmp/out/$name.log" ||
        { cat "$tmp/out/$name.log" >&2; die "$name failed"; }
    cp "$tmp/out/callgrind.out.$name" "$tmp/out/$name.log" "$outdir/"
    callgrind_annotate --inclusive=yes --threshold=100 "$outdir/callgrind.out.$name" 2>/dev/null |
        cat >"$outdir/$name.incl.txt"
    callgrind_annotate --threshold=100 "$outdir/callgrind.out.$name" 2>/dev/null | head -100 >"$outdir/$name.self.txt"
}
total() { # instructions (the first event) of run $1, 0 if it was not run
    [ -f "$outdir/callgrind.out.$1" ] && awk '/^(summary|totals):/ { print $2; exit }' "$outdir/callgrind.out.$1" || echo 0
}
# fn_incl NAME FUNCTION [EVENT...]: inclusive counts of the EVENTs (default Ir) of FUNCTION in run
# NAME, space-separated, 0 each if absent. callgrind_annotate's rows are "COUNT (PCT%) ...
# FILE:FUNCTION [OBJECT]", one count per event in the order of its "Ir ... file:function" header;
# a count of 0 is ".".
fn_incl() {
    run_file=$outdir/$1.incl.txt
    want=$2
    shift 2
    awk -v f="$want" -v events="${*:-Ir}" '
        BEGIN { ne = split(events, ev, " ") }
        /file:function/ && !seen { seen = 1; for (i = 1; i <= NF; i++) for (j = 1; j <= ne; j++) if ($i == ev[j]) col[j] = i; next }
        seen {
            line = $0
            gsub(/\([^)]*\)/, "", line)
            n = split(line, w, " ")
            for (i = 1; i <= n && w[i] !~ /:/; i++) ;
            if (i <= n && (w[i] ~ ("^[^ ]*:" f "$") || w[i] == f)) {
                for (j = 1; j <= ne; j++) { v = (j in col) ? w[col[j]] : 0; gsub(",", "", v); out = out (j > 1 ? " " : "") (v == "." ? 0 : v + 0) }
                print out; found = 1; exit
            }
        }
        END { if (!found) { for (j = 1; j <= ne; j++) out = out (j > 1 ? " " : "") 0; print out } }' "$run_file"
}

has() { case " $runs " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
has A && cg A tshark -r "$S"
has B && cg B tshark --disable-protocol tcpconn -r "$S"
has C && cg C tshark --disable-protocol tcpconn -r "$S" -Y frame
has F && cg F tshark -r "$S" -Y 'tcpconn.teardown.style == "three-way"'
has R && cg R tshark -r "$S" -Y tcpconn.role
has RB && cg RB tshark --disable-protocol tcpconn -r "$S" -Y tcpconn.role
has A2 && cg A2 tshark -2 -r "$S"
has B2 && cg B2 tshark -2 --disable-protocol tcpconn -r "$S"
has Z && cg Z "$build/analyzer/tcpconn-analyze" --json "$F"
zpackets=$(run capinfos -Mc "$F" | sed -n 's/^Number of packets: *//p')

{
    echo "callgrind, $(date -u '+%Y-%m-%d %H:%M UTC'); slice: first $packets packets of gen-capture --conns $conns --seed $seed${rounds:+ --rounds $rounds}"
    echo "source: $(if [ -n "$commit" ]; then echo "commit $rev"; else git -C "$src" describe --always --dirty; fi)"
    ta=$(total A); tb=$(total B); tc=$(total C); ta2=$(total A2); tb2=$(total B2); tz=$(total Z)
    pp() { awk -v x="$1" -v n="$2" 'BEGIN { printf "%.0f", x / n }'; }
    pct() { awk -v x="$1" -v t="$2" 'BEGIN { printf "%.1f%%", 100 * x / t }'; }
    echo "total Ir: A $ta, B $tb, C $tc; A2 $ta2, B2 $tb2; Z $tz"
    has A && has B && echo "A-B (plugin, one pass): $((ta - tb)) = $(pp $((ta - tb)) "$packets")/packet, $(pct $((ta - tb)) "$tb") of B"
    has C && echo "  C-B (a protocol tree and a trivial -Y, no plugin): $((tc - tb)) = $(pp $((tc - tb)) "$packets")/packet"
    has C && echo "  A-C: $((ta - tc)) = $(pp $((ta - tc)) "$packets")/packet"
    tr=$(total R); trb=$(total RB)
    has R && has RB && echo "R-RB (plugin, -Y tcpconn.role): $((tr - trb)) = $(pp $((tr - trb)) "$packets")/packet, $(pct $((tr - trb)) "$trb") of RB"
    has A2 && has B2 && echo "A2-B2 (plugin, two passes): $((ta2 - tb2)) = $(pp $((ta2 - tb2)) "$packets")/packet, $(pct $((ta2 - tb2)) "$tb2") of B2"
    for run_name in A A2 F R; do
        has "$run_name" || continue
        echo "inclusive Ir in $run_name (per packet, share of the run${cachesim:+; then L1 instruction and data misses per packet}):"
        for f in dissect_tcpconn tcpconn_extract tcpconn_table_update tcpconn_table_lookup tcpconn_render \
            tcpconn_summarize tcpconn_roles tcpconn_update add_connection_subtree proto_get_finfo_ptr_array \
            prime_epan_dissect_with_postdissector_wanted_hfids col_append_sep_str; do
            # shellcheck disable=SC2046
            set -- $(fn_incl "$run_name" "$f" Ir I1mr D1mr) # misses 0 without --cache-sim
            [ "$1" != 0 ] || continue
            printf '  %-50s %12s %8s %7s' "$f" "$1" "$(pp "$1" "$packets")" "$(pct "$1" "$(total "$run_name")")"
            [ -z "$cachesim" ] || awk -v i="$2" -v d="$3" -v n="$packets" 'BEGIN { printf " %8.1f %8.1f", i / n, d / n }'
            echo
        done
    done
    if [ -n "$cachesim" ] && has A && has B; then
        # The events line names the columns of the totals line: Ir I1mr D1mr ...
        misses() { # misses NAME EVENT
            awk -v e="$2" '/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1 }
                /^(summary|totals):/ { print $(col[e] + 1); exit }' "$outdir/callgrind.out.$1"
        }
        for ev in I1mr D1mr DLmr; do
            a=$(misses A $ev); b=$(misses B $ev)
            echo "$ev: A $a, B $b; A-B $((a - b)) = $(pp $((a - b)) "$packets")/packet ($(pct $((a - b)) "$b") of B)"
        done
    fi
    has Z && echo "tcpconn-analyze on the whole capture ($zpackets packets): $tz Ir = $(pp "$tz" "$zpackets")/packet"
} | tee "$outdir/summary.txt"
