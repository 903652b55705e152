/* live: capture from an interface (see live.h). */
#include "live.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "decode.h"
#include "exitcodes.h"

enum {
    LIVE_SNAPLEN = 262144,  /* whole packets, as tcpdump takes them */
    LIVE_WAKEUP_MS = 200,   /* how often the wall clock runs the timers when nothing comes */
};

/* Set by the SIGINT/SIGTERM handler, which does nothing else but wake pcap up. Signal
 * handlers can only reach file-scope objects. */
static volatile sig_atomic_t stop_requested;
static pcap_t *volatile breakable;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
    if (breakable)
        pcap_breakloop(breakable); /* sets a flag (and writes an eventfd): signal-safe */
}

static int catch_stop_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* no SA_RESTART: poll() returns at once with EINTR */
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    return 0;
}

static uint64_t wall_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts); /* the clock the kernel stamps packets with */
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* After pcap_activate and the filter nothing needs a privilege (reading the socket, its
 * statistics and closing it do not): a setuid binary goes back to the real user and
 * group, and every capability (root's, or file capabilities from setcap) is cleared.
 * Returns false when that fails: better to stop than to go on privileged. */
static bool drop_privileges(void)
{
    if (getegid() != getgid() && setgid(getgid()) != 0)
        return false;
    if (geteuid() != getuid() && setuid(getuid()) != 0)
        return false;
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct none[_LINUX_CAPABILITY_U32S_3];
    memset(none, 0, sizeof none);
    return syscall(SYS_capset, &hdr, none) == 0;
}

/* Why pcap_activate failed, in words that name the interface and what is missing. */
static void say_activate_error(const char *iface, int err, pcap_t *p)
{
    const char *detail = pcap_geterr(p);
    switch (err) {
    case PCAP_ERROR_PERM_DENIED:
        fprintf(stderr,
                "tcpconn-analyze: %s: no permission to capture: capturing needs root or the "
                "CAP_NET_RAW capability (sudo setcap cap_net_raw,cap_net_admin+eip on the "
                "tcpconn-analyze binary) (%s)\n",
                iface, detail);
        break;
    case PCAP_ERROR_NO_SUCH_DEVICE:
        fprintf(stderr, "tcpconn-analyze: %s: no such interface (ip link lists them) (%s)\n", iface,
                detail);
        break;
    case PCAP_ERROR_IFACE_NOT_UP:
        fprintf(stderr, "tcpconn-analyze: %s: the interface is down (ip link set %s up) (%s)\n", iface,
                iface, detail);
        break;
    case PCAP_ERROR_PROMISC_PERM_DENIED:
        fprintf(stderr, "tcpconn-analyze: %s: no permission for promiscuous mode (%s)\n", iface, detail);
        break;
    case PCAP_ERROR_RFMON_NOTSUP:
        fprintf(stderr, "tcpconn-analyze: %s: monitor mode not supported (%s)\n", iface, detail);
        break;
    default:
        fprintf(stderr, "tcpconn-analyze: %s: cannot capture: %s (%s)\n", iface, pcap_statustostr(err),
                detail);
        break;
    }
}

/* Opens and activates iface: immediate mode, whole packets, nanosecond timestamps, not
 * promiscuous (only the packets addressed to this host or sent by it, and whatever the
 * interface delivers anyway, as a veth or a mirror port does). */
static int open_interface(const char *iface, pcap_t **out)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pcap_t *p = pcap_create(iface, errbuf);
    if (!p) {
        fprintf(stderr, "tcpconn-analyze: %s: cannot capture: %s\n", iface, errbuf);
        return EXIT_CAPTURE;
    }
    /* On a handle not yet activated these fail only when libpcap itself is broken; newer
     * libpcap marks them warn_unused_result, and a failure is reported like any other. */
    int err = pcap_set_snaplen(p, LIVE_SNAPLEN);
    if (err == 0)
        err = pcap_set_promisc(p, 0);
    if (err == 0)
        err = pcap_set_immediate_mode(p, 1); /* each packet as it comes, not per filled buffer */
    if (err == 0)
        err = pcap_set_timeout(p, LIVE_WAKEUP_MS);
    if (err == 0 && pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO) != 0)
        err = pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_MICRO); /* converted below */
    if (err == 0)
        err = pcap_activate(p);
    if (err < 0) {
        say_activate_error(iface, err, p);
        pcap_close(p);
        return EXIT_CAPTURE;
    }
    if (err > 0)
        fprintf(stderr, "tcpconn-analyze: %s: warning: %s (%s)\n", iface, pcap_statustostr(err),
                pcap_geterr(p));
    int dlt = pcap_datalink(p);
    if (!decode_supported_dlt(dlt)) {
        const char *name = pcap_datalink_val_to_name(dlt);
        fprintf(stderr,
                "tcpconn-analyze: %s: unsupported link-layer type %d (%s); supported: Ethernet, "
                "Linux cooked (SLL, SLL2), raw IP, BSD loopback\n",
                iface, dlt, name ? name : "unknown");
        pcap_close(p);
        return EXIT_LINKTYPE;
    }
    *out = p;
    return EXIT_OK;
}

static int set_filter(const char *iface, pcap_t *p, const char *filter)
{
    struct bpf_program prog;
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        fprintf(stderr, "tcpconn-analyze: %s: bad filter \"%s\": %s\n", iface, filter, pcap_geterr(p));
        return EXIT_USAGE;
    }
    int r = pcap_setfilter(p, &prog);
    pcap_freecode(&prog);
    if (r != 0) {
        fprintf(stderr, "tcpconn-analyze: %s: cannot set the filter: %s\n", iface, pcap_geterr(p));
        return EXIT_CAPTURE;
    }
    return EXIT_OK;
}

struct live {
    struct analysis *a;
    int dlt;
    bool nano;       /* timestamps in nanoseconds (else microseconds) */
    uint32_t frames;
    int rc;          /* the first error from the analysis */
};

static void on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
    struct live *l = (struct live *)arg;
    if (l->rc != EXIT_OK)
        return;
    uint64_t sub = (uint64_t)h->ts.tv_usec * (l->nano ? 1u : 1000u);
    struct frame f = {
        .number = ++l->frames,
        .time_ns = (uint64_t)h->ts.tv_sec * 1000000000u + sub,
        .data = data,
        .caplen = h->caplen,
        .wirelen = h->len,
        .dlt = l->dlt,
    };
    l->rc = analysis_frame(l->a, &f);
}

/* Reads until a stop signal, the interface failing, or an analysis error. */
static int capture_loop(const char *iface, pcap_t *p, struct live *l)
{
    struct pollfd pfd = {.fd = pcap_get_selectable_fd(p), .events = POLLIN};
    while (!stop_requested) {
        int n = poll(&pfd, 1, LIVE_WAKEUP_MS);
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "tcpconn-analyze: %s: poll: %s\n", iface, strerror(errno));
            return EXIT_CAPTURE;
        }
        if (n > 0) {
            int r = pcap_dispatch(p, -1, on_packet, (u_char *)l);
            if (r == PCAP_ERROR) {
                fprintf(stderr, "tcpconn-analyze: %s: capture failed: %s\n", iface, pcap_geterr(p));
                return EXIT_CAPTURE;
            }
            if (l->rc != EXIT_OK)
                return l->rc;
        }
        analysis_advance(l->a, wall_clock_ns());
    }
    return EXIT_OK;
}

int live_capture(const char *iface, const char *filter, const struct analyze_options *opt, FILE *out)
{
    pcap_t *p;
    int rc = open_interface(iface, &p);
    if (rc != EXIT_OK)
        return rc;
    if (filter && (rc = set_filter(iface, p, filter)) != EXIT_OK) {
        pcap_close(p);
        return rc;
    }
    if (!drop_privileges()) {
        fprintf(stderr, "tcpconn-analyze: %s: cannot drop privileges after opening the interface: %s\n",
                iface, strerror(errno));
        pcap_close(p);
        return EXIT_CAPTURE;
    }
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    if (pcap_setnonblock(p, 1, errbuf) != 0 || pcap_get_selectable_fd(p) < 0 || catch_stop_signals() != 0) {
        fprintf(stderr, "tcpconn-analyze: %s: cannot wait for packets: %s\n", iface, pcap_geterr(p));
        pcap_close(p);
        return EXIT_CAPTURE;
    }
    struct live l = {
        .a = analysis_new(iface, opt, out),
        .dlt = pcap_datalink(p),
        .nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO,
    };
    if (!l.a) {
        pcap_close(p);
        return EXIT_NOMEM;
    }
    if (!opt->quiet) {
        const char *link = pcap_datalink_val_to_description(l.dlt);
        fprintf(stderr, "tcpconn-analyze: %s: capturing (%s, not promiscuous, %s%s%s); SIGINT or SIGTERM ends it\n",
                iface, link ? link : "?", filter ? "filter \"" : "no filter", filter ? filter : "",
                filter ? "\"" : "");
    }
    breakable = p;
    rc = capture_loop(iface, p, &l);
    breakable = NULL;
    struct pcap_stat st;
    if (pcap_stats(p, &st) == 0)
        analysis_set_drops(l.a, st.ps_drop, st.ps_ifdrop);
    pcap_close(p);
    /* what is still open is reported as at the end of a capture file */
    return analysis_end(l.a, rc, l.frames);
}
