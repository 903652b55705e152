/* summary: per-capture counts of connections (tcpconn-analyze --summary), the same rows
 * as the plugin's "TCP Connection Lifecycle" statistics tree (tshark -z tcpconn,tree). */
#ifndef TCPCONN_SUMMARY_H
#define TCPCONN_SUMMARY_H

#include <stdio.h>

#include "record.h"

struct summary;

struct summary *summary_new(void); /* NULL when out of memory */
void summary_free(struct summary *s);

/* Count one connection (an order_emit_fn: arg is the struct summary). */
void summary_conn(const struct conn_record *rec, void *arg);

/* Print the table. file: printed above it when not NULL (several files). */
void summary_print(const struct summary *s, FILE *out, const char *file);

#endif
