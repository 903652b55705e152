/* report: JSON Lines and the aligned table (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

struct report {
    FILE *out;
    enum report_format fmt;
    const char *file;
    bool with_file;
    char **rows; /* table cells, ROW_COLS per row */
    size_t nrows, caprows;
};

enum { ROW_COLS = 11 };
static const char *const header[ROW_COLS] = {
    "STREAM", "CLIENT", "SERVER", "HANDSHAKE", "RTT_MS", "SERVER_MS", "CLIENT_MS",
    "STYLE", "INITIATOR", "DURATION_MS", "NOTES",
};

struct report *report_new(FILE *out, enum report_format fmt, const char *file, bool with_file)
{
    struct report *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->out = out;
    r->fmt = fmt;
    r->file = file;
    r->with_file = with_file;
    return r;
}

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

static void json_time(FILE *out, uint64_t ns)
{
    if (ns == TCPCONN_NO_TIME)
        fputs("null", out);
    else
        fprintf(out, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

static void json_frame(FILE *out, const char *name, uint32_t frame, bool comma)
{
    fprintf(out, "\"%s\":", name);
    if (frame == TCPCONN_NO_FRAME)
        fputs("null", out);
    else
        fprintf(out, "%" PRIu32, frame);
    if (comma)
        fputc(',', out);
}

void report_json(FILE *out, const struct conn_record *rec, const char *file)
{
    const struct tcpconn_summary *s = &rec->sum;
    fputc('{', out);
    if (file) {
        fputs("\"file\":", out);
        json_string(out, file);
        fputc(',', out);
    }
    fprintf(out, "\"stream\":%" PRIu32 ",\"first_frame\":%" PRIu32 ",", rec->stream,
            rec->first_frame);
    fputs("\"client\":", out);
    json_string(out, rec->client);
    fputs(",\"server\":", out);
    json_string(out, rec->server);
    fprintf(out, ",\"roles_inferred\":%s", s->roles_inferred ? "true" : "false");

    fputs(",\"handshake\":{\"state\":", out);
    json_string(out, tcpconn_handshake_state_name(s->handshake));
    fputs(",\"rtt\":", out);
    json_time(out, s->rtt_ns);
    fputs(",\"server_rtt\":", out);
    json_time(out, s->server_rtt_ns);
    fputs(",\"client_rtt\":", out);
    json_time(out, s->client_rtt_ns);
    fprintf(out,
            ",\"rtt_ambiguous\":%s,\"syn_retransmissions\":%" PRIu32
            ",\"synack_retransmissions\":%" PRIu32 "}",
            s->rtt_ambiguous ? "true" : "false", s->syn_retransmissions,
            s->synack_retransmissions);

    fputs(",\"teardown\":{\"style\":", out);
    json_string(out, tcpconn_teardown_style_name(s->style));
    fputs(",\"initiator\":", out);
    if (s->initiator == TCPCONN_BY_NONE)
        fputs("null", out);
    else
        json_string(out, tcpconn_initiator_name(s->initiator));
    fputs(",\"duration\":", out);
    json_time(out, s->teardown_duration_ns);
    fprintf(out, ",\"half_close_bytes\":%" PRIu32 "}", s->half_close_bytes);

    fputs(",\"frames\":{", out);
    json_frame(out, "syn", s->syn_frame, true);
    json_frame(out, "synack", s->synack_frame, true);
    json_frame(out, "handshake_ack", s->hs_ack_frame, true);
    json_frame(out, "first_fin", s->fin_a_frame, true);
    json_frame(out, "second_fin", s->fin_b_frame, true);
    json_frame(out, "rst", s->rst_frame, true);
    json_frame(out, "close", s->close_frame, false);
    fputc('}', out);
    if (rec->expired) /* only when true, so that ordinary output is unchanged */
        fputs(",\"expired\":true", out);
    fputc('}', out);
}

static char *cell_ms(uint64_t ns)
{
    char buf[32];
    if (ns == TCPCONN_NO_TIME)
        snprintf(buf, sizeof buf, "-");
    else
        snprintf(buf, sizeof buf, "%" PRIu64 ".%03" PRIu64, ns / 1000000u, (ns / 1000u) % 1000u);
    return strdup(buf);
}

static char *cell_u32(uint32_t v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%" PRIu32, v);
    return strdup(buf);
}

static char *cell_notes(const struct conn_record *rec)
{
    const struct tcpconn_summary *s = &rec->sum;
    char buf[128] = "";
    size_t n = 0;
#define NOTE(...) n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, __VA_ARGS__)
    if (s->rtt_ambiguous)
        NOTE("%srtt-ambiguous", n ? "," : "");
    if (s->roles_inferred)
        NOTE("%sroles-inferred", n ? "," : "");
    if (s->syn_retransmissions)
        NOTE("%ssyn-retx=%" PRIu32, n ? "," : "", s->syn_retransmissions);
    if (s->synack_retransmissions)
        NOTE("%ssynack-retx=%" PRIu32, n ? "," : "", s->synack_retransmissions);
    if (s->half_close_bytes)
        NOTE("%shalf-close-bytes=%" PRIu32, n ? "," : "", s->half_close_bytes);
    if (rec->expired)
        NOTE("%sexpired", n ? "," : "");
#undef NOTE
    return strdup(n ? buf : "-");
}

static void add_row(struct report *r, const struct conn_record *rec)
{
    if (r->nrows == r->caprows) {
        size_t cap = r->caprows ? r->caprows * 2 : 64;
        char **rows = realloc(r->rows, cap * ROW_COLS * sizeof *rows);
        if (!rows)
            return; /* out of memory: the row is lost, the rest still prints */
        r->rows = rows;
        r->caprows = cap;
    }
    const struct tcpconn_summary *s = &rec->sum;
    char **c = r->rows + r->nrows * ROW_COLS;
    c[0] = cell_u32(rec->stream);
    c[1] = strdup(rec->client);
    c[2] = strdup(rec->server);
    c[3] = strdup(tcpconn_handshake_state_name(s->handshake));
    c[4] = cell_ms(s->rtt_ns);
    c[5] = cell_ms(s->server_rtt_ns);
    c[6] = cell_ms(s->client_rtt_ns);
    c[7] = strdup(tcpconn_teardown_style_name(s->style));
    c[8] = strdup(s->initiator == TCPCONN_BY_NONE ? "-" : tcpconn_initiator_name(s->initiator));
    c[9] = cell_ms(s->teardown_duration_ns);
    c[10] = cell_notes(rec);
    r->nrows++;
}

void report_conn(const struct conn_record *rec, void *report)
{
    struct report *r = report;
    if (r->fmt == REPORT_JSON) {
        report_json(r->out, rec, r->with_file ? r->file : NULL);
        fputc('\n', r->out);
    } else {
        add_row(r, rec);
    }
}

static void print_table(struct report *r)
{
    size_t w[ROW_COLS];
    for (int j = 0; j < ROW_COLS; j++)
        w[j] = strlen(header[j]);
    for (size_t i = 0; i < r->nrows; i++)
        for (int j = 0; j < ROW_COLS; j++) {
            const char *c = r->rows[i * ROW_COLS + j];
            size_t n = c ? strlen(c) : 1;
            if (n > w[j])
                w[j] = n;
        }
    if (r->with_file)
        fprintf(r->out, "%s:\n", r->file);
    for (size_t i = 0; i <= r->nrows; i++) {
        for (int j = 0; j < ROW_COLS; j++) {
            const char *c = i == 0 ? header[j] : r->rows[(i - 1) * ROW_COLS + j];
            if (!c)
                c = "?";
            bool right = j == 0 || (j >= 4 && j <= 6) || j == 9; /* numbers */
            if (j == ROW_COLS - 1)
                fprintf(r->out, "%s\n", c);
            else
                fprintf(r->out, right ? "%*s  " : "%-*s  ", (int)w[j], c);
        }
    }
}

void report_end(struct report *r, bool print)
{
    if (!r)
        return;
    if (print && r->fmt == REPORT_TABLE)
        print_table(r);
    for (size_t i = 0; i < r->nrows * ROW_COLS; i++)
        free(r->rows[i]);
    free(r->rows);
    free(r);
}
