/* Rtl strings with 16-bit WCHAR literals: init, copy, append, compare, case, conversions to and
 * from ANSI (allocated results ledgered as VF_RES_STRING and freed with RtlFree*String), integer
 * conversions, GUID strings, and the Rtl bit and byte helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

static vf_owner *g_owner;
static vf_frame g_frame;

static int setup(void **state)
{
    (void)state;
    g_owner = ts_frame_setup(&g_frame, "driver rtl-test");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_frame_teardown(&g_frame, g_owner);
    return 0;
}

static void test_wchar_is_16_bits(void **state)
{
    (void)state;
    assert_int_equal(sizeof(WCHAR), 2);
    assert_int_equal(sizeof(L"abc"), 8);
}

static void test_init_and_copy(void **state)
{
    (void)state;
    UNICODE_STRING s;
    RtlInitUnicodeString(&s, L"abc");
    assert_int_equal(s.Length, 6);
    assert_int_equal(s.MaximumLength, 8);
    RtlInitUnicodeString(&s, NULL);
    assert_int_equal(s.Length, 0);
    assert_null(s.Buffer);
    WCHAR buf[4];
    UNICODE_STRING d = {0, sizeof buf, buf};
    UNICODE_STRING src;
    RtlInitUnicodeString(&src, L"hello");
    RtlCopyUnicodeString(&d, &src);
    assert_int_equal(d.Length, 8); /* truncated to MaximumLength, no room for a terminator */
    assert_memory_equal(buf, L"hell", 8);
    RtlCopyUnicodeString(&d, NULL);
    assert_int_equal(d.Length, 0);
    ANSI_STRING a;
    RtlInitAnsiString(&a, "xyz");
    assert_int_equal(a.Length, 3);
    assert_int_equal(a.MaximumLength, 4);
}

static void test_append(void **state)
{
    (void)state;
    WCHAR buf[8];
    UNICODE_STRING d = {0, sizeof buf, buf};
    assert_int_equal(RtlAppendUnicodeToString(&d, L"abc"), STATUS_SUCCESS);
    UNICODE_STRING s;
    RtlInitUnicodeString(&s, L"de");
    assert_int_equal(RtlAppendUnicodeStringToString(&d, &s), STATUS_SUCCESS);
    assert_int_equal(d.Length, 10);
    assert_memory_equal(buf, L"abcde", 12); /* terminated while there is room */
    assert_int_equal(RtlAppendUnicodeToString(&d, L"fghij"), STATUS_BUFFER_TOO_SMALL);
    assert_int_equal(d.Length, 10);
}

static void test_compare_and_equal(void **state)
{
    (void)state;
    UNICODE_STRING a, b, c;
    RtlInitUnicodeString(&a, L"Adapter");
    RtlInitUnicodeString(&b, L"aDAPTER");
    RtlInitUnicodeString(&c, L"Adapt");
    assert_true(RtlEqualUnicodeString(&a, &b, TRUE));
    assert_false(RtlEqualUnicodeString(&a, &b, FALSE));
    assert_int_equal(RtlCompareUnicodeString(&a, &b, TRUE), 0);
    assert_true(RtlCompareUnicodeString(&a, &b, FALSE) < 0); /* 'A' < 'a' */
    assert_true(RtlCompareUnicodeString(&c, &a, FALSE) < 0);
    assert_true(RtlPrefixUnicodeString(&c, &a, FALSE));
    assert_false(RtlPrefixUnicodeString(&a, &c, FALSE));
    assert_int_equal(RtlUpcaseUnicodeChar(L'q'), L'Q');
}

static void test_ansi_round_trip_and_free(void **state)
{
    (void)state;
    UNICODE_STRING u;
    RtlInitUnicodeString(&u, L"Net\x00e9 \x4e2d");
    ANSI_STRING a;
    assert_int_equal(RtlUnicodeStringToAnsiString(&a, &u, TRUE), STATUS_SUCCESS);
    assert_int_equal(a.Length, 6);
    assert_string_equal(a.Buffer, "Net\xe9 ?");
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_STRING), 1);
    UNICODE_STRING back;
    assert_int_equal(RtlAnsiStringToUnicodeString(&back, &a, TRUE), STATUS_SUCCESS);
    assert_int_equal(back.Length, 12);
    assert_memory_equal(back.Buffer, L"Net\x00e9 ?", 14);
    RtlFreeAnsiString(&a);
    RtlFreeUnicodeString(&back);
    assert_null(back.Buffer);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_STRING), 0);
    assert_int_equal(vf_findings_count(), 0);
    /* Into a caller buffer that is too small. */
    char small[4];
    ANSI_STRING s = {0, sizeof small, small};
    assert_int_equal(RtlUnicodeStringToAnsiString(&s, &u, FALSE), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(s.Length, 3);
    assert_string_equal(small, "Net");
}

static void test_free_of_foreign_buffer_is_me02(void **state)
{
    (void)state;
    WCHAR local[4] = L"abc";
    UNICODE_STRING u = {6, 8, local};
    RtlFreeUnicodeString(&u);
    assert_int_equal(count_rule("ME-02"), 1);
}

static void test_leaked_string_is_reported(void **state)
{
    (void)state;
    ANSI_STRING a;
    RtlInitAnsiString(&a, "leak");
    UNICODE_STRING u;
    RtlAnsiStringToUnicodeString(&u, &a, TRUE);
    assert_int_equal(vf_ledger_report_leftovers(g_owner, NULL, "test"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
}

static void test_integer_conversions(void **state)
{
    (void)state;
    WCHAR buf[16];
    UNICODE_STRING s = {0, sizeof buf, buf};
    assert_int_equal(RtlIntegerToUnicodeString(1234, 10, &s), STATUS_SUCCESS);
    assert_int_equal(s.Length, 8);
    assert_memory_equal(buf, L"1234", 10);
    assert_int_equal(RtlIntegerToUnicodeString(0xBEEF, 16, &s), STATUS_SUCCESS);
    assert_memory_equal(buf, L"BEEF", 8);
    assert_int_equal(RtlIntegerToUnicodeString(1, 7, &s), STATUS_INVALID_PARAMETER);
    UNICODE_STRING tiny = {0, 2, buf};
    assert_int_equal(RtlIntegerToUnicodeString(99, 10, &tiny), STATUS_BUFFER_OVERFLOW);
    ULONG v = 0;
    UNICODE_STRING in;
    RtlInitUnicodeString(&in, L"  42");
    assert_int_equal(RtlUnicodeStringToInteger(&in, 0, &v), STATUS_SUCCESS);
    assert_int_equal(v, 42);
    RtlInitUnicodeString(&in, L"0x1F");
    assert_int_equal(RtlUnicodeStringToInteger(&in, 0, &v), STATUS_SUCCESS);
    assert_int_equal(v, 31);
    RtlInitUnicodeString(&in, L"-5");
    assert_int_equal(RtlUnicodeStringToInteger(&in, 10, &v), STATUS_SUCCESS);
    assert_int_equal((LONG)v, -5);
    RtlInitUnicodeString(&in, L"ff");
    assert_int_equal(RtlUnicodeStringToInteger(&in, 16, &v), STATUS_SUCCESS);
    assert_int_equal(v, 255);
    assert_int_equal(RtlUnicodeStringToInteger(&in, 3, &v), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlCharToInteger("101", 2, &v), STATUS_SUCCESS);
    assert_int_equal(v, 5);
}

static void test_guid_strings(void **state)
{
    (void)state;
    GUID g = {0x12345678, 0x9abc, 0xdef0, {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef}};
    UNICODE_STRING s;
    assert_int_equal(RtlStringFromGUID(&g, &s), STATUS_SUCCESS);
    assert_int_equal(s.Length, 38 * 2);
    assert_memory_equal(s.Buffer, L"{12345678-9ABC-DEF0-0123-456789ABCDEF}", 38 * 2);
    GUID back;
    assert_int_equal(RtlGUIDFromString(&s, &back), STATUS_SUCCESS);
    assert_memory_equal(&back, &g, sizeof g);
    RtlFreeUnicodeString(&s);
}

static void test_string_api_above_passive_is_iq01(void **state)
{
    (void)state;
    UNICODE_STRING a, b;
    RtlInitUnicodeString(&a, L"x");
    RtlInitUnicodeString(&b, L"x");
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    assert_true(RtlEqualUnicodeString(&a, &b, FALSE));
    KeLowerIrql(old);
    assert_int_equal(count_rule("IQ-01"), 1);
}

static void test_bits_and_bytes(void **state)
{
    (void)state;
    assert_int_equal(RtlFindLeastSignificantBit(0), -1);
    assert_int_equal(RtlFindLeastSignificantBit(0x50), 4);
    assert_int_equal(RtlFindMostSignificantBit(0x50), 6);
    assert_int_equal(RtlFindMostSignificantBit(1ull << 63), 63);
    assert_int_equal(RtlNumberOfSetBitsUlongPtr(0xF0F0), 8);
    assert_int_equal(RtlUshortByteSwap(0x1234), 0x3412);
    assert_int_equal(RtlUlongByteSwap(0x12345678), 0x78563412);
    assert_true(RtlUlonglongByteSwap(0x0102030405060708ull) == 0x0807060504030201ull);
    unsigned char x[4] = {1, 2, 3, 4}, y[4] = {1, 2, 9, 4};
    assert_int_equal(RtlCompareMemory(x, y, 4), 2);
    assert_true(RtlEqualMemory(x, x, 4));
    ULONG bits[2] = {0, 0};
    RTL_BITMAP bm;
    RtlInitializeBitMap(&bm, bits, 64);
    RtlSetBit(&bm, 33);
    assert_true(RtlCheckBit(&bm, 33));
    assert_false(RtlCheckBit(&bm, 32));
    assert_int_equal(bits[1], 2);
    assert_int_equal(RtlFindClearBitsAndSet(&bm, 3, 32), 34);
    assert_int_equal(RtlNumberOfSetBits(&bm), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_wchar_is_16_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init_and_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_and_equal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ansi_round_trip_and_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_of_foreign_buffer_is_me02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_leaked_string_is_reported, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integer_conversions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_guid_strings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_string_api_above_passive_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bits_and_bytes, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
