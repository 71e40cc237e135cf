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
    const char *inf;           /* the driver's INF: its registry defaults under the registry file (docs/inf.md) */
    const char *mac_seed;      /* seeded NetworkAddress per adapter: NULL default, a number, or "off" */
    const char *json_path;     /* JSON report, NULL for none, "-" for stdout */
    const char *junit_path;    /* JUnit XML report (docs/reports.md), NULL for none */
    const char *sarif_path;    /* SARIF 2.1.0 report (docs/reports.md), NULL for none */
    unsigned watchdog_ms;      /* 0: NDIS's defaults (pause, restart, halt 20 s; OIDs 12 s); else all of them */
    int verbose;               /* 0 quiet lifecycle, 1 every step, 2 also driver debug output */
    bool progress;             /* progress line on stderr for long runs */
    FILE *out;                 /* human output (NULL: stdout) */
    const char *scenario;      /* NULL or "basic": the cycle above; a name from ndishost_scenario_name;
                                  "all" (isolated runs only): every scenario in turn, each in its own child */
    const char *nic;           /* "sim" (NULL: the default): a simulated NIC per adapter; "none": virtual */
    const char *wire;          /* the simulated NICs' wire: "hub" (NULL: the default) or "loopback" */
    unsigned restarts;         /* extra pause -> restart -> traffic rounds within each cycle (default 0) */
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
/* The same job in a forked child process (isolation): a driver that crashes or hangs ends the
 * child, and the parent reports it as a finding (HOST-01: signal, callback, backtrace into the
 * driver; or where the run hangs). Output streams through; the parent writes the JSON report and
 * decides the exit status. `timeout_ms` is the wall-clock limit of the whole run; 0: automatic
 * (30 s plus, per adapter and cycle, the time NDIS's watchdogs could take). */
int ndishost_run_isolated(const ndishost_run_options *o, uint64_t timeout_ms, ndishost_run_result *r);

/* ---- sweep: systematic failure injection (docs/sweep.md) ---- */

enum {
    NDISHOST_SWEEP_TRANSIENT = 1 << 0,   /* only the k-th fallible call fails */
    NDISHOST_SWEEP_PERSISTENT = 1 << 1,  /* the k-th and every later fallible call fail */
    NDISHOST_SWEEP_UNIQUE_SITE = 1 << 2, /* each distinct driver call site fails once */
    NDISHOST_SWEEP_ALL = 7,
};

typedef struct ndishost_sweep_options {
    const char *driver_path;
    unsigned modes;        /* NDISHOST_SWEEP_* bits (default: all) */
    unsigned adapters;     /* adapters per step (default 1) */
    unsigned packets;      /* frames sent per adapter per step (default 4) */
    uint64_t max_k;        /* cap on steps per mode (default 10000) */
    unsigned watchdog_ms;  /* wall-clock limit of one step (default 20000); NDIS's own watchdogs get a quarter */
    const char *registry;  /* registry file, INF and MAC seed: as in ndishost_run_options */
    const char *inf;
    const char *mac_seed;
    const char *nic;       /* "sim" (NULL: the default) or "none", as in ndishost_run_options */
    const char *json_path; /* JSON report, NULL for none, "-" for stdout */
    const char *junit_path; /* JUnit XML report: one testcase per step, NULL for none */
    const char *sarif_path; /* SARIF 2.1.0 report, NULL for none */
    int verbose;           /* 1: the findings of every step under its table line */
    bool progress;         /* progress line on stderr */
    FILE *out;             /* human output (NULL: stdout) */
} ndishost_sweep_options;

typedef struct ndishost_sweep_mode_result {
    bool ran;
    uint64_t steps;               /* children run, including the final one whose call was not reached */
    uint64_t fallible_calls;      /* transient/persistent: fallible calls the driver made (N = last k - 1);
                                     unique-site: distinct sites failed */
    uint64_t distinct_sites;      /* distinct driver call sites that were failed */
    uint64_t steps_with_findings; /* steps whose outcome is not acceptable */
    uint64_t crashes, hangs;
    bool cap_hit;                 /* stopped at max_k with the k-th call still reached */
    uint64_t duration_ns;
} ndishost_sweep_mode_result;

typedef struct ndishost_sweep_result {
    ndishost_sweep_mode_result mode[3]; /* transient, persistent, unique-site */
    size_t findings;
    uint64_t duration_ns;
    char error[512]; /* the one-line reason when the exit status is NDISHOST_EXIT_USAGE */
} ndishost_sweep_result;

void ndishost_sweep_options_init(ndishost_sweep_options *o);
/* Parses "transient", "persistent", "unique-site" or "all" (or a comma-separated list) into
 * NDISHOST_SWEEP_* bits; -1 if unknown. */
int ndishost_parse_sweep_modes(const char *s);
/* For each mode and k = 1, 2, ...: in a fresh child, fail the k-th fallible call and run the
 * lifecycle; a step is acceptable when the lifecycle completes or fails cleanly without findings.
 * Prints the table and summary; writes the JSON report. Returns NDISHOST_EXIT_CLEAN, _FINDINGS or
 * _USAGE. */
int ndishost_sweep(const ndishost_sweep_options *o, ndishost_sweep_result *r);

/* Parses a halt action name (disabled, deinitialized, powered-down, surprise-removed, failed,
 * initialization-failed, stopped; or the NdisHaltDevice* spelling). Returns -1 if unknown. */
int ndishost_parse_halt_action(const char *name);
const char *ndishost_halt_action_name(int action);
/* Scenarios of `ndishost run --scenario` (docs/scenarios.md): index 0 is "basic". */
size_t ndishost_scenario_count(void);
const char *ndishost_scenario_name(size_t i);
const char *ndishost_scenario_description(size_t i);
/* The index of a scenario name (NULL: basic), -1 if unknown ("all" is not a scenario). */
int ndishost_parse_scenario(const char *name);

const char *ndishost_version(void);

#ifdef __cplusplus
}
#endif

#endif
