/* bench_lifecycle: what the host costs around a miniport's lifecycle.
 *
 *   bench_lifecycle [DRIVER.so] [--json]
 *
 * Figures, each the median of several repetitions of a whole ndishost_run():
 *   - the default job (`ndishost run`: 2 adapters, 1 cycle, 64 frames each), wall time;
 *   - initialize/halt cycles per second, 1000 cycles, 1 and 2 adapters, with and without traffic.
 * Benchmarks report numbers; the tests assert behaviour. */
#include "bench_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPEAT 5

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Median wall time of REPEAT runs; -1 when a run was not clean. */
static double time_run(const char *driver, unsigned adapters, unsigned cycles, unsigned packets)
{
    double t[REPEAT];
    for (int i = 0; i < REPEAT; i++)
    {
        ndishost_run_options o;
        ndishost_run_options_init(&o);
        o.driver_path = driver;
        o.adapters = adapters;
        o.cycles = cycles;
        o.packets = packets;
        o.out = tmpfile(); /* shown only when a run is not clean */
        ndishost_run_result r;
        double t0 = now_s();
        int rc = ndishost_run(&o, &r);
        t[i] = now_s() - t0;
        if (!bench_run_clean(rc, &r, o.out, "bench_lifecycle:"))
            return -1;
    }
    qsort(t, REPEAT, sizeof t[0], bench_cmp_double);
    return t[REPEAT / 2];
}

int main(int argc, char **argv)
{
    const char *driver = NDISHOST_BENCH_DRIVER;
    int json = 0;
    for (int i = 1; i < argc; i++)
    {
        if (!strcmp(argv[i], "--json"))
            json = 1;
        else
            driver = argv[i];
    }

    double def = time_run(driver, 2, 1, 64);
    struct
    {
        const char *name;
        unsigned adapters, packets;
        double seconds;
    } rows[] = {
        {"cycles_1_adapter_no_traffic", 1, 0, 0},
        {"cycles_2_adapters_no_traffic", 2, 0, 0},
        {"cycles_1_adapter_64_frames", 1, 64, 0},
        {"cycles_2_adapters_64_frames", 2, 64, 0},
    };
    const unsigned cycles = 1000;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        rows[i].seconds = time_run(driver, rows[i].adapters, cycles, rows[i].packets);

    if (json)
    {
        printf("{\"driver\": \"%s\", \"default_run_ms\": %.3f", driver, def * 1e3);
        for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
            printf(", \"%s_per_s\": %.0f", rows[i].name, cycles / rows[i].seconds);
        printf("}\n");
        return 0;
    }
    printf("driver %s (median of %d runs)\n", driver, REPEAT);
    printf("  %-34s %10.2f ms\n", "default run (2 adapters, 1 cycle)", def * 1e3);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        printf("  %-34s %10.0f cycles/s  (adapter cycles/s: %.0f)\n", rows[i].name, cycles / rows[i].seconds,
               cycles * rows[i].adapters / rows[i].seconds);
    return 0;
}
