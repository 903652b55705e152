#!/bin/sh
# split.sh ANALYZER CAPTURE...
#
# --merge over the parts of a split capture. For every capture:
#   - parts from `editcap -c 3` and from `editcap -i 1`;
#   - `--merge --json` over the parts equals `--json` of `mergecap -w` over the same parts
#     (mergecap's order, ties and backward steps included), exit status too;
#   - when the capture's timestamps strictly increase (so that mergecap gives back the
#     original order), it also equals `--json` of the whole capture, and so does the
#     counts line on stderr but for the name ("merged (N files)");
#   - the same with the records dealt round-robin into 12 files that all overlap in time
#     (editcap -r), read with `ulimit -n 24` so that at most 8 stay open: files are closed
#     and reopened mid-way.
# A set whose parts do not hold the capture's timestamps is not a split of it and is not
# compared (a NOTE says so): editcap 4.6 adds a pcapng interface's if_tsoffset into the
# timestamps it writes and keeps the option, so its parts of pcapng-tsoffset.pcapng read
# 1 699 999 995 s late, in tshark 4.6 too (docs/COMPATIBILITY.md).
# Needs editcap, mergecap and tcpdump (skips, 77, without them).
set -u
bin=$1
shift
for t in editcap mergecap tcpdump; do
    command -v $t >/dev/null 2>&1 || { echo "skipped: no $t"; exit 77; }
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-merge.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0 compared=0 whole=0 dealt=0 altered=0
fail() { echo "FAIL: $*"; status=1; }

# Every record's timestamp as libpcap reads it, in file order.
times_of() {
    for f in "$@"; do tcpdump -r "$f" -tt --nano -n 2>/dev/null | awk '{ print $1 }'; done
}

# True when the timestamps in file $1 (one a line, from times_of) strictly increase.
increasing() {
    awk '{ split($1, t, "."); s = t[1] + 0; n = t[2] + 0
           if (NR > 1 && (s < ps || (s == ps && n <= pn))) bad = 1
           ps = s; pn = n }
         END { exit bad }' "$1"
}

# check NAME CAPTURE PARTS...: the comparisons above for one set of parts.
check() {
    name=$1 capture=$2
    shift 2
    if [ "$(sort "$tmp/capture.times")" != "$(times_of "$@" | sort)" ]; then
        echo "NOTE: $name: the parts do not hold the capture's timestamps (editcap changed them): not compared"
        altered=$((altered + 1))
        return
    fi
    "$bin" --merge --json "$@" >"$tmp/merge.json" 2>"$tmp/merge.err"
    rc_m=$?
    mergecap -w "$tmp/merged.pcapng" "$@" 2>/dev/null || { fail "$name: mergecap failed"; return; }
    "$bin" --json --quiet "$tmp/merged.pcapng" >"$tmp/mergecap.json" 2>/dev/null
    rc_c=$?
    compared=$((compared + 1))
    [ "$rc_m" = "$rc_c" ] || fail "$name: exit $rc_m with --merge, $rc_c on mergecap's file"
    cmp -s "$tmp/mergecap.json" "$tmp/merge.json" ||
        { diff "$tmp/mergecap.json" "$tmp/merge.json" | head -5; fail "$name: --merge differs from mergecap's order"; }
    if increasing "$tmp/capture.times"; then
        whole=$((whole + 1))
        "$bin" --json "$capture" >"$tmp/whole.json" 2>"$tmp/whole.err"
        cmp -s "$tmp/whole.json" "$tmp/merge.json" || fail "$name: --merge differs from the whole capture"
        grep ': [0-9]* frames,' "$tmp/whole.err" | sed 's/^[^:]*: [^:]*: //' >"$tmp/whole.counts"
        grep ': [0-9]* frames,' "$tmp/merge.err" | sed 's/^[^:]*: merged ([0-9]* files\{0,1\}): //' >"$tmp/merge.counts"
        [ -s "$tmp/merge.counts" ] && cmp -s "$tmp/whole.counts" "$tmp/merge.counts" ||
            fail "$name: counts line $(cat "$tmp/merge.counts") vs $(cat "$tmp/whole.counts")"
    fi
}

for capture in "$@"; do
    base=$(basename "$capture")
    ext=${base##*.}
    n=$(capinfos -c -M -T "$capture" 2>/dev/null | awk -F'\t' 'NR == 2 { print $2 }')
    [ -n "$n" ] && [ "$n" -gt 0 ] || continue
    times_of "$capture" >"$tmp/capture.times" # read once: check() compares every set with it
    for split in "-c 3" "-i 1"; do
        rm -rf "$tmp/parts" && mkdir "$tmp/parts"
        # shellcheck disable=SC2086
        editcap $split "$capture" "$tmp/parts/p.$ext" 2>/dev/null || { fail "$base: editcap $split"; continue; }
        # shellcheck disable=SC2046
        check "$base (editcap $split)" "$capture" $(ls "$tmp/parts"/* | sort)
    done
    # Round-robin into 12 files (when there are records for all of them).
    [ "$n" -ge 24 ] || continue
    rm -rf "$tmp/parts" && mkdir "$tmp/parts"
    for j in 1 2 3 4 5 6 7 8 9 10 11 12; do
        # shellcheck disable=SC2046
        editcap -r "$capture" "$tmp/parts/r$(printf %02d $j).$ext" $(seq $j 12 "$n") 2>/dev/null ||
            fail "$base: editcap -r"
    done
    dealt=$((dealt + 1))
    # shellcheck disable=SC2046
    (ulimit -n 24 && check "$base (12 files, 8 open)" "$capture" $(ls "$tmp/parts"/* | sort); exit $status) || status=1
    # (a note from that subshell is printed; its count is not carried out)
done
echo "$compared sets compared with mergecap, $whole with the whole capture, $dealt dealt round-robin, $altered not splits (see NOTEs)"
[ "$compared" -gt 0 ] || fail "nothing compared"
exit $status
