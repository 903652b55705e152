/* decode: one captured frame (link layer up to TCP) -> a normalized packet.
 *
 * No I/O and no state: decode_frame() looks only at the bytes it is given. It knows the
 * link types tcpconn-analyze reads, IPv4 (options), IPv6 (extension headers), and enough
 * of GRE, VXLAN, Geneve, GTP-U, MPLS, PPPoE and IP-in-IP to find the TCP inside a tunnel
 * (tunnelled TCP is numbered like Wireshark numbers it, but never analysed), and the TCP
 * header quoted in ICMP errors (Wireshark numbers that too).
 */
#ifndef TCPCONN_DECODE_H
#define TCPCONN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpconn.h"

enum decode_result {
    DECODE_TCP,       /* a TCP segment: pkt is filled */
    DECODE_NOT_IP,    /* neither IPv4 nor IPv6 (ARP, LLDP, ...) */
    DECODE_NOT_TCP,   /* IP, but not TCP (UDP, ICMP, ESP, ...) */
    DECODE_FRAGMENT,  /* an IPv4 fragment or an IPv6 fragment header: skipped */
    DECODE_MALFORMED, /* a header cut by snaplen or corrupt: pkt.error says which */
};

struct decoded_packet {
    uint8_t family; /* 4 or 6 */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    bool tunnelled;            /* the TCP (or the non-TCP payload) sat inside a tunnel */
    bool in_error;             /* the TCP header was quoted by an ICMP error: only ports,
                                  seq, ack, flags and window are filled */
    struct tcpconn_segment seg; /* all fields but time_ns, frame and from */
    char error[96];            /* DECODE_MALFORMED: what was wrong */
    bool numbered;             /* DECODE_MALFORMED, but Wireshark still gives it a stream:
                                  ports..window are filled */
    bool no_bases;             /* ... and it does not set base sequence numbers */
    struct {                   /* DECODE_FRAGMENT (not tunnelled): for reasm.c */
        uint32_t id;           /* IPv4 identification or IPv6 fragment identification */
        uint8_t proto;         /* upper-layer protocol */
        bool more;             /* more fragments follow */
        uint32_t offset;       /* byte offset of this fragment's data */
        const uint8_t *data;   /* the fragment's data (points into the frame) */
        size_t cap, len;       /* captured and IP-declared lengths of that data */
    } frag;
};

/* Is this libpcap DLT one decode_frame() understands? */
bool decode_supported_dlt(int dlt);

/* Decode one frame. caplen: bytes captured; wirelen: the original length. */
enum decode_result decode_frame(int dlt, const uint8_t *data, size_t caplen, size_t wirelen,
                                struct decoded_packet *pkt);

/* Decode a reassembled IP payload (proto, the datagram's data) into pkt, which already
 * holds the datagram's addresses. Only TCP is recognized. */
enum decode_result decode_reassembled(uint8_t proto, const uint8_t *data, size_t cap, size_t len,
                                      struct decoded_packet *pkt);

#endif
