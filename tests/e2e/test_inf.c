/* End-to-end: the driver's INF as the adapters' registry through the real CLI (docs/inf.md).
 * The fixture driver inf_params prints what its registry holds from MiniportInitializeEx; the
 * fixture INF declares Ndi\params defaults, an optional parameter, a plain HKR value and the
 * network DDInstall entries. Checked: INF defaults (UTF-8 with CRLF and UTF-16LE with a BOM), the
 * registry file over them per adapter, seeded distinct MAC addresses, and one-line errors with
 * exit status 2 for run, sweep and bridge. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "e2e_run.h"

#define FIXTURE_DRIVER E2E_FIXTURE_DIR "/inf_params.so"
#define FIXTURE_INF E2E_INF_FIXTURE

/* The n-th (from 0) line of `text` that starts with `prefix`, copied into buf; false if none. */
static bool nth_line(const char *text, const char *prefix, int n, char *buf, size_t len)
{
    size_t pl = strlen(prefix);
    for (const char *p = text; p && *p;)
    {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        if (l >= pl && strncmp(p, prefix, pl) == 0 && n-- == 0)
        {
            snprintf(buf, len, "%.*s", (int)l, p);
            return true;
        }
        p = eol ? eol + 1 : NULL;
    }
    return false;
}

/* Asserts that adapter `i`'s initialize printed `line` (the driver prints six lines per adapter,
 * adapters initialize one after the other). */
static void assert_adapter_line(const e2e_result *r, int adapter, const char *key, const char *want)
{
    char prefix[128], got[256];
    snprintf(prefix, sizeof prefix, "[driver] inf_params: %s", key);
    if (!nth_line(r->err, prefix, adapter, got, sizeof got))
    {
        e2e_dump("run", r);
        fail_msg("adapter %d printed no '%s' line", adapter, key);
    }
    char expect[256];
    snprintf(expect, sizeof expect, "[driver] inf_params: %s", want);
    if (strcmp(got, expect) != 0)
    {
        e2e_dump("run", r);
        fail_msg("adapter %d: got '%s', want '%s'", adapter, got, expect);
    }
}

static void run_fixture(e2e_result *r, const char *inf, const char *extra1, const char *extra2)
{
    const char *args[] = {"run", FIXTURE_DRIVER, "--inf", inf, "-a", "2", "-n", "2", extra1, extra2, NULL};
    e2e_run_argv(args, r);
}

static void check_inf_defaults(const e2e_result *r)
{
    if (r->status != 0)
        e2e_dump("run", r);
    assert_int_equal(r->status, 0);
    for (int i = 0; i < 2; i++)
    {
        assert_adapter_line(r, i, "LinkSpeedMbps", "LinkSpeedMbps=2500");
        assert_adapter_line(r, i, "*VMQ", "*VMQ=1");
        assert_adapter_line(r, i, "OptionalParam", "OptionalParam missing");
        assert_adapter_line(r, i, "Mode", "Mode=from-inf");
        assert_adapter_line(r, i, "*IfType", "*IfType=6");
    }
    /* Seeded by default (seed 0), distinct per adapter. */
    assert_adapter_line(r, 0, "NetworkAddress", "NetworkAddress=02:4e:48:00:00:00");
    assert_adapter_line(r, 1, "NetworkAddress", "NetworkAddress=02:4e:48:00:00:01");
}

static void test_inf_defaults_utf8(void **state)
{
    e2e_result r;
    run_fixture(&r, FIXTURE_INF, NULL, NULL);
    check_inf_defaults(&r);
    e2e_result_free(&r);
}

static void test_inf_defaults_utf16(void **state)
{
    /* The same INF as UTF-16LE with a byte-order mark, as Windows INFs usually are. */
    char *text = e2e_slurp(FIXTURE_INF);
    char path[300];
    e2e_scratch_path(path, sizeof path, "utf16.inf");
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputc(0xff, f);
    fputc(0xfe, f);
    for (const char *p = text; *p; p++)
    {
        fputc((unsigned char)*p, f); /* the fixture is ASCII */
        fputc(0, f);
    }
    fclose(f);
    free(text);
    e2e_result r;
    run_fixture(&r, path, NULL, NULL);
    check_inf_defaults(&r);
    e2e_result_free(&r);
}

static void test_registry_file_overrides_inf_per_adapter(void **state)
{
    char path[300];
    e2e_scratch_path(path, sizeof path, "override.ini");
    e2e_write_file(path, "[*]\n"
                         "LinkSpeedMbps = dword:100\n"
                         "[adapter 1]\n"
                         "Mode = override\n"
                         "OptionalParam = 9\n"
                         "NetworkAddress = 02-AA-BB-CC-DD-EE\n");
    e2e_result r;
    run_fixture(&r, FIXTURE_INF, "--registry", path);
    if (r.status != 0)
        e2e_dump("run", &r);
    assert_int_equal(r.status, 0);
    assert_adapter_line(&r, 0, "LinkSpeedMbps", "LinkSpeedMbps=100");
    assert_adapter_line(&r, 1, "LinkSpeedMbps", "LinkSpeedMbps=100");
    assert_adapter_line(&r, 0, "Mode", "Mode=from-inf");
    assert_adapter_line(&r, 1, "Mode", "Mode=override");
    assert_adapter_line(&r, 0, "OptionalParam", "OptionalParam missing");
    assert_adapter_line(&r, 1, "OptionalParam", "OptionalParam=9");
    assert_adapter_line(&r, 0, "*VMQ", "*VMQ=1");
    assert_adapter_line(&r, 0, "NetworkAddress", "NetworkAddress=02:4e:48:00:00:00");
    assert_adapter_line(&r, 1, "NetworkAddress", "NetworkAddress=02:aa:bb:cc:dd:ee");
    e2e_result_free(&r);
}

static void test_mac_seed(void **state)
{
    e2e_result r;
    run_fixture(&r, FIXTURE_INF, "--mac-seed", "0x1234");
    assert_int_equal(r.status, 0);
    char a0[256], a1[256];
    assert_true(nth_line(r.err, "[driver] inf_params: NetworkAddress=", 0, a0, sizeof a0));
    assert_true(nth_line(r.err, "[driver] inf_params: NetworkAddress=", 1, a1, sizeof a1));
    /* Locally administered unicast, distinct, and not seed 0's. */
    const char *m0 = a0 + strlen("[driver] inf_params: NetworkAddress="), *m1 = a1 + (m0 - a0);
    assert_int_equal(strncmp(m0, "02:", 3), 0);
    assert_int_equal(strncmp(m1, "02:", 3), 0);
    assert_string_not_equal(m0, m1);
    assert_string_not_equal(m0, "02:4e:48:00:00:00");
    e2e_result_free(&r);
    /* The same seed gives the same addresses. */
    run_fixture(&r, FIXTURE_INF, "--mac-seed", "0x1234");
    char b0[256];
    assert_true(nth_line(r.err, "[driver] inf_params: NetworkAddress=", 0, b0, sizeof b0));
    assert_string_equal(a0, b0);
    e2e_result_free(&r);
    run_fixture(&r, FIXTURE_INF, "--mac-seed", "off");
    assert_int_equal(r.status, 0);
    assert_adapter_line(&r, 0, "NetworkAddress", "NetworkAddress missing");
    assert_adapter_line(&r, 1, "NetworkAddress", "NetworkAddress missing");
    e2e_result_free(&r);
}

/* One line on stderr, exit status 2, nothing run. */
static void assert_usage_error(const char *const *args, const char *want_line)
{
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 2 || strcmp(r.err, want_line) != 0)
    {
        e2e_dump("cli", &r);
        fail_msg("want status 2 and '%s'", want_line);
    }
    assert_int_equal(e2e_count_lines(r.err), 1);
    assert_null(strstr(r.err, "inf_params:")); /* the driver never ran */
    e2e_result_free(&r);
}

static void test_errors_are_one_line_with_status_2(void **state)
{
    char bad[300], want[600];
    e2e_scratch_path(bad, sizeof bad, "bad.inf");
    e2e_write_file(bad, "[Version]\nSignature = \"$Windows NT$\"\n[Manufacturer]\nM = Models\n[Models]\n"
                        "D = Inst, hw\n[Inst]\nAddReg = R\n[R]\nHKR,,Speed,0x10001,fast\n");
    const char *missing = "/nonexistent/driver.inf";

    snprintf(want, sizeof want, "ndishost: %s: cannot open INF file: No such file or directory\n", missing);
    const char *run_missing[] = {"run", FIXTURE_DRIVER, "--inf", missing, NULL};
    assert_usage_error(run_missing, want);
    const char *run_missing_inproc[] = {"run", FIXTURE_DRIVER, "--no-isolate", "--inf", missing, NULL};
    assert_usage_error(run_missing_inproc, want);
    const char *sweep_missing[] = {"sweep", FIXTURE_DRIVER, "-q", "--inf", missing, NULL};
    assert_usage_error(sweep_missing, want);
    const char *bridge_missing[] = {"bridge", FIXTURE_DRIVER, "--inf", missing, NULL};
    assert_usage_error(bridge_missing, want);

    snprintf(want, sizeof want, "ndishost: %s:10: REG_DWORD value 'fast' is not a 32-bit number\n", bad);
    const char *run_bad[] = {"run", FIXTURE_DRIVER, "--inf", bad, NULL};
    assert_usage_error(run_bad, want);

    const char *run_seed[] = {"run", FIXTURE_DRIVER, "--mac-seed", "-3", NULL};
    assert_usage_error(run_seed,
                       "ndishost: --mac-seed expects a number (decimal or 0x hexadecimal) or 'off', not '-3'\n");
}

static void test_sweep_reads_the_inf(void **state)
{
    /* The sweep's steps run with the INF and the registry file too: the fault-free baseline
     * prints their values (step output goes to the sweep's stderr). */
    char path[300];
    e2e_scratch_path(path, sizeof path, "sweep.ini");
    e2e_write_file(path, "[adapter 0]\nMode = sz:swept\n");
    const char *args[] = {"sweep", FIXTURE_DRIVER, "-q",        "-m",         "transient", "-k",
                          "1",     "--inf",        FIXTURE_INF, "--registry", path,        NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 0 && r.status != 1)
        e2e_dump("sweep", &r);
    assert_true(r.status == 0 || r.status == 1);
    assert_adapter_line(&r, 0, "LinkSpeedMbps", "LinkSpeedMbps=2500");
    assert_adapter_line(&r, 0, "Mode", "Mode=swept");
    e2e_result_free(&r);
}

int main(void)
{
    atexit(e2e_cleanup);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inf_defaults_utf8),
        cmocka_unit_test(test_inf_defaults_utf16),
        cmocka_unit_test(test_registry_file_overrides_inf_per_adapter),
        cmocka_unit_test(test_mac_seed),
        cmocka_unit_test(test_errors_are_one_line_with_status_2),
        cmocka_unit_test(test_sweep_reads_the_inf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
