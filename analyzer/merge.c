/* merge: several files as one capture (see merge.h). */
#include "merge.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "capture.h"
#include "exitcodes.h"

/* Open files at most (fewer when the descriptor limit is low): each holds a descriptor and
 * a read buffer. A ring buffer needs one or two; only files whose times overlap stay open
 * together. */
enum { MERGE_MAX_OPEN = 64, MERGE_SPARE_FDS = 16 };

struct input {
    const char *path;
    struct capture *c; /* NULL while closed */
    struct frame f;    /* the current record (its data only while open) */
    uint64_t time_ns;  /* the current record's time, known while closed too */
    uint32_t consumed; /* records delivered before the current one */
    bool is_stdin;     /* never closed early: it cannot be read again */
};

struct merge {
    struct input *in;
    int n;
    int *heap;  /* input indexes, the next due first */
    int len;
    int runner_up; /* the input due after heap[0] (the first of its children), -1: none.
                      While heap[0] stays due before it, the heap needs no work: a ring
                      buffer reads a whole file that way, one comparison a record. */
    int open, max_open;
    int opened; /* files that could be opened at all */
    int rc;     /* the largest error code of the inputs */
};

static void note_rc(struct merge *m, int rc)
{
    if (rc > m->rc)
        m->rc = rc;
}

/* mergecap's order: the earlier time first; on equal times the later input first. */
static bool due_before(const struct merge *m, int a, int b)
{
    uint64_t ta = m->in[a].time_ns, tb = m->in[b].time_ns;
    return ta != tb ? ta < tb : a > b;
}

static void heap_swap(struct merge *m, int i, int j)
{
    int t = m->heap[i];
    m->heap[i] = m->heap[j];
    m->heap[j] = t;
}

static void heap_down(struct merge *m, int i)
{
    for (;;) {
        int l = 2 * i + 1, r = l + 1, best = i;
        if (l < m->len && due_before(m, m->heap[l], m->heap[best]))
            best = l;
        if (r < m->len && due_before(m, m->heap[r], m->heap[best]))
            best = r;
        if (best == i)
            return;
        heap_swap(m, i, best);
        i = best;
    }
}

static void heap_up(struct merge *m, int i)
{
    while (i > 0 && due_before(m, m->heap[i], m->heap[(i - 1) / 2])) {
        heap_swap(m, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_pop(struct merge *m)
{
    m->heap[0] = m->heap[--m->len];
    heap_down(m, 0);
}

static void find_runner_up(struct merge *m)
{
    m->runner_up = m->len < 2                                            ? -1
                   : m->len < 3 || due_before(m, m->heap[1], m->heap[2]) ? m->heap[1]
                                                                         : m->heap[2];
}

static void close_input(struct merge *m, struct input *in)
{
    if (in->c) {
        capture_close(in->c);
        in->c = NULL;
        m->open--;
    }
}

/* Makes room for one more open file: closes the open one due last (never stdin). */
static void make_room(struct merge *m, int keep)
{
    if (m->open < m->max_open)
        return;
    int victim = -1;
    for (int i = 0; i < m->n; i++) {
        if (i == keep || !m->in[i].c || m->in[i].is_stdin)
            continue;
        if (victim < 0 || due_before(m, victim, i))
            victim = i;
    }
    if (victim >= 0)
        close_input(m, &m->in[victim]);
}

/* Opens input i again and reads up to its current record. False when that fails (said
 * on stderr; the input is then at its end). */
static bool reopen(struct merge *m, int i)
{
    struct input *in = &m->in[i];
    make_room(m, i);
    int rc = capture_open(in->path, NULL, &in->c);
    if (rc != EXIT_OK) {
        note_rc(m, rc);
        return false;
    }
    m->open++;
    for (uint32_t k = 0; k <= in->consumed; k++) {
        rc = capture_next(in->c, &in->f);
        if (rc != EXIT_OK)
            break;
    }
    if (rc == EXIT_OK && in->f.time_ns == in->time_ns)
        return true;
    if (rc == EXIT_OK || rc == CAPTURE_END) {
        fprintf(stderr, "tcpconn-analyze: %s: the file changed while it was read\n", in->path);
        rc = EXIT_TRUNCATED;
    }
    note_rc(m, rc);
    close_input(m, in);
    return false;
}

/* Reads input i's next record; false at its end or after an error (said on stderr). */
static bool advance(struct merge *m, struct input *in)
{
    int rc = capture_next(in->c, &in->f);
    if (rc == EXIT_OK) {
        in->time_ns = in->f.time_ns;
        return true;
    }
    if (rc != CAPTURE_END)
        note_rc(m, rc);
    close_input(m, in);
    return false;
}

/* A first look at every file: opens it and reads its first record, keeping it open while
 * there is room. Files that cannot be read or are empty are left out. */
static void open_inputs(struct merge *m)
{
    for (int i = 0; i < m->n; i++) {
        struct input *in = &m->in[i];
        /* A file that will be closed again after this look gets stdio's small default buffer
         * (an fp of ours): capture_open's 1 MiB one would read a whole ring file twice. */
        bool stays_open = m->open < m->max_open || in->is_stdin;
        FILE *fp = stays_open ? NULL : fopen(in->path, "rb");
        if (!stays_open && !fp) {
            fprintf(stderr, "tcpconn-analyze: %s: cannot open: %s\n", in->path, strerror(errno));
            note_rc(m, EXIT_OPEN);
            continue;
        }
        int rc = capture_open(in->path, fp, &in->c);
        if (rc != EXIT_OK) {
            note_rc(m, rc);
            continue;
        }
        m->open++;
        m->opened++;
        if (!advance(m, in))
            continue;
        m->heap[m->len++] = i;
        heap_up(m, m->len - 1);
        if (!stays_open)
            close_input(m, in);
    }
}

static int max_open_files(void)
{
    struct rlimit lim;
    int max = MERGE_MAX_OPEN;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY &&
        lim.rlim_cur < (rlim_t)MERGE_MAX_OPEN + MERGE_SPARE_FDS)
        max = lim.rlim_cur > MERGE_SPARE_FDS + 1 ? (int)(lim.rlim_cur - MERGE_SPARE_FDS) : 1;
    return max;
}

int analyze_merged(const char *const *paths, int n, const struct analyze_options *opt, FILE *out)
{
    char name[64];
    snprintf(name, sizeof name, "merged (%d file%s)", n, n == 1 ? "" : "s");
    struct analyze_options one = *opt;
    one.with_file = false; /* one capture */

    struct merge m = {.n = n, .max_open = max_open_files()};
    m.in = calloc((size_t)n, sizeof *m.in);
    m.heap = calloc((size_t)n, sizeof *m.heap);
    if (!m.in || !m.heap) {
        fprintf(stderr, "tcpconn-analyze: %s: out of memory\n", name);
        free(m.in);
        free(m.heap);
        return EXIT_NOMEM;
    }
    if (opt->explain) /* frame numbers that no single file has: say whose they are */
        fprintf(out, "== %s: frames numbered in the merged capture, as in mergecap -w OUT FILE...\n", name);
    struct analysis *a = analysis_new(name, &one, out); /* says why when NULL */
    if (!a) {
        free(m.in);
        free(m.heap);
        return EXIT_NOMEM;
    }
    for (int i = 0; i < n; i++) {
        m.in[i].path = paths[i];
        m.in[i].is_stdin = strcmp(paths[i], "-") == 0;
    }
    open_inputs(&m);
    find_runner_up(&m);

    uint32_t frames = 0;
    int stop = EXIT_OK; /* an analysis error: stops reading */
    while (m.len > 0 && stop == EXIT_OK) {
        int i = m.heap[0];
        struct input *in = &m.in[i];
        if (!in->c && !reopen(&m, i)) {
            heap_pop(&m);
            find_runner_up(&m);
            continue;
        }
        in->f.number = ++frames;
        stop = analysis_frame(a, &in->f);
        in->consumed++;
        if (advance(&m, in)) {
            if (m.runner_up < 0 || due_before(&m, i, m.runner_up))
                continue; /* still the first due */
            heap_down(&m, 0);
        } else {
            heap_pop(&m);
        }
        find_runner_up(&m);
    }
    for (int i = 0; i < n; i++)
        close_input(&m, &m.in[i]);
    free(m.in);
    free(m.heap);

    /* analysis_end prints nothing for a capture that could not be opened: so only when no
     * file could; the open errors of some files still count in the exit code. */
    bool open_error = m.rc == EXIT_OPEN || m.rc == EXIT_NOT_CAPTURE || m.rc == EXIT_LINKTYPE;
    int read_rc = stop != EXIT_OK ? stop : m.opened == 0 || !open_error ? m.rc : EXIT_OK;
    int rc = analysis_end(a, read_rc, frames);
    return rc > m.rc ? rc : m.rc;
}
