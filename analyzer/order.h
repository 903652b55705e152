/* order: a reorder buffer that releases connection records in stream order.
 *
 * Streams finish in any order; output follows tcp.stream. A record for stream N waits
 * until every stream below N has been submitted (as a record, or as skipped). Memory
 * is one slot per stream between the oldest unfinished stream and the newest finished.
 */
#ifndef TCPCONN_ORDER_H
#define TCPCONN_ORDER_H

#include <stdbool.h>
#include <stdint.h>

#include "record.h"

typedef void (*order_emit_fn)(const struct conn_record *rec, void *arg);

struct order;

struct order *order_new(order_emit_fn emit, void *arg);
/* The same, but each record is released as soon as it is submitted, in the order the
 * streams finish (live capture: a connection is printed when it is reported). */
struct order *order_new_as_reported(order_emit_fn emit, void *arg);
void order_free(struct order *o);

/* Submit stream's record (copied), or NULL when the stream is not reported (tunnelled).
 * Returns false when out of memory. */
bool order_submit(struct order *o, uint32_t stream, const struct conn_record *rec);

/* Release everything still held, in stream order, skipping streams never submitted. */
void order_flush(struct order *o);

#endif
