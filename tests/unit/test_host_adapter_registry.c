/* Each adapter's registry before the driver runs (src/host/adapter_registry.c, docs/inf.md): the
 * INF's defaults, then a seeded NetworkAddress and NetCfgInstanceId distinct per adapter, then the
 * registry file over everything; --mac-seed parsing and "off". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "host/adapter_registry.h"
#include "ndis/config.h"

static char g_inf[64], g_ini[64];

static void write_file(char *path, const char *tmpl, const char *text)
{
    strcpy(path, tmpl);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static int setup(void **state)
{
    write_file(g_inf, "/tmp/test_adapter_registry_XXXXXX",
               "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models\n[Models]\nDev=Inst,root\\dev\n"
               "[Inst]\nAddReg=R\n[R]\nHKR,,Mode,0,\"inf\"\nHKR,,Other,0,\"inf\"\n"
               "HKR,,NetworkAddress,0,\"02EEEEEEEEEE\"\n");
    write_file(g_ini, "/tmp/test_adapter_registry_XXXXXX", "[adapter 1]\nMode = file\nNetworkAddress = 0200000000AA\n");
    return 0;
}

static int teardown(void **state)
{
    unlink(g_inf);
    unlink(g_ini);
    return 0;
}

static void get(ndis_config_store *s, const char *name, char *buf, size_t n)
{
    if (ndis_config_get_sz(s, NULL, name, buf, n) != 0)
        snprintf(buf, n, "(none)");
}

static void test_precedence_inf_seed_file(void **state)
{
    ndis_config_store *s[2];
    char err[512], v[64];
    for (unsigned i = 0; i < 2; i++)
    {
        s[i] = ndis_config_store_new();
        assert_int_equal(host_adapter_registry_load(s[i], g_inf, g_ini, NULL, i, err, sizeof err), 0);
    }
    get(s[0], "Mode", v, sizeof v);
    assert_string_equal(v, "inf");
    get(s[1], "Mode", v, sizeof v);
    assert_string_equal(v, "file");
    get(s[1], "Other", v, sizeof v);
    assert_string_equal(v, "inf");
    /* The seeded address replaces the INF's (the same for every adapter) and yields to the file's. */
    get(s[0], "NetworkAddress", v, sizeof v);
    assert_string_equal(v, "024E48000000");
    get(s[1], "NetworkAddress", v, sizeof v);
    assert_string_equal(v, "0200000000AA");
    /* NetCfgInstanceId: a GUID, distinct per adapter. */
    char g0[64], g1[64];
    get(s[0], "NetCfgInstanceId", g0, sizeof g0);
    get(s[1], "NetCfgInstanceId", g1, sizeof g1);
    assert_int_equal(strlen(g0), 38);
    assert_true(g0[0] == '{' && g0[37] == '}' && g0[9] == '-' && g0[14] == '-' && g0[15] == '4');
    assert_string_not_equal(g0, g1);
    for (unsigned i = 0; i < 2; i++)
        ndis_config_store_free(s[i]);
}

static void test_mac_seed(void **state)
{
    bool on;
    uint64_t seed;
    assert_int_equal(host_parse_mac_seed(NULL, &on, &seed), 0);
    assert_true(on);
    assert_int_equal(seed, 0);
    assert_int_equal(host_parse_mac_seed("0x10", &on, &seed), 0);
    assert_int_equal(seed, 16);
    assert_int_equal(host_parse_mac_seed("off", &on, &seed), 0);
    assert_false(on);
    assert_int_equal(host_parse_mac_seed("12x", &on, &seed), -1);
    assert_int_equal(host_parse_mac_seed("-1", &on, &seed), -1);
    assert_int_equal(host_parse_mac_seed("", &on, &seed), -1);
    /* Distinct, unicast and locally administered for every index of a seed. */
    uint8_t a[6], b[6];
    for (uint64_t sd = 0; sd < 3; sd++)
    {
        for (unsigned i = 0; i < 1024; i++)
        {
            host_adapter_mac(sd * 77777, i, a);
            assert_int_equal(a[0], 0x02);
            host_adapter_mac(sd * 77777, i + 1, b);
            assert_memory_not_equal(a, b, 6);
        }
    }
    host_adapter_mac(0, 1, a);
    const uint8_t want[6] = {0x02, 0x4e, 0x48, 0x00, 0x00, 0x01};
    assert_memory_equal(a, want, 6);
    /* Off: no NetworkAddress; the INF's stays. */
    ndis_config_store *s = ndis_config_store_new();
    char err[512], v[64];
    assert_int_equal(host_adapter_registry_load(s, g_inf, NULL, "off", 0, err, sizeof err), 0);
    get(s, "NetworkAddress", v, sizeof v);
    assert_string_equal(v, "02EEEEEEEEEE");
    ndis_config_store_free(s);
    s = ndis_config_store_new();
    assert_int_equal(host_adapter_registry_load(s, NULL, NULL, "bogus", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "--mac-seed"));
    ndis_config_store_free(s);
}

static void test_errors_name_the_file(void **state)
{
    ndis_config_store *s = ndis_config_store_new();
    char err[512];
    assert_int_equal(host_adapter_registry_load(s, "/nonexistent.inf", NULL, NULL, 0, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent.inf: cannot open INF file: No such file or directory");
    assert_int_equal(host_adapter_registry_load(s, NULL, "/nonexistent.ini", NULL, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent.ini"));
    ndis_config_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_precedence_inf_seed_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mac_seed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors_name_the_file, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
