#!/bin/sh
# Rewrite the golden files (expected/NAME.txt) from the current build, and print them so a
# person reads them before committing.
# usage: tests/explain/regen.sh [ANALYZER] [NAME...]
#   ANALYZER defaults to build/analyzer/tcpconn-analyze; NAMEs limit it to those cases.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$root/build/analyzer/tcpconn-analyze
if [ $# -gt 0 ] && [ -x "$1" ] && [ ! -d "$1" ]; then bin=$1; shift; fi
[ -x "$bin" ] || { echo "regen.sh: no analyzer at $bin (build first, or pass its path)" >&2; exit 1; }
mkdir -p "$here/expected"
grep -v '^[[:space:]]*#' "$here/TESTLIST" | grep -v '^[[:space:]]*$' |
while read -r name capture opts; do
    if [ $# -gt 0 ]; then
        keep=no
        for n in "$@"; do [ "$n" = "$name" ] && keep=yes; done
        [ $keep = yes ] || continue
    fi
    # shellcheck disable=SC2086
    sh "$here/explain.sh" output "$bin" "$root" "$capture" $opts >"$here/expected/$name.txt"
    echo "== $name ($capture $opts)"
    cat "$here/expected/$name.txt"
done
