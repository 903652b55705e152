/* report: JSON Lines and the aligned table (see report.h). */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"

struct report {
    FILE *out;
    enum report_format fmt;
    const char *file;
    bool with_file;
    bool live;   /* report_set_live */
    char **rows; /* table cells, ROW_COLS per row */
    size_t nrows, caprows;
};

enum { ROW_COLS = 12 };
static const char *const header[ROW_COLS] = {
    "STREAM", "CLIENT", "SERVER", "HANDSHAKE", "RTT_MS", "SERVER_MS", "CLIENT_MS",
    "STYLE", "INITIATOR", "TIME_WAIT", "DURATION_MS", "NOTES",
};

/* Live table widths: wide enough for IPv4 endpoints and every name; a longer cell (an
 * IPv6 endpoint) shifts the rest of its row rather than hold every row back. */
static const size_t live_widths[ROW_COLS] = {6, 21, 21, 17, 9, 9, 9, 15, 9, 9, 11, 0};

static bool right_aligned(int col) { return col == 0 || (col >= 4 && col <= 6) || col == 10; }

static void print_row(FILE *out, const size_t *w, const char *const *cells)
{
    for (int j = 0; j < ROW_COLS; j++) {
        const char *c = cells[j] ? cells[j] : "?";
        if (j == ROW_COLS - 1)
            fprintf(out, "%s\n", c);
        else
            fprintf(out, right_aligned(j) ? "%*s  " : "%-*s  ", (int)w[j], c);
    }
}

static void free_rows(struct report *r)
{
    for (size_t i = 0; i < r->nrows * ROW_COLS; i++)
        free(r->rows[i]);
    r->nrows = 0;
}

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

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(struct out *o, const char *s)
{
    out_char(o, '"');
    for (;;) {
        size_t plain = 0; /* a run of characters that need no escape */
        while ((unsigned char)s[plain] >= 0x20 && s[plain] != '"' && s[plain] != '\\')
            plain++;
        out_bytes(o, s, plain);
        s += plain;
        if (!*s)
            break;
        unsigned char c = (unsigned char)*s++;
        char esc[6] = {'\\', (char)c};
        size_t n = 2;
        if (c < 0x20) { /* \u00XX, lower-case hex as printf's %04x */
            static const char hex[] = "0123456789abcdef";
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            n = 6;
        }
        out_bytes(o, esc, n);
    }
    out_char(o, '"');
}

static void json_bool(struct out *o, bool b) { out_str(o, b ? "true" : "false"); }

static void json_time(struct out *o, uint64_t ns)
{
    if (ns == TCPCONN_NO_TIME)
        OUT_LIT(o, "null");
    else
        out_seconds_ns(o, ns);
}

/* frame, or null */
static void json_frame(struct out *o, uint32_t frame)
{
    if (frame == TCPCONN_NO_FRAME)
        OUT_LIT(o, "null");
    else
        out_u64(o, frame);
}

/* An endpoint ("198.18.1.2:40000", "[fd00::2]:40000") as a JSON string: it has nothing
 * to escape. */
static void json_endpoint(struct out *o, const char *s)
{
    size_t n = strlen(s);
    char *p = out_room(o, n + 2);
    p[0] = '"';
    memcpy(p + 1, s, n);
    p[n + 1] = '"';
    o->len += n + 2;
}

static void json_record(struct out *o, const struct conn_record *rec, const char *file)
{
    const struct tcpconn_summary *s = &rec->sum;
    out_char(o, '{');
    if (file) {
        OUT_LIT(o, "\"file\":");
        json_string(o, file);
        out_char(o, ',');
    }
    OUT_LIT(o, "\"stream\":");
    out_u64(o, rec->stream);
    OUT_LIT(o, ",\"first_frame\":");
    out_u64(o, rec->first_frame);
    OUT_LIT(o, ",\"client\":");
    json_endpoint(o, rec->client);
    OUT_LIT(o, ",\"server\":");
    json_endpoint(o, rec->server);
    OUT_LIT(o, ",\"roles_inferred\":");
    json_bool(o, s->roles_inferred);

    OUT_LIT(o, ",\"handshake\":{\"state\":");
    json_string(o, tcpconn_handshake_state_name(s->handshake));
    OUT_LIT(o, ",\"rtt\":");
    json_time(o, s->rtt_ns);
    OUT_LIT(o, ",\"server_rtt\":");
    json_time(o, s->server_rtt_ns);
    OUT_LIT(o, ",\"client_rtt\":");
    json_time(o, s->client_rtt_ns);
    OUT_LIT(o, ",\"rtt_ambiguous\":");
    json_bool(o, s->rtt_ambiguous);
    OUT_LIT(o, ",\"syn_retransmissions\":");
    out_u64(o, s->syn_retransmissions);
    OUT_LIT(o, ",\"synack_retransmissions\":");
    out_u64(o, s->synack_retransmissions);
    out_char(o, '}');

    OUT_LIT(o, ",\"teardown\":{\"style\":");
    json_string(o, tcpconn_teardown_style_name(s->style));
    OUT_LIT(o, ",\"initiator\":");
    if (s->initiator == TCPCONN_BY_NONE)
        OUT_LIT(o, "null");
    else
        json_string(o, tcpconn_initiator_name(s->initiator));
    OUT_LIT(o, ",\"time_wait\":");
    if (s->time_wait == TCPCONN_TW_UNKNOWN)
        OUT_LIT(o, "null");
    else
        json_string(o, tcpconn_time_wait_name(s->time_wait));
    OUT_LIT(o, ",\"duration\":");
    json_time(o, s->teardown_duration_ns);
    OUT_LIT(o, ",\"half_close_bytes\":");
    out_u64(o, s->half_close_bytes);
    out_char(o, '}');

    OUT_LIT(o, ",\"frames\":{");
    OUT_LIT(o, "\"syn\":");
    json_frame(o, s->syn_frame);
    OUT_LIT(o, ",\"synack\":");
    json_frame(o, s->synack_frame);
    OUT_LIT(o, ",\"handshake_ack\":");
    json_frame(o, s->hs_ack_frame);
    OUT_LIT(o, ",\"first_fin\":");
    json_frame(o, s->fin_a_frame);
    OUT_LIT(o, ",\"second_fin\":");
    json_frame(o, s->fin_b_frame);
    OUT_LIT(o, ",\"rst\":");
    json_frame(o, s->rst_frame);
    OUT_LIT(o, ",\"close\":");
    json_frame(o, s->close_frame);
    out_char(o, '}');
    if (rec->expired) /* only when true, so that ordinary output is unchanged */
        OUT_LIT(o, ",\"expired\":true");
    out_char(o, '}');
}

void report_json(FILE *file, const struct conn_record *rec, const char *name)
{
    struct out o;
    out_init(&o, file);
    json_record(&o, rec, name);
    out_flush(&o);
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
    c[9] = strdup(s->time_wait == TCPCONN_TW_UNKNOWN ? "-" : tcpconn_time_wait_name(s->time_wait));
    c[10] = cell_ms(s->teardown_duration_ns);
    c[11] = cell_notes(rec);
    r->nrows++;
}

void report_conn(const struct conn_record *rec, void *report)
{
    struct report *r = report;
    if (r->fmt == REPORT_JSON) {
        struct out o; /* the record and its newline in one fwrite */
        out_init(&o, r->out);
        json_record(&o, rec, r->with_file ? r->file : NULL);
        out_char(&o, '\n');
        out_flush(&o);
    } else {
        add_row(r, rec);
        if (r->live && r->nrows) {
            print_row(r->out, live_widths, (const char *const *)r->rows);
            free_rows(r);
        }
    }
    if (r->live)
        fflush(r->out);
}

void report_set_live(struct report *r)
{
    r->live = true;
    if (r->fmt == REPORT_TABLE) {
        print_row(r->out, live_widths, header);
        fflush(r->out);
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
    print_row(r->out, w, header);
    for (size_t i = 0; i < r->nrows; i++)
        print_row(r->out, w, (const char *const *)r->rows + i * ROW_COLS);
}

void report_end(struct report *r, bool print)
{
    if (!r)
        return;
    if (print && r->fmt == REPORT_TABLE && !r->live)
        print_table(r);
    free_rows(r);
    free(r->rows);
    free(r);
}
