/* gunzip: zlib's inflate behind a stdio FILE (see gunzip.h). */
#define _GNU_SOURCE /* fopencookie */
#include "gunzip.h"

#include <errno.h>
#include <stdint.h>
#include <sys/types.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { IN_SIZE = 1 << 16, OUT_BUFFER = 1 << 18 };

struct gunzip {
    FILE *in;
    z_stream z;
    bool ended; /* the last member's end was reached and no member follows */
    char error[96];
    unsigned char inbuf[IN_SIZE];
    char outbuf[OUT_BUFFER]; /* the FILE's own buffer */
};

bool gunzip_detect(FILE *fp)
{
    int c = getc(fp);
    if (c == EOF)
        return false;
    ungetc(c, fp); /* one byte: all that ungetc promises; no pcap magic starts with 0x1f */
    return c == 0x1f;
}

static bool refill(struct gunzip *g)
{
    if (g->z.avail_in)
        return true;
    size_t n = fread(g->inbuf, 1, IN_SIZE, g->in);
    g->z.next_in = g->inbuf;
    g->z.avail_in = (uInt)n;
    return n > 0;
}

static ssize_t gunzip_read(void *cookie, char *buf, size_t size)
{
    struct gunzip *g = cookie;
    if (g->error[0]) {
        errno = EIO;
        return -1;
    }
    g->z.next_out = (Bytef *)buf;
    g->z.avail_out = size > UINT32_MAX ? UINT32_MAX : (uInt)size;
    while (g->z.avail_out && !g->ended) {
        if (!refill(g)) {
            if (ferror(g->in))
                snprintf(g->error, sizeof g->error, "read error: %s", strerror(errno));
            else
                snprintf(g->error, sizeof g->error, "compressed data cut short");
            break;
        }
        int r = inflate(&g->z, Z_NO_FLUSH);
        if (r == Z_STREAM_END) {
            /* gzip allows several members one after the other: read on, as gzip -d and
             * Wireshark do, if another one follows */
            int c = g->z.avail_in ? g->z.next_in[0] : (refill(g) ? g->z.next_in[0] : EOF);
            if (c == 0x1f)
                inflateReset(&g->z);
            else
                g->ended = true; /* trailing bytes that are not a member are ignored */
        } else if (r != Z_OK && r != Z_BUF_ERROR) {
            snprintf(g->error, sizeof g->error, "bad compressed data: %s",
                     g->z.msg ? g->z.msg : "inflate failed");
            break;
        }
    }
    ssize_t got = (ssize_t)(size - g->z.avail_out);
    if (got == 0 && g->error[0]) {
        errno = EIO;
        return -1;
    }
    return got; /* the error, if any, comes with the next read */
}

static int gunzip_close(void *cookie)
{
    struct gunzip *g = cookie;
    inflateEnd(&g->z);
    if (g->in != stdin)
        fclose(g->in);
    free(g);
    return 0;
}

FILE *gunzip_open(FILE *in, struct gunzip **out)
{
    struct gunzip *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->in = in;
    if (inflateInit2(&g->z, 16 + MAX_WBITS) != Z_OK) { /* 16: a gzip header and trailer */
        free(g);
        return NULL;
    }
    FILE *f = fopencookie(g, "rb", (cookie_io_functions_t){.read = gunzip_read, .close = gunzip_close});
    if (!f) {
        inflateEnd(&g->z);
        free(g);
        return NULL;
    }
    setvbuf(f, g->outbuf, _IOFBF, sizeof g->outbuf);
    *out = g;
    return f;
}

const char *gunzip_error(const struct gunzip *g) { return g->error; }
