/* table.c: per-connection core state and the compact per-frame record.
 *
 * Connections are indexed by tcp.stream (dense from 0) in fixed-size chunks, so an
 * entry never moves and growth never copies. Per frame the first pass keeps one
 * 32-bit word: (stream + 1) in the low 27 bits, the sending endpoint in bit 27 and the
 * core's mark in the top 4 bits; 0 means "not an analysed TCP packet". Later passes
 * (tshark -2, the GUI) have no TCP fields and read everything from here. Memory is
 * released by the cleanup routine.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/address.h>

#include "packet-tcpconn.h"

#define CONN_CHUNK 256u
#define FRAME_CHUNK 65536u
#define STREAM_BITS 27u
#define STREAM_LIMIT ((1u << STREAM_BITS) - 1u) /* streams >= this are not analysed */

#define FROM_SHIFT 27u
#define MARK_SHIFT 28u

G_STATIC_ASSERT(TCPCONN_MARK_COUNT <= 16);

/* A connection's entry: one cache line for the stream cache and the table, then three for
 * the core. A packet reads them right after the stream cache has named the connection,
 * and they are seldom still cached by then (docs/PERFORMANCE.md): a data or ACK segment
 * reads the first three (the core keeps what only the handshake and the close read in its
 * third line, core/tcpconn.h), the rarely read address comes after all four. */
struct conn_entry {
    _Alignas(64) struct tcpconn_stream_memo memo; /* the stream cache's check (stream-cache.c) */
    uint16_t port0;            /* endpoint 0's port */
    bool used;
    uint32_t last_original[2]; /* each endpoint's latest frame that was not a duplicate */
    struct tcpconn core;
    address *addr0;            /* endpoint 0's address (file scope), only when both ports are equal */
};
G_STATIC_ASSERT(offsetof(struct conn_entry, core) == 64);

static struct conn_entry **conn_chunks;
static size_t conn_nchunks;
static uint32_t **frame_chunks;
static size_t frame_nchunks;
static uint32_t last_frame; /* last frame fed to the core, so no earlier one is fed again */
static wmem_map_t *duplicate_of; /* frame -> the first capture of the same transmission (sparse) */

void tcpconn_table_init(void)
{
    conn_chunks = NULL;
    conn_nchunks = 0;
    frame_chunks = NULL;
    frame_nchunks = 0;
    last_frame = 0;
    duplicate_of = NULL;
}

void tcpconn_table_cleanup(void)
{
    for (size_t i = 0; i < conn_nchunks; i++)
        g_aligned_free(conn_chunks[i]);
    g_free(conn_chunks);
    for (size_t i = 0; i < frame_nchunks; i++)
        g_free(frame_chunks[i]);
    g_free(frame_chunks);
    tcpconn_table_init();
}

/* The chunk tables grow a few times per capture: out of the per-packet path. */
static TCPCONN_PLUGIN_COLD struct conn_entry *conn_slot_grow(uint32_t stream, bool create)
{
    size_t c = stream / CONN_CHUNK;
    if (c >= conn_nchunks) {
        if (!create)
            return NULL;
        size_t n = conn_nchunks ? conn_nchunks : 8;
        while (n <= c)
            n *= 2;
        conn_chunks = g_renew(struct conn_entry *, conn_chunks, n);
        memset(conn_chunks + conn_nchunks, 0, (n - conn_nchunks) * sizeof *conn_chunks);
        conn_nchunks = n;
    }
    if (!conn_chunks[c]) {
        if (!create)
            return NULL;
        conn_chunks[c] = g_aligned_alloc0(CONN_CHUNK, sizeof(struct conn_entry), _Alignof(struct conn_entry));
    }
    return &conn_chunks[c][stream % CONN_CHUNK];
}

static inline struct conn_entry *conn_slot(uint32_t stream, bool create)
{
    size_t c = stream / CONN_CHUNK;
    if (G_LIKELY(c < conn_nchunks && conn_chunks[c]))
        return &conn_chunks[c][stream % CONN_CHUNK];
    return conn_slot_grow(stream, create);
}

static TCPCONN_PLUGIN_COLD uint32_t *frame_slot_grow(uint32_t frame, bool create)
{
    size_t c = frame / FRAME_CHUNK;
    if (c >= frame_nchunks) {
        if (!create)
            return NULL;
        size_t n = frame_nchunks ? frame_nchunks : 16;
        while (n <= c)
            n *= 2;
        frame_chunks = g_renew(uint32_t *, frame_chunks, n);
        memset(frame_chunks + frame_nchunks, 0, (n - frame_nchunks) * sizeof *frame_chunks);
        frame_nchunks = n;
    }
    if (!frame_chunks[c]) {
        if (!create)
            return NULL;
        frame_chunks[c] = g_new0(uint32_t, FRAME_CHUNK);
    }
    return &frame_chunks[c][frame % FRAME_CHUNK];
}

static inline uint32_t *frame_slot(uint32_t frame, bool create)
{
    size_t c = frame / FRAME_CHUNK;
    if (G_LIKELY(c < frame_nchunks && frame_chunks[c]))
        return &frame_chunks[c][frame % FRAME_CHUNK];
    return frame_slot_grow(frame, create);
}

/* Once per connection: out of the per-packet path. */
static TCPCONN_PLUGIN_COLD void start_connection(struct conn_entry *e, packet_info *pinfo, const struct tcpconn_packet *pkt)
{
    e->used = true;
    tcpconn_init(&e->core, pkt->srcport, pkt->dstport);
    e->port0 = pkt->srcport;
    if (pkt->srcport == pkt->dstport) { /* the ports cannot tell the direction */
        e->addr0 = wmem_new(wmem_file_scope(), address);
        copy_address_wmem(wmem_file_scope(), e->addr0, &pinfo->src);
    }
}

static TCPCONN_PLUGIN_COLD void note_duplicate(uint32_t frame, uint32_t original)
{
    if (!duplicate_of)
        duplicate_of = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
    wmem_map_insert(duplicate_of, GUINT_TO_POINTER(frame), GUINT_TO_POINTER(original));
}

TCPCONN_PLUGIN_HOT const struct tcpconn *tcpconn_table_update(packet_info *pinfo, struct tcpconn_packet *pkt,
                                           enum tcpconn_mark *mark_out)
{
    uint32_t frame = pkt->seg.frame;
    /* Frames come in order, once. One exception: with a read filter (tshark -2 -R) a
     * frame the filter drops gives its number to the next one, so a number can repeat;
     * the later packet then owns the per-frame word. */
    if (pkt->stream >= STREAM_LIMIT || frame < last_frame)
        return NULL;

    struct conn_entry *e = conn_slot(pkt->stream, true);
    if (!e->used)
        start_connection(e, pinfo, pkt);

    /* Endpoint 0 sent the connection's first captured packet. The ports tell the
     * direction unless both are equal; then the source address does. */
    if (pkt->srcport != pkt->dstport)
        pkt->seg.from = pkt->srcport == e->port0 ? 0 : 1;
    else
        pkt->seg.from = addresses_equal(&pinfo->src, e->addr0) ? 0 : 1;

    enum tcpconn_mark mark = tcpconn_update(&e->core, &pkt->seg);
    last_frame = frame;
    /* The core compares a segment with its sender's previous one; remember which
     * earlier frame a duplicate copies (the core's roles do not say). */
    if (mark == TCPCONN_MARK_DUPLICATE) {
        if (e->last_original[pkt->seg.from] != TCPCONN_NO_FRAME)
            note_duplicate(frame, e->last_original[pkt->seg.from]);
    } else {
        e->last_original[pkt->seg.from] = frame;
    }
    *frame_slot(frame, true) = (pkt->stream + 1u) | ((uint32_t)pkt->seg.from << FROM_SHIFT) |
                               ((uint32_t)mark << MARK_SHIFT);
    *mark_out = mark;
    return &e->core;
}

struct tcpconn_stream_memo *tcpconn_table_memo(uint32_t stream, bool create)
{
    if (stream >= STREAM_LIMIT)
        return NULL;
    struct conn_entry *e = conn_slot(stream, create);
    return e ? &e->memo : NULL;
}

bool tcpconn_table_lookup(uint32_t frame, uint32_t *stream, tcpconn_endpoint *from,
                          enum tcpconn_mark *mark, const struct tcpconn **conn)
{
    uint32_t *slot = frame_slot(frame, false);
    if (!slot || *slot == 0)
        return false;
    uint32_t s = (*slot & STREAM_LIMIT) - 1u;
    struct conn_entry *e = conn_slot(s, false);
    if (!e || !e->used)
        return false;
    *stream = s;
    *from = (tcpconn_endpoint)((*slot >> FROM_SHIFT) & 1u);
    *mark = (enum tcpconn_mark)(*slot >> MARK_SHIFT);
    *conn = &e->core;
    return true;
}

uint32_t tcpconn_table_duplicate_of(uint32_t frame)
{
    if (!duplicate_of)
        return TCPCONN_NO_FRAME;
    return GPOINTER_TO_UINT(wmem_map_lookup(duplicate_of, GUINT_TO_POINTER(frame)));
}
