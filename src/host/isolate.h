/* Isolation: runs a job (a `run`, one sweep step) in a forked child process so that a driver that
 * crashes or hangs ends the child, not the host, and becomes a finding (HOST-01) of the parent.
 *
 *   parent                                   child
 *   ------                                   -----
 *   fork ------------------------------->    preload the driver, record the loaded modules in a
 *                                            shared page, install crash handlers, start a reporter
 *                                            thread, run the job
 *   read the data pipe (bounded)  <-------   the job's result as JSON ('R' message)
 *   watchdog expired: "dump" ----------->    reporter: every thread's stack into the shared page,
 *                                            the job's partial result ('P' message)
 *   kill, wait, read the shared page         crash handler: signal, address, raw PCs into the shared
 *                                            page, asks the reporter for the partial result, _exit
 *
 * The parent trusts nothing the child wrote: messages are length-checked, JSON parse failures
 * become a finding, counts and strings in the shared page are bounded before use. Raw PCs are
 * mapped to module + offset and symbolized (libdw) in the parent. */
#ifndef NDISHOST_HOST_ISOLATE_H
#define NDISHOST_HOST_ISOLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verifier/verifier.h"

struct cJSON;

typedef struct isolate_job
{
    /* Runs on the child's main thread; returns the result object sent to the parent (the
     * isolation layer deletes it). NULL: the child reports an empty object. */
    struct cJSON *(*run)(void *arg);
    /* Runs on the child's reporter thread after a crash or when the watchdog expired, while the
     * job may still be running: a partial result (typically the findings so far). May be NULL. */
    struct cJSON *(*dump)(void *arg);
    void *arg;
} isolate_job;

typedef struct isolate_options
{
    const char *driver_path; /* preloaded in the child so that crash PCs map to it; NULL: none */
    uint64_t timeout_ms;     /* wall-clock limit of the job; 0: none */
    bool line_buffered;      /* make the child's stdout line-buffered (output survives a crash) */
} isolate_options;

typedef enum isolate_outcome
{
    ISOLATE_DONE = 0, /* the job returned and its result arrived */
    ISOLATE_CRASHED,  /* a fatal signal in the child */
    ISOLATE_HUNG,     /* the watchdog expired */
    ISOLATE_LOST,     /* the child ended without a readable result */
} isolate_outcome;

typedef struct isolate_result
{
    isolate_outcome outcome;
    struct cJSON *result; /* ISOLATE_DONE: the job's result; otherwise the partial result or NULL */
    vf_finding *host;     /* the HOST-01 finding for a crash, hang or lost child (heap; NULL when done) */
    int signal;           /* the crash signal */
    vf_callback callback; /* callback running at the crash or hang (VF_CB_NONE when unknown) */
    char owner[64];       /* its owner ("adapter 0"), empty when unknown */
    uint64_t duration_ns;
} isolate_result;

/* Runs `job` in a child. Returns 0, or -1 when the child could not be started (fork/pipe failed:
 * errno set). */
int isolate_run(const isolate_options *o, const isolate_job *job, isolate_result *r);
void isolate_result_free(isolate_result *r);

/* ---- findings across the process boundary ---------------------------------------------------- */

/* Child side: every finding recorded so far, as a JSON array in the docs/json-report.md format. */
struct cJSON *isolate_findings_json(void);

/* Parent side: a list of findings owned by the parent (strings interned or heap-allocated). */
typedef struct isolate_findings
{
    vf_finding *items;
    size_t count, cap;
} isolate_findings;

/* Appends a deep copy of `f`; `prefix` (may be NULL) is prepended to the message. */
void isolate_findings_add(isolate_findings *l, const vf_finding *f, const char *prefix);
/* Appends every well-formed finding of a JSON array (the child's); returns how many. Members of the
 * wrong type are taken as unknown; a non-array adds nothing. */
size_t isolate_findings_add_json(isolate_findings *l, const struct cJSON *array, const char *prefix);
void isolate_findings_free(isolate_findings *l);
/* Frees a finding from isolate_result.host (or a copy made by the caller with the same layout). */
void isolate_finding_free(vf_finding *f);

/* Symbolizes a module-relative address with the module's own debug information (libdw, offline):
 * for a module loaded in another process. `is_return`: a return address (the call is at - 1).
 * Fields it cannot find are NULL / 0; strings live until exit. */
void isolate_symbolize_module_offset(const char *module, uintptr_t offset, bool is_return, vf_site *out);

#endif
