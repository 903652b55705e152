/* libFuzzer target for the analyzer's frame parser (analyzer/decode.c) and the fragment
 * bookkeeping behind it (analyzer/reasm.c).
 *
 * Input: [0] link type (index into the supported list below, modulo its size; bit 7: the
 * original length is larger than the captured one), [1..2] big-endian difference between
 * the original and the captured length, then the frame itself, which is split into frames
 * at every 0xFF 0x00 0xFF 0x00 marker (at most 64), so that fragments of one datagram can
 * meet in reasm. Each frame is decoded; fragments go to one reasm per input, and a completed
 * datagram's head goes through decode_reassembled, as in analyze.c.
 * Invariants: the result is one of the enum's values; a TCP result has family 4 or 6; a
 * malformed result has a NUL-terminated, non-empty message; a fragment's data lies inside
 * the frame; ASan/UBSan watch every read. Every encapsulation decode.c and tunnel.c know
 * is in the seeds (one frame of each capture in testdata/, tunnel-*.pcap included).
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "reasm.h"

#define CHECK(cond)                                                                             \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            fprintf(stderr, "fuzz_decode: invariant failed at %s:%d: %s\n", __FILE__, __LINE__, \
                    #cond);                                                                     \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW,
                           DLT_IPV4,   DLT_IPV6,      DLT_NULL,       DLT_LOOP};
#define NDLTS (sizeof dlts / sizeof dlts[0])

static void check_packet(enum decode_result r, const struct decoded_packet *pkt,
                         const uint8_t *frame, size_t caplen)
{
    CHECK(r == DECODE_TCP || r == DECODE_NOT_IP || r == DECODE_NOT_TCP || r == DECODE_FRAGMENT ||
          r == DECODE_MALFORMED);
    CHECK(memchr(pkt->error, '\0', sizeof pkt->error) != NULL);
    if (r == DECODE_TCP)
        CHECK(pkt->family == 4 || pkt->family == 6);
    if (r == DECODE_MALFORMED) {
        CHECK(pkt->error[0] != '\0');
        if (pkt->numbered)
            CHECK(pkt->family == 4 || pkt->family == 6);
    }
    if (r == DECODE_FRAGMENT && frame) { /* inside a tunnel too: analyze.c reassembles those */
        CHECK(pkt->family == 4 || pkt->family == 6);
        CHECK(pkt->frag.data >= frame && pkt->frag.data <= frame + caplen);
        CHECK(pkt->frag.cap <= (size_t)(frame + caplen - pkt->frag.data));
    }
}

static void one_frame(int dlt, const uint8_t *frame, size_t caplen, size_t wirelen, struct reasm *ra)
{
    /* an exact-size copy, so that a read past the frame is caught by ASan */
    uint8_t *copy = malloc(caplen ? caplen : 1);
    if (!copy)
        return;
    if (caplen)
        memcpy(copy, frame, caplen);
    struct decoded_packet pkt;
    enum decode_result r = decode_frame(dlt, copy, caplen, wirelen, &pkt);
    check_packet(r, &pkt, copy, caplen);
    if (r == DECODE_FRAGMENT) {
        uint8_t head[REASM_HEAD_BYTES];
        size_t head_len = 0, len = 0;
        uint8_t proto = pkt.frag.proto;
        if (reasm_add(ra, &pkt, head, &head_len, &len)) {
            CHECK(head_len <= REASM_HEAD_BYTES);
            enum decode_result r2 = decode_reassembled(proto, head, head_len, len, &pkt);
            check_packet(r2, &pkt, NULL, 0);
        }
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    int dlt = dlts[(data[0] & 0x7f) % NDLTS];
    size_t extra = (size_t)(data[1] << 8 | data[2]);
    bool longer = data[0] & 0x80;
    const uint8_t *p = data + 3, *end = data + size;
    static const uint8_t marker[4] = {0xff, 0x00, 0xff, 0x00};
    struct reasm *ra = reasm_new();
    if (!ra)
        return 0;
    for (int n = 0; n < 64 && p <= end; n++) {
        const uint8_t *m = NULL;
        for (const uint8_t *q = p; q + 4 <= end; q++)
            if (!memcmp(q, marker, 4)) {
                m = q;
                break;
            }
        size_t caplen = (size_t)((m ? m : end) - p);
        one_frame(dlt, p, caplen, longer ? caplen + extra : caplen, ra);
        if (!m)
            break;
        p = m + 4;
    }
    reasm_free(ra);
    return 0;
}
