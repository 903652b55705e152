/* decode: one captured frame (link layer up to TCP) -> a normalized packet.
 *
 * No I/O and no state: decode_frame() looks only at the bytes it is given. It knows the
 * link types tcpconn-analyze reads, IPv4 (options), IPv6 (extension headers), VLAN, QinQ
 * and VN-Tag tags, the TCP header quoted in ICMP errors (Wireshark numbers that too), and
 * the tunnels Wireshark 4.0 dissects by default (tunnel.c): GRE (with ERSPAN II/III and
 * PPTP), VXLAN, VXLAN-GPE, Geneve, GTP-U, MPLS (also under VLAN tags, over UDP and in IP),
 * PPPoE, IP-in-IP, IPv6 in IPv4, IPv4/IPv6 in IPv6 and 802.1ah, in any nesting up to
 * DECODE_MAX_TUNNELS deep. The packet it returns is the innermost one: its addresses,
 * ports and TCP segment.
 */
#ifndef TCPCONN_DECODE_H
#define TCPCONN_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcpconn.h"

/* Encapsulations a packet may be nested in (a deeper one is malformed). */
enum { DECODE_MAX_TUNNELS = 8 };

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
    bool tunnelled;            /* the packet (TCP or not) was found inside a tunnel */
    bool in_error;             /* the TCP header was quoted by an ICMP error: only ports,
                                  seq, ack, flags and window are filled */
    struct tcpconn_segment seg; /* all fields but time_ns, frame and from */
    char error[96];            /* DECODE_MALFORMED: what was wrong */
    bool numbered;             /* DECODE_MALFORMED, but Wireshark still gives it a stream:
                                  ports..window are filled */
    bool no_bases;             /* ... and it does not set base sequence numbers */
    struct {                   /* DECODE_FRAGMENT: for reasm.c */
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

/* Decode a reassembled IP payload (proto, the datagram's first cap of len bytes) into pkt,
 * which already holds the datagram's addresses: TCP, or a tunnel with TCP inside. */
enum decode_result decode_reassembled(uint8_t proto, const uint8_t *data, size_t cap, size_t len,
                                      struct decoded_packet *pkt);

#endif
