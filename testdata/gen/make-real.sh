#!/bin/bash
# Real captures of the Linux TCP stack, between network namespaces.
#
#   sudo testdata/gen/make-real.sh              # all scenarios, writes testdata/*.pcap
#   sudo testdata/gen/make-real.sh half-close   # just some (names: see SCENARIOS below)
#   OUT=/tmp/x sudo -E testdata/gen/make-real.sh  # write elsewhere
#
# Topology (made fresh for every scenario, removed on exit):
#
#   ns tcc-cli            ns tcc-mid                                          ns tcc-srv
#   cli0 198.18.0.1 ==== mc0 [relay: client leg 20 ms] ma0 == mb0 [relay: server leg 7 ms] ms0 ==== srv0 198.18.0.2
#        fd00:198:18::1                               ^ tcpdump here                                fd00:198:18::2
#
# relay.py is a userspace AF_PACKET bridge (the kernel has no netem/iptables): it delays each
# frame by the leg's one-way delay, so seen from ma0 server_rtt ~ 14 ms and client_rtt ~ 40 ms.
# It can drop chosen frames (--drop). endpoint.py runs the scripted sockets, scan.py (scapy) and
# nmap the SYN scans.
# Needs: iproute2, ethtool, tcpdump, nmap, /usr/bin/python3 (with scapy). Run as root.
set -euo pipefail

GEN=$(cd "$(dirname "$0")" && pwd)
OUT=${OUT:-$(dirname "$GEN")}
PY=/usr/bin/python3
NS_C=tcc-cli NS_M=tcc-mid NS_S=tcc-srv
C4=198.18.0.1 S4=198.18.0.2 C6=fd00:198:18::1 S6=fd00:198:18::2
CMAC=02:00:c6:12:00:01 SMAC=02:00:c6:12:00:02
CLIENT_DELAY=${CLIENT_DELAY:-0.020} SERVER_DELAY=${SERVER_DELAY:-0.007}
PORT=8080
WORK=$(mktemp -d /tmp/tcpconn-gen.XXXXXX)
chmod 755 "$WORK"
PIDS=()
CAP_PID=

[ "$(id -u)" = 0 ] || { echo "make-real.sh: run as root" >&2; exit 1; }

log() { echo "== $*" >&2; }

kill_pids() {
    local p
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && wait "$p" 2>/dev/null || true
    done
    PIDS=()
}

topo_down() {
    local ns
    for ns in $NS_C $NS_M $NS_S; do
        ip netns del "$ns" 2>/dev/null || true
    done
}

cleanup() {
    [ -n "${CAP_PID:-}" ] && kill -TERM "$CAP_PID" 2>/dev/null || true
    kill_pids
    topo_down
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

quiet_if() { # ns ifname: no offloads (the relay forwards frames as they are), no IPv6 chatter
    in_ns "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

topo_up() {
    topo_down
    ip netns add $NS_C; ip netns add $NS_M; ip netns add $NS_S
    for ns in $NS_C $NS_M $NS_S; do
        in_ns $ns ip link set lo up
        in_ns $ns sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
            net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
    done
    in_ns $NS_M sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip link add cli0 netns $NS_C address $CMAC type veth peer name mc0 netns $NS_M
    ip link add srv0 netns $NS_S address $SMAC type veth peer name ms0 netns $NS_M
    in_ns $NS_M ip link add ma0 type veth peer name mb0
    for i in mc0 ma0 mb0 ms0; do
        in_ns $NS_M ip link set $i up
        quiet_if $NS_M $i
    done
    in_ns $NS_C ip addr add $C4/24 dev cli0
    in_ns $NS_C ip -6 addr add $C6/64 dev cli0 nodad
    in_ns $NS_S ip addr add $S4/24 dev srv0
    in_ns $NS_S ip -6 addr add $S6/64 dev srv0 nodad
    quiet_if $NS_C cli0; quiet_if $NS_S srv0
    in_ns $NS_C ip link set cli0 up
    in_ns $NS_S ip link set srv0 up
    # static neighbours: no ARP/ND in the captures
    in_ns $NS_C ip neigh replace $S4 lladdr $SMAC dev cli0 nud permanent
    in_ns $NS_C ip -6 neigh replace $S6 lladdr $SMAC dev cli0 nud permanent
    in_ns $NS_S ip neigh replace $C4 lladdr $CMAC dev srv0 nud permanent
    in_ns $NS_S ip -6 neigh replace $C6 lladdr $CMAC dev srv0 nud permanent
}

wait_file() { # file [timeout s]
    local i=0 n=$(( ${2:-10} * 20 ))
    while [ ! -e "$1" ]; do
        sleep 0.05; i=$((i + 1))
        [ $i -lt $n ] || { echo "timeout waiting for $1" >&2; return 1; }
    done
}

start_relay() { # drop rules... (or relay options --name=value, passed as they are)
    local args=() r
    for r in "$@"; do
        case $r in --*) args+=("$r") ;; *) args+=(--drop "$r") ;; esac
    done
    rm -f "$WORK/relay.ready"
    ip netns exec $NS_M $PY "$GEN/relay.py" --cli-if mc0 --mid-a ma0 --mid-b mb0 --srv-if ms0 \
        --client-delay "$CLIENT_DELAY" --server-delay "$SERVER_DELAY" --ready-file "$WORK/relay.ready" \
        "${args[@]}" 2>>"$WORK/relay.log" &
    PIDS+=($!)
    wait_file "$WORK/relay.ready"
}

start_capture() { # ns ifname file
    rm -f "$WORK/tcpdump.err"
    ip netns exec "$1" tcpdump -i "$2" --immediate-mode -U -w "$3" tcp 2>"$WORK/tcpdump.err" &
    CAP_PID=$!
    local i=0
    until grep -q "listening on" "$WORK/tcpdump.err" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
        [ $i -lt 200 ] || { echo "tcpdump did not start" >&2; cat "$WORK/tcpdump.err" >&2; return 1; }
    done
    sleep 0.2
}

stop_capture() {
    sleep 0.3
    kill -TERM "$CAP_PID"
    wait "$CAP_PID" || true
    CAP_PID=
    grep -h "packets captured" "$WORK/tcpdump.err" >&2 || true
}

start_server() { # behaviour/scenario addr [extra args]
    local what=$1 addr=$2; shift 2
    rm -f "$WORK/server.ready"
    ip netns exec $NS_S $PY "$GEN/endpoint.py" server "$what" --addr "$addr" --port $PORT \
        --ready "$WORK/server.ready" "$@" 2>>"$WORK/endpoints.log" &
    PIDS+=($!)
    wait_file "$WORK/server.ready"
}

client() { # args... (foreground only: a backgrounded function's $! is a subshell)
    in_ns $NS_C $PY "$GEN/endpoint.py" client "$@" 2>>"$WORK/endpoints.log"
}

# ---- scenarios: each writes $OUT/<name>.pcap ----

simple() { # name scenario [addr family]
    local name=$1 scen=$2 fam=${3:-4}
    local saddr=$S4
    [ "$fam" = 6 ] && saddr=$S6
    topo_up; start_relay
    start_server "$scen" $saddr
    start_capture $NS_M ma0 "$OUT/$name.pcap"
    client "$scen" --addr $saddr --port $PORT
    sleep 0.5
    stop_capture; kill_pids
}

sc_four_way_client_close() { simple four-way-client-close four-way-client-close; }
sc_four_way_server_close() { simple four-way-server-close four-way-server-close; }
sc_three_way_client_close() { simple three-way-client-close three-way-client-close; }
sc_three_way_server_close() { simple three-way-server-close three-way-server-close; }
sc_half_close() { simple half-close half-close; }
sc_reset_linger() { simple reset-linger reset-linger; }
sc_reset_unread_data() { simple reset-unread-data reset-unread-data; }
sc_ipv6_four_way() { simple ipv6-four-way-client-close four-way-client-close 6; }

sc_simultaneous_close() {
    topo_up; start_relay
    start_server simultaneous $S4
    start_capture $NS_M ma0 "$OUT/simultaneous-close.pcap"
    # both sides shutdown(SHUT_WR) at the same wall-clock instant; one-way delay is 27 ms
    client simultaneous --addr $S4 --port $PORT --close-at "$(date +%s.%N | awk '{printf "%.6f", $1 + 0.6}')"
    sleep 0.5
    stop_capture; kill_pids
}

sc_refused() {
    topo_up; start_relay
    start_capture $NS_M ma0 "$OUT/refused.pcap"
    in_ns $NS_C $PY "$GEN/endpoint.py" refused --addr $S4 --port 8081 2>>"$WORK/endpoints.log"
    stop_capture; kill_pids
}

sc_syn_lost() {
    # the relay drops the first SYN on the server leg (after the capture point):
    # the capture shows SYN, SYN retransmission (~1 s later), SYN/ACK, ...
    topo_up; start_relay "leg=server,dir=c2s,flags=SYN,count=1"
    start_server three-way-client-close $S4
    start_capture $NS_M ma0 "$OUT/syn-lost.pcap"
    client three-way-client-close --addr $S4 --port $PORT
    sleep 0.5
    stop_capture; kill_pids
}

sc_synack_lost() {
    # the relay drops the first SYN/ACK on the client leg (after the capture point):
    # the capture shows SYN, SYN/ACK, then the retransmissions of both
    topo_up; start_relay "leg=client,dir=s2c,flags=SYNACK,count=1"
    start_server three-way-client-close $S4
    start_capture $NS_M ma0 "$OUT/synack-lost.pcap"
    client three-way-client-close --addr $S4 --port $PORT
    sleep 0.5
    stop_capture; kill_pids
}

sc_port_reuse() {
    # two connections on one 4-tuple (client port 45000); the server closes first each time,
    # so the client is not left in TIME_WAIT; the server's TIME_WAIT accepts the new SYN
    topo_up; start_relay
    start_server three-way-server-close $S4
    start_capture $NS_M ma0 "$OUT/port-reuse.pcap"
    client three-way-server-close --addr $S4 --port $PORT --bind-port 45000 --repeat 2 --repeat-gap 0.5
    sleep 0.5
    stop_capture; kill_pids
}

sc_open_at_end() {
    topo_up; start_relay
    start_server open-at-end $S4 --hold 3
    start_capture $NS_M ma0 "$OUT/open-at-end.pcap"
    ip netns exec $NS_C $PY "$GEN/endpoint.py" client open-at-end --addr $S4 --port $PORT --hold 3 \
        2>>"$WORK/endpoints.log" &
    local cpid=$!
    PIDS+=($cpid)
    sleep 1.2
    stop_capture          # while the connection is still established
    wait $cpid || true
    kill_pids
}

sc_reset_after_fin() {
    # client: request + shutdown(SHUT_WR); server: close() without reading -> RST after the FIN
    simple reset-after-fin reset-after-fin
}

sc_incomplete_at_end() {
    # the client closes; the server acks the FIN but holds its side open past the end of the capture
    topo_up; start_relay
    start_server incomplete-at-end $S4 --hold 3
    start_capture $NS_M ma0 "$OUT/incomplete-at-end.pcap"
    client incomplete-at-end --addr $S4 --port $PORT
    sleep 1
    stop_capture
    kill_pids
}

sc_mid_stream() {
    topo_up; start_relay
    start_server three-way-client-close $S4
    rm -f "$WORK/est" "$WORK/go"
    ip netns exec $NS_C $PY "$GEN/endpoint.py" client three-way-client-close --addr $S4 --port $PORT \
        --established "$WORK/est" --go "$WORK/go" 2>>"$WORK/endpoints.log" &
    local cpid=$!
    PIDS+=($cpid)
    wait_file "$WORK/est"
    sleep 0.5             # the handshake is over before tcpdump starts
    start_capture $NS_M ma0 "$OUT/mid-stream.pcap"
    touch "$WORK/go"
    wait $cpid
    sleep 0.5
    stop_capture; kill_pids
}

sc_at_client_three_way() {
    topo_up; start_relay
    start_server three-way-client-close $S4
    start_capture $NS_C cli0 "$OUT/at-client-three-way-client-close.pcap"
    client three-way-client-close --addr $S4 --port $PORT
    sleep 0.5
    stop_capture; kill_pids
}

sc_at_client_syn_lost() {
    topo_up; start_relay "leg=server,dir=c2s,flags=SYN,count=1"
    start_server four-way-server-close $S4
    start_capture $NS_C cli0 "$OUT/at-client-syn-lost.pcap"
    client four-way-server-close --addr $S4 --port $PORT
    sleep 0.5
    stop_capture; kill_pids
}

sc_mixed() {
    topo_up; start_relay "leg=server,dir=c2s,flags=SYN,dport=8009,count=1"
    rm -f "$WORK/mixed.ready" "$WORK/est" "$WORK/go"
    ip netns exec $NS_S $PY "$GEN/endpoint.py" mixed-server --addr $S4 --ready "$WORK/mixed.ready" \
        2>>"$WORK/endpoints.log" &
    PIDS+=($!)
    wait_file "$WORK/mixed.ready"
    local t0
    t0=$(date +%s.%N | awk '{printf "%.6f", $1 + 3.0}')
    ip netns exec $NS_C $PY "$GEN/endpoint.py" mixed-client --addr $S4 --t0 "$t0" \
        --established "$WORK/est" --go "$WORK/go" 2>>"$WORK/endpoints.log" &
    local cpid=$!
    PIDS+=($cpid)
    wait_file "$WORK/est"
    sleep 0.3
    start_capture $NS_M ma0 "$OUT/mixed.pcap"
    touch "$WORK/go"
    # the schedule runs from t0 for ~2.5 s; the 'open' connections stay open 8 s
    local now
    now=$(date +%s.%N)
    sleep "$(awk -v a="$t0" -v b="$now" 'BEGIN{printf "%.3f", a + 4.5 - b}')"
    stop_capture
    kill_pids
}

sc_syn_scan() {
    # nmap -sS: its SYN from a raw socket, the server's SYN/ACK, and the client kernel's RST
    # (no socket owns the connection: RST with the SYN/ACK's ACK number, no ACK flag)
    topo_up; start_relay
    start_server three-way-client-close $S4
    start_capture $NS_M ma0 "$OUT/syn-scan.pcap"
    in_ns $NS_C nmap -sS -Pn -n --send-ip --max-retries 0 -p $PORT $S4 >>"$WORK/endpoints.log" 2>&1
    sleep 0.5
    stop_capture; kill_pids
}

sc_syn_scan_late_data() {
    # the same SYN scan (scan.py, scapy), then 16 s later a data segment with ACK on the same
    # ports, acknowledging the SYN/ACK; the server, which dropped the half-open connection at
    # the RST, answers with RST. (16 s: longer than tcpconn-analyze's default --linger 10.)
    topo_up; start_relay
    start_server three-way-client-close $S4
    start_capture $NS_M ma0 "$OUT/syn-scan-late-data.pcap"
    in_ns $NS_C $PY "$GEN/scan.py" --addr $S4 --port $PORT --late 16 2>>"$WORK/endpoints.log"
    sleep 0.5
    stop_capture; kill_pids
}

sc_three_servers() {
    # Three servers on one server namespace (198.18.0.2, .3, .4, port 8080), each its own
    # distance away (the relay adds 20 ms and 50 ms one way on the server leg for .3 and .4)
    # and with its own close habit (endpoint.py SERVERS): .2 closes first (it holds TIME_WAIT),
    # .3 waits for the client's FIN (the client holds TIME_WAIT), .4 resets (nobody does).
    # 13 connections on the schedule SERVERS_SCHEDULE, one every 150 ms.
    local b=198.18.0.3 c=198.18.0.4
    topo_up
    in_ns $NS_S ip addr add $b/24 dev srv0
    in_ns $NS_S ip addr add $c/24 dev srv0
    in_ns $NS_C ip neigh replace $b lladdr $SMAC dev cli0 nud permanent
    in_ns $NS_C ip neigh replace $c lladdr $SMAC dev cli0 nud permanent
    start_relay "--server-extra-delay=$b=0.020" "--server-extra-delay=$c=0.050"
    start_server active-close $S4
    start_server passive-fourway $b
    start_server close-unread $c
    start_capture $NS_M ma0 "$OUT/three-servers.pcap"
    local t0
    t0=$(date +%s.%N | awk '{printf "%.6f", $1 + 0.3}')
    in_ns $NS_C $PY "$GEN/endpoint.py" servers-client --t0 "$t0" 2>>"$WORK/endpoints.log"
    sleep 1
    stop_capture
    # What the kernels say: TIME-WAIT sockets per server address, in each namespace (Linux keeps
    # them 60 s, longer than this scenario runs). Expected: 6 on the server for .2, 4 on the
    # client for .3, none for .4.
    local s tw_s tw_c
    for s in $S4 $b $c; do
        tw_s=$(in_ns $NS_S ss -Htan state time-wait "( sport = :$PORT )" | awk -v a="$s:$PORT" '$3 == a' | wc -l)
        tw_c=$(in_ns $NS_C ss -Htan state time-wait | awk -v a="$s:$PORT" '$4 == a' | wc -l)
        echo "three-servers: $s:$PORT: TIME-WAIT sockets: server $tw_s, client $tw_c" >&2
    done
    kill_pids
}

SCENARIOS=(four_way_client_close four_way_server_close three_way_client_close three_way_server_close
    half_close simultaneous_close reset_linger reset_unread_data refused syn_lost synack_lost port_reuse
    open_at_end reset_after_fin incomplete_at_end mid_stream ipv6_four_way at_client_three_way at_client_syn_lost mixed
    syn_scan syn_scan_late_data three_servers)

mkdir -p "$OUT"
if [ $# -gt 0 ]; then
    todo=("$@")
else
    todo=("${SCENARIOS[@]}")
fi
for s in "${todo[@]}"; do
    s=${s//-/_}
    declare -F "sc_$s" >/dev/null || { echo "unknown scenario $s; known: ${SCENARIOS[*]}" >&2; exit 2; }
    log "$s"
    "sc_$s"
done
topo_down
if [ -s "$WORK/relay.log" ]; then cat "$WORK/relay.log" >&2; fi
if [ -n "${VERBOSE:-}" ]; then cat "$WORK/endpoints.log" >&2; fi
log "done: ${todo[*]}"
