/* The TAP bridge (see bridge.h).
 *
 * Threads: the caller's thread drives the lifecycle (initialize, restart, OIDs, the periodic
 * pause/restart cycles, pause, halt) and waits for the end with ppoll on a self-pipe; one reader
 * thread per port turns frames Linux sent on the TAP into sends; frames the miniport indicates are
 * written to the TAP from the receive callback, on the driver's own thread (a TAP write does not
 * block: the kernel queues the frame or drops it).
 *
 * Policy: the bridge behaves as a bound protocol on Windows does around a pause: it stops sending
 * before the pause starts and starts again only once the restart completed. Frames Linux sends in
 * between are dropped by the bridge (counted as "dropped while paused") rather than passed to a
 * miniport that must not be sent to; the driver never sees a send outside Running from the bridge.
 *
 * Policy: at most BRIDGE_MAX_INFLIGHT sends per port may be outstanding in the miniport; frames
 * beyond that are dropped, as a NIC whose transmit ring is full drops them. Frames shorter than an
 * Ethernet header (14 bytes) are dropped too. */
#include "bridge.h"

#include <ndishost/ndishost.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "host/lifecycle_text.h"
#include "host/protocol_edge.h"
#include "host/report.h"
#include "host/tap.h"
#include "host/adapter_registry.h"
#include "ndis/config.h"
#include "ndis/datapath.h"
#include "ndis/nbl_pool.h"
#include "ndis/ndis_host.h"
#include "ndis/hardware.h"
#include "device/simnic.h"

#define BRIDGE_BATCH 64 /* frames read from a TAP per send call at most */
#define BRIDGE_MAX_INFLIGHT 1024
#define BRIDGE_DEFAULT_MTU 1500
#define BRIDGE_MAX_MTU 9000
#define ETH_HDR 14
#define FRAME_SLACK 4 /* room for an 802.1Q tag */

typedef struct bridge bridge;

typedef struct bridge_port
{
    bridge *b;
    unsigned index;
    char ifname[IFNAMSIZ];
    int fd;
    uint8_t tap_mac[6];
    ndis_config_store *config;
    ndis_adapter *a;
    struct simnic *nic; /* NULL with --nic none */
    protocol_edge *edge;
    ndis_buf_pool *pool;
    unsigned frame_max; /* bytes a frame may have (MTU + header + slack) */
    bool up;            /* initialized */
    /* The binding's send gate: the reader sends only while `open`, under the lock, so that once
     * the lifecycle thread closed it no send is inside the miniport on the bridge's behalf. */
    exec_mutex gate;
    bool open;
    exec_thread *reader;
    /* counters (__atomic) */
    uint64_t tap_frames_read, tap_dropped_paused, tap_dropped_busy, tap_dropped_bad;
    uint64_t tap_frames_written, tap_write_errors;
} bridge_port;

struct bridge
{
    const bridge_options *o;
    FILE *out;
    bool show_steps;
    ndis_driver *driver;
    bridge_port *ports;
    unsigned n;
    struct simnic_wire *wire; /* the hub the simulated NICs share */
    int quit_pipe[2];         /* readable once the readers must stop */
};

/* ---- stopping ---------------------------------------------------------------------------------- */

static volatile sig_atomic_t g_stop_requested, g_cycle_requested;
static volatile int g_stop_fd = -1; /* write end of the running bridge's self-pipe */

static void poke(void)
{
    int fd = g_stop_fd;
    if (fd >= 0)
    {
        char c = 1;
        ssize_t rc = write(fd, &c, 1);
        (void)rc; /* a full pipe is already readable */
    }
}

void bridge_request_stop(void)
{
    g_stop_requested = 1;
    poke();
}

void bridge_request_cycle(void)
{
    g_cycle_requested = 1;
    poke();
}

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGUSR1)
        bridge_request_cycle();
    else
        bridge_request_stop();
    errno = saved;
}

/* ---- output ------------------------------------------------------------------------------------ */

static void step(bridge *b, const ndis_adapter *a, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void step(bridge *b, const ndis_adapter *a, const char *what, const char *fmt, ...)
{
    if (!b->show_steps)
        return;
    va_list ap;
    va_start(ap, fmt);
    lifecycle_step(b->out, a, what, fmt, ap);
    va_end(ap);
}

static void add(uint64_t *c, uint64_t v)
{
    __atomic_add_fetch(c, v, __ATOMIC_RELAXED);
}

static uint64_t get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

/* ---- miniport -> TAP --------------------------------------------------------------------------- */

/* Writes each NET_BUFFER of an indicated NBL to the TAP straight from the driver's MDLs (one
 * writev per frame: the TAP takes one frame per write). */
static void port_rx(void *arg, ndis_adapter *a, PNET_BUFFER_LIST nbl, ULONG receive_flags)
{
    bridge_port *p = arg;
    (void)a;
    (void)receive_flags;
    for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
    {
        struct iovec iov[16];
        int k = 0;
        ULONG skip = nb->DataOffset, left = nb->DataLength;
        for (PMDL m = nb->MdlChain; m && left && k < (int)(sizeof iov / sizeof iov[0]); m = m->Next)
        {
            ULONG mlen = m->ByteCount;
            if (skip >= mlen)
            {
                skip -= mlen;
                continue;
            }
            ULONG take = mlen - skip < left ? mlen - skip : left;
            iov[k].iov_base = ndis_mdl_va(m) + skip;
            iov[k].iov_len = take;
            k++;
            left -= take;
            skip = 0;
        }
        ssize_t w = -1;
        if (left == 0 && nb->DataLength)
            w = writev(p->fd, iov, k);
        else if (nb->DataLength && nb->DataLength <= 65536)
        {
            /* More MDLs than iovecs: flatten. */
            void *buf = malloc(nb->DataLength);
            if (buf)
            {
                ULONG len = ndis_nb_copy_out(nb, 0, buf, nb->DataLength);
                w = write(p->fd, buf, len);
                free(buf);
            }
        }
        if (w > 0)
            add(&p->tap_frames_written, 1);
        else
            add(&p->tap_write_errors, 1);
    }
}

/* ---- TAP -> miniport --------------------------------------------------------------------------- */

static void reader_thread(void *arg)
{
    bridge_port *p = arg;
    bridge *b = p->b;
    struct pollfd pf[2] = {{.fd = p->fd, .events = POLLIN}, {.fd = b->quit_pipe[0], .events = POLLIN}};
    PNET_BUFFER_LIST spare = NULL;
    for (;;)
    {
        int rc = poll(pf, 2, -1);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0 || (pf[1].revents & (POLLIN | POLLHUP | POLLERR)))
            break;
        if (!(pf[0].revents & (POLLIN | POLLERR | POLLHUP)))
            continue;
        PNET_BUFFER_LIST head = NULL, *tail = &head;
        unsigned count = 0;
        while (count < BRIDGE_BATCH)
        {
            if (!spare)
                spare = ndis_host_nbl_alloc(p->pool);
            if (!spare)
                break;
            PNET_BUFFER nb = spare->FirstNetBuffer;
            ssize_t n = read(p->fd, ndis_mdl_va(nb->MdlChain), p->frame_max);
            if (n < 0)
            {
                if (errno == EINTR)
                    continue;
                break; /* EAGAIN: drained; anything else: poll reports it again */
            }
            add(&p->tap_frames_read, 1);
            if (n < ETH_HDR)
            {
                add(&p->tap_dropped_bad, 1);
                continue;
            }
            nb->DataLength = (ULONG)n;
            spare->Next = NULL;
            *tail = spare;
            tail = &spare->Next;
            spare = NULL;
            count++;
        }
        if (!count)
            continue;
        exec_mutex_lock(&p->gate);
        bool open = p->open;
        bool busy = open && protocol_edge_inflight(p->edge) + count > BRIDGE_MAX_INFLIGHT;
        if (open && !busy)
            protocol_edge_send_nbls(p->edge, p->a, head, 0);
        exec_mutex_unlock(&p->gate);
        if (!open || busy)
        {
            add(open ? &p->tap_dropped_busy : &p->tap_dropped_paused, count);
            for (PNET_BUFFER_LIST nbl = head, next; nbl; nbl = next)
            {
                next = nbl->Next;
                nbl->Next = NULL;
                ndis_host_nbl_free(nbl);
            }
        }
    }
    if (spare)
        ndis_host_nbl_free(spare);
}

static void gate_set(bridge_port *p, bool open)
{
    exec_mutex_lock(&p->gate);
    p->open = open;
    exec_mutex_unlock(&p->gate);
}

/* ---- lifecycle --------------------------------------------------------------------------------- */

static void pause_started(void *arg, ndis_adapter *a)
{
    protocol_edge_on_pause(((bridge_port *)arg)->edge, a);
}

static size_t watchdog_release(void *arg, ndis_adapter *a)
{
    bridge_port *p = arg;
    size_t n = protocol_edge_release(p->edge, a);
    if (n)
    {
        fprintf(p->b->out, "    %-10s watchdog: returned %zu receive NBL%s the bridge still held\n", a->name, n,
                n == 1 ? "" : "s");
        fflush(p->b->out);
    }
    return n;
}

/* What the bridge asks of a restarted adapter: every frame on the hub (promiscuous), else what a
 * protocol with its own MAC would get; and the frame size, for the TAP's MTU. */
static void port_oids(bridge *b, bridge_port *p, bridge_result *r)
{
    ULONG filter = NDIS_PACKET_TYPE_PROMISCUOUS | NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                   NDIS_PACKET_TYPE_BROADCAST;
    ULONG bytes = 0, needed = 0;
    NDIS_STATUS st = ndis_adapter_oid(p->a, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
                                      sizeof filter, &bytes, &needed);
    if (st == NDIS_STATUS_SUCCESS)
    {
        step(b, p->a, "OID_GEN_CURRENT_PACKET_FILTER", "SUCCESS (promiscuous)");
        if (p->index == 0)
            r->promiscuous = true;
    }
    else
    {
        step(b, p->a, "OID_GEN_CURRENT_PACKET_FILTER", "%s for promiscuous; directed|multicast|broadcast",
             lifecycle_status_name(st));
        filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_BROADCAST;
        st = ndis_adapter_oid(p->a, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof filter,
                              &bytes, &needed);
        step(b, p->a, "OID_GEN_CURRENT_PACKET_FILTER", "%s", lifecycle_status_name(st));
        if (p->index == 0)
            r->promiscuous = false;
    }
}

static unsigned port_mtu(bridge *b, bridge_port *p)
{
    if (b->o->mtu)
        return b->o->mtu;
    ULONG max_frame = 0, bytes = 0, needed = 0;
    NDIS_STATUS st = ndis_adapter_oid(p->a, NdisRequestQueryInformation, OID_GEN_MAXIMUM_FRAME_SIZE, &max_frame,
                                      sizeof max_frame, &bytes, &needed);
    step(b, p->a, "OID_GEN_MAXIMUM_FRAME_SIZE", "%s (%u)", lifecycle_status_name(st), (unsigned)max_frame);
    /* OID_GEN_MAXIMUM_FRAME_SIZE excludes the header: it is the MTU. */
    if (st != NDIS_STATUS_SUCCESS || max_frame < 68)
        return BRIDGE_DEFAULT_MTU;
    return max_frame < BRIDGE_DEFAULT_MTU ? (unsigned)max_frame : BRIDGE_DEFAULT_MTU;
}

/* Pauses every running port the way the stack does: the binding stops sending first, then the
 * miniport pauses while the bridge gives back what it holds. */
static void pause_all(bridge *b)
{
    for (unsigned i = 0; i < b->n; i++)
        if (b->ports[i].up)
            gate_set(&b->ports[i], false);
    for (unsigned i = 0; i < b->n; i++)
    {
        bridge_port *p = &b->ports[i];
        if (!p->up || ndis_adapter_get_state(p->a) != NDIS_ADAPTER_RUNNING)
            continue;
        ndis_pause_hooks hooks = {pause_started, watchdog_release, p};
        NDIS_STATUS st = ndis_adapter_pause(p->a, &hooks);
        step(b, p->a, "MiniportPause", "%s", lifecycle_status_name(st));
    }
}

static unsigned restart_all(bridge *b)
{
    unsigned running = 0;
    for (unsigned i = 0; i < b->n; i++)
    {
        bridge_port *p = &b->ports[i];
        if (!p->up)
            continue;
        NDIS_STATUS st = ndis_adapter_restart(p->a);
        step(b, p->a, "MiniportRestart", "%s", lifecycle_status_name(st));
        if (st == NDIS_STATUS_SUCCESS)
        {
            gate_set(p, true);
            running++;
        }
    }
    return running;
}

/* Waits for a stop or cycle request or until `until_ns` (0: no limit). True when woken by a request
 * (the pipe is drained: the flags say which). */
static bool wait_stop(int stop_fd, uint64_t until_ns, const sigset_t *waitmask)
{
    for (;;)
    {
        if (g_stop_requested || g_cycle_requested)
            return true;
        struct timespec ts, *tsp = NULL;
        if (until_ns)
        {
            uint64_t now = exec_now_ns();
            if (now >= until_ns)
                return false;
            uint64_t d = until_ns - now;
            ts.tv_sec = (time_t)(d / 1000000000ull);
            ts.tv_nsec = (long)(d % 1000000000ull);
            tsp = &ts;
        }
        struct pollfd pf = {.fd = stop_fd, .events = POLLIN};
        int rc = ppoll(&pf, 1, tsp, waitmask);
        if (rc > 0)
        {
            char buf[64];
            while (read(stop_fd, buf, sizeof buf) > 0)
                ;
        }
    }
}

/* ---- report ------------------------------------------------------------------------------------ */

static void port_totals(bridge_port *p, bridge_totals *t, protocol_edge_stats *s)
{
    protocol_edge_get_stats(p->edge, s);
    memset(t, 0, sizeof *t);
    t->tap_frames_read = get(&p->tap_frames_read);
    t->tap_dropped_paused = get(&p->tap_dropped_paused);
    t->tap_dropped_busy = get(&p->tap_dropped_busy);
    t->tap_dropped_bad = get(&p->tap_dropped_bad);
    t->sent = s->sent;
    t->completed = s->completed;
    t->completed_ok = s->completed_ok;
    t->completed_failed = s->completed_failed;
    for (unsigned k = 0; k < s->n_failed; k++)
        if (s->failed[k].status == NDIS_STATUS_PAUSED)
            t->completed_paused += s->failed[k].count;
    t->complete_duplicates = s->send_complete_duplicates;
    t->indicated = s->indicated;
    t->indicated_resources = s->indicated_resources;
    t->indicated_frames = s->received_frames;
    t->returned = s->returned;
    t->tap_frames_written = get(&p->tap_frames_written);
    t->tap_write_errors = get(&p->tap_write_errors);
}

static void totals_add(bridge_totals *sum, const bridge_totals *t)
{
    uint64_t *d = (uint64_t *)sum;
    const uint64_t *s = (const uint64_t *)t;
    for (size_t i = 0; i < sizeof *sum / sizeof(uint64_t); i++)
        d[i] += s[i];
}

static bool totals_balanced(const bridge_totals *t)
{
    return t->indicated - t->indicated_resources == t->returned && t->sent == t->completed &&
           t->complete_duplicates == 0;
}

static void print_port(FILE *out, const char *name, const bridge_totals *t, const protocol_edge_stats *s)
{
    fprintf(out,
            "  %-8s TAP->miniport %llu frames read, %llu sent (dropped: %llu while paused, %llu busy, %llu runt)\n"
            "  %-8s sends completed %llu (SUCCESS %llu",
            name, (unsigned long long)t->tap_frames_read, (unsigned long long)t->sent,
            (unsigned long long)t->tap_dropped_paused, (unsigned long long)t->tap_dropped_busy,
            (unsigned long long)t->tap_dropped_bad, "", (unsigned long long)t->completed,
            (unsigned long long)t->completed_ok);
    if (s)
        for (unsigned k = 0; k < s->n_failed; k++)
            fprintf(out, ", %s %llu", lifecycle_status_name(s->failed[k].status),
                    (unsigned long long)s->failed[k].count);
    else if (t->completed_failed)
        fprintf(out, ", failed %llu (PAUSED %llu)", (unsigned long long)t->completed_failed,
                (unsigned long long)t->completed_paused);
    fprintf(out, ")\n");
    fprintf(out,
            "  %-8s miniport->TAP %llu NBLs indicated (%llu frames), %llu returned, %llu written to the TAP "
            "(%llu refused)\n",
            "", (unsigned long long)t->indicated, (unsigned long long)t->indicated_frames,
            (unsigned long long)t->returned, (unsigned long long)t->tap_frames_written,
            (unsigned long long)t->tap_write_errors);
}

static cJSON *totals_json(const bridge_totals *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "tap_frames_read", (double)t->tap_frames_read);
    cJSON_AddNumberToObject(o, "tap_dropped_paused", (double)t->tap_dropped_paused);
    cJSON_AddNumberToObject(o, "tap_dropped_busy", (double)t->tap_dropped_busy);
    cJSON_AddNumberToObject(o, "tap_dropped_runt", (double)t->tap_dropped_bad);
    cJSON_AddNumberToObject(o, "sends", (double)t->sent);
    cJSON_AddNumberToObject(o, "sends_completed", (double)t->completed);
    cJSON_AddNumberToObject(o, "sends_completed_success", (double)t->completed_ok);
    cJSON_AddNumberToObject(o, "sends_completed_failed", (double)t->completed_failed);
    cJSON_AddNumberToObject(o, "sends_completed_paused", (double)t->completed_paused);
    cJSON_AddNumberToObject(o, "send_complete_duplicates", (double)t->complete_duplicates);
    cJSON_AddNumberToObject(o, "indicated_nbls", (double)t->indicated);
    cJSON_AddNumberToObject(o, "indicated_resources", (double)t->indicated_resources);
    cJSON_AddNumberToObject(o, "indicated_frames", (double)t->indicated_frames);
    cJSON_AddNumberToObject(o, "returned_nbls", (double)t->returned);
    cJSON_AddNumberToObject(o, "tap_frames_written", (double)t->tap_frames_written);
    cJSON_AddNumberToObject(o, "tap_write_errors", (double)t->tap_write_errors);
    return o;
}

/* ---- the run ----------------------------------------------------------------------------------- */

void bridge_options_init(bridge_options *o)
{
    memset(o, 0, sizeof *o);
    o->adapters = 2;
    o->tap_prefix = "nh";
    o->return_policy = "immediate";
}

int bridge_run(const bridge_options *o, bridge_result *r)
{
    memset(r, 0, sizeof *r);
    if (!o->driver_path)
    {
        snprintf(r->error, sizeof r->error, "no driver given");
        return NDISHOST_EXIT_USAGE;
    }
    if (o->adapters < 1 || o->adapters > BRIDGE_MAX_ADAPTERS)
    {
        snprintf(r->error, sizeof r->error, "--adapters must be 1..%d (got %u)", BRIDGE_MAX_ADAPTERS, o->adapters);
        return NDISHOST_EXIT_USAGE;
    }
    if (o->mtu && (o->mtu < 68 || o->mtu > BRIDGE_MAX_MTU))
    {
        snprintf(r->error, sizeof r->error, "--mtu must be 68..%d (got %u)", BRIDGE_MAX_MTU, o->mtu);
        return NDISHOST_EXIT_USAGE;
    }
    const char *prefix = o->tap_prefix ? o->tap_prefix : "nh";
    if (!*prefix || strlen(prefix) + 2 > IFNAMSIZ - 1 || strchr(prefix, '/') || strchr(prefix, ' '))
    {
        snprintf(r->error, sizeof r->error, "--tap-prefix must be 1..%d characters without '/' or spaces",
                 IFNAMSIZ - 3);
        return NDISHOST_EXIT_USAGE;
    }
    const char *policy = o->return_policy ? o->return_policy : "immediate";
    protocol_edge_config pcfg;
    char err[256];
    if (protocol_edge_parse_policy(policy, &pcfg, err, sizeof err) != 0)
    {
        snprintf(r->error, sizeof r->error, "--return-policy: %s", err);
        return NDISHOST_EXIT_USAGE;
    }

    bridge b = {.o = o, .out = o->out ? o->out : stdout, .n = o->adapters, .quit_pipe = {-1, -1}};
    b.ports = calloc(b.n, sizeof *b.ports);
    if (!b.ports)
        abort();
    int rc = NDISHOST_EXIT_USAGE;
    int stop_pipe[2] = {-1, -1};
    bool signals_set = false;
    struct sigaction old_int, old_term, old_usr1;
    sigset_t old_mask, wait_mask;

    for (unsigned i = 0; i < b.n; i++)
    {
        bridge_port *p = &b.ports[i];
        p->b = &b;
        p->index = i;
        p->fd = -1;
        snprintf(p->ifname, sizeof p->ifname, "%s%u", prefix, i);
        p->config = ndis_config_store_new();
        if (host_adapter_registry_load(p->config, o->inf, o->registry, o->mac_seed, i, err, sizeof err) != 0)
        {
            snprintf(r->error, sizeof r->error, "%s", err);
            goto out_ports;
        }
    }
    /* The TAPs first: without CAP_NET_ADMIN nothing else is worth doing. */
    for (unsigned i = 0; i < b.n; i++)
    {
        tap_error why;
        b.ports[i].fd = tap_open(b.ports[i].ifname, &why, err, sizeof err);
        if (b.ports[i].fd < 0)
        {
            snprintf(r->error, sizeof r->error, "%s", err);
            goto out_ports;
        }
        tap_get_mac(b.ports[i].ifname, b.ports[i].tap_mac);
    }
    if (pipe2(b.quit_pipe, O_CLOEXEC) != 0 || pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
    {
        snprintf(r->error, sizeof r->error, "pipe: %s", strerror(errno));
        goto out_ports;
    }

    /* Signals: only this thread takes SIGINT/SIGTERM, and only while it waits (ppoll), so that no
     * driver or reader thread is interrupted; every thread started from here inherits the mask. */
    g_stop_requested = 0;
    g_cycle_requested = 0;
    g_stop_fd = stop_pipe[1];
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
    wait_mask = old_mask;
    if (o->handle_signals)
    {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(SIGINT, &sa, &old_int);
        sigaction(SIGTERM, &sa, &old_term);
        sigaction(SIGUSR1, &sa, &old_usr1);
        sigdelset(&wait_mask, SIGINT);
        sigdelset(&wait_mask, SIGTERM);
        sigdelset(&wait_mask, SIGUSR1);
        signals_set = true;
    }

    ndis_timeouts timeouts = {20LL * 1000000000LL, 20LL * 1000000000LL, 12LL * 1000000000LL, 20LL * 1000000000LL};
    if (o->watchdog_ms)
    {
        int64_t ns = (int64_t)o->watchdog_ms * 1000000LL;
        timeouts = (ndis_timeouts){ns, ns, ns, ns};
    }
    ndis_set_timeouts(&timeouts);
    vf_findings_clear();
    vf_set_finding_hook(lifecycle_print_finding, b.out);
    if (o->verbose >= 2)
        ndis_log_hook = lifecycle_log_line;
    uint64_t t0 = exec_now_ns();
    b.show_steps = true;

    fprintf(b.out, "ndishost %s bridge: %s, %u adapter%s, TAP %s0..%s%u, return policy %s", ndishost_version(),
            o->driver_path, b.n, b.n == 1 ? "" : "s", prefix, prefix, b.n - 1, policy);
    if (o->duration_ms)
        fprintf(b.out, ", %.1f s", (double)o->duration_ms / 1000.0);
    if (o->cycle_every_ms)
        fprintf(b.out, ", pause/restart every %.1f s", (double)o->cycle_every_ms / 1000.0);
    fputc('\n', b.out);
    fflush(b.out);

    ndis_load_result lr = ndis_driver_load(o->driver_path, &b.driver, err, sizeof err);
    if (lr != NDIS_LOAD_OK)
    {
        snprintf(r->error, sizeof r->error, "%s", err);
        vf_set_finding_hook(NULL, NULL);
        ndis_log_hook = NULL;
        goto out_signals;
    }
    step(&b, NULL, "DriverEntry", "SUCCESS (%s)", b.driver->name);

    for (unsigned i = 0; i < b.n; i++)
    {
        bridge_port *p = &b.ports[i];
        p->a = ndis_adapter_create(b.driver, p->config);
        p->edge = protocol_edge_create(&pcfg);
        if (!p->a || !p->edge)
            abort();
        if (!o->nic || !strcmp(o->nic, "sim"))
        {
            /* The adapters' NICs share one hub: a frame sent on TAP i reaches the other adapters'
             * drivers through two NICs' DMA engines and interrupts. */
            if (!b.wire)
                b.wire = simnic_wire_create(SIMNIC_WIRE_HUB);
            simnic_config nc = {.index = i,
                                .mac = {0x02, 0x4e, 0x48, 0x00, (uint8_t)(i >> 8), (uint8_t)i},
                                .link_up = true,
                                .wire = b.wire};
            ndis_nic_host_ops(p->a, &nc.ops.dma_map, &nc.ops.irq_raised);
            nc.ops.ctx = p->a;
            p->nic = simnic_create(&nc);
            if (!p->nic)
                abort();
            ndis_adapter_attach_nic(p->a, p->nic);
        }
        protocol_edge_set_rx_hook(p->edge, port_rx, p);
        protocol_edge_attach(p->edge, p->a);
        NDIS_STATUS st = ndis_adapter_initialize(p->a);
        p->up = st == NDIS_STATUS_SUCCESS;
        step(&b, p->a, "MiniportInitializeEx", "%s", lifecycle_status_name(st));
    }
    unsigned running = restart_all(&b);
    /* The gates opened by restart_all stay shut until the port's pool exists: close them again. */
    for (unsigned i = 0; i < b.n; i++)
        gate_set(&b.ports[i], false);
    for (unsigned i = 0; i < b.n; i++)
    {
        bridge_port *p = &b.ports[i];
        unsigned mtu = BRIDGE_DEFAULT_MTU;
        if (p->up && ndis_adapter_get_state(p->a) == NDIS_ADAPTER_RUNNING)
        {
            port_oids(&b, p, r);
            mtu = port_mtu(&b, p);
        }
        p->frame_max = mtu + ETH_HDR + FRAME_SLACK;
        p->pool = ndis_host_nbl_pool_create(0, TRUE, p->frame_max, 0x65676442 /* 'Bdge' */);
        if (!p->pool)
            abort();
        if (tap_set_mtu(p->ifname, mtu) != 0)
            fprintf(b.out, "  %s: cannot set MTU %u: %s\n", p->ifname, mtu, strerror(errno));
        if (tap_set_up(p->ifname, true) != 0)
            fprintf(b.out, "  %s: cannot bring the interface up: %s\n", p->ifname, strerror(errno));
        const UCHAR *m = p->up ? ndis_adapter_current_mac(p->a) : (const UCHAR *)"\0\0\0\0\0\0";
        fprintf(b.out,
                "  %-8s <-> %-10s MTU %u, TAP MAC %02x:%02x:%02x:%02x:%02x:%02x, adapter MAC "
                "%02x:%02x:%02x:%02x:%02x:%02x%s\n",
                p->ifname, p->a->name, mtu, p->tap_mac[0], p->tap_mac[1], p->tap_mac[2], p->tap_mac[3], p->tap_mac[4],
                p->tap_mac[5], m[0], m[1], m[2], m[3], m[4], m[5],
                p->up ? "" : " (initialize failed: the TAP is not connected)");
        if (exec_thread_start(&p->reader, "bridge-rd", reader_thread, p) != 0)
            abort();
    }
    for (unsigned i = 0; i < b.n; i++)
        if (b.ports[i].up && ndis_adapter_get_state(b.ports[i].a) == NDIS_ADAPTER_RUNNING)
            gate_set(&b.ports[i], true);
    fprintf(b.out,
            "bridge: ready (%u of %u adapter%s running); SIGINT or SIGTERM ends the run, SIGUSR1 pauses and "
            "restarts every adapter\n",
            running, b.n, b.n == 1 ? "" : "s");
    fflush(b.out);

    /* Traffic flows; the periodic pause/restart cycles run here. */
    b.show_steps = o->verbose >= 1;
    uint64_t end_ns = o->duration_ms ? t0 + o->duration_ms * 1000000ull : 0;
    uint64_t next_cycle = o->cycle_every_ms ? exec_now_ns() + o->cycle_every_ms * 1000000ull : 0;
    for (;;)
    {
        uint64_t until = end_ns;
        if (next_cycle && (!until || next_cycle < until))
            until = next_cycle;
        wait_stop(stop_pipe[0], until, &wait_mask);
        if (g_stop_requested || (end_ns && exec_now_ns() >= end_ns))
            break;
        bool requested = g_cycle_requested;
        if (requested || (next_cycle && exec_now_ns() >= next_cycle))
        {
            g_cycle_requested = 0;
            pause_all(&b);
            restart_all(&b);
            r->cycles++;
            if (o->verbose >= 1 || r->cycles <= 3)
            {
                fprintf(b.out, "  pause/restart cycle %u done\n", r->cycles);
                fflush(b.out);
            }
            if (o->cycle_every_ms)
                next_cycle = exec_now_ns() + o->cycle_every_ms * 1000000ull;
        }
    }
    b.show_steps = true;
    fprintf(b.out, "bridge: stopping (%s)\n", g_stop_requested ? "stop requested" : "duration reached");
    fflush(b.out);

    /* Pause and halt while Linux may still be sending: the readers keep draining the TAPs (and
     * drop what they read, the binding being shut) until the adapters are halted. */
    pause_all(&b);
    for (unsigned i = 0; i < b.n; i++)
    {
        bridge_port *p = &b.ports[i];
        if (!p->up)
            continue;
        ndis_pause_hooks hooks = {NULL, watchdog_release, p};
        ndis_adapter_halt(p->a, NdisHaltDeviceDisabled, &hooks);
        step(&b, p->a, "MiniportHaltEx", "NdisHaltDeviceDisabled");
    }
    char c = 1;
    if (write(b.quit_pipe[1], &c, 1) != 1)
        abort();
    for (unsigned i = 0; i < b.n; i++)
    {
        exec_thread_join(b.ports[i].reader);
        b.ports[i].reader = NULL;
    }

    fprintf(b.out, "bridge counters:\n");
    cJSON *ports_json = cJSON_CreateArray();
    for (unsigned i = 0; i < b.n; i++)
    {
        bridge_port *p = &b.ports[i];
        bridge_totals t;
        protocol_edge_stats s;
        port_totals(p, &t, &s);
        totals_add(&r->t, &t);
        print_port(b.out, p->ifname, &t, &s);
        cJSON *pj = totals_json(&t);
        cJSON_AddStringToObject(pj, "tap", p->ifname);
        cJSON_AddStringToObject(pj, "adapter", p->a->name);
        cJSON_AddBoolToObject(pj, "balanced", totals_balanced(&t));
        cJSON_AddItemToArray(ports_json, pj);
        protocol_edge_detach(p->edge, p->a);
        protocol_edge_destroy(p->edge);
        p->edge = NULL;
        ndis_host_pool_destroy(p->pool);
        p->pool = NULL;
        if (p->nic) /* first: its device thread calls into the adapter */
            simnic_destroy(p->nic);
        p->nic = NULL;
        ndis_adapter_destroy(p->a);
        p->a = NULL;
    }
    if (b.n > 1)
        print_port(b.out, "total", &r->t, NULL);
    ndis_driver_unload(b.driver);
    b.driver = NULL;
    step(&b, NULL, "MiniportDriverUnload", "done");
    if (b.wire)
        simnic_wire_destroy(b.wire);
    b.wire = NULL;
    r->duration_ns = exec_now_ns() - t0;
    vf_set_finding_hook(NULL, NULL);
    ndis_log_hook = NULL;

    const bridge_totals *t = &r->t;
    r->balanced = totals_balanced(t);
    if (r->balanced)
        fprintf(b.out,
                "balance: ok: every indicated NBL returned once (%llu), every send completed once (%llu), "
                "%u pause/restart cycle%s\n",
                (unsigned long long)t->returned, (unsigned long long)t->completed, r->cycles,
                r->cycles == 1 ? "" : "s");
    else
        fprintf(b.out,
                "balance: MISMATCH: %llu NBLs indicated (%llu with RESOURCES), %llu returned; %llu sends, %llu "
                "completed, %llu duplicate completions\n",
                (unsigned long long)t->indicated, (unsigned long long)t->indicated_resources,
                (unsigned long long)t->returned, (unsigned long long)t->sent, (unsigned long long)t->completed,
                (unsigned long long)t->complete_duplicates);

    r->findings = vf_findings_count();
    for (size_t i = 0; i < r->findings; i++)
    {
        if (vf_findings_get(i)->severity == VF_SEV_ERROR)
            r->errors++;
        else
            r->warnings++;
    }
    double secs = (double)r->duration_ns / 1e9;
    if (r->findings == 0 && r->balanced)
        fprintf(b.out,
                "verdict: clean: no findings (%u adapter%s, %llu frames TAP->miniport, %llu miniport->TAP, "
                "%.1f s)\n",
                b.n, b.n == 1 ? "" : "s", (unsigned long long)t->sent, (unsigned long long)t->tap_frames_written, secs);
    else
        fprintf(b.out, "verdict: findings: %zu error%s, %zu warning%s%s (%u adapter%s, %.1f s)\n", r->errors,
                r->errors == 1 ? "" : "s", r->warnings, r->warnings == 1 ? "" : "s",
                r->balanced ? "" : ", NBLs not accounted for", b.n, b.n == 1 ? "" : "s", secs);
    fflush(b.out);
    rc = r->findings || !r->balanced ? NDISHOST_EXIT_FINDINGS : NDISHOST_EXIT_CLEAN;

    if (o->json_path)
    {
        cJSON *extra = totals_json(t);
        cJSON_AddBoolToObject(extra, "balanced", r->balanced);
        cJSON_AddBoolToObject(extra, "promiscuous", r->promiscuous);
        cJSON_AddNumberToObject(extra, "pause_restart_cycles", r->cycles);
        cJSON_AddStringToObject(extra, "return_policy", policy);
        cJSON_AddStringToObject(extra, "tap_prefix", prefix);
        cJSON_AddItemToObject(extra, "ports", ports_json);
        ports_json = NULL;
        report_run_info info = {
            .driver = o->driver_path,
            .command = "bridge",
            .adapters = b.n,
            .cycles = r->cycles,
            .packets = t->sent + t->indicated_frames,
            .duration_ms = r->duration_ns / 1000000ULL,
            .extra = extra,
        };
        if (report_json_write_all(o->json_path, &info) != 0)
        {
            snprintf(r->error, sizeof r->error, "cannot write JSON report '%s'", o->json_path);
            rc = NDISHOST_EXIT_USAGE;
        }
        cJSON_Delete(extra);
    }
    cJSON_Delete(ports_json);

out_signals:
    g_stop_fd = -1;
    if (signals_set)
    {
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGTERM, &old_term, NULL);
        sigaction(SIGUSR1, &old_usr1, NULL);
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
out_ports:
    for (unsigned i = 0; i < b.n; i++)
    {
        tap_close(b.ports[i].fd);
        if (b.ports[i].config)
            ndis_config_store_free(b.ports[i].config);
    }
    for (int k = 0; k < 2; k++)
    {
        if (b.quit_pipe[k] >= 0)
            close(b.quit_pipe[k]);
        if (stop_pipe[k] >= 0)
            close(stop_pipe[k]);
    }
    free(b.ports);
    return rc;
}
