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

struct pair_key {
    guint8 addr[32]; /* the lower end's address, then the higher end's (4 or 16 bytes each) */
    guint16 port[2]; /* their ports */
    guint8 alen;     /* address length; 0 marks an empty slot */
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

/* pinfo's innermost address/port pair, its lower end first. */
static void key_of(const packet_info *pinfo, struct pair_key *k)
{
    guint alen = (guint)pinfo->net_src.len;
    const guint8 *src = (const guint8 *)pinfo->net_src.data, *dst = (const guint8 *)pinfo->net_dst.data;
    guint16 sport = (guint16)pinfo->srcport, dport = (guint16)pinfo->destport;
    int c = memcmp(src, dst, alen);
    bool swap = c > 0 || (c == 0 && sport > dport);
    memset(k, 0, sizeof *k);
    memcpy(k->addr, swap ? dst : src, alen);
    memcpy(k->addr + alen, swap ? src : dst, alen);
    k->port[0] = swap ? dport : sport;
    k->port[1] = swap ? sport : dport;
    k->alen = (guint8)alen;
}

/* The table index takes the low bits, and the low bits of a product depend only on the
 * low bits of its factors: so every word is folded in with a multiply and the result
 * goes through a full 64-bit finalizer (MurmurHash3's fmix64). */
static size_t hash_of(const struct pair_key *k)
{
    guint64 h = (guint64)k->port[0] << 16 | k->port[1];
    for (guint i = 0; i < 2u * k->alen; i += 8) {
        guint64 w;
        memcpy(&w, k->addr + i, sizeof w);
        h = (h ^ w) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    }
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xff51afd7ed558ccd);
    h ^= h >> 33;
    h *= G_GUINT64_CONSTANT(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    return (size_t)h;
}

static bool same_pair(const struct pair_key *a, const struct pair_key *b)
{
    return a->alen == b->alen && a->port[0] == b->port[0] && a->port[1] == b->port[1] &&
           memcmp(a->addr, b->addr, 2u * a->alen) == 0;
}

/* The slot holding k, or the empty slot where it belongs. capacity > used. */
static struct cache_entry *slot_of(const struct pair_key *k)
{
    size_t i = hash_of(k) & (capacity - 1);
    while (entries[i].key.alen != 0 && !same_pair(&entries[i].key, k))
        i = (i + 1) & (capacity - 1);
    return &entries[i];
}

/* Doubles the table (4 096 slots at first), keeping only the current generation. */
static void grow(void)
{
    struct cache_entry *old = entries;
    size_t old_capacity = capacity;
    capacity = capacity ? 2 * capacity : 4096;
    entries = g_new0(struct cache_entry, capacity);
    used = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (old[i].key.alen != 0 && old[i].generation == generation) {
            *slot_of(&old[i].key) = old[i];
            used++;
        }
    }
    g_free(old);
}

bool tcpconn_stream_cache_get(const packet_info *pinfo, uint32_t *stream)
{
    if (capacity == 0)
        return false;
    struct pair_key k;
    key_of(pinfo, &k);
    const struct cache_entry *e = slot_of(&k);
    if (e->key.alen == 0 || e->generation != generation)
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
    if (e->key.alen == 0)
        used++;
    e->key = k;
    e->generation = generation;
    e->stream = stream;
}
