#!/bin/sh
# bench/byhost-memory.sh [--conns N] [--build DIR]: what `tcpconn-analyze --summary --by` costs in
# memory (issue 15, docs/PERFORMANCE.md).
#
# Streams the benchmark capture (bench/gen-capture.c: N connections, default 1 000 000, to 32
# servers, 16 addresses x ports 80/8080, from 8192 client addresses) through stdin into
# tcpconn-analyze, once per mode, and prints each run's peak RSS (/usr/bin/time %M) and CPU time:
#   --summary                 the per-capture counts (the baseline: memory follows live connections)
#   --summary --by server     per server: counts plus one 4-byte float per measured leg
#   --summary --by client     the same per client address (8192 groups)
# The difference to the baseline is the cost of the groups and their legs. Nothing is written to
# disk (the capture would be ~2 GB at a million connections).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
conns=1000000 build=$src/build
while [ $# -gt 0 ]; do
    case $1 in
    --conns) conns=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    *) echo "usage: $0 [--conns N] [--build DIR]" >&2; exit 2 ;;
    esac
done
analyzer=$build/analyzer/tcpconn-analyze
[ -x "$analyzer" ] || { echo "byhost-memory.sh: no $analyzer (build first)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-byhost.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
cc -O2 -o "$tmp/gen-capture" "$here/gen-capture.c"

echo "connections: $conns (legs measured: see the JSON below)"
for by in none server client; do
    opts="--summary"
    [ "$by" = none ] || opts="--summary --by $by"
    # shellcheck disable=SC2086
    "$tmp/gen-capture" --conns "$conns" /dev/stdout 2>/dev/null |
        /usr/bin/time -f '%M %U %S' -o "$tmp/time" "$analyzer" -q $opts - >"$tmp/out.txt"
    read -r rss user sys <"$tmp/time"
    echo "--by $by: peak RSS $rss KiB, CPU $(echo "$user + $sys" | bc) s, $(wc -l <"$tmp/out.txt") lines of output"
done
# The measured legs, for the per-leg cost: every group's "measured" counts.
"$tmp/gen-capture" --conns "$conns" /dev/stdout 2>/dev/null |
    "$analyzer" -q --json --summary --by server - |
    awk -F'"measured":' '{ for (i = 2; i <= NF; i++) { split($i, a, ","); n += a[1] } } END { print "legs measured: " n }'
