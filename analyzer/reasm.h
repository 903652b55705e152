/* reasm: just enough IP reassembly to number streams as Wireshark does.
 *
 * Wireshark reassembles IPv4 and IPv6 fragments (on by default) and dissects the TCP
 * segment in the frame that completed the datagram, which gives that frame a tcp.stream
 * and can start a stream. tcpconn-analyze skips fragments (they are counted, never fed to
 * the core) but tracks them here so stream numbers stay Wireshark's: when a datagram is
 * complete, the caller gets its first bytes and length to find the TCP header.
 * Fragments not fully captured are not reassembled (Wireshark cannot either).
 */
#ifndef TCPCONN_REASM_H
#define TCPCONN_REASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* kept from offset 0: a TCP header with options, or tunnel headers and the IP and TCP
 * headers inside (VXLAN: 8 + 8 + 14 + 20 + 60 bytes; room for a few layers more) */
enum { REASM_HEAD_BYTES = 256 };

struct reasm;

struct reasm *reasm_new(void);
void reasm_free(struct reasm *r);

/* Add the fragment described by pkt (DECODE_FRAGMENT). Returns true when it completed a
 * datagram: head gets its first *head_len bytes (up to REASM_HEAD_BYTES), *len its length. */
bool reasm_add(struct reasm *r, const struct decoded_packet *pkt, uint8_t head[REASM_HEAD_BYTES],
               size_t *head_len, size_t *len);

#endif
