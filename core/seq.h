/* Sequence-number arithmetic modulo 2^32 (RFC 1982 style): a is "before" b when the
 * signed distance from b to a is negative. Raw sequence numbers wrap; these never care. */
#ifndef TCPCONN_SEQ_H
#define TCPCONN_SEQ_H

#include <stdbool.h>
#include <stdint.h>

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_le(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_ge(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

#endif
