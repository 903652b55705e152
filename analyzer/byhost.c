/* byhost: per-host summary (see byhost.h). */
#include "byhost.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One measured handshake leg per connection, in seconds: 4 bytes each (a float keeps 24
 * bits, so a leg is within 6e-8 of its value: 1 ns at 16 ms, 60 ns at 1 s). */
struct legs {
    float *v;
    size_t n, cap;
    bool sorted;
};

struct host {
    char *key;             /* "198.18.0.2:8080", "198.18.0.2", "fd00:198:18::2", ... */
    uint32_t first_stream; /* ties in the order: the host seen first comes first */
    unsigned long total;
    unsigned long style[TCPCONN_TD_COUNT];
    unsigned long initiator[TCPCONN_TD_COUNT][TCPCONN_BY_COUNT];
    unsigned long time_wait[TCPCONN_TW_COUNT];
    unsigned long state[TCPCONN_HS_COUNT];
    struct legs leg[2]; /* server leg, client leg */
};

struct byhost {
    enum byhost_key key;
    struct host *hosts;
    size_t nhosts, caphosts;
    uint32_t *slots; /* open addressing: index + 1 into hosts, 0 empty */
    size_t nslots;   /* a power of two, at least twice nhosts */
    bool oom;
};

static const char *const key_names[] = {"none", "server", "server-host", "client"};
static const char *const json_key[] = {"", "server", "server_host", "client_host"};
static const char *const text_key[] = {"", "Server", "Server host", "Client host"};
static const char *const plural[] = {"", "servers", "server hosts", "client hosts"};

bool byhost_key_from_name(const char *name, enum byhost_key *out)
{
    for (unsigned i = 0; i < sizeof key_names / sizeof key_names[0]; i++) {
        if (strcmp(name, key_names[i]) == 0) {
            *out = (enum byhost_key)i;
            return true;
        }
    }
    return false;
}

struct byhost *byhost_new(enum byhost_key key)
{
    struct byhost *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    b->key = key;
    b->nslots = 64;
    b->slots = calloc(b->nslots, sizeof *b->slots);
    if (!b->slots) {
        free(b);
        return NULL;
    }
    return b;
}

void byhost_free(struct byhost *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->nhosts; i++) {
        free(b->hosts[i].key);
        free(b->hosts[i].leg[0].v);
        free(b->hosts[i].leg[1].v);
    }
    free(b->hosts);
    free(b->slots);
    free(b);
}

bool byhost_out_of_memory(const struct byhost *b) { return b->oom; }

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

/* The group key of an endpoint text ("addr:port" or "[addr]:port"): all of it, or the
 * address alone (without brackets). */
static void key_of(const char *endpoint, bool with_port, const char **key, size_t *len)
{
    size_t n = strlen(endpoint);
    if (with_port) {
        *key = endpoint;
        *len = n;
        return;
    }
    const char *colon = strrchr(endpoint, ':');
    size_t end = colon ? (size_t)(colon - endpoint) : n;
    if (endpoint[0] == '[' && end >= 2 && endpoint[end - 1] == ']') {
        *key = endpoint + 1;
        *len = end - 2;
    } else {
        *key = endpoint;
        *len = end;
    }
}

/* (Re)build the key table with n slots from the hosts. */
static bool build_slots(struct byhost *b, size_t n)
{
    uint32_t *s = calloc(n, sizeof *s);
    if (!s)
        return false;
    for (size_t i = 0; i < b->nhosts; i++) {
        const char *k = b->hosts[i].key;
        size_t j = hash(k, strlen(k)) & (n - 1);
        while (s[j])
            j = (j + 1) & (n - 1);
        s[j] = (uint32_t)i + 1;
    }
    free(b->slots);
    b->slots = s;
    b->nslots = n;
    return true;
}

/* The host of key (len bytes), made when new; NULL when out of memory. */
static struct host *find(struct byhost *b, const char *key, size_t len, uint32_t stream)
{
    size_t j = hash(key, len) & (b->nslots - 1);
    for (; b->slots[j]; j = (j + 1) & (b->nslots - 1)) {
        struct host *h = &b->hosts[b->slots[j] - 1];
        if (strncmp(h->key, key, len) == 0 && h->key[len] == '\0')
            return h;
    }
    if (b->nhosts == b->caphosts) {
        size_t cap = b->caphosts ? b->caphosts * 2 : 16;
        struct host *v = realloc(b->hosts, cap * sizeof *v);
        if (!v)
            return NULL;
        b->hosts = v;
        b->caphosts = cap;
    }
    struct host *h = &b->hosts[b->nhosts];
    memset(h, 0, sizeof *h);
    h->key = malloc(len + 1);
    if (!h->key)
        return NULL;
    memcpy(h->key, key, len);
    h->key[len] = '\0';
    h->first_stream = stream;
    b->slots[j] = (uint32_t)++b->nhosts;
    if (b->nhosts * 2 > b->nslots && !build_slots(b, b->nslots * 2))
        return NULL; /* the host is in; only the table did not grow (it is still valid) */
    return &b->hosts[b->nhosts - 1];
}

static bool add_leg(struct legs *l, uint64_t ns)
{
    if (ns == TCPCONN_NO_TIME)
        return true;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        float *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = (float)((double)ns / 1e9);
    l->sorted = false;
    return true;
}

void byhost_conn(const struct conn_record *rec, void *arg)
{
    struct byhost *b = arg;
    const struct tcpconn_summary *s = &rec->sum;
    if (b->key == BYHOST_NONE || (unsigned)s->style >= TCPCONN_TD_COUNT || (unsigned)s->initiator >= TCPCONN_BY_COUNT ||
        (unsigned)s->handshake >= TCPCONN_HS_COUNT || (unsigned)s->time_wait >= TCPCONN_TW_COUNT)
        return;
    const char *key;
    size_t len;
    key_of(b->key == BYHOST_CLIENT_HOST ? rec->client : rec->server, b->key == BYHOST_SERVER, &key, &len);
    struct host *h = find(b, key, len, rec->stream);
    if (!h) {
        b->oom = true;
        return;
    }
    h->total++;
    h->style[s->style]++;
    h->initiator[s->style][s->initiator]++;
    h->time_wait[s->time_wait]++;
    h->state[s->handshake]++;
    if (!add_leg(&h->leg[0], s->server_rtt_ns) || !add_leg(&h->leg[1], s->client_rtt_ns))
        b->oom = true;
}

float byhost_percentile(const float *sorted, size_t n, unsigned p)
{
    size_t rank = ((size_t)p * n + 99) / 100; /* ceil(p * n / 100) */
    if (rank < 1)
        rank = 1;
    if (rank > n)
        rank = n;
    return sorted[rank - 1];
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static int cmp_host(const void *a, const void *b)
{
    const struct host *x = a, *y = b;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return (x->first_stream > y->first_stream) - (x->first_stream < y->first_stream);
}

static const unsigned percentiles[] = {50, 90, 99};

static void sort_legs(struct legs *l)
{
    if (!l->sorted && l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_float);
    l->sorted = true;
}

/* A JSON string (file names may need escapes; host keys never do). */
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

static void json_leg(FILE *out, const char *name, struct legs *l)
{
    sort_legs(l);
    fprintf(out, ",\"%s\":{\"measured\":%zu", name, l->n);
    if (l->n == 0) {
        fputs(",\"min\":null,\"p50\":null,\"p90\":null,\"p99\":null,\"max\":null}", out);
        return;
    }
    /* 7 significant digits: what a float holds (a leg's value, not the float's artefacts) */
    fprintf(out, ",\"min\":%.7g", (double)l->v[0]);
    for (size_t i = 0; i < sizeof percentiles / sizeof percentiles[0]; i++)
        fprintf(out, ",\"p%u\":%.7g", percentiles[i], (double)byhost_percentile(l->v, l->n, percentiles[i]));
    fprintf(out, ",\"max\":%.7g}", (double)l->v[l->n - 1]);
}

static void print_json(const struct byhost *b, struct host *h, FILE *out, const char *file)
{
    fputc('{', out);
    if (file) {
        fputs("\"file\":", out);
        json_string(out, file);
        fputc(',', out);
    }
    fprintf(out, "\"%s\":", json_key[b->key]);
    json_string(out, h->key);
    fprintf(out, ",\"connections\":%lu,\"teardown\":{", h->total);
    bool first = true;
    for (int st = 0; st < TCPCONN_TD_COUNT; st++) {
        if (!h->style[st])
            continue;
        fprintf(out, "%s\"%s\":{\"count\":%lu,\"initiator\":{", first ? "" : ",",
                tcpconn_teardown_style_name((enum tcpconn_teardown_style)st), h->style[st]);
        first = false;
        bool first_by = true;
        for (int by = TCPCONN_BY_NONE + 1; by < TCPCONN_BY_COUNT; by++) {
            if (!h->initiator[st][by])
                continue;
            fprintf(out, "%s\"%s\":%lu", first_by ? "" : ",", tcpconn_initiator_name((enum tcpconn_initiator)by),
                    h->initiator[st][by]);
            first_by = false;
        }
        fputs("}}", out);
    }
    fputs("},\"time_wait\":{", out);
    for (int t = TCPCONN_TW_UNKNOWN + 1; t < TCPCONN_TW_COUNT; t++)
        fprintf(out, "\"%s\":%lu,", tcpconn_time_wait_name((enum tcpconn_time_wait)t), h->time_wait[t]);
    fprintf(out, "\"unknown\":%lu},\"handshake\":{", h->time_wait[TCPCONN_TW_UNKNOWN]);
    first = true;
    for (int hs = 0; hs < TCPCONN_HS_COUNT; hs++) {
        if (!h->state[hs])
            continue;
        fprintf(out, "%s\"%s\":%lu", first ? "" : ",", tcpconn_handshake_state_name((enum tcpconn_handshake_state)hs),
                h->state[hs]);
        first = false;
    }
    fputc('}', out);
    json_leg(out, "server_rtt", &h->leg[0]);
    json_leg(out, "client_rtt", &h->leg[1]);
    fputs("}\n", out);
}

static void text_leg(FILE *out, const char *name, struct legs *l)
{
    sort_legs(l);
    fprintf(out, "  %-17s %zu measured", name, l->n);
    if (l->n) {
        fprintf(out, ": min %.3f", (double)l->v[0] * 1e3);
        for (size_t i = 0; i < sizeof percentiles / sizeof percentiles[0]; i++)
            fprintf(out, "  p%u %.3f", percentiles[i], (double)byhost_percentile(l->v, l->n, percentiles[i]) * 1e3);
        fprintf(out, "  max %.3f", (double)l->v[l->n - 1] * 1e3);
    }
    fputc('\n', out);
}

static void print_text(const struct byhost *b, struct host *h, FILE *out)
{
    fprintf(out, "\n%s %s: %lu connection%s\n", text_key[b->key], h->key, h->total, h->total == 1 ? "" : "s");
    fprintf(out, "  %-17s", "Teardown style");
    const char *sep = " ";
    for (int st = 0; st < TCPCONN_TD_COUNT; st++) {
        if (!h->style[st])
            continue;
        fprintf(out, "%s%s %lu", sep, tcpconn_teardown_style_name((enum tcpconn_teardown_style)st), h->style[st]);
        const char *open = " (";
        for (int by = TCPCONN_BY_NONE + 1; by < TCPCONN_BY_COUNT; by++) {
            if (!h->initiator[st][by])
                continue;
            fprintf(out, "%s%s %lu", open, tcpconn_initiator_name((enum tcpconn_initiator)by), h->initiator[st][by]);
            open = ", ";
        }
        if (open[0] == ',')
            fputc(')', out);
        sep = "; ";
    }
    fprintf(out, "\n  %-17s", "TIME_WAIT held by");
    for (int t = TCPCONN_TW_UNKNOWN + 1; t < TCPCONN_TW_COUNT; t++)
        fprintf(out, " %s %lu,", tcpconn_time_wait_name((enum tcpconn_time_wait)t), h->time_wait[t]);
    fprintf(out, " unknown %lu\n  %-17s", h->time_wait[TCPCONN_TW_UNKNOWN], "Handshake state");
    sep = " ";
    for (int hs = 0; hs < TCPCONN_HS_COUNT; hs++) {
        if (!h->state[hs])
            continue;
        fprintf(out, "%s%s %lu", sep, tcpconn_handshake_state_name((enum tcpconn_handshake_state)hs), h->state[hs]);
        sep = "; ";
    }
    fputc('\n', out);
    text_leg(out, "Server leg (ms)", &h->leg[0]);
    text_leg(out, "Client leg (ms)", &h->leg[1]);
}

void byhost_print(struct byhost *b, FILE *out, bool json, const char *file)
{
    if (b->nhosts > 1) {
        qsort(b->hosts, b->nhosts, sizeof *b->hosts, cmp_host);
        if (!build_slots(b, b->nslots)) /* the hosts moved: their key table with them */
            b->oom = true;
    }
    unsigned long total = 0;
    for (size_t i = 0; i < b->nhosts; i++)
        total += b->hosts[i].total;
    if (!json) {
        if (file)
            fprintf(out, "%s\n", file);
        fprintf(out, "TCP connections by %s: %zu %s, %lu connection%s (RTT legs: min, nearest-rank p50 p90 p99, max)\n",
                key_names[b->key], b->nhosts, plural[b->key], total, total == 1 ? "" : "s");
    }
    for (size_t i = 0; i < b->nhosts; i++) {
        if (json)
            print_json(b, &b->hosts[i], out, file);
        else
            print_text(b, &b->hosts[i], out);
    }
}
