/* reasm: fragment bookkeeping for stream numbering (see reasm.h). */
#include "reasm.h"

#include <stdlib.h>
#include <string.h>

enum {
    MAX_PENDING = 1024,            /* datagrams in progress; the oldest is dropped beyond */
    BLOCKS = 65536 / 8,            /* 8-byte fragment blocks of a 64 KiB datagram */
};

struct pending {
    uint8_t family, proto;
    uint8_t src[16], dst[16];
    uint32_t id;
    uint32_t end;                  /* datagram length, once the last fragment came */
    bool have_end, have_head;
    uint8_t head[REASM_HEAD_BYTES];
    size_t head_len;
    uint8_t covered[BLOCKS / 8];   /* bitmap of 8-byte blocks received */
    struct pending *next;
};

struct reasm {
    struct pending *list; /* newest first */
    size_t n;
};

struct reasm *reasm_new(void) { return calloc(1, sizeof(struct reasm)); }

void reasm_free(struct reasm *r)
{
    if (!r)
        return;
    while (r->list) {
        struct pending *p = r->list;
        r->list = p->next;
        free(p);
    }
    free(r);
}

static void drop_oldest(struct reasm *r)
{
    struct pending **pp = &r->list;
    while (*pp && (*pp)->next)
        pp = &(*pp)->next;
    free(*pp);
    *pp = NULL;
    r->n--;
}

static bool complete(const struct pending *p)
{
    if (!p->have_end || !p->have_head)
        return false;
    for (uint32_t blk = 0; blk < (p->end + 7) / 8; blk++)
        if (!(p->covered[blk / 8] & (1u << (blk % 8))))
            return false;
    return true;
}

bool reasm_add(struct reasm *r, const struct decoded_packet *pkt, uint8_t head[REASM_HEAD_BYTES],
               size_t *head_len, size_t *len)
{
    if (pkt->frag.cap < pkt->frag.len || pkt->frag.offset + pkt->frag.len > 65535)
        return false; /* cut by snaplen, or impossible */
    struct pending **pp = &r->list, *p;
    while ((p = *pp) && !(p->family == pkt->family && p->proto == pkt->frag.proto &&
                          p->id == pkt->frag.id && !memcmp(p->src, pkt->src, 16) &&
                          !memcmp(p->dst, pkt->dst, 16)))
        pp = &p->next;
    if (!p) {
        if (r->n >= MAX_PENDING)
            drop_oldest(r);
        p = calloc(1, sizeof *p);
        if (!p)
            return false;
        p->family = pkt->family;
        p->proto = pkt->frag.proto;
        memcpy(p->src, pkt->src, 16);
        memcpy(p->dst, pkt->dst, 16);
        p->id = pkt->frag.id;
        p->next = r->list;
        r->list = p;
        r->n++;
        pp = &r->list;
    }
    uint32_t from = pkt->frag.offset, to = pkt->frag.offset + (uint32_t)pkt->frag.len;
    for (uint32_t blk = from / 8; blk < (to + 7) / 8; blk++)
        p->covered[blk / 8] |= (uint8_t)(1u << (blk % 8));
    if (!pkt->frag.more) {
        p->end = to;
        p->have_end = true;
    }
    if (from == 0) {
        p->head_len = pkt->frag.len < REASM_HEAD_BYTES ? pkt->frag.len : REASM_HEAD_BYTES;
        memcpy(p->head, pkt->frag.data, p->head_len);
        p->have_head = true;
    }
    if (!complete(p))
        return false;
    memcpy(head, p->head, p->head_len);
    *head_len = p->head_len;
    *len = p->end;
    *pp = p->next;
    free(p);
    r->n--;
    return true;
}
