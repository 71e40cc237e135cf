/* bench_halt: how long after the protocol's last NBL return MiniportHaltEx returns, with 1,000
 * receive NBLs held by the protocol. Median and p99 over REPS repetitions, in microseconds.
 *
 *   bench_halt [--json] [--reps N]
 *
 * The miniport is benchmp (benchmp.h), compiled in: its halt waits for its outstanding receives
 * with an NDIS event that its MiniportReturnNetBufferLists sets. Each repetition initializes an
 * adapter, indicates 1,000 NBLs in chains of 64 which the protocol keeps, then:
 *
 *   halt-wait: the driver's pause completes at once although NDIS holds its receives (so LC-10 is
 *     reported: expected, it is how this case gets NBLs held into MiniportHaltEx); the host calls
 *     MiniportHaltEx, which waits on its event; a protocol thread, started by the halt, returns
 *     the 1,000 NBLs in chains of 64. Measured: the start of the last return call -> the end of
 *     MiniportHaltEx (the driver's own timestamp) and -> ndis_adapter_halt returning (the host's
 *     halt-return checks included).
 *   pause-halt: the contract-clean sequence. The pause pends while receives are held; the
 *     protocol thread, started when MiniportPause has returned, returns the 1,000 NBLs; the last
 *     return completes the pause from the return handler (NdisMPauseComplete), the host thread
 *     wakes from its pause wait and halts. Measured: the start of the last return call -> the end
 *     of MiniportHaltEx.
 *
 * Both are event-driven in the host (futex waits, no polling). Benchmarks report numbers; tests
 * assert behaviour. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "benchmp.h"
#include "ndis/datapath.h"

#define HELD 1000
#define CHAIN 64

static PNET_BUFFER_LIST held[HELD];
static unsigned n_held;
static ndis_adapter *cur;
static uint32_t go_word;        /* 1: the protocol thread may return */
static uint64_t last_return_ns; /* start of the last return call */

static void hold_receive(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count,
                         ULONG flags)
{
    (void)ctx;
    (void)a;
    (void)port;
    (void)count;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls, next; n; n = next)
    {
        next = n->Next;
        n->Next = NULL;
        held[n_held++] = n;
    }
}

static void go(void)
{
    __atomic_store_n(&go_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&go_word, 1);
}

static void pause_started(void *arg, ndis_adapter *a)
{
    (void)arg;
    (void)a;
    go();
}

/* The protocol: waits for the go, then gives everything back in chains of CHAIN. */
static void *protocol_thread(void *arg)
{
    (void)arg;
    while (!__atomic_load_n(&go_word, __ATOMIC_ACQUIRE))
        exec_wait_u32(&go_word, 0, -1);
    unsigned i = 0;
    while (i < n_held)
    {
        unsigned k = n_held - i < CHAIN ? n_held - i : CHAIN;
        for (unsigned j = 0; j + 1 < k; j++)
            held[i + j]->Next = held[i + j + 1];
        held[i + k - 1]->Next = NULL;
        if (i + k == n_held)
            __atomic_store_n(&last_return_ns, bmp_now_ns(), __ATOMIC_RELEASE);
        ndis_return_nbls(cur, held[i], 0);
        i += k;
    }
    return NULL;
}

/* One repetition; returns last return -> MiniportHaltEx returned, and -> ndis_adapter_halt
 * returned, in nanoseconds. */
static void once(ndis_driver *d, bool lax, double *to_woke, double *to_handler, double *to_host)
{
    cur = bmp_adapter_up(d);
    cur->proto.receive = hold_receive;
    n_held = 0;
    go_word = 0;
    bmp_cfg.lax_pause = lax;
    bmp_cfg.halt_waiting = lax ? go : NULL;
    bmp_adapter *ad = bmp_of(cur);
    vf_set_irql(DISPATCH_LEVEL);
    while (n_held < HELD)
        bmp_indicate(ad, HELD - n_held < CHAIN ? HELD - n_held : CHAIN, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    vf_set_irql(PASSIVE_LEVEL);

    pthread_t t;
    pthread_create(&t, NULL, protocol_thread, NULL);
    ndis_pause_hooks hooks = {.started = lax ? NULL : pause_started};
    ndis_adapter_pause(cur, &hooks);
    ndis_adapter_halt(cur, NdisHaltDeviceDisabled, NULL);
    uint64_t host_end = bmp_now_ns();
    pthread_join(t, NULL);
    uint64_t last = __atomic_load_n(&last_return_ns, __ATOMIC_ACQUIRE);
    *to_woke = (double)(int64_t)(__atomic_load_n(&bmp_halt_woke_ns, __ATOMIC_ACQUIRE) - last);
    *to_handler = (double)(int64_t)(__atomic_load_n(&bmp_halt_returned_ns, __ATOMIC_ACQUIRE) - last);
    *to_host = (double)(int64_t)(host_end - last);
    ndis_adapter_destroy(cur);
    cur = NULL;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double pct(double *v, int n, double p)
{
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

int main(int argc, char **argv)
{
    bool json = false;
    int reps = 200;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc)
            reps = atoi(argv[++i]);
        else
        {
            fprintf(stderr, "usage: bench_halt [--json] [--reps N]\n");
            return 2;
        }
    }
    if (reps < 1)
        reps = 1;
    bmp_cfg.nbls = HELD + CHAIN;
    ndis_driver *d = bmp_driver_open();
    double *hw = calloc((size_t)reps, sizeof *hw), *hh = calloc((size_t)reps, sizeof *hh);
    double *ph = calloc((size_t)reps, sizeof *ph), *pp = calloc((size_t)reps, sizeof *pp);
    double *hk = calloc((size_t)reps, sizeof *hk), *pk = calloc((size_t)reps, sizeof *pk);
    size_t lc10 = 0, other = 0;
    for (int i = 0; i < reps; i++)
    {
        once(d, true, &hk[i], &hw[i], &hh[i]);
        for (size_t k = 0; k < vf_findings_count(); k++)
        {
            const vf_finding *f = vf_findings_get(k);
            if (!strcmp(f->rule, "LC-10"))
                lc10++;
            else
                other++, fprintf(stderr, "bench_halt: unexpected finding %s: %s\n", f->rule, f->message);
        }
        vf_findings_clear();
        once(d, false, &pk[i], &ph[i], &pp[i]);
        if (bmp_findings_report("bench_halt (pause-halt)"))
            other++;
        vf_findings_clear();
    }
    bmp_driver_close(d);
    qsort(hw, (size_t)reps, sizeof *hw, cmp_double);
    qsort(hh, (size_t)reps, sizeof *hh, cmp_double);
    qsort(ph, (size_t)reps, sizeof *ph, cmp_double);
    qsort(pp, (size_t)reps, sizeof *pp, cmp_double);
    qsort(hk, (size_t)reps, sizeof *hk, cmp_double);
    qsort(pk, (size_t)reps, sizeof *pk, cmp_double);
    if (json)
        printf("{\"halt_wait_to_wake_us_median\": %.1f, \"halt_wait_to_wake_us_p99\": %.1f, "
               "\"pause_halt_to_wake_us_median\": %.1f, \"pause_halt_to_wake_us_p99\": %.1f, "
               "\"halt_wait_to_handler_us_median\": %.1f, \"halt_wait_to_handler_us_p99\": %.1f, "
               "\"halt_wait_to_host_us_median\": %.1f, \"halt_wait_to_host_us_p99\": %.1f, "
               "\"pause_halt_to_handler_us_median\": %.1f, \"pause_halt_to_handler_us_p99\": %.1f, "
               "\"pause_halt_to_host_us_median\": %.1f, \"pause_halt_to_host_us_p99\": %.1f, \"reps\": %d}\n",
               pct(hk, reps, .5) / 1e3, pct(hk, reps, .99) / 1e3, pct(pk, reps, .5) / 1e3, pct(pk, reps, .99) / 1e3,
               pct(hw, reps, .5) / 1e3, pct(hw, reps, .99) / 1e3, pct(hh, reps, .5) / 1e3, pct(hh, reps, .99) / 1e3,
               pct(ph, reps, .5) / 1e3, pct(ph, reps, .99) / 1e3, pct(pp, reps, .5) / 1e3, pct(pp, reps, .99) / 1e3,
               reps);
    else
    {
        printf("halt latency with %d NBLs held, from the start of the last return call (us, %d reps)\n", HELD, reps);
        printf("  %-44s %10s %10s\n", "", "median", "p99");
        printf("  %-44s %10.1f %10.1f\n", "halt-wait: to the halt's NdisWaitEvent ending", pct(hk, reps, .5) / 1e3,
               pct(hk, reps, .99) / 1e3);
        printf("  %-44s %10.1f %10.1f\n", "halt-wait: to MiniportHaltEx returned", pct(hw, reps, .5) / 1e3,
               pct(hw, reps, .99) / 1e3);
        printf("  %-44s %10.1f %10.1f\n", "halt-wait: to ndis_adapter_halt returned", pct(hh, reps, .5) / 1e3,
               pct(hh, reps, .99) / 1e3);
        printf("  %-44s %10.1f %10.1f\n", "pause-halt: to the halt's NdisWaitEvent skip", pct(pk, reps, .5) / 1e3,
               pct(pk, reps, .99) / 1e3);
        printf("  %-44s %10.1f %10.1f\n", "pause-halt: to MiniportHaltEx returned", pct(ph, reps, .5) / 1e3,
               pct(ph, reps, .99) / 1e3);
        printf("  %-44s %10.1f %10.1f\n", "pause-halt: to ndis_adapter_halt returned", pct(pp, reps, .5) / 1e3,
               pct(pp, reps, .99) / 1e3);
        printf("  (LC-10 reported %zu times in halt-wait, as designed; other findings: %zu)\n", lc10, other);
    }
    free(hw);
    free(hh);
    free(ph);
    free(pp);
    free(hk);
    free(pk);
    return other ? 1 : 0;
}
