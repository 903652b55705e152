/* byhost: `tcpconn-analyze --summary --by server|server-host|client`, the connections of a
 * capture grouped per host: teardown styles with their initiators, who holds TIME_WAIT,
 * handshake states, and both handshake RTT legs as min / p50 / p90 / p99 / max (exact
 * nearest-rank percentiles over the connections, not buckets).
 *
 * Input-mode agnostic: it consumes reported connection records (byhost_conn is an
 * order_emit_fn, like summary_conn and report_conn) and prints once at the end, so any input
 * (a file, stdin, a live capture, merged files) calls it the same way.
 *
 * Memory is per host, not per connection, except the legs: one float (4 bytes) per measured
 * leg, kept for the percentiles (docs/PERFORMANCE.md: the cost for a million connections).
 */
#ifndef TCPCONN_BYHOST_H
#define TCPCONN_BYHOST_H

#include <stdbool.h>
#include <stdio.h>

#include "record.h"

enum byhost_key {
    BYHOST_NONE,        /* --by none: no grouping (today's --summary) */
    BYHOST_SERVER,      /* the server's address and port */
    BYHOST_SERVER_HOST, /* the server's address */
    BYHOST_CLIENT_HOST, /* the client's address (its ports are ephemeral: grouping by them would
                           give one group per connection) */
};

/* "server", "server-host", "client", "none"; false when the name is unknown. */
bool byhost_key_from_name(const char *name, enum byhost_key *out);

struct byhost;

struct byhost *byhost_new(enum byhost_key key); /* NULL when out of memory */
void byhost_free(struct byhost *b);

/* Count one connection (an order_emit_fn: arg is the struct byhost). */
void byhost_conn(const struct conn_record *rec, void *arg);

/* True when a connection could not be counted for lack of memory. */
bool byhost_out_of_memory(const struct byhost *b);

/* Print the groups, most connections first (ties: the group seen first first): text blocks,
 * or with json one JSON object per group (JSON Lines). file: named above the text, or as
 * "file" in each object, when not NULL (several files). */
void byhost_print(struct byhost *b, FILE *out, bool json, const char *file);

/* The nearest-rank percentile p (0 < p <= 100) of n >= 1 sorted values: the value at rank
 * ceil(p * n / 100), 1-based. Exposed for the tests. */
float byhost_percentile(const float *sorted, size_t n, unsigned p);

#endif
