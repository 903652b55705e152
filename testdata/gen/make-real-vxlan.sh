#!/bin/bash
# A real VXLAN capture: real Linux TCP connections over a kernel vxlan link, captured on its
# underlay, and the same connections captured at the same time on the overlay (the vxlan
# device itself), so the tunnelled capture has a plain twin to be checked against.
#
#   sudo testdata/gen/make-real-vxlan.sh           # writes testdata/tunnel-vxlan-real.pcap
#                                                  # and testdata/tunnel-vxlan-real-inner.pcap
#   OUT=/tmp/x PREFIX=abc sudo -E testdata/gen/make-real-vxlan.sh
#
# Topology (made fresh, removed on exit; names start with $PREFIX, default "tcvx"):
#
#   ns ${PREFIX}c                                          ns ${PREFIX}s
#   ${PREFIX}u0 198.18.110.1 ======== veth ======== ${PREFIX}u1 198.18.110.2     (underlay)
#      ^ tcpdump "udp port 4789" here
#   ${PREFIX}vx 198.18.111.1 ===== vxlan VNI 4242, UDP 4789 ===== ${PREFIX}vx 198.18.111.2
#      ^ tcpdump "tcp" here (the twin)                                 (overlay: the TCP)
#
# Connections over the overlay, one after the other (endpoint.py's scenarios, server ports
# 8080, 8082, 8084, 8086): three-way-client-close, four-way-server-close, reset-linger, half-close, then a SYN
# to port 8081 (refused). No relay: the legs are the namespaces' own few microseconds.
# Needs: iproute2 with vxlan, ethtool, tcpdump, /usr/bin/python3. Run as root.
set -euo pipefail

GEN=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$(dirname "$GEN")}
PY=/usr/bin/python3
P=${PREFIX:-tcvx}
NS_C=${P}c NS_S=${P}s
U_C=198.18.110.1 U_S=198.18.110.2 C4=198.18.111.1 S4=198.18.111.2
UMAC_C=02:00:c6:12:6e:01 UMAC_S=02:00:c6:12:6e:02 OMAC_C=02:00:c6:12:6f:01 OMAC_S=02:00:c6:12:6f:02
PORT=8080
WORK=$(mktemp -d /tmp/tcpconn-vxlan.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CAPS=()

[ "$(id -u)" = 0 ] || { echo "make-real-vxlan.sh: run as root" >&2; exit 1; }

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
    local p
    for p in "${CAPS[@]:-}" "${PIDS[@]:-}"; do [ -n "$p" ] && kill -TERM "$p" 2>/dev/null || true; done
    for p in "${CAPS[@]:-}" "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    ip netns del $NS_C 2>/dev/null || true
    ip netns del $NS_S 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_file() { # file [timeout s]
    local i=0 n=$(( ${2:-10} * 20 ))
    while [ ! -e "$1" ]; do
        sleep 0.05; i=$((i + 1))
        [ $i -lt $n ] || { echo "timeout waiting for $1" >&2; return 1; }
    done
}

no_offloads() { # ns ifname: frames as they go on the wire, no TSO/GSO super-frames
    in_ns "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

ip netns del $NS_C 2>/dev/null || true
ip netns del $NS_S 2>/dev/null || true
ip netns add $NS_C; ip netns add $NS_S
for ns in $NS_C $NS_S; do
    in_ns $ns ip link set lo up
    in_ns $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add ${P}u0 netns $NS_C address $UMAC_C type veth peer name ${P}u1 netns $NS_S address $UMAC_S
in_ns $NS_C ip addr add $U_C/24 dev ${P}u0
in_ns $NS_S ip addr add $U_S/24 dev ${P}u1
in_ns $NS_C ip link set ${P}u0 up
in_ns $NS_S ip link set ${P}u1 up
in_ns $NS_C ip neigh replace $U_S lladdr $UMAC_S dev ${P}u0 nud permanent
in_ns $NS_S ip neigh replace $U_C lladdr $UMAC_C dev ${P}u1 nud permanent
in_ns $NS_C ip link add ${P}vx address $OMAC_C type vxlan id 4242 local $U_C remote $U_S dstport 4789 dev ${P}u0
in_ns $NS_S ip link add ${P}vx address $OMAC_S type vxlan id 4242 local $U_S remote $U_C dstport 4789 dev ${P}u1
in_ns $NS_C ip addr add $C4/24 dev ${P}vx
in_ns $NS_S ip addr add $S4/24 dev ${P}vx
for ns in $NS_C $NS_S; do
    in_ns $ns ip link set ${P}vx up
done
no_offloads $NS_C ${P}u0; no_offloads $NS_S ${P}u1; no_offloads $NS_C ${P}vx; no_offloads $NS_S ${P}vx
in_ns $NS_C ip neigh replace $S4 lladdr $OMAC_S dev ${P}vx nud permanent
in_ns $NS_S ip neigh replace $C4 lladdr $OMAC_C dev ${P}vx nud permanent

start_capture() { # ifname filter file
    rm -f "$WORK/$1.err"
    # not through in_ns: a backgrounded function's $! is its subshell, and killing that
    # would leave tcpdump running (ip netns exec execs tcpdump in its own process)
    ip netns exec $NS_C tcpdump -i "$1" --immediate-mode -U -w "$3" "$2" 2>"$WORK/$1.err" &
    CAPS+=($!)
    local i=0
    until grep -q "listening on" "$WORK/$1.err" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
        [ $i -lt 200 ] || { echo "tcpdump did not start on $1" >&2; cat "$WORK/$1.err" >&2; return 1; }
    done
}

start_capture ${P}u0 "udp port 4789" "$OUT/tunnel-vxlan-real.pcap"
start_capture ${P}vx "tcp" "$OUT/tunnel-vxlan-real-inner.pcap"
sleep 0.3

port=$PORT
for scen in three-way-client-close four-way-server-close reset-linger half-close; do
    echo "== $scen (port $port)" >&2
    rm -f "$WORK/server.ready"
    ip netns exec $NS_S $PY "$GEN/endpoint.py" server "$scen" --addr $S4 --port $port \
        --ready "$WORK/server.ready" 2>>"$WORK/endpoints.log" &
    spid=$!
    wait_file "$WORK/server.ready"
    in_ns $NS_C $PY "$GEN/endpoint.py" client "$scen" --addr $S4 --port $port 2>>"$WORK/endpoints.log"
    sleep 0.5
    kill "$spid" 2>/dev/null || true
    wait "$spid" 2>/dev/null || true
    port=$((port + 2))
done
echo "== refused" >&2
in_ns $NS_C $PY "$GEN/endpoint.py" refused --addr $S4 --port 8081 2>>"$WORK/endpoints.log"
sleep 0.5

for p in "${CAPS[@]}"; do kill -TERM "$p"; wait "$p" || true; done
CAPS=()
grep -h "packets captured" "$WORK"/*.err >&2 || true
