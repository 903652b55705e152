#!/bin/sh
# bench/run.sh: the tcpconn benchmark (issue 7). See docs/PERFORMANCE.md.
#
#   bench/run.sh [-n REPS] [--conns N] [--seed S] [--snaplen N] [--rounds N | --long] [--vxlan]
#                [--capture FILE] [--build DIR | --commit REV]
#                [--modes "plain two-pass role analyzer ring"] [--ring-files N]
#                [--side-by-side | --cpu N] [--max-ratio R] [--out FILE] [--keep]
#
# 1. Builds the plugin and the analyzer in DIR (default: build/ of this checkout;
#    configured first when it has no CMakeCache.txt) and the capture generator
#    bench/gen-capture.c (standalone CMake project, in DIR/bench-gen). With --commit REV
#    the plugin and the analyzer are built from a clean `git archive REV` instead (so
#    uncommitted edits in the working tree are not measured).
# 2. Generates the capture (default 48000 connections, about 1.17 M packets) in a
#    private temporary directory, or copies --capture FILE there. --vxlan: the tunnelled
#    variant, every frame of the same capture inside VXLAN (gen-capture --vxlan; the snap
#    length grows by the 50 bytes of outer headers). --rounds N: every connection carries N
#    request/response exchanges; --long is --conns 1000 --rounds 40, the long-connection
#    capture of issue 13 (about 520 000 packets, 1 % of them handshake or teardown).
# 3. Measures, every repetition (default 6) running A, B and C in a rotating order
#    (variant_order in bench/results.sh: over six repetitions each takes each position
#    twice, so the default is a whole rotation), the median wall
#    time, the fastest wall time, the median user+system CPU time and the median peak
#    RSS (/usr/bin/time -f '%e %M %U %S'; wall from the shell's ns clock):
#      plain     A: tshark -r F                                  > /dev/null
#                B: tshark --disable-protocol tcpconn -r F       > /dev/null
#                C: tshark -r F, no tcpconn.so installed at all (same user, same
#                   environment but for HOME): checks that B really is "without it"
#      filter    A: tshark -r F -Y 'tcpconn.teardown.style == "three-way"'
#                B: tshark --disable-protocol tcpconn -r F -Y 'tcp.flags.fin == 1'
#      same-filter (not in the default modes) A as in filter, B: the same -Y
#                with --disable-protocol tcpconn (the field exists, matches nothing)
#      two-pass  A: tshark -2 -r F       B: the same with --disable-protocol tcpconn
#      analyzer  A: tcpconn-analyze --json F > /dev/null
#                B: tcpdump -r F -w /dev/null (a bare libpcap read), C: tcptrace -n -l F
#      role      A: tshark -r F -Y tcpconn.role
#                B: tshark --disable-protocol tcpconn -r F -Y tcpconn.role (the field
#                   exists and matches nothing)
#                C: no tcpconn.so: tshark -r F -Y 'tcp.flags.syn == 1 || tcp.flags.fin == 1
#                   || tcp.flags.reset == 1' (tcpconn.role does not exist there; this filter
#                   builds the same tree and prints about as many packets)
#      plain and two-pass have a C too: the same command with no tcpconn.so installed.
#    and prints the ratios A/B and A/C. The first table has the three tshark modes of
#    issue 13 side by side (CPU time, the figure the target is about); the second the same
#    ratios paired: the median over repetitions of each repetition's A/B and A/C, with
#    quartiles (steadier on a shared machine, whose speed drifts between runs).
#    --side-by-side (tshark modes only): each repetition runs A and C at the same time,
#    one on each of two CPUs (taskset; the CPUs swap every repetition), then A again with
#    B (recorded as MODE.a, for A/B). Both runs of a pair see the same host at the same
#    moment, so the drift between runs that sequential pairs suffer cancels out of the ratio
#    (on this VM a pair of identical runs: quartiles 0.98-1.01); they share the last-level
#    cache and memory bandwidth, so absolute times are a few per cent longer. Needs 2 CPUs,
#    and two CPUs equally fast: on a host where one vCPU shares its core with a busy
#    neighbour (seen on 2026-12-07: the same run 6.5 s on one CPU, 10 s on the other) the
#    pairs are useless, and --cpu N is better.
#    --cpu N (not with --side-by-side): every run on CPU N only (taskset), one after the other
#    in the rotating order; pick the quieter CPU (bench/compare.sh with the same build twice
#    shows which).
# 4. --max-ratio R: exits 3 when a tshark mode's CPU ratio A/C (A/B where there is no C) is
#    above R both as the paired median and as the ratio of the fastest runs (see the alarm
#    at the end). CI runs a short version with R = 1.25, a gross-regression alarm only.
#      ring      F cut into a 1000-file ring buffer (editcap -c, --ring-files N):
#                A: tcpconn-analyze --merge --json FILES > /dev/null
#                B: tcpdump -V LIST -w /dev/null (a bare libpcap read of the same files)
#                C: tcpconn-analyze --json F (the same packets as one file)
#
# Wireshark never loads personal plugins for root, and a global copy of tcpconn.so may
# be installed from the quick start. So every command (A, B and C alike) runs as uid/gid
# 65534 when started as root, with HOME in the temporary directory, the freshly built
# tcpconn.so in $HOME/.local/lib/wireshark/plugins/4.0/epan/, and WIRESHARK_PLUGIN_DIR
# pointing at an empty directory so that no global plugin is loaded (bench/sandbox.sh, which
# ablate.sh, profile.sh and gui-time.sh share). The script checks with `tshark -G plugins`
# that exactly the built copy is loaded (and none for C), and that --disable-protocol
# tcpconn really disables it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
reps=6
conns=48000
seed=1
snaplen=128
vxlan=
capture=
build=$src/build
modes="plain two-pass role analyzer ring"
rounds=
max_ratio=
ring_files=1000
out=
keep=0
commit=
side_by_side=
pin_cpu=

die() { echo "bench/run.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
    -n|--reps) reps=$2; shift 2 ;;
    --conns) conns=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --snaplen) snaplen=$2; shift 2 ;;
    --vxlan) vxlan=--vxlan; shift ;;
    --rounds) rounds=$2; shift 2 ;;
    --long) conns=1000; rounds=40; shift ;;
    --max-ratio) max_ratio=$2; shift 2 ;;
    --capture) capture=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    --commit) commit=$2; shift 2 ;;
    --modes) modes=$2; shift 2 ;;
    --ring-files) ring_files=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --side-by-side) side_by_side=1; shift ;;
    --cpu) pin_cpu=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $1 (see --help)" ;;
    esac
done
case $reps in ''|*[!0-9]*|0) die "-n needs a positive number" ;; esac

for tool in tshark tcpdump cmake /usr/bin/time; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is needed"
done
if printf %s "$modes" | grep -q analyzer && ! command -v tcptrace >/dev/null 2>&1; then
    die "tcptrace is needed for the analyzer mode (apt-get install tcptrace)"
fi

# ---------------------------------------------------------------- sandbox
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-bench.XXXXXX")
cleanup() { if [ "$keep" = 1 ]; then echo "kept $tmp" >&2; else rm -rf "$tmp"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
buildsrc=$src
srcdesc="$(git -C "$src" describe --always --dirty 2>/dev/null || echo unknown) (working tree $src)"
if [ -n "$commit" ]; then
    # A clean export of one revision, so that uncommitted edits are not measured.
    rev=$(git -C "$src" rev-parse --verify "$commit^{commit}") || die "no commit $commit"
    mkdir -p "$tmp/src"
    git -C "$src" archive "$rev" | tar -x -C "$tmp/src"
    buildsrc=$tmp/src
    build=$tmp/src/build
    srcdesc="commit $rev (clean export)"
fi
echo "== build ($build)" >&2
if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$buildsrc" -B "$build" >/dev/null
fi
cmake --build "$build" -j2 --target tcpconn tcpconn-analyze >/dev/null
plugin=$build/plugin/tcpconn.so
analyzer=$build/analyzer/tcpconn-analyze
[ -f "$plugin" ] || die "no plugin at $plugin (Wireshark dev files missing?)"
[ -x "$analyzer" ] || die "no analyzer at $analyzer"
cmake -S "$here" -B "$build/bench-gen" >/dev/null
cmake --build "$build/bench-gen" >/dev/null

# ---------------------------------------------------------------- plugin sandbox
# shellcheck source=bench/sandbox.sh
. "$here/sandbox.sh"
sandbox_init "$tmp"
sandbox_home "$tmp/home" "$plugin"
sandbox_home "$tmp/home-noplugin"

F=$tmp/capture.pcap
if [ -n "$capture" ]; then
    cp "$capture" "$F"
else
    "$build/bench-gen/gen-capture" --conns "$conns" --seed "$seed" --snaplen "$snaplen" \
        ${rounds:+--rounds "$rounds"} $vxlan "$F"
fi
sandbox_own
# The one environment every measured command runs in (bench/sandbox.sh): HOME is $tmp/home
# (the plugin installed) unless the caller sets home (home-noplugin for the C runs).
run() {
    sandbox_run "${home:-$tmp/home}" "$@"
}

# ---------------------------------------------------------------- checks
sandbox_check "$tmp/home"
sandbox_check "$tmp/home-noplugin"
run editcap -r "$F" "$tmp/head.pcap" 1-2000 2>/dev/null || cp "$F" "$tmp/head.pcap"
chown 65534:65534 "$tmp/head.pcap" 2>/dev/null || true
n_on=$(run tshark -r "$tmp/head.pcap" -Y 'tcpconn.stream' 2>/dev/null | wc -l)
n_off=$(run tshark --disable-protocol tcpconn -r "$tmp/head.pcap" -Y 'tcp' 2>/dev/null | wc -l)
n_dis=$(run tshark --disable-protocol tcpconn -r "$tmp/head.pcap" -Y 'tcpconn.stream' 2>/dev/null | wc -l)
[ "$n_on" -gt 0 ] && [ "$n_on" = "$n_off" ] && [ "$n_dis" = 0 ] ||
    die "plugin check failed: tcpconn.stream on $n_on of $n_off TCP packets, $n_dis with the plugin disabled"
rm -f "$tmp/head.pcap"
packets=$(run capinfos -Mc "$F" 2>/dev/null | sed -n 's/^Number of packets: *//p')
[ -n "$packets" ] || packets=0
ring_list=
if printf %s "$modes" | grep -q ring; then
    # A ring buffer: the capture cut into ring_files files (as dumpcap -b files: would leave
    # them), named in time order; tcpdump -V reads the list of their names.
    # In F's own file format (editcap writes pcapng by default), so that the per-packet cost
    # compares with F's.
    mkdir -p "$tmp/ring"
    fmt=$(capinfos -t -M "$F" | sed -n 's/^File type:[[:space:]]*//p')
    editcap -F "${fmt:-pcap}" -c $(( (packets + ring_files - 1) / ring_files )) "$F" "$tmp/ring/r.pcap" >/dev/null
    ls "$tmp/ring"/r_*.pcap | sort >"$tmp/ring.list"
    ring_list=$(cat "$tmp/ring.list")
    chmod -R a+rX "$tmp/ring" "$tmp/ring.list"
    [ "$(id -u)" != 0 ] || chown -R 65534:65534 "$tmp/ring" "$tmp/ring.list"
fi

# ---------------------------------------------------------------- measuring
# measure NAME CMD...: appends "NAME wall_s peak_rss_KiB cpu_s load1" to $tmp/results.
# Wall time from the shell's nanosecond clock (time's %e has 10 ms steps); peak RSS
# (KiB) and user+system CPU seconds from /usr/bin/time; load1 is the 1-minute load
# average just before the run (other work on the machine shows there).
# With cpu set (side by side), the command runs on that CPU only.
measure() {
    name=$1
    shift
    load=$(cut -d' ' -f1 /proc/loadavg)
    t0=$(date +%s%N)
    if ! run ${cpu:+taskset -c "$cpu"} /usr/bin/time -f '%e %M %U %S' -o "$tmp/time.$name" "$@" \
        >/dev/null 2>"$tmp/stderr.$name"; then
        cat "$tmp/stderr.$name" >&2
        die "failed: $*"
    fi
    t1=$(date +%s%N)
    awk -v n="$name" -v a="$t0" -v b="$t1" -v l="$load" \
        '{ printf "%s %.3f %d %.2f %s\n", n, (b - a) / 1e9, $2, $3 + $4, l }' "$tmp/time.$name" |
        tee -a "$tmp/results" >&2
}
# The fields of $results (bench/results.sh): 2 wall, 3 rss, 4 cpu.
results=$tmp/results
# shellcheck source=bench/results.sh
. "$here/results.sh"

: >"$tmp/results"
Y_A='tcpconn.teardown.style == "three-way"'
Y_B='tcp.flags.fin == 1'
# measure_variant MODE VARIANT: one run of MODE's A, B or C (nothing when MODE has no
# such variant). In the tshark modes A is recorded as MODE.$a: A, or a for the A that
# runs side by side with B.
a=A
measure_variant() {
    case $1.$2 in
    plain.A) measure "plain.$a" tshark -r "$F" ;;
    plain.B) measure plain.B tshark --disable-protocol tcpconn -r "$F" ;;
    plain.C) home=$tmp/home-noplugin measure plain.C tshark -r "$F" ;;
    filter.A) measure filter.A tshark -r "$F" -Y "$Y_A" ;;
    filter.B) measure filter.B tshark --disable-protocol tcpconn -r "$F" -Y "$Y_B" ;;
    same-filter.A) measure same-filter.A tshark -r "$F" -Y "$Y_A" ;;
    same-filter.B) measure same-filter.B tshark --disable-protocol tcpconn -r "$F" -Y "$Y_A" ;;
    two-pass.A) measure "two-pass.$a" tshark -2 -r "$F" ;;
    two-pass.B) measure two-pass.B tshark -2 --disable-protocol tcpconn -r "$F" ;;
    two-pass.C) home=$tmp/home-noplugin measure two-pass.C tshark -2 -r "$F" ;;
    role.A) measure "role.$a" tshark -r "$F" -Y tcpconn.role ;;
    role.B) measure role.B tshark --disable-protocol tcpconn -r "$F" -Y tcpconn.role ;;
    role.C) home=$tmp/home-noplugin measure role.C tshark -r "$F" -Y "$Y_ROLE_C" ;;
    analyzer.A) measure analyzer.A "$analyzer" --json "$F" ;;
    analyzer.B) measure analyzer.B tcpdump -r "$F" -w /dev/null ;;
    analyzer.C) measure analyzer.C tcptrace -n -l "$F" ;;
    ring.A)
        # shellcheck disable=SC2086
        measure ring.A "$analyzer" --merge --json $ring_list ;;
    ring.B) measure ring.B tcpdump -V "$tmp/ring.list" -w /dev/null ;;
    ring.C) measure ring.C "$analyzer" --json "$F" ;;
    filter.C | same-filter.C) ;;
    *) die "unknown mode $1" ;;
    esac
}
# side_by_side_pair MODE VARIANT REP: A with VARIANT at the same time, on CPUs 0 and 1
# (swapped in every other repetition).
side_by_side_pair() {
    ca=$(($3 % 2)); cv=$((1 - $3 % 2)); an=A
    [ "$2" = B ] && an=a
    a=$an cpu=$ca measure_variant "$1" A &
    pa=$!
    cpu=$cv measure_variant "$1" "$2" &
    pv=$!
    wait "$pa" || die "side by side: $1.A failed"
    wait "$pv" || die "side by side: $1.$2 failed"
}
if [ -n "$pin_cpu" ]; then
    [ -z "$side_by_side" ] || die "--cpu and --side-by-side exclude each other"
    check_cpu "$pin_cpu"
fi
if [ -n "$pin_cpu$side_by_side" ]; then
    command -v taskset >/dev/null 2>&1 || die "--cpu and --side-by-side need taskset (util-linux)"
fi
if [ -n "$side_by_side" ]; then
    [ "$(nproc)" -ge 2 ] || die "--side-by-side needs 2 CPUs"
    for m in $modes; do
        case $m in plain|two-pass|role) ;; *) die "--side-by-side: tshark modes only (plain, two-pass, role), not $m" ;; esac
    done
fi
i=1
while [ "$i" -le "$reps" ]; do
    echo "== repetition $i/$reps" >&2
    for m in $modes; do
        if [ -n "$side_by_side" ]; then
            side_by_side_pair "$m" C "$i"
            side_by_side_pair "$m" B "$i"
            continue
        fi
        for v in $(variant_order "$i"); do
            cpu=$pin_cpu measure_variant "$m" "$v"
        done
    done
    i=$((i + 1))
done

# ---------------------------------------------------------------- report
{
    echo
    echo "tcpconn benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores," \
        "$(awk '/^MemTotal/ { printf "%.1f GiB RAM", $2 / 1048576 }' /proc/meminfo), $(uname -sr)"
    echo "versions: $(tshark -v 2>/dev/null | head -1); $(tcpdump --version 2>&1 | head -1)," \
        "$(tcpdump --version 2>&1 | sed -n 2p); tcptrace $(dpkg-query -W -f '${Version}' tcptrace 2>/dev/null || echo '?');" \
        "$(cc --version | head -1)"
    echo "source: $srcdesc; build type $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt")"
    echo "capture: $(stat -c %s "$F") bytes, $packets packets${capture:+ (from $capture)}${capture:- (gen-capture --conns $conns --seed $seed --snaplen $snaplen${rounds:+ --rounds $rounds}${vxlan:+ --vxlan})}"
    if [ -n "$side_by_side" ]; then
        echo "median of $reps runs, side by side: A with C, then A (a) with B, at the same time on two CPUs; wall and CPU (user+system) seconds, peak RSS MiB; min = fastest run"
    else
        echo "median of $reps runs, A, B and C in a rotating order (bench/run.sh variant_order)${pin_cpu:+, every run on CPU $pin_cpu}; wall and CPU (user+system) seconds, peak RSS MiB; min = fastest run"
    fi
    echo
    echo "plugin cost by tshark mode (A: with the plugin, B: --disable-protocol tcpconn, C: no tcpconn.so)"
    a_b=A # the A that A/B compares with B: side by side, the one that ran with B
    [ -z "$side_by_side" ] || a_b=a
    printf '%-11s %8s %8s %8s  %7s %7s  %9s %9s %9s\n' mode cpu.A cpu.B cpu.C cpu.A/B cpu.A/C wall.A/C min.A/C rss.A/C
    for m in $modes; do
        case $m in plain|two-pass|role) ;; *) continue ;; esac
        ca=$(median "$m.A" 4); cb=$(median "$m.B" 4); cc=$(median "$m.C" 4)
        printf '%-11s %8.2f %8.2f %8.2f  %7s %7s  %9s %9s %9s\n' "$m" "$ca" "$cb" "$cc" \
            "$(ratio "$(median "$m.$a_b" 4)" "$cb")" "$(ratio "$ca" "$cc")" "$(ratio "$(median "$m.A" 2)" "$(median "$m.C" 2)")" \
            "$(ratio "$(minimum "$m.A" 2)" "$(minimum "$m.C" 2)")" "$(ratio "$(median "$m.A" 3)" "$(median "$m.C" 3)")"
    done
    echo
    echo "paired: median of the per-repetition CPU ratios (quartiles)"
    printf '%-11s %24s %24s\n' mode A/B A/C
    for m in $modes; do
        case $m in plain|two-pass|role) ;; *) continue ;; esac
        printf '%-11s %24s %24s\n' "$m" "$(paired "$m.$a_b" "$m.B" 4)" "$(paired "$m.A" "$m.C" 4)"
    done
    echo
    echo "all modes, A against B:"
    printf '%-11s %8s %8s %6s  %8s %8s %6s  %8s %8s %6s  %7s %7s %6s\n' mode wall.A wall.B ratio \
        min.A min.B ratio cpu.A cpu.B ratio rss.A rss.B ratio
    for m in $modes; do
        [ "$m" = analyzer ] || [ "$m" = ring ] && continue
        wa=$(median "$m.$a_b" 2); wb=$(median "$m.B" 2); ma=$(minimum "$m.$a_b" 2); mb=$(minimum "$m.B" 2)
        ca=$(median "$m.$a_b" 4); cb=$(median "$m.B" 4); ra=$(median "$m.$a_b" 3); rb=$(median "$m.B" 3)
        printf '%-11s %8.2f %8.2f %6s  %8.2f %8.2f %6s  %8.2f %8.2f %6s  %7.1f %7.1f %6s\n' "$m" \
            "$wa" "$wb" "$(ratio "$wa" "$wb")" "$ma" "$mb" "$(ratio "$ma" "$mb")" \
            "$ca" "$cb" "$(ratio "$ca" "$cb")" "$(ratio "$ra" 1024)" "$(ratio "$rb" 1024)" "$(ratio "$ra" "$rb")"
    done
    if printf %s "$modes" | grep -q analyzer; then
        echo
        printf '%-28s %8s %8s %8s %8s %12s %12s\n' command wall min cpu rss_MiB packets/s pkts/cpu-s
        pps() { awk -v p="$packets" -v w="$1" 'BEGIN { if (w > 0) printf "%.0f", p / w; else print "inf" }'; }
        for x in "A tcpconn-analyze --json" "B tcpdump -r F -w /dev/null" "C tcptrace -n -l"; do
            k=${x%% *}
            w=$(median "analyzer.$k" 2); mn=$(minimum "analyzer.$k" 2); c=$(median "analyzer.$k" 4); r=$(median "analyzer.$k" 3)
            printf '%-28s %8.3f %8.3f %8.2f %8.1f %12s %12s\n' "${x#* }" "$w" "$mn" "$c" "$(ratio "$r" 1024)" \
                "$(pps "$w")" "$(pps "$c")"
        done
        for k in B C; do
            [ $k = B ] && what="tcpdump (bare libpcap read)" || what="tcptrace -n -l"
            echo "analyzer / $what: wall $(ratio "$(median analyzer.A 2)" "$(median analyzer.$k 2)")," \
                "min wall $(ratio "$(minimum analyzer.A 2)" "$(minimum analyzer.$k 2)")," \
                "CPU $(ratio "$(median analyzer.A 4)" "$(median analyzer.$k 4)")," \
                "RSS $(ratio "$(median analyzer.A 3)" "$(median analyzer.$k 3)")"
        done
    fi
    if printf %s "$modes" | grep -q ring; then
        echo
        echo "ring buffer: $(wc -l <"$tmp/ring.list") files of up to $(( (packets + ring_files - 1) / ring_files )) packets"
        printf '%-40s %8s %8s %8s %8s %12s\n' command wall min cpu rss_MiB packets/s
        for x in "A tcpconn-analyze --merge --json FILES" "B tcpdump -V LIST -w /dev/null" "C tcpconn-analyze --json F (one file)"; do
            k=${x%% *}
            w=$(median "ring.$k" 2); mn=$(minimum "ring.$k" 2); c=$(median "ring.$k" 4); r=$(median "ring.$k" 3)
            printf '%-40s %8.3f %8.3f %8.2f %8.1f %12s\n' "${x#* }" "$w" "$mn" "$c" "$(ratio "$r" 1024)" \
                "$(awk -v p="$packets" -v w="$w" 'BEGIN { if (w > 0) printf "%.0f", p / w; else print "inf" }')"
        done
        for k in B C; do
            [ $k = B ] && what="tcpdump -V (bare libpcap read of the files)" || what="the analyzer on one file"
            echo "ring: analyzer --merge / $what: wall $(ratio "$(median ring.A 2)" "$(median ring.$k 2)")," \
                "min wall $(ratio "$(minimum ring.A 2)" "$(minimum ring.$k 2)")," \
                "CPU $(ratio "$(median ring.A 4)" "$(median ring.$k 4)")," \
                "RSS $(ratio "$(median ring.A 3)" "$(median ring.$k 3)")"
        done
    fi
    echo
    echo "raw (name wall_s peak_rss_KiB cpu_s load1):"
    cat "$tmp/results"
} >"$tmp/report"
cat "$tmp/report"
[ -z "$out" ] || cp "$tmp/report" "$out"

# ---------------------------------------------------------------- gross-regression alarm
# A mode fails only when both noise-resistant figures are above R: the paired median (each
# repetition's A against its own C) and the ratio of the fastest runs (host noise only ever
# adds time). The ratio of the medians is not used: a slow neighbour during a few runs of one
# variant moves it a lot (CI on 2026-12-07: 1.401 where the paired median was 1.133 and the
# fastest runs 1.131). A real regression moves all of them.
if [ -n "$max_ratio" ]; then
    bad=0
    for m in $modes; do
        case $m in plain|two-pass|role|filter|same-filter) ;; *) continue ;; esac
        base=C
        grep -q "^$m\.C " "$tmp/results" || base=B
        pr=$(paired "$m.A" "$m.$base" 4); pr=${pr%% *}
        fr=$(ratio "$(minimum "$m.A" 4)" "$(minimum "$m.$base" 4)")
        if awk -v p="$pr" -v f="$fr" -v m="$max_ratio" \
            'BEGIN { exit !(p == "nan" || f == "nan" || (p > m && f > m)) }'; then
            echo "bench/run.sh: $m: CPU ratio A/$base is above $max_ratio (paired median $pr, fastest runs $fr)" >&2
            bad=1
        fi
    done
    [ "$bad" = 0 ] || exit 3
    echo "bench/run.sh: every tshark mode within $max_ratio x (CPU, A against C or B: paired median or fastest runs)" >&2
fi
