/* The registry file: value types, [*] / [adapter N] precedence, subkeys, and one-line errors
 * naming file:line for every kind of malformed input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ndis/config.h"

static ndis_config_store *load_ok(const char *text, unsigned adapter)
{
    ndis_config_store *s = ndis_config_store_new();
    char err[512] = "";
    int rc = ndis_config_store_load_string(s, text, "reg.ini", adapter, err, sizeof err);
    if (rc != 0)
        fail_msg("unexpected error: %s", err);
    return s;
}

static void expect_error(const char *text, int line, const char *needle)
{
    ndis_config_store *s = ndis_config_store_new();
    ndis_config_set_dword(s, NULL, "Before", 7);
    char err[512] = "";
    assert_int_equal(ndis_config_store_load_string(s, text, "reg.ini", 0, err, sizeof err), -1);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "reg.ini:%d: ", line);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("expected '%s...', got '%s'", prefix, err);
    if (needle && !strstr(err, needle))
        fail_msg("expected '%s' in '%s'", needle, err);
    assert_null(strchr(err, '\n'));
    /* Nothing of a failed file is applied. */
    uint32_t v = 0;
    assert_int_equal(ndis_config_get_dword(s, NULL, "Before", &v), 0);
    assert_int_equal(v, 7);
    assert_false(ndis_config_has(s, NULL, "A"));
    ndis_config_store_free(s);
}

static void each_value_type(void **state)
{
    ndis_config_store *s = load_ok("; comment\n"
                                   "# another\n"
                                   "[*]\n"
                                   "Plain = hello world\n"
                                   "Sz = sz:http://example/x\n"
                                   "D1 = dword:16\n"
                                   "D2 = dword:0x10\n"
                                   "Q = qword:0x100000000\n"
                                   "M = multi_sz:\"a\", \"b,c\" ,\"q\\\"x\"\n"
                                   "B = binary:02 50 f2 0A0b0C\n"
                                   "Empty = binary:\n"
                                   "Uni = sz:gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80\n",
                                   0);
    char buf[64];
    uint32_t d;
    assert_int_equal(ndis_config_get_sz(s, NULL, "Plain", buf, sizeof buf), 0);
    assert_string_equal(buf, "hello world");
    assert_int_equal(ndis_config_get_sz(s, NULL, "sz", buf, sizeof buf), 0);
    assert_string_equal(buf, "http://example/x");
    assert_int_equal(ndis_config_get_dword(s, NULL, "D1", &d), 0);
    assert_int_equal(d, 16);
    assert_int_equal(ndis_config_get_dword(s, NULL, "d2", &d), 0);
    assert_int_equal(d, 16);
    assert_int_equal(ndis_config_get_dword(s, NULL, "Q", &d), -1); /* a QWORD is not a DWORD */
    UCHAR bin[16];
    size_t n = 0;
    assert_int_equal(ndis_config_get_binary(s, NULL, "B", bin, sizeof bin, &n), 0);
    assert_int_equal(n, 6);
    static const UCHAR want[] = {0x02, 0x50, 0xf2, 0x0a, 0x0b, 0x0c};
    assert_memory_equal(bin, want, 6);
    assert_int_equal(ndis_config_get_binary(s, NULL, "Empty", bin, sizeof bin, &n), 0);
    assert_int_equal(n, 0);
    assert_true(ndis_config_has(s, NULL, "M"));
    assert_int_equal(ndis_config_get_sz(s, NULL, "Uni", buf, sizeof buf), 0);
    assert_string_equal(buf, "gr\xc3\xbc\xc3\x9f \xf0\x9f\x98\x80");
    ndis_config_store_free(s);
}

static void adapter_section_overrides_wildcard_in_any_order(void **state)
{
    const char *text = "[adapter 1]\n"
                       "Speed = dword:1000\n"
                       "[*]\n"
                       "Speed = dword:10\n"
                       "Common = dword:5\n"
                       "[adapter 0]\n"
                       "Only0 = dword:1\n";
    uint32_t v;
    ndis_config_store *a0 = load_ok(text, 0), *a1 = load_ok(text, 1), *a2 = load_ok(text, 2);
    assert_int_equal(ndis_config_get_dword(a0, NULL, "Speed", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(ndis_config_get_dword(a1, NULL, "Speed", &v), 0);
    assert_int_equal(v, 1000);
    assert_int_equal(ndis_config_get_dword(a2, NULL, "speed", &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(ndis_config_get_dword(a1, NULL, "Common", &v), 0);
    assert_true(ndis_config_has(a0, NULL, "Only0"));
    assert_false(ndis_config_has(a1, NULL, "Only0"));
    ndis_config_store_free(a0);
    ndis_config_store_free(a1);
    ndis_config_store_free(a2);
}

static void subkey_sections(void **state)
{
    ndis_config_store *s = load_ok("[*\\Ndi\\Params]\n"
                                   "X = dword:1\n"
                                   "[adapter 0\\Ndi\\params]\n"
                                   "X = dword:2\n"
                                   "[ADAPTER 0\\Other]\n"
                                   "Y = text\n",
                                   0);
    uint32_t v;
    assert_int_equal(ndis_config_get_dword(s, "Ndi\\Params", "X", &v), 0);
    assert_int_equal(v, 2);
    assert_false(ndis_config_has(s, NULL, "X"));
    assert_true(ndis_config_has(s, "other", "Y"));
    ndis_config_store_free(s);
}

static void file_on_disk_and_missing_file(void **state)
{
    char path[] = "/tmp/ndishost-reg-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char text[] = "[*]\nNetworkAddress = 02AABBCCDDEE\n[adapter 0]\nBad = dword:x\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    ndis_config_store *s = ndis_config_store_new();
    char err[512];
    assert_int_equal(ndis_config_store_load_file(s, path, 0, err, sizeof err), -1);
    char want[600];
    snprintf(want, sizeof want, "%s:4: ", path);
    assert_memory_equal(err, want, strlen(want));
    /* adapter 1 does not use the bad section, but the whole file is checked. */
    assert_int_equal(ndis_config_store_load_file(s, path, 1, err, sizeof err), -1);
    unlink(path);
    assert_int_equal(ndis_config_store_load_file(s, path, 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "cannot open"));
    ndis_config_store_free(s);
}

static void malformed_inputs_name_the_line(void **state)
{
    expect_error("A = 1\n", 1, "outside any section");
    expect_error("[*]\nA = 1\n[bogus]\nB = 2\n", 3, "unknown section");
    expect_error("[*]\n\n[adapter x]\n", 3, "unknown section");
    expect_error("[*]\nA = 1\nthis line has no equals sign\n", 3, "malformed");
    expect_error("[*]\nA = dword:12z\n", 2, "bad dword");
    expect_error("[*]\nA = dword:0x100000000\n", 2, "bad dword");
    expect_error("[*]\nA = dword:\n", 2, "bad dword");
    expect_error("[*]\nA = qword:-1\n", 2, "bad qword");
    expect_error("[*]\nA = float:1.5\n", 2, "unknown type prefix");
    expect_error("[*]\nA = binary:0\n", 2, "odd number");
    expect_error("[*]\nA = binary:zz\n", 2, "not hexadecimal");
    expect_error("[*]\nA = multi_sz:a,b\n", 2, "double-quoted");
    expect_error("[*]\nA = multi_sz:\"a\" \"b\"\n", 2, "expected ','");
    expect_error("[*]\nA = multi_sz:\"a\n", 2, "unterminated");
    expect_error("[*]\nA = multi_sz:\"a\",\n", 2, "trailing comma");
    expect_error("[*]\nA = 1\n\n\na = 2\n", 5, "duplicate keyword");
    expect_error("[*]\nA = 1\n[adapter 0]\nB = 1\n[*]\nA = 3\n", 6, "first set at line 2");
    expect_error("[*]\nA = 1\n  B = 2\n", 3, "indented");
    expect_error("[*]\nA = \xff\xfe\n", 2, "UTF-8");
    char long_line[400];
    memset(long_line, 'x', sizeof long_line);
    memcpy(long_line, "[*]\nA = ", 8);
    strcpy(long_line + 300, "\nB = 1\n");
    expect_error(long_line, 2, "longer than");
    /* The first error in file order is reported, whichever kind it is. */
    expect_error("[*]\nA = dword:q\nno equals here\n", 2, "bad dword");
    expect_error("[*]\nno equals here\nA = dword:q\n", 2, "malformed");
}

static void same_key_in_different_sections_is_not_a_duplicate(void **state)
{
    ndis_config_store *s = load_ok("[*]\nA = 1\n[adapter 0]\nA = 2\n[adapter 1]\nA = 3\n[*\\Sub]\nA = 4\n", 0);
    char buf[8];
    assert_int_equal(ndis_config_get_sz(s, NULL, "A", buf, sizeof buf), 0);
    assert_string_equal(buf, "2");
    ndis_config_store_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_value_type),
        cmocka_unit_test(adapter_section_overrides_wildcard_in_any_order),
        cmocka_unit_test(subkey_sections),
        cmocka_unit_test(file_on_disk_and_missing_file),
        cmocka_unit_test(malformed_inputs_name_the_line),
        cmocka_unit_test(same_key_in_different_sections_is_not_a_duplicate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
