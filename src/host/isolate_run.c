/* `ndishost run` in an isolated child: the child runs the ordinary scenario (ndishost_run) with its
 * output going straight to the terminal; the parent collects its findings, adds a HOST-01 finding
 * when the child crashed, hung or vanished, writes the JSON report and decides the exit status. */
#include <ndishost/ndishost.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "host/isolate.h"
#include "host/report.h"

typedef struct run_job_arg
{
    const ndishost_run_options *o;
} run_job_arg;

static cJSON *run_job(void *arg)
{
    run_job_arg *a = arg;
    ndishost_run_options o = *a->o;
    o.json_path = NULL; /* the parent writes the report */
    ndishost_run_result r;
    int rc = ndishost_run(&o, &r);
    cJSON *res = cJSON_CreateObject();
    cJSON_AddNumberToObject(res, "rc", rc);
    cJSON_AddStringToObject(res, "error", r.error);
    cJSON_AddNumberToObject(res, "cycles_done", r.cycles_done);
    cJSON_AddNumberToObject(res, "init_failures", r.init_failures);
    cJSON_AddNumberToObject(res, "frames_sent", (double)r.frames_sent);
    cJSON_AddNumberToObject(res, "frames_completed", (double)r.frames_completed);
    cJSON_AddNumberToObject(res, "frames_received", (double)r.frames_received);
    cJSON_AddNumberToObject(res, "frames_returned", (double)r.frames_returned);
    cJSON_AddNumberToObject(res, "duration_ns", (double)r.duration_ns);
    cJSON_AddItemToObject(res, "findings", isolate_findings_json());
    return res;
}

static cJSON *run_dump(void *arg)
{
    (void)arg;
    cJSON *res = cJSON_CreateObject();
    cJSON_AddItemToObject(res, "findings", isolate_findings_json());
    return res;
}

static uint64_t num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble < 1.8e19 ? (uint64_t)v->valuedouble : 0;
}

/* Policy: with no explicit limit a run may take as long as every NDIS watchdog firing on every
 * adapter in every cycle would make it, plus 30 s; only a callback that never returns outlasts that. */
static uint64_t auto_timeout_ms(const ndishost_run_options *o)
{
    uint64_t restart = o->watchdog_ms ? o->watchdog_ms : 20000, pause = restart, halt = restart;
    uint64_t oid = o->watchdog_ms ? o->watchdog_ms : 12000;
    uint64_t per = restart + 6 * oid + 2 * pause + 2 * halt + 1000;
    uint64_t adapters = o->adapters ? o->adapters : 1, cycles = o->cycles ? o->cycles : 1;
    if (adapters > 1024)
        adapters = 1024;
    if (cycles > 100000000)
        cycles = 100000000;
    return 30000 + adapters * cycles * per;
}

/* One child run; its findings (and a HOST-01 when it crashed or hung) are appended to `fl` and its
 * counts added to `r`. Returns the child's exit status, or NDISHOST_EXIT_USAGE with r->error set. */
static int run_one(const ndishost_run_options *o, uint64_t timeout_ms, ndishost_run_result *r, isolate_findings *fl,
                   isolate_outcome *outcome)
{
    FILE *out = o->out ? o->out : stdout;
    run_job_arg arg = {o};
    isolate_job job = {run_job, run_dump, &arg};
    isolate_options io = {
        .driver_path = o->driver_path,
        .timeout_ms = timeout_ms ? timeout_ms : auto_timeout_ms(o),
        .line_buffered = true,
    };
    isolate_result ir;
    if (isolate_run(&io, &job, &ir) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot start the isolated run: %s", strerror(errno));
        return NDISHOST_EXIT_USAGE;
    }
    *outcome = ir.outcome;
    int rc = NDISHOST_EXIT_FINDINGS;
    const cJSON *res = ir.result;
    if (ir.outcome == ISOLATE_DONE)
    {
        uint64_t crc = num(res, "rc");
        rc = crc <= NDISHOST_EXIT_USAGE ? (int)crc : NDISHOST_EXIT_FINDINGS;
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(res, "error");
        if (cJSON_IsString(err))
            snprintf(r->error, sizeof r->error, "%s", err->valuestring);
        r->cycles_done += (unsigned)num(res, "cycles_done");
        r->init_failures += (unsigned)num(res, "init_failures");
        r->frames_sent += num(res, "frames_sent");
        r->frames_completed += num(res, "frames_completed");
        r->frames_received += num(res, "frames_received");
        r->frames_returned += num(res, "frames_returned");
        r->duration_ns += num(res, "duration_ns");
    }
    else
        r->duration_ns += ir.duration_ns;
    if (rc == NDISHOST_EXIT_USAGE)
    {
        isolate_result_free(&ir);
        return rc;
    }
    size_t before = fl->count;
    if (res)
        isolate_findings_add_json(fl, cJSON_GetObjectItemCaseSensitive(res, "findings"), NULL);
    if (ir.host)
    {
        isolate_findings_add(fl, ir.host, NULL);
        fputs("  FINDING ", out);
        report_text_finding(out, ir.host);
    }
    size_t errors = 0, warnings = 0;
    for (size_t i = before; i < fl->count; i++)
    {
        if (fl->items[i].severity == VF_SEV_ERROR)
            errors++;
        else
            warnings++;
    }
    r->errors += errors;
    r->warnings += warnings;
    r->findings = fl->count;
    if (ir.host)
    {
        static const char *const what[] = {"done", "crashed", "hung", "ended without a report"};
        fprintf(out, "verdict: findings: %zu error%s, %zu warning%s (the run %s)\n", errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s", what[ir.outcome]);
    }
    rc = ir.host || fl->count > before ? NDISHOST_EXIT_FINDINGS : NDISHOST_EXIT_CLEAN;
    fflush(out);
    isolate_result_free(&ir);
    return rc;
}

int ndishost_run_isolated(const ndishost_run_options *o, uint64_t timeout_ms, ndishost_run_result *r)
{
    memset(r, 0, sizeof *r);
    FILE *out = o->out ? o->out : stdout;
    isolate_findings fl = {0};
    isolate_outcome outcome = ISOLATE_DONE;
    int rc = NDISHOST_EXIT_CLEAN;
    bool all = o->scenario && !strcmp(o->scenario, "all");
    if (all)
    {
        /* Every scenario in turn, each in a fresh child: a shutdown is terminal, and one scenario's
         * crash must not hide the next one's findings. */
        size_t n = ndishost_scenario_count();
        for (size_t i = 0; i < n; i++)
        {
            ndishost_run_options one = *o;
            one.scenario = ndishost_scenario_name(i);
            fprintf(out, "== scenario %s: %s\n", one.scenario, ndishost_scenario_description(i));
            fflush(out);
            isolate_outcome oc = ISOLATE_DONE;
            int one_rc = run_one(&one, timeout_ms, r, &fl, &oc);
            if (one_rc == NDISHOST_EXIT_USAGE)
            {
                isolate_findings_free(&fl);
                return one_rc;
            }
            if (oc != ISOLATE_DONE)
                outcome = oc;
            if (one_rc == NDISHOST_EXIT_FINDINGS)
                rc = NDISHOST_EXIT_FINDINGS;
        }
        fprintf(out, "all %zu scenarios: %zu error%s, %zu warning%s\n", n, r->errors, r->errors == 1 ? "" : "s",
                r->warnings, r->warnings == 1 ? "" : "s");
    }
    else
    {
        rc = run_one(o, timeout_ms, r, &fl, &outcome);
        if (rc == NDISHOST_EXIT_USAGE)
        {
            isolate_findings_free(&fl);
            return rc;
        }
    }
    if (fl.count)
        rc = NDISHOST_EXIT_FINDINGS;

    if (o->json_path)
    {
        cJSON *extra = cJSON_CreateObject();
        cJSON_AddNumberToObject(extra, "frames_sent", (double)r->frames_sent);
        cJSON_AddNumberToObject(extra, "frames_completed", (double)r->frames_completed);
        cJSON_AddNumberToObject(extra, "frames_received", (double)r->frames_received);
        cJSON_AddNumberToObject(extra, "frames_returned", (double)r->frames_returned);
        cJSON_AddNumberToObject(extra, "initialize_failures", r->init_failures);
        cJSON_AddStringToObject(extra, "return_policy", o->return_policy ? o->return_policy : "immediate");
        cJSON_AddStringToObject(extra, "halt_action", ndishost_halt_action_name(o->halt_action));
        cJSON_AddBoolToObject(extra, "isolated", true);
        cJSON_AddStringToObject(extra, "scenario", o->scenario ? o->scenario : "basic");
        cJSON_AddStringToObject(extra, "nic", o->nic ? o->nic : "sim");
        if (outcome != ISOLATE_DONE)
        {
            static const char *const names[] = {"done", "crash", "hang", "lost"};
            cJSON_AddStringToObject(extra, "outcome", names[outcome]);
        }
        const vf_finding **list = calloc(fl.count ? fl.count : 1, sizeof *list);
        for (size_t i = 0; list && i < fl.count; i++)
            list[i] = &fl.items[i];
        report_run_info info = {
            .driver = o->driver_path,
            .command = "run",
            .adapters = o->adapters,
            .cycles = r->cycles_done,
            .packets = r->frames_sent + r->frames_received,
            .duration_ms = r->duration_ns / 1000000ULL,
            .extra = extra,
        };
        if (!list || report_json_write(o->json_path, &info, list, fl.count) != 0)
        {
            snprintf(r->error, sizeof r->error, "cannot write JSON report '%s'", o->json_path);
            rc = NDISHOST_EXIT_USAGE;
        }
        free(list);
        cJSON_Delete(extra);
    }
    if (o->junit_path || o->sarif_path)
    {
        const vf_finding **list = calloc(fl.count ? fl.count : 1, sizeof *list);
        for (size_t i = 0; list && i < fl.count; i++)
            list[i] = &fl.items[i];
        report_run_info ci = {.driver = o->driver_path,
                              .command = "run",
                              .adapters = o->adapters,
                              .cycles = r->cycles_done,
                              .packets = r->frames_sent + r->frames_received,
                              .duration_ms = r->duration_ns / 1000000ULL};
        if (o->junit_path && (!list || report_junit_write_findings(o->junit_path, &ci, list, fl.count) != 0))
        {
            snprintf(r->error, sizeof r->error, "cannot write JUnit report '%s'", o->junit_path);
            rc = NDISHOST_EXIT_USAGE;
        }
        if (o->sarif_path && (!list || report_sarif_write(o->sarif_path, &ci, list, fl.count) != 0))
        {
            snprintf(r->error, sizeof r->error, "cannot write SARIF report '%s'", o->sarif_path);
            rc = NDISHOST_EXIT_USAGE;
        }
        free(list);
    }
    isolate_findings_free(&fl);
    return rc;
}
