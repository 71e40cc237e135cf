/* End-to-end: every zoo driver (drivers/zoo, one broken rule each) run through the real CLI must
 * give exit status 1 and a JSON report with exactly its rule(s), each pointing at the line of
 * the driver source marked `ZOO-EXPECT: <RULE>`; the reference driver vnic and the zoo base must
 * be finding-free under every return policy, adapter count and halt action.
 *
 *   e2e_test_zoo                  everything
 *   e2e_test_zoo zoo NAME         one zoo driver
 *   e2e_test_zoo table            every zoo source has a table entry and markers
 *   e2e_test_zoo vnic-policies | vnic-halt-actions | base-policies */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <cjson/cJSON.h>
#include <dirent.h>

#include "e2e_run.h"

typedef struct zoo_case
{
    const char *name;       /* drivers/zoo/NAME.c, built as zoo_NAME.so */
    const char *args[6];    /* extra CLI arguments, after the defaults (they override them) */
    int exit_code;          /* 1: findings; 0: clean; 2: the load fails (no report) */
    const char *function;   /* rules reported at a handler (its return status): that handler */
    const char *stderr_has; /* exit 2: what the one line on stderr must name */
} zoo_case;

static const zoo_case zoo_cases[] = {
#include "zoo_cases_core.inc"
#include "zoo_cases_irq.inc"
#include "zoo_cases_dma.inc"
#include "zoo_cases_shutdown.inc"
};
#define N_ZOO (sizeof zoo_cases / sizeof zoo_cases[0])

/* Function-level sites resolve to the function's first lines (declarator, brace or first
 * statement, depending on the compiler): accept that many lines after the marker. */
#define FUNCTION_SITE_SLACK 10

/* ---- markers --------------------------------------------------------------------------------- */

typedef struct marker
{
    char rule[16];
    int line;
} marker;

/* Reads the `ZOO-EXPECT: RULE` markers of a zoo source. Returns the count. */
static size_t read_markers(const char *name, marker *out, size_t max)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.c", E2E_ZOO_SOURCE_DIR, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[1024];
    size_t n = 0;
    int lineno = 0;
    while (fgets(line, sizeof line, f))
    {
        lineno++;
        const char *m = strstr(line, "ZOO-EXPECT: ");
        if (!m || n == max)
            continue;
        m += strlen("ZOO-EXPECT: ");
        size_t k = 0;
        while ((m[k] >= 'A' && m[k] <= 'Z') || (m[k] >= '0' && m[k] <= '9') || m[k] == '-')
            k++;
        if (k == 0 || k >= sizeof out[n].rule)
            continue;
        memcpy(out[n].rule, m, k);
        out[n].rule[k] = '\0';
        out[n].line = lineno;
        n++;
    }
    fclose(f);
    return n;
}

static const marker *find_marker(const marker *m, size_t n, const char *rule)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(m[i].rule, rule))
            return &m[i];
    return NULL;
}

/* ---- report ------------------------------------------------------------------------------------ */

static cJSON *load_report(const char *path)
{
    char *text = e2e_slurp(path);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    return doc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && !strcmp(s + a - b, suffix);
}

static const char *json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void check_zoo_report(const zoo_case *c, const marker *m, size_t nm, const char *json_path, const e2e_result *r)
{
    cJSON *doc = load_report(json_path);
    if (!doc)
    {
        e2e_dump(c->name, r);
        fail_msg("%s: no parsable JSON report at %s", c->name, json_path);
    }
    const cJSON *findings = cJSON_GetObjectItemCaseSensitive(doc, "findings");
    assert_true(cJSON_IsArray(findings));
    const char *verdict = json_str(doc, "verdict");
    assert_non_null(verdict);
    assert_string_equal(verdict, nm ? "findings" : "clean");

    char site_suffix[300];
    snprintf(site_suffix, sizeof site_suffix, "/%s.c", c->name);
    bool seen[16] = {false};
    int errors = 0;
    const cJSON *f;
    cJSON_ArrayForEach(f, findings)
    {
        const char *rule = json_str(f, "rule");
        const char *message = json_str(f, "message");
        const cJSON *site = cJSON_GetObjectItemCaseSensitive(f, "site");
        const char *file = json_str(site, "file");
        const char *function = json_str(site, "function");
        const cJSON *line = cJSON_GetObjectItemCaseSensitive(site, "line");
        int ln = cJSON_IsNumber(line) ? line->valueint : -1;
        const marker *mk = rule ? find_marker(m, nm, rule) : NULL;
        if (!mk)
        {
            fprintf(stderr, "%s: unexpected %s at %s:%d (%s): %s\n", c->name, rule ? rule : "(no rule)",
                    file ? file : "?", ln, function ? function : "?", message ? message : "");
            errors++;
            continue;
        }
        seen[mk - m] = true;
        bool file_ok = file && ends_with(file, site_suffix);
        bool line_ok = c->function ? function && !strcmp(function, c->function) && ln >= mk->line &&
                                         ln <= mk->line + FUNCTION_SITE_SLACK
                                   : ln == mk->line;
        if (!file_ok || !line_ok)
        {
            fprintf(stderr, "%s: %s reported at %s:%d (%s), expected %s:%d%s%s: %s\n", c->name, rule, file ? file : "?",
                    ln, function ? function : "?", site_suffix + 1, mk->line, c->function ? " in " : "",
                    c->function ? c->function : "", message ? message : "");
            errors++;
        }
    }
    for (size_t i = 0; i < nm; i++)
        if (!seen[i])
        {
            fprintf(stderr, "%s: expected %s (line %d) was not reported\n", c->name, m[i].rule, m[i].line);
            errors++;
        }
    cJSON_Delete(doc);
    if (errors)
    {
        e2e_dump(c->name, r);
        fail_msg("%s: %d problem(s) with the report", c->name, errors);
    }
}

static void run_zoo_case(void **state)
{
    const zoo_case *c = *state;
    marker m[16];
    size_t nm = read_markers(c->name, m, 16);
    if (c->exit_code != 0 && nm == 0)
        fail_msg("%s.c has no ZOO-EXPECT marker", c->name);

    char driver[512], json_path[300];
    snprintf(driver, sizeof driver, "%s/zoo_%s.so", E2E_DRIVER_DIR, c->name);
    e2e_scratch_path(json_path, sizeof json_path, "report.json");
    unlink(json_path);
    const char *args[E2E_MAX_ARGS] = {"run", driver, "--adapters", "1", "--cycles", "1", "--json", json_path, "-q"};
    size_t n = 9;
    for (size_t i = 0; c->args[i]; i++)
        args[n++] = c->args[i];
    args[n] = NULL;

    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != c->exit_code)
    {
        e2e_dump(c->name, &r);
        fail_msg("%s: exit status %d, expected %d", c->name, r.status, c->exit_code);
    }
    if (c->exit_code == 2)
    {
        /* The load failed: one line on stderr naming the problem, the finding on stdout. */
        if (e2e_count_lines(r.err) != 1 || strncmp(r.err, "ndishost: ", 10) || !strstr(r.err, c->stderr_has))
        {
            e2e_dump(c->name, &r);
            fail_msg("%s: expected one stderr line 'ndishost: ...%s...'", c->name, c->stderr_has);
        }
        for (size_t i = 0; i < nm; i++)
            if (!strstr(r.out, m[i].rule))
            {
                e2e_dump(c->name, &r);
                fail_msg("%s: %s is not reported on stdout", c->name, m[i].rule);
            }
    }
    else
        check_zoo_report(c, m, nm, json_path, &r);
    e2e_result_free(&r);
}

/* Every zoo source has an entry, and every entry that expects findings has markers. */
static void zoo_table_complete(void **state)
{
    DIR *d = opendir(E2E_ZOO_SOURCE_DIR);
    assert_non_null(d);
    struct dirent *e;
    int missing = 0;
    while ((e = readdir(d)))
    {
        size_t len = strlen(e->d_name);
        if (len < 3 || strcmp(e->d_name + len - 2, ".c"))
            continue;
        bool found = false;
        for (size_t i = 0; i < N_ZOO; i++)
            if (strlen(zoo_cases[i].name) == len - 2 && !strncmp(zoo_cases[i].name, e->d_name, len - 2))
                found = true;
        if (!found)
        {
            fprintf(stderr, "drivers/zoo/%s has no entry in the test table\n", e->d_name);
            missing++;
        }
    }
    closedir(d);
    for (size_t i = 0; i < N_ZOO; i++)
    {
        marker m[16];
        if (zoo_cases[i].exit_code != 0 && read_markers(zoo_cases[i].name, m, 16) == 0)
        {
            fprintf(stderr, "%s: no source or no ZOO-EXPECT marker\n", zoo_cases[i].name);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

/* ---- clean drivers ------------------------------------------------------------------------------- */

typedef struct clean_case
{
    const char *driver; /* file name in the driver directory */
    const char *policy;
    const char *adapters;
    const char *cycles;
    const char *halt_action;
    const char *scenario; /* NULL: basic */
    const char *nic;      /* NULL: the default (a simulated NIC); "none": virtual */
    const char *restarts; /* NULL: none */
} clean_case;

static void run_clean_case(void **state)
{
    const clean_case *c = *state;
    char driver[512], json_path[300], what[256];
    snprintf(driver, sizeof driver, "%s/%s", E2E_DRIVER_DIR, c->driver);
    snprintf(what, sizeof what,
             "%s --return-policy %s --adapters %s --cycles %s --halt-action %s --scenario %s --nic %s --restarts %s",
             c->driver, c->policy, c->adapters, c->cycles, c->halt_action, c->scenario ? c->scenario : "basic",
             c->nic ? c->nic : "sim", c->restarts ? c->restarts : "0");
    e2e_scratch_path(json_path, sizeof json_path, "clean.json");
    unlink(json_path);
    const char *args[] = {"run",
                          driver,
                          "--return-policy",
                          c->policy,
                          "--adapters",
                          c->adapters,
                          "--cycles",
                          c->cycles,
                          "--halt-action",
                          c->halt_action,
                          "--json",
                          json_path,
                          "-q",
                          "--scenario",
                          c->scenario ? c->scenario : "basic",
                          "--nic",
                          c->nic ? c->nic : "sim",
                          "--restarts",
                          c->restarts ? c->restarts : "0",
                          NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    cJSON *doc = load_report(json_path);
    const char *verdict = doc ? json_str(doc, "verdict") : NULL;
    if (r.status != 0 || !verdict || strcmp(verdict, "clean"))
    {
        e2e_dump(what, &r);
        cJSON_Delete(doc);
        fail_msg("%s: exit status %d, verdict %s; expected 0 and clean", what, r.status, verdict ? verdict : "(none)");
    }
    /* A clean run initialized every adapter it meant to (a failed initialize is not a finding by itself). */
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(doc, "summary");
    const cJSON *fails = cJSON_GetObjectItemCaseSensitive(summary, "initialize_failures");
    if (!cJSON_IsNumber(fails) || fails->valuedouble != 0)
    {
        e2e_dump(what, &r);
        cJSON_Delete(doc);
        fail_msg("%s: initialize failed %g time(s)", what, cJSON_IsNumber(fails) ? fails->valuedouble : -1.0);
    }
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

static const char *const policies[] = {"immediate", "delay:5", "at-pause", "reverse", "shuffle:7"};
static const char *const halt_actions[] = {"disabled", "deinitialized",         "powered-down", "surprise-removed",
                                           "failed",   "initialization-failed", "stopped"};
#define N_POLICIES (sizeof policies / sizeof policies[0])
#define N_HALT_ACTIONS (sizeof halt_actions / sizeof halt_actions[0])

static clean_case clean_cases[64];
static struct CMUnitTest clean_tests[64];
static char clean_names[64][160];

static size_t add_clean_in(size_t n, const char *driver, const char *policy, const char *adapters, const char *cycles,
                           const char *halt, const char *scenario, const char *nic)
{
    clean_cases[n] = (clean_case){driver, policy, adapters, cycles, halt, scenario, nic, NULL};
    snprintf(clean_names[n], sizeof clean_names[n], "%s_%s_a%s_c%s_%s_%s_%s", driver, policy, adapters, cycles, halt,
             scenario ? scenario : "basic", nic ? nic : "sim");
    clean_tests[n] = (struct CMUnitTest){clean_names[n], run_clean_case, NULL, NULL, &clean_cases[n]};
    return n + 1;
}

static size_t add_clean(size_t n, const char *driver, const char *policy, const char *adapters, const char *cycles,
                        const char *halt)
{
    return add_clean_in(n, driver, policy, adapters, cycles, halt, NULL, NULL);
}

static const char *const scenarios[] = {"basic",      "disable",        "surprise-removal", "stop-start",
                                        "power-down", "device-failure", "init-failed",      "shutdown",
                                        "bugcheck",   "halt-bugcheck"};
#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

static int run_clean_group(const char *group)
{
    size_t n = 0;
    static const char *const adapter_counts[] = {"1", "2", "8"};
    if (!strcmp(group, "vnic-policies"))
    {
        for (size_t p = 0; p < N_POLICIES; p++)
            for (size_t a = 0; a < 3; a++)
                n = add_clean(n, "vnic.so", policies[p], adapter_counts[a], "20", "disabled");
    }
    else if (!strcmp(group, "vnic-virtual-policies"))
    {
        for (size_t p = 0; p < N_POLICIES; p++)
            for (size_t a = 0; a < 3; a++)
                n = add_clean_in(n, "vnic.so", policies[p], adapter_counts[a], "5", "disabled", NULL, "none");
    }
    else if (!strcmp(group, "vnic-scenarios"))
    {
        /* Every scenario, hardware-backed and virtual, with returns out of order; then `all` once each. */
        for (size_t k = 0; k < N_SCENARIOS; k++)
        {
            n = add_clean_in(n, "vnic.so", "shuffle:7", "3", "2", "disabled", scenarios[k], NULL);
            n = add_clean_in(n, "vnic.so", "shuffle:7", "3", "2", "disabled", scenarios[k], "none");
        }
        n = add_clean_in(n, "vnic.so", "at-pause", "2", "1", "disabled", "all", NULL);
        n = add_clean_in(n, "vnic.so", "at-pause", "2", "1", "disabled", "all", "none");
        /* Pause and restart again within a cycle: the data path re-attaches after a pause. */
        n = add_clean_in(n, "vnic.so", "shuffle:7", "2", "2", "disabled", NULL, NULL);
        clean_cases[n - 1].restarts = "3";
        n = add_clean_in(n, "vnic.so", "shuffle:7", "2", "2", "disabled", NULL, "none");
        clean_cases[n - 1].restarts = "3";
    }
    else if (!strcmp(group, "vnic-scale"))
    {
        n = add_clean_in(n, "vnic.so", "reverse", "64", "3", "disabled", NULL, NULL);
        n = add_clean_in(n, "vnic.so", "reverse", "64", "3", "surprise-removed", NULL, NULL);
        n = add_clean_in(n, "vnic.so", "reverse", "64", "3", "disabled", NULL, "none");
    }
    else if (!strcmp(group, "vnic-halt-actions"))
    {
        for (size_t h = 0; h < N_HALT_ACTIONS; h++)
            n = add_clean(n, "vnic.so", "immediate", "2", "20", halt_actions[h]);
    }
    else if (!strcmp(group, "base-policies"))
    {
        for (size_t p = 0; p < N_POLICIES; p++)
            n = add_clean(n, "zoo_clean_base.so", policies[p], "2", "5", "disabled");
        for (size_t h = 0; h < N_HALT_ACTIONS; h++)
            n = add_clean(n, "zoo_clean_base.so", "at-pause", "1", "3", halt_actions[h]);
    }
    else
        return -1;
    return _cmocka_run_group_tests(group, clean_tests, n, NULL, NULL);
}

/* ---- main ---------------------------------------------------------------------------------------- */

static struct CMUnitTest zoo_tests[N_ZOO];

static int run_zoo_group(const char *only)
{
    size_t n = 0;
    for (size_t i = 0; i < N_ZOO; i++)
    {
        if (only && strcmp(only, zoo_cases[i].name))
            continue;
        zoo_tests[n++] = (struct CMUnitTest){zoo_cases[i].name, run_zoo_case, NULL, NULL, (void *)&zoo_cases[i]};
    }
    if (n == 0)
    {
        fprintf(stderr, "no zoo driver '%s' in the test table\n", only ? only : "");
        return 1;
    }
    return _cmocka_run_group_tests("zoo", zoo_tests, n, NULL, NULL);
}

int main(int argc, char **argv)
{
    atexit(e2e_cleanup);
    if (argc >= 3 && !strcmp(argv[1], "zoo"))
        return run_zoo_group(argv[2]);
    if (argc >= 2 && !strcmp(argv[1], "table"))
    {
        const struct CMUnitTest t[] = {cmocka_unit_test(zoo_table_complete)};
        return cmocka_run_group_tests_name("zoo_table", t, NULL, NULL);
    }
    if (argc >= 2)
    {
        int rc = run_clean_group(argv[1]);
        if (rc < 0)
        {
            fprintf(stderr,
                    "usage: %s [zoo NAME | table | vnic-policies | vnic-virtual-policies | vnic-halt-actions | "
                    "vnic-scenarios | vnic-scale | base-policies]\n",
                    argv[0]);
            return 2;
        }
        return rc;
    }
    int rc = 0;
    const struct CMUnitTest t[] = {cmocka_unit_test(zoo_table_complete)};
    rc |= cmocka_run_group_tests_name("zoo_table", t, NULL, NULL);
    rc |= run_zoo_group(NULL);
    rc |= run_clean_group("vnic-policies");
    rc |= run_clean_group("vnic-halt-actions");
    rc |= run_clean_group("vnic-virtual-policies");
    rc |= run_clean_group("vnic-scenarios");
    rc |= run_clean_group("vnic-scale");
    rc |= run_clean_group("base-policies");
    return rc;
}
