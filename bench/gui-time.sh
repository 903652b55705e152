#!/bin/sh
# bench/gui-time.sh: what the plugin costs in the Wireshark GUI (issue 13). See
# docs/PERFORMANCE.md.
#
#   bench/gui-time.sh [-n REPS] [--conns N | --capture FILE] [--build DIR] [--cpu N] [--out FILE]
#
# Opens the benchmark capture (gen-capture --conns N, default 48000; or FILE) in
# `wireshark -r F` under Xvfb, as uid 65534 when started as root (root never loads
# personal plugins), in the sandbox of bench/run.sh (bench/sandbox.sh), and measures until
# the packet list is filled: Wireshark's CPU time (user + system, from /proc/PID/stat) and
# the wall time until its CPU time stopped growing (loaded = no more than 20 ms of CPU in
# 1.5 s; it is then idle, waiting for the user, and is killed). A first start per HOME is
# not measured (it writes configuration and caches). Every repetition (default 6, a whole
# rotation), the variants of each run in the rotating order of variant_order
# (bench/results.sh):
#   start.A   wireshark (no file)                             plugin installed
#   start.C   the same, no tcpconn.so at all
#   open.A    wireshark -r F                                  plugin installed
#   open.C    wireshark -r F                                  no tcpconn.so at all
#   filter.A  wireshark -r F -Y 'tcpconn.teardown.style == "three-way"'
#   filter.B  the same with --disable-protocol tcpconn (the field exists, matches nothing)
#   filter.C  wireshark -r F -Y 'tcp.flags.fin == 1'           no tcpconn.so (the tcpconn
#             filter does not exist there; this one builds the same tree and shows a few
#             per cent of the packets, as the three-way filter does)
# Loading with a filter costs less than without one: the packet list then holds a few per
# cent of the rows. So the filter's cost is compared as filter.A against filter.C, and the
# loads as open - start and filter - start. Prints medians and ratios, and the ratio of the
# fastest runs (noise only ever adds time). --cpu N: Wireshark (all of its threads) on CPU N
# only, for a host whose two CPUs are not equally fast (bench/run.sh --cpu; Xvfb stays
# free). Needs wireshark (Qt), Xvfb.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
reps=6 # a whole rotation of variant_order
conns=48000
capture=
build=$src/build
out=
pin_cpu=
die() { echo "bench/gui-time.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) reps=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --capture) capture=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --cpu) pin_cpu=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done
for tool in wireshark Xvfb cmake; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
plugin=$build/plugin/tcpconn.so
[ -f "$plugin" ] || die "no plugin at $plugin (build first)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-gui-time.XXXXXX")
# The fields of $results (bench/results.sh): 2 cpu, 3 wall.
results=$tmp/results
# shellcheck source=bench/results.sh
. "$here/results.sh"
xvfb_pid=
cleanup() {
    [ -z "$xvfb_pid" ] || kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if [ -n "$pin_cpu" ]; then
    check_cpu "$pin_cpu"
    command -v taskset >/dev/null 2>&1 || die "--cpu needs taskset (util-linux)"
fi

# shellcheck source=bench/sandbox.sh
. "$here/sandbox.sh"
sandbox_init "$tmp"
sandbox_home "$tmp/home" "$plugin"
sandbox_home "$tmp/home-noplugin"
F=$tmp/capture.pcap
if [ -n "$capture" ]; then
    cp "$capture" "$F"
else
    cmake -S "$here" -B "$build/bench-gen" >/dev/null
    cmake --build "$build/bench-gen" >/dev/null
    "$build/bench-gen/gen-capture" --conns "$conns" "$F"
fi
sandbox_own
sandbox_check "$tmp/home"
sandbox_check "$tmp/home-noplugin"

# One X server for every run.
display=:$((90 + $$ % 100))
Xvfb "$display" -screen 0 1600x1000x24 -ac -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
kill -0 "$xvfb_pid" 2>/dev/null || die "Xvfb did not start on $display"

tck=$(getconf CLK_TCK)
# measure NAME ARGS...: runs wireshark ARGS until it is idle; appends "NAME cpu_s wall_s".
measure() {
    name=$1
    shift
    t0=$(date +%s%N)
    (sandbox_exec "${home:-$tmp/home}" DISPLAY="$display" QT_QPA_PLATFORM=xcb \
        ${pin_cpu:+taskset -c "$pin_cpu"} wireshark "$@") >/dev/null 2>&1 &
    pid=$! # wireshark's own: the subshell became it (exec)
    last=0 last_change=$t0 stable_since=$t0
    while kill -0 "$pid" 2>/dev/null; do
        sleep 0.1
        now=$(date +%s%N)
        ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || break
        if [ $((ticks - last)) -gt 2 ]; then
            last=$ticks stable_since=$now last_change=$now
        elif [ $((now - stable_since)) -gt 1500000000 ] && [ $((now - t0)) -gt 3000000000 ]; then
            break
        fi
    done
    ticks=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo "$last")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    awk -v n="$name" -v t="$ticks" -v hz="$tck" -v a="$t0" -v b="$last_change" \
        'BEGIN { printf "%s %.2f %.2f\n", n, t / hz, (b - a) / 1e9 }' | tee -a "$tmp/results" >&2
}
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }

# measure_variant RUN VARIANT: one start, open or filter run (nothing for start.B, open.B).
measure_variant() {
    case $1.$2 in
    start.A) measure start.A ;;
    start.C) home=$tmp/home-noplugin measure start.C ;;
    open.A) measure open.A -r "$F" ;;
    open.C) home=$tmp/home-noplugin measure open.C -r "$F" ;;
    filter.A) measure filter.A -r "$F" -Y 'tcpconn.teardown.style == "three-way"' ;;
    filter.B) measure filter.B --disable-protocol tcpconn -r "$F" -Y 'tcpconn.teardown.style == "three-way"' ;;
    filter.C) home=$tmp/home-noplugin measure filter.C -r "$F" -Y 'tcp.flags.fin == 1' ;;
    esac
}

: >"$tmp/results"
# A first start in a fresh HOME writes its configuration and font caches: not measured.
measure warmup.A
home=$tmp/home-noplugin measure warmup.C
: >"$tmp/results"
i=1
while [ "$i" -le "$reps" ]; do
    echo "== repetition $i/$reps" >&2
    for r in start open filter; do
        for v in $(variant_order "$i"); do
            measure_variant "$r" "$v"
        done
    done
    i=$((i + 1))
done

{
    echo "tcpconn in the Wireshark GUI, $(date -u '+%Y-%m-%d %H:%M UTC'), $(wireshark -v 2>/dev/null | head -1)"
    echo "source: $(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown)"
    echo "capture: $(capinfos -Mc "$F" 2>/dev/null | sed -n 's/^Number of packets: *//p') packets; median of $reps runs${pin_cpu:+, Wireshark on CPU $pin_cpu}"
    printf '%-9s %8s %8s %8s  %7s %7s\n' run cpu_s wall_s "" cpu.A/C wall.A/C
    for r in start open filter; do
        for v in A B C; do
            grep -q "^$r\.$v " "$tmp/results" || continue
            printf '%-9s %8s %8s\n' "$r.$v" "$(median "$r.$v" 2)" "$(median "$r.$v" 3)"
        done
        printf '%-9s %8s %8s %8s  %7s %7s\n' "$r A/C" "" "" "" \
            "$(ratio "$(median "$r.A" 2)" "$(median "$r.C" 2)")" "$(ratio "$(median "$r.A" 3)" "$(median "$r.C" 3)")"
    done
    la=$(minus "$(median open.A 2)" "$(median start.A 2)")
    lc=$(minus "$(median open.C 2)" "$(median start.C 2)")
    echo "loading the file (open - start, CPU s): A $la, C $lc, ratio $(ratio "$la" "$lc")"
    fa=$(minus "$(median filter.A 2)" "$(median start.A 2)")
    fc=$(minus "$(median filter.C 2)" "$(median start.C 2)")
    echo "loading the file with the filter (filter - start, CPU s): A $fa, C $fc, ratio $(ratio "$fa" "$fc")"
    echo "paired (median of the per-repetition CPU ratios, quartiles): open A/C $(paired open.A open.C 2)," \
        "filter A/C $(paired filter.A filter.C 2)"
    echo "fastest runs (CPU): open A/C $(ratio "$(minimum open.A 2)" "$(minimum open.C 2)")," \
        "filter A/C $(ratio "$(minimum filter.A 2)" "$(minimum filter.C 2)")"
    echo
    echo "raw (name cpu_s wall_s):"
    cat "$tmp/results"
} >"$tmp/report"
cat "$tmp/report"
[ -z "$out" ] || cp "$tmp/report" "$out"
