/* decode-layers.h: what decode.c (link layers, IP, TCP) and tunnel.c (encapsulations)
 * share. Internal to the decoder: its interface is decode.h.
 *
 * Every function takes the bytes left at its layer and the nesting depth (the number of
 * encapsulations entered so far), reads nothing outside [p, p + cap), and returns the
 * packet's decode_result.
 */
#ifndef TCPCONN_DECODE_LAYERS_H
#define TCPCONN_DECODE_LAYERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Bytes left at the current layer: cap captured, wire on the wire (>= cap). */
struct bytes {
    const uint8_t *p;
    size_t cap;
    size_t wire;
};

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The bytes after the first n (n <= b.cap). */
static inline struct bytes skip(struct bytes b, size_t n)
{
    b.p += n;
    b.cap -= n;
    b.wire = b.wire >= n ? b.wire - n : 0;
    return b;
}

/* At most len bytes: a layer whose header says how long its payload is. */
static inline struct bytes limit(struct bytes b, size_t len)
{
    if (b.cap > len)
        b.cap = len;
    if (b.wire > len)
        b.wire = len;
    return b;
}

/* A header the packet needs is cut short or corrupt: fills pkt->error. */
enum decode_result decode_malformed(struct decoded_packet *pkt, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* One encapsulation deeper: marks the packet tunnelled and returns DECODE_TCP to go on;
 * beyond DECODE_MAX_TUNNELS, what decode_malformed returns (malformed, or not TCP inside
 * an ICMP quote). */
enum decode_result decode_enter_tunnel(struct decoded_packet *pkt, int *depth);

/* decode.c: link layers and IP */
enum decode_result decode_ethernet(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result decode_ethertype(uint16_t type, struct bytes b, struct decoded_packet *pkt,
                                    int depth);
enum decode_result decode_ip_by_version(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result decode_ipv4(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result decode_ipv6(struct bytes b, struct decoded_packet *pkt, int depth);

/* tunnel.c: what an IP protocol number, an Ethernet type or a UDP port leads into. Each
 * enters one encapsulation (decode_enter_tunnel) itself. */
enum decode_result tunnel_gre(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result tunnel_udp(uint16_t sport, uint16_t dport, struct bytes b,
                              struct decoded_packet *pkt, int depth);
enum decode_result tunnel_mpls(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result tunnel_pppoe(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result tunnel_ppp_hdlc(struct bytes b, struct decoded_packet *pkt, int depth);
enum decode_result tunnel_ip_in_ip(uint8_t proto, struct bytes b, struct decoded_packet *pkt,
                                   int depth);

#endif
