/* ladder: `tcpconn-analyze --explain`, a connection's handshake and teardown as a ladder
 * diagram (client and server columns, one arrow per packet) followed by the core's two
 * plain-language sentences.
 *
 * Only in --explain mode the analyzer keeps, per connection, a compact list of the packets
 * that can have a role (SYN, FIN, RST, marked segments, the handshake ACK and the ACKs of
 * the FINs); everything in between is only counted. Roles are computed at the end from the
 * final summary with tcpconn_roles().
 */
#ifndef TCPCONN_LADDER_H
#define TCPCONN_LADDER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "record.h"
#include "tcpconn.h"

struct ladder_event {
    uint64_t time_ns;
    uint32_t frame;
    uint32_t payload_len;
    uint32_t data_before; /* collapsed data segments between the previous event and this one */
    uint32_t other_before;/* collapsed segments without data (ACKs, window updates) */
    uint8_t flags;
    uint8_t from;         /* endpoint index, as tcpconn_segment.from */
    uint8_t mark;         /* enum tcpconn_mark */
};

struct ladder {
    struct ladder_event *v;
    uint32_t len, cap;
    uint32_t data_pending, other_pending; /* collapsed since the last event */
    uint64_t first_ns;                     /* the connection's first packet */
    bool started;
};

struct ladder_style {
    bool ascii;     /* no Unicode box drawing */
    unsigned width; /* terminal columns */
};

/* The style for `out`: ASCII when asked or when the locale's charset is not UTF-8; width
 * from $COLUMNS, else the terminal's width when out is a tty, else 80. Call after
 * setlocale(LC_CTYPE, ""). */
struct ladder_style ladder_style_for(FILE *out, bool force_ascii);

/* Note one segment after tcpconn_update(c, seg) returned mark. Keeps it when it can have a
 * role, else counts it. Returns false when out of memory. */
bool ladder_note(struct ladder *l, const struct tcpconn *c, const struct tcpconn_segment *seg,
                 enum tcpconn_mark mark);

void ladder_free(struct ladder *l);

/* The ladder of one reported connection, then its two sentences, then a blank line. */
void ladder_print(FILE *out, const struct conn_record *rec, const struct ladder *l,
                  const struct ladder_style *st);

#endif
