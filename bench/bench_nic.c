/* bench_nic: the reference driver over the simulated NIC, frames per second end to end.
 *
 *   bench_nic [DRIVER.so] [--json] [--frames N]
 *
 * Each figure is the median of REPEAT whole ndishost_run() jobs, each 1 cycle with N frames sent per
 * adapter: the protocol edge sends, vnic copies into its transmit ring, the NIC's DMA engine reads
 * the descriptors, the wire carries the frame, the receiving NIC writes it into a receive buffer in
 * shared memory and raises its interrupt, the ISR and DPC indicate it, the edge returns it.
 *   - loopback: 1 adapter whose NIC hears itself;
 *   - hub: 2 adapters on one hub, each sending to the other;
 *   - virtual: the same driver with --nic none (its own software hub), for comparison.
 * The protocol sends back to back (offered load above what a 64-descriptor receive ring absorbs, so
 * the NIC drops some, as hardware without flow control does). Frames per second is a difference
 * of two runs, N and 2N frames: (received(2N) - received(N)) / (time(2N) - time(N)), which cancels
 * initialize, restart, halt and the idle wait at the end of the traffic. `delivered` is the share of
 * sent frames that arrived in the 2N run. Benchmarks report numbers; tests assert behaviour. */
#include "bench_run.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPEAT 5

typedef struct figure
{
    double fps;      /* median frames received per second */
    double received; /* frames received in the median run */
    double sent;
    double secs; /* median wall time of the run */
} figure;

static int measure_one(const char *driver, const char *nic, const char *wire, unsigned adapters, unsigned frames,
                       unsigned frame_len, figure *out)
{
    double fps[REPEAT], recv[REPEAT], sent[REPEAT];
    for (int i = 0; i < REPEAT; i++)
    {
        ndishost_run_options o;
        ndishost_run_options_init(&o);
        o.driver_path = driver;
        o.adapters = adapters;
        o.packets = frames;
        o.frame_len = frame_len;
        o.nic = nic;
        o.wire = wire;
        o.out = tmpfile();
        ndishost_run_result r;
        int rc = ndishost_run(&o, &r);
        char who[128];
        snprintf(who, sizeof who, "bench_nic: %s/%s", nic, wire ? wire : "-");
        if (!bench_run_clean(rc, &r, o.out, who))
            return -1;
        double secs = (double)r.duration_ns / 1e9;
        fps[i] = secs;
        recv[i] = (double)r.frames_received;
        sent[i] = (double)r.frames_sent;
    }
    double sorted[REPEAT], srecv[REPEAT];
    memcpy(sorted, fps, sizeof sorted);
    memcpy(srecv, recv, sizeof srecv);
    qsort(sorted, REPEAT, sizeof sorted[0], bench_cmp_double);
    qsort(srecv, REPEAT, sizeof srecv[0], bench_cmp_double);
    out->secs = sorted[REPEAT / 2];
    out->received = srecv[REPEAT / 2];
    out->sent = sent[0];
    return 0;
}

static int measure(const char *driver, const char *nic, const char *wire, unsigned adapters, unsigned frames,
                   unsigned frame_len, figure *out)
{
    figure one, two;
    if (measure_one(driver, nic, wire, adapters, frames, frame_len, &one) != 0 ||
        measure_one(driver, nic, wire, adapters, 2 * frames, frame_len, &two) != 0)
        return -1;
    double dt = two.secs - one.secs;
    out->fps = dt > 0 ? (two.received - one.received) / dt : 0;
    out->received = two.received;
    out->sent = two.sent;
    out->secs = two.secs;
    return 0;
}

int main(int argc, char **argv)
{
    const char *driver = NULL;
    bool json = false;
    unsigned frames = 20000;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!strcmp(argv[i], "--frames") && i + 1 < argc)
            frames = (unsigned)strtoul(argv[++i], NULL, 10);
        else
            driver = argv[i];
    }
    if (!driver)
        driver = NDISHOST_BENCH_DRIVER;

    static const struct
    {
        const char *name, *nic, *wire;
        unsigned adapters, frame_len;
    } cases[] = {
        {"loopback_64", "sim", "loopback", 1, 64}, {"loopback_1514", "sim", "loopback", 1, 1514},
        {"hub_64", "sim", "hub", 2, 64},           {"hub_1514", "sim", "hub", 2, 1514},
        {"virtual_hub_64", "none", NULL, 2, 64},   {"virtual_hub_1514", "none", NULL, 2, 1514},
    };
    size_t n = sizeof cases / sizeof cases[0];
    figure f[sizeof cases / sizeof cases[0]];
    for (size_t i = 0; i < n; i++)
        if (measure(driver, cases[i].nic, cases[i].wire, cases[i].adapters, frames,
                    cases[i].frame_len < 60 ? 60 : cases[i].frame_len, &f[i]) != 0)
            return 1;
    if (!json)
    {
        printf("%-18s %12s %10s %10s %10s\n", "case", "frames/s", "received", "sent", "delivered");
        for (size_t i = 0; i < n; i++)
            printf("%-18s %12.0f %10.0f %10.0f %9.1f%%\n", cases[i].name, f[i].fps, f[i].received, f[i].sent,
                   f[i].sent > 0 ? 100.0 * f[i].received / f[i].sent : 0);
    }
    printf("{\"frames_per_adapter\":%u", frames);
    for (size_t i = 0; i < n; i++)
        printf(",\"%s_fps\":%.0f,\"%s_delivered\":%.3f", cases[i].name, f[i].fps, cases[i].name,
               f[i].sent > 0 ? f[i].received / f[i].sent : 0);
    printf("}\n");
    return 0;
}
