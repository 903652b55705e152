/* order: reorder buffer (see order.h). A ring of slots for streams next..next+cap-1. */
#include "order.h"

#include <stdlib.h>
#include <string.h>

struct slot {
    bool present;
    bool skipped;
    struct conn_record *rec;
};

struct order {
    order_emit_fn emit;
    void *arg;
    uint32_t next;    /* lowest stream not yet released */
    struct slot *ring;
    size_t cap;       /* a power of two */
    size_t head;      /* ring index of stream `next` */
    bool as_reported; /* no reordering: emit at submit */
};

struct order *order_new(order_emit_fn emit, void *arg)
{
    struct order *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->emit = emit;
    o->arg = arg;
    o->cap = 64;
    o->ring = calloc(o->cap, sizeof *o->ring);
    if (!o->ring) {
        free(o);
        return NULL;
    }
    return o;
}

struct order *order_new_as_reported(order_emit_fn emit, void *arg)
{
    struct order *o = order_new(emit, arg);
    if (o)
        o->as_reported = true;
    return o;
}

void order_free(struct order *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->cap; i++)
        free(o->ring[i].rec);
    free(o->ring);
    free(o);
}

static bool grow(struct order *o, size_t need)
{
    size_t cap = o->cap;
    while (cap <= need)
        cap *= 2;
    struct slot *ring = calloc(cap, sizeof *ring);
    if (!ring)
        return false;
    for (size_t i = 0; i < o->cap; i++)
        ring[i] = o->ring[(o->head + i) & (o->cap - 1)];
    free(o->ring);
    o->ring = ring;
    o->cap = cap;
    o->head = 0;
    return true;
}

/* Release the slot at head and advance. */
static void release_head(struct order *o)
{
    struct slot *s = &o->ring[o->head];
    if (s->present && !s->skipped && s->rec)
        o->emit(s->rec, o->arg);
    free(s->rec);
    memset(s, 0, sizeof *s);
    o->head = (o->head + 1) & (o->cap - 1);
    o->next++;
}

bool order_submit(struct order *o, uint32_t stream, const struct conn_record *rec)
{
    if (o->as_reported) {
        if (rec)
            o->emit(rec, o->arg);
        return true;
    }
    if (stream < o->next)
        return true; /* already released (cannot happen: each stream is submitted once) */
    size_t d = stream - o->next;
    if (d == 0) {
        if (rec)
            o->emit(rec, o->arg);
        o->head = (o->head + 1) & (o->cap - 1);
        o->next++;
    } else {
        if (d >= o->cap && !grow(o, d))
            return false;
        struct slot *s = &o->ring[(o->head + d) & (o->cap - 1)];
        if (rec) {
            s->rec = malloc(sizeof *rec);
            if (!s->rec)
                return false;
            *s->rec = *rec;
        }
        s->present = true;
        s->skipped = rec == NULL;
        return true;
    }
    while (o->ring[o->head].present)
        release_head(o);
    return true;
}

void order_flush(struct order *o)
{
    for (size_t n = 0; n < o->cap; n++)
        release_head(o);
}
