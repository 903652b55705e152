/* decode: link layer -> IP -> TCP, with tunnels recognized (see decode.h). */
#include "decode.h"
#include "decode-layers.h"

#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

/* A header the packet needs is missing or corrupt. In a TCP header quoted by an ICMP
 * error that is normal (quotes are cut short), so there it only makes the quote non-TCP. */
enum decode_result decode_malformed(struct decoded_packet *pkt, const char *fmt, ...)
{
    if (pkt->in_error)
        return DECODE_NOT_TCP;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(pkt->error, sizeof pkt->error, fmt, ap);
    va_end(ap);
    return DECODE_MALFORMED;
}

/* IP by its version nibble: Wireshark's "ip" dissector, used for payloads that may be
 * either (IP-in-IP, GRE 0x0800, MPLS, PPP, GTP-U). */
enum decode_result decode_ip_by_version(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 1)
        return decode_malformed(pkt, "IP header cut by snaplen");
    switch (b.p[0] >> 4) {
    case 4: return decode_ipv4(b, pkt, depth);
    case 6: return decode_ipv6(b, pkt, depth);
    default: return DECODE_NOT_IP;
    }
}

enum decode_result decode_ethernet(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 14)
        return decode_malformed(pkt, "Ethernet header cut by snaplen (%zu bytes captured)", b.cap);
    return decode_ethertype(be16(b.p + 12), skip(b, 14), pkt, depth);
}

/* What an Ethernet type leads to (Wireshark's "ethertype" table), through any number of
 * tags: 802.1Q (0x8100), 802.1ad (0x88a8) and the old QinQ type 0x9100 (a 2-byte TCI,
 * then the next type); VN-Tag (0x8926: 4 bytes, then the type); 802.1ah provider
 * backbone bridging (0x88e7: a 4-byte I-Tag, the customer's MAC addresses, then the
 * customer frame's type: an encapsulation). */
enum decode_result decode_ethertype(uint16_t type, struct bytes b, struct decoded_packet *pkt,
                                    int depth)
{
    for (;;) {
        size_t tag; /* bytes up to and including the next type */
        const char *name;
        switch (type) {
        case 0x0800: return decode_ipv4(b, pkt, depth);
        case 0x86dd: return decode_ipv6(b, pkt, depth);
        case 0x8100:
        case 0x88a8:
        case 0x9100: tag = 4, name = "VLAN tag"; break;
        case 0x8926: tag = 6, name = "VN-Tag"; break;
        case 0x88e7: {
            enum decode_result entered = decode_enter_tunnel(pkt, &depth);
            if (entered != DECODE_TCP)
                return entered;
            tag = 18, name = "802.1ah I-Tag";
            break;
        }
        case 0x6558: { /* transparent Ethernet bridging: a whole Ethernet frame */
            enum decode_result entered = decode_enter_tunnel(pkt, &depth);
            if (entered != DECODE_TCP)
                return entered;
            return decode_ethernet(b, pkt, depth);
        }
        case 0x8847:
        case 0x8848: return tunnel_mpls(b, pkt, depth);
        case 0x8864: return tunnel_pppoe(b, pkt, depth); /* PPPoE session */
        default: return DECODE_NOT_IP;
        }
        if (b.cap < tag)
            return decode_malformed(pkt, "%s cut by snaplen", name);
        type = be16(b.p + tag - 2);
        b = skip(b, tag);
    }
}

static enum decode_result udp(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 8)
        return DECODE_NOT_TCP;
    size_t len = be16(b.p + 4);
    if (len < 8) /* bogus: Wireshark stops there */
        return DECODE_NOT_TCP;
    return tunnel_udp(be16(b.p), be16(b.p + 2), skip(limit(b, len), 8), pkt, depth);
}

static void tcp_timestamp_option(const uint8_t *opt, size_t len, struct tcpconn_segment *seg)
{
    size_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == 0)
            return;
        if (kind == 1) {
            i++;
            continue;
        }
        if (i + 1 >= len || opt[i + 1] < 2 || i + opt[i + 1] > len)
            return; /* malformed option list: stop, as a receiver would */
        if (kind == 8 && opt[i + 1] == 10) {
            seg->has_ts = true;
            seg->tsval = be32(opt + i + 2);
            seg->tsecr = be32(opt + i + 6);
        }
        i += opt[i + 1];
    }
}

/* A TCP header th of hlen bytes (checked: 20 <= hlen <= ip_payload_len; its 20 fixed
 * bytes captured, its options too when options_captured) -> pkt's ports and segment. */
static void tcp_fill(const uint8_t *th, size_t hlen, bool options_captured, size_t ip_payload_len,
                     struct decoded_packet *pkt)
{
    struct tcpconn_segment *s = &pkt->seg;
    pkt->sport = be16(th);
    pkt->dport = be16(th + 2);
    s->seq = be32(th + 4);
    s->ack = be32(th + 8);
    s->flags = th[13];
    s->window = be16(th + 14);
    s->payload_len = (uint32_t)(ip_payload_len - hlen);
    if (!options_captured) {
        s->has_ts = false;
        s->tsval = s->tsecr = 0;
        return;
    }
    if (hlen == 32 && be32(th + 20) == 0x0101080a) {
        /* NOP, NOP, timestamps and nothing else: what tcp_timestamp_option finds, without
         * its loop (most segments of a connection that uses timestamps look like this) */
        s->has_ts = true;
        s->tsval = be32(th + 24);
        s->tsecr = be32(th + 28);
        return;
    }
    s->has_ts = false;
    s->tsval = s->tsecr = 0;
    tcp_timestamp_option(th + 20, hlen - 20, s);
}

/* b: the TCP header onward; ip_payload_len: TCP header + payload per the IP header. */
static enum decode_result tcp(struct bytes b, size_t ip_payload_len, struct decoded_packet *pkt)
{
    if (pkt->in_error) {
        /* Wireshark files the quoted header under its stream once ports, seq, ack, flags
         * and window are there (16 bytes); it never analyses it. */
        if (b.cap < 16)
            return DECODE_NOT_TCP;
        pkt->sport = be16(b.p);
        pkt->dport = be16(b.p + 2);
        pkt->seg.seq = be32(b.p + 4);
        pkt->seg.ack = be32(b.p + 8);
        pkt->seg.flags = b.p[13];
        pkt->seg.window = be16(b.p + 14);
        return DECODE_TCP;
    }
    if (b.cap >= 16) { /* enough for Wireshark to file it under a stream */
        pkt->sport = be16(b.p);
        pkt->dport = be16(b.p + 2);
        pkt->seg.seq = be32(b.p + 4);
        pkt->seg.ack = be32(b.p + 8);
        pkt->seg.flags = b.p[13];
        pkt->seg.window = be16(b.p + 14);
        pkt->numbered = true;
        pkt->no_bases = ip_payload_len < (size_t)(b.p[12] >> 4) * 4;
    }
    if (b.cap < 20)
        return decode_malformed(pkt, "TCP header cut by snaplen (%zu of 20 bytes captured)", b.cap);
    size_t hlen = (size_t)(b.p[12] >> 4) * 4;
    if (hlen < 20)
        return decode_malformed(pkt, "bogus TCP data offset %zu (header length %zu < 20)",
                                hlen / 4, hlen);
    if (ip_payload_len < hlen)
        return decode_malformed(pkt, "IP length leaves %zu bytes for a %zu-byte TCP header",
                                ip_payload_len, hlen);
    pkt->numbered = pkt->no_bases = false;
    /* Options cut by the snap length: the fixed header is all a segment needs, and
     * Wireshark (so the plugin) analyses it too, without its timestamps. */
    tcp_fill(b.p, hlen, b.cap >= hlen, ip_payload_len, pkt);
    return DECODE_TCP;
}

/* An ICMP or ICMPv6 error quotes the offending packet after its 8-byte header. */
static enum decode_result icmp_error(struct bytes b, struct decoded_packet *pkt, int depth,
                                     bool v6)
{
    if (b.cap < 8 || pkt->in_error)
        return DECODE_NOT_TCP;
    uint8_t type = b.p[0];
    bool error = v6 ? type >= 1 && type <= 4
                    : type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
    if (!error)
        return DECODE_NOT_TCP;
    pkt->in_error = true;
    b = skip(b, 8);
    b.wire = b.cap;
    enum decode_result r = v6 ? decode_ipv6(b, pkt, depth) : decode_ipv4(b, pkt, depth);
    if (r == DECODE_FRAGMENT)
        r = DECODE_NOT_TCP;
    return r;
}

/* Hand an IP payload (protocol proto) to TCP or a tunnel. */
static enum decode_result ip_payload(uint8_t proto, struct bytes b, size_t len,
                                     struct decoded_packet *pkt, int depth)
{
    if (b.cap > len)
        b.cap = len; /* drop Ethernet padding */
    b.wire = len;
    switch (proto) {
    case 6: return tcp(b, len, pkt);
    case 17: return udp(b, pkt, depth);
    case 1: return icmp_error(b, pkt, depth, false);
    case 58: return icmp_error(b, pkt, depth, true);
    case 4:  /* IP in IP */
    case 41: /* IPv6 in IP */
        return tunnel_ip_in_ip(proto, b, pkt, depth);
    case 47: return tunnel_gre(b, pkt, depth);
    case 137: return tunnel_mpls(b, pkt, depth); /* MPLS in IP */
    default: return DECODE_NOT_TCP;
    }
}

enum decode_result decode_ipv4(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 20)
        return decode_malformed(pkt, "IPv4 header cut by snaplen (%zu of 20 bytes captured)",
                                b.cap);
    if (b.p[0] >> 4 != 4)
        return decode_malformed(pkt, "bad IP version %u where IPv4 was expected", b.p[0] >> 4);
    size_t ihl = (size_t)(b.p[0] & 0x0f) * 4;
    if (ihl < 20)
        return decode_malformed(pkt, "bogus IPv4 header length %zu", ihl);
    if (b.cap < ihl)
        return decode_malformed(pkt, "IPv4 options cut by snaplen (%zu of %zu bytes captured)",
                                b.cap, ihl);
    size_t total = be16(b.p + 2);
    if (total == 0 || total > b.wire) /* TSO leaves 0; a length beyond the frame is bogus */
        total = b.wire;                 /* either way the frame's length is what there is */
    if (total < ihl)
        return decode_malformed(pkt, "bogus IPv4 total length %zu (header is %zu)", total, ihl);
    pkt->family = 4;
    memset(pkt->src, 0, sizeof pkt->src);
    memset(pkt->dst, 0, sizeof pkt->dst);
    memcpy(pkt->src, b.p + 12, 4);
    memcpy(pkt->dst, b.p + 16, 4);
    pkt->seg.ip_id = be16(b.p + 4);
    uint8_t proto = b.p[9];
    uint16_t frag = be16(b.p + 6);
    if (frag & 0x3fff) { /* more fragments, or a fragment offset */
        pkt->frag.id = be16(b.p + 4);
        pkt->frag.proto = proto;
        pkt->frag.more = frag & 0x2000;
        pkt->frag.offset = (uint32_t)(frag & 0x1fff) * 8;
        pkt->frag.data = b.p + ihl;
        pkt->frag.len = total - ihl;
        pkt->frag.cap = b.cap - ihl < total - ihl ? b.cap - ihl : total - ihl;
        return DECODE_FRAGMENT;
    }
    return ip_payload(proto, skip(b, ihl), total - ihl, pkt, depth);
}

enum decode_result decode_ipv6(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 40)
        return decode_malformed(pkt, "IPv6 header cut by snaplen (%zu of 40 bytes captured)",
                                b.cap);
    if (b.p[0] >> 4 != 6)
        return decode_malformed(pkt, "bad IP version %u where IPv6 was expected", b.p[0] >> 4);
    size_t len = be16(b.p + 4);
    uint8_t next = b.p[6];
    pkt->family = 6;
    memcpy(pkt->src, b.p + 8, 16);
    memcpy(pkt->dst, b.p + 24, 16);
    pkt->seg.ip_id = 0;
    b = skip(b, 40);
    if (len == 0 || len > b.wire) /* jumbogram, TSO, or bogus: the frame's length */
        len = b.wire;
    for (;;) {
        size_t hl;
        switch (next) {
        case 0:  /* hop-by-hop options */
        case 43: /* routing */
        case 60: /* destination options */
            if (b.cap < 2)
                return decode_malformed(pkt, "IPv6 extension header cut by snaplen");
            hl = ((size_t)b.p[1] + 1) * 8;
            break;
        case 51: /* authentication header */
            if (b.cap < 2)
                return decode_malformed(pkt, "IPv6 extension header cut by snaplen");
            hl = ((size_t)b.p[1] + 2) * 4;
            break;
        case 44:
            if (b.cap < 8 || len < 8)
                return decode_malformed(pkt, "IPv6 fragment header cut by snaplen");
            pkt->frag.proto = b.p[0];
            pkt->frag.offset = (uint32_t)(be16(b.p + 2) & 0xfff8);
            pkt->frag.more = b.p[3] & 1;
            pkt->frag.id = be32(b.p + 4);
            pkt->frag.data = b.p + 8;
            pkt->frag.len = len - 8;
            pkt->frag.cap = b.cap - 8 < len - 8 ? b.cap - 8 : len - 8;
            return DECODE_FRAGMENT;
        default: return ip_payload(next, b, len, pkt, depth);
        }
        if (len < hl)
            return decode_malformed(pkt, "IPv6 extension header longer than the payload length");
        if (b.cap < hl)
            return decode_malformed(pkt, "IPv6 extension header cut by snaplen");
        next = b.p[0];
        b = skip(b, hl);
        len -= hl;
    }
}

enum decode_result decode_reassembled(uint8_t proto, const uint8_t *data, size_t cap, size_t len,
                                      struct decoded_packet *pkt)
{
    struct bytes b = {data, cap < len ? cap : len, len};
    return ip_payload(proto, b, len, pkt, 0); /* TCP, or a tunnel to TCP (GRE, VXLAN, ...) */
}

bool decode_supported_dlt(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_PPP: return true;
    default: return false;
    }
}

/* BSD loopback: the address family, in the capturing host's byte order (DLT_NULL). */
static enum decode_result loopback(uint32_t af, struct bytes b, struct decoded_packet *pkt)
{
    switch (af) {
    case 2: return decode_ipv4(b, pkt, 0);
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD */
    case 28: /* FreeBSD */
    case 30: /* macOS */
        return decode_ipv6(b, pkt, 0);
    default: return DECODE_NOT_IP;
    }
}

/* The common frame, untagged Ethernet + IPv4 without options + a complete TCP header, in
 * one function: the general path costs about 300 instructions a packet in calls and
 * re-checks. It leaves the same pkt as ethernet() would, and returns false without
 * touching pkt for anything else (a VLAN tag, IP options, a fragment, any header the
 * general path would call malformed), which then takes the general path. wire >= cap. */
/* always inlined: decode_frame's first test, and inside ethernet_ipv4_vxlan (a second
 * caller would otherwise make it a call on the plain path: +16 instructions a packet) */
static inline __attribute__((always_inline)) bool
ethernet_ipv4_tcp(const uint8_t *p, size_t cap, size_t wire, struct decoded_packet *pkt)
{
    enum { ETH = 14, IP = 20, TCP = 20 };
    if (cap < ETH + IP + TCP || be16(p + 12) != 0x0800 || p[ETH] != 0x45 /* v4, 20 bytes */)
        return false;
    const uint8_t *ip = p + ETH;
    size_t total = be16(ip + 2);
    if (total == 0 || total > wire - ETH) /* as ipv4() */
        total = wire - ETH;
    if (total < IP || (be16(ip + 6) & 0x3fff) || ip[9] != 6)
        return false;
    const uint8_t *th = ip + IP;
    size_t len = total - IP; /* TCP header + payload per the IP header */
    size_t tcp_cap = cap - ETH - IP < len ? cap - ETH - IP : len; /* as ip_payload() */
    size_t hlen = (size_t)(th[12] >> 4) * 4;
    if (tcp_cap < TCP || hlen < TCP || len < hlen || tcp_cap < hlen)
        return false;
    pkt->family = 4;
    memcpy(pkt->src, ip + 12, 4);
    memcpy(pkt->dst, ip + 16, 4);
    pkt->seg.ip_id = be16(ip + 4);
    tcp_fill(th, hlen, true, len, pkt);
    return true;
}

/* The common tunnelled frame, a cloud traffic mirror's: untagged Ethernet + IPv4 without
 * options + UDP to or from port 4789 (the lower port: no other tunnel port below it) +
 * VXLAN + the common frame above. Leaves the same pkt as the general path (tunnel.c's
 * tunnel_udp), and returns false without touching pkt for anything else. */
static bool ethernet_ipv4_vxlan(const uint8_t *p, size_t cap, size_t wire,
                                struct decoded_packet *pkt)
{
    enum { ETH = 14, IP = 20, UDP = 8, VXLAN = 8 };
    if (cap < ETH + IP + UDP + VXLAN || be16(p + 12) != 0x0800 || p[ETH] != 0x45 ||
        p[ETH + 9] != 17)
        return false;
    const uint8_t *ip = p + ETH, *udp = ip + IP;
    uint16_t sport = be16(udp), dport = be16(udp + 2);
    if (!((dport == 4789 && sport >= 4789) || (sport == 4789 && dport >= 4789)))
        return false;
    size_t total = be16(ip + 2);
    if (total == 0 || total > wire - ETH) /* as decode_ipv4() */
        total = wire - ETH;
    size_t ulen = be16(udp + 4);
    if ((be16(ip + 6) & 0x3fff) || total < IP + UDP + VXLAN || ulen < UDP + VXLAN)
        return false;
    size_t len = total - IP < ulen ? total - IP : ulen; /* the UDP payload's bound, as udp() */
    size_t inner_wire = len - UDP - VXLAN;
    size_t inner_cap = cap - (ETH + IP + UDP + VXLAN);
    if (inner_cap > inner_wire)
        inner_cap = inner_wire;
    if (!ethernet_ipv4_tcp(udp + UDP + VXLAN, inner_cap, inner_wire, pkt))
        return false;
    pkt->tunnelled = true;
    return true;
}

/* An Ethernet frame that is not the common one: the common VXLAN frame, else the general
 * path (not inlined: decode_frame's plain path stays as short as before). */
static __attribute__((noinline)) enum decode_result ethernet_frame(struct bytes b,
                                                                    struct decoded_packet *pkt)
{
    if (ethernet_ipv4_vxlan(b.p, b.cap, b.wire, pkt))
        return DECODE_TCP;
    return decode_ethernet(b, pkt, 0);
}

enum decode_result decode_frame(int dlt, const uint8_t *data, size_t caplen, size_t wirelen,
                                struct decoded_packet *pkt)
{
    struct bytes b = {data, caplen, wirelen < caplen ? caplen : wirelen};
    memset(pkt, 0, sizeof *pkt);
    if (dlt == DLT_EN10MB && ethernet_ipv4_tcp(b.p, b.cap, b.wire, pkt))
        return DECODE_TCP;
    switch (dlt) {
    case DLT_EN10MB: return ethernet_frame(b, pkt);
    case DLT_LINUX_SLL:
        if (b.cap < 16)
            return decode_malformed(pkt, "Linux cooked (SLL) header cut by snaplen");
        return decode_ethertype(be16(b.p + 14), skip(b, 16), pkt, 0);
    case DLT_LINUX_SLL2:
        if (b.cap < 20)
            return decode_malformed(pkt, "Linux cooked (SLL2) header cut by snaplen");
        return decode_ethertype(be16(b.p), skip(b, 20), pkt, 0);
    case DLT_RAW: return decode_ip_by_version(b, pkt, 0);
    case DLT_PPP: return tunnel_ppp_hdlc(b, pkt, 0);
    case DLT_IPV4: return decode_ipv4(b, pkt, 0);
    case DLT_IPV6: return decode_ipv6(b, pkt, 0);
    case DLT_NULL:
    case DLT_LOOP: {
        if (b.cap < 4)
            return decode_malformed(pkt, "loopback header cut by snaplen");
        uint32_t af = dlt == DLT_LOOP ? be32(b.p) : le32(b.p);
        if (dlt == DLT_NULL && af > 0xffff) /* written by a big-endian host */
            af = be32(b.p);
        return loopback(af, skip(b, 4), pkt);
    }
    default: return DECODE_NOT_IP;
    }
}
