/* flowtable: 4-tuple -> tcp.stream (see flowtable.h for the rule). */
#include "flowtable.h"

#include <stdlib.h>
#include <string.h>

struct flowtable {
    struct flow **bucket;
    size_t nbuckets; /* a power of two */
    size_t nflows;
    uint32_t nstreams;
};

struct flowtable *flowtable_new(void)
{
    struct flowtable *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->nbuckets = 1024;
    t->bucket = calloc(t->nbuckets, sizeof *t->bucket);
    if (!t->bucket) {
        free(t);
        return NULL;
    }
    return t;
}

void flowtable_free(struct flowtable *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct flow *f = t->bucket[i];
        while (f) {
            struct flow *next = f->next;
            free(f->conn);
            free(f);
            f = next;
        }
    }
    free(t->bucket);
    free(t);
}

static int endpoint_cmp(const struct flow_endpoint *a, const struct flow_endpoint *b)
{
    int c = memcmp(a->addr, b->addr, sizeof a->addr);
    if (c)
        return c;
    return (int)a->port - (int)b->port;
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t n)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ull; /* FNV-1a */
    }
    return h;
}

static uint64_t flow_hash(uint8_t family, const struct flow_endpoint ep[2])
{
    uint64_t h = 14695981039346656037ull;
    h = hash_bytes(h, &family, 1);
    for (int i = 0; i < 2; i++) {
        h = hash_bytes(h, ep[i].addr, sizeof ep[i].addr);
        h = hash_bytes(h, &ep[i].port, sizeof ep[i].port);
    }
    return h;
}

static void grow(struct flowtable *t)
{
    size_t n = t->nbuckets * 2;
    struct flow **b = calloc(n, sizeof *b);
    if (!b)
        return; /* keep the longer chains */
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct flow *f = t->bucket[i];
        while (f) {
            struct flow *next = f->next;
            size_t j = flow_hash(f->family, f->ep) & (n - 1);
            f->next = b[j];
            b[j] = f;
            f = next;
        }
    }
    free(t->bucket);
    t->bucket = b;
    t->nbuckets = n;
}

/* Start stream state in f (a fresh tcp conversation in Wireshark's terms). */
static void new_stream(struct flowtable *t, struct flow *f, const struct tcpconn_segment *seg,
                       bool unanalysed)
{
    f->stream = t->nstreams++;
    f->first_frame = seg->frame;
    f->base_set[0] = f->base_set[1] = false;
    f->base_seq[0] = f->base_seq[1] = 0;
    f->unanalysed = unanalysed;
    f->quoted_first = false;
    f->done = false;
    f->lingering = false;
    f->ep0_side = 0;
    f->conn = NULL;
    f->seen = 0;
    f->finish_ns = 0;
}

bool flowtable_lookup(struct flowtable *t, uint8_t family, const uint8_t src[16], uint16_t sport,
                      const uint8_t dst[16], uint16_t dport, const struct tcpconn_segment *seg,
                      bool unanalysed, bool no_bases, struct flow_lookup *out)
{
    struct flow_endpoint ep[2];
    memset(ep, 0, sizeof ep);
    memcpy(ep[0].addr, src, 16);
    ep[0].port = sport;
    memcpy(ep[1].addr, dst, 16);
    ep[1].port = dport;
    uint8_t side = 0;
    if (endpoint_cmp(&ep[0], &ep[1]) > 0) {
        struct flow_endpoint tmp = ep[0];
        ep[0] = ep[1];
        ep[1] = tmp;
        side = 1;
    }

    memset(out, 0, sizeof *out);
    size_t i = flow_hash(family, ep) & (t->nbuckets - 1);
    struct flow *f = t->bucket[i];
    while (f && !(f->family == family && endpoint_cmp(&f->ep[0], &ep[0]) == 0 &&
                  endpoint_cmp(&f->ep[1], &ep[1]) == 0))
        f = f->next;

    if (!f) {
        f = calloc(1, sizeof *f);
        if (!f)
            return false;
        f->family = family;
        f->ep[0] = ep[0];
        f->ep[1] = ep[1];
        f->next = t->bucket[i];
        t->bucket[i] = f;
        if (++t->nflows > t->nbuckets)
            grow(t);
        new_stream(t, f, seg, unanalysed);
        out->is_new = true;
    }

    uint8_t flags = seg->flags & (TCPCONN_SYN | TCPCONN_ACK);
    if (flags == TCPCONN_SYN && f->base_set[side] && seg->seq != f->base_seq[side]) {
        /* port reuse: a new conversation on the same pair */
        out->superseded = *f;
        out->superseded.next = NULL;
        out->reused = true;
        new_stream(t, f, seg, unanalysed);
        out->is_new = true;
    } else if (flags == (TCPCONN_SYN | TCPCONN_ACK) && f->base_set[side] &&
               seg->seq != f->base_seq[side]) {
        f->base_seq[side] = seg->seq;
    }

    /* tcp_analyze_sequence_number: first segment of each direction sets the bases */
    if (no_bases) {
        /* Wireshark does not run its sequence analysis on this one */
    } else if (!f->base_set[side]) {
        f->base_seq[side] = (seg->flags & TCPCONN_SYN) ? seg->seq : seg->seq - 1;
        f->base_set[side] = true;
    }
    if (!no_bases && !f->base_set[!side] && (seg->flags & TCPCONN_ACK)) {
        f->base_seq[!side] = seg->ack - 1;
        f->base_set[!side] = true;
    }

    if (out->is_new)
        f->ep0_side = side;
    out->flow = f;
    out->side = side;
    return true;
}

void flowtable_remove(struct flowtable *t, struct flow *f)
{
    struct flow **pp = &t->bucket[flow_hash(f->family, f->ep) & (t->nbuckets - 1)];
    while (*pp && *pp != f)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = f->next;
        f->next = NULL;
        t->nflows--;
    }
}

void flowtable_foreach(struct flowtable *t, void (*fn)(struct flow *f, void *arg), void *arg)
{
    for (size_t i = 0; i < t->nbuckets; i++)
        for (struct flow *f = t->bucket[i]; f; f = f->next)
            fn(f, arg);
}

uint32_t flowtable_streams(const struct flowtable *t) { return t->nstreams; }
