/* pcapng: a pcapng reader that, unlike libpcap, reads files whose interfaces differ in link
 * type or snapshot length (what `dumpcap -i eth0 -i wlan0` writes), as Wireshark does.
 *
 * Every packet block (enhanced, simple, obsolete) is one packet, in file order, and so are
 * systemd journal export and custom blocks (Wireshark 4.0 numbers them as frames; link
 * type -1, none); other blocks are skipped. Several sections are read, each with its own byte order and
 * interfaces. Timestamps honour each interface's if_tsresol and if_tsoffset.
 * docs/READER.md says why this exists next to libpcap.
 */
#ifndef TCPCONN_PCAPNG_H
#define TCPCONN_PCAPNG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pcapng;

struct pcapng_packet {
    uint64_t time_ns; /* since the epoch */
    const uint8_t *data; /* valid until the next pcapng_next */
    size_t caplen, wirelen;
    int dlt; /* libpcap DLT_ value of the packet's interface */
};

enum { PCAPNG_ERRLEN = 160 };

/* Reads the section header and the blocks up to the first packet from fp (not closed here).
 * Returns NULL with err set if fp is not a readable pcapng file. */
struct pcapng *pcapng_open(FILE *fp, char err[PCAPNG_ERRLEN]);

/* The link types (DLT_) of the interfaces described before the first packet: n of them. */
const int *pcapng_first_dlts(const struct pcapng *ng, size_t *n);

/* 1 with *p filled, 0 at the end of the file, -1 with err set (damage: nothing more). */
int pcapng_next(struct pcapng *ng, struct pcapng_packet *p, char err[PCAPNG_ERRLEN]);

void pcapng_close(struct pcapng *ng);

#endif
