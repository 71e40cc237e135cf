/* What the benchmarks that time whole ndishost_run() jobs share (bench_nic, bench_lifecycle).
 * Header-only (static inline) so that each bench_*.c stays one translation unit. */
#ifndef NDISHOST_BENCH_BENCH_RUN_H
#define NDISHOST_BENCH_BENCH_RUN_H

#include <ndishost/ndishost.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* qsort order of doubles, for the medians. */
static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* After ndishost_run() with its report going to `out` (a tmpfile): whether the run was clean. A
 * figure of a run that is not clean means nothing, so then the reason and the report's finding and
 * verdict lines go to stderr, after "`who` run not clean". Closes `out` either way. */
static inline bool bench_run_clean(int rc, const ndishost_run_result *r, FILE *out, const char *who)
{
    if (rc == NDISHOST_EXIT_CLEAN)
    {
        fclose(out);
        return true;
    }
    fprintf(stderr, "%s run not clean (exit %d): %s\n", who, rc, r->error);
    rewind(out);
    char line[512];
    while (fgets(line, sizeof line, out))
        if (strstr(line, "FINDING") || strstr(line, "verdict"))
            fputs(line, stderr);
    fclose(out);
    return false;
}

#endif
