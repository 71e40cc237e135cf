/* The NDIS configuration API over an adapter registry: NdisReadConfiguration's conversions,
 * NdisWriteConfiguration persisting across close/reopen, NdisReadNetworkAddress, subkeys, the
 * handle ledger (HA-10) and bad handles (AP-01). Handles are opened through the internal
 * ndis_config_open_store, which is what NdisOpenConfigurationEx does after its validation. */
#include <stdlib.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/config.h"
#include "verifier/verifier.h"

typedef struct fixture
{
    ndis_config_store *store;
    vf_owner *owner;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->store = ndis_config_store_new();
    f->owner = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    char err[256];
    int rc = ndis_config_store_load_string(f->store,
                                           "[*]\n"
                                           "DwordVal = dword:0x2a\n"
                                           "*VMQ = 1\n"
                                           "HexStr = ff\n"
                                           "HexStr0x = 0x1F\n"
                                           "Neg = -1\n"
                                           "NotNum = abc\n"
                                           "Name = sz:vnic\n"
                                           "List = multi_sz:\"ab\",\"c\"\n"
                                           "Mac = binary:02 50 f2 00 00 01\n"
                                           "Big = qword:0x100000001\n"
                                           "Small = qword:7\n"
                                           "NetworkAddress = 02AABBCCDDEE\n"
                                           "[*\\Ndi\\Params]\n"
                                           "Inner = dword:5\n"
                                           "[*\\Second]\n"
                                           "Other = dword:6\n",
                                           "t.ini", 0, err, sizeof err);
    assert_int_equal(rc, 0);
    vf_findings_clear();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    assert_int_equal(ndis_config_open_handle_count(f->store), 0);
    vf_owner_destroy(f->owner);
    ndis_config_store_free(f->store);
    free(f);
    return 0;
}

static NDIS_HANDLE open_cfg(fixture *f)
{
    NDIS_HANDLE h = NULL;
    assert_int_equal(ndis_config_open_store(f->store, f->owner, NULL, &h), NDIS_STATUS_SUCCESS);
    assert_non_null(h);
    return h;
}

static PNDIS_CONFIGURATION_PARAMETER read_ok(NDIS_HANDLE h, NDIS_STRING kw, NDIS_PARAMETER_TYPE type)
{
    NDIS_STATUS st = 0x1234;
    PNDIS_CONFIGURATION_PARAMETER p = NULL;
    NdisReadConfiguration(&st, &p, h, &kw, type);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_non_null(p);
    return p;
}

static NDIS_STATUS read_status(NDIS_HANDLE h, NDIS_STRING kw, NDIS_PARAMETER_TYPE type)
{
    NDIS_STATUS st = 0x1234;
    PNDIS_CONFIGURATION_PARAMETER p = NULL;
    NdisReadConfiguration(&st, &p, h, &kw, type);
    return st;
}

static void integer_conversions(void **state)
{
    fixture *f = *state;
    NDIS_HANDLE h = open_cfg(f);
    PNDIS_CONFIGURATION_PARAMETER p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("DwordVal"), NdisParameterInteger);
    assert_int_equal(p->ParameterType, NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 42);
    /* The INF writes enumerations as REG_SZ "1"; read as an integer they are converted. */
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("*VMQ"), NdisParameterInteger);
    assert_int_equal(p->ParameterType, NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 1);
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("HexStr"), NdisParameterHexInteger);
    assert_int_equal(p->ParameterType, NdisParameterHexInteger);
    assert_int_equal(p->ParameterData.IntegerData, 0xff);
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("HexStr0x"), NdisParameterHexInteger);
    assert_int_equal(p->ParameterData.IntegerData, 0x1f);
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Neg"), NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 0xffffffffu);
    /* "ff" is not decimal; "abc" is no number at all. */
    assert_int_equal(read_status(h, (NDIS_STRING)NDIS_STRING_CONST("HexStr"), NdisParameterInteger),
                     NDIS_STATUS_FAILURE);
    assert_int_equal(read_status(h, (NDIS_STRING)NDIS_STRING_CONST("NotNum"), NdisParameterInteger),
                     NDIS_STATUS_FAILURE);
    /* A DWORD asked for as hex keeps its value. */
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("DwordVal"), NdisParameterHexInteger);
    assert_int_equal(p->ParameterData.IntegerData, 42);
    /* QWORDs: small ones read as integers, large ones as 8 bytes. */
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Small"), NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 7);
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Big"), NdisParameterInteger);
    assert_int_equal(p->ParameterType, NdisParameterBinary);
    assert_int_equal(p->ParameterData.BinaryData.Length, 8);
    NdisCloseConfiguration(h);
}

static void strings_binary_and_case(void **state)
{
    fixture *f = *state;
    NDIS_HANDLE h = open_cfg(f);
    PNDIS_CONFIGURATION_PARAMETER p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("name"), NdisParameterString);
    assert_int_equal(p->ParameterType, NdisParameterString);
    assert_int_equal(p->ParameterData.StringData.Length, 4 * sizeof(WCHAR));
    assert_true(p->ParameterData.StringData.MaximumLength >= 5 * sizeof(WCHAR));
    assert_memory_equal(p->ParameterData.StringData.Buffer, L"vnic", 5 * sizeof(WCHAR));
    /* A number-looking REG_SZ asked for as a string stays a string. */
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("*vmq"), NdisParameterString);
    assert_int_equal(p->ParameterType, NdisParameterString);
    assert_memory_equal(p->ParameterData.StringData.Buffer, L"1", 2 * sizeof(WCHAR));
    p = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("LIST"), NdisParameterMultiString);
    assert_int_equal(p->ParameterType, NdisParameterMultiString);
    static const WCHAR want[] = {'a', 'b', 0, 'c', 0, 0};
    assert_int_equal(p->ParameterData.StringData.Length, sizeof want);
    assert_memory_equal(p->ParameterData.StringData.Buffer, want, sizeof want);
    PNDIS_CONFIGURATION_PARAMETER mac = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Mac"), NdisParameterBinary);
    assert_int_equal(mac->ParameterType, NdisParameterBinary);
    assert_int_equal(mac->ParameterData.BinaryData.Length, 6);
    static const UCHAR wmac[] = {0x02, 0x50, 0xf2, 0, 0, 1};
    assert_memory_equal(mac->ParameterData.BinaryData.Buffer, wmac, 6);
    /* Every parameter stays valid until the handle is closed, distinct per read. */
    PNDIS_CONFIGURATION_PARAMETER mac2 = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Mac"), NdisParameterBinary);
    assert_ptr_not_equal(mac, mac2);
    assert_memory_equal(mac->ParameterData.BinaryData.Buffer, wmac, 6);
    /* Missing keyword. */
    assert_int_equal(read_status(h, (NDIS_STRING)NDIS_STRING_CONST("NoSuchKey"), NdisParameterInteger),
                     NDIS_STATUS_FAILURE);
    assert_int_equal(read_status(h, (NDIS_STRING)NDIS_STRING_CONST("Inner"), NdisParameterInteger),
                     NDIS_STATUS_FAILURE); /* lives in a subkey */
    NdisCloseConfiguration(h);
    assert_int_equal(vf_findings_count(), 0);
}

static void writes_persist_across_reopen(void **state)
{
    fixture *f = *state;
    NDIS_HANDLE h = open_cfg(f);
    NDIS_STATUS st;
    UCHAR mac[6] = {0x02, 0x50, 0xf2, 0x11, 0x22, 0x33};
    NDIS_CONFIGURATION_PARAMETER p = {.ParameterType = NdisParameterBinary};
    p.ParameterData.BinaryData.Length = sizeof mac;
    p.ParameterData.BinaryData.Buffer = mac;
    NDIS_STRING kw = NDIS_STRING_CONST("NetvminiMacAddress");
    NdisWriteConfiguration(&st, h, &kw, &p);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    memset(mac, 0, sizeof mac); /* NDIS copied it */
    NDIS_CONFIGURATION_PARAMETER i = {.ParameterType = NdisParameterInteger};
    i.ParameterData.IntegerData = 99;
    NDIS_STRING kw2 = NDIS_STRING_CONST("DwordVal");
    NdisWriteConfiguration(&st, h, &kw2, &i);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    NDIS_CONFIGURATION_PARAMETER s = {.ParameterType = NdisParameterString};
    s.ParameterData.StringData = (NDIS_STRING)NDIS_STRING_CONST("hello");
    NDIS_STRING kw3 = NDIS_STRING_CONST("Greeting");
    NdisWriteConfiguration(&st, h, &kw3, &s);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    NDIS_CONFIGURATION_PARAMETER bad = {.ParameterType = (NDIS_PARAMETER_TYPE)17};
    NdisWriteConfiguration(&st, h, &kw3, &bad);
    assert_int_equal(st, NDIS_STATUS_NOT_SUPPORTED);
    NdisCloseConfiguration(h);

    /* As after a halt and a new MiniportInitializeEx: a new handle on the same store. */
    h = open_cfg(f);
    PNDIS_CONFIGURATION_PARAMETER r =
        read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("netvminimacaddress"), NdisParameterBinary);
    assert_int_equal(r->ParameterData.BinaryData.Length, 6);
    static const UCHAR want[6] = {0x02, 0x50, 0xf2, 0x11, 0x22, 0x33};
    assert_memory_equal(r->ParameterData.BinaryData.Buffer, want, 6);
    r = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("DwordVal"), NdisParameterInteger);
    assert_int_equal(r->ParameterData.IntegerData, 99);
    r = read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Greeting"), NdisParameterString);
    assert_int_equal(r->ParameterData.StringData.Length, 10);
    assert_memory_equal(r->ParameterData.StringData.Buffer, L"hello", 12);
    NdisCloseConfiguration(h);
    /* The host sees what the driver wrote. */
    UCHAR back[6];
    size_t n;
    assert_int_equal(ndis_config_get_binary(f->store, NULL, "NetvminiMacAddress", back, sizeof back, &n), 0);
    assert_int_equal(n, 6);
    assert_memory_equal(back, want, 6);
}

static void network_address(void **state)
{
    fixture *f = *state;
    static const UCHAR want[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
    static const struct
    {
        const char *text;
        bool ok;
    } cases[] = {
        {"02AABBCCDDEE", true},
        {"02-aa-bb-cc-dd-ee", true},
        {"02:AA:BB:CC:DD:EE", false},
        {"02AABBCCDDE", false},
        {"", false},
        {"02AABBCCDDEG", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
        assert_int_equal(ndis_config_set_sz(f->store, NULL, "NetworkAddress", cases[i].text), 0);
        NDIS_HANDLE h = open_cfg(f);
        NDIS_STATUS st = 0x1234;
        PVOID addr = NULL;
        UINT len = 0;
        NdisReadNetworkAddress(&st, &addr, &len, h);
        if (cases[i].ok)
        {
            assert_int_equal(st, NDIS_STATUS_SUCCESS);
            assert_int_equal(len, 6);
            assert_memory_equal(addr, want, 6);
        }
        else
            assert_int_equal(st, NDIS_STATUS_FAILURE);
        NdisCloseConfiguration(h);
    }
    /* Not a string: FAILURE. */
    assert_int_equal(ndis_config_set_dword(f->store, NULL, "NetworkAddress", 5), 0);
    NDIS_HANDLE h = open_cfg(f);
    NDIS_STATUS st;
    PVOID addr;
    UINT len;
    NdisReadNetworkAddress(&st, &addr, &len, h);
    assert_int_equal(st, NDIS_STATUS_FAILURE);
    NdisCloseConfiguration(h);
}

static void subkeys_by_name_and_index(void **state)
{
    fixture *f = *state;
    NDIS_HANDLE h = open_cfg(f);
    NDIS_STATUS st;
    NDIS_HANDLE sub = NULL;
    NDIS_STRING name = NDIS_STRING_CONST("ndi\\params");
    NdisOpenConfigurationKeyByName(&st, h, &name, &sub);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    PNDIS_CONFIGURATION_PARAMETER p = read_ok(sub, (NDIS_STRING)NDIS_STRING_CONST("Inner"), NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 5);
    NdisCloseConfiguration(sub);

    NDIS_STRING key = {0};
    NdisOpenConfigurationKeyByIndex(&st, h, 1, &key, &sub);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(key.Length, 6 * sizeof(WCHAR));
    assert_memory_equal(key.Buffer, L"Second", 6 * sizeof(WCHAR));
    p = read_ok(sub, (NDIS_STRING)NDIS_STRING_CONST("Other"), NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 6);
    NdisCloseConfiguration(sub);
    NdisOpenConfigurationKeyByIndex(&st, h, 2, &key, &sub);
    assert_int_equal(st, NDIS_STATUS_FAILURE);
    NdisCloseConfiguration(h);
}

static void ledger_tracks_open_handles(void **state)
{
    fixture *f = *state;
    NDIS_HANDLE h = open_cfg(f);
    assert_int_equal(vf_ledger_count(f->owner, VF_RES_CONFIG), 1);
    NdisCloseConfiguration(h);
    assert_int_equal(vf_ledger_count(f->owner, VF_RES_CONFIG), 0);

    /* A handle left open at halt is reported (HA-10) and reclaimed with what it handed out. */
    h = open_cfg(f);
    read_ok(h, (NDIS_STRING)NDIS_STRING_CONST("Mac"), NdisParameterBinary);
    NDIS_STATUS st;
    NDIS_HANDLE sub;
    NDIS_STRING name = NDIS_STRING_CONST("Second");
    NdisOpenConfigurationKeyByName(&st, h, &name, &sub);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    assert_int_equal(ndis_config_open_handle_count(f->store), 2);
    vf_findings_clear();
    assert_int_equal(vf_ledger_report_leftovers(f->owner, NULL, "MiniportHaltEx returned"), 2);
    assert_int_equal(vf_findings_count(), 2);
    assert_string_equal(vf_findings_get(0)->rule, "HA-10");
    assert_int_equal(ndis_config_open_handle_count(f->store), 0);
    vf_findings_clear();
}

static void bad_handles_are_findings(void **state)
{
    fixture *f = *state;
    NDIS_STATUS st = 0;
    PNDIS_CONFIGURATION_PARAMETER p = NULL;
    NDIS_STRING kw = NDIS_STRING_CONST("DwordVal");
    int junk[8] = {0};
    vf_findings_clear();
    NdisReadConfiguration(&st, &p, junk, &kw, NdisParameterInteger);
    assert_int_equal(st, NDIS_STATUS_FAILURE);
    assert_int_equal(vf_findings_count(), 1);
    assert_string_equal(vf_findings_get(0)->rule, "AP-01");
    NDIS_HANDLE h = open_cfg(f);
    NdisCloseConfiguration(h);
    NdisCloseConfiguration(h); /* double close */
    assert_int_equal(vf_findings_count(), 2);
    assert_string_equal(vf_findings_get(1)->rule, "AP-01");
    NdisCloseConfiguration(NULL);
    assert_int_equal(vf_findings_count(), 3);
    vf_findings_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(integer_conversions, setup, teardown),
        cmocka_unit_test_setup_teardown(strings_binary_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(writes_persist_across_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(network_address, setup, teardown),
        cmocka_unit_test_setup_teardown(subkeys_by_name_and_index, setup, teardown),
        cmocka_unit_test_setup_teardown(ledger_tracks_open_handles, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_handles_are_findings, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
