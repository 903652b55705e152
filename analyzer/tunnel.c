/* tunnel: the encapsulations the decoder walks through to the innermost IP header, each
 * read as Wireshark 4.0 dissects it with its default preferences. The Wireshark source
 * each follows (epan/dissectors/ of 4.0.17) is named at the function.
 *
 * Nesting: every header that carries a whole packet (GRE, VXLAN, VXLAN-GPE, Geneve,
 * GTP-U, an MPLS label stack, PPPoE, IP-in-IP, 802.1ah, transparent Ethernet bridging)
 * enters one encapsulation; VLAN and VN-Tag tags do not. Beyond DECODE_MAX_TUNNELS the
 * packet is malformed (no real network nests that deep; the limit bounds the recursion).
 */
#include <stdarg.h>
#include <stdio.h>

#include "decode-layers.h"

enum decode_result decode_enter_tunnel(struct decoded_packet *pkt, int *depth)
{
    pkt->tunnelled = true;
    if (++*depth <= DECODE_MAX_TUNNELS)
        return DECODE_TCP;
    return decode_malformed(pkt, "more than %d nested encapsulations", DECODE_MAX_TUNNELS);
}

#define ENTER_TUNNEL(pkt, depth)                                                                  \
    do {                                                                                          \
        enum decode_result entered_ = decode_enter_tunnel(pkt, &(depth));                         \
        if (entered_ != DECODE_TCP)                                                               \
            return entered_;                                                                      \
    } while (0)

static enum decode_result cut_short(struct decoded_packet *pkt, const char *what, size_t have,
                                    size_t need)
{
    return decode_malformed(pkt, "%s cut short (%zu of %zu bytes)", what, have, need);
}

/* PPP: the protocol field, one byte when its low bit is set (protocol field compression),
 * then the packet (packet-ppp.c, dissect_ppp_common; the "ppp.protocol" table). */
static enum decode_result ppp(struct bytes b, struct decoded_packet *pkt, int depth)
{
    size_t n = b.cap >= 1 && (b.p[0] & 1) ? 1 : 2;
    if (b.cap < n)
        return cut_short(pkt, "PPP protocol field", b.cap, n);
    uint16_t proto = n == 1 ? b.p[0] : be16(b.p);
    b = skip(b, n);
    switch (proto) {
    case 0x0021:
    case 0x0800: return decode_ip_by_version(b, pkt, depth);
    case 0x0057:
    case 0x86dd: return decode_ipv6(b, pkt, depth);
    case 0x0281:
    case 0x0283: return tunnel_mpls(b, pkt, depth);
    default: return DECODE_NOT_TCP; /* LCP, IPCP, ... */
    }
}

/* PPP in HDLC-like framing, GRE type 0x880b and link type PPP (packet-ppp.c,
 * dissect_ppp_hdlc, which Wireshark also registers for WTAP_ENCAP_PPP): a Cisco
 * HDLC header when the first byte is 0x0f or 0x8f, else an optional 0xff 0x03 address and
 * control field (no FCS by default) before the protocol field. */
enum decode_result tunnel_ppp_hdlc(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 1)
        return cut_short(pkt, "PPP header", b.cap, 1);
    if (b.p[0] == 0x0f || b.p[0] == 0x8f) {
        if (b.cap < 4)
            return cut_short(pkt, "Cisco HDLC header", b.cap, 4);
        uint16_t proto = be16(b.p + 2);
        b = skip(b, 4);
        switch (proto) {
        case 0x0800: return decode_ip_by_version(b, pkt, depth);
        case 0x86dd: return decode_ipv6(b, pkt, depth);
        case 0x8847:
        case 0x8848: return tunnel_mpls(b, pkt, depth);
        default: return DECODE_NOT_TCP;
        }
    }
    if (b.p[0] == 0xff) {
        if (b.cap < 2)
            return cut_short(pkt, "PPP address and control field", b.cap, 2);
        b = skip(b, 2);
    }
    return ppp(b, pkt, depth);
}

/* PPPoE session, Ethernet type 0x8864 (packet-pppoe.c, dissect_pppoes): 6 bytes whose
 * payload length bounds the PPP packet. */
enum decode_result tunnel_pppoe(struct bytes b, struct decoded_packet *pkt, int depth)
{
    ENTER_TUNNEL(pkt, depth);
    if (b.cap < 6)
        return cut_short(pkt, "PPPoE header", b.cap, 6);
    return ppp(limit(skip(b, 6), be16(b.p + 4)), pkt, depth);
}

/* An Ethernet type behind which the decoder can find IP. */
static bool carries_ip(uint16_t type)
{
    switch (type) {
    case 0x0800: case 0x86dd: case 0x8100: case 0x88a8: case 0x9100: case 0x8926:
    case 0x88e7: case 0x8847: case 0x8848: case 0x8864: case 0x6558: return true;
    default: return false;
    }
}

/* An Ethernet pseudowire: an MPLS payload whose first nibble is 0 (packet-pw-eth.c,
 * dissect_pw_eth_heuristic). Wireshark reads it without a control word when both MAC
 * addresses belong to manufacturers in its list, else behind a 4-byte control word.
 * Without that list the analyzer takes the control word when the Ethernet type behind it
 * carries IP, else no control word when that reading's type does; else it is not IP. */
static enum decode_result pw_ethernet(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap >= 18 && carries_ip(be16(b.p + 16)))
        return decode_ethernet(skip(b, 4), pkt, depth);
    if (b.cap >= 14 && carries_ip(be16(b.p + 12)))
        return decode_ethernet(b, pkt, depth);
    return DECODE_NOT_IP;
}

/* MPLS label stack, to the bottom-of-stack label, then the payload guessed by its first
 * nibble (packet-mpls.c, dissect_mpls: 4 IPv4, 6 IPv6, 0 an Ethernet pseudowire, 1 an
 * associated channel; no length checks in 4.0). Labels 14 (OAM alert) and 0x99887 (ITDM)
 * at the bottom are bound to other dissectors, and 13 (GAL) to the associated channel. */
enum decode_result tunnel_mpls(struct bytes b, struct decoded_packet *pkt, int depth)
{
    ENTER_TUNNEL(pkt, depth);
    uint32_t label;
    for (;;) {
        if (b.cap < 4)
            return cut_short(pkt, "MPLS label stack", b.cap, 4);
        uint32_t shim = be32(b.p);
        b = skip(b, 4);
        label = shim >> 12;
        if (shim & 0x100) /* bottom of stack */
            break;
    }
    if (label == 13 || label == 14 || label == 0x99887)
        return DECODE_NOT_TCP;
    if (b.cap < 1)
        return cut_short(pkt, "MPLS payload", b.cap, 1);
    switch (b.p[0] >> 4) {
    case 4: return decode_ip_by_version(b, pkt, depth);
    case 6: return decode_ipv6(b, pkt, depth);
    case 0: return pw_ethernet(b, pkt, depth);
    default: return DECODE_NOT_TCP;
    }
}

/* ERSPAN in GRE (packet-cisco-erspan.c): type 0x88be has an ERSPAN header only when the
 * GRE sequence bit is set (type I has none), 0x22eb always. The header's version says its
 * length: 1 (type II) 8 bytes; 2 (type III) 12, plus 8 with its O bit, and its frame type
 * must be 0 (Ethernet; Wireshark shows anything else as data); other versions stop. */
static enum decode_result erspan(struct bytes b, struct decoded_packet *pkt, int depth,
                                 bool has_header)
{
    if (!has_header)
        return decode_ethernet(b, pkt, depth);
    if (b.cap < 2)
        return cut_short(pkt, "ERSPAN header", b.cap, 2);
    size_t hlen;
    switch (b.p[0] >> 4) {
    case 1: hlen = 8; break;
    case 2:
        if (b.cap < 12)
            return cut_short(pkt, "ERSPAN type III header", b.cap, 12);
        if (be16(b.p + 10) & 0x7c00)
            return DECODE_NOT_TCP;
        hlen = (b.p[11] & 1) ? 20 : 12;
        break;
    default: return DECODE_NOT_TCP;
    }
    if (b.cap < hlen)
        return cut_short(pkt, "ERSPAN header", b.cap, hlen);
    return decode_ethernet(skip(b, hlen), pkt, depth);
}

/* GRE (packet-gre.c, dissect_gre): any version; checksum and offset with C or R, key with
 * K, sequence number with S, PPTP's acknowledgment number with A when the type is PPP and
 * the version is not 0, source route entries to the empty one with R, WCCPv2's redirect
 * header when the first byte after the base header is not an IPv4 version nibble; no
 * payload without S when nothing follows. The payload by the "gre.proto" table. */
enum decode_result tunnel_gre(struct bytes b, struct decoded_packet *pkt, int depth)
{
    ENTER_TUNNEL(pkt, depth);
    if (b.cap < 4)
        return cut_short(pkt, "GRE header", b.cap, 4);
    uint16_t flags = be16(b.p), proto = be16(b.p + 2);
    size_t off = 4;
    if (flags & 0xc000) /* checksum present, or routing present */
        off += 4;
    if (flags & 0x2000) /* key */
        off += 4;
    if (flags & 0x1000) /* sequence number */
        off += 4;
    if (proto == 0x880b && (flags & 0x0007) && (flags & 0x0080)) /* PPTP acknowledgment */
        off += 4;
    if (b.cap < off)
        return cut_short(pkt, "GRE header", b.cap, off);
    if (flags & 0x4000) { /* source route entries: family, offset, length, entry */
        for (;;) {
            if (b.cap < off + 4)
                return cut_short(pkt, "GRE source route entry", b.cap - off, 4);
            uint16_t family = be16(b.p + off);
            uint8_t len = b.p[off + 3];
            off += 4;
            if (family == 0 && len == 0)
                break;
            if (b.cap < off + len)
                return cut_short(pkt, "GRE source route entry", b.cap - off + 4, 4u + len);
            off += len;
        }
    }
    if (proto == 0x883e) { /* WCCP: a v2 redirect header unless IPv4 follows at once */
        if (b.cap < 5)
            return cut_short(pkt, "GRE WCCP payload", b.cap, 5);
        if (b.p[4] >> 4 != 4)
            off += 4;
        if (b.cap < off)
            return cut_short(pkt, "WCCP redirect header", b.cap, off);
    }
    if (!(flags & 0x1000) && b.wire <= off)
        return DECODE_NOT_TCP; /* no payload (a keepalive) */
    b = skip(b, off);
    switch (proto) {
    case 0x0800:
    case 0x883e: return decode_ip_by_version(b, pkt, depth);
    case 0x86dd: return decode_ipv6(b, pkt, depth);
    case 0x6558: /* transparent Ethernet bridging */
    case 0x6400: /* MikroTik Ethernet over IP */
        return decode_ethernet(b, pkt, depth);
    case 0x8847:
    case 0x8848: return tunnel_mpls(b, pkt, depth);
    case 0x880b: return tunnel_ppp_hdlc(b, pkt, depth);
    case 0x88be: return erspan(b, pkt, depth, flags & 0x1000);
    case 0x22eb: return erspan(b, pkt, depth, true);
    default: return DECODE_NOT_TCP;
    }
}

/* GTP-U (packet-gtp.c, dissect_gtp_common): GTP' (PT bit clear) and messages other than a
 * T-PDU (type 0xff) carry no user packet. Header: version 0, 20 bytes; else 8, plus 4 when
 * any of E, S, PN is set, plus the extension headers chained from the E bit (each
 * 4 x its first byte long, its last byte the next type; length 0 is malformed). The length
 * field bounds the packet. The T-PDU by Wireshark's heuristic: first byte 0x45..0x4e
 * IPv4, 0x6X IPv6, else Ethernet when more than 14 bytes follow and the type at 12 is
 * IPv4, IPv6 or ARP. */
static enum decode_result gtpu(struct bytes b, struct decoded_packet *pkt, int depth)
{
    if (b.cap < 8)
        return cut_short(pkt, "GTP header", b.cap, 8);
    uint8_t flags = b.p[0];
    if (!(flags & 0x10) || b.p[1] != 0xff)
        return DECODE_NOT_TCP; /* GTP', or not a T-PDU */
    bool v0 = flags >> 5 == 0;
    size_t base = v0 ? 20 : 8;
    size_t off = v0 ? 20 : (flags & 0x07) ? 12 : 8;
    if (b.cap < off)
        return cut_short(pkt, "GTP header", b.cap, off);
    size_t total = base + be16(b.p + 2);
    if (!v0 && (flags & 0x04)) {
        for (uint8_t next = b.p[11]; next != 0;) {
            if (b.cap < off + 1)
                return cut_short(pkt, "GTP extension header", b.cap - off, 1);
            size_t len = b.p[off] * 4u;
            if (len == 0)
                return decode_malformed(pkt, "GTP extension header of length 0");
            if (b.cap < off + len)
                return cut_short(pkt, "GTP extension header", b.cap - off, len);
            next = b.p[off + len - 1];
            off += len;
        }
    }
    if (total < off)
        return decode_malformed(pkt, "GTP length %zu shorter than its header", total - base);
    b = skip(limit(b, total), off);
    if (b.wire == 0)
        return DECODE_NOT_TCP;
    if (b.cap < 1)
        return cut_short(pkt, "GTP T-PDU", b.cap, 1);
    if (b.p[0] >= 0x45 && b.p[0] <= 0x4e)
        return decode_ip_by_version(b, pkt, depth);
    if (b.p[0] >> 4 == 6)
        return decode_ipv6(b, pkt, depth);
    if (b.wire <= 14)
        return DECODE_NOT_TCP;
    if (b.cap < 14)
        return cut_short(pkt, "GTP T-PDU Ethernet header", b.cap, 14);
    uint16_t type = be16(b.p + 12);
    if (type == 0x0800 || type == 0x86dd || type == 0x0806)
        return decode_ethernet(b, pkt, depth);
    return DECODE_NOT_TCP;
}

/* UDP ports with a tunnel behind them, registered by default in Wireshark 4.0. */
enum udp_tunnel { UDP_NONE, UDP_VXLAN, UDP_VXLAN_GPE, UDP_GENEVE, UDP_GTPU, UDP_MPLS };

static enum udp_tunnel udp_tunnel_at(uint16_t port)
{
    switch (port) {
    case 4789: return UDP_VXLAN;
    case 4790: return UDP_VXLAN_GPE;
    case 6081: return UDP_GENEVE;
    case 2152: return UDP_GTPU;
    case 6635: return UDP_MPLS;
    default: return UDP_NONE;
    }
}

/* A UDP payload b (bounded by the UDP length) between the two ports. Wireshark tries the
 * lower port's dissector first, then the higher's (packet-udp.c, decode_udp_ports). */
enum decode_result tunnel_udp(uint16_t sport, uint16_t dport, struct bytes b,
                              struct decoded_packet *pkt, int depth)
{
    uint16_t low = sport < dport ? sport : dport, high = sport < dport ? dport : sport;
    enum udp_tunnel t = udp_tunnel_at(low);
    if (t == UDP_NONE)
        t = udp_tunnel_at(high);
    switch (t) {
    case UDP_NONE: return DECODE_NOT_TCP;
    case UDP_MPLS: return tunnel_mpls(b, pkt, depth);
    case UDP_VXLAN: /* packet-vxlan.c: 8 bytes, then always Ethernet */
        ENTER_TUNNEL(pkt, depth);
        if (b.cap < 8)
            return cut_short(pkt, "VXLAN header", b.cap, 8);
        return decode_ethernet(skip(b, 8), pkt, depth);
    case UDP_VXLAN_GPE: /* 8 bytes, the next protocol in byte 3 */
        ENTER_TUNNEL(pkt, depth);
        if (b.cap < 8)
            return cut_short(pkt, "VXLAN-GPE header", b.cap, 8);
        switch (b.p[3]) {
        case 1: return decode_ip_by_version(skip(b, 8), pkt, depth);
        case 2: return decode_ipv6(skip(b, 8), pkt, depth);
        case 3: return decode_ethernet(skip(b, 8), pkt, depth);
        case 5: return tunnel_mpls(skip(b, 8), pkt, depth);
        default: return DECODE_NOT_TCP;
        }
    case UDP_GENEVE: { /* packet-geneve.c: 8 bytes and options; any version (4.0 only
                          warns); the payload by Ethernet type */
        ENTER_TUNNEL(pkt, depth);
        if (b.cap < 8)
            return cut_short(pkt, "Geneve header", b.cap, 8);
        size_t hlen = 8 + (b.p[0] & 0x3fu) * 4;
        if (b.cap < hlen)
            return cut_short(pkt, "Geneve options", b.cap, hlen);
        uint16_t type = be16(b.p + 2);
        if (type == 0x6558)
            return decode_ethernet(skip(b, hlen), pkt, depth);
        return decode_ethertype(type, skip(b, hlen), pkt, depth);
    }
    case UDP_GTPU: ENTER_TUNNEL(pkt, depth); return gtpu(b, pkt, depth);
    }
    return DECODE_NOT_TCP;
}

/* IP-in-IP (protocol 4, Wireshark's "ip" dissector: by version) and IPv6 in IP (41). */
enum decode_result tunnel_ip_in_ip(uint8_t proto, struct bytes b, struct decoded_packet *pkt,
                                   int depth)
{
    ENTER_TUNNEL(pkt, depth);
    return proto == 41 ? decode_ipv6(b, pkt, depth) : decode_ip_by_version(b, pkt, depth);
}
