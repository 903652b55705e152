#!/bin/bash
# Live capture tests of tcpconn-analyze -i (run as root by ctest, label "live").
#
#   live.sh ANALYZER SRCDIR compare   real connections on a veth between two namespaces, one
#                                     of each close the kernel makes there and a refused SYN;
#                                     tcpconn-analyze -i (--json and the table) and tcpdump run
#                                     side by side on the server's interface; after SIGINT the
#                                     live records must equal what tcpconn-analyze says about
#                                     tcpdump's file (tests/live/compare.py says which fields)
#   live.sh ANALYZER SRCDIR silent    one connection closes, then the interface is silent: its
#                                     record must come out within --linger + 1 s of its last
#                                     packet, with no packet after it to move the clock; then one
#                                     goes idle: expired within --idle-timeout + 1 s
#   live.sh ANALYZER SRCDIR errors    no such interface, no permission (uid 65534), bad filter;
#                                     uid 65534 with setcap cap_net_raw captures, keeps no capability
#
#                                     (--explain, --summary and --summary --by server too)
# Namespaces lv-MODE-cli and lv-MODE-srv (veth lvc0 198.18.120.1 <-> lvs0 198.18.120.2) are
# made fresh and removed on exit. LIVE_KEEP=DIR keeps the outputs there. Needs root, iproute2, tcpdump and /usr/bin/python3.
set -euo pipefail

AN=$(realpath "$1")
SRC=$(realpath "$2")
MODE=$3
PY=/usr/bin/python3
EP="$SRC/testdata/gen/endpoint.py"
HERE="$SRC/tests/live"
NS_C=lv-$MODE-cli NS_S=lv-$MODE-srv
C4=198.18.120.1 S4=198.18.120.2
MAC_C=02:00:c6:12:78:01 MAC_S=02:00:c6:12:78:02
WORK=$(mktemp -d /tmp/tcpconn-live.XXXXXX)
PIDS=()

fail() { echo "FAIL: $*" >&2; exit 1; }

cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    ip netns del $NS_C 2>/dev/null || true
    ip netns del $NS_S 2>/dev/null || true
    [ -z "${LIVE_KEEP:-}" ] || cp -r "$WORK/." "$LIVE_KEEP/"
    rm -rf "$WORK"
}
trap cleanup EXIT

# ---- errors: no namespace needed ----
if [ "$MODE" = errors ]; then
    set +e
    "$AN" -i nosuchif0 --json >"$WORK/out" 2>"$WORK/err"; rc=$?
    set -e
    [ $rc = 8 ] || fail "-i nosuchif0: exit $rc, expected 8"
    grep -q "nosuchif0: no such interface" "$WORK/err" || fail "-i nosuchif0: message: $(cat "$WORK/err")"
    [ ! -s "$WORK/out" ] || fail "-i nosuchif0 printed on stdout"
    # a copy uid 65534 can reach whatever the build directory's permissions
    chmod 755 "$WORK"; cp "$AN" "$WORK/an"; chmod 755 "$WORK/an"
    set +e
    setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/an" -i lo >"$WORK/out" 2>"$WORK/err"; rc=$?
    set -e
    [ $rc = 8 ] || fail "-i lo as uid 65534: exit $rc, expected 8"
    grep -q "lo: no permission to capture: .*CAP_NET_RAW" "$WORK/err" || fail "-i lo as 65534: message: $(cat "$WORK/err")"
    set +e
    "$AN" -i lo -f 'tcp port' >"$WORK/out" 2>"$WORK/err"; rc=$?
    set -e
    [ $rc = 1 ] || fail "bad filter: exit $rc, expected 1"
    grep -q 'lo: bad filter "tcp port"' "$WORK/err" || fail "bad filter: message: $(cat "$WORK/err")"
    set +e
    "$AN" -f tcp "$SRC/testdata/three-way-client-close.pcap" >/dev/null 2>"$WORK/err"; rc=$?
    set -e
    [ $rc = 1 ] || fail "-f without -i: exit $rc, expected 1"
    set +e
    "$AN" -i lo "$SRC/testdata/three-way-client-close.pcap" >/dev/null 2>"$WORK/err"; rc=$?
    set -e
    [ $rc = 1 ] || fail "-i with a file: exit $rc, expected 1"
    # with the file capability the README tells users to give, uid 65534 captures, and keeps
    # no capability once the interface is open
    setcap cap_net_raw+eip "$WORK/an" || fail "setcap failed"
    setpriv --reuid=65534 --regid=65534 --clear-groups "$WORK/an" -i lo --json >"$WORK/out" 2>"$WORK/err" &
    p=$!; PIDS+=($p)
    i=0; until grep -q capturing "$WORK/err"; do sleep 0.05; i=$((i + 1)); [ $i -lt 200 ] || fail "setcap run: $(cat "$WORK/err")"; done
    grep -q '^CapPrm:[[:space:]]*0*$' /proc/$p/status && grep -q '^CapEff:[[:space:]]*0*$' /proc/$p/status ||
        fail "capabilities kept: $(grep Cap /proc/$p/status)"
    kill -INT $p
    wait $p || fail "setcap run: exit $?"
    echo "PASS: errors (8 for no such interface and no permission, 1 for a bad filter or misuse; setcap cap_net_raw works, dropped after opening)"
    exit 0
fi

[ "$(id -u)" = 0 ] || fail "the live tests need root (network namespaces, capture)"
chmod 755 "$WORK"
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

ip netns del $NS_C 2>/dev/null || true
ip netns del $NS_S 2>/dev/null || true
ip netns add $NS_C || fail "cannot create network namespace $NS_C"
ip netns add $NS_S || fail "cannot create network namespace $NS_S"
for ns in $NS_C $NS_S; do
    in_ns $ns ip link set lo up
    # no IPv6: no router solicitations or MLD reports in the captures
    in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add lvc0 netns $NS_C address $MAC_C type veth peer name lvs0 netns $NS_S address $MAC_S
in_ns $NS_C ip addr add $C4/24 dev lvc0
in_ns $NS_S ip addr add $S4/24 dev lvs0
in_ns $NS_C ip link set lvc0 up
in_ns $NS_S ip link set lvs0 up
# permanent neighbours: no ARP on the wire
in_ns $NS_C ip neigh replace $S4 lladdr $MAC_S dev lvc0 nud permanent
in_ns $NS_S ip neigh replace $C4 lladdr $MAC_C dev lvs0 nud permanent
for x in "$NS_C lvc0" "$NS_S lvs0"; do # frames as they go on the wire
    in_ns ${x% *} ethtool -K ${x#* } tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
done

wait_grep() { # pattern file [timeout s]
    local i=0 n=$(( ${3:-10} * 20 ))
    until grep -q "$1" "$2" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
        [ $i -lt $n ] || { cat "$2" >&2 2>/dev/null; fail "timeout waiting for '$1' in $2"; }
    done
}
wait_file() { local i=0; until [ -e "$1" ]; do sleep 0.05; i=$((i + 1)); [ $i -lt 200 ] || fail "timeout waiting for $1"; done; }

# tcpdump on the server's interface (ip netns exec execs it: $! is tcpdump's pid)
start_tcpdump() {
    ip netns exec $NS_S tcpdump -i lvs0 --immediate-mode -U -w "$WORK/file.pcap" 2>"$WORK/tcpdump.err" &
    TCPDUMP=$!; PIDS+=($TCPDUMP)
    wait_grep "listening on" "$WORK/tcpdump.err"
}
stop_tcpdump() { kill -INT $TCPDUMP; wait $TCPDUMP || true; }

# one scenario of endpoint.py: a server for one connection, then its client
run_scenario() { # scenario port
    rm -f "$WORK/ready"
    ip netns exec $NS_S $PY "$EP" server "$1" --addr $S4 --port "$2" --max-conns 1 --ready "$WORK/ready" 2>>"$WORK/ep.log" &
    local spid=$!
    wait_file "$WORK/ready"
    in_ns $NS_C $PY "$EP" client "$1" --addr $S4 --port "$2" 2>>"$WORK/ep.log"
    wait $spid || true
}

if [ "$MODE" = compare ]; then
    LINGER=1
    start_tcpdump
    ip netns exec $NS_S "$AN" -i lvs0 --json --linger $LINGER >"$WORK/live.json" 2>"$WORK/live.err" &
    LIVE=$!; PIDS+=($LIVE)
    ip netns exec $NS_S "$AN" -i lvs0 --table --linger $LINGER >"$WORK/live.table" 2>"$WORK/table.err" &
    TABLE=$!; PIDS+=($TABLE)
    ip netns exec $NS_S "$AN" -i lvs0 --explain --ascii --linger $LINGER >"$WORK/live.explain" 2>"$WORK/explain.err" &
    EXPLAIN=$!; PIDS+=($EXPLAIN)
    ip netns exec $NS_S "$AN" -i lvs0 --summary --by server --linger $LINGER >"$WORK/live.byserver" 2>"$WORK/byserver.err" &
    BYSERVER=$!; PIDS+=($BYSERVER)
    ip netns exec $NS_S "$AN" -i lvs0 --summary --linger $LINGER >"$WORK/live.summary" 2>"$WORK/summary.err" &
    SUMMARY=$!; PIDS+=($SUMMARY)
    for x in live table explain byserver summary; do wait_grep "capturing" "$WORK/$x.err"; done
    # no privilege is kept once the interface is open
    grep -q '^CapEff:[[:space:]]*0*$' /proc/$LIVE/status || fail "capabilities kept: $(grep Cap /proc/$LIVE/status)"

    port=8080 n=0
    for scen in three-way-client-close three-way-server-close four-way-client-close four-way-server-close \
                half-close reset-linger reset-unread-data reset-after-fin; do
        run_scenario $scen $port
        port=$((port + 1)); n=$((n + 1))
    done
    in_ns $NS_C $PY "$EP" refused --addr $S4 --port 8099 2>>"$WORK/ep.log"; n=$((n + 1))
    # one connection still open at SIGINT: reported as at the end of a capture
    rm -f "$WORK/ready"
    ip netns exec $NS_S $PY "$EP" server open-at-end --addr $S4 --port 8090 --hold 30 --ready "$WORK/ready" 2>>"$WORK/ep.log" &
    PIDS+=($!)
    wait_file "$WORK/ready"
    ip netns exec $NS_C $PY "$EP" client open-at-end --addr $S4 --port 8090 --hold 30 2>>"$WORK/ep.log" &
    PIDS+=($!)
    sleep $((LINGER + 2))
    # every finished connection has been printed already, before the end of the capture
    before=$(wc -l <"$WORK/live.json")
    [ "$before" = $n ] || fail "before SIGINT: $before live records, expected the $n finished connections"
    [ "$(grep -c '^Stream ' "$WORK/live.explain")" = $n ] || fail "before SIGINT: --explain printed $(grep -c '^Stream ' "$WORK/live.explain") ladders, expected $n"
    [ ! -s "$WORK/live.byserver" ] || fail "--summary printed before the end of the capture"
    kill -INT $LIVE $TABLE $EXPLAIN
    kill -TERM $BYSERVER $SUMMARY
    for p in $LIVE $TABLE $EXPLAIN $BYSERVER $SUMMARY; do
        set +e; wait $p; rc=$?; set -e
        [ $rc = 0 ] || fail "after SIGINT/SIGTERM: exit $rc, expected 0"
    done
    stop_tcpdump
    grep -q "lvs0: [0-9]* frames, .*; 0 dropped by the kernel$" "$WORK/live.err" || fail "counts line: $(cat "$WORK/live.err")"
    "$AN" --json --linger $LINGER "$WORK/file.pcap" >"$WORK/file.json" 2>"$WORK/file.err" || fail "file analysis: $(cat "$WORK/file.err")"
    $PY "$HERE/compare.py" "$WORK/live.json" "$WORK/file.json" "$WORK/live.table" || fail "live and file records differ"
    "$AN" --explain --ascii --linger $LINGER "$WORK/file.pcap" >"$WORK/file.explain" 2>/dev/null
    "$AN" --summary --by server --linger $LINGER "$WORK/file.pcap" >"$WORK/file.byserver" 2>/dev/null
    $PY "$HERE/compare-text.py" explain "$WORK/live.explain" "$WORK/file.explain" || fail "--explain differs"
    "$AN" --summary --linger $LINGER "$WORK/file.pcap" >"$WORK/file.summary" 2>/dev/null
    # the counts (all RTT legs here are far below the 1 ms bucket edge): exactly the same
    diff "$WORK/live.summary" "$WORK/file.summary" || fail "--summary differs"
    $PY "$HERE/compare-text.py" byserver "$WORK/live.byserver" "$WORK/file.byserver" || fail "--summary --by server differs"
    echo "PASS: compare ($((n + 1)) connections; live records equal the file's)"
    exit 0
fi

if [ "$MODE" = silent ]; then
    LINGER=2 IDLE=3
    start_tcpdump
    mkfifo "$WORK/out.fifo"
    # every output line stamped with the wall clock when it arrives
    $PY -u -c 'import sys,time
for l in sys.stdin: print("%.6f %s" % (time.time(), l), end="", flush=True)' <"$WORK/out.fifo" >"$WORK/live.stamped" &
    STAMP=$!; PIDS+=($STAMP)
    ip netns exec $NS_S "$AN" -i lvs0 -f tcp --json --linger $LINGER --idle-timeout $IDLE \
        >"$WORK/out.fifo" 2>"$WORK/live.err" &
    LIVE=$!; PIDS+=($LIVE)
    wait_grep "capturing" "$WORK/live.err"
    last_packet() { tcpdump -r "$WORK/file.pcap" -tt -n 2>/dev/null | tail -1 | cut -d' ' -f1; }
    within() { # what last_packet printed_at low high
        $PY - "$@" <<'PYEOF' || fail "$1: printed outside [$3 s, $4 s] after its last packet"
import sys
what, last, printed, low, high = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
d = printed - last
print("%s: last packet %.6f, record printed %.6f: %.3f s later" % (what, last, printed, d))
sys.exit(0 if low - 0.01 <= d <= high else 1)
PYEOF
    }

    # 1. a connection closes, then nothing: printed after --linger, within --linger + 1 s
    run_scenario three-way-client-close 8080
    sleep 0.2
    last1=$(last_packet)
    sleep $((LINGER + 3))
    [ "$(wc -l <"$WORK/live.stamped")" = 1 ] || fail "expected one record $((LINGER + 3)) s after a close on a silent interface: $(cat "$WORK/live.stamped")"
    grep -q '"style":"three-way"' "$WORK/live.stamped" || fail "record: $(cat "$WORK/live.stamped")"
    within "closed connection (--linger $LINGER)" "$last1" "$(sed -n 1p "$WORK/live.stamped" | cut -d' ' -f1)" $LINGER $((LINGER + 1))

    # 2. a connection goes idle and stays open: expired after --idle-timeout on the wall clock
    rm -f "$WORK/ready"
    ip netns exec $NS_S $PY "$EP" server open-at-end --addr $S4 --port 8081 --hold 30 --ready "$WORK/ready" 2>>"$WORK/ep.log" &
    PIDS+=($!)
    wait_file "$WORK/ready"
    ip netns exec $NS_C $PY "$EP" client open-at-end --addr $S4 --port 8081 --hold 30 2>>"$WORK/ep.log" &
    PIDS+=($!)
    sleep 0.5
    last2=$(last_packet)
    sleep $((IDLE + 2))
    [ "$(wc -l <"$WORK/live.stamped")" = 2 ] || fail "expected an expired record $((IDLE + 2)) s after an idle connection: $(cat "$WORK/live.stamped")"
    sed -n 2p "$WORK/live.stamped" | grep '"style":"open"' | grep -q '"expired":true' || fail "record: $(sed -n 2p "$WORK/live.stamped")"
    within "idle connection (--idle-timeout $IDLE)" "$last2" "$(sed -n 2p "$WORK/live.stamped" | cut -d' ' -f1)" $IDLE $((IDLE + 1))

    kill -INT $LIVE
    wait $LIVE || fail "after SIGINT: exit $?"
    wait $STAMP || true
    [ "$(wc -l <"$WORK/live.stamped")" = 2 ] || fail "records after SIGINT: $(cat "$WORK/live.stamped")"
    stop_tcpdump
    echo "PASS: silent"
    exit 0
fi
fail "unknown mode $MODE"
