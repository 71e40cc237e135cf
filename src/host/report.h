/* Report writers: one human-readable line per finding, and the JSON run record
 * (schema "ndishost-report", documented in docs/json-report.md). */
#ifndef NDISHOST_REPORT_H
#define NDISHOST_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "verifier/verifier.h"

struct cJSON;

/* Version of the JSON schema this writer produces (docs/json-report.md). */
#define REPORT_JSON_SCHEMA_VERSION 1

typedef struct report_run_info
{
    const char *tool_version; /* NULL: the library's version */
    const char *driver;       /* path or name of the driver under test; NULL: JSON null */
    const char *command;      /* "run", "sweep", ...; NULL: "run" */
    /* Run figures for "summary". */
    uint64_t adapters;    /* adapter instances created */
    uint64_t cycles;      /* lifecycle cycles completed */
    uint64_t packets;     /* packets sent plus received */
    uint64_t duration_ms; /* wall time of the run */
    /* Optional object whose members are copied into "summary" after the figures above (a member
     * with the same name replaces a figure). The caller keeps ownership. NULL: none. */
    const struct cJSON *extra;
} report_run_info;

/* One line, no trailing newline handling needed by the caller (the line ends with '\n'):
 * `HA-04 error  MiniportInitializeEx  vnic.c:123 (VnicInitialize)  adapter 0: <message>`
 * followed by ` [x N]` when the finding repeated. Unknown parts print as "?". */
void report_text_finding(FILE *out, const vf_finding *f);
/* Every finding recorded so far, then a verdict line "N error(s), M warning(s)" or "clean". */
void report_text_all(FILE *out);

/* Builds the JSON run record for `findings[0..count)` (NULL findings with count 0 is valid).
 * Returns a malloc'ed string (free with free()), or NULL when out of memory. */
char *report_json_render(const report_run_info *info, const vf_finding *const *findings, size_t count);
/* Writes the record to `path` atomically (temporary file in the same directory, then rename), or to
 * stdout when path is "-". Returns 0, or -1 with errno set. */
int report_json_write(const char *path, const report_run_info *info, const vf_finding *const *findings, size_t count);
/* Same for every finding recorded so far (vf_findings_get order). */
int report_json_write_all(const char *path, const report_run_info *info);

#endif
