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
#include "ladder.h"
#include "order.h"
#include "out.h"
#include "summary.h"
#include "reasm.h"

struct counts {
    uint64_t tcp;        /* segments fed to the core */
    uint64_t tcp_tunnelled; /* ... of them found inside a tunnel */
    uint64_t expired;    /* connections reported after an idle timeout */
    uint64_t after_close;/* segments of a stream whose connection was already reported */
    uint64_t fragments;
    uint64_t tunnelled;  /* skipped inside a tunnel: not IP, or IP but not TCP */
    uint64_t not_tcp, not_ip, malformed;
    uint64_t not_analysed; /* segments of a stream whose first segment was only numbered
                              (reassembled from fragments, or malformed) */
};

/* Timers: every flow entry (live connection or tombstone) sits in a binary min-heap keyed
 * by the capture time at which something is due for it (see flow_deadline). */
struct timer {
    uint64_t deadline;
    struct flow *flow;
};

struct timer_heap {
    struct timer *v;
    size_t len, cap;
};

struct analysis {
    const char *path;
    uint64_t linger_ns, idle_ns, unanswered_ns; /* 0: never (for the two timeouts) */
    uint64_t now_ns;     /* latest capture time seen */
    struct timer_heap timers;
    struct flowtable *flows;
    struct order *order;
    struct reasm *reasm;
    struct report *report;
    struct summary *summary; /* --summary without --by */
    struct byhost *byhost;   /* --summary --by */
    struct counts n;
    bool out_of_memory;
    /* --explain only: the ladder of every stream (indexed by tcp.stream), until printed */
    const struct analyze_options *opt;
    struct ladder **ladders;
    size_t nladders;
    struct ladder_style style;
    FILE *out;
    uint32_t explained; /* connections printed */
    bool has_drops;     /* live capture: the kernel's drop count is known */
    uint64_t drops, if_drops;
};

/* "198.18.1.2:40000" or "[fd00:198:18::2]:40000", as inet_ntop and "%s:%u" would give it
 * (buf has room for the longest: INET6_ADDRSTRLEN + "[]:65535"). IPv4 is formatted by
 * hand: glibc's inet_ntop goes through sprintf, a visible cost at one call per endpoint. */
_Static_assert(sizeof ((struct conn_record *)0)->client >= 1 + INET6_ADDRSTRLEN + 2 + 5,
               "room for [IPv6]:port");
static void endpoint_text(char *buf, uint8_t family, const struct flow_endpoint *e)
{
    size_t n = 0;
    if (family == 4) {
        for (int i = 0; i < 4; i++) {
            if (i)
                buf[n++] = '.';
            n += fmt_u64(buf + n, e->addr[i]);
        }
    } else {
        buf[n++] = '[';
        inet_ntop(AF_INET6, e->addr, buf + n, INET6_ADDRSTRLEN);
        n += strlen(buf + n);
        buf[n++] = ']';
    }
    buf[n++] = ':';
    n += fmt_u64(buf + n, e->port);
    buf[n] = '\0';
}

/* The stream's connection is over (finished, superseded, timed out, or end of capture):
 * report it. */
static void finish_flow(struct analysis *a, struct flow *f, bool expired)
{
    if (f->done)
        return;
    f->done = true;
    f->finish_ns = a->now_ns;
    if (!f->conn) {
        /* only quoted in ICMP errors, never seen itself: numbered, nothing to report */
        if (f->quoted_first && !order_submit(a->order, f->stream, NULL))
            a->out_of_memory = true;
        return;
    }
    struct conn_record rec;
    memset(&rec, 0, sizeof rec);
    rec.stream = f->stream;
    rec.first_frame = f->first_frame;
    rec.expired = expired;
    tcpconn_summarize(f->conn, true, &rec.sum);
    uint8_t client_side = rec.sum.client == 0 ? f->ep0_side : !f->ep0_side;
    endpoint_text(rec.client, f->family, &f->ep[client_side]);
    endpoint_text(rec.server, f->family, &f->ep[!client_side]);
    free(f->conn);
    f->conn = NULL;
    if (!order_submit(a->order, f->stream, &rec))
        a->out_of_memory = true;
}

/* ---- timers ---- */

#define NEVER UINT64_MAX

static uint64_t add_ns(uint64_t t, uint64_t d) { return t > NEVER - d ? NEVER : t + d; }

/* When something is due for f: a lingering connection is reported when its linger time is
 * up; a live one when it has been idle (no packet on its pair) for the idle timeout, or the
 * unanswered timeout while only one side has sent anything; a tombstone is removed after
 * the same timeout, counted from its last packet or its report, whichever is later. */
static uint64_t flow_deadline(const struct analysis *a, const struct flow *f)
{
    uint64_t idle = f->seen == 3 ? a->idle_ns : a->unanswered_ns;
    if (!f->done && f->lingering)
        return add_ns(f->finish_ns, a->linger_ns);
    if (idle == 0)
        return NEVER;
    if (!f->done)
        return add_ns(f->last_ns, idle);
    return add_ns(f->last_ns > f->finish_ns ? f->last_ns : f->finish_ns, idle);
}

static void heap_set(struct timer_heap *h, size_t i, struct timer t)
{
    h->v[i] = t;
    t.flow->heap_pos = i;
}

static void heap_fix(struct timer_heap *h, size_t i)
{
    struct timer t = h->v[i];
    while (i > 0 && h->v[(i - 1) / 2].deadline > t.deadline) {
        heap_set(h, i, h->v[(i - 1) / 2]);
        i = (i - 1) / 2;
    }
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->len)
            break;
        if (c + 1 < h->len && h->v[c + 1].deadline < h->v[c].deadline)
            c++;
        if (h->v[c].deadline >= t.deadline)
            break;
        heap_set(h, i, h->v[c]);
        i = c;
    }
    heap_set(h, i, t);
}

static bool heap_push(struct timer_heap *h, struct flow *f, uint64_t deadline)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 1024;
        struct timer *v = realloc(h->v, cap * sizeof *v);
        if (!v)
            return false;
        h->v = v;
        h->cap = cap;
    }
    heap_set(h, h->len++, (struct timer){deadline, f});
    heap_fix(h, h->len - 1);
    return true;
}

static void heap_pop(struct timer_heap *h)
{
    if (--h->len > 0) {
        heap_set(h, 0, h->v[h->len]);
        heap_fix(h, 0);
    }
    if (h->len < h->cap / 4 && h->cap > 1024) { /* give memory back after a flood */
        struct timer *v = realloc(h->v, h->cap / 2 * sizeof *v);
        if (v) {
            h->v = v;
            h->cap /= 2;
        }
    }
}

/* f's timer is due at deadline exactly. */
static void set_deadline(struct analysis *a, struct flow *f, uint64_t deadline)
{
    a->timers.v[f->heap_pos].deadline = deadline;
    heap_fix(&a->timers, f->heap_pos);
}

/* f's state changed: move its timer, lazily. A timer's deadline in the heap is never later
 * than flow_deadline: an earlier deadline moves the timer at once; a later one (every
 * packet pushes the idle deadline back) is left for run_timers to find when the stale
 * timer reaches the top of the heap. */
static void reschedule(struct analysis *a, struct flow *f)
{
    uint64_t d = flow_deadline(a, f);
    if (d < a->timers.v[f->heap_pos].deadline)
        set_deadline(a, f, d);
}

/* Do what is due by now: report lingering and idle connections, remove old tombstones.
 * (The order in which flows due at the same call are handled does not show: records are
 * released in stream order.) */
static void run_timers(struct analysis *a)
{
    struct timer_heap *h = &a->timers;
    while (h->len && h->v[0].deadline <= a->now_ns) {
        struct flow *f = h->v[0].flow;
        uint64_t due = flow_deadline(a, f);
        if (due > a->now_ns) { /* a stale timer: not due yet */
            set_deadline(a, f, due);
            continue;
        }
        if (!f->done) {
            bool expired = !f->lingering;
            if (expired && f->conn)
                a->n.expired++;
            finish_flow(a, f, expired);
            set_deadline(a, f, flow_deadline(a, f));
        } else {
            heap_pop(h);
            flowtable_remove(a->flows, f);
            free(f->conn);
            free(f);
        }
    }
}

/* --explain: keep the segment's place in its stream's ladder. */
static bool explain_note(struct analysis *a, const struct flow *f, const struct tcpconn_segment *seg,
                         enum tcpconn_mark mark)
{
    if (a->opt->only_stream && f->stream != a->opt->stream)
        return true;
    if (f->stream >= a->nladders) {
        size_t n = a->nladders ? a->nladders : 16;
        while (n <= f->stream)
            n *= 2;
        struct ladder **v = realloc(a->ladders, n * sizeof *v);
        if (!v)
            return false;
        memset(v + a->nladders, 0, (n - a->nladders) * sizeof *v);
        a->ladders = v;
        a->nladders = n;
    }
    if (!a->ladders[f->stream] && !(a->ladders[f->stream] = calloc(1, sizeof(struct ladder))))
        return false;
    return ladder_note(a->ladders[f->stream], f->conn, seg, mark);
}

/* --explain: print a reported connection (order calls this in stream order). */
static void explain_emit(const struct conn_record *rec, void *arg)
{
    struct analysis *a = arg;
    if (a->opt->only_stream && rec->stream != a->opt->stream)
        return;
    struct ladder none = {0};
    struct ladder *l = rec->stream < a->nladders && a->ladders[rec->stream] ? a->ladders[rec->stream] : &none;
    ladder_print(a->out, rec, l, &a->style);
    if (a->opt->live)
        fflush(a->out);
    a->explained++;
    if (l != &none) {
        ladder_free(l);
        free(l);
        a->ladders[rec->stream] = NULL;
    }
}

/* A TCP segment. number_only: it is numbered (as Wireshark numbers it) but not analysed:
 * it completed a fragmented datagram, or its header is malformed. */
static int on_tcp(struct analysis *a, const struct frame *fr, struct decoded_packet *pkt,
                  bool number_only)
{
    struct tcpconn_segment seg = pkt->seg;
    seg.time_ns = fr->time_ns;
    seg.frame = fr->number;

    struct flow_lookup l;
    if (!flowtable_lookup(a->flows, pkt->family, pkt->src, pkt->sport, pkt->dst, pkt->dport, &seg,
                          pkt->in_error || number_only,
                          pkt->in_error || pkt->no_bases, &l))
        return EXIT_NOMEM;
    if (l.reused)
        finish_flow(a, &l.superseded, false);
    struct flow *f = l.flow;
    f->last_ns = a->now_ns;
    f->seen |= (uint8_t)(1u << l.side);
    if (l.is_new && !l.reused && !heap_push(&a->timers, f, NEVER))
        return EXIT_NOMEM;
    if (l.is_new) {
        if (f->unanalysed && pkt->in_error && !number_only) {
            f->quoted_first = true; /* an ICMP error quoted it first: wait for its own segments */
        } else if (f->unanalysed) {
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
    reschedule(a, f); /* after every early return below too */
    if (number_only)
        return EXIT_OK; /* counted with the fragments or the malformed */
    if (pkt->in_error) {
        a->n.not_tcp++; /* an ICMP error */
        return EXIT_OK;
    }
    if (f->quoted_first && f->unanalysed && !f->done) {
        /* The connection's own first segment, after an ICMP error that quoted it. */
        f->unanalysed = false;
        f->ep0_side = l.side;
        f->conn = malloc(sizeof *f->conn);
        if (!f->conn)
            return EXIT_NOMEM;
        tcpconn_init(f->conn, f->ep[f->ep0_side].port, f->ep[!f->ep0_side].port);
    }
    if (f->unanalysed) { /* numbered by a reassembled or malformed first segment */
        a->n.not_analysed++;
        return EXIT_OK;
    }
    if (!f->conn) {
        a->n.after_close++;
        return EXIT_OK;
    }
    seg.from = l.side == f->ep0_side ? 0 : 1;
    enum tcpconn_mark mark = tcpconn_update(f->conn, &seg);
    a->n.tcp++;
    if (pkt->tunnelled)
        a->n.tcp_tunnelled++;
    if (a->opt->explain && !explain_note(a, f, &seg, mark))
        return EXIT_NOMEM;
    if (!f->lingering && tcpconn_is_finished(f->conn)) {
        f->lingering = true;
        f->finish_ns = a->now_ns;
        if (a->linger_ns == 0)
            finish_flow(a, f, false);
        reschedule(a, f);
    }
    return a->out_of_memory ? EXIT_NOMEM : EXIT_OK;
}

static int on_frame(const struct frame *fr, void *arg)
{
    struct analysis *a = arg;
    if (fr->time_ns > a->now_ns)
        a->now_ns = fr->time_ns;
    run_timers(a);
    struct decoded_packet pkt;
    enum decode_result r = decode_frame(fr->dlt, fr->data, fr->caplen, fr->wirelen, &pkt);
    if (pkt.tunnelled && (r == DECODE_NOT_IP || r == DECODE_NOT_TCP)) {
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

static void finish_each(struct flow *f, void *arg) { finish_flow(arg, f, false); }

int analysis_frame(struct analysis *a, const struct frame *fr) { return on_frame(fr, a); }

void analysis_advance(struct analysis *a, uint64_t now_ns)
{
    if (now_ns > a->now_ns) {
        a->now_ns = now_ns;
        run_timers(a);
    }
}

static void analysis_free(struct analysis *a)
{
    order_free(a->order);
    summary_free(a->summary);
    byhost_free(a->byhost);
    flowtable_free(a->flows);
    reasm_free(a->reasm);
    free(a->timers.v);
    for (size_t i = 0; i < a->nladders; i++) {
        if (a->ladders[i]) {
            ladder_free(a->ladders[i]);
            free(a->ladders[i]);
        }
    }
    free(a->ladders);
    free(a);
}

struct analysis *analysis_new(const char *path, const struct analyze_options *opt, FILE *out)
{
    struct analysis *a = calloc(1, sizeof *a);
    if (!a) {
        fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", path);
        return NULL;
    }
    a->path = path;
    a->linger_ns = opt->linger_ns;
    a->idle_ns = opt->idle_timeout_ns;
    a->unanswered_ns = opt->unanswered_timeout_ns;
    a->flows = flowtable_new();
    a->reasm = reasm_new();
    a->report = report_new(out, opt->format, path, opt->with_file);
    bool by_host = opt->summary && opt->by != BYHOST_NONE;
    a->summary = opt->summary && !by_host ? summary_new() : NULL; /* --summary: counts, no report */
    a->byhost = by_host ? byhost_new(opt->by) : NULL;             /* --summary --by: per host */
    a->opt = opt;
    a->out = out;
    if (opt->explain) {
        a->style = ladder_style_for(out, opt->explain_ascii);
        if (opt->with_file)
            fprintf(out, "== %s\n", path);
    }
    struct order *(*order_fn)(order_emit_fn, void *) = opt->live ? order_new_as_reported : order_new;
    a->order = !a->report     ? NULL
               : opt->explain ? order_fn(explain_emit, a)
               : by_host      ? order_fn(byhost_conn, a->byhost)
               : opt->summary ? order_fn(summary_conn, a->summary)
                              : order_fn(report_conn, a->report);
    if (!a->flows || !a->reasm || !a->report || !a->order || (opt->summary && !a->summary && !a->byhost)) {
        fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", path);
        report_end(a->report, false);
        analysis_free(a);
        return NULL;
    }
    if (opt->live && !opt->explain && !opt->summary)
        report_set_live(a->report);
    return a;
}

void analysis_set_drops(struct analysis *a, uint64_t dropped, uint64_t if_dropped)
{
    a->has_drops = true;
    a->drops = dropped;
    a->if_drops = if_dropped;
}

int analysis_end(struct analysis *a, int rc, uint32_t frames)
{
    const struct analyze_options *opt = a->opt;
    FILE *out = a->out;
    const char *path = a->path;
    if (rc == EXIT_NOMEM)
        fprintf(stderr, "tcpconn-analyze: %s: frame %" PRIu32 ": out of memory\n", path, frames);

    /* Whatever was read is reported, damaged file or not. */
    flowtable_foreach(a->flows, finish_each, a);
    order_flush(a->order);
    bool opened = rc != EXIT_OPEN && rc != EXIT_NOT_CAPTURE && rc != EXIT_LINKTYPE;
    report_end(a->report, opened && !opt->explain && !opt->summary);
    if (opt->explain && opened && a->explained == 0) {
        if (opt->only_stream)
            fprintf(out, "No analysed TCP connection has tcp.stream %" PRIu32 ".\n", opt->stream);
        else
            fputs("No analysed TCP connection (malformed TCP is not analysed).\n", out);
    }
    if (a->summary && opened)
        summary_print(a->summary, out, opt->with_file ? path : NULL);
    if (a->byhost) {
        if (opened)
            byhost_print(a->byhost, out, opt->format == REPORT_JSON, opt->with_file ? path : NULL);
        if (byhost_out_of_memory(a->byhost)) {
            fprintf(stderr, "tcpconn-analyze: %s: out of memory: some connections are missing from --by\n", path);
            rc = EXIT_NOMEM;
        }
    }
    fflush(out);

    if (!opt->quiet && opened)
        fprintf(stderr,
                "tcpconn-analyze: %s: %" PRIu32 " frames, %" PRIu32 " TCP streams, %" PRIu64
                " segments analysed (%" PRIu64 " inside tunnels), %" PRIu64
                " after their connection was reported; skipped: %" PRIu64 " IP fragments, %" PRIu64
                " tunnelled, %" PRIu64 " non-TCP, %" PRIu64 " non-IP, %" PRIu64 " malformed, %" PRIu64
                " in unanalysed streams",
                path, frames, flowtable_streams(a->flows), a->n.tcp, a->n.tcp_tunnelled,
                a->n.after_close, a->n.fragments, a->n.tunnelled, a->n.not_tcp, a->n.not_ip,
                a->n.malformed, a->n.not_analysed);
    if (!opt->quiet && opened && a->has_drops)
        fprintf(stderr, "; %" PRIu64 " dropped by the kernel", a->drops);
    if (!opt->quiet && opened && a->has_drops && a->if_drops)
        fprintf(stderr, ", %" PRIu64 " by the interface", a->if_drops);
    if (!opt->quiet && opened)
        fputc('\n', stderr);
    if (!opt->quiet && opened && a->n.expired)
        fprintf(stderr, "tcpconn-analyze: %s: %" PRIu64 " connections reported after an idle timeout\n",
                path, a->n.expired);
    if (rc == EXIT_OK && a->n.malformed)
        rc = EXIT_MALFORMED;
    analysis_free(a);
    return rc;
}

static int frame_to_analysis(const struct frame *fr, void *arg) { return analysis_frame(arg, fr); }

int analyze_file(const char *path, const struct analyze_options *opt, FILE *out)
{
    return analyze_stream(path, NULL, opt, out);
}

int analyze_stream(const char *path, FILE *in, const struct analyze_options *opt, FILE *out)
{
    struct analysis *a = analysis_new(path, opt, out);
    if (!a) {
        if (in && in != stdin)
            fclose(in);
        return EXIT_NOMEM;
    }
    uint32_t frames = 0;
    int rc = capture_read(path, in, frame_to_analysis, a, &frames);
    return analysis_end(a, rc, frames);
}
