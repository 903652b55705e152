#!/bin/sh
# bench/compare.sh: two builds of the plugin side by side, for deciding whether a change
# is worth keeping (bench/run.sh measures one build against none). See docs/PERFORMANCE.md.
#
#   bench/compare.sh [-n PAIRS] [--mode plain|two-pass|role] [--capture FILE]
#                    [--conns N] [--seed S] [--rounds N | --long] [--cpu N] [--perf OUTDIR] X Y
#
# X and Y are tcpconn.so files, or `none` (no tcpconn.so installed at all). Every pair runs
# X and Y at the same time, one on each of two CPUs (taskset; the CPUs swap every pair), as
# uid 65534 in bench/sandbox.sh's environment, and records user+system CPU seconds. It
# prints each pair's ratio X/Y and their median with quartiles: the same method as
# `bench/run.sh --side-by-side`, so the figures compare.
#   plain     tshark -r F          two-pass  tshark -2 -r F
#   role      tshark -r F -Y tcpconn.role (with `none`: Y_ROLE_C of bench/results.sh, as
#             bench/run.sh's role.C)
# --cpu N: every pair on CPU N, X and Y one after the other (X first in odd pairs, Y first
# in even ones), for a host whose two CPUs are not equally fast (the same build twice side
# by side tells: bench/run.sh --cpu, DEVELOPERS.md).
# The capture is bench/run.sh's (gen-capture --conns 24000 --seed 1 --snaplen 128 unless
# told otherwise), or --capture FILE.
# --perf OUTDIR: no timing; instead `perf record -e cpu-clock:u -F 10000` of X and Y, side
# by side as above, PAIRS times, and per shared object and symbol the mean samples of each
# and their difference, in OUTDIR/diff.txt (the recordings: OUTDIR/perf.{X,Y}.N.data, for
# perf annotate). Runs one after the other can differ by half (this VM's speed drifts). (perf's hardware
# counters do not work on this VM; sampling the CPU clock does.)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
pairs=10
mode=plain
capture=
conns=24000
seed=1
rounds=
perf_out=
cpu=
die() { echo "bench/compare.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n) pairs=$2; shift 2 ;;
    --mode) mode=$2; shift 2 ;;
    --capture) capture=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --long) conns=1000; rounds=40; shift ;;
    --perf) perf_out=$2; shift 2 ;;
    --cpu) cpu=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown argument: $1 (see --help)" ;;
    *) break ;;
    esac
done
[ $# = 2 ] || die "name two builds: X.so|none Y.so|none (see --help)"
case $pairs in ''|*[!0-9]*|0) die "-n needs a positive number" ;; esac
case $mode in plain|two-pass|role) ;; *) die "unknown mode $mode" ;; esac
for so in "$1" "$2"; do
    [ "$so" = none ] || [ -f "$so" ] || die "no such plugin: $so"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# shellcheck source=bench/sandbox.sh
. "$here/sandbox.sh"
sandbox_init "$tmp"
so_X=$1
so_Y=$2
if [ "$so_X" = none ]; then sandbox_home "$tmp/X"; else sandbox_home "$tmp/X" "$so_X"; fi
if [ "$so_Y" = none ]; then sandbox_home "$tmp/Y"; else sandbox_home "$tmp/Y" "$so_Y"; fi
results=$tmp/results
: >"$results"
# shellcheck source=bench/results.sh
. "$here/results.sh"
if [ -n "$cpu" ]; then
    check_cpu "$cpu"
    how="one after the other on CPU $cpu"
else
    [ "$(nproc)" -ge 2 ] || die "side by side needs 2 CPUs (or --cpu N)"
    how="side by side"
fi

F=$tmp/capture.pcap
if [ -n "$capture" ]; then
    cp "$capture" "$F"
else
    gen=$src/build/bench-gen
    cmake -S "$here" -B "$gen" >/dev/null
    cmake --build "$gen" >/dev/null
    "$gen/gen-capture" --conns "$conns" --seed "$seed" --snaplen 128 ${rounds:+--rounds "$rounds"} "$F"
fi
sandbox_own
sandbox_check "$tmp/X"
sandbox_check "$tmp/Y"

# run_mode V CMD...: CMD... followed by the mode's tshark command for variant V (X or Y).
run_mode() {
    v=$1
    shift
    case $mode.$v in
    plain.*) "$@" tshark -r "$F" ;;
    two-pass.*) "$@" tshark -2 -r "$F" ;;
    role.X) if [ "$so_X" = none ]; then "$@" tshark -r "$F" -Y "$Y_ROLE_C"; else "$@" tshark -r "$F" -Y tcpconn.role; fi ;;
    role.Y) if [ "$so_Y" = none ]; then "$@" tshark -r "$F" -Y "$Y_ROLE_C"; else "$@" tshark -r "$F" -Y tcpconn.role; fi ;;
    esac
}

command -v taskset >/dev/null 2>&1 || die "taskset (util-linux) is needed"

# pair FN I: pair I of FN (run_one or record_one, each given VARIANT CPU I) for X and Y:
# at the same time on the two CPUs, swapped every pair, or with --cpu one after the other.
pair() {
    if [ -n "$cpu" ]; then
        if [ $(($2 % 2)) = 1 ]; then "$1" X "$cpu" "$2"; "$1" Y "$cpu" "$2"; else "$1" Y "$cpu" "$2"; "$1" X "$cpu" "$2"; fi
        return
    fi
    "$1" X $(($2 % 2)) "$2" &
    px=$!
    "$1" Y $((1 - $2 % 2)) "$2" &
    py=$!
    wait "$px" || die "X failed"
    wait "$py" || die "Y failed"
}
if [ -n "$perf_out" ]; then
    command -v perf >/dev/null 2>&1 || die "perf is needed for --perf"
    mkdir -p "$perf_out"
    # record_one VARIANT CPU REP: one recording, $tmp/perf.VARIANT.REP (called through pair).
    # shellcheck disable=SC2317
    record_one() {
        run_mode "$1" sandbox_run "$tmp/$1" taskset -c "$2" perf record -q -e cpu-clock:u -F 10000 \
            -o "$tmp/perf.$1.$3" >/dev/null 2>"$tmp/perf.$1.err" || { cat "$tmp/perf.$1.err" >&2; die "perf record failed"; }
    }
    i=1
    while [ "$i" -le "$pairs" ]; do
        pair record_one "$i"
        for v in X Y; do
            sandbox_run "$tmp/$v" perf report -i "$tmp/perf.$v.$i" --sort dso,sym --stdio -F sample,dso,sym \
                2>/dev/null | awk '$1 ~ /^[0-9]+$/ { s = $1; $1 = ""; sub(/^  */, ""); print s "\t" $0 }' \
                >>"$perf_out/$v.syms"
            cp "$tmp/perf.$v.$i" "$perf_out/perf.$v.$i.data" # for perf annotate -i ... SYMBOL
        done
        i=$((i + 1))
    done
    awk -F'\t' -v n="$pairs" 'FNR == NR { x[$2] += $1 / n; tx += $1 / n; next } { y[$2] += $1 / n; ty += $1 / n }
        END { for (k in x) d[k] = x[k] - y[k]; for (k in y) if (!(k in x)) d[k] = -y[k];
              printf "samples a run: X %d, Y %d, X-Y %d (%.1f %%)\n", tx, ty, tx - ty, 100 * (tx - ty) / ty > "/dev/stderr";
              for (k in d) printf "%+7d\t%7d\t%7d\t%s\n", d[k], x[k], y[k], k }' \
        "$perf_out/X.syms" "$perf_out/Y.syms" 2>"$perf_out/total.txt" | sort -k1,1gr >"$perf_out/diff.txt"
    cat "$perf_out/total.txt"
    echo "X-Y X Y symbol (samples a run, at 10 kHz, mean of $pairs pairs, $how); all: $perf_out/diff.txt"
    head -25 "$perf_out/diff.txt"
    exit 0
fi

# run_one VARIANT CPU: one run, recorded as "VARIANT cpu_seconds" (called through pair).
# shellcheck disable=SC2317
run_one() {
    run_mode "$1" sandbox_run "$tmp/$1" taskset -c "$2" /usr/bin/time -f '%U %S' -o "$tmp/time.$1" \
        >/dev/null 2>"$tmp/err.$1" || { cat "$tmp/err.$1" >&2; die "$1 failed"; }
}
i=1
while [ "$i" -le "$pairs" ]; do
    pair run_one "$i"
    for v in X Y; do awk -v v=$v '{ print v, $1 + $2 }' "$tmp/time.$v" >>"$results"; done
    printf 'pair %d: X %s s, Y %s s\n' "$i" "$(awk '$1 == "X" { x = $2 } END { print x }' "$results")" \
        "$(awk '$1 == "Y" { y = $2 } END { print y }' "$results")" >&2
    i=$((i + 1))
done
echo "mode $mode, $pairs pairs $how, CPU X/Y: $(paired X Y 2)"
echo "X: $so_X"
echo "Y: $so_Y"
