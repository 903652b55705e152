#!/bin/sh
# tshark-corrupt.sh [--long] [--valgrind] [--asan] PLUGIN.so ROOT [KEEP_DIR]
#
# tshark with the tcpconn plugin over corrupted captures: each capture of a fixed set from
# ROOT/testdata is damaged with `editcap -E RATE --seed SEED` (fixed rates and seeds), and
# `randpkt -t tcp` writes random TCP packets (a fixed count; randpkt has no seed, so that part
# differs run to run: a failing randpkt file is kept, see KEEP_DIR). Every file is dissected
# one-pass and with -2, both with -V, through tests/plugin/run-tshark.sh (an unprivileged
# user loads the built plugin). A file fails when tshark dies of a signal, or when its output
# has "Dissector bug" / "dissector bug" that tshark without the plugin (--disable-protocol
# tcpconn) does not print for the same file; with --valgrind, when valgrind reports a memory
# error whose stack goes through the plugin; with --asan (PLUGIN built with
# -DTCPCONN_SANITIZE=ON), when AddressSanitizer/UBSan report anything.
#
# Default: the CI slice (4 captures x 2 rates x 1 seed, 300 random packets), about a minute.
# --long: 12 captures x 4 rates x 3 seeds, 3000 random packets (docs/ROBUSTNESS.md).
# Failing inputs are copied to KEEP_DIR (default: ./tshark-corrupt-failures).
# Exit status: 0 all passed, 1 failures, 77 skipped (no tshark/editcap/randpkt or plugin).
set -u
long=0 wrap=
while [ $# -gt 0 ]; do
    case $1 in
    --long) long=1; shift ;;
    --valgrind) wrap=valgrind; shift ;;
    --asan) wrap=asan; shift ;;
    *) break ;;
    esac
done
plugin=$1 root=$2 keep=${3:-./tshark-corrupt-failures}
run=$root/tests/plugin/run-tshark.sh
for t in tshark editcap randpkt; do
    command -v $t >/dev/null || { echo "skipped: no $t"; exit 77; }
done
[ -f "$plugin" ] || { echo "skipped: no plugin at $plugin"; exit 77; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-corrupt.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
chmod 755 "$tmp"   # tshark runs as nobody: it must read the files

if [ "$long" = 1 ]; then
    captures="mixed.pcap port-reuse.pcap half-close.pcap simultaneous-close.pcap
        crafted-seq-wrap.pcap crafted-span-duplicates.pcap crafted-syn-retrans-ts-certain.pcap
        link-sll2.pcap link-vlan.pcap link-raw-ipv6.pcap link-ethernet-nsec.pcapng link-vxlan.pcap"
    rates="0.005 0.02 0.1 0.3"
    seeds="1 2 3"
    nrand=3000
else
    captures="mixed.pcap port-reuse.pcap crafted-span-duplicates.pcap link-sll2.pcap"
    rates="0.02 0.2"
    seeds="1"
    nrand=300
fi

# --valgrind / --asan: a tshark shim first on PATH (run-tshark.sh keeps PATH)
if [ -n "$wrap" ]; then
    mkdir -p "$tmp/bin"
    real=$(command -v tshark)
    if [ "$wrap" = valgrind ]; then
        command -v valgrind >/dev/null || { echo "skipped: no valgrind"; exit 77; }
        cat >"$tmp/bin/tshark" <<SH
#!/bin/sh
case "\$*" in -v|--version) exec $real "\$@" ;; esac
exec valgrind --quiet --leak-check=no --num-callers=30 --log-file=$tmp/vg.%p.log $real "\$@"
SH
    else
        asan=$(gcc -print-file-name=libasan.so)
        ubsan=$(gcc -print-file-name=libubsan.so)
        cat >"$tmp/bin/tshark" <<SH
#!/bin/sh
export LD_PRELOAD="$asan $ubsan"
export ASAN_OPTIONS=detect_leaks=0:halt_on_error=1:log_path=$tmp/asan
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$tmp/ubsan
exec $real "\$@"
SH
    fi
    chmod 755 "$tmp/bin/tshark"
    chmod 777 "$tmp"   # the logs are written by nobody
    PATH=$tmp/bin:$PATH
    export PATH
fi

files=
for c in $captures; do
    src=$root/testdata/$c
    [ -f "$src" ] || { echo "missing $src"; exit 1; }
    for r in $rates; do
        for s in $seeds; do
            out=$tmp/${c%.*}-E$r-s$s.${c##*.}
            editcap -E "$r" --seed "$s" "$src" "$out" >/dev/null 2>&1 || {
                echo "editcap failed on $c"; exit 1; }
            files="$files $out"
        done
    done
done
randpkt -t tcp -c "$nrand" "$tmp/randpkt-tcp.pcap" >/dev/null 2>&1 || { echo "randpkt failed"; exit 1; }
files="$files $tmp/randpkt-tcp.pcap"
chmod a+r "$tmp"/*.pcap* 2>/dev/null

failures=0 n=0
fail() {
    echo "FAIL $(basename "$1") ($2): $3"
    failures=$((failures + 1))
    mkdir -p "$keep" && cp "$1" "$keep/"
}
for f in $files; do
    for mode in onepass twopass; do
        two=
        [ "$mode" = twopass ] && two=-2
        rm -f "$tmp"/vg.*.log "$tmp"/asan.* "$tmp"/ubsan.*
        # shellcheck disable=SC2086
        sh "$run" "$plugin" -n -r "$f" $two -V >"$tmp/out" 2>"$tmp/err"
        rc=$?
        n=$((n + 1))
        if [ "$rc" -ge 128 ]; then
            fail "$f" "$mode" "tshark died (exit $rc)"
            continue
        fi
        if grep -qi "dissector bug" "$tmp/out" "$tmp/err"; then
            # shellcheck disable=SC2086
            sh "$run" "$plugin" -n -r "$f" $two -V --disable-protocol tcpconn >"$tmp/out0" 2>&1
            mine=$(grep -ci "dissector bug" "$tmp/out" "$tmp/err" | awk -F: '{s+=$2} END {print s}')
            theirs=$(grep -ci "dissector bug" "$tmp/out0")
            if [ "$mine" -gt "$theirs" ]; then
                fail "$f" "$mode" "$mine 'Dissector bug' lines with the plugin, $theirs without"
                grep -i "dissector bug" "$tmp/out" "$tmp/err" | head -3 | sed 's/^/    /'
                continue
            fi
        fi
        if [ "$wrap" = valgrind ]; then
            # an error block (between blank lines) whose stack names the plugin
            bad=$(cat "$tmp"/vg.*.log 2>/dev/null | awk '
                /^==[0-9]+== *$/ { if (blk ~ /tcpconn/ && blk ~ /(Invalid|uninitialised|Mismatched|overlap|free)/) n++; blk=""; next }
                { blk = blk "\n" $0 }
                END { if (blk ~ /tcpconn/ && blk ~ /(Invalid|uninitialised|Mismatched|overlap|free)/) n++; print n+0 }')
            if [ "$bad" -gt 0 ]; then
                fail "$f" "$mode" "$bad valgrind errors through the plugin"
                cat "$tmp"/vg.*.log | head -40 | sed 's/^/    /'
                continue
            fi
        fi
        if [ "$wrap" = asan ] && ls "$tmp"/asan.* "$tmp"/ubsan.* >/dev/null 2>&1; then
            fail "$f" "$mode" "sanitizer report"
            cat "$tmp"/asan.* "$tmp"/ubsan.* 2>/dev/null | head -40 | sed 's/^/    /'
            continue
        fi
    done
done
echo "$n tshark runs over $(echo $files | wc -w) corrupted files${wrap:+ (under $wrap)}: $failures failures"
[ "$failures" -eq 0 ]
