/* out: build output text in a buffer and hand it to stdio in large pieces.
 *
 * stdio's per-call cost (locking, format parsing) was a quarter of tcpconn-analyze's
 * instructions when every JSON field was its own fprintf. A record is built here with
 * hand-written number formatting and written with one fwrite.
 *
 * Header-only (static inline), so every program that links analyzer sources (the fuzz
 * harnesses list them one by one) gets it without a build change.
 */
#ifndef TCPCONN_OUT_H
#define TCPCONN_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum {
    OUT_BUF_SIZE = 2048, /* a JSON record is about 500 bytes; longer ones are flushed in parts */
    OUT_U64_MAX = 20,    /* digits of UINT64_MAX */
};

struct out {
    FILE *file;
    size_t len;
    char buf[OUT_BUF_SIZE];
};

static inline void out_init(struct out *o, FILE *file)
{
    o->file = file;
    o->len = 0;
}

static inline void out_flush(struct out *o)
{
    if (o->len)
        fwrite(o->buf, 1, o->len, o->file);
    o->len = 0;
}

/* Room for n more bytes (n <= OUT_BUF_SIZE). */
static inline char *out_room(struct out *o, size_t n)
{
    if (o->len + n > OUT_BUF_SIZE)
        out_flush(o);
    return o->buf + o->len;
}

static inline void out_bytes(struct out *o, const char *s, size_t n)
{
    if (n > OUT_BUF_SIZE) {
        out_flush(o);
        fwrite(s, 1, n, o->file);
        return;
    }
    memcpy(out_room(o, n), s, n);
    o->len += n;
}

static inline void out_str(struct out *o, const char *s) { out_bytes(o, s, strlen(s)); }

static inline void out_char(struct out *o, char c)
{
    *out_room(o, 1) = c;
    o->len++;
}

/* Writes v in decimal at dst (no terminator); returns the number of digits. */
static inline size_t fmt_u64(char *dst, uint64_t v)
{
    char tmp[OUT_U64_MAX];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++)
        dst[i] = tmp[n - 1 - i];
    return n;
}

static inline void out_u64(struct out *o, uint64_t v)
{
    o->len += fmt_u64(out_room(o, OUT_U64_MAX), v);
}

/* Nanoseconds as seconds with nine decimals: "%" PRIu64 ".%09" PRIu64. */
static inline void out_seconds_ns(struct out *o, uint64_t ns)
{
    char *p = out_room(o, OUT_U64_MAX + 10);
    size_t n = fmt_u64(p, ns / 1000000000u);
    p[n++] = '.';
    uint32_t frac = (uint32_t)(ns % 1000000000u);
    for (int i = 8; i >= 0; i--) {
        p[n + (size_t)i] = (char)('0' + frac % 10);
        frac /= 10;
    }
    o->len += n + 9;
}

#endif
