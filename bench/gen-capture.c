/* gen-capture.c: a deterministic generator of large benchmark captures.
 *
 *   gen-capture [--conns N] [--seed S] [--snaplen N] [--rate CONNS_PER_S] [--rounds N] [--vxlan] OUT.pcap
 *
 * Writes a classic pcap (microsecond timestamps, LINKTYPE_ETHERNET) of N TCP
 * connections (default 48000, about 1.1 M packets) over Ethernet/IPv4, with every
 * teardown style of SPEC.md interleaved: four-way, three-way, half-close,
 * simultaneous, reset, reset-after-fin, refused, incomplete and open. Connections
 * start uniformly over N / rate seconds (default 800 per second, so about 60 s of
 * capture and several hundred connections alive at a time) and each carries one to
 * three HTTP-like request/response exchanges. Every segment has realistic headers:
 * MSS/SACK-permitted/timestamps/window-scale options on SYNs, NOP NOP timestamps on
 * every other segment (none on RSTs, as Linux sends them), incrementing IPv4 IDs with
 * DF, correct IPv4 and TCP checksums, and occasional SYN, SYN/ACK and FIN
 * retransmissions. Frames are cut at the snap length (default 128 bytes, like
 * `tcpdump -s 128`): headers complete, payload partly captured.
 *
 * --rounds N: every connection carries exactly N exchanges (long connections: few handshakes
 * and closes among many data segments, the common case in real traffic; e.g. --conns 1000
 * --rounds 40 gives about 600 000 packets of which 1 % open or close a connection).
 *
 * --vxlan: every frame inside VXLAN (VNI 4242, UDP to port 4789, source port per
 * connection as Linux derives it from the inner flow) between two tunnel endpoints
 * 198.18.200.1 and 198.18.200.2, as a cloud traffic mirror delivers it: 50 more bytes a
 * frame, the same inner packets, cut at snaplen + 50 so that as much of them is captured.
 *
 * Same arguments, same bytes: the only source of randomness is a seeded xorshift.
 * On exit it prints the counts per style on standard error.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { F_FIN = 0x01, F_SYN = 0x02, F_RST = 0x04, F_PSH = 0x08, F_ACK = 0x10 };

static unsigned fixed_rounds; /* --rounds: exchanges per connection, 0 for the default mix */

enum style {
    S_FOUR_WAY,
    S_THREE_WAY,
    S_HALF_CLOSE,
    S_SIMULTANEOUS,
    S_RESET,
    S_RESET_AFTER_FIN,
    S_REFUSED,
    S_INCOMPLETE,
    S_OPEN,
    S_COUNT
};
static const char *const style_name[S_COUNT] = {
    "four-way", "three-way", "half-close", "simultaneous", "reset", "reset-after-fin", "refused", "incomplete", "open",
};
/* Weights out of 100. */
static const unsigned style_weight[S_COUNT] = { 26, 26, 7, 5, 10, 7, 7, 6, 6 };

/* One packet of one connection. */
struct step {
    uint64_t t_ns; /* capture time, ns since the capture start */
    uint32_t conn, idx;
    uint32_t seq, ack, tsval, tsecr;
    uint16_t len, win, ipid;
    uint8_t flags, dir, opts; /* opts: 0 none, 1 SYN options, 2 NOP NOP TS */
    uint8_t kind; /* payload kind: 0 filler, 1 request head, 2 response head */
};

struct conn {
    uint32_t cip, sip;
    uint16_t cport, sport;
};

/* ------------------------------------------------------------------ random */
static uint64_t rng_state;
static uint64_t rnd(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}
static uint32_t rnd_below(uint32_t n) { return (uint32_t)(rnd() % n); }
static uint32_t rnd_range(uint32_t lo, uint32_t hi) { return lo + rnd_below(hi - lo + 1); }

/* ----------------------------------------------------------------- storage */
static struct step *steps;
static size_t nsteps, capsteps;
static struct conn *conns;

static struct step *new_step(void)
{
    if (nsteps == capsteps) {
        capsteps = capsteps ? capsteps * 2 : 1u << 20;
        steps = realloc(steps, capsteps * sizeof *steps);
        if (!steps) {
            perror("gen-capture: realloc");
            exit(1);
        }
    }
    struct step *s = &steps[nsteps++];
    memset(s, 0, sizeof *s);
    s->idx = (uint32_t)(nsteps - 1);
    return s;
}

/* --------------------------------------------------------- one connection */
struct side {
    uint32_t nxt; /* next sequence number to send */
    uint32_t rcv; /* what this side has received in order (its ACK number) */
    uint32_t ts_base; /* TSval clock origin, ms */
    uint32_t last_ts_seen; /* latest TSval received from the peer */
    uint16_t ipid, win;
};

struct builder {
    uint32_t conn;
    uint64_t t; /* current time, ns */
    uint64_t leg[2]; /* round trip capture point <-> side, ns: leg[0] client, leg[1] server */
    struct side side[2];
};

/* Append a segment from `dir` at time b->t; it acks everything the sender has received. */
static struct step *emit(struct builder *b, int dir, uint8_t flags, uint16_t len, uint8_t kind)
{
    struct side *me = &b->side[dir], *peer = &b->side[!dir];
    struct step *s = new_step();
    s->t_ns = b->t;
    s->conn = b->conn;
    s->dir = (uint8_t)dir;
    s->flags = flags;
    s->len = len;
    s->kind = kind;
    s->seq = me->nxt;
    s->ack = (flags & F_ACK) ? me->rcv : 0;
    s->win = me->win;
    s->ipid = me->ipid++;
    if (flags & F_RST) {
        s->opts = 0;
    } else {
        s->opts = (flags & F_SYN) ? 1 : 2;
        s->tsval = me->ts_base + (uint32_t)(b->t / 1000000u);
        s->tsecr = (flags & F_ACK) ? me->last_ts_seen : 0;
        peer->last_ts_seen = s->tsval;
    }
    uint32_t adv = len + ((flags & F_SYN) ? 1u : 0u) + ((flags & F_FIN) ? 1u : 0u);
    me->nxt += adv;
    if (!(flags & F_RST))
        peer->rcv = me->nxt; /* delivered in order */
    return s;
}

/* Time for the other side to answer a packet from `dir`: the answering side's leg. */
static void answer_delay(struct builder *b, int answering_dir)
{
    b->t += b->leg[answering_dir] + rnd_range(5, 60) * 1000u;
}
static void small_delay(struct builder *b) { b->t += rnd_range(3, 40) * 1000u; }

/* Server sends `bytes` in MSS segments; the client acks every second one. */
static void response(struct builder *b, uint32_t bytes)
{
    unsigned n = 0;
    int first = 1;
    while (bytes > 0) {
        uint16_t len = (uint16_t)(bytes > 1448 ? 1448 : bytes);
        bytes -= len;
        emit(b, 1, F_ACK | (bytes == 0 ? F_PSH : 0), len, first ? 2 : 0);
        first = 0;
        if (++n % 2 == 0 || bytes == 0) {
            answer_delay(b, 0); /* the client's ACK; the next segments answer it */
            emit(b, 0, F_ACK, 0, 0);
            if (bytes)
                answer_delay(b, 1);
        } else {
            small_delay(b);
        }
    }
}

static void exchange(struct builder *b)
{
    emit(b, 0, F_ACK | F_PSH, (uint16_t)rnd_range(180, 620), 1);
    answer_delay(b, 1);
    /* Response sizes: mostly small objects, a few large ones. */
    uint32_t r = rnd_below(100);
    uint32_t bytes = r < 50 ? rnd_range(200, 4000) : r < 85 ? rnd_range(4000, 20000) : rnd_range(20000, 60000);
    response(b, bytes);
}

/* One connection of style `st` starting at `start`. */
static void build(uint32_t ci, uint64_t start, enum style st)
{
    struct builder b;
    memset(&b, 0, sizeof b);
    b.conn = ci;
    b.t = start;
    b.leg[0] = (uint64_t)rnd_range(200, 40000) * 1000u; /* client leg 0.2 .. 40 ms */
    b.leg[1] = (uint64_t)rnd_range(500, 80000) * 1000u; /* server leg 0.5 .. 80 ms */
    for (int d = 0; d < 2; d++) {
        b.side[d].nxt = (uint32_t)rnd();
        b.side[d].ts_base = (uint32_t)rnd();
        b.side[d].ipid = (uint16_t)rnd();
        b.side[d].win = d ? 65160 : 64240;
    }

    /* Handshake. */
    uint32_t isn = b.side[0].nxt;
    emit(&b, 0, F_SYN, 0, 0);
    if (rnd_below(100) < 2) { /* SYN retransmitted after 1 s */
        b.t += 1000000000u;
        b.side[0].nxt = isn;
        emit(&b, 0, F_SYN, 0, 0);
    }
    answer_delay(&b, 1);
    if (st == S_REFUSED) {
        b.side[1].nxt = 0;
        b.side[1].rcv = isn + 1;
        emit(&b, 1, F_RST | F_ACK, 0, 0);
        return;
    }
    uint32_t sisn = b.side[1].nxt;
    emit(&b, 1, F_SYN | F_ACK, 0, 0);
    if (rnd_below(100) < 1) { /* SYN/ACK retransmitted (the ACK was lost) */
        b.t += 1000000000u;
        b.side[1].nxt = sisn;
        emit(&b, 1, F_SYN | F_ACK, 0, 0);
    }
    answer_delay(&b, 0);
    b.side[0].win = 502;
    b.side[1].win = 509;
    emit(&b, 0, F_ACK, 0, 0);

    unsigned rounds = rnd_below(100) < 70 ? 1 : rnd_range(2, 3);
    if (fixed_rounds)
        rounds = fixed_rounds;
    for (unsigned i = 0; i < rounds; i++) {
        small_delay(&b);
        exchange(&b);
        if (i + 1 < rounds)
            b.t += rnd_range(1, 200) * 1000000u; /* think time */
    }

    int a = rnd_below(100) < 60 ? 0 : 1; /* active closer */
    b.t += rnd_range(1, 50) * 1000000u;
    switch (st) {
    case S_FOUR_WAY:
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, !a);
        emit(&b, !a, F_ACK, 0, 0);
        b.t += rnd_range(50, 5000) * 1000u;
        emit(&b, !a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, a);
        emit(&b, a, F_ACK, 0, 0);
        break;
    case S_THREE_WAY:
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        if (rnd_below(100) < 2) { /* FIN retransmitted */
            b.t += 200000000u;
            b.side[a].nxt--;
            emit(&b, a, F_FIN | F_ACK, 0, 0);
        }
        answer_delay(&b, !a);
        emit(&b, !a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, a);
        emit(&b, a, F_ACK, 0, 0);
        break;
    case S_HALF_CLOSE: /* the client shuts down writing; the server still sends */
        a = 0;
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, 1);
        response(&b, rnd_range(500, 6000));
        b.t += rnd_range(50, 500) * 1000u;
        emit(&b, 1, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, 0);
        emit(&b, 0, F_ACK, 0, 0);
        break;
    case S_SIMULTANEOUS: {
        uint32_t b_rcv = b.side[!a].rcv;
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        b.side[!a].rcv = b_rcv; /* B has not seen A's FIN when it sends its own */
        b.t += rnd_range(2, 30) * 1000u;
        emit(&b, !a, F_FIN | F_ACK, 0, 0);
        b.side[!a].rcv = b.side[a].nxt; /* now A's FIN arrives */
        answer_delay(&b, a);
        emit(&b, a, F_ACK, 0, 0);
        small_delay(&b);
        emit(&b, !a, F_ACK, 0, 0);
        break;
    }
    case S_RESET:
        emit(&b, a, rnd_below(2) ? (F_RST | F_ACK) : F_RST, 0, 0);
        break;
    case S_RESET_AFTER_FIN:
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, !a);
        if (rnd_below(2)) {
            emit(&b, !a, F_RST | F_ACK, 0, 0);
        } else {
            emit(&b, !a, F_FIN | F_ACK, 0, 0);
            answer_delay(&b, a);
            emit(&b, a, F_RST, 0, 0);
        }
        break;
    case S_INCOMPLETE: /* the final ACK is never captured */
        emit(&b, a, F_FIN | F_ACK, 0, 0);
        answer_delay(&b, !a);
        emit(&b, !a, F_ACK, 0, 0);
        b.t += rnd_range(50, 5000) * 1000u;
        emit(&b, !a, F_FIN | F_ACK, 0, 0);
        break;
    case S_OPEN:
    default:
        break;
    }
}

/* ----------------------------------------------------------------- output */
static int cmp_step(const void *x, const void *y)
{
    const struct step *a = x, *b = y;
    if (a->t_ns != b->t_ns)
        return a->t_ns < b->t_ns ? -1 : 1;
    if (a->conn != b->conn)
        return a->conn < b->conn ? -1 : 1;
    return (a->idx > b->idx) - (a->idx < b->idx); /* creation order within a connection */
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += (uint32_t)p[n - 1] << 8;
    return sum;
}
static uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}
static void put16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v >> 16);
    put16(p + 2, v);
}
static void le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static void fill_payload(uint8_t *p, const struct step *s, const struct conn *c)
{
    char head[256];
    int n = 0;
    if (s->kind == 1)
        n = snprintf(head, sizeof head,
                     "GET /objects/%u/%u HTTP/1.1\r\nHost: s%u.bench.example\r\nUser-Agent: tcpconn-bench/1\r\n"
                     "Accept: */*\r\nX-Pad: ",
                     s->conn, s->seq & 0xffff, c->sip & 0xff);
    else if (s->kind == 2)
        n = snprintf(head, sizeof head,
                     "HTTP/1.1 200 OK\r\nServer: bench\r\nContent-Type: application/octet-stream\r\nX-Pad: ");
    if (n > s->len)
        n = s->len;
    memcpy(p, head, (size_t)n);
    memset(p + n, 'a' + (int)(s->conn % 26), (size_t)(s->len - n));
    if (s->kind == 1 && s->len >= 4)
        memcpy(p + s->len - 4, "\r\n\r\n", 4);
}

static int vxlan; /* --vxlan */

/* Outer Ethernet, IPv4, UDP and VXLAN headers (VXLAN_HDR bytes) in front of an inner frame
 * of inner_len bytes. */
enum { VXLAN_HDR = 14 + 20 + 8 + 8 };
static void vxlan_wrap(uint8_t *out, unsigned inner_len, int dir, uint32_t conn)
{
    static const uint8_t mac_a[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };
    static const uint8_t mac_b[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x02 };
    memcpy(out, dir ? mac_a : mac_b, 6);
    memcpy(out + 6, dir ? mac_b : mac_a, 6);
    put16(out + 12, 0x0800);
    uint8_t *ip = out + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, 20 + 8 + 8 + inner_len);
    put16(ip + 6, 0x4000); /* DF */
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, dir ? 0xc612c802u : 0xc612c801u); /* 198.18.200.2 / .1 */
    put32(ip + 16, dir ? 0xc612c801u : 0xc612c802u);
    put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
    uint8_t *udp = ip + 20;
    put16(udp, (uint16_t)(49152u + conn % 16384u));
    put16(udp + 2, 4789);
    put16(udp + 4, 8 + 8 + inner_len);
    put16(udp + 6, 0); /* no checksum, as Linux sends VXLAN over IPv4 */
    uint8_t *vx = udp + 8;
    memset(vx, 0, 8);
    vx[0] = 0x08; /* VNI present */
    vx[4] = 0x00, vx[5] = 0x10, vx[6] = 0x92; /* VNI 4242 */
}

static int write_pcap(const char *path, uint32_t snaplen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        perror(path);
        return 1;
    }
    static char iobuf[1 << 20];
    setvbuf(f, iobuf, _IOFBF, sizeof iobuf);
    uint8_t gh[24];
    le32(gh, 0xa1b2c3d4u);
    gh[4] = 2, gh[5] = 0, gh[6] = 4, gh[7] = 0;
    le32(gh + 8, 0);
    le32(gh + 12, 0);
    le32(gh + 16, snaplen);
    le32(gh + 20, 1);
    fwrite(gh, 1, sizeof gh, f);

    const uint64_t epoch = 1795780800u; /* 2026-11-27 12:00:00 UTC */
    static const uint8_t mac_client_side[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
    static const uint8_t mac_router[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0xfe };
    uint8_t buf[VXLAN_HDR + 14 + 60 + 60 + 1448];
    uint8_t *frame = buf + VXLAN_HDR; /* the inner frame; with --vxlan its headers go before it */

    for (size_t i = 0; i < nsteps; i++) {
        const struct step *s = &steps[i];
        const struct conn *c = &conns[s->conn];
        uint8_t *e = frame, *ip = frame + 14;
        memcpy(e, s->dir ? mac_client_side : mac_router, 6);
        memcpy(e + 6, s->dir ? mac_router : mac_client_side, 6);
        put16(e + 12, 0x0800);

        unsigned optlen = s->opts == 1 ? 20 : s->opts == 2 ? 12 : 0;
        unsigned thl = 20 + optlen;
        unsigned iplen = 20 + thl + s->len;
        uint32_t src = s->dir ? c->sip : c->cip, dst = s->dir ? c->cip : c->sip;
        uint16_t sp = s->dir ? c->sport : c->cport, dp = s->dir ? c->cport : c->sport;

        memset(ip, 0, 20);
        ip[0] = 0x45;
        put16(ip + 2, iplen);
        put16(ip + 4, (s->flags & F_RST) && !(s->flags & F_ACK) ? 0 : s->ipid);
        put16(ip + 6, 0x4000); /* DF */
        ip[8] = s->dir ? 57 : 64;
        ip[9] = 6;
        put32(ip + 12, src);
        put32(ip + 16, dst);
        put16(ip + 10, csum_fold(csum_add(0, ip, 20)));

        uint8_t *t = ip + 20;
        memset(t, 0, thl);
        put16(t, sp);
        put16(t + 2, dp);
        put32(t + 4, s->seq);
        put32(t + 8, s->ack);
        t[12] = (uint8_t)((thl / 4) << 4);
        t[13] = s->flags;
        put16(t + 14, s->win);
        uint8_t *o = t + 20;
        if (s->opts == 1) { /* MSS, SACK permitted, timestamps, NOP, window scale (Linux order) */
            o[0] = 2, o[1] = 4;
            put16(o + 2, 1460);
            o[4] = 4, o[5] = 2;
            o[6] = 8, o[7] = 10;
            put32(o + 8, s->tsval);
            put32(o + 12, s->tsecr);
            o[16] = 1;
            o[17] = 3, o[18] = 3, o[19] = 7;
        } else if (s->opts == 2) {
            o[0] = 1, o[1] = 1, o[2] = 8, o[3] = 10;
            put32(o + 4, s->tsval);
            put32(o + 8, s->tsecr);
        }
        fill_payload(t + thl, s, c);

        uint8_t pseudo[12];
        put32(pseudo, src);
        put32(pseudo + 4, dst);
        pseudo[8] = 0, pseudo[9] = 6;
        put16(pseudo + 10, thl + s->len);
        put16(t + 16, csum_fold(csum_add(csum_add(0, pseudo, 12), t, thl + s->len)));

        uint32_t wire = 14 + iplen;
        const uint8_t *out = frame;
        if (vxlan) {
            vxlan_wrap(buf, wire, s->dir, s->conn);
            out = buf;
            wire += VXLAN_HDR;
        }
        uint32_t cap = wire < snaplen ? wire : snaplen;
        uint64_t us = s->t_ns / 1000u;
        uint8_t rh[16];
        le32(rh, (uint32_t)(epoch + us / 1000000u));
        le32(rh + 4, (uint32_t)(us % 1000000u));
        le32(rh + 8, cap);
        le32(rh + 12, wire);
        fwrite(rh, 1, sizeof rh, f);
        fwrite(out, 1, cap, f);
    }
    if (fclose(f) != 0) {
        perror(path);
        return 1;
    }
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: gen-capture [--conns N] [--seed S] [--snaplen N] [--rate CONNS_PER_S] [--rounds N] [--vxlan] OUT.pcap\n");
    exit(1);
}

int main(int argc, char **argv)
{
    unsigned long nconns = 48000, seed = 1, snaplen = 128, rate = 800, rounds = 0;
    const char *out = NULL;
    for (int i = 1; i < argc; i++) {
        unsigned long *v = NULL;
        if (!strcmp(argv[i], "--conns"))
            v = &nconns;
        else if (!strcmp(argv[i], "--seed"))
            v = &seed;
        else if (!strcmp(argv[i], "--snaplen"))
            v = &snaplen;
        else if (!strcmp(argv[i], "--rate"))
            v = &rate;
        else if (!strcmp(argv[i], "--rounds"))
            v = &rounds;
        else if (!strcmp(argv[i], "--vxlan"))
            vxlan = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            usage();
        else if (!out)
            out = argv[i];
        else
            usage();
        if (v) {
            if (++i >= argc)
                usage();
            char *end;
            *v = strtoul(argv[i], &end, 10);
            if (*end || *v == 0)
                usage();
        }
    }
    if (!out || snaplen < 74 || nconns > 200000000ul || rounds > 10000)
        usage();
    fixed_rounds = (unsigned)rounds;

    rng_state = 0x9e3779b97f4a7c15ull ^ (seed * 0x2545f4914f6cdd1dull);
    conns = calloc(nconns, sizeof *conns);
    if (!conns) {
        perror("gen-capture: calloc");
        return 1;
    }
    unsigned long per_style[S_COUNT] = { 0 };
    uint64_t span_ns = (uint64_t)nconns * 1000000000u / rate;
    for (unsigned long i = 0; i < nconns; i++) {
        struct conn *c = &conns[i];
        /* Unique client address/port per connection: 8192 clients x ephemeral ports. */
        c->cip = 0xc6120000u + 1u + (uint32_t)(i % 8192u); /* 198.18.0.1 .. 198.18.32.0 */
        c->cport = (uint16_t)(32768u + i / 8192u);
        c->sip = 0xc6130000u + 1u + (uint32_t)rnd_below(16); /* 198.19.0.1 .. 198.19.0.16 */
        c->sport = rnd_below(100) < 80 ? 80 : 8080;
        uint32_t w = rnd_below(100), acc = 0;
        enum style st = S_OPEN;
        for (int k = 0; k < S_COUNT; k++) {
            acc += style_weight[k];
            if (w < acc) {
                st = (enum style)k;
                break;
            }
        }
        per_style[st]++;
        uint64_t start = (span_ns / nconns) * i + rnd() % (span_ns / nconns + 1);
        build((uint32_t)i, start, st);
    }
    qsort(steps, nsteps, sizeof *steps, cmp_step);
    int rc = write_pcap(out, (uint32_t)(vxlan ? snaplen + VXLAN_HDR : snaplen));
    fprintf(stderr, "gen-capture: %s: %zu packets, %lu connections:", out, nsteps, nconns);
    for (int k = 0; k < S_COUNT; k++)
        fprintf(stderr, " %s %lu%s", style_name[k], per_style[k], k + 1 < S_COUNT ? "," : "\n");
    free(steps);
    free(conns);
    return rc;
}
