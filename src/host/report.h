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

/* A writer of a list of findings (report_json_write, report_junit_write_findings,
 * report_sarif_write), and the one place that hands it every finding recorded so far. */
typedef int (*report_findings_writer)(const char *path, const report_run_info *info, const vf_finding *const *findings,
                                      size_t count);
int report_write_all_with(report_findings_writer writer, const char *path, const report_run_info *info);

/* ---- shared by the writers ------------------------------------------------------------------ */

/* Writes `text` (plus a final '\n' when it has none) to `path` atomically: a temporary file in the
 * same directory, then rename, so that a reader (CI, a parent process) never sees a partial file.
 * "-" writes to stdout. Returns 0, or -1 with errno set. */
int report_file_write(const char *path, const char *text);
/* A copy of `s` that is valid UTF-8 and holds only characters XML 1.0 allows: each byte of an
 * invalid or overlong sequence, and each control character other than tab, newline and carriage
 * return, becomes the four characters "\xNN"; U+FFFE, U+FFFF and surrogates likewise per byte.
 * NULL gives NULL; returns NULL when out of memory. Free with free(). */
char *report_clean_text(const char *s);

/* ---- JUnit XML (docs/reports.md) ------------------------------------------------------------ */

/* One JUnit testcase: a scenario, a sweep step, or (report_junit_write_findings) a rule. */
typedef struct report_testcase
{
    const char *name;      /* required, e.g. "transient k=3"; NULL: "unnamed" */
    const char *classname; /* NULL: "ndishost.<command>[.<driver stem>]" (report_junit_classname) */
    uint64_t duration_ms;
    /* The findings that belong to this case (pointers into the finding store or the caller's own
     * records). Any finding, warning included, makes the case fail: one <failure> lists them all. */
    const vf_finding *const *findings;
    size_t nfindings;
    const char *error;   /* non-NULL: the case could not be carried out (an <error> with this message;
                          * the findings, if any, are listed in its body); counted as an error */
    const char *skipped; /* non-NULL, with no findings and no error: the case did not run (reason) */
    const char *output;  /* optional text for the case's <system-out>, e.g. an outcome line */
} report_testcase;

/* The default classname for `info`: "ndishost.run", or "ndishost.run.vnic" when info->driver is
 * ".../vnic.so" (characters other than letters, digits and '_' in the stem become '_'). Writes at
 * most `size` bytes (NUL included) to `buf` and returns buf. */
char *report_junit_classname(const report_run_info *info, char *buf, size_t size);
/* Renders a JUnit XML document: <testsuites> root, one <testsuite> named "ndishost.<command>" with
 * <properties>, the cases in order. Returns a malloc'ed string, or NULL when out of memory. */
char *report_junit_render(const report_run_info *info, const report_testcase *cases, size_t ncases);
/* Writes it atomically to `path` ("-": stdout). Returns 0, or -1 with errno set. */
int report_junit_write(const char *path, const report_run_info *info, const report_testcase *cases, size_t ncases);
/* The layout for a run (docs/reports.md): one testcase per rule of the rule table, named by its id,
 * in table order; a rule with findings fails with all of them, a rule the host does not check is
 * skipped, every other rule passes. Findings with an id outside the table get a case of their own
 * at the end. */
int report_junit_write_findings(const char *path, const report_run_info *info, const vf_finding *const *findings,
                                size_t count);
/* Same for every finding recorded so far (vf_findings_get order). */
int report_junit_write_all(const char *path, const report_run_info *info);

/* ---- SARIF 2.1.0 (docs/reports.md) ---------------------------------------------------------- */

/* The key of the fingerprint in each result's partialFingerprints (docs/reports.md). */
#define REPORT_SARIF_FINGERPRINT_KEY "ndishostFindingHash/v1"
/* At most this many results per run (GitHub code scanning's limit); the rest are counted in a
 * tool execution notification. */
#define REPORT_SARIF_MAX_RESULTS 25000

/* Directory that artifact URIs are made relative to (uriBaseId "SRCROOT"). The string is copied.
 * NULL (the default): the current working directory at the time the report is written. */
void report_set_source_root(const char *dir);
/* The fingerprint of a finding: 16 hex digits of a 64-bit FNV-1a hash over the rule id, the base
 * name of the source file, the function and the message with numbers and addresses replaced by
 * '#'. Writes at most `size` bytes (NUL included) to `buf` and returns buf. */
char *report_sarif_fingerprint(const vf_finding *f, char *buf, size_t size);
/* The message as it enters the fingerprint: every hexadecimal number ("0x7ffd12", "deadbeef12")
 * and every run of decimal digits inside a word becomes '#', whitespace runs become one space.
 * Returns a malloc'ed string (NULL for NULL or out of memory). */
char *report_sarif_normalize_message(const char *msg);
/* Renders a SARIF 2.1.0 log: one run, the whole rule table as tool.driver.rules, one result per
 * finding. Returns a malloc'ed string, or NULL when out of memory. */
char *report_sarif_render(const report_run_info *info, const vf_finding *const *findings, size_t count);
/* Writes it atomically to `path` ("-": stdout). Returns 0, or -1 with errno set. */
int report_sarif_write(const char *path, const report_run_info *info, const vf_finding *const *findings, size_t count);
/* Same for every finding recorded so far (vf_findings_get order). */
int report_sarif_write_all(const char *path, const report_run_info *info);

#endif
