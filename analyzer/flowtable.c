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

_Static_assert(sizeof(struct flow_endpoint) == 18, "flow_endpoint compared with memcmp");

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Eight address bytes as a number that orders as memcmp orders them. */
static uint64_t load_be64(const uint8_t *p)
{
    return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
           (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
           (uint64_t)p[6] << 8 | (uint64_t)p[7];
}

/* a after b: the address compared as memcmp compares it, then the port. */
static bool endpoint_after(const struct flow_endpoint *a, const struct flow_endpoint *b)
{
    uint64_t x = load_be64(a->addr), y = load_be64(b->addr);
    if (x != y)
        return x > y;
    x = load_be64(a->addr + 8);
    y = load_be64(b->addr + 8);
    if (x != y)
        return x > y;
    return a->port > b->port;
}

/* The same two endpoints (36 bytes without padding), compared a word at a time. */
static bool same_pair(const struct flow_endpoint a[2], const struct flow_endpoint b[2])
{
    const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
    return ((load64(x) ^ load64(y)) | (load64(x + 8) ^ load64(y + 8)) |
            (load64(x + 16) ^ load64(y + 16)) | (load64(x + 24) ^ load64(y + 24)) |
            (load32(x + 32) ^ load32(y + 32))) == 0;
}
_Static_assert(2 * sizeof(struct flow_endpoint) == 36, "same_pair compares 36 bytes");

static uint64_t rotate32(uint64_t v) { return v << 32 | v >> 32; }

/* A multiply-xorshift finalizer (as in splitmix64): every input bit reaches the low bits
 * that pick the bucket. */
static uint64_t mix64(uint64_t h)
{
    h ^= h >> 31;
    h *= 0x7fb5d329728ea185ull;
    h ^= h >> 27;
    h *= 0x81dadef4bc2dd44dull;
    h ^= h >> 33;
    return h;
}

/* Hashes the pair as 64-bit words (byte-wise FNV-1a over its 37 bytes was 8 % of the
 * analyzer's instructions). The second endpoint's words are rotated so that an IPv4
 * pair's two addresses land in different halves of a word. */
static uint64_t flow_hash(uint8_t family, const struct flow_endpoint ep[2])
{
    uint64_t ports = (uint64_t)ep[0].port << 16 | ep[1].port | (uint64_t)family << 32;
    uint64_t lo = load64(ep[0].addr) ^ rotate32(load64(ep[1].addr));
    uint64_t h = mix64(lo + ports * 0x9e3779b97f4a7c15ull); /* odd: spreads the ports */
    if (family != 4) /* an IPv4 address has only zeros in bytes 8..15 */
        h = mix64(h ^ load64(ep[0].addr + 8) ^ rotate32(load64(ep[1].addr + 8)));
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
    if (endpoint_after(&ep[0], &ep[1])) {
        struct flow_endpoint tmp = ep[0];
        ep[0] = ep[1];
        ep[1] = tmp;
        side = 1;
    }

    /* not memset: out->superseded is only read when out->reused is set */
    out->flow = NULL;
    out->side = 0;
    out->is_new = out->reused = false;
    out->superseded.conn = NULL;
    size_t i = flow_hash(family, ep) & (t->nbuckets - 1);
    struct flow *f = t->bucket[i];
    /* both endpoints at once (flow_endpoint has no padding) */
    while (f && !(f->family == family && same_pair(f->ep, ep)))
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
