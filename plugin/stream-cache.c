/* stream-cache.c: a memo of "this address/port pair is tcp.stream N".
 *
 * Looking tcp.stream up in Wireshark's conversation table costs about 1 100 instructions
 * a packet, a quarter of everything the plugin did. A pair's stream can only change when
 * the TCP dissector creates a new conversation for it, which Wireshark does for a SYN
 * (port reuse); extract.c therefore always asks Wireshark for segments with SYN or RST
 * and this cache for the rest. Packets whose TCP the plugin does not analyse (quoted in
 * an ICMP error, several TCP layers) may have changed a pair's stream unseen: they make
 * every entry stale at once by bumping the generation.
 *
 * An open-addressing hash table (linear probing) keyed by the pair with its two ends in a
 * fixed order, so both directions share an entry: one entry per connection, as in
 * Wireshark's own conversation table. It grows at half load; stale entries are dropped
 * then.
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/address.h>

#include "packet-tcpconn.h"

/* The pair as five 64-bit words, so that building, hashing and comparing a key are a
 * few word operations (they run on every packet): the lower end's address in w[0..1],
 * the higher end's in w[2..3] (an IPv4 address fills the low half of w[0] or w[2]), and
 * in w[4] the two ports and the address length (never 0 for a key: 0 marks an empty
 * slot). "Lower" is any fixed order, here that of the native-endian words. */
struct pair_key {
    guint64 w[5];
};

struct cache_entry {
    struct pair_key key;
    guint32 generation;
    guint32 stream;
};

static struct cache_entry *entries;
static size_t capacity; /* a power of two, or 0 before the first entry */
static size_t used;     /* occupied slots, stale ones included */
static guint32 generation;

void tcpconn_stream_cache_init(void)
{
    entries = NULL;
    capacity = used = 0;
    generation = 1;
}

void tcpconn_stream_cache_cleanup(void)
{
    g_free(entries);
    tcpconn_stream_cache_init();
}

void tcpconn_stream_cache_invalidate(void)
{
    if (++generation == 0) { /* wrapped: forget everything for real */
        g_free(entries);
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
 * both addresses are IPv4 or both IPv6). */
static inline void key_of(const packet_info *pinfo, struct pair_key *k)
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

/* The table index takes the low bits, and the low bits of a product depend only on the
 * low bits of its factors: so every word is folded in with a multiply and the result
 * goes through a full 64-bit finalizer (MurmurHash3's fmix64). */
static size_t hash_of(const struct pair_key *k)
{
    guint64 h = k->w[4];
    for (guint i = 0; i < 4; i++)
        h = (h ^ k->w[i]) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return (size_t)h;
}

static bool same_pair(const struct pair_key *a, const struct pair_key *b)
{
    return ((a->w[0] ^ b->w[0]) | (a->w[1] ^ b->w[1]) | (a->w[2] ^ b->w[2]) | (a->w[3] ^ b->w[3]) |
            (a->w[4] ^ b->w[4])) == 0;
}

static bool is_empty(const struct cache_entry *e)
{
    return e->key.w[4] == 0;
}

/* The slot holding k, or the empty slot where it belongs. capacity > used. */
static inline struct cache_entry *slot_of(const struct pair_key *k)
{
    size_t i = hash_of(k) & (capacity - 1);
    while (!is_empty(&entries[i]) && !same_pair(&entries[i].key, k))
        i = (i + 1) & (capacity - 1);
    return &entries[i];
}

/* Doubles the table (4 096 slots at first), keeping only the current generation. */
static TCPCONN_PLUGIN_COLD void grow(void)
{
    struct cache_entry *old = entries;
    size_t old_capacity = capacity;
    capacity = capacity ? 2 * capacity : 4096;
    entries = g_new0(struct cache_entry, capacity);
    used = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (!is_empty(&old[i]) && old[i].generation == generation) {
            *slot_of(&old[i].key) = old[i];
            used++;
        }
    }
    g_free(old);
}

TCPCONN_PLUGIN_HOT bool tcpconn_stream_cache_get(const packet_info *pinfo, uint32_t *stream)
{
    if (capacity == 0)
        return false;
    struct pair_key k;
    key_of(pinfo, &k);
    const struct cache_entry *e = slot_of(&k);
    if (is_empty(e) || e->generation != generation)
        return false;
    *stream = e->stream;
    return true;
}

void tcpconn_stream_cache_put(const packet_info *pinfo, uint32_t stream)
{
    if (2 * (used + 1) > capacity)
        grow();
    struct pair_key k;
    key_of(pinfo, &k);
    struct cache_entry *e = slot_of(&k);
    if (is_empty(e))
        used++;
    e->key = k;
    e->generation = generation;
    e->stream = stream;
}
