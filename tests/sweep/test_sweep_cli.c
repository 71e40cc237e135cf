/* `ndishost sweep` and the isolated `ndishost run`, end to end through the real binary. Each group
 * is its own ctest (argv[1]). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "e2e/e2e_run.h"

#define SWEEP_DRIVER(name) SWEEP_DRIVER_DIR "/" name ".so"
#define VNIC E2E_DRIVER_DIR "/vnic.so"

/* Under ThreadSanitizer every step (a fork and a whole lifecycle in a TSan process) is about 20
 * times slower: the every-mode test sweeps the zoo's small base driver (36 fallible calls instead
 * of vnic's 135) so that each sweep stays within the harness's time limit. And TSan defers a
 * signal sent to a thread blocked in a raw futex system call, so the child cannot answer the
 * parent's request for its stacks: the hang test, which checks where the child waits, runs in
 * the normal and ASan builds only. */
#if defined(__SANITIZE_THREAD__)
#define SWEEP_SLOW_BUILD 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SWEEP_SLOW_BUILD 1
#endif
#endif
#ifdef SWEEP_SLOW_BUILD
#define EVERY_MODE_DRIVER E2E_DRIVER_DIR "/zoo_clean_base.so"
#else
#define EVERY_MODE_DRIVER VNIC
#endif

/* The line of `marker` in a test driver's source (the defect's line). */
static int marker_line(const char *driver, const char *marker)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s.c", SWEEP_DRIVER_SOURCE_DIR, driver);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[1024];
    int n = 0, found = 0;
    while (fgets(line, sizeof line, f))
    {
        n++;
        if (strstr(line, marker))
        {
            found = n;
            break;
        }
    }
    fclose(f);
    assert_true(found > 0);
    return found;
}

static cJSON *load_json(const char *path)
{
    char *text = e2e_slurp(path);
    cJSON *doc = cJSON_Parse(text);
    free(text);
    assert_non_null(doc);
    return doc;
}

static const cJSON *mode_obj(const cJSON *doc, const char *mode)
{
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(doc, "summary"), "sweep");
    m = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(m, "modes"), mode);
    assert_true(cJSON_IsObject(m));
    return m;
}

static double num(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    assert_true(cJSON_IsNumber(v));
    return v->valuedouble;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = s ? strlen(s) : 0, b = strlen(suffix);
    return s && a >= b && !strcmp(s + a - b, suffix);
}

static void run_expect(const char *const *args, int status, e2e_result *r)
{
    e2e_run_argv(args, r);
    if (r->status != status)
    {
        e2e_dump(args[0], r);
        fail_msg("expected exit status %d, got %d", status, r->status);
    }
}

/* ---- vnic: clean in every mode, a stable number of fallible calls -------------------------------- */

static void vnic_mode(const char *mode, double *calls, double *sites)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "vnic.json");
    const char *args[] = {"sweep", EVERY_MODE_DRIVER, "--mode", mode, "-q", "--json", json, NULL};
    e2e_result r;
    run_expect(args, 0, &r);
    assert_non_null(strstr(r.out, "verdict: clean"));
    cJSON *doc = load_json(json);
    assert_string_equal(str(doc, "command"), "sweep");
    assert_string_equal(str(doc, "verdict"), "clean");
    const cJSON *m = mode_obj(doc, mode);
    *calls = num(m, "fallible_calls");
    *sites = num(m, "distinct_sites");
    assert_true(*calls > 0);
    assert_true(*sites > 0);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "cap_hit")));
    assert_int_equal((int)num(m, "steps_with_findings"), 0);
    /* One step per fallible call (or site) plus the one that was no longer reached. */
    assert_int_equal((int)num(m, "steps"), (int)*calls + 1);
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

static void vnic_clean_every_mode(void **state)
{
    double tc, ts, tc2, ts2, pc, ps, uc, us;
    vnic_mode("transient", &tc, &ts);
    vnic_mode("transient", &tc2, &ts2);
    assert_true(tc == tc2 && ts == ts2); /* stable from run to run */
    vnic_mode("persistent", &pc, &ps);
    assert_true(pc == tc && ps == ts);
    vnic_mode("unique-site", &uc, &us);
    assert_true(uc == ts && us == ts); /* every distinct site, once */
    assert_true(tc >= ts);
}

/* vnic in both modes: driving the simulated NIC adds fallible calls (I/O ports, registers, DMA, shared
 * memory, the interrupt), and every failure of each is still handled. */
static double vnic_unique_sites(const char *nic)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "vnic-nic.json");
    const char *args[] = {"sweep", VNIC, "--mode", "unique-site", "--nic", nic, "-q", "--json", json, NULL};
    e2e_result r;
    run_expect(args, 0, &r);
    cJSON *doc = load_json(json);
    assert_string_equal(str(doc, "verdict"), "clean");
    double sites = num(mode_obj(doc, "unique-site"), "distinct_sites");
    cJSON_Delete(doc);
    e2e_result_free(&r);
    return sites;
}

static void vnic_hardware_and_virtual_modes(void **state)
{
#ifdef SWEEP_SLOW_BUILD
    skip();
#endif
    double hw = vnic_unique_sites("sim"), virt = vnic_unique_sites("none");
    assert_true(virt > 0);
    assert_true(hw > virt);
}

/* ---- a driver that writes through a failed allocation --------------------------------------------- */

static void null_deref_crash_found_and_sweep_continues(void **state)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "null.json");
    const char *args[] = {"sweep", SWEEP_DRIVER("sweep_null_deref"), "-m", "transient", "-q", "-j", json, NULL};
    e2e_result r;
    run_expect(args, 1, &r);
    assert_non_null(strstr(r.out, "CRASH SIGSEGV in MiniportInitializeEx"));
    cJSON *doc = load_json(json);
    int line = marker_line("sweep_null_deref", "SWEEP-CRASH-LINE");
    const cJSON *f, *crash = NULL, *unchecked = NULL;
    size_t n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
    {
        n++;
        if (!strcmp(str(f, "rule"), "HOST-01"))
            crash = f;
        if (!strcmp(str(f, "rule"), "IN-09"))
            unchecked = f;
    }
    assert_int_equal(n, 2);
    assert_non_null(crash);
    /* IN-09 names the call whose failure was not checked. */
    assert_non_null(unchecked);
    assert_string_equal(str(unchecked, "severity"), "warning");
    assert_non_null(strstr(str(unchecked, "message"), "NdisAllocateMemoryWithTagPriority"));
    const cJSON *usite = cJSON_GetObjectItemCaseSensitive(unchecked, "site");
    assert_true(ends_with(str(usite, "file"), "sweep_null_deref.c"));
    assert_int_equal((int)num(usite, "line"), marker_line("sweep_null_deref", "SWEEP-UNCHECKED-LINE"));
    assert_non_null(strstr(str(crash, "message"), "SIGSEGV"));
    assert_non_null(strstr(str(crash, "message"), "MiniportInitializeEx"));
    assert_string_equal(str(crash, "callback"), "MiniportInitializeEx");
    const cJSON *site = cJSON_GetObjectItemCaseSensitive(crash, "site");
    assert_true(ends_with(str(site, "file"), "sweep_null_deref.c"));
    assert_int_equal((int)num(site, "line"), line);
    const cJSON *tag = cJSON_GetObjectItemCaseSensitive(crash, "sweep");
    assert_string_equal(str(tag, "mode"), "transient");
    int crash_k = (int)num(tag, "k");
    /* The sweep went on past the crash to the end of the driver's fallible calls. */
    const cJSON *m = mode_obj(doc, "transient");
    assert_true(num(m, "fallible_calls") > crash_k);
    assert_int_equal((int)num(m, "crashes"), 1);
    assert_int_equal((int)num(m, "steps_with_findings"), 1);
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

/* ---- a driver that leaks on one failure path ----------------------------------------------------- */

static void leak_on_one_failure_path(void **state)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "leak.json");
    const char *args[] = {"sweep", SWEEP_DRIVER("sweep_leak_on_failure"), "-m", "transient", "-q", "-v", "-j", json,
                          NULL};
    e2e_result r;
    run_expect(args, 1, &r);
    cJSON *doc = load_json(json);
    int leak_line = marker_line("sweep_leak_on_failure", "SWEEP-LEAK-LINE");
    int fail_line = marker_line("sweep_leak_on_failure", "SWEEP-FAIL-LINE");
    const cJSON *m = mode_obj(doc, "transient");
    assert_int_equal((int)num(m, "steps_with_findings"), 1);
    /* Exactly one step is unacceptable: the one that failed the second allocation. */
    int bad_k = -1;
    const cJSON *s;
    cJSON_ArrayForEach(s, cJSON_GetObjectItemCaseSensitive(m, "step_results"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(s, "acceptable")))
            continue;
        assert_int_equal(bad_k, -1);
        bad_k = (int)num(s, "k");
        assert_string_equal(str(s, "api"), "NdisAllocateMemoryWithTagPriority");
        assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(s, "site"), "line"), fail_line);
        assert_string_equal(str(s, "outcome"), "initialize failed");
    }
    assert_true(bad_k > 0);
    const cJSON *f;
    size_t n = 0;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
    {
        n++;
        assert_string_equal(str(f, "rule"), "IN-04");
        assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(f, "site"), "line"), leak_line);
        assert_int_equal((int)num(cJSON_GetObjectItemCaseSensitive(f, "sweep"), "k"), bad_k);
    }
    assert_int_equal(n, 1);
    assert_non_null(strstr(r.out, "FINDING IN-04"));
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

/* ---- isolation of `run` ---------------------------------------------------------------------------- */

static const cJSON *only_host_finding(const cJSON *doc)
{
    const cJSON *f, *host = NULL;
    cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(doc, "findings"))
    {
        if (!strcmp(str(f, "rule"), "HOST-01"))
        {
            assert_null(host);
            host = f;
        }
    }
    assert_non_null(host);
    return host;
}

static void hang_in_halt_is_a_finding(void **state)
{
#ifdef SWEEP_SLOW_BUILD
    skip(); /* see SWEEP_SLOW_BUILD */
#endif
    char json[300];
    e2e_scratch_path(json, sizeof json, "hang.json");
    const char *args[] = {
        "run", SWEEP_DRIVER("sweep_hang_halt"), "-a", "1", "-q", "--watchdog", "100", "--timeout", "1500", "-j", json,
        NULL};
    e2e_result r;
    run_expect(args, 1, &r);
    assert_non_null(strstr(r.out, "FINDING HOST-01"));
    cJSON *doc = load_json(json);
    assert_string_equal(str(doc, "verdict"), "findings");
    const cJSON *host = only_host_finding(doc);
    assert_string_equal(str(host, "callback"), "MiniportHaltEx");
    assert_non_null(strstr(str(host, "message"), "hung in MiniportHaltEx (adapter 0)"));
    assert_non_null(strstr(str(host, "message"), "1500 ms"));
    const cJSON *site = cJSON_GetObjectItemCaseSensitive(host, "site");
    assert_true(ends_with(str(site, "file"), "sweep_hang_halt.c"));
    assert_int_equal((int)num(site, "line"), marker_line("sweep_hang_halt", "SWEEP-HANG-LINE"));
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

static void crash_in_pause_is_a_finding(void **state)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "pause.json");
    const char *args[] = {"run", SWEEP_DRIVER("sweep_crash_pause"), "-a", "1", "-q", "-j", json, NULL};
    e2e_result r;
    run_expect(args, 1, &r);
    /* What the child printed before it crashed came through. */
    assert_non_null(strstr(r.out, "MiniportRestart"));
    assert_non_null(strstr(r.out, "FINDING HOST-01"));
    cJSON *doc = load_json(json);
    const cJSON *host = only_host_finding(doc);
    assert_string_equal(str(host, "callback"), "MiniportPause");
    assert_non_null(strstr(str(host, "message"), "SIGSEGV"));
    assert_non_null(strstr(str(host, "message"), "in MiniportPause (adapter 0)"));
    const cJSON *site = cJSON_GetObjectItemCaseSensitive(host, "site");
    assert_true(ends_with(str(site, "file"), "sweep_crash_pause.c"));
    assert_int_equal((int)num(site, "line"), marker_line("sweep_crash_pause", "SWEEP-PAUSE-LINE"));
    assert_string_equal(str(doc, "command"), "run");
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

/* ---- usage ----------------------------------------------------------------------------------------- */

static void expect_usage(const char *const *args, const char *needle)
{
    e2e_result r;
    e2e_run_argv(args, &r);
    bool ok = r.status == 2 && e2e_count_lines(r.err) == 1 && !strncmp(r.err, "ndishost: ", 10) &&
              (!needle || strstr(r.err, needle));
    if (!ok)
    {
        e2e_dump(args[0], &r);
        fail_msg("expected exit 2 and one stderr line with '%s'", needle ? needle : "");
    }
    e2e_result_free(&r);
}

static void sweep_usage_errors(void **state)
{
    const char *bad_mode[] = {"sweep", "--mode", "sometimes", NULL};
    expect_usage(bad_mode, "sometimes");
    const char *missing[] = {"sweep", "/nonexistent/ndishost-sweep/driver.so", NULL};
    expect_usage(missing, "/nonexistent/ndishost-sweep/driver.so");
    const char *bad_k[] = {"sweep", "--max-k", "0", NULL};
    expect_usage(bad_k, "--max-k");
    const char *extra[] = {"sweep", VNIC, "surplus", NULL};
    expect_usage(extra, "surplus");
    const char *no_value[] = {"sweep", "--watchdog", NULL};
    expect_usage(no_value, "--watchdog");
}

static void sweep_cap_is_reported(void **state)
{
    char json[300];
    e2e_scratch_path(json, sizeof json, "cap.json");
    const char *args[] = {"sweep", VNIC, "-m", "transient", "-q", "--max-k", "3", "-j", json, NULL};
    e2e_result r;
    run_expect(args, 0, &r);
    assert_non_null(strstr(r.out, "cap"));
    cJSON *doc = load_json(json);
    const cJSON *m = mode_obj(doc, "transient");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m, "cap_hit")));
    assert_int_equal((int)num(m, "steps"), 3);
    cJSON_Delete(doc);
    e2e_result_free(&r);
}

static void run_no_isolate_still_works(void **state)
{
    const char *args[] = {"run", VNIC, "-a", "1", "-q", "--no-isolate", NULL};
    e2e_result r;
    run_expect(args, 0, &r);
    assert_non_null(strstr(r.out, "verdict: clean"));
    e2e_result_free(&r);
}

int main(int argc, char **argv)
{
    const char *group = argc > 1 ? argv[1] : "all";
    const struct CMUnitTest vnic[] = {cmocka_unit_test(vnic_clean_every_mode),
                                      cmocka_unit_test(vnic_hardware_and_virtual_modes)};
    const struct CMUnitTest null_deref[] = {cmocka_unit_test(null_deref_crash_found_and_sweep_continues)};
    const struct CMUnitTest leak[] = {cmocka_unit_test(leak_on_one_failure_path)};
    const struct CMUnitTest hang[] = {cmocka_unit_test(hang_in_halt_is_a_finding)};
    const struct CMUnitTest pause[] = {cmocka_unit_test(crash_in_pause_is_a_finding)};
    const struct CMUnitTest usage[] = {cmocka_unit_test(sweep_usage_errors), cmocka_unit_test(sweep_cap_is_reported),
                                       cmocka_unit_test(run_no_isolate_still_works)};
    int failed = 0;
    bool all = !strcmp(group, "all");
    if (all || !strcmp(group, "vnic"))
        failed += cmocka_run_group_tests_name("sweep vnic", vnic, NULL, NULL);
    if (all || !strcmp(group, "null-deref"))
        failed += cmocka_run_group_tests_name("sweep null deref", null_deref, NULL, NULL);
    if (all || !strcmp(group, "leak"))
        failed += cmocka_run_group_tests_name("sweep leak", leak, NULL, NULL);
    if (all || !strcmp(group, "hang-halt"))
        failed += cmocka_run_group_tests_name("run hang in halt", hang, NULL, NULL);
    if (all || !strcmp(group, "crash-pause"))
        failed += cmocka_run_group_tests_name("run crash in pause", pause, NULL, NULL);
    if (all || !strcmp(group, "usage"))
        failed += cmocka_run_group_tests_name("sweep usage", usage, NULL, NULL);
    e2e_cleanup();
    return failed;
}
