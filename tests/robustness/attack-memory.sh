#!/bin/sh
# attack-memory.sh ANALYZER [COUNT] [WORKDIR] [OLD_ANALYZER]
# Regenerates the attack captures (gen-attack.py: COUNT unanswered SYNs, COUNT one-packet
# connections, 1000 packets per second of capture time; default COUNT 1000000, about 70 MB
# each, in WORKDIR, default /tmp/tcpconn-attack) and measures tcpconn-analyze --json on each
# with /usr/bin/time -v: peak RSS and elapsed time, with the default timeouts, with expiry off
# (--idle-timeout 0 --unanswered-timeout 0), and with OLD_ANALYZER if given (a build from
# before expiry). Prints a Markdown table for docs/ROBUSTNESS.md.
set -eu
bin=$1 count=${2:-1000000} work=${3:-/tmp/tcpconn-attack} old=${4:-}
here=$(cd "$(dirname "$0")" && pwd)
[ -x /usr/bin/time ] || { echo "attack-memory.sh: needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
mkdir -p "$work"
echo "| capture | analyzer | peak RSS (MiB) | elapsed (s) | connections reported | expired |"
echo "|---|---|---:|---:|---:|---:|"
for kind in synflood onepacket; do
    cap=$work/$kind-$count.pcap
    [ -f "$cap" ] || python3 "$here/gen-attack.py" "$kind" "$count" "$cap"
    measure() {
        label=$1
        shift
        /usr/bin/time -v "$@" --json "$cap" >"$work/out.json" 2>"$work/time.txt" || true
        rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
        el=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt")
        echo "| $kind $count | $label | $(awk -v k="$rss" 'BEGIN {printf "%.1f", k/1024}') | $el | $(wc -l <"$work/out.json") | $(grep -c '"expired":true' "$work/out.json" || true) |"
    }
    [ -n "$old" ] && measure "before (no expiry)" "$old"
    measure "expiry off (0, 0)" "$bin" --idle-timeout 0 --unanswered-timeout 0
    measure "default (300 s, 60 s)" "$bin"
done
rm -f "$work/out.json" "$work/time.txt"
