/* first-pass.c: tcpconn-first-pass [-o PREF]... CAPTURE
 *
 * Reads CAPTURE once the way Wireshark's GUI does when it opens a file (every packet
 * dissected in order, no protocol tree, no columns, taps run) and prints the highest expert
 * severity seen: what the GUI's status bar then shows ("Error", "Warning", "Note", "Chat",
 * "Comment", or "none"). -o takes preferences as tshark's -o does, e.g.
 * -o 'uat:expert_severity:"tcpconn.reset","Error"'.
 *
 * A test program (plugin.first-pass-severity): tcpconn adds expert items without a tree only
 * where someone can see them, and outside tshark the status bar can (plugin/render.c,
 * expert_seen). It is not tshark, so the plugin treats it as the GUI. Written against
 * Wireshark 4.0's epan and wiretap API (tests/plugin/CMakeLists.txt builds it there only).
 */
#include <stdio.h>
#include <string.h>

#include <wireshark.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/timestamp.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>

#define PROGRAM "tcpconn-first-pass"

/* What epan asks the program about frames other than the one being dissected. */
struct packet_provider_data {
    const frame_data *ref;      /* the time reference (the first frame) */
    const frame_data *prev_dis; /* the previous frame */
};

static const nstime_t *get_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    if (prov->ref && prov->ref->num == frame_num)
        return &prov->ref->abs_ts;
    if (prov->prev_dis && prov->prev_dis->num == frame_num)
        return &prov->prev_dis->abs_ts;
    return NULL;
}

static void vfail(const char *format, va_list ap)
{
    fprintf(stderr, PROGRAM ": ");
    vfprintf(stderr, format, ap);
    fprintf(stderr, "\n");
}

static void open_failure(const char *name, int err, gboolean for_writing _U_)
{
    fprintf(stderr, PROGRAM ": %s: %s\n", name, g_strerror(err));
}

static void read_failure(const char *name, int err)
{
    fprintf(stderr, PROGRAM ": %s: %s\n", name, g_strerror(err));
}

/* Opening or reading the capture failed (wiretap's error codes). */
static void cfile_failure(const char *name, int err, gchar *err_info)
{
    fprintf(stderr, PROGRAM ": %s: %s\n", name, wtap_strerror(err));
    g_free(err_info);
}

static const struct report_message_routines report_routines = {
    .vreport_failure = vfail,
    .vreport_warning = vfail,
    .report_open_failure = open_failure,
    .report_read_failure = read_failure,
    .report_write_failure = read_failure,
    .report_cfile_open_failure = cfile_failure,
    .report_cfile_read_failure = cfile_failure,
};

static const char *severity_name(int severity)
{
    switch (severity) {
    case PI_ERROR: return "Error";
    case PI_WARN: return "Warning";
    case PI_NOTE: return "Note";
    case PI_CHAT: return "Chat";
    case PI_COMMENT: return "Comment";
    default: return "none";
    }
}

/* Every packet of `wth` once, in order, as the GUI's first pass: no tree, no columns. */
static bool first_pass(wtap *wth, epan_t *session, struct packet_provider_data *prov, const char *path)
{
    epan_dissect_t *edt = epan_dissect_new(session, FALSE, FALSE);
    wtap_rec rec;
    Buffer buf;
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
    frame_data ref_frame, prev_frame;
    nstime_t elapsed = NSTIME_INIT_ZERO;
    guint32 num = 0, cum_bytes = 0;
    gint64 offset;
    int err = 0;
    gchar *err_info = NULL;
    while (wtap_read(wth, &rec, &buf, &err, &err_info, &offset)) {
        frame_data fd;
        frame_data_init(&fd, ++num, &rec, offset, cum_bytes);
        frame_data_set_before_dissect(&fd, &elapsed, &prov->ref, prov->prev_dis);
        if (prov->ref == &fd) { /* the first frame: keep a copy that outlives this loop */
            ref_frame = fd;
            prov->ref = &ref_frame;
        }
        tvbuff_t *tvb = tvb_new_real_data(ws_buffer_start_ptr(&buf), fd.cap_len, fd.pkt_len);
        epan_dissect_run_with_taps(edt, wtap_file_type_subtype(wth), &rec, tvb, &fd, NULL);
        frame_data_set_after_dissect(&fd, &cum_bytes);
        prev_frame = fd;
        prov->prev_dis = &prev_frame;
        epan_dissect_reset(edt);
        frame_data_destroy(&fd);
        wtap_rec_reset(&rec);
    }
    if (err != 0)
        cfile_failure(path, err, err_info);
    ws_buffer_free(&buf);
    wtap_rec_cleanup(&rec);
    epan_dissect_free(edt);
    return err == 0;
}

int main(int argc, char **argv)
{
    g_set_prgname(PROGRAM);
    ws_log_init(PROGRAM, NULL);
    init_report_message(PROGRAM, &report_routines);
    init_process_policies();
    relinquish_special_privs_perm();
    char *config_error = configuration_init(argv[0], NULL);
    if (config_error) {
        fprintf(stderr, PROGRAM ": %s\n", config_error);
        g_free(config_error);
    }
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(TRUE);
    if (!epan_init(NULL, NULL, TRUE)) {
        fprintf(stderr, PROGRAM ": epan_init failed\n");
        return 2;
    }
    epan_load_settings();

    int i = 1;
    for (; i + 1 < argc && strcmp(argv[i], "-o") == 0; i += 2) {
        char *errmsg = NULL;
        if (prefs_set_pref(argv[i + 1], &errmsg) != PREFS_SET_OK) {
            fprintf(stderr, PROGRAM ": bad preference %s%s%s\n", argv[i + 1], errmsg ? ": " : "", errmsg ? errmsg : "");
            g_free(errmsg);
            return 2;
        }
    }
    if (i + 1 != argc) {
        fprintf(stderr, "usage: " PROGRAM " [-o PREF]... CAPTURE\n");
        return 2;
    }
    prefs_apply_all();

    const char *path = argv[i];
    int err = 0;
    gchar *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, FALSE);
    if (!wth) {
        cfile_failure(path, err, err_info);
        return 2;
    }
    struct packet_provider_data prov = { NULL, NULL };
    static const struct packet_provider_funcs funcs = { .get_frame_ts = get_frame_ts };
    epan_t *session = epan_new(&prov, &funcs);
    bool ok = first_pass(wth, session, &prov, path);
    /* Read before epan_free: a new session starts from no severity. */
    printf("%s\n", severity_name(expert_get_highest_severity()));
    epan_free(session);
    wtap_close(wth);
    epan_cleanup();
    wtap_cleanup();
    return ok ? 0 : 1;
}
