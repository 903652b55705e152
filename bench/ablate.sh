#!/bin/sh
# bench/ablate.sh: where the plugin's CPU cost goes, stage by stage. See docs/PERFORMANCE.md.
#
#   bench/ablate.sh [-n PAIRS | --count PACKETS] [--conns N | --long] [--commit REV]
#                   [--stages "1 2 3 4 0"] [--tshark-args "ARGS"] [--out FILE]
#
# Builds the plugin from a clean `git archive REV` (default HEAD) once per stage, each copy
# stopping its post-dissector early (TCPCONN_BENCH_STOP in plugin/packet-tcpconn.c):
#   1 entry      registered and called on every packet, returns at once
#   2 stream     + the TCP header and tcp.stream (extract.c, stream-cache.c)
#   3 core       + the connection table and the core's update (table.c, core/conn.c)
#   4 role-check + "may this frame have a role?" (core/role.c)
#   0 full       + rendering (render.c) and the statistics tap: the real plugin
# generates bench/'s capture (gen-capture; default 24 000 connections, --long: 1 000
# connections of 40 exchanges), and for every stage runs PAIRS pairs (default 16): that
# build and tshark with no tcpconn.so at all at the same time, one on each CPU (taskset,
# swapped every pair), as bench/run.sh --side-by-side does. It prints, per stage, the median
# of the pairs' CPU-time ratios with quartiles; the step from one stage to the next is what
# that stage costs (steps below about 1 % are within the noise of 16 pairs).
# --tshark-args: extra tshark arguments for both runs of a pair (e.g. "-2"); default none
# (plain tshark -r, output to /dev/null). Needs 2 CPUs. Runs as uid 65534 when root (root
# never loads personal plugins).
# --count PACKETS: counts instead of timing, with numbers that do not move between runs:
# each stage's copy runs plain tshark -r on the capture's first PACKETS packets under
# callgrind with its cache simulation (bench/profile.sh --runs A --cache-sim), and the report
# gives the post-dissector's inclusive instructions and level-1 instruction and data misses
# per packet (the plugin and the Wireshark functions it calls). Needs valgrind, not 2 CPUs;
# about two minutes a stage for 60 000 packets.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
pairs=16
conns=24000
rounds=
commit=HEAD
stages="1 2 3 4 0"
targs=
out=
count=

die() { echo "bench/ablate.sh: $*" >&2; exit 2; }
stage_name() {
    case $1 in
    1) echo "entry (called, returns at once)" ;;
    2) echo "+ TCP header and tcp.stream" ;;
    3) echo "+ connection table and core" ;;
    4) echo "+ role check" ;;
    0) echo "+ rendering and tap (the plugin)" ;;
    *) echo "stage $1" ;;
    esac
}
while [ $# -gt 0 ]; do
    case $1 in
    -n) pairs=$2; shift 2 ;;
    --count) count=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --long) conns=1000; rounds=40; shift ;;
    --commit) commit=$2; shift 2 ;;
    --stages) stages=$2; shift 2 ;;
    --tshark-args) targs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done
case $pairs in ''|*[!0-9]*|0) die "-n needs a positive number" ;; esac
case $count in *[!0-9]*) die "--count needs a number of packets" ;; esac
[ -z "$count" ] || command -v valgrind >/dev/null 2>&1 || die "--count needs valgrind"
[ -z "$count" ] || [ -z "$targs" ] || die "--tshark-args is for timing; --count counts plain tshark -r"
for tool in tshark cmake taskset setpriv /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
[ -n "$count" ] || [ "$(nproc)" -ge 2 ] || die "needs 2 CPUs"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-ablate.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

rev=$(git -C "$src" rev-parse --verify "$commit^{commit}") || die "no commit $commit"
mkdir -p "$tmp/src"
git -C "$src" archive "$rev" | tar -x -C "$tmp/src"
for k in $stages; do
    echo "== build stage $k" >&2
    cmake -S "$tmp/src" -B "$tmp/build$k" -DCMAKE_C_FLAGS="-DTCPCONN_BENCH_STOP=$k" >/dev/null
    cmake --build "$tmp/build$k" -j2 --target tcpconn >/dev/null
done

if [ -n "$count" ]; then
    # bench/profile.sh (which also builds the analyzer and the generator in the stage's build
    # directory) makes the capture in its own sandbox and counts run A there.
    echo "# bench/ablate.sh --count at $rev, $(date -u +%Y-%m-%dT%H:%MZ)" >"$tmp/report"
    echo "# capture: the first $count packets of gen-capture --conns $conns${rounds:+ --rounds $rounds}; plain tshark -r" >>"$tmp/report"
    echo "# per packet, inclusive in dissect_tcpconn (callgrind --cache-sim): instructions, L1 instruction misses, L1 data misses" >>"$tmp/report"
    for k in $stages; do
        echo "== stage $k: callgrind" >&2
        "$here/profile.sh" --build "$tmp/build$k" --runs A --cache-sim --packets "$count" --conns "$conns" \
            ${rounds:+--rounds "$rounds"} "$tmp/count$k" >"$tmp/count$k.log" 2>&1 ||
            { cat "$tmp/count$k.log" >&2; die "stage $k: bench/profile.sh failed"; }
        row=$(awk '$1 == "dissect_tcpconn" { print $3 "\t" $5 "\t" $6 }' "$tmp/count$k/summary.txt")
        [ -n "$row" ] || die "stage $k: no dissect_tcpconn in $tmp/count$k/summary.txt"
        printf '%s\t%s\t%s\n' "$k" "$row" "$(stage_name "$k")" >>"$tmp/report"
    done
    if [ -n "$out" ]; then tee "$out" <"$tmp/report"; else cat "$tmp/report"; fi
    exit 0
fi

# The sandbox of bench/run.sh (bench/sandbox.sh): one HOME per stage, and one without tcpconn.so.
# shellcheck source=bench/sandbox.sh
. "$here/sandbox.sh"
sandbox_init "$tmp"
for k in $stages; do
    sandbox_home "$tmp/home$k" "$tmp/build$k/plugin/tcpconn.so"
done
sandbox_home "$tmp/home-none"
cmake -S "$here" -B "$tmp/gen" >/dev/null
cmake --build "$tmp/gen" >/dev/null
F=$tmp/capture.pcap
"$tmp/gen/gen-capture" --conns "$conns" ${rounds:+--rounds "$rounds"} "$F" 2>/dev/null
sandbox_own

# one HOME CPU TIMEFILE: tshark -r F on that CPU, its user+system seconds into TIMEFILE.
one() {
    # shellcheck disable=SC2086
    sandbox_run "$1" taskset -c "$2" /usr/bin/time -f '%U %S' -o "$3" tshark -r "$F" $targs >/dev/null 2>&1
}
results=$tmp/results
: > "$results"
sandbox_check "$tmp/home-none"
for k in $stages; do
    sandbox_check "$tmp/home$k" # the stage's build, and only it
    echo "== stage $k: $pairs pairs" >&2
    i=0
    while [ "$i" -lt "$pairs" ]; do
        ca=$((i % 2)); cc=$((1 - ca))
        one "$tmp/home$k" $ca "$tmp/t.a" &
        pa=$!
        one "$tmp/home-none" $cc "$tmp/t.c" &
        pc=$!
        wait $pa $pc
        echo "$k.A $(awk '{print $1 + $2}' "$tmp/t.a")" >> "$results"
        echo "$k.C $(awk '{print $1 + $2}' "$tmp/t.c")" >> "$results"
        i=$((i + 1))
    done
done

# shellcheck source=bench/results.sh
. "$here/results.sh"
report() {
    packets=$(capinfos -Mc "$F" 2>/dev/null | sed -n 's/^Number of packets: *//p')
    echo "# bench/ablate.sh at $rev, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo "# capture: gen-capture --conns $conns${rounds:+ --rounds $rounds} ($packets packets); tshark -r F $targs"
    echo "# paired CPU ratio stage/none, $pairs pairs side by side: median (quartiles)"
    for k in $stages; do
        printf '%s\t%s\t%s\n' "$k" "$(paired "$k.A" "$k.C" 2)" "$(stage_name "$k")"
    done
}
if [ -n "$out" ]; then report | tee "$out"; else report; fi
