/* stats.h: what the "tcpconn" tap queues, shared by the two statistics trees.
 *
 *   stats.c          the tap (tcpconn_stats_packet) and "TCP Connection Lifecycle"
 *                    (-z tcpconn,tree): per capture, by style, state and RTT leg bucket
 *   stats-servers.c  "TCP Connection Lifecycle by Server" (-z tcpconn_servers,tree): the same
 *                    categories and the TIME_WAIT holder, per server address:port
 *
 * Both count each connection once, in the category it has "if the capture ended now", and
 * move it when a later packet changes that category (one pass); with -2 every packet carries
 * the final category, so both runs count the same.
 */
#ifndef TCPCONN_STATS_H
#define TCPCONN_STATS_H

#include <stdint.h>

#include "tcpconn.h"

#define STATS_NBUCKETS TCPCONN_RTT_BUCKET_COUNT

/* A connection's category, as queued to the tap. */
struct stats_rec {
    uint32_t stream;
    uint8_t style;         /* enum tcpconn_teardown_style */
    uint8_t initiator;     /* enum tcpconn_initiator */
    uint8_t handshake;     /* enum tcpconn_handshake_state */
    uint8_t server_bucket; /* 0..STATS_NBUCKETS-1, STATS_NBUCKETS: leg not measured */
    uint8_t client_bucket;
    uint8_t time_wait;     /* enum tcpconn_time_wait */
    const char *server;    /* "198.18.0.2:8080" or "[fd00:198:18::2]:8080" (packet scope) */
};

/* The category packed in a word, bit 31 set (0 means "none"); the server is not in it (it
 * never changes within a stream). */
static inline uint32_t stats_pack(const struct stats_rec *r)
{
    return 0x80000000u | (uint32_t)r->style | (uint32_t)r->initiator << 4 | (uint32_t)r->handshake << 8 |
           (uint32_t)r->server_bucket << 12 | (uint32_t)r->client_bucket << 16 | (uint32_t)r->time_wait << 20;
}

static inline unsigned stats_style(uint32_t p) { return p & 0xf; }
static inline unsigned stats_initiator(uint32_t p) { return (p >> 4) & 0xf; }
static inline unsigned stats_handshake(uint32_t p) { return (p >> 8) & 0xf; }
static inline unsigned stats_bucket(uint32_t p, int leg) { return (p >> (leg ? 16 : 12)) & 0xf; }
static inline unsigned stats_time_wait(uint32_t p) { return (p >> 20) & 0xf; }

/* Row names (kept identical to analyzer/summary.c and analyzer/byhost.c: tests/stats compares them). */
#define ST_NAME "TCP Connection Lifecycle"
#define ST_SERVERS_NAME "TCP Connection Lifecycle by Server"
#define ROW_STYLE "Teardown style"
#define ROW_STATE "Handshake state"
#define ROW_SERVER_RTT "Handshake server RTT"
#define ROW_CLIENT_RTT "Handshake client RTT"
#define ROW_TIME_WAIT "TIME_WAIT held by"

/* stats-servers.c: registers the by-server tree on the "tcpconn" tap (called by stats.c). */
void tcpconn_stats_servers_register(void);

#endif
