/* bench_datapath: NBLs per second through the host's data path, on one core.
 *
 *   bench_datapath [--json]                     the whole matrix, median of REPEAT runs each
 *   bench_datapath --one rx|tx --batch N --proto edge|bare --verifier on|off --count N
 *                                               one fixed-size run (for callgrind: run it with two
 *                                               counts and divide the difference of Ir by the
 *                                               difference of NBLs; bench/run.sh does)
 *
 * The miniport is benchmp (benchmp.h), compiled in. One thread plays every part, as a single
 * receive queue's DPC does on Windows: at DISPATCH_LEVEL it indicates chains of `batch`
 * preallocated NBLs; the protocol returns each chain from inside the receive callback (policy
 * immediate), so MiniportReturnNetBufferLists runs before the indicate returns and the NBLs are
 * indicated again by the next call.
 *
 *   rx: NdisMIndicateReceiveNetBufferLists + ndis_return_nbls + MiniportReturnNetBufferLists;
 *   tx: ndis_send_nbls + MiniportSendNetBufferLists + NdisMSendNetBufferListsComplete + the
 *       protocol's completion handler;
 *   proto edge: the host's protocol edge (src/host/protocol_edge.c), what `ndishost run` and
 *       `ndishost bridge` bind: per-frame inspection and statistics; its sends allocate each NBL
 *       from a host pool and free it on completion, as the TAP bridge does;
 *   proto bare: a protocol that only returns / recycles, to show the NDIS layer alone.
 *
 * Verifier off is vf_set_enabled(false) (verifier.h). Benchmarks report numbers; tests assert
 * behaviour. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmp.h"
#include "host/protocol_edge.h"
#include "ndis/datapath.h"
#include "ndis/nbl_pool.h"

#define REPEAT 5
#define TARGET_NS 250000000ull /* each timed run lasts about this long */

typedef enum
{
    DIR_RX,
    DIR_TX
} bench_dir;

typedef struct bench_env
{
    ndis_driver *d;
    ndis_adapter *a;
    protocol_edge *edge;    /* proto edge */
    ndis_buf_pool *tx_pool; /* the protocol's own NBLs */
    PNET_BUFFER_LIST tx_free;
} bench_env;

static bench_env env;

/* ---- the bare protocol ------------------------------------------------------------------------ */

static void bare_receive(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count,
                         ULONG flags)
{
    (void)ctx;
    (void)port;
    (void)count;
    if (flags & NDIS_RECEIVE_FLAGS_RESOURCES)
        return;
    ndis_return_nbls(a, nbls, (flags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
}

static void bare_send_complete(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)a;
    (void)flags;
    PNET_BUFFER_LIST tail = nbls;
    while (tail->Next)
        tail = tail->Next;
    tail->Next = env.tx_free;
    env.tx_free = nbls;
}

static PNET_BUFFER_LIST host_nbl(void)
{
    PNET_BUFFER_LIST nbl = ndis_host_nbl_alloc(env.tx_pool);
    if (!nbl)
        abort();
    NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl)) = BMP_FRAME;
    return nbl;
}

static void bind_proto(bool edge)
{
    ndis_adapter *a = env.a;
    if (env.edge)
    {
        protocol_edge_detach(env.edge, a);
        protocol_edge_destroy(env.edge);
        env.edge = NULL;
    }
    if (edge)
    {
        protocol_edge_config cfg;
        memset(&cfg, 0, sizeof cfg);
        cfg.policy = PE_RETURN_IMMEDIATE;
        env.edge = protocol_edge_create(&cfg);
        protocol_edge_attach(env.edge, a);
        return;
    }
    a->proto.receive = bare_receive;
    a->proto.send_complete = bare_send_complete;
    a->proto.status = NULL;
    a->proto.ctx = NULL;
}

static void env_up(void)
{
    bmp_cfg.nbls = 256;
    env.d = bmp_driver_open();
    env.a = bmp_adapter_up(env.d);
    env.tx_pool = ndis_host_nbl_pool_create(0, TRUE, 64, 'xTbB');
    for (int i = 0; i < 256; i++)
    {
        PNET_BUFFER_LIST nbl = host_nbl();
        nbl->Next = env.tx_free;
        env.tx_free = nbl;
    }
}

static void env_down(void)
{
    bind_proto(false);
    ndis_adapter_pause(env.a, NULL);
    ndis_adapter_halt(env.a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(env.a);
    bmp_driver_close(env.d);
    while (env.tx_free)
    {
        PNET_BUFFER_LIST n = env.tx_free;
        env.tx_free = n->Next;
        ndis_host_nbl_free(n);
    }
    ndis_host_pool_destroy(env.tx_pool);
}

/* ---- one run ------------------------------------------------------------------------------------ */

/* Moves `count` NBLs (rounded up to whole batches) and returns the seconds it took. */
static double run(bench_dir dir, ULONG batch, uint64_t count)
{
    ndis_adapter *a = env.a;
    bmp_adapter *ad = bmp_of(a);
    vf_frame f;
    uint8_t saved = vf_irql();
    uint64_t done = 0;
    uint64_t t0 = bmp_now_ns();
    if (dir == DIR_RX)
    {
        /* The driver's receive DPC. */
        vf_enter(&f, VF_CB_DPC, a->owner);
        vf_set_irql(DISPATCH_LEVEL);
        while (done < count)
            done += bmp_indicate(ad, batch, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
        vf_set_irql(saved);
        vf_leave(&f);
    }
    else
    {
        /* The protocol's send path, at DISPATCH_LEVEL as a stack sending from a DPC is. */
        vf_set_irql(DISPATCH_LEVEL);
        while (done < count)
        {
            PNET_BUFFER_LIST head = NULL;
            for (ULONG i = 0; i < batch; i++)
            {
                PNET_BUFFER_LIST nbl;
                if (env.edge)
                    nbl = host_nbl();
                else
                {
                    nbl = env.tx_free;
                    env.tx_free = nbl->Next;
                }
                nbl->Next = head;
                head = nbl;
            }
            if (env.edge)
                protocol_edge_send_nbls(env.edge, a, head, NDIS_SEND_FLAGS_DISPATCH_LEVEL);
            else
                ndis_send_nbls(a, head, NDIS_DEFAULT_PORT_NUMBER, NDIS_SEND_FLAGS_DISPATCH_LEVEL);
            done += batch;
        }
        vf_set_irql(saved);
    }
    uint64_t t1 = bmp_now_ns();
    return (double)(t1 - t0) / 1e9;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

/* Median NBLs per second of REPEAT runs of about TARGET_NS each. */
static double rate(bench_dir dir, ULONG batch)
{
    uint64_t probe = 200000;
    double s = run(dir, batch, probe); /* warms caches and sizes the runs */
    uint64_t count = (uint64_t)((double)probe * (TARGET_NS / 1e9) / (s > 0 ? s : 1e-9));
    if (count < probe)
        count = probe;
    double r[REPEAT];
    for (int i = 0; i < REPEAT; i++)
        r[i] = (double)count / run(dir, batch, count);
    qsort(r, REPEAT, sizeof r[0], cmp_double);
    return r[REPEAT / 2];
}

/* ---- main --------------------------------------------------------------------------------------- */

static int usage(void)
{
    fprintf(stderr, "usage: bench_datapath [--json]\n"
                    "       bench_datapath --one rx|tx --batch N --proto edge|bare --verifier on|off --count N\n");
    return 2;
}

int main(int argc, char **argv)
{
    bool json = false, one = false, edge = true, vf_on = true;
    bench_dir dir = DIR_RX;
    ULONG batch = 64;
    uint64_t count = 1000000;
    for (int i = 1; i < argc; i++)
    {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--one") && v)
            one = true, dir = !strcmp(v, "tx") ? DIR_TX : DIR_RX, i++;
        else if (!strcmp(argv[i], "--batch") && v)
            batch = (ULONG)strtoul(v, NULL, 10), i++;
        else if (!strcmp(argv[i], "--proto") && v)
            edge = strcmp(v, "bare") != 0, i++;
        else if (!strcmp(argv[i], "--verifier") && v)
            vf_on = strcmp(v, "off") != 0, i++;
        else if (!strcmp(argv[i], "--count") && v)
            count = strtoull(v, NULL, 10), i++;
        else
            return usage();
    }
    if (batch < 1 || batch > 128)
        return usage();

    env_up();
    if (one)
    {
        bind_proto(edge);
        vf_set_enabled(vf_on);
        bmp_adapter *ad = bmp_of(env.a);
        LONG64 r0 = ad->returned, s0 = ad->sent;
        double s = run(dir, batch, count);
        vf_set_enabled(true);
        /* What the driver saw, as a check that the count is what moved. */
        unsigned long long moved = (unsigned long long)(dir == DIR_RX ? ad->returned - r0 : ad->sent - s0);
        printf("%s batch %u proto %s verifier %s: %llu NBLs (driver saw %llu) in %.3f s: %.0f NBL/s\n",
               dir == DIR_RX ? "rx" : "tx", (unsigned)batch, edge ? "edge" : "bare", vf_on ? "on" : "off",
               (unsigned long long)count, moved, s, (double)count / s);
        env_down();
        return bmp_findings_report("bench_datapath") ? 1 : 0;
    }

    static const ULONG batches[] = {1, 16, 64};
    struct row
    {
        char name[48];
        bench_dir dir;
        bool edge;
        ULONG batch;
        double on, off;
    } rows[2 * 2 * 3];
    size_t n = 0;
    for (int di = 0; di < 2; di++)
        for (int pi = 0; pi < 2; pi++)
            for (size_t bi = 0; bi < 3; bi++)
            {
                struct row *r = &rows[n++];
                r->dir = di ? DIR_TX : DIR_RX;
                r->edge = pi == 0;
                r->batch = batches[bi];
                snprintf(r->name, sizeof r->name, "%s_%s_b%u", di ? "tx" : "rx", r->edge ? "edge" : "bare",
                         (unsigned)r->batch);
                bind_proto(r->edge);
                vf_set_enabled(true);
                r->on = rate(r->dir, r->batch);
                vf_set_enabled(false);
                r->off = rate(r->dir, r->batch);
                vf_set_enabled(true);
            }
    env_down();
    bool dirty = bmp_findings_report("bench_datapath");

    if (json)
    {
        printf("{");
        for (size_t i = 0; i < n; i++)
            printf("%s\"%s_vf_on_nbl_per_s\": %.0f, \"%s_vf_off_nbl_per_s\": %.0f", i ? ", " : "", rows[i].name,
                   rows[i].on, rows[i].name, rows[i].off);
        printf("}\n");
        return dirty;
    }
    printf("data path, one thread, median of %d runs of ~%.2f s (M NBL/s)\n", REPEAT, TARGET_NS / 1e9);
    printf("  %-16s %12s %12s %8s\n", "path", "verifier on", "verifier off", "off/on");
    for (size_t i = 0; i < n; i++)
        printf("  %-16s %12.2f %12.2f %8.2f\n", rows[i].name, rows[i].on / 1e6, rows[i].off / 1e6,
               rows[i].off / rows[i].on);
    return dirty;
}
