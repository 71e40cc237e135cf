/* The INF reader (src/ndis/inf.c, docs/inf.md): encodings, syntax (sections, comments, quotes,
 * continuations), %strkey% substitution, the Manufacturer -> Models -> DDInstall -> AddReg
 * chain, registry value types and operation flags, Ndi\params defaults as adapter parameters,
 * and one-line errors that name file:line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ndis/config.h"
#include "ndis/inf.h"
#include "verifier/verifier.h"

/* A small network INF of our own with every feature the tests read back. */
static const char k_inf[] = "; test INF\n"
                            "[Version]\n"
                            "Signature   = \"$Windows NT$\"\n"
                            "Class       = Net\n"
                            "Provider    = %Prov%\n"
                            "\n"
                            "[Manufacturer]\n"
                            "%Mfg% = Models, NTx86, NT$ARCH$\n"
                            "\n"
                            "[Models.NTx86]\n"
                            "%Desc% = Wrong.ndi, root\\testnic\n"
                            "[Models.NT$ARCH$]\n"
                            "%Desc% = Test.ndi, root\\testnic, testnic_compat ; root enumerated\n"
                            "%Desc% = Other.ndi, root\\othernic\n"
                            "\n"
                            "[Test.ndi]\n"
                            "Characteristics    = 0x84 ; NCF_PHYSICAL | NCF_HAS_UI\n"
                            "*IfType            = 6\n"
                            "*MediaType         = 0x0\n"
                            "AddReg             = Test.Reg, Test.Params\n"
                            "CopyFiles          = Test.Files\n"
                            "\n"
                            "[Other.ndi]\n"
                            "AddReg = Other.Reg\n"
                            "[Other.Reg]\n"
                            "HKR, , Which, 0, \"other\"\n"
                            "\n"
                            "[Test.Reg]\n"
                            "HKR, ,              Which,      0,          \"test\"\n"
                            "HKR, Ndi,           Service,    0,          \"testnic\"\n"
                            "HKR, ,              Str,        ,           plain text\n"
                            "HKR, ,              Quoted,     0,          \"semi;colon, comma \"\"q\"\"\"\n"
                            "HKR, ,              Dword,      0x00010001, 0x2a\n"
                            "HKR, ,              DwordDec,   0x10001,    42\n"
                            "HKR, ,              DwordNeg,   0x10001,    -1\n"
                            "HKR, ,              DwordBytes, 0x00010001, 01,02,00,00\n"
                            "HKR, ,              Multi,      0x00010000, \"a\", \"b c\", , \"d\"\n"
                            "HKR, ,              Expand,     0x00020000, \"%%SystemRoot%%\\x\"\n"
                            "HKR, ,              Bin,        1,          02, 50, f2, 0x0, A, ff\n"
                            "HKR, ,              Qword,      0x000B0001, 01,00,00,00,02,00,00,00\n"
                            "HKR, ,              Subst,      0,          \"%Prov% and %Undefined% and %12%\"\n"
                            "HKR, ,              Continued,  0,          \\\n"
                            "                                            \"joined\"\n"
                            "HKR, Empty\\Key\n"
                            "HKLM, System\\Foo, Bar, 0, \"ignored\"\n"
                            "\n"
                            "[Test.Params]\n"
                            "HKR, Ndi\\params\\Speed,        ParamDesc, 0, %SpeedDesc%\n"
                            "HKR, Ndi\\params\\Speed,        Type,      0, \"int\"\n"
                            "HKR, Ndi\\params\\Speed,        Default,   0, \"1000\"\n"
                            "HKR, Ndi\\params\\Speed,        Min,       0, \"10\"\n"
                            "HKR, Ndi\\params\\Speed,        Max,       0, \"10000\"\n"
                            "HKR, Ndi\\Params\\*VMQ,         ParamDesc, 0, %VmqDesc%\n"
                            "HKR, Ndi\\Params\\*VMQ,         default,   0, \"1\"\n"
                            "HKR, Ndi\\Params\\*VMQ,         type,      0, \"enum\"\n"
                            "HKR, Ndi\\Params\\*VMQ\\Enum,    \"0\",     0, %Disabled%\n"
                            "HKR, Ndi\\Params\\*VMQ\\Enum,    \"1\",     0, %Enabled%\n"
                            "HKR, Ndi\\params\\NetworkAddress, ParamDesc, 0, \"MAC\"\n"
                            "HKR, Ndi\\params\\NetworkAddress, Type,    0, \"edit\"\n"
                            "HKR, Ndi\\params\\NetworkAddress, Default, 0, \"02AABBCCDDEE\"\n"
                            "HKR, Ndi\\params\\NetworkAddress, Optional, 0, \"1\"\n"
                            "HKR, Ndi\\params\\Which,        Default,   0, \"from-params\"\n"
                            "HKR, Ndi\\params\\Count,        Type,      0, \"dword\"\n"
                            "HKR, Ndi\\params\\Count,        Default,   0x10001, 7\n"
                            "\n"
                            "[Strings]\n"
                            "Prov      = \"Provider, Inc.\"\n"
                            "Mfg       = \"Maker\"\n"
                            "Desc      = \"Test NIC\"\n"
                            "SpeedDesc = \"Speed (plain)\"\n"
                            "VmqDesc   = \"VMQ\"\n"
                            "Disabled  = \"Disabled\"\n"
                            "Enabled   = \"Enabled\"\n"
                            "[Strings.0409]\n"
                            "SpeedDesc = \"Speed (en-US)\"\n";

typedef struct fixture
{
    ndis_config_store *store;
    ndis_inf *inf;
} fixture;

static fixture *load_ok(const void *data, size_t len, const char *hwid)
{
    fixture *f = calloc(1, sizeof *f);
    char err[600] = "";
    f->inf = ndis_inf_load_buffer(data, len, "t.inf", hwid, err, sizeof err);
    if (!f->inf)
        fail_msg("load failed: %s", err);
    f->store = ndis_config_store_new();
    assert_int_equal(ndis_inf_apply(f->inf, f->store), 0);
    return f;
}

static void fixture_free(fixture *f)
{
    ndis_config_store_free(f->store);
    ndis_inf_free(f->inf);
    free(f);
}

static void assert_sz(ndis_config_store *s, const char *subkey, const char *name, const char *want)
{
    char buf[256];
    if (ndis_config_get_sz(s, subkey, name, buf, sizeof buf) != 0)
        fail_msg("no REG_SZ %s\\%s", subkey ? subkey : "", name);
    assert_string_equal(buf, want);
}

static void assert_dword(ndis_config_store *s, const char *subkey, const char *name, uint32_t want)
{
    uint32_t v = 0;
    if (ndis_config_get_dword(s, subkey, name, &v) != 0)
        fail_msg("no REG_DWORD %s\\%s", subkey ? subkey : "", name);
    assert_int_equal(v, want);
}

/* Expects a load failure whose message is exactly `want`. */
static void assert_load_error(const char *text, const char *hwid, const char *want)
{
    char err[600] = "";
    ndis_inf *inf = ndis_inf_load_buffer(text, strlen(text), "bad.inf", hwid, err, sizeof err);
    if (inf)
    {
        ndis_inf_free(inf);
        fail_msg("loaded, expected: %s", want);
    }
    assert_string_equal(err, want);
}

/* Reads a value through NdisReadConfiguration, as the driver would. */
static PNDIS_CONFIGURATION_PARAMETER read_param(NDIS_HANDLE h, const char *name, NDIS_PARAMETER_TYPE type)
{
    WCHAR w[64];
    size_t n = strlen(name);
    for (size_t i = 0; i < n; i++)
        w[i] = (WCHAR)name[i];
    NDIS_STRING kw = {.Length = (USHORT)(n * sizeof(WCHAR)), .MaximumLength = sizeof w, .Buffer = w};
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    PNDIS_CONFIGURATION_PARAMETER p = NULL;
    NdisReadConfiguration(&st, &p, h, &kw, type);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    return p;
}

/* ---- the chain and the values --------------------------------------------------------------- */

static void test_chain_selects_decorated_models_and_first_device(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    /* NT$ARCH$ (the stampinf placeholder) fits x64 better than NTx86. */
    assert_string_equal(ndis_inf_install_section(f->inf), "Test.ndi");
    assert_string_equal(ndis_inf_hardware_id(f->inf), "root\\testnic");
    assert_sz(f->store, NULL, "Which", "test");
    assert_sz(f->store, "Ndi", "Service", "testnic");
    fixture_free(f);
}

static void test_installer_values(void **state)
{
    /* What the class installer writes besides the INF's own values. */
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    assert_sz(f->store, NULL, "DriverDesc", "Test NIC");
    assert_sz(f->store, NULL, "ComponentId", "root\\testnic");
    assert_sz(f->store, NULL, "MatchingDeviceId", "root\\testnic");
    assert_sz(f->store, NULL, "InfSection", "Test.ndi");
    fixture_free(f);
}

static void test_hardware_id_selects_model(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), "ROOT\\OTHERNIC");
    assert_string_equal(ndis_inf_install_section(f->inf), "Other.ndi");
    assert_sz(f->store, NULL, "Which", "other");
    assert_false(ndis_config_has(f->store, "Ndi", "Service"));
    fixture_free(f);
    /* A compatible ID matches too. */
    f = load_ok(k_inf, strlen(k_inf), "testnic_compat");
    assert_string_equal(ndis_inf_install_section(f->inf), "Test.ndi");
    fixture_free(f);
    assert_load_error(k_inf, "pci\\ven_1234", "bad.inf:7: no model has the hardware ID 'pci\\ven_1234'");
}

static void test_value_types(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    assert_sz(f->store, NULL, "Str", "plain text");
    assert_sz(f->store, NULL, "Quoted", "semi;colon, comma \"q\"");
    assert_dword(f->store, NULL, "Dword", 42);
    assert_dword(f->store, NULL, "DwordDec", 42);
    assert_dword(f->store, NULL, "DwordNeg", 0xffffffffu);
    assert_dword(f->store, NULL, "DwordBytes", 0x0201);
    /* REG_EXPAND_SZ is kept as text, %% being one %. */
    assert_sz(f->store, NULL, "Expand", "%SystemRoot%\\x");
    uint8_t bin[8];
    size_t len = 0;
    assert_int_equal(ndis_config_get_binary(f->store, NULL, "Bin", bin, sizeof bin, &len), 0);
    assert_int_equal(len, 6);
    const uint8_t want[6] = {0x02, 0x50, 0xf2, 0x00, 0x0a, 0xff};
    assert_memory_equal(bin, want, 6);
    /* Network DDInstall entries are REG_DWORDs of the adapter's key. */
    assert_dword(f->store, NULL, "Characteristics", 0x84);
    assert_dword(f->store, NULL, "*IfType", 6);
    assert_dword(f->store, NULL, "*MediaType", 0);
    assert_false(ndis_config_has(f->store, NULL, "CopyFiles"));
    /* HKLM lines are not the adapter's. */
    assert_false(ndis_config_has(f->store, "System\\Foo", "Bar"));
    fixture_free(f);
}

static void test_multi_sz_and_qword_through_ndis(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    vf_owner *owner = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    NDIS_HANDLE h = NULL;
    assert_int_equal(ndis_config_open_store(f->store, owner, NULL, &h), NDIS_STATUS_SUCCESS);
    PNDIS_CONFIGURATION_PARAMETER p = read_param(h, "Multi", NdisParameterMultiString);
    assert_int_equal(p->ParameterType, NdisParameterMultiString);
    /* "a\0b c\0d\0\0": the empty field is dropped. */
    const WCHAR want[] = {'a', 0, 'b', ' ', 'c', 0, 'd', 0, 0};
    assert_int_equal(p->ParameterData.StringData.Length, sizeof want);
    assert_memory_equal(p->ParameterData.StringData.Buffer, want, sizeof want);
    p = read_param(h, "Qword", NdisParameterInteger);
    assert_int_equal(p->ParameterType, NdisParameterBinary); /* 0x200000001 does not fit 32 bits */
    /* Ndi\params defaults are strings that read as integers, as on Windows. */
    p = read_param(h, "Speed", NdisParameterInteger);
    assert_int_equal(p->ParameterType, NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 1000);
    p = read_param(h, "*VMQ", NdisParameterInteger);
    assert_int_equal(p->ParameterData.IntegerData, 1);
    NdisCloseConfiguration(h);
    vf_owner_destroy(owner);
    fixture_free(f);
}

static void test_ndi_params_defaults(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    assert_sz(f->store, NULL, "Speed", "1000");
    assert_sz(f->store, NULL, "*VMQ", "1");
    /* A REG_DWORD default is written as its decimal text. */
    assert_sz(f->store, NULL, "Count", "7");
    /* Optional parameters start "Not Present". */
    assert_false(ndis_config_has(f->store, NULL, "NetworkAddress"));
    /* A value the INF writes itself wins over the parameter's default. */
    assert_sz(f->store, NULL, "Which", "test");
    /* The Ndi tree stays, as in the adapter's key on Windows (keys match without regard to case). */
    assert_sz(f->store, "Ndi\\Params\\Speed", "Type", "int");
    assert_sz(f->store, "NDI\\PARAMS\\*VMQ\\Enum", "1", "Enabled");
    fixture_free(f);
}

static void test_string_substitution(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    /* Defined keys are replaced; %Undefined% and the %dirid% %12% stay as written. */
    assert_sz(f->store, NULL, "Subst", "Provider, Inc. and %Undefined% and %12%");
    /* [Strings.0409] wins for the keys it has; the others come from [Strings]. */
    assert_sz(f->store, "Ndi\\params\\Speed", "ParamDesc", "Speed (en-US)");
    assert_sz(f->store, "Ndi\\params\\*VMQ", "ParamDesc", "VMQ");
    fixture_free(f);
}

static void test_continuation_and_key_only(void **state)
{
    fixture *f = load_ok(k_inf, strlen(k_inf), NULL);
    assert_sz(f->store, NULL, "Continued", "joined");
    /* HKR,subkey alone creates the key. */
    vf_owner *owner = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    NDIS_HANDLE h = NULL, sub = NULL;
    assert_int_equal(ndis_config_open_store(f->store, owner, NULL, &h), NDIS_STATUS_SUCCESS);
    WCHAR w[] = {'E', 'm', 'p', 't', 'y', '\\', 'K', 'e', 'y'};
    NDIS_STRING name = {.Length = sizeof w, .MaximumLength = sizeof w, .Buffer = w};
    NDIS_STATUS st = NDIS_STATUS_FAILURE;
    NdisOpenConfigurationKeyByName(&st, h, &name, &sub);
    assert_int_equal(st, NDIS_STATUS_SUCCESS);
    NdisCloseConfiguration(sub);
    NdisCloseConfiguration(h);
    vf_owner_destroy(owner);
    fixture_free(f);
}

static const char k_flags_inf[] = "[Version]\n"
                                  "Signature=$Chicago$\n"
                                  "[Manufacturer]\n"
                                  "Models\n"
                                  "[Models]\n"
                                  "Dev = Inst, hw\n"
                                  "[Inst.NTamd64]\n"
                                  "AddReg = R1\n"
                                  "AddReg = R2\n"
                                  "[Inst]\n"
                                  "AddReg = Wrong\n"
                                  "[R1]\n"
                                  "HKR,,Keep,0,\"first\"\n"
                                  "HKR,,Keep,2,\"second\"\n" /* NOCLOBBER */
                                  "HKR,,Over,0x20,\"x\"\n"   /* OVERWRITEONLY: not there, nothing */
                                  "HKR,,Gone,0,\"x\"\n"
                                  "HKR,,Gone,4\n" /* DELVAL */
                                  "HKR,Sub,A,0,\"x\"\n"
                                  "HKR,Sub\\Deeper,B,0,\"y\"\n"
                                  "HKR,Sub,,4\n" /* DELVAL without a name: the subkey */
                                  "HKR,,List,0x10000,\"a\",\"b\"\n"
                                  "[R2]\n"
                                  "HKR,,List,0x10008,\"b\",\"c\"\n" /* APPEND: b is there already */
                                  "HKR,,Replaced,0,\"old\"\n"
                                  "HKR,,Replaced,0x10001,5\n";

static void test_operation_flags(void **state)
{
    fixture *f = load_ok(k_flags_inf, strlen(k_flags_inf), NULL);
    assert_string_equal(ndis_inf_install_section(f->inf), "Inst.NTamd64");
    assert_sz(f->store, NULL, "Keep", "first");
    assert_false(ndis_config_has(f->store, NULL, "Over"));
    assert_false(ndis_config_has(f->store, NULL, "Gone"));
    assert_false(ndis_config_has(f->store, "Sub", "A"));
    assert_false(ndis_config_has(f->store, "Sub\\Deeper", "B"));
    assert_dword(f->store, NULL, "Replaced", 5);
    vf_owner *owner = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    NDIS_HANDLE h = NULL;
    assert_int_equal(ndis_config_open_store(f->store, owner, NULL, &h), NDIS_STATUS_SUCCESS);
    PNDIS_CONFIGURATION_PARAMETER p = read_param(h, "List", NdisParameterMultiString);
    const WCHAR want[] = {'a', 0, 'b', 0, 'c', 0, 0};
    assert_int_equal(p->ParameterData.StringData.Length, sizeof want);
    assert_memory_equal(p->ParameterData.StringData.Buffer, want, sizeof want);
    NdisCloseConfiguration(h);
    vf_owner_destroy(owner);
    fixture_free(f);
}

/* ---- encodings ------------------------------------------------------------------------------ */

/* k_inf as UTF-16 with or without a BOM; a non-ASCII character (U+00E9, and U+1F600 as a
 * surrogate pair) in a string. */
static uint8_t *utf16(const char *text, bool big_endian, bool bom, size_t *len)
{
    size_t n = strlen(text);
    uint8_t *b = malloc(2 * n + 16);
    size_t o = 0;
    if (bom)
    {
        b[o++] = big_endian ? 0xfe : 0xff;
        b[o++] = big_endian ? 0xff : 0xfe;
    }
    for (size_t i = 0; i < n;)
    {
        uint32_t cp;
        unsigned char ch = (unsigned char)text[i];
        if (ch < 0x80)
            cp = ch, i += 1;
        else if ((ch & 0xe0) == 0xc0)
            cp = (uint32_t)(ch & 0x1f) << 6 | (text[i + 1] & 0x3f), i += 2;
        else if ((ch & 0xf0) == 0xe0)
            cp = (uint32_t)(ch & 0x0f) << 12 | (uint32_t)(text[i + 1] & 0x3f) << 6 | (text[i + 2] & 0x3f), i += 3;
        else
            cp = (uint32_t)(ch & 0x07) << 18 | (uint32_t)(text[i + 1] & 0x3f) << 12 |
                 (uint32_t)(text[i + 2] & 0x3f) << 6 | (text[i + 3] & 0x3f),
            i += 4;
        uint16_t units[2];
        int k = 1;
        if (cp >= 0x10000)
        {
            units[0] = (uint16_t)(0xd800 + ((cp - 0x10000) >> 10));
            units[1] = (uint16_t)(0xdc00 + ((cp - 0x10000) & 0x3ff));
            k = 2;
        }
        else
            units[0] = (uint16_t)cp;
        for (int j = 0; j < k; j++)
        {
            b[o++] = (uint8_t)(big_endian ? units[j] >> 8 : units[j]);
            b[o++] = (uint8_t)(big_endian ? units[j] : units[j] >> 8);
        }
    }
    *len = o;
    return b;
}

static char *with_unicode(void)
{
    const char extra[] = "[Strings.0009]\n"; /* no effect: 0409 wins */
    static const char add[] = "HKR, , Unicode, 0, \"caf\xc3\xa9 \xf0\x9f\x98\x80\"\n";
    /* Insert the Unicode line right after [Test.Reg]. */
    const char *at = strstr(k_inf, "[Test.Reg]\n") + strlen("[Test.Reg]\n");
    size_t head = (size_t)(at - k_inf);
    char *t = malloc(sizeof k_inf + sizeof add + sizeof extra);
    memcpy(t, k_inf, head);
    strcpy(t + head, add);
    strcat(t, at);
    strcat(t, extra);
    return t;
}

static void check_encoded(const void *data, size_t len)
{
    fixture *f = load_ok(data, len, NULL);
    assert_sz(f->store, NULL, "Unicode", "caf\xc3\xa9 \xf0\x9f\x98\x80");
    assert_sz(f->store, NULL, "Speed", "1000");
    assert_sz(f->store, "Ndi\\params\\Speed", "ParamDesc", "Speed (en-US)");
    fixture_free(f);
}

static void test_utf16le_bom(void **state)
{
    char *t = with_unicode();
    size_t len;
    uint8_t *b = utf16(t, false, true, &len);
    check_encoded(b, len);
    free(b);
    free(t);
}

static void test_utf16be_bom(void **state)
{
    char *t = with_unicode();
    size_t len;
    uint8_t *b = utf16(t, true, true, &len);
    check_encoded(b, len);
    free(b);
    free(t);
}

static void test_utf16le_without_bom(void **state)
{
    char *t = with_unicode();
    size_t len;
    uint8_t *b = utf16(t, false, false, &len);
    check_encoded(b, len);
    free(b);
    free(t);
}

static void test_utf8_with_and_without_bom(void **state)
{
    char *t = with_unicode();
    check_encoded(t, strlen(t));
    size_t n = strlen(t);
    char *b = malloc(n + 3);
    memcpy(b, "\xef\xbb\xbf", 3);
    memcpy(b + 3, t, n);
    check_encoded(b, n + 3);
    free(b);
    free(t);
}

static void test_ansi_file_reads_as_windows_1252(void **state)
{
    /* 0xE9 alone is not UTF-8: the file is an "ANSI" INF; 0x80 is the euro sign in 1252. */
    const char *at = strstr(k_inf, "[Test.Reg]\n") + strlen("[Test.Reg]\n");
    size_t head = (size_t)(at - k_inf);
    char *t = malloc(sizeof k_inf + 64);
    memcpy(t, k_inf, head);
    strcpy(t + head, "HKR,,Ansi,0,\"caf\xe9 \x80\"\n");
    strcat(t, at);
    fixture *f = load_ok(t, strlen(t), NULL);
    assert_sz(f->store, NULL, "Ansi", "caf\xc3\xa9 \xe2\x82\xac");
    fixture_free(f);
    free(t);
}

/* ---- errors --------------------------------------------------------------------------------- */

#define HEAD                                                                                                           \
    "[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models\n[Models]\nD=Inst,hw\n[Inst]\nAddReg=R\n[R]\n"

static void test_malformed_lines_name_file_and_line(void **state)
{
    /* HEAD is lines 1..9; the first line of the tail is line 10. */
    assert_load_error(HEAD "HKR,,A,0,\"unterminated\n", NULL, "bad.inf:10: unterminated quoted string");
    assert_load_error(HEAD "HKR,,A,0x10001,12z\n", NULL, "bad.inf:10: REG_DWORD value '12z' is not a 32-bit number");
    assert_load_error(HEAD "HKR,,A,0x10001,0x100000000\n", NULL,
                      "bad.inf:10: REG_DWORD value '0x100000000' is not a 32-bit number");
    assert_load_error(HEAD "\nHKR,,A,1,02,xyz\n", NULL, "bad.inf:11: binary data: 'xyz' is not a byte in hexadecimal");
    assert_load_error(HEAD "HKX,,A,0,\"x\"\n", NULL,
                      "bad.inf:10: unknown registry root 'HKX' (HKR, HKLM, HKCU, HKCR or HKU)");
    assert_load_error(HEAD "HKR,,A,zz,\"x\"\n", NULL, "bad.inf:10: bad flags 'zz' (hexadecimal with 0x, or decimal)");
    assert_load_error(HEAD "HKR,,A,0x00030000,\"x\"\n", NULL,
                      "bad.inf:10: flags 0x00030000 name no registry value type");
    assert_load_error(HEAD "HKR,,A=B\n", NULL,
                      "bad.inf:10: '=' outside quotes in an add-registry entry (quote the value)");
    assert_load_error(HEAD "[Broken\n", NULL, "bad.inf:10: section header without a closing ']'");
    /* A continued line reports the line where the entry starts. */
    assert_load_error(HEAD "HKR,,A,0x10001,\\\n  bad\n", NULL,
                      "bad.inf:10: REG_DWORD value 'bad' is not a 32-bit number");
    /* Errors only count in what the install uses or in the syntax: a bad unused section is fine. */
    char err[600];
    const char ok[] = HEAD "HKR,,A,0,\"x\"\n[Unused]\nHKR,,B,0x10001,nonsense\n";
    ndis_inf *inf = ndis_inf_load_buffer(ok, strlen(ok), "ok.inf", NULL, err, sizeof err);
    assert_non_null(inf);
    ndis_inf_free(inf);
}

static void test_broken_chain(void **state)
{
    assert_load_error("x = 1\n", NULL, "bad.inf:1: 'x = 1' is outside any section");
    assert_load_error("[Strings]\nA=b\n", NULL, "bad.inf: not an INF file: no [Version] section");
    assert_load_error("[Version]\nClass=Net\n", NULL, "bad.inf:1: [Version] has no Signature entry");
    assert_load_error("[Version]\nSignature=\"$Linux$\"\n", NULL,
                      "bad.inf:2: Signature is '$Linux$', not \"$Windows NT$\" (or \"$Chicago$\")");
    assert_load_error("[Version]\nSignature=\"$Windows NT$\"\n", NULL,
                      "bad.inf: no [Manufacturer] section: the INF installs no device");
    assert_load_error("[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Nowhere,NTamd64\n", NULL,
                      "bad.inf:4: Models section [Nowhere] is not in the file");
    assert_load_error("[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models\n[Models]\nD=Inst,hw\n", NULL,
                      "bad.inf:6: install section [Inst] is not in the file");
    assert_load_error("[Version]\nSignature=\"$Windows NT$\"\n[Manufacturer]\nM=Models\n[Models]\nD=Inst,hw\n"
                      "[Inst]\nAddReg=Missing\n",
                      NULL, "bad.inf:8: AddReg names section [Missing], which is not in the file");
}

static void test_encoding_errors(void **state)
{
    char err[600];
    const uint8_t odd[] = {0xff, 0xfe, '[', 0, 'V'};
    assert_null(ndis_inf_load_buffer(odd, sizeof odd, "odd.inf", NULL, err, sizeof err));
    assert_string_equal(err, "odd.inf: UTF-16 file with an odd number of bytes (truncated?)");
    const char nul[] = "[Version]\nSignature=\"$Windows NT$\"\n\0\n";
    assert_null(ndis_inf_load_buffer(nul, sizeof nul - 1, "nul.inf", NULL, err, sizeof err));
    assert_string_equal(err, "nul.inf:3: NUL character in the file (a UTF-16 file without a byte-order mark?)");
}

static void test_missing_file(void **state)
{
    char err[600];
    assert_null(ndis_inf_load_file("/nonexistent/dir/driver.inf", NULL, err, sizeof err));
    assert_string_equal(err, "/nonexistent/dir/driver.inf: cannot open INF file: No such file or directory");
}

static void test_load_file_reads_bytes_as_is(void **state)
{
    char path[] = "/tmp/test_ndis_inf_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t len;
    uint8_t *b = utf16(k_inf, false, true, &len);
    FILE *f = fdopen(fd, "wb");
    assert_int_equal(fwrite(b, 1, len, f), len);
    fclose(f);
    free(b);
    char err[600] = "";
    ndis_inf *inf = ndis_inf_load_file(path, NULL, err, sizeof err);
    unlink(path);
    if (!inf)
        fail_msg("%s", err);
    assert_string_equal(ndis_inf_install_section(inf), "Test.ndi");
    assert_true(ndis_inf_value_count(inf) > 20);
    ndis_inf_free(inf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_selects_decorated_models_and_first_device),
        cmocka_unit_test(test_hardware_id_selects_model),
        cmocka_unit_test(test_installer_values),
        cmocka_unit_test(test_value_types),
        cmocka_unit_test(test_multi_sz_and_qword_through_ndis),
        cmocka_unit_test(test_ndi_params_defaults),
        cmocka_unit_test(test_string_substitution),
        cmocka_unit_test(test_continuation_and_key_only),
        cmocka_unit_test(test_operation_flags),
        cmocka_unit_test(test_utf16le_bom),
        cmocka_unit_test(test_utf16be_bom),
        cmocka_unit_test(test_utf16le_without_bom),
        cmocka_unit_test(test_utf8_with_and_without_bom),
        cmocka_unit_test(test_ansi_file_reads_as_windows_1252),
        cmocka_unit_test(test_malformed_lines_name_file_and_line),
        cmocka_unit_test(test_broken_chain),
        cmocka_unit_test(test_encoding_errors),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_load_file_reads_bytes_as_is),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
