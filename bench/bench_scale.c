/* bench_scale: many adapters of one driver in one process.
 *
 *   bench_scale [DRIVER.so] [--adapters N] [--json]      (default: vnic, 1,000 adapters)
 *
 * Creates N adapters, brings every one to Running (MiniportInitializeEx + MiniportRestart), then
 * pauses and halts them all. Reports the wall time of each phase and the host memory per adapter:
 * the growth of the process's resident set (VmRSS in /proc/self/status) from before the first
 * adapter to when all are running, divided by N. That includes what the driver allocates through
 * NDIS (vnic: 64 receive buffers per adapter) and the host's bookkeeping for it (ledger entries,
 * pool slots), which is the point: it is what an adapter costs in this host. Benchmarks report
 * numbers; tests assert behaviour. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ndis/ndis_host.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return -1;
    char line[256];
    long kib = -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, "VmRSS:", 6))
            kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

int main(int argc, char **argv)
{
    const char *path = NDISHOST_BENCH_DRIVER;
    unsigned n = 1000;
    int json = 0;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else if (!strcmp(argv[i], "--adapters") && i + 1 < argc)
            n = (unsigned)strtoul(argv[++i], NULL, 10);
        else
            path = argv[i];
    }
    char err[512];
    ndis_driver *d = NULL;
    if (ndis_driver_load(path, &d, err, sizeof err) != NDIS_LOAD_OK)
    {
        fprintf(stderr, "bench_scale: %s\n", err);
        return 1;
    }
    ndis_adapter **a = calloc(n, sizeof *a);
    if (!a)
        return 1;
    long rss0 = rss_kib();
    double t0 = now_s();
    for (unsigned i = 0; i < n; i++)
    {
        a[i] = ndis_adapter_create(d, NULL);
        if (ndis_adapter_initialize(a[i]) != NDIS_STATUS_SUCCESS || ndis_adapter_restart(a[i]) != NDIS_STATUS_SUCCESS)
        {
            fprintf(stderr, "bench_scale: adapter %u did not come up\n", i);
            return 1;
        }
    }
    double t1 = now_s();
    long rss1 = rss_kib();
    for (unsigned i = 0; i < n; i++)
    {
        ndis_adapter_pause(a[i], NULL);
        ndis_adapter_halt(a[i], NdisHaltDeviceDisabled, NULL);
    }
    double t2 = now_s();
    long rss2 = rss_kib();
    for (unsigned i = 0; i < n; i++)
        ndis_adapter_destroy(a[i]);
    ndis_driver_unload(d);
    free(a);
    size_t findings = vf_findings_count();
    for (size_t i = 0; i < findings; i++)
        fprintf(stderr, "bench_scale: finding %s: %s\n", vf_findings_get(i)->rule, vf_findings_get(i)->message);

    double up = t1 - t0, down = t2 - t1;
    double kib_per = (double)(rss1 - rss0) / n;
    if (json)
        printf("{\"adapters\": %u, \"up_s\": %.4f, \"down_s\": %.4f, \"total_s\": %.4f, \"rss_kib_per_adapter\": %.1f, "
               "\"rss_kib_before\": %ld, \"rss_kib_running\": %ld, \"rss_kib_halted\": %ld, \"findings\": %zu}\n",
               n, up, down, up + down, kib_per, rss0, rss1, rss2, findings);
    else
    {
        printf("%u adapters of %s in one process\n", n, path);
        printf("  initialize + restart all   %8.1f ms  (%.1f us per adapter)\n", up * 1e3, up * 1e6 / n);
        printf("  pause + halt all           %8.1f ms  (%.1f us per adapter)\n", down * 1e3, down * 1e6 / n);
        printf("  RSS before %ld KiB, all running %ld KiB, all halted %ld KiB: %.1f KiB per adapter\n", rss0, rss1,
               rss2, kib_per);
        printf("  findings: %zu\n", findings);
    }
    return findings ? 1 : 0;
}
