#!/bin/sh
# cli.sh ANALYZER SRCDIR [--regen]
#
# --merge on the command line: errors, stdin, --summary, --explain.
#   - a missing file: reported, left out (the rest is the merge of the others), exit 2;
#     only missing files: no report, exit 2
#   - a file cut mid-record: reported with its name and frame, ends there, the other files
#     go on (equal to the merge of the others with the records before the damage), exit 5
#   - "-" once reads stdin as one of the files; twice is a usage error (exit 1)
#   - --summary and --summary --by server: printed once, equal to the whole capture's
#   - a ring of 401 one-record files under `ulimit -n 40`: the whole capture
#   - --explain --merge: golden (expected/explain-ties.txt; --regen rewrites it)
# Needs editcap (skips, 77, without it).
set -u
bin=$1 src=$2 regen=${3:-}
command -v editcap >/dev/null 2>&1 || { echo "skipped: no editcap"; exit 77; }
here=$src/tests/merge
td=$src/testdata
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tcpconn-merge-cli.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
fail() { echo "FAIL: $*"; status=1; }
expect_rc() { # WANT GOT WHAT
    [ "$1" = "$2" ] || fail "$3: exit $2, expected $1"
}

editcap -c 60 "$td/mixed.pcap" "$tmp/p.pcap"
set -- "$tmp"/p_*.pcap
[ $# -ge 5 ] || fail "editcap -c 60 gave $# parts"
p1=$1 p2=$2 p3=$3 p4=$4 p5=$5

# A missing file among others.
"$bin" --merge --json "$p1" "$tmp/missing.pcap" "$p2" >"$tmp/out.json" 2>"$tmp/err"
expect_rc 2 $? "a missing file"
grep -q "missing.pcap: cannot open" "$tmp/err" || fail "a missing file is not named: $(cat "$tmp/err")"
grep -q "merged (3 files): 120 frames" "$tmp/err" || fail "a missing file: counts line $(cat "$tmp/err")"
"$bin" --merge --json "$p1" "$p2" >"$tmp/want.json" 2>/dev/null
cmp -s "$tmp/want.json" "$tmp/out.json" || fail "a missing file: the others are not merged as without it"
"$bin" --merge --json "$tmp/missing.pcap" "$tmp/missing2.pcap" >"$tmp/out.json" 2>"$tmp/err"
expect_rc 2 $? "only missing files"
[ -s "$tmp/out.json" ] && fail "only missing files: output $(head -c 200 "$tmp/out.json")"
grep -q "frames," "$tmp/err" && fail "only missing files: a counts line"

# A file cut in its 31st record (of 60): 30 records read, then the others go on.
size=$(wc -c <"$p2")
recs=$(editcap -r "$p2" "$tmp/first30.pcap" 1-30 && wc -c <"$tmp/first30.pcap")
head -c $((recs + 20)) "$p2" >"$tmp/cut.pcap"
[ "$recs" -lt "$size" ] || fail "cannot cut $p2"
"$bin" --merge --json "$p1" "$tmp/cut.pcap" "$p3" >"$tmp/out.json" 2>"$tmp/err"
expect_rc 5 $? "a file cut mid-way"
grep -q "cut.pcap: frame 31: capture truncated or corrupt" "$tmp/err" || fail "cut file: $(cat "$tmp/err")"
grep -q "merged (3 files): 150 frames" "$tmp/err" || fail "cut file: counts line $(cat "$tmp/err")"
"$bin" --merge --json "$p1" "$tmp/first30.pcap" "$p3" >"$tmp/want.json" 2>/dev/null
cmp -s "$tmp/want.json" "$tmp/out.json" || fail "cut file: not the merge with the records before the damage"

# stdin once, and twice.
"$bin" --merge --json "$p1" "$p2" "$p3" >"$tmp/want.json" 2>/dev/null
"$bin" --merge --json "$p1" - "$p3" <"$p2" >"$tmp/out.json" 2>/dev/null
expect_rc 0 $? "stdin once"
cmp -s "$tmp/want.json" "$tmp/out.json" || fail "stdin: not the same merge"
"$bin" --merge --json - "$p1" - <"$p2" >/dev/null 2>"$tmp/err"
expect_rc 1 $? "stdin twice"
grep -q "at most once" "$tmp/err" || fail "stdin twice: $(cat "$tmp/err")"

# --summary, --summary --by server (text and JSON): once, as for the whole capture.
for opts in "--summary" "--summary --by server" "--summary --by server --json" "--summary --by client"; do
    # shellcheck disable=SC2086
    "$bin" $opts --quiet "$td/mixed.pcap" >"$tmp/want" 2>/dev/null
    # shellcheck disable=SC2086
    "$bin" $opts --merge --quiet "$tmp"/p_*.pcap >"$tmp/out" 2>/dev/null
    expect_rc 0 $? "--merge $opts"
    [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/out" || fail "--merge $opts differs from the whole capture's"
done

# A ring of 401 one-record files under a descriptor limit of 40 (24 may be open): each file is
# opened for its first record, closed, and opened again when due; the merge is the whole capture.
mkdir "$tmp/ring"
editcap -c 1 "$td/mixed.pcap" "$tmp/ring/r.pcap"
[ "$(ls "$tmp/ring" | wc -l)" = 401 ] || fail "editcap -c 1 gave $(ls "$tmp/ring" | wc -l) files"
"$bin" --json --quiet "$td/mixed.pcap" >"$tmp/want.json" 2>/dev/null
(ulimit -n 40 && "$bin" --merge --json "$tmp"/ring/r_*.pcap >"$tmp/out.json" 2>"$tmp/err")
expect_rc 0 $? "a ring of 401 files"
cmp -s "$tmp/want.json" "$tmp/out.json" || fail "a ring of 401 files is not the whole capture"
grep -q "merged (401 files): 401 frames" "$tmp/err" || fail "a ring of 401 files: $(cat "$tmp/err")"

# --explain --merge: golden.
d=$here/data
"$bin" --explain --ascii --merge "$d/ties-a.pcap" "$d/ties-b.pcap" "$d/ties-c.pcap" >"$tmp/explain.txt" 2>/dev/null
expect_rc 0 $? "--explain --merge"
if [ "$regen" = --regen ]; then
    cp "$tmp/explain.txt" "$here/expected/explain-ties.txt"
    echo "wrote $here/expected/explain-ties.txt"
fi
diff -u "$here/expected/explain-ties.txt" "$tmp/explain.txt" || fail "--explain --merge differs from expected/explain-ties.txt"
exit $status
