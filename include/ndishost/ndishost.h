/* ndishost embedding API: run a miniport through the NDIS lifecycle from a test or a tool.
 *
 *     ndishost_run_options o;
 *     ndishost_run_options_init(&o);
 *     o.driver_path = "build/drivers/vnic.so";
 *     o.adapters = 4;
 *     ndishost_run_result r;
 *     int rc = ndishost_run(&o, &r);   // NDISHOST_EXIT_CLEAN, _FINDINGS or _USAGE
 *
 * Findings are read through the verifier (src/verifier/verifier.h) or from the JSON report. */
#ifndef NDISHOST_NDISHOST_H
#define NDISHOST_NDISHOST_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exit statuses shared by every ndishost command. */
enum {
    NDISHOST_EXIT_CLEAN = 0,    /* the run completed and the verifier found nothing */
    NDISHOST_EXIT_FINDINGS = 1, /* the run completed with findings */
    NDISHOST_EXIT_USAGE = 2,    /* bad usage or bad input: nothing was verified */
};

typedef struct ndishost_run_options {
    const char *driver_path;   /* the miniport's shared object */
    unsigned adapters;         /* 1..1024 */
    unsigned cycles;           /* initialize/halt cycles per adapter */
    int halt_action;           /* NDIS_HALT_ACTION value; NdisHaltDeviceInitializationFailed halts right after
                                  initialize, without restart */
    const char *return_policy; /* protocol edge: immediate, delay:MS, at-pause, reverse, shuffle[:SEED], never */
    unsigned packets;          /* frames the protocol sends on each adapter per cycle */
    unsigned frame_len;        /* bytes per frame, 60..1514 */
    const char *registry;      /* registry file (docs/registry-file.md) or NULL */
    const char *json_path;     /* JSON report, NULL for none, "-" for stdout */
    unsigned watchdog_ms;      /* 0: NDIS's defaults (pause, restart, halt 20 s; OIDs 12 s); else all of them */
    int verbose;               /* 0 quiet lifecycle, 1 every step, 2 also driver debug output */
    bool progress;             /* progress line on stderr for long runs */
    FILE *out;                 /* human output (NULL: stdout) */
} ndishost_run_options;

typedef struct ndishost_run_result {
    unsigned cycles_done;
    unsigned init_failures;
    uint64_t frames_sent, frames_completed, frames_received, frames_returned;
    uint64_t duration_ns;
    size_t findings, errors, warnings;
    char error[512]; /* the one-line reason when the exit status is NDISHOST_EXIT_USAGE */
} ndishost_run_result;

void ndishost_run_options_init(ndishost_run_options *o);
/* Runs the whole job: load, DriverEntry, cycles of initialize/restart/traffic/pause/halt over
 * every adapter, unload; findings printed as they happen; a JSON report when asked. */
int ndishost_run(const ndishost_run_options *o, ndishost_run_result *r);
/* Parses a halt action name (disabled, deinitialized, powered-down, surprise-removed, failed,
 * initialization-failed, stopped; or the NdisHaltDevice* spelling). Returns -1 if unknown. */
int ndishost_parse_halt_action(const char *name);
const char *ndishost_halt_action_name(int action);
const char *ndishost_version(void);

#ifdef __cplusplus
}
#endif

#endif
