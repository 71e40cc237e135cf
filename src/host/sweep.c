/* `ndishost sweep`: systematic failure injection into the driver's fallible calls (SQLite-style
 * fail-nth loops). For every mode and k = 1, 2, ...: a fresh isolated child arms the fault injector,
 * runs the lifecycle once (DriverEntry .. unload) and reports whether the k-th fallible call was
 * reached, which call failed at which driver line, how the lifecycle ended and what the verifier
 * found. The loop of a mode ends at the first k that is no longer reached (or at max_k).
 *
 * Oracle: a step is acceptable when the lifecycle completed or failed cleanly (DriverEntry or
 * MiniportInitializeEx returned a failure status) with no finding; the verifier itself reports
 * what a failure path left behind (IN-04, UL-01). Any finding, a crash or a hang is a sweep finding.
 * Findings identical to the fault-free baseline's are reported once, under the baseline. */
#include "host/sweep.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "host/isolate.h"
#include "host/report.h"
#include "verifier/vf_internal.h"

#define SWEEP_MODES 3

static const vf_fault_mode mode_of_index[SWEEP_MODES] = {VF_FAULT_TRANSIENT, VF_FAULT_PERSISTENT, VF_FAULT_UNIQUE_SITE};

const char *sweep_mode_name(vf_fault_mode m)
{
    switch (m)
    {
    case VF_FAULT_TRANSIENT:
        return "transient";
    case VF_FAULT_PERSISTENT:
        return "persistent";
    case VF_FAULT_UNIQUE_SITE:
        return "unique-site";
    default:
        return "off";
    }
}

const char *sweep_outcome_name(sweep_outcome o)
{
    switch (o)
    {
    case SWEEP_COMPLETED:
        return "completed";
    case SWEEP_ENTRY_FAILED:
        return "DriverEntry failed";
    case SWEEP_INIT_FAILED:
        return "initialize failed";
    case SWEEP_NOT_REGISTERED:
        return "DriverEntry succeeded unregistered";
    case SWEEP_CRASH:
        return "crash";
    case SWEEP_HANG:
        return "hang";
    case SWEEP_LOST:
        return "lost";
    }
    return "?";
}

void ndishost_sweep_options_init(ndishost_sweep_options *o)
{
    memset(o, 0, sizeof *o);
    o->modes = NDISHOST_SWEEP_ALL;
    o->adapters = 1;
    o->packets = 4;
    o->max_k = 10000;
    o->watchdog_ms = 20000;
}

int ndishost_parse_sweep_modes(const char *s)
{
    if (!s || !*s)
        return -1;
    int bits = 0;
    const char *p = s;
    while (*p)
    {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == 3 && !strncmp(p, "all", 3))
            bits |= NDISHOST_SWEEP_ALL;
        else if (n == 9 && !strncmp(p, "transient", 9))
            bits |= NDISHOST_SWEEP_TRANSIENT;
        else if (n == 10 && !strncmp(p, "persistent", 10))
            bits |= NDISHOST_SWEEP_PERSISTENT;
        else if ((n == 11 && !strncmp(p, "unique-site", 11)) || (n == 6 && !strncmp(p, "unique", 6)))
            bits |= NDISHOST_SWEEP_UNIQUE_SITE;
        else
            return -1;
        p += n;
        if (*p == ',')
        {
            p++;
            if (!*p)
                return -1;
        }
    }
    return bits;
}

/* ---- the child's side of a step ---------------------------------------------------------------- */

typedef struct step_arg
{
    const ndishost_sweep_options *o;
    vf_fault_mode mode; /* VF_FAULT_OFF: the baseline */
    uint64_t k;
} step_arg;

static cJSON *fault_json(void)
{
    vf_fault_status st;
    vf_fault_status_get(&st);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddBoolToObject(f, "reached", st.reached);
    cJSON_AddNumberToObject(f, "calls", (double)st.calls);
    cJSON_AddNumberToObject(f, "failures", (double)st.failures);
    if (st.api)
    {
        cJSON_AddStringToObject(f, "api", st.api);
        if (st.module)
            cJSON_AddStringToObject(f, "module", st.module);
        cJSON_AddNumberToObject(f, "offset", (double)st.offset);
        vf_site s;
        vf_symbolize_return(st.site, &s);
        if (s.file)
            cJSON_AddStringToObject(f, "file", s.file);
        if (s.line)
            cJSON_AddNumberToObject(f, "line", s.line);
        if (s.function)
            cJSON_AddStringToObject(f, "function", s.function);
        if (s.module)
            cJSON_AddStringToObject(f, "module_path", s.module);
    }
    return f;
}

static cJSON *step_job(void *arg)
{
    step_arg *a = arg;
    FILE *null = fopen("/dev/null", "w");
    ndishost_run_options ro;
    ndishost_run_options_init(&ro);
    ro.driver_path = a->o->driver_path;
    ro.adapters = a->o->adapters;
    ro.cycles = 1;
    ro.packets = a->o->packets;
    ro.registry = a->o->registry;
    ro.inf = a->o->inf;
    ro.mac_seed = a->o->mac_seed;
    ro.nic = a->o->nic;
    ro.watchdog_ms = a->o->watchdog_ms / 4 ? a->o->watchdog_ms / 4 : 1;
    ro.out = null ? null : stderr;
    ro.progress = false;
    if (a->mode != VF_FAULT_OFF)
        /* The scope: the initialization paths (DriverEntry with MiniportSetOptions,
         * MiniportInitializeEx, MiniportRestart), including what they call back into. */
        vf_fault_set_scope((UINT64_C(1) << VF_CB_DRIVER_ENTRY) | (UINT64_C(1) << VF_CB_SET_OPTIONS) |
                           (UINT64_C(1) << VF_CB_INITIALIZE) | (UINT64_C(1) << VF_CB_RESTART));
    vf_fault_arm(a->mode, a->mode == VF_FAULT_UNIQUE_SITE ? 1 : a->k);
    ndishost_run_result rr;
    int rc = ndishost_run(&ro, &rr);
    vf_fault_disarm();
    cJSON *res = cJSON_CreateObject();
    cJSON_AddNumberToObject(res, "rc", rc);
    cJSON_AddStringToObject(res, "error", rr.error);
    cJSON_AddNumberToObject(res, "init_failures", rr.init_failures);
    cJSON_AddNumberToObject(res, "cycles_done", rr.cycles_done);
    cJSON_AddItemToObject(res, "fault", fault_json());
    cJSON_AddItemToObject(res, "findings", isolate_findings_json());
    if (null)
        fclose(null);
    return res;
}

static cJSON *step_dump(void *arg)
{
    (void)arg;
    cJSON *res = cJSON_CreateObject();
    cJSON_AddItemToObject(res, "fault", fault_json());
    cJSON_AddItemToObject(res, "findings", isolate_findings_json());
    return res;
}

/* ---- the parent ------------------------------------------------------------------------------------- */

/* A finding of the sweep with the step it came from. */
typedef struct tagged
{
    int mode; /* index into mode_of_index, -1 for the baseline */
    uint64_t k;
} tagged;

typedef struct sweep_ctx
{
    const ndishost_sweep_options *o;
    FILE *out;
    isolate_findings findings; /* every sweep finding, in order */
    tagged *tags;              /* parallel to findings */
    size_t tags_cap;
    isolate_findings baseline; /* the fault-free run's findings, for de-duplication */
    cJSON *modes_json;
    uint64_t t0;
    uint64_t last_progress;
    size_t steps_with_findings_total;
} sweep_ctx;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void add_finding(sweep_ctx *c, const vf_finding *f, const char *prefix, int mode, uint64_t k)
{
    size_t before = c->findings.count;
    isolate_findings_add(&c->findings, f, prefix);
    if (c->findings.count == before)
        return;
    if (c->findings.count > c->tags_cap)
    {
        size_t cap = c->tags_cap ? c->tags_cap * 2 : 16;
        while (cap < c->findings.count)
            cap *= 2;
        tagged *t = realloc(c->tags, cap * sizeof *t);
        if (!t)
            abort();
        c->tags = t;
        c->tags_cap = cap;
    }
    c->tags[c->findings.count - 1] = (tagged){mode, k};
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static bool in_baseline(const sweep_ctx *c, const vf_finding *f)
{
    for (size_t i = 0; i < c->baseline.count; i++)
    {
        const vf_finding *b = &c->baseline.items[i];
        if (str_eq(b->rule, f->rule) && str_eq(b->callback, f->callback) && str_eq(b->message, f->message) &&
            str_eq(b->site.file, f->site.file) && b->site.line == f->site.line)
            return true;
    }
    return false;
}

static const char *jstr(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *name, double dflt)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* What one step produced, as the parent understood it. */
typedef struct step_view
{
    isolate_result ir;
    sweep_outcome outcome;
    bool fault_known; /* the child said which call failed (or that none did) */
    bool reached;
    const char *api;
    const char *module; /* basename as the injector keys it */
    uintptr_t offset;
    vf_site site;           /* the failed call's driver site */
    isolate_findings found; /* the step's findings (before baseline filtering) */
    int rc;
    char error[512];
} step_view;

static int run_step(sweep_ctx *c, vf_fault_mode mode, uint64_t k, step_view *v)
{
    memset(v, 0, sizeof *v);
    step_arg arg = {c->o, mode, k};
    isolate_job job = {step_job, step_dump, &arg};
    isolate_options io = {.driver_path = c->o->driver_path, .timeout_ms = c->o->watchdog_ms, .line_buffered = false};
    if (isolate_run(&io, &job, &v->ir) != 0)
        return -1;
    const cJSON *res = v->ir.result;
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(res, "fault");
    if (cJSON_IsObject(fault))
    {
        v->fault_known = true;
        v->reached = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fault, "reached"));
        const char *api = jstr(fault, "api");
        v->api = api ? vf_intern(api) : NULL;
        const char *module = jstr(fault, "module");
        v->module = module ? vf_intern(module) : NULL;
        double off = jnum(fault, "offset", 0);
        v->offset = off > 0 && off < 1e18 ? (uintptr_t)off : 0;
        const char *file = jstr(fault, "file"), *fn = jstr(fault, "function"), *mp = jstr(fault, "module_path");
        v->site.file = file ? vf_intern(file) : NULL;
        v->site.function = fn ? vf_intern(fn) : NULL;
        v->site.module = mp ? vf_intern(mp) : v->module;
        double line = jnum(fault, "line", 0);
        v->site.line = line > 0 && line < 1e9 ? (int)line : 0;
        v->site.offset = v->offset;
    }
    if (res)
        isolate_findings_add_json(&v->found, cJSON_GetObjectItemCaseSensitive(res, "findings"), NULL);
    switch (v->ir.outcome)
    {
    case ISOLATE_CRASHED:
        v->outcome = SWEEP_CRASH;
        break;
    case ISOLATE_HUNG:
        v->outcome = SWEEP_HANG;
        break;
    case ISOLATE_LOST:
        v->outcome = SWEEP_LOST;
        break;
    case ISOLATE_DONE:
    {
        double rc = jnum(res, "rc", -1);
        v->rc = rc >= 0 && rc <= 2 ? (int)rc : -1;
        const char *err = jstr(res, "error");
        snprintf(v->error, sizeof v->error, "%s", err ? err : "");
        if (v->rc == NDISHOST_EXIT_USAGE)
            v->outcome = strstr(v->error, "without registering") ? SWEEP_NOT_REGISTERED : SWEEP_ENTRY_FAILED;
        else if (jnum(res, "init_failures", 0) > 0)
            v->outcome = SWEEP_INIT_FAILED;
        else
            v->outcome = SWEEP_COMPLETED;
        break;
    }
    }
    return 0;
}

static void step_view_free(step_view *v)
{
    isolate_result_free(&v->ir);
    isolate_findings_free(&v->found);
}

static void site_text(char *buf, size_t n, const vf_site *s)
{
    if (s->file)
        snprintf(buf, n, "%s:%d%s%s%s", vf_basename(s->file), s->line, s->function ? " (" : "",
                 s->function ? s->function : "", s->function ? ")" : "");
    else if (s->module)
        snprintf(buf, n, "%s+0x%lx", vf_basename(s->module), (unsigned long)s->offset);
    else
        snprintf(buf, n, "-");
}

static cJSON *site_json(const vf_site *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "file", s->file ? cJSON_CreateString(s->file) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "line", s->line > 0 ? cJSON_CreateNumber(s->line) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "function", s->function ? cJSON_CreateString(s->function) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "module", s->module ? cJSON_CreateString(s->module) : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "offset", s->module ? cJSON_CreateNumber((double)s->offset) : cJSON_CreateNull());
    return o;
}

/* Records the step's findings (minus the baseline's) and the host finding, tagged with the step.
 * Returns how many it recorded; fills `rules` with their distinct rule ids. */
static size_t take_findings(sweep_ctx *c, step_view *v, int mode, uint64_t k, char *rules, size_t rules_len,
                            size_t *first_index)
{
    char prefix[64];
    if (mode < 0)
        snprintf(prefix, sizeof prefix, "[baseline] ");
    else
        snprintf(prefix, sizeof prefix, "[%s k=%llu] ", sweep_mode_name(mode_of_index[mode]), (unsigned long long)k);
    size_t n = 0;
    *first_index = c->findings.count;
    rules[0] = '\0';
    for (size_t i = 0; i <= v->found.count; i++)
    {
        const vf_finding *f = i < v->found.count ? &v->found.items[i] : v->ir.host;
        if (!f)
            continue;
        if (mode >= 0 && i < v->found.count && in_baseline(c, f))
            continue;
        add_finding(c, f, prefix, mode, k);
        n++;
        if (!strstr(rules, f->rule))
        {
            size_t used = strlen(rules);
            snprintf(rules + used, rules_len - used, "%s%s", used ? " " : "", f->rule);
        }
    }
    return n;
}

static void outcome_text(char *buf, size_t len, const step_view *v, size_t nfind, const char *rules)
{
    size_t used = 0;
    switch (v->outcome)
    {
    case SWEEP_CRASH:
    {
        char sig[16];
        const char *name = sigabbrev_np(v->ir.signal);
        snprintf(sig, sizeof sig, "%s%s", name ? "SIG" : "signal ", name ? name : "?");
        used = (size_t)snprintf(buf, len, "CRASH %s in %s", sig,
                                v->ir.callback != VF_CB_NONE ? vf_callback_name(v->ir.callback) : "host code");
        break;
    }
    case SWEEP_HANG:
        used = (size_t)snprintf(buf, len, "HANG in %s",
                                v->ir.callback != VF_CB_NONE ? vf_callback_name(v->ir.callback) : "host code");
        break;
    case SWEEP_LOST:
        used = (size_t)snprintf(buf, len, "LOST (no report)");
        break;
    default:
        used = (size_t)snprintf(buf, len, "%s%s", sweep_outcome_name(v->outcome),
                                nfind ? "" : (v->outcome == SWEEP_COMPLETED ? "" : " cleanly"));
        break;
    }
    if (nfind && used < len)
        snprintf(buf + used, len - used, ", %zu finding%s: %s", nfind, nfind == 1 ? "" : "s", rules);
}

static void progress(sweep_ctx *c, const char *mode, uint64_t k, bool final)
{
    if (!c->o->progress)
        return;
    uint64_t now = now_ns();
    if (!final && now - c->last_progress < 100000000ULL)
        return;
    c->last_progress = now;
    fprintf(stderr, "\r  sweep %-11s k=%-6llu %zu step(s) with findings  %.1f s%s", mode, (unsigned long long)k,
            c->steps_with_findings_total, (double)(now - c->t0) / 1e9, final ? "\n" : "");
    fflush(stderr);
}

typedef struct site_set
{
    char **keys;
    size_t n, cap;
} site_set;

static bool site_set_add(site_set *s, const char *module, uintptr_t offset)
{
    char key[512];
    snprintf(key, sizeof key, "%s+%lx", module ? module : "?", (unsigned long)offset);
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->keys[i], key))
            return false;
    if (s->n == s->cap)
    {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **k = realloc(s->keys, cap * sizeof *k);
        if (!k)
            return false;
        s->keys = k;
        s->cap = cap;
    }
    s->keys[s->n++] = strdup(key);
    return true;
}

static void site_set_free(site_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->keys[i]);
    free(s->keys);
    memset(s, 0, sizeof *s);
}

static int sweep_mode(sweep_ctx *c, int mi, ndishost_sweep_mode_result *mr, char *err, size_t errlen)
{
    const ndishost_sweep_options *o = c->o;
    vf_fault_mode mode = mode_of_index[mi];
    const char *name = sweep_mode_name(mode);
    FILE *out = c->out;
    mr->ran = true;
    uint64_t t0 = now_ns();
    cJSON *mj = cJSON_AddObjectToObject(c->modes_json, name);
    cJSON *steps = cJSON_CreateArray();
    site_set sites = {0};
    if (mode == VF_FAULT_UNIQUE_SITE)
        vf_fault_forget_sites();

    fprintf(out, "sweep %s:\n  %6s  %-36s %-40s %s\n", name, "k", "failed call", "driver site", "outcome");
    fflush(out);
    uint64_t k = 1;
    for (;; k++)
    {
        if (k > o->max_k)
        {
            mr->cap_hit = true;
            fprintf(out, "  cap: stopped at --max-k %llu with call %llu still reached\n", (unsigned long long)o->max_k,
                    (unsigned long long)k);
            break;
        }
        progress(c, name, k, false);
        step_view v;
        if (run_step(c, mode, k, &v) != 0)
        {
            snprintf(err, errlen, "cannot start a sweep step: %s", strerror(errno));
            site_set_free(&sites);
            cJSON_AddItemToObject(mj, "step_results", steps);
            return -1;
        }
        mr->steps++;
        if (v.ir.outcome == ISOLATE_DONE && v.fault_known && !v.reached)
        {
            /* The k-th call was not reached: every fallible call has been failed. */
            mr->fallible_calls = mode == VF_FAULT_UNIQUE_SITE ? sites.n : k - 1;
            fprintf(out, "  %6llu  %-36s %-40s not reached: %llu fallible call%s\n", (unsigned long long)k, "-", "-",
                    (unsigned long long)mr->fallible_calls, mr->fallible_calls == 1 ? "" : "s");
            step_view_free(&v);
            break;
        }
        if (v.api)
            site_set_add(&sites, v.module, v.offset);
        if (mode == VF_FAULT_UNIQUE_SITE)
        {
            if (v.api)
                vf_fault_exclude_site(v.module, v.offset);
            else if (!v.fault_known || !v.reached)
            {
                /* A crash or hang before the child said which site failed: the next step would
                 * fail the same site again. */
                fprintf(out, "  (unique-site: the child did not say which site failed; stopping this mode)\n");
                mr->fallible_calls = sites.n;
                char rules[128];
                size_t first;
                size_t nf = take_findings(c, &v, mi, k, rules, sizeof rules, &first);
                if (nf)
                    mr->steps_with_findings++, c->steps_with_findings_total++;
                step_view_free(&v);
                break;
            }
        }
        mr->crashes += v.outcome == SWEEP_CRASH;
        mr->hangs += v.outcome == SWEEP_HANG;

        char rules[128];
        size_t first;
        size_t nf = take_findings(c, &v, mi, k, rules, sizeof rules, &first);
        if (v.outcome == SWEEP_NOT_REGISTERED)
        {
            /* The verifier cannot see this one: DriverEntry hid the failure of its registration. */
            vf_finding f;
            memset(&f, 0, sizeof f);
            f.rule = "UL-01";
            f.severity = VF_SEV_ERROR;
            f.callback = vf_callback_name(VF_CB_DRIVER_ENTRY);
            f.message = "DriverEntry returned success although NdisMRegisterMiniportDriver failed";
            f.site = v.site;
            f.count = 1;
            char prefix[64];
            snprintf(prefix, sizeof prefix, "[%s k=%llu] ", name, (unsigned long long)k);
            add_finding(c, &f, prefix, mi, k);
            nf++;
            snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%sUL-01", rules[0] ? " " : "");
        }
        if (v.outcome == SWEEP_CRASH && v.api)
        {
            /* IN-09 (SDV NullCheck): the driver crashed after this call failed; its result was not
             * checked (or not checked well enough). Named at the failed call, beside the crash. */
            vf_finding f;
            memset(&f, 0, sizeof f);
            f.rule = "IN-09";
            f.severity = VF_SEV_WARNING;
            f.callback = v.ir.callback != VF_CB_NONE ? vf_callback_name(v.ir.callback) : "host";
            char msg[256];
            snprintf(msg, sizeof msg, "the driver crashed after %s failed here: the result of the call is not checked",
                     v.api);
            f.message = msg;
            f.site = v.site;
            f.count = 1;
            char prefix[64];
            snprintf(prefix, sizeof prefix, "[%s k=%llu] ", name, (unsigned long long)k);
            add_finding(c, &f, prefix, mi, k);
            nf++;
            snprintf(rules + strlen(rules), sizeof rules - strlen(rules), "%sIN-09", rules[0] ? " " : "");
        }
        if (nf)
        {
            mr->steps_with_findings++;
            c->steps_with_findings_total++;
        }
        char site[256], outcome[256];
        site_text(site, sizeof site, &v.site);
        outcome_text(outcome, sizeof outcome, &v, nf, rules);
        fprintf(out, "  %6llu  %-36s %-40s %s\n", (unsigned long long)k, v.api ? v.api : "?", site, outcome);
        if (o->verbose)
            for (size_t i = first; i < c->findings.count; i++)
            {
                fputs("          FINDING ", out);
                report_text_finding(out, &c->findings.items[i]);
            }
        fflush(out);

        cJSON *sj = cJSON_CreateObject();
        cJSON_AddNumberToObject(sj, "k", (double)k);
        cJSON_AddItemToObject(sj, "api", v.api ? cJSON_CreateString(v.api) : cJSON_CreateNull());
        cJSON_AddItemToObject(sj, "site", site_json(&v.site));
        cJSON_AddStringToObject(sj, "outcome", sweep_outcome_name(v.outcome));
        cJSON_AddBoolToObject(sj, "acceptable", nf == 0);
        cJSON_AddNumberToObject(sj, "findings", (double)nf);
        cJSON_AddItemToArray(steps, sj);
        step_view_free(&v);
    }
    progress(c, name, k, true);
    if (mode == VF_FAULT_UNIQUE_SITE)
        mr->fallible_calls = sites.n;
    mr->distinct_sites = sites.n;
    mr->duration_ns = now_ns() - t0;
    site_set_free(&sites);

    double secs = (double)mr->duration_ns / 1e9;
    cJSON_AddNumberToObject(mj, "steps", (double)mr->steps);
    cJSON_AddNumberToObject(mj, "fallible_calls", (double)mr->fallible_calls);
    cJSON_AddNumberToObject(mj, "distinct_sites", (double)mr->distinct_sites);
    cJSON_AddNumberToObject(mj, "steps_with_findings", (double)mr->steps_with_findings);
    cJSON_AddNumberToObject(mj, "crashes", (double)mr->crashes);
    cJSON_AddNumberToObject(mj, "hangs", (double)mr->hangs);
    cJSON_AddBoolToObject(mj, "cap_hit", mr->cap_hit);
    cJSON_AddNumberToObject(mj, "duration_ms", (double)(mr->duration_ns / 1000000ULL));
    cJSON_AddNumberToObject(mj, "steps_per_second", secs > 0 ? (double)(uint64_t)((double)mr->steps / secs) : 0);
    cJSON_AddItemToObject(mj, "step_results", steps);
    fprintf(
        out,
        "  %s: %llu fallible call%s at %llu distinct site%s, %llu steps, %llu with findings, %.2f s (%.0f steps/s)%s\n",
        name, (unsigned long long)mr->fallible_calls, mr->fallible_calls == 1 ? "" : "s",
        (unsigned long long)mr->distinct_sites, mr->distinct_sites == 1 ? "" : "s", (unsigned long long)mr->steps,
        (unsigned long long)mr->steps_with_findings, secs, secs > 0 ? (double)mr->steps / secs : 0.0,
        mr->cap_hit ? " (cap hit)" : "");
    fflush(out);
    return 0;
}

static int write_text(const char *path, const char *text)
{
    if (!strcmp(path, "-"))
        return fputs(text, stdout) < 0 || fputc('\n', stdout) == EOF || fflush(stdout) ? -1 : 0;
    size_t n = strlen(path) + 8;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0)
    {
        free(tmp);
        return -1;
    }
    FILE *f = fdopen(fd, "w");
    int rc = 0;
    if (!f)
    {
        close(fd);
        rc = -1;
    }
    else
    {
        if (fputs(text, f) < 0 || fputc('\n', f) == EOF || fchmod(fd, 0644))
            rc = -1;
        if (fclose(f))
            rc = -1;
    }
    if (!rc && rename(tmp, path))
        rc = -1;
    if (rc)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* JUnit: one testcase per sweep step (and one for the fault-free baseline), failing with the
 * findings of that step; SARIF: every sweep finding. */
static int write_ci_reports(sweep_ctx *c, const ndishost_sweep_result *r, cJSON *sweep_obj)
{
    const ndishost_sweep_options *o = c->o;
    uint64_t steps = 0;
    for (int i = 0; i < SWEEP_MODES; i++)
        steps += r->mode[i].steps;
    report_run_info info = {.driver = o->driver_path,
                            .command = "sweep",
                            .adapters = o->adapters,
                            .cycles = steps,
                            .duration_ms = r->duration_ns / 1000000ULL};
    const vf_finding **all = calloc(c->findings.count + 1, sizeof *all);
    if (!all)
        return -1;
    for (size_t i = 0; i < c->findings.count; i++)
        all[i] = &c->findings.items[i];
    int rc = 0;
    if (o->sarif_path && report_sarif_write(o->sarif_path, &info, all, c->findings.count) != 0)
        rc = -1;
    if (o->junit_path && rc == 0)
    {
        cJSON *modes = cJSON_GetObjectItemCaseSensitive(sweep_obj, "modes");
        size_t ncases = 1;
        cJSON *mj;
        cJSON_ArrayForEach(mj, modes) ncases +=
            (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(mj, "step_results"));
        report_testcase *cases = calloc(ncases, sizeof *cases);
        const vf_finding **slots = calloc(c->findings.count + 1, sizeof *slots);
        char **texts = calloc(ncases * 2, sizeof *texts);
        if (!cases || !slots || !texts)
            rc = -1;
        size_t n = 0, used = 0;
        for (int pass = -1; rc == 0 && pass < SWEEP_MODES; pass++)
        {
            cJSON *steps_arr = NULL;
            if (pass >= 0)
            {
                mj = cJSON_GetObjectItemCaseSensitive(modes, sweep_mode_name(mode_of_index[pass]));
                steps_arr = mj ? cJSON_GetObjectItemCaseSensitive(mj, "step_results") : NULL;
                if (!steps_arr)
                    continue;
            }
            cJSON *sj = pass < 0 ? NULL : steps_arr->child;
            do
            {
                uint64_t k = sj ? (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(sj, "k")) : 0;
                report_testcase *tc = &cases[n];
                tc->findings = slots + used;
                for (size_t i = 0; i < c->findings.count; i++)
                    if (c->tags[i].mode == pass && (pass < 0 || c->tags[i].k == k))
                        slots[used++] = all[i];
                tc->nfindings = (size_t)(slots + used - tc->findings);
                if (pass < 0)
                    tc->name = "baseline";
                else
                {
                    const cJSON *api = cJSON_GetObjectItemCaseSensitive(sj, "api");
                    const cJSON *out = cJSON_GetObjectItemCaseSensitive(sj, "outcome");
                    if (asprintf(&texts[2 * n], "%s k=%llu", sweep_mode_name(mode_of_index[pass]),
                                 (unsigned long long)k) < 0 ||
                        asprintf(&texts[2 * n + 1], "failed %s: %s",
                                 cJSON_IsString(api) ? api->valuestring : "nothing (not reached)",
                                 cJSON_IsString(out) ? out->valuestring : "?") < 0)
                    {
                        rc = -1;
                        break;
                    }
                    tc->name = texts[2 * n];
                    tc->output = texts[2 * n + 1];
                }
                n++;
                sj = sj ? sj->next : NULL;
            } while (sj && n < ncases);
        }
        if (rc == 0 && report_junit_write(o->junit_path, &info, cases, n) != 0)
            rc = -1;
        for (size_t i = 0; texts && i < ncases * 2; i++)
            free(texts[i]);
        free(texts);
        free(slots);
        free(cases);
    }
    free(all);
    return rc;
}

static int write_json(sweep_ctx *c, const ndishost_sweep_result *r, cJSON *sweep_obj)
{
    const ndishost_sweep_options *o = c->o;
    const vf_finding **list = calloc(c->findings.count ? c->findings.count : 1, sizeof *list);
    if (!list)
        return -1;
    for (size_t i = 0; i < c->findings.count; i++)
        list[i] = &c->findings.items[i];
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddItemReferenceToObject(extra, "sweep", sweep_obj);
    uint64_t steps = 0;
    for (int i = 0; i < SWEEP_MODES; i++)
        steps += r->mode[i].steps;
    report_run_info info = {
        .driver = o->driver_path,
        .command = "sweep",
        .adapters = o->adapters,
        .cycles = steps,
        .packets = 0,
        .duration_ms = r->duration_ns / 1000000ULL,
        .extra = extra,
    };
    char *text = report_json_render(&info, list, c->findings.count);
    free(list);
    cJSON_Delete(extra);
    if (!text)
        return -1;
    /* Each finding names its step, as a member as well as in its message. */
    cJSON *doc = cJSON_Parse(text);
    free(text);
    if (!doc)
        return -1;
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(doc, "findings");
    size_t i = 0;
    cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (i >= c->findings.count)
            break;
        cJSON *s = cJSON_AddObjectToObject(it, "sweep");
        const tagged *t = &c->tags[i++];
        cJSON_AddStringToObject(s, "mode", t->mode < 0 ? "baseline" : sweep_mode_name(mode_of_index[t->mode]));
        cJSON_AddNumberToObject(s, "k", (double)t->k);
    }
    char *out = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!out)
        return -1;
    int rc = write_text(o->json_path, out);
    free(out);
    return rc;
}

int ndishost_sweep(const ndishost_sweep_options *o, ndishost_sweep_result *r)
{
    memset(r, 0, sizeof *r);
    if (!o->driver_path)
    {
        snprintf(r->error, sizeof r->error, "no driver given");
        return NDISHOST_EXIT_USAGE;
    }
    if (o->adapters < 1 || o->adapters > 1024)
    {
        snprintf(r->error, sizeof r->error, "--adapters must be 1..1024 (got %u)", o->adapters);
        return NDISHOST_EXIT_USAGE;
    }
    if (!(o->modes & NDISHOST_SWEEP_ALL) || o->max_k < 1 || o->watchdog_ms < 1)
    {
        snprintf(r->error, sizeof r->error, "bad sweep options (modes, --max-k, --watchdog)");
        return NDISHOST_EXIT_USAGE;
    }
    sweep_ctx c = {.o = o, .out = o->out ? o->out : stdout, .t0 = now_ns()};
    FILE *out = c.out;
    c.modes_json = cJSON_CreateObject();
    int rc = NDISHOST_EXIT_USAGE;

    fprintf(out, "ndishost %s sweep: %s, %u adapter%s, %u packet%s, step watchdog %u ms\n", ndishost_version(),
            o->driver_path, o->adapters, o->adapters == 1 ? "" : "s", o->packets, o->packets == 1 ? "" : "s",
            o->watchdog_ms);
    fflush(out);

    /* The fault-free run: bad input ends the sweep here; its findings are not the sweep's. */
    step_view base;
    if (run_step(&c, VF_FAULT_OFF, 0, &base) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot start the baseline run: %s", strerror(errno));
        goto out;
    }
    if (base.ir.outcome == ISOLATE_DONE && base.rc == NDISHOST_EXIT_USAGE)
    {
        snprintf(r->error, sizeof r->error, "%s", base.error[0] ? base.error : "the driver did not load");
        step_view_free(&base);
        goto out;
    }
    for (size_t i = 0; i < base.found.count; i++)
        isolate_findings_add(&c.baseline, &base.found.items[i], NULL);
    char rules[128];
    size_t first;
    size_t nbase = take_findings(&c, &base, -1, 0, rules, sizeof rules, &first);
    char btext[256];
    outcome_text(btext, sizeof btext, &base, nbase, rules);
    fprintf(out, "baseline (no failure injected): %s\n", btext);
    for (size_t i = first; i < c.findings.count; i++)
    {
        fputs("  FINDING ", out);
        report_text_finding(out, &c.findings.items[i]);
    }
    bool base_broken = base.outcome == SWEEP_CRASH || base.outcome == SWEEP_HANG || base.outcome == SWEEP_LOST;
    cJSON *sweep_obj = cJSON_CreateObject();
    cJSON *bj = cJSON_AddObjectToObject(sweep_obj, "baseline");
    cJSON_AddStringToObject(bj, "outcome", sweep_outcome_name(base.outcome));
    cJSON_AddNumberToObject(bj, "findings", (double)nbase);
    step_view_free(&base);

    if (base_broken)
        fprintf(out, "the baseline run did not complete: no sweep\n");
    else
        for (int mi = 0; mi < SWEEP_MODES; mi++)
        {
            if (!(o->modes & (1u << mi)))
                continue;
            if (sweep_mode(&c, mi, &r->mode[mi], r->error, sizeof r->error) != 0)
            {
                cJSON_Delete(sweep_obj);
                goto out;
            }
        }
    r->duration_ns = now_ns() - c.t0;
    r->findings = c.findings.count;

    char line[1024];
    size_t used = (size_t)snprintf(line, sizeof line, "sweep:");
    for (int mi = 0; mi < SWEEP_MODES; mi++)
    {
        const ndishost_sweep_mode_result *m = &r->mode[mi];
        if (!m->ran)
            continue;
        used += (size_t)snprintf(line + used, sizeof line - used,
                                 "%s %llu fallible call%s, %llu steps, %llu with findings (%s)%s", used > 6 ? ";" : "",
                                 (unsigned long long)m->fallible_calls, m->fallible_calls == 1 ? "" : "s",
                                 (unsigned long long)m->steps, (unsigned long long)m->steps_with_findings,
                                 sweep_mode_name(mode_of_index[mi]), m->cap_hit ? " [cap hit]" : "");
        if (used >= sizeof line)
            break;
    }
    fprintf(out, "%s\n", line);
    size_t errors = 0, warnings = 0;
    for (size_t i = 0; i < c.findings.count; i++)
        c.findings.items[i].severity == VF_SEV_ERROR ? errors++ : warnings++;
    if (c.findings.count)
        fprintf(out, "verdict: findings: %zu error%s, %zu warning%s (%.1f s)\n", errors, errors == 1 ? "" : "s",
                warnings, warnings == 1 ? "" : "s", (double)r->duration_ns / 1e9);
    else
        fprintf(out, "verdict: clean: every injected failure was handled (%.1f s)\n", (double)r->duration_ns / 1e9);
    fflush(out);
    rc = c.findings.count ? NDISHOST_EXIT_FINDINGS : NDISHOST_EXIT_CLEAN;

    cJSON_AddItemToObject(sweep_obj, "modes", c.modes_json);
    c.modes_json = NULL;
    cJSON_AddNumberToObject(sweep_obj, "max_k", (double)o->max_k);
    cJSON_AddNumberToObject(sweep_obj, "packets", o->packets);
    cJSON_AddNumberToObject(sweep_obj, "watchdog_ms", o->watchdog_ms);
    if (o->json_path && write_json(&c, r, sweep_obj) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot write JSON report '%s'", o->json_path);
        rc = NDISHOST_EXIT_USAGE;
    }
    if ((o->junit_path || o->sarif_path) && write_ci_reports(&c, r, sweep_obj) != 0)
    {
        snprintf(r->error, sizeof r->error, "cannot write the JUnit/SARIF report");
        rc = NDISHOST_EXIT_USAGE;
    }
    cJSON_Delete(sweep_obj);

out:
    cJSON_Delete(c.modes_json);
    isolate_findings_free(&c.findings);
    isolate_findings_free(&c.baseline);
    free(c.tags);
    vf_fault_forget_sites();
    return rc;
}
