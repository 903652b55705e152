/* analyze: per-file glue (see analyze.h). */
#include "analyze.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "decode.h"
#include "exitcodes.h"
#include "flowtable.h"
#include "order.h"
#include "reasm.h"

struct counts {
    uint64_t tcp;        /* segments fed to the core */
    uint64_t after_close;/* segments of a stream whose connection was already reported */
    uint64_t fragments, tunnelled, not_tcp, not_ip, malformed;
};

/* Finished connections waiting out their linger time, oldest first. */
struct linger_entry {
    struct flow *flow;
    uint32_t stream; /* the flow's stream when queued (a reused flow has moved on) */
    uint64_t until_ns;
};

struct linger_queue {
    struct linger_entry *v;
    size_t head, len, cap; /* ring */
};

struct analysis {
    const char *path;
    uint64_t linger_ns;
    uint64_t now_ns;     /* latest capture time seen */
    struct linger_queue lq;
    struct flowtable *flows;
    struct order *order;
    struct reasm *reasm;
    struct report *report;
    struct counts n;
    bool out_of_memory;
};

static void endpoint_text(char *buf, size_t len, uint8_t family, const struct flow_endpoint *e)
{
    char addr[INET6_ADDRSTRLEN];
    inet_ntop(family == 4 ? AF_INET : AF_INET6, e->addr, addr, sizeof addr);
    snprintf(buf, len, family == 4 ? "%s:%u" : "[%s]:%u", addr, (unsigned)e->port);
}

/* The stream's connection is over (finished, superseded, or end of capture): report it. */
static void finish_flow(struct analysis *a, struct flow *f)
{
    if (f->done)
        return;
    f->done = true;
    if (!f->conn)
        return;
    struct conn_record rec;
    memset(&rec, 0, sizeof rec);
    rec.stream = f->stream;
    rec.first_frame = f->first_frame;
    tcpconn_summarize(f->conn, true, &rec.sum);
    uint8_t client_side = rec.sum.client == 0 ? f->ep0_side : !f->ep0_side;
    endpoint_text(rec.client, sizeof rec.client, f->family, &f->ep[client_side]);
    endpoint_text(rec.server, sizeof rec.server, f->family, &f->ep[!client_side]);
    free(f->conn);
    f->conn = NULL;
    if (!order_submit(a->order, f->stream, &rec))
        a->out_of_memory = true;
}

/* A TCP segment. number_only: it is numbered (as Wireshark numbers it) but not analysed:
 * it completed a fragmented datagram, or its header is malformed. */
static bool linger_push(struct linger_queue *q, struct flow *f, uint64_t until)
{
    if (q->len == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 256;
        struct linger_entry *v = malloc(cap * sizeof *v);
        if (!v)
            return false;
        for (size_t i = 0; i < q->len; i++)
            v[i] = q->v[(q->head + i) % q->cap];
        free(q->v);
        q->v = v;
        q->cap = cap;
        q->head = 0;
    }
    q->v[(q->head + q->len++) % q->cap] = (struct linger_entry){f, f->stream, until};
    return true;
}

/* Report the lingering connections whose time is up. */
static void linger_expire(struct analysis *a)
{
    struct linger_queue *q = &a->lq;
    while (q->len && q->v[q->head].until_ns <= a->now_ns) {
        struct linger_entry e = q->v[q->head];
        q->head = (q->head + 1) % q->cap;
        q->len--;
        if (e.flow->stream == e.stream)
            finish_flow(a, e.flow); /* no-op if it was reported already */
    }
}

static int on_tcp(struct analysis *a, const struct frame *fr, struct decoded_packet *pkt,
                  bool number_only)
{
    struct tcpconn_segment seg = pkt->seg;
    seg.time_ns = fr->time_ns;
    seg.frame = fr->number;

    struct flow_lookup l;
    if (!flowtable_lookup(a->flows, pkt->family, pkt->src, pkt->sport, pkt->dst, pkt->dport, &seg,
                          pkt->tunnelled || pkt->in_error || number_only,
                          pkt->in_error || pkt->no_bases, &l))
        return EXIT_NOMEM;
    if (l.reused)
        finish_flow(a, &l.superseded);
    struct flow *f = l.flow;
    if (l.is_new) {
        if (f->unanalysed) {
            f->done = true; /* numbered, never analysed */
            if (!order_submit(a->order, f->stream, NULL))
                return EXIT_NOMEM;
        } else {
            f->conn = malloc(sizeof *f->conn);
            if (!f->conn)
                return EXIT_NOMEM;
            tcpconn_init(f->conn, f->ep[f->ep0_side].port, f->ep[!f->ep0_side].port);
        }
    }
    if (number_only)
        return EXIT_OK; /* counted with the fragments or the malformed */
    if (pkt->in_error) {
        a->n.not_tcp++; /* an ICMP error */
        return EXIT_OK;
    }
    if (pkt->tunnelled || f->unanalysed) {
        a->n.tunnelled++;
        return EXIT_OK;
    }
    if (!f->conn) {
        a->n.after_close++;
        return EXIT_OK;
    }
    seg.from = l.side == f->ep0_side ? 0 : 1;
    tcpconn_update(f->conn, &seg);
    a->n.tcp++;
    if (!f->lingering && tcpconn_is_finished(f->conn)) {
        f->lingering = true;
        if (a->linger_ns == 0)
            finish_flow(a, f);
        else if (!linger_push(&a->lq, f, a->now_ns + a->linger_ns))
            return EXIT_NOMEM;
    }
    return a->out_of_memory ? EXIT_NOMEM : EXIT_OK;
}

static int on_frame(const struct frame *fr, void *arg)
{
    struct analysis *a = arg;
    if (fr->time_ns > a->now_ns)
        a->now_ns = fr->time_ns;
    linger_expire(a);
    struct decoded_packet pkt;
    enum decode_result r = decode_frame(fr->dlt, fr->data, fr->caplen, fr->wirelen, &pkt);
    if (pkt.tunnelled && r != DECODE_TCP) {
        a->n.tunnelled++;
        return EXIT_OK;
    }
    switch (r) {
    case DECODE_TCP: return on_tcp(a, fr, &pkt, false);
    case DECODE_NOT_IP: a->n.not_ip++; break;
    case DECODE_NOT_TCP: a->n.not_tcp++; break;
    case DECODE_FRAGMENT: {
        a->n.fragments++;
        uint8_t head[REASM_HEAD_BYTES];
        size_t head_len, len;
        uint8_t proto = pkt.frag.proto;
        if (reasm_add(a->reasm, &pkt, head, &head_len, &len) &&
            decode_reassembled(proto, head, head_len, len, &pkt) == DECODE_TCP)
            return on_tcp(a, fr, &pkt, true);
        break;
    }
    case DECODE_MALFORMED:
        a->n.malformed++;
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": %s; packet skipped\n", a->path,
                fr->number, pkt.error);
        if (pkt.numbered)
            return on_tcp(a, fr, &pkt, true);
        break;
    }
    return EXIT_OK;
}

static void finish_each(struct flow *f, void *arg) { finish_flow(arg, f); }

int analyze_file(const char *path, const struct analyze_options *opt, FILE *out)
{
    struct analysis a;
    memset(&a, 0, sizeof a);
    a.path = path;
    a.linger_ns = opt->linger_ns;
    a.flows = flowtable_new();
    a.reasm = reasm_new();
    a.report = report_new(out, opt->format, path, opt->with_file);
    a.order = a.report ? order_new(report_conn, a.report) : NULL;
    if (!a.flows || !a.reasm || !a.report || !a.order) {
        fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", path);
        order_free(a.order);
        report_end(a.report, false);
        flowtable_free(a.flows);
        reasm_free(a.reasm);
        return EXIT_NOMEM;
    }

    uint32_t frames = 0;
    int rc = capture_read(path, on_frame, &a, &frames);
    if (rc == EXIT_NOMEM)
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": out of memory\n", path, frames);

    /* Whatever was read is reported, damaged file or not. */
    flowtable_foreach(a.flows, finish_each, &a);
    order_flush(a.order);
    order_free(a.order);
    bool opened = rc != EXIT_OPEN && rc != EXIT_NOT_CAPTURE && rc != EXIT_LINKTYPE;
    report_end(a.report, opened);
    fflush(out);

    if (!opt->quiet && opened)
        fprintf(stderr,
                "tcpconn-analyze: %s: %" PRIu32 " frames, %" PRIu32 " TCP streams, %" PRIu64
                " segments analysed, %" PRIu64 " after their connection was reported; skipped: %" PRIu64
                " IP fragments, %" PRIu64 " tunnelled, %" PRIu64 " non-TCP, %" PRIu64
                " non-IP, %" PRIu64 " malformed\n",
                path, frames, flowtable_streams(a.flows), a.n.tcp, a.n.after_close,
                a.n.fragments, a.n.tunnelled, a.n.not_tcp, a.n.not_ip, a.n.malformed);
    flowtable_free(a.flows);
    reasm_free(a.reasm);
    free(a.lq.v);
    if (rc == EXIT_OK && a.n.malformed)
        rc = EXIT_MALFORMED;
    return rc;
}
