/* ladder: the --explain picture (see ladder.h). */
#include "ladder.h"

#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define PREFIX_COLS 20 /* "%7u %10.3f  ": frame, time in ms */
#define MIN_SPAN 24    /* narrower than this, the roles go below their arrows */
#define NARROW_SPAN 20
#define MAX_SPAN 72
#define ROLE_LEN 96

struct glyphs {
    const char *bar, *tee_left, *tee_right, *line, *head_right, *head_left, *dots_bar, *dots;
};

static const struct glyphs unicode = {"\u2502", "\u251c", "\u2524", "\u2500", "\u25b6", "\u25c0", "\u2506",
                                      "\u00b7\u00b7\u00b7"};
static const struct glyphs ascii = {"|", "+", "+", "-", ">", "<", ":", "..."};

struct ladder_style ladder_style_for(FILE *out, bool force_ascii)
{
    struct ladder_style st = {force_ascii, 80};
    if (!st.ascii) {
        const char *cs = nl_langinfo(CODESET);
        st.ascii = !(cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0));
    }
    const char *env = getenv("COLUMNS");
    char *end;
    long cols = env ? strtol(env, &end, 10) : 0;
    if (env && *env && *end == '\0' && cols > 0 && cols < 10000) {
        st.width = (unsigned)cols;
    } else if (isatty(fileno(out))) {
        struct winsize ws;
        if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
            st.width = ws.ws_col;
    }
    if (st.width < 40)
        st.width = 40;
    return st;
}

static bool push(struct ladder *l, const struct tcpconn_segment *seg, enum tcpconn_mark mark)
{
    if (l->len == l->cap) {
        uint32_t cap = l->cap ? l->cap * 2 : 8;
        struct ladder_event *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->len++] = (struct ladder_event){
        .time_ns = seg->time_ns,
        .frame = seg->frame,
        .payload_len = seg->payload_len,
        .data_before = l->data_pending,
        .other_before = l->other_pending,
        .flags = seg->flags,
        .from = seg->from,
        .mark = (uint8_t)mark,
    };
    l->data_pending = l->other_pending = 0;
    return true;
}

bool ladder_note(struct ladder *l, const struct tcpconn *c, const struct tcpconn_segment *seg,
                 enum tcpconn_mark mark)
{
    if (!l->started) {
        l->started = true;
        l->first_ns = seg->time_ns;
    }
    bool keep = (seg->flags & (TCPCONN_SYN | TCPCONN_FIN | TCPCONN_RST)) || mark != TCPCONN_MARK_NONE;
    if (!keep) {
        /* A plain segment has a role only as the handshake's ACK or the first ACK of a
         * FIN; both are known when they arrive. */
        struct tcpconn_summary s;
        tcpconn_summarize(c, false, &s);
        keep = seg->frame == s.hs_ack_frame || seg->frame == s.ack_of_fin_a_frame ||
               seg->frame == s.ack_of_fin_b_frame || seg->frame == s.close_frame;
    }
    if (keep)
        return push(l, seg, mark);
    if (seg->payload_len)
        l->data_pending++;
    else
        l->other_pending++;
    return true;
}

void ladder_free(struct ladder *l)
{
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* ---- drawing ---- */

static void repeat(FILE *out, const char *s, unsigned n)
{
    while (n--)
        fputs(s, out);
}

static void flags_text(char *buf, size_t len, uint8_t flags, uint32_t payload_len)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TCPCONN_SYN, "SYN"}, {TCPCONN_FIN, "FIN"}, {TCPCONN_RST, "RST"}, {TCPCONN_PSH, "PSH"},
                 {TCPCONN_ACK, "ACK"}, {TCPCONN_URG, "URG"}, {TCPCONN_ECE, "ECE"}, {TCPCONN_CWR, "CWR"}};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].bit))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names[i].name);
        if (n < 0 || (size_t)n >= len - used)
            return;
        used += (size_t)n;
    }
    if (used == 0)
        used = (size_t)snprintf(buf, len, "none");
    if (payload_len && used < len)
        snprintf(buf + used, len - used, " len=%u", payload_len);
}

static void roles_text(char *buf, size_t len, const struct tcpconn_summary *sum, const struct ladder_event *e)
{
    struct tcpconn_role roles[TCPCONN_MAX_ROLES];
    unsigned n = tcpconn_roles(sum, e->frame, e->from, (enum tcpconn_mark)e->mark, roles);
    size_t used = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < n && used + 1 < len; i++) {
        char one[64];
        tcpconn_role_text(&roles[i], one, sizeof one);
        int w = snprintf(buf + used, len - used, "%s%s", i ? "; " : "", one);
        if (w < 0)
            return;
        used = (size_t)w >= len - used ? len - 1 : used + (size_t)w;
    }
}

static void collapsed(FILE *out, const struct glyphs *g, unsigned span, uint32_t data, uint32_t other)
{
    if (!data && !other)
        return;
    char text[96];
    int n;
    if (data && other)
        n = snprintf(text, sizeof text, "%u data segment%s, %u ACK%s", data, data == 1 ? "" : "s", other,
                     other == 1 ? "" : "s");
    else if (data)
        n = snprintf(text, sizeof text, "%u data segment%s", data, data == 1 ? "" : "s");
    else
        n = snprintf(text, sizeof text, "%u ACK%s", other, other == 1 ? "" : "s");
    unsigned inner = span - 2;
    if ((unsigned)n + 8 > inner && data && other) /* "··· text ···" does not fit */
        n = snprintf(text, sizeof text, "%u data, %u ACK%s", data, other, other == 1 ? "" : "s");
    unsigned tlen = (unsigned)n + 2 * 3 + 2;
    unsigned left = tlen < inner ? (inner - tlen) / 2 : 0;
    unsigned right = tlen < inner ? inner - tlen - left : 0;
    fprintf(out, "%*s", PREFIX_COLS, "");
    fputs(g->dots_bar, out);
    repeat(out, " ", left);
    fprintf(out, "%s %s %s", g->dots, text, g->dots);
    repeat(out, " ", right);
    fputs(g->dots_bar, out);
    fputc('\n', out);
}

static void arrow(FILE *out, const struct glyphs *g, unsigned span, bool left_to_right, const char *label)
{
    unsigned inner = span - 2, llen = (unsigned)strlen(label);
    /* "─ label ───▶" : 1 + 1 + label + 1 + dashes + 1 */
    unsigned dashes = inner > llen + 4 ? inner - llen - 4 : 1;
    if (left_to_right) {
        fprintf(out, "%s%s %s ", g->tee_left, g->line, label);
        repeat(out, g->line, dashes);
        fprintf(out, "%s%s", g->head_right, g->bar);
    } else {
        fprintf(out, "%s%s", g->bar, g->head_left);
        repeat(out, g->line, dashes);
        fprintf(out, " %s %s%s", label, g->line, g->tee_right);
    }
}

/* Word-wrap one paragraph to width columns (the sentences are ASCII). */
static void paragraph(FILE *out, const char *text, unsigned width)
{
    const char *p = text;
    while (*p) {
        size_t n = strlen(p);
        if (n <= width) {
            fprintf(out, "%s\n", p);
            return;
        }
        size_t cut = width;
        while (cut > 0 && p[cut] != ' ')
            cut--;
        if (cut == 0) { /* one long word */
            cut = width;
            while (p[cut] && p[cut] != ' ')
                cut++;
        }
        fprintf(out, "%.*s\n", (int)cut, p);
        p += cut;
        while (*p == ' ')
            p++;
    }
}

void ladder_print(FILE *out, const struct conn_record *rec, const struct ladder *l, const struct ladder_style *st)
{
    const struct glyphs *g = st->ascii ? &ascii : &unicode;
    const struct tcpconn_summary *sum = &rec->sum;
    char role[ROLE_LEN], label[64], text[TCPCONN_EXPLANATION_MAX];

    /* The role column is as wide as this connection's longest role; the arrows take the rest. */
    unsigned role_cols = 0, label_cols = 0;
    for (uint32_t i = 0; i < l->len; i++) {
        roles_text(role, sizeof role, sum, &l->v[i]);
        if (strlen(role) > role_cols)
            role_cols = (unsigned)strlen(role);
        flags_text(label, sizeof label, l->v[i].flags, l->v[i].payload_len);
        if (strlen(label) > label_cols)
            label_cols = (unsigned)strlen(label);
    }
    bool roles_below = st->width < PREFIX_COLS + 2 + role_cols + MIN_SPAN;
    unsigned span = roles_below ? st->width - PREFIX_COLS : st->width - PREFIX_COLS - 2 - role_cols;
    if (span > MAX_SPAN)
        span = MAX_SPAN;
    if (span < NARROW_SPAN)
        span = NARROW_SPAN;
    if (span < label_cols + 7) /* the bars stay straight even when it is wider than asked */
        span = label_cols + 7;

    fprintf(out, "Stream %u: client %s, server %s", rec->stream, rec->client, rec->server);
    if (rec->sum.roles_inferred)
        fputs(" (roles inferred)", out);
    fputc('\n', out);
    fprintf(out, "%7s %10s  %-*s%s%s\n", "frame", "ms", (int)(span - 6), "client", "server",
            roles_below ? "" : "  role");
    fprintf(out, "%*s%s", PREFIX_COLS, "", g->bar);
    repeat(out, " ", span - 2);
    fprintf(out, "%s\n", g->bar);

    for (uint32_t i = 0; i < l->len; i++) {
        const struct ladder_event *e = &l->v[i];
        collapsed(out, g, span, e->data_before, e->other_before);
        flags_text(label, sizeof label, e->flags, e->payload_len);
        roles_text(role, sizeof role, sum, e);
        double ms = (double)(int64_t)(e->time_ns - l->first_ns) / 1e6;
        fprintf(out, "%7u %10.3f  ", e->frame, ms);
        arrow(out, g, span, e->from == sum->client, label);
        if (role[0] && !roles_below)
            fprintf(out, "  %s", role);
        fputc('\n', out);
        if (role[0] && roles_below) { /* "│  role    │" */
            unsigned rlen = (unsigned)strlen(role);
            fprintf(out, "%*s%s  %s", PREFIX_COLS, "", g->bar, role);
            if (rlen + 2 < span - 2)
                repeat(out, " ", span - 2 - rlen - 2);
            fprintf(out, "%s\n", g->bar);
        }
    }
    collapsed(out, g, span, l->data_pending, l->other_pending);
    fputc('\n', out);
    paragraph(out, tcpconn_explain_handshake(sum, text, sizeof text), st->width);
    paragraph(out, tcpconn_explain_teardown(sum, text, sizeof text), st->width);
    fputc('\n', out);
}
