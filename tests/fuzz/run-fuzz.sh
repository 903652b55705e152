#!/bin/sh
# run-fuzz.sh FUZZ_BUILD_DIR TARGET SECONDS [RUNS] [extra libFuzzer options...]
# Fuzzes TARGET (core, decode or analyze) from a clang build configured with
# -DTCPCONN_FUZZ=ON, for SECONDS (0: no time limit) or RUNS executions (-1: no limit),
# starting from the seed corpus (made here if missing) plus the regression inputs. The
# growing corpus is kept in FUZZ_BUILD_DIR/fuzz-corpus/TARGET, findings in
# FUZZ_BUILD_DIR/fuzz-artifacts/TARGET/ (copy a finding to regressions/fuzz_TARGET/ with a
# descriptive name once it is fixed). Prints libFuzzer's final statistics.
# Exit status: libFuzzer's (0: no finding).
set -eu
build=$1 target=$2 secs=$3 runs=${4:--1}
[ $# -ge 4 ] && shift 4 || shift $#
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=$build/tests/fuzz/fuzz_$target
[ -x "$bin" ] || { echo "run-fuzz.sh: no $bin (configure with CC=clang -DTCPCONN_FUZZ=ON)" >&2; exit 2; }
seeds=$build/tests/fuzz/seeds
[ -d "$seeds/$target" ] ||
    sh "$here/make-seeds.sh" "$build/tests/fuzz/fuzz-mkseeds" "$seeds" "$root/testdata" \
        "$root/tests/golden/captures" >/dev/null
corpus=$build/fuzz-corpus/$target
art=$build/fuzz-artifacts/$target
mkdir -p "$corpus" "$art"
case $target in
core) maxlen=2060 ;;    # 12-byte header + 128 segments of 16 bytes
decode) maxlen=4096 ;;
*) maxlen=8192 ;;
esac
# -close_fd_mask=2: the analyzer's per-frame messages would drown libFuzzer's; crash
# reports still get through. -rss_limit_mb: a leak or blow-up is a finding too.
"$bin" -max_total_time="$secs" -runs="$runs" -print_final_stats=1 -close_fd_mask=2 \
    -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$art/" -max_len=$maxlen "$@" \
    "$corpus" "$seeds/$target" "$here/regressions/fuzz_$target"
