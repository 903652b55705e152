/* stream-cache.c: "this address/port pair is tcp.stream N", remembered for the live
 * connections.
 *
 * Looking tcp.stream up in Wireshark's conversation table costs about 1 400 instructions
 * a packet, more than everything else the plugin does. A pair's stream can only change
 * when the TCP dissector creates a new conversation for it, which Wireshark does for a SYN
 * (port reuse; 4.4 and 4.6 also for a SYN/ACK); extract.c therefore always asks Wireshark
 * for segments with SYN or RST and this cache for the rest. Packets whose TCP the plugin
 * does not analyse (quoted in an ICMP error, several TCP layers) may have changed a pair's
 * stream unseen: they make every entry stale at once by bumping the generation.
 *
 * Why an index and not a table of pairs: the cache is read on every packet at a random
 * place, and between two packets of one connection tshark touches megabytes. A table of
 * every pair ever seen (48 bytes each) missed every level of cache on each read, and the
 * connection's state in table.c missed again right after it: two memory round trips one
 * after the other (docs/PERFORMANCE.md). So the cache is a small index, 16 bytes a set of
 * four ways, each way (stream + 1) and five bits of the pair's hash; it stays in the
 * level-2 cache. The pair itself, and the generation it was remembered in, are kept with
 * the connection (table.c, tcpconn_table_memo), in the cache line the packet needs next
 * anyway. A way whose bits match is checked there; a miss only costs a question to
 * Wireshark. The index is lossy (the least recently used way of a full set is dropped)
 * and doubles when too many questions miss, up to MAX_SETS.
 *
 * After port reuse a set can hold two ways of one pair, the old stream's memo still
 * matching. The newer way always comes first: it is put in front, and neither a hit on
 * another way nor dropping the last way changes the order of the others. So the lookup,
 * which returns the first way that matches, finds the current stream.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/address.h>

#include "packet-tcpconn.h"

#define WAYS 4u
#ifndef TCPCONN_STREAM_CACHE_FIRST_SETS /* (CI builds a one-set index, to make it drop ways) */
#define TCPCONN_STREAM_CACHE_FIRST_SETS 1024u /* 16 KiB: 4 096 live connections */
#endif
#define MAX_SETS (1u << 18)      /* 4 MiB: a million */
#define TAG_SHIFT 27u            /* a way: (stream + 1) in the low 27 bits, the tag above */
#define STREAM_MASK ((1u << TAG_SHIFT) - 1u)
#define CHECK_EVERY 65536u       /* lookups between two looks at the miss rate */

struct index_set {
    guint32 way[WAYS]; /* most recently used first; 0 is empty */
};

static struct index_set *sets;
static size_t nsets; /* a power of two, or 0 before the first entry */
static guint32 generation;
static guint32 lookups, misses; /* since the last look at the miss rate */

void tcpconn_stream_cache_init(void)
{
    sets = NULL;
    nsets = 0;
    generation = 1;
    lookups = misses = 0;
}

void tcpconn_stream_cache_cleanup(void)
{
    g_free(sets);
    tcpconn_stream_cache_init();
}

void tcpconn_stream_cache_invalidate(void)
{
    if (++generation == 0) { /* wrapped: a memo of 2^32 generations ago would match again */
        g_free(sets);
        tcpconn_stream_cache_init();
    }
}

/* An address (4 or 16 bytes) as two words. */
static void address_words(const guint8 *a, guint alen, guint64 w[2])
{
    if (alen == 4) {
        guint32 v4;
        memcpy(&v4, a, sizeof v4);
        w[0] = v4;
        w[1] = 0;
    } else {
        memcpy(w, a, 2 * sizeof w[0]);
    }
}

/* pinfo's innermost address/port pair, its lower end first (extract.c has checked that
 * both addresses are IPv4 or both IPv6): the lower end's address in w[0..1], the higher
 * end's in w[2..3] (an IPv4 address fills the low half of w[0] or w[2]), and in w[4] the
 * two ports and the address length. "Lower" is any fixed order, here that of the
 * native-endian words. */
static inline void key_of(const packet_info *pinfo, struct tcpconn_pair_key *k)
{
    guint alen = (guint)pinfo->net_src.len;
    guint64 src[2], dst[2];
    address_words((const guint8 *)pinfo->net_src.data, alen, src);
    address_words((const guint8 *)pinfo->net_dst.data, alen, dst);
    guint16 sport = (guint16)pinfo->srcport, dport = (guint16)pinfo->destport;
    bool swap = src[0] != dst[0] ? src[0] > dst[0] : src[1] != dst[1] ? src[1] > dst[1] : sport > dport;
    const guint64 *lo = swap ? dst : src, *hi = swap ? src : dst;
    k->w[0] = lo[0];
    k->w[1] = lo[1];
    k->w[2] = hi[0];
    k->w[3] = hi[1];
    k->w[4] = (guint64)(swap ? dport : sport) << 32 | (guint64)(swap ? sport : dport) << 16 | alen;
}

/* The set index takes the low bits and the tag the top five, and the low bits of a
 * product depend only on the low bits of its factors: so every word is folded in with a
 * multiply and the result goes through a full 64-bit finalizer (MurmurHash3's fmix64). */
static guint64 hash_of(const struct tcpconn_pair_key *k)
{
    guint64 h = k->w[4];
    for (guint i = 0; i < 4; i++)
        h = (h ^ k->w[i]) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return h;
}

static guint32 tag_of(guint64 h)
{
    return (guint32)(h >> 59) << TAG_SHIFT;
}

static bool same_pair(const struct tcpconn_pair_key *a, const struct tcpconn_pair_key *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3]) |
            (a->w[4] ^ b->w[4])) == 0;
}

/* Way i becomes the set's first, the ones before it move down one. */
static void move_to_front(struct index_set *s, guint i, guint32 way)
{
    for (; i > 0; i--)
        s->way[i] = s->way[i - 1];
    s->way[0] = way;
}

/* Too many misses: a larger index (empty; the live pairs come back as they miss). */
static TCPCONN_PLUGIN_COLD void grow(void)
{
    g_free(sets);
    nsets *= 2;
    sets = g_new0(struct index_set, nsets);
}

static inline void count_lookup(bool missed)
{
    misses += missed;
    if (G_UNLIKELY(++lookups == CHECK_EVERY)) {
        if (misses > CHECK_EVERY / 16 && nsets < MAX_SETS)
            grow();
        lookups = misses = 0;
    }
}

TCPCONN_PLUGIN_HOT bool tcpconn_stream_cache_get(const packet_info *pinfo, uint32_t *stream)
{
    if (nsets == 0)
        return false;
    struct tcpconn_pair_key k;
    key_of(pinfo, &k);
    guint64 h = hash_of(&k);
    struct index_set *s = &sets[h & (nsets - 1)];
    guint32 tag = tag_of(h);
    for (guint i = 0; i < WAYS; i++) {
        guint32 way = s->way[i];
        if (way == 0)
            break;
        if ((way & ~STREAM_MASK) != tag)
            continue;
        uint32_t candidate = (way & STREAM_MASK) - 1u;
        const struct tcpconn_stream_memo *memo = tcpconn_table_memo(candidate, false);
        if (memo && memo->generation == generation && same_pair(&memo->key, &k)) {
            if (i > 0)
                move_to_front(s, i, way);
            *stream = candidate;
            count_lookup(false);
            return true;
        }
    }
    count_lookup(true);
    return false;
}

void tcpconn_stream_cache_put(const packet_info *pinfo, uint32_t stream)
{
    if (stream >= STREAM_MASK)
        return; /* beyond what a way holds (and what table.c analyses) */
    struct tcpconn_stream_memo *memo = tcpconn_table_memo(stream, true);
    if (!memo)
        return;
    if (nsets == 0) {
        nsets = TCPCONN_STREAM_CACHE_FIRST_SETS;
        sets = g_new0(struct index_set, nsets);
    }
    key_of(pinfo, &memo->key);
    memo->generation = generation;
    guint64 h = hash_of(&memo->key);
    struct index_set *s = &sets[h & (nsets - 1)];
    guint32 way = tag_of(h) | (stream + 1u);
    guint i = 0; /* the way to drop: this stream's own, else the least recently used */
    while (i < WAYS - 1 && s->way[i] != 0 && (s->way[i] & STREAM_MASK) != stream + 1u)
        i++;
    move_to_front(s, i, way);
}
