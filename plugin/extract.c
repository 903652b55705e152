/* extract.c: the only place that reads what the IP and TCP dissectors left behind.
 *
 * The plugin wants no fields. Wanted fields (set_postdissector_wanted_hfids) would make
 * tshark build a protocol tree for every packet, which cost more than everything else
 * the plugin does together (docs/PERFORMANCE.md). Instead, on the first pass:
 *   - the innermost IP layer set pinfo->net_src with set_address_tvb(), so its data
 *     points into the bytes of that IP header: that finds the header in its data source
 *     (the frame, or a decrypted/decapsulated buffer);
 *   - from there the IPv4 or IPv6 header (extension headers included) leads to the TCP
 *     header; for a reassembled IP datagram the TCP header starts the reassembled buffer;
 *   - the header's ports must equal pinfo->srcport/destport, which the TCP dissector
 *     set: anything that does not add up is skipped, never guessed;
 *   - tcp.stream is the `stream` of the TCP dissector's conversation data.
 * TCP quoted inside an ICMP or ICMPv6 error is not a segment of its connection and is
 * skipped; with TCP inside a tunnel the innermost TCP is analysed (as with the fields).
 */
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/address.h>
#include <epan/conversation.h>
#include <epan/ipproto.h>
#include <epan/dissectors/packet-tcp.h>

#include "packet-tcpconn.h"

static int proto_tcp = -1;
static int proto_icmp = -1;
static int proto_icmpv6 = -1;

void tcpconn_extract_resolve(void)
{
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_icmp = proto_get_id_by_filter_name("icmp");
    proto_icmpv6 = proto_get_id_by_filter_name("icmpv6");
}

/* What pinfo->layers says about the packet's TCP layers. */
struct tcp_layers {
    int count;   /* TCP layers */
    bool quoted; /* an ICMP/ICMPv6 layer comes before the last one: that TCP header is
                    the quoted part of an error message */
};

static struct tcp_layers tcp_layers_of(packet_info *pinfo)
{
    struct tcp_layers t = { 0, false };
    bool error_seen = false;
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_icmp || id == proto_icmpv6) {
            error_seen = true;
        } else if (id == proto_tcp) {
            t.quoted = error_seen;
            t.count++;
        }
    }
    return t;
}

/* Big-endian reads (wsutil's pntoh16 became pntohu16 in 4.6: not worth a compat macro). */
static guint16 be16(const guint8 *p) { return (guint16)(p[0] << 8 | p[1]); }
static guint32 be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | p[3];
}

/* Captured bytes from some offset of a data source: cap captured, wire on the wire. */
struct span {
    const guint8 *p;
    guint cap;
    guint wire;
};

static struct span span_skip(struct span s, guint n)
{
    s.p += n;
    s.cap -= n;
    s.wire = s.wire > n ? s.wire - n : 0;
    return s;
}

/* Where the TCP header is, found from the innermost IP header. */
struct tcp_location {
    struct span tcp;      /* from the TCP header on, cut at the IP payload's end */
    guint ip_payload_len; /* TCP header + payload, per the IP header */
    guint16 ip_id;        /* IPv4 identification, 0 for IPv6 */
    bool fragment;        /* the TCP header is in a reassembled datagram instead */
};

static bool locate_ipv4(struct span s, struct tcp_location *loc)
{
    if (s.cap < 20 || s.p[0] >> 4 != 4)
        return false;
    guint ihl = (s.p[0] & 0x0fu) * 4;
    if (ihl < 20 || s.cap < ihl)
        return false;
    guint total = be16(s.p + 2);
    if (total == 0 || total > s.wire) /* TSO leaves 0; beyond the frame is bogus */
        total = s.wire;
    if (total < ihl)
        return false;
    loc->ip_id = be16(s.p + 4);
    loc->fragment = (be16(s.p + 6) & 0x3fff) != 0; /* more fragments, or an offset */
    if (s.p[9] != IP_PROTO_TCP)
        return false;
    loc->tcp = span_skip(s, ihl);
    loc->ip_payload_len = total - ihl;
    return true;
}

/* Not inlined: IPv6 takes the scan in find_ip_header anyway, and the IPv4 path stays short. */
static TCPCONN_PLUGIN_NOINLINE bool locate_ipv6(struct span s, struct tcp_location *loc)
{
    if (s.cap < 40 || s.p[0] >> 4 != 6)
        return false;
    guint len = be16(s.p + 4);
    guint8 next = s.p[6];
    loc->ip_id = 0;
    s = span_skip(s, 40);
    if (len == 0 || len > s.wire) /* jumbogram, TSO, or bogus: the frame's length */
        len = s.wire;
    for (;;) {
        guint hl;
        switch (next) {
        case IP_PROTO_HOPOPTS:
        case IP_PROTO_ROUTING:
        case IP_PROTO_DSTOPTS:
            if (s.cap < 2)
                return false;
            hl = (s.p[1] + 1u) * 8;
            break;
        case IP_PROTO_AH:
            if (s.cap < 2)
                return false;
            hl = (s.p[1] + 2u) * 4;
            break;
        case IP_PROTO_FRAGMENT:
            if (s.cap < 8)
                return false;
            loc->fragment = true;
            next = s.p[0];
            return next == IP_PROTO_TCP;
        case IP_PROTO_TCP:
            loc->tcp = s;
            loc->ip_payload_len = len;
            return true;
        default:
            return false;
        }
        if (len < hl || s.cap < hl)
            return false;
        next = s.p[0];
        s = span_skip(s, hl);
        len -= hl;
    }
}

/* A reassembled IP datagram is a data source of its own that starts with the TCP header:
 * the last one whose ports are this packet's. */
static TCPCONN_PLUGIN_COLD bool locate_reassembled(packet_info *pinfo, struct tcp_location *loc)
{
    bool found = false;
    for (GSList *src = pinfo->data_src; src; src = src->next) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)src->data);
        guint cap = tvb_captured_length(tvb);
        if (cap < 20)
            continue;
        const guint8 *p = tvb_get_ptr(tvb, 0, cap);
        if (be16(p) != pinfo->srcport || be16(p + 2) != pinfo->destport)
            continue;
        loc->tcp = (struct span){ p, cap, tvb_reported_length(tvb) };
        loc->ip_payload_len = loc->tcp.wire;
        found = true;
    }
    return found;
}

enum { TCP_HDR_MIN = 20, TCPOPT_EOL = 0, TCPOPT_NOP = 1, TCPOPT_TIMESTAMP = 8, TCPOLEN_TIMESTAMP = 10 };

/* Any option list (SYNs carry several): walked one option at a time. */
static TCPCONN_PLUGIN_NOINLINE void walk_options(const guint8 *opt, guint len, struct tcpconn_segment *s)
{
    for (guint i = 0; i < len;) {
        guint8 kind = opt[i];
        if (kind == TCPOPT_EOL)
            return;
        if (kind == TCPOPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            return; /* malformed option list: stop, as a receiver would */
        if (kind == TCPOPT_TIMESTAMP && opt[i + 1] == TCPOLEN_TIMESTAMP) {
            s->has_ts = true;
            s->tsval = be32(opt + i + 2);
            s->tsecr = be32(opt + i + 6);
        }
        i += opt[i + 1];
    }
}

static inline void read_timestamp_option(const guint8 *opt, guint len, struct tcpconn_segment *s)
{
    /* What Linux sends on every segment after the handshake, read without the loop. */
    if (G_LIKELY(len == 12 && opt[0] == TCPOPT_NOP && opt[1] == TCPOPT_NOP && opt[2] == TCPOPT_TIMESTAMP &&
                 opt[3] == TCPOLEN_TIMESTAMP)) {
        s->has_ts = true;
        s->tsval = be32(opt + 4);
        s->tsecr = be32(opt + 8);
        return;
    }
    if (len > 0)
        walk_options(opt, len, s);
}

/* The TCP header at loc: fixed part, payload length and timestamp option. */
static bool read_tcp_header(const struct tcp_location *loc, packet_info *pinfo,
                            struct tcpconn_packet *out)
{
    const guint8 *h = loc->tcp.p;
    if (loc->tcp.cap < TCP_HDR_MIN)
        return false;
    out->srcport = be16(h);
    out->dstport = be16(h + 2);
    if (out->srcport != pinfo->srcport || out->dstport != pinfo->destport)
        return false; /* not the TCP layer that set the ports */
    guint hdr_len = (h[12] >> 4) * 4u;
    if (hdr_len < TCP_HDR_MIN || loc->ip_payload_len < hdr_len)
        return false;

    struct tcpconn_segment *s = &out->seg;
    s->seq = be32(h + 4);
    s->ack = be32(h + 8);
    s->flags = h[13];
    s->window = be16(h + 14);
    s->payload_len = loc->ip_payload_len - hdr_len;
    s->ip_id = loc->ip_id;
    if (loc->tcp.cap >= hdr_len)
        read_timestamp_option(h + TCP_HDR_MIN, hdr_len - TCP_HDR_MIN, s);
    return true;
}

/* tcp.stream: the TCP dissector's conversation data for this packet's endpoints. Only a
 * SYN can make Wireshark start a new conversation on known endpoints (RST is asked about
 * too, to be safe); for other segments the stream cache answers. */
static TCPCONN_PLUGIN_NOINLINE bool tcp_stream_from_conversation(packet_info *pinfo, uint32_t *stream)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (!conv)
        return false;
    const struct tcp_analysis *tcpd = (const struct tcp_analysis *)conversation_get_proto_data(conv, proto_tcp);
    if (!tcpd)
        return false;
    *stream = tcpd->stream;
    tcpconn_stream_cache_put(pinfo, *stream);
    return true;
}

static inline bool tcp_stream_of(packet_info *pinfo, uint8_t flags, uint32_t *stream)
{
    if (!(flags & (TCPCONN_SYN | TCPCONN_RST)) && tcpconn_stream_cache_get(pinfo, stream))
        return true;
    return tcp_stream_from_conversation(pinfo, stream);
}

/* The IP header that starts `ip`, if it carries this packet's TCP header: fills `out`. */
static TCPCONN_PLUGIN_HOT bool try_ip_header(struct span ip, bool v6, packet_info *pinfo, struct tcpconn_packet *out)
{
    struct tcp_location loc = { .fragment = false };
    if (!(v6 ? locate_ipv6(ip, &loc) : locate_ipv4(ip, &loc)))
        return false;
    if (loc.fragment && !locate_reassembled(pinfo, &loc))
        return false;
    *out = (struct tcpconn_packet){ 0 }; /* inline stores, not a memset call */
    return read_tcp_header(&loc, pinfo, out);
}

/* In `whole`, the first place where the two addresses follow each other and a header
 * that leads to this TCP header starts (IPv6, which copies its addresses). */
static TCPCONN_PLUGIN_NOINLINE bool find_ip_header_by_addresses(struct span whole, packet_info *pinfo, bool v6,
                                                         struct tcpconn_packet *out)
{
    const guint back = v6 ? 8 : 12;
    const guint alen = v6 ? 16 : 4;
    const guint cap = whole.cap;
    guint8 both[32]; /* the header's source and destination addresses, as they follow each other */
    memcpy(both, pinfo->net_src.data, alen);
    memcpy(both + alen, pinfo->net_dst.data, alen);
    for (guint off = 0; off + back + 2 * alen <= cap; off++) {
        if (whole.p[off + back] == both[0] && memcmp(whole.p + off + back, both, 2 * alen) == 0 &&
            try_ip_header(span_skip(whole, off), v6, pinfo, out))
            return true;
    }
    return false;
}

/* The innermost IP header, the one whose addresses are pinfo->net_src and net_dst, in
 * one of the packet's data sources (the frame, or a decrypted or decapsulated buffer).
 * When the IP dissector pointed net_src into the header's bytes (IPv4 does), that is
 * where it is; otherwise (IPv6 copies its addresses) it is the first place where the
 * two addresses follow each other and a header that leads to this TCP header starts. */
static bool find_ip_header(packet_info *pinfo, bool v6, struct tcpconn_packet *out)
{
    const guint back = v6 ? 8 : 12; /* the source address's offset in the header */
    const guint alen = v6 ? 16 : 4;
    const uintptr_t a = (uintptr_t)pinfo->net_src.data;

    for (GSList *src = pinfo->data_src; src; src = src->next) {
        tvbuff_t *tvb = get_data_source_tvb((struct data_source *)src->data);
        guint cap = tvb_captured_length(tvb);
        if (cap < back + 2 * alen)
            continue;
        struct span whole = { tvb_get_ptr(tvb, 0, cap), cap, tvb_reported_length(tvb) };
        uintptr_t b = (uintptr_t)whole.p;
        if (a >= b + back && a + alen <= b + cap)
            return try_ip_header(span_skip(whole, (guint)(a - b) - back), v6, pinfo, out);
        if (find_ip_header_by_addresses(whole, pinfo, v6, out))
            return true;
    }
    return false;
}

/* The address family of the innermost IP layer: 4, 6, or 0 for anything else. */
static int ip_family(const packet_info *pinfo)
{
    if (pinfo->net_src.type == AT_IPv4 && pinfo->net_src.len == 4 && pinfo->net_dst.len == 4)
        return 4;
    if (pinfo->net_src.type == AT_IPv6 && pinfo->net_src.len == 16 && pinfo->net_dst.len == 16)
        return 6;
    return 0;
}

TCPCONN_PLUGIN_HOT bool tcpconn_extract(packet_info *pinfo, struct tcpconn_packet *out)
{
    if (proto_tcp <= 0)
        return false;
    struct tcp_layers layers = tcp_layers_of(pinfo);
    if (layers.count == 0)
        return false;
    /* A TCP layer this packet does not analyse (quoted in an ICMP error, the outer layer
     * of TCP in TCP, or one that does not add up) may have started a new stream on its
     * endpoints unseen: the stream cache forgets everything. */
    int family = pinfo->ptype == PT_TCP && !layers.quoted ? ip_family(pinfo) : 0;
    if (family == 0 || !find_ip_header(pinfo, family == 6, out)) {
        tcpconn_stream_cache_invalidate();
        return false;
    }
    if (layers.count > 1)
        tcpconn_stream_cache_invalidate();
    if (!tcp_stream_of(pinfo, out->seg.flags, &out->stream))
        return false;
    out->seg.time_ns = (uint64_t)pinfo->abs_ts.secs * 1000000000u + (uint64_t)pinfo->abs_ts.nsecs;
    out->seg.frame = pinfo->num;
    return true;
}
