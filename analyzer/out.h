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

/* "00" "01" ... "99": decimal digits two at a time (one more byte for the literal's NUL, which
 * gcc 15+ otherwise rejects under -Werror). */
static const char out_digits2[201] = {
#define OUT_D2(t) t "0" t "1" t "2" t "3" t "4" t "5" t "6" t "7" t "8" t "9"
    OUT_D2("0") OUT_D2("1") OUT_D2("2") OUT_D2("3") OUT_D2("4")
    OUT_D2("5") OUT_D2("6") OUT_D2("7") OUT_D2("8") OUT_D2("9")
#undef OUT_D2
};

/* Write the n digits of v (v < 10^n, leading zeros included) at dst, two at a time from
 * the end. */
static inline void fmt_digits32(char *dst, size_t n, uint32_t v)
{
    while (n >= 2) {
        n -= 2;
        memcpy(dst + n, out_digits2 + 2 * (v % 100), 2);
        v /= 100;
    }
    if (n)
        dst[0] = (char)('0' + v);
}

static inline void fmt_digits64(char *dst, size_t n, uint64_t v)
{
    while (n >= 2) {
        n -= 2;
        memcpy(dst + n, out_digits2 + 2 * (v % 100), 2);
        v /= 100;
    }
    if (n)
        dst[0] = (char)('0' + v);
}

/* Writes v in decimal at dst (no terminator); returns the number of digits. */
static inline size_t fmt_u64(char *dst, uint64_t v)
{
    size_t n = 1;
    for (uint64_t p = 10; n < OUT_U64_MAX && v >= p; p *= 10)
        n++;
    if (v <= UINT32_MAX) /* 32-bit divisions are cheaper */
        fmt_digits32(dst, n, (uint32_t)v);
    else
        fmt_digits64(dst, n, v);
    return n;
}

static inline void out_u64(struct out *o, uint64_t v)
{
    o->len += fmt_u64(out_room(o, OUT_U64_MAX), v);
}

/* A string literal (its length known at compile time). */
#define OUT_LIT(o, lit) out_bytes((o), "" lit, sizeof(lit) - 1)

/* Nanoseconds as seconds with nine decimals: "%" PRIu64 ".%09" PRIu64. */
static inline void out_seconds_ns(struct out *o, uint64_t ns)
{
    char *p = out_room(o, OUT_U64_MAX + 10);
    size_t n = fmt_u64(p, ns / 1000000000u);
    p[n++] = '.';
    fmt_digits32(p + n, 9, (uint32_t)(ns % 1000000000u));
    o->len += n + 9;
}

#endif
