#!/usr/bin/python3
"""Scripted TCP endpoints for the real captures (run inside the client or server namespace).

    endpoint.py server BEHAVIOUR --addr A --port P [--ready FILE] [--hold S]
    endpoint.py client SCENARIO  --addr A --port P [options]
    endpoint.py mixed-server --addr A --ready FILE
    endpoint.py mixed-client --addr A --t0 T [--established FILE --go FILE]
    endpoint.py servers-client --t0 T         (three-servers.pcap: SERVERS_SCHEDULE from T)
    endpoint.py mixed-expected | servers-expected   (their EXPECTED lines)

Every exchange is a request line from the client ("REQ <close_at>\n") and a response
(RESPONSE_LEN bytes ending in "\n") from the server, then a scripted close. Behaviours
are named after what the close is meant to look like on the wire; SCENARIOS below pairs
a client behaviour with a server behaviour.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

RESPONSE_LEN = 300
PASSIVE_WAIT = 0.2  # the four-way passive side waits this long after EOF, so its ACK goes first


def log(*a):
    print("[%s %.3f]" % (os.environ.get("EP_ROLE", "?"), time.time()), *a, file=sys.stderr, flush=True)


def recv_line(s):
    buf = b""
    while not buf.endswith(b"\n"):
        d = s.recv(4096)
        if not d:
            break
        buf += d
    return buf


def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        d = s.recv(n - len(buf))
        if not d:
            break
        buf += d
    return buf


def recv_until_eof(s):
    total = 0
    while True:
        d = s.recv(65536)
        if not d:
            return total
        total += len(d)


def sleep_until(t):
    d = t - time.time()
    if d > 0:
        time.sleep(d)


def response():
    return b"R" * (RESPONSE_LEN - 1) + b"\n"


def parse_close_at(req):
    parts = req.split()
    if len(parts) >= 2:
        try:
            return float(parts[1])
        except ValueError:
            pass
    return None


# ---------------- server behaviours (after accept) ----------------

def srv_passive_fourway(c, hold):
    recv_line(c)
    c.sendall(response())
    recv_until_eof(c)
    time.sleep(PASSIVE_WAIT)
    c.close()


def srv_passive_threeway(c, hold):
    recv_line(c)
    c.sendall(response())
    recv_until_eof(c)
    c.close()


def srv_active_close(c, hold):
    recv_line(c)
    c.sendall(response())
    c.close()


def srv_halfclose(c, hold):
    recv_until_eof(c)  # the request, then the client's FIN
    for i in range(6):
        time.sleep(0.05)
        c.sendall(("half-close segment %d " % i).encode() * 10 + b"\n")
    time.sleep(0.05)
    c.close()


def srv_simultaneous(c, hold):
    req = recv_line(c)
    c.sendall(response())
    sleep_until(parse_close_at(req))
    c.shutdown(socket.SHUT_WR)
    recv_until_eof(c)
    c.close()


def srv_victim_of_rst(c, hold):
    recv_line(c)
    c.sendall(response())
    try:
        while c.recv(4096):
            pass
    except ConnectionResetError:
        log("server saw the reset")
    c.close()


def srv_close_unread(c, hold):
    # do not read the request: close() with unread data makes Linux send RST
    time.sleep(0.15)
    c.close()


def srv_hold_after_eof(c, hold):
    # answer, read the client's FIN, then keep the connection half-open (no FIN) for `hold` s
    recv_line(c)
    c.sendall(response())
    recv_until_eof(c)
    time.sleep(hold)
    c.close()


def srv_hold_open(c, hold):
    recv_line(c)
    c.sendall(response())
    time.sleep(hold)
    c.close()


def srv_after_midstream(c, hold):
    # idle while the capture starts, then a request/response and a three-way close
    recv_line(c)
    c.sendall(response())
    recv_until_eof(c)
    c.close()


SERVER = {
    "passive-fourway": srv_passive_fourway,
    "passive-threeway": srv_passive_threeway,
    "active-close": srv_active_close,
    "halfclose": srv_halfclose,
    "simultaneous": srv_simultaneous,
    "victim-of-rst": srv_victim_of_rst,
    "close-unread": srv_close_unread,
    "hold-open": srv_hold_open,
    "hold-after-eof": srv_hold_after_eof,
}


def serve(addr, port, behaviour, hold, ready=None, max_conns=None, stop_event=None):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(64)
    ls.settimeout(0.2)
    if ready:
        open(ready, "w").close()
    fn = SERVER[behaviour]
    n = 0
    threads = []
    while max_conns is None or n < max_conns:
        if stop_event is not None and stop_event.is_set():
            break
        try:
            c, peer = ls.accept()
        except socket.timeout:
            continue
        n += 1
        log("accepted", peer, "->", behaviour)
        t = threading.Thread(target=run_guarded, args=(fn, c, hold), daemon=True)
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    ls.close()


def run_guarded(fn, *args):
    try:
        fn(*args)
    except OSError as e:
        log("%s: %r" % (fn.__name__, e))


# ---------------- client behaviours (after connect) ----------------

def cli_active(c, close_at, hold):
    c.sendall(b"REQ -\n")
    recv_exact(c, RESPONSE_LEN)
    c.close()


def cli_passive_fourway(c, close_at, hold):
    c.sendall(b"REQ -\n")
    recv_until_eof(c)
    time.sleep(PASSIVE_WAIT)
    c.close()


def cli_passive_threeway(c, close_at, hold):
    c.sendall(b"REQ -\n")
    recv_until_eof(c)
    c.close()


def cli_halfclose(c, close_at, hold):
    c.sendall(b"REQ -\n")
    c.shutdown(socket.SHUT_WR)
    n = recv_until_eof(c)
    log("half-close: received %d bytes after shutdown" % n)
    c.close()


def cli_simultaneous(c, close_at, hold):
    c.sendall(b"REQ %.6f\n" % close_at)
    recv_exact(c, RESPONSE_LEN)
    sleep_until(close_at)
    c.shutdown(socket.SHUT_WR)
    recv_until_eof(c)
    c.close()


def cli_linger_rst(c, close_at, hold):
    c.sendall(b"REQ -\n")
    recv_exact(c, RESPONSE_LEN)
    time.sleep(0.05)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.close()


def cli_unread_victim(c, close_at, hold):
    c.sendall(b"REQ " + b"x" * 200 + b"\n")
    try:
        recv_until_eof(c)
    except ConnectionResetError:
        log("client saw the reset")
    c.close()


def cli_fin_then_reset(c, close_at, hold):
    # request and FIN at once; the server closes without reading: its RST ends the connection
    c.sendall(b"REQ " + b"x" * 200 + b"\n")
    c.shutdown(socket.SHUT_WR)
    try:
        recv_until_eof(c)
    except ConnectionResetError:
        log("client saw the reset after its FIN")
    c.close()


def cli_hold_open(c, close_at, hold):
    c.sendall(b"REQ -\n")
    recv_exact(c, RESPONSE_LEN)
    time.sleep(hold)
    c.close()


CLIENT = {
    "active": cli_active,
    "passive-fourway": cli_passive_fourway,
    "passive-threeway": cli_passive_threeway,
    "halfclose": cli_halfclose,
    "simultaneous": cli_simultaneous,
    "linger-rst": cli_linger_rst,
    "unread-victim": cli_unread_victim,
    "hold-open": cli_hold_open,
    "fin-then-reset": cli_fin_then_reset,
}

# scenario -> (client behaviour, server behaviour)
SCENARIOS = {
    "four-way-client-close": ("active", "passive-fourway"),
    "four-way-server-close": ("passive-fourway", "active-close"),
    "three-way-client-close": ("active", "passive-threeway"),
    "three-way-server-close": ("passive-threeway", "active-close"),
    "half-close": ("halfclose", "halfclose"),
    "simultaneous-close": ("simultaneous", "simultaneous"),
    "reset-linger": ("linger-rst", "victim-of-rst"),
    "reset-unread-data": ("unread-victim", "close-unread"),
    "open-at-end": ("hold-open", "hold-open"),
    "reset-after-fin": ("fin-then-reset", "close-unread"),
    "incomplete-at-end": ("active", "hold-after-eof"),
}


def connect(addr, port, bind_port=0, timeout=10):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    c = socket.socket(fam, socket.SOCK_STREAM)
    if bind_port:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", bind_port))
    c.settimeout(timeout)
    c.connect((addr, port))
    return c


def run_client(behaviour, addr, port, close_at=None, hold=0.0, bind_port=0):
    c = connect(addr, port, bind_port)
    log("connected", c.getsockname(), "->", behaviour)
    CLIENT[behaviour](c, close_at, hold)


def refused(addr, port):
    try:
        connect(addr, port)
    except ConnectionRefusedError:
        log("refused, as intended")
        return
    raise SystemExit("connect to %s:%d was not refused" % (addr, port))


# ---------------- mixed capture ----------------
# Server ports of the mixed capture, one per server behaviour; 8099 has no listener.
MIXED_PORTS = {
    8001: "passive-fourway",
    8002: "passive-threeway",
    8003: "active-close",
    8004: "halfclose",
    8005: "simultaneous",
    8006: "victim-of-rst",
    8007: "close-unread",
    8008: "hold-open",
    8009: "passive-threeway",  # the relay drops the first SYN to this port
    8010: "active-close",      # port reuse (client port 45000 twice)
}
MIXED_REFUSED_PORT = 8099
MIXED_LOST_SYN_PORT = 8009
MIXED_REUSE_CLIENT_PORT = 45000

# kinds in the mixed capture: kind -> (server port, client behaviour)
MIXED_KINDS = {
    "four-way-client": (8001, "active"),
    "four-way-server": (8003, "passive-fourway"),
    "three-way-client": (8002, "active"),
    "three-way-server": (8003, "passive-threeway"),
    "half-close": (8004, "halfclose"),
    "simultaneous": (8005, "simultaneous"),
    "reset-linger": (8006, "linger-rst"),
    "reset-unread": (8007, "unread-victim"),
    "refused": (MIXED_REFUSED_PORT, None),
    "lost-syn": (MIXED_LOST_SYN_PORT, "active"),
    "open": (8008, "hold-open"),
    "reuse": (8010, "passive-threeway"),
}

# The schedule: one connection every MIXED_STEP seconds from t0, in this order, so streams
# (numbered by first packet) follow this list. Stream 0 is the connection established before
# the capture started (mid-stream). 'reuse' appears twice: the same 4-tuple, 1.2 s apart.
MIXED_STEP = 0.06
MIXED_SCHEDULE = [
    "four-way-client", "three-way-client", "four-way-server", "half-close", "simultaneous",
    "reset-linger", "three-way-server", "refused", "reset-unread", "lost-syn",
    "four-way-client", "reuse", "three-way-client", "open", "simultaneous",
    "half-close", "four-way-server", "three-way-server", "reset-linger", "refused",
    "four-way-client", "three-way-client", "reset-unread", "simultaneous", "half-close",
    "four-way-server", "three-way-server", "four-way-client", "three-way-client", "reuse",
    "simultaneous", "reset-linger", "four-way-client", "half-close", "three-way-client",
    "open", "four-way-server", "refused",
]
MIXED_HOLD = 8.0  # 'open' connections stay open this long (the capture stops before)


# What each kind is, by construction: handshake_state teardown_style initiator (SPEC.md strings)
MIXED_EXPECT = {
    "four-way-client": "complete four-way client",
    "four-way-server": "complete four-way server",
    "three-way-client": "complete three-way client",
    "three-way-server": "complete three-way server",
    "half-close": "complete half-close client",
    "simultaneous": "complete simultaneous both",
    "reset-linger": "complete reset client",
    "reset-unread": "complete reset server",
    "refused": "refused refused server",
    "lost-syn": "complete three-way client",
    "open": "complete open none",
    "reuse": "complete three-way server",
}


def mixed_expected(fname):
    """EXPECTED lines of the mixed capture, from the schedule (stream = position + 1)."""
    print("# %s: stream 0 was established before the capture started; then MIXED_SCHEDULE" % fname)
    print("#   server ports: 8000 mid-stream, 8001 four-way by client, 8002 three-way by client, 8003 server"
          " closes (four-way or three-way), 8004 half-close, 8005 simultaneous, 8006 RST by client (linger 0),"
          " 8007 RST by server (unread data), 8008 open at end, 8009 first SYN lost, 8010 port reuse"
          " (client port 45000 twice), 8099 refused")
    print("%s 0 not-captured three-way client" % fname)
    for i, kind in enumerate(MIXED_SCHEDULE):
        print("%s %d %s" % (fname, i + 1, MIXED_EXPECT[kind]))


def mixed_server(addr, ready):
    stop = threading.Event()
    ths = []
    for port, beh in MIXED_PORTS.items():
        t = threading.Thread(target=serve, args=(addr, port, beh, MIXED_HOLD), kwargs={"stop_event": stop},
                             daemon=True)
        t.start()
        ths.append(t)
    # the mid-stream connection's server: port 8000, idle until the request, three-way close
    t = threading.Thread(target=serve, args=(addr, 8000, "passive-threeway", 0), kwargs={"stop_event": stop},
                         daemon=True)
    t.start()
    time.sleep(0.5)
    open(ready, "w").close()
    time.sleep(30)
    stop.set()


def mixed_client(addr, t0, established, go):
    # stream 0: established before the capture starts, used after it started
    pre = connect(addr, 8000)
    open(established, "w").close()
    while not os.path.exists(go):
        time.sleep(0.05)
    ths = []

    def one(i, kind):
        port, beh = MIXED_KINDS[kind]
        start = t0 + (i + 1) * MIXED_STEP
        sleep_until(start)
        try:
            if kind == "refused":
                refused(addr, port)
                return
            bind = MIXED_REUSE_CLIENT_PORT if kind == "reuse" else 0
            close_at = start + 0.5 if beh == "simultaneous" else None
            run_client(beh, addr, port, close_at=close_at, hold=MIXED_HOLD, bind_port=bind)
        except OSError as e:
            log("mixed #%d %s: %r" % (i, kind, e))

    sleep_until(t0)
    pre.sendall(b"REQ -\n")
    recv_exact(pre, RESPONSE_LEN)
    threading.Thread(target=lambda: (time.sleep(0.3), pre.close()), daemon=True).start()
    reuse_seen = 0
    for i, kind in enumerate(MIXED_SCHEDULE):
        if kind == "reuse":
            reuse_seen += 1
            if reuse_seen == 2:
                # the second use of the 4-tuple: wait until the first has closed
                for t in ths:
                    if t.name == "reuse-1":
                        t.join()
        t = threading.Thread(target=one, args=(i, kind), daemon=True,
                             name="reuse-%d" % reuse_seen if kind == "reuse" else "c%d" % i)
        t.start()
        ths.append(t)
    for t in ths:
        t.join()


# ---------------- three servers (three-servers.pcap) ----------------
# Three servers behind one relay, each its own distance away (make-real.sh gives the relay
# --server-extra-delay for the second and third) and with its own close habit:
#   address: (server behaviour, client behaviour, what each connection is: handshake style initiator)
SERVERS = {
    "198.18.0.2": ("active-close", "passive-threeway", "complete three-way server"),  # near; the server closes
    "198.18.0.3": ("passive-fourway", "active", "complete four-way client"),          # +20 ms; the client closes
    "198.18.0.4": ("close-unread", "unread-victim", "complete reset server"),         # +50 ms; the server resets
}
SERVERS_PORT = 8080
SERVERS_STEP = 0.15
SERVERS_SCHEDULE = ["198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.2", "198.18.0.3", "198.18.0.4",
                    "198.18.0.2", "198.18.0.3", "198.18.0.4", "198.18.0.2", "198.18.0.3", "198.18.0.2",
                    "198.18.0.2"]


def servers_expected(fname):
    """EXPECTED lines of the three-servers capture, from the schedule (stream = position)."""
    for i, addr in enumerate(SERVERS_SCHEDULE):
        print("%s %d %s" % (fname, i, SERVERS[addr][2]))


def servers_client(t0):
    ths = []

    def one(i, addr):
        sleep_until(t0 + i * SERVERS_STEP)
        try:
            run_client(SERVERS[addr][1], addr, SERVERS_PORT)
        except OSError as e:
            log("servers #%d %s: %r" % (i, addr, e))

    for i, addr in enumerate(SERVERS_SCHEDULE):
        t = threading.Thread(target=one, args=(i, addr), daemon=True)
        t.start()
        ths.append(t)
    for t in ths:
        t.join()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("role", choices=["server", "client", "refused", "mixed-server", "mixed-client",
                                     "mixed-expected", "servers-client", "servers-expected"])
    ap.add_argument("what", nargs="?")
    ap.add_argument("--addr", default="198.18.0.2")
    ap.add_argument("--port", type=int, default=8080)
    ap.add_argument("--ready")
    ap.add_argument("--hold", type=float, default=0.0)
    ap.add_argument("--max-conns", type=int)
    ap.add_argument("--close-at", type=float)
    ap.add_argument("--bind-port", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--repeat-gap", type=float, default=0.3)
    ap.add_argument("--established")
    ap.add_argument("--go")
    ap.add_argument("--start-at", type=float)
    ap.add_argument("--t0", type=float)
    a = ap.parse_args()
    os.environ["EP_ROLE"] = a.role
    if a.role == "server":
        beh = SCENARIOS[a.what][1] if a.what in SCENARIOS else a.what
        serve(a.addr, a.port, beh, a.hold, ready=a.ready, max_conns=a.max_conns)
    elif a.role == "client":
        beh = SCENARIOS[a.what][0] if a.what in SCENARIOS else a.what
        if a.established:
            # connect, tell the driver, wait for its go (the capture starts in between)
            c = connect(a.addr, a.port, a.bind_port)
            open(a.established, "w").close()
            while not os.path.exists(a.go):
                time.sleep(0.05)
            time.sleep(0.2)
            CLIENT[beh](c, a.close_at, a.hold)
            return
        if a.start_at:
            sleep_until(a.start_at)
        for i in range(a.repeat):
            if i:
                time.sleep(a.repeat_gap)
            run_client(beh, a.addr, a.port, close_at=a.close_at, hold=a.hold, bind_port=a.bind_port)
    elif a.role == "refused":
        refused(a.addr, a.port)
    elif a.role == "mixed-server":
        mixed_server(a.addr, a.ready)
    elif a.role == "mixed-expected":
        mixed_expected(a.what or "mixed.pcap")
    elif a.role == "mixed-client":
        mixed_client(a.addr, a.t0, a.established, a.go)
    elif a.role == "servers-client":
        servers_client(a.t0)
    elif a.role == "servers-expected":
        servers_expected(a.what or "three-servers.pcap")


if __name__ == "__main__":
    main()
