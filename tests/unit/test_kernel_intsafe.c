/* ntintsafe.h and ntstrsafe.h: overflow detection with STATUS_INTEGER_OVERFLOW, bounded copies
 * and concatenations with STATUS_BUFFER_OVERFLOW on truncation, and the printf family with the
 * Microsoft conventions (32-bit %ld, I64, %ws, %wZ, %Z). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ntddk.h>
#include <ntintsafe.h>
#include <ntstrsafe.h>

static void test_unsigned_arithmetic(void **state)
{
    (void)state;
    ULONG r;
    assert_int_equal(RtlULongAdd(1, 2, &r), STATUS_SUCCESS);
    assert_int_equal(r, 3);
    assert_int_equal(RtlULongAdd(0xFFFFFFFFu, 1, &r), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(r, ULONG_ERROR);
    assert_int_equal(RtlULongMult(0x10000, 0x10000, &r), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongMult(1500, 64, &r), STATUS_SUCCESS);
    assert_int_equal(r, 96000);
    assert_int_equal(RtlULongSub(1, 2, &r), STATUS_INTEGER_OVERFLOW);
    SIZE_T z;
    assert_int_equal(RtlSizeTMult((SIZE_T)1 << 40, (SIZE_T)1 << 30, &z), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlSizeTAdd(5, 6, &z), STATUS_SUCCESS);
    assert_int_equal(z, 11);
    UINT u;
    assert_int_equal(RtlUIntAdd(0xFFFFFFF0u, 0x20, &u), STATUS_INTEGER_OVERFLOW);
    USHORT s;
    assert_int_equal(RtlUShortAdd(0xFFFF, 1, &s), STATUS_INTEGER_OVERFLOW);
}

static void test_signed_arithmetic_and_conversions(void **state)
{
    (void)state;
    LONG l;
    assert_int_equal(RtlLongAdd(0x7FFFFFFF, 1, &l), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(l, -1);
    assert_int_equal(RtlLongSub(-5, 10, &l), STATUS_SUCCESS);
    assert_int_equal(l, -15);
    USHORT us;
    assert_int_equal(RtlULongToUShort(0x10000, &us), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongToUShort(0xFFFF, &us), STATUS_SUCCESS);
    ULONG ul;
    assert_int_equal(RtlLongToULong(-1, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlULongLongToULong(0x100000000ull, &ul), STATUS_INTEGER_OVERFLOW);
    assert_int_equal(RtlSizeTToULong(7, &ul), STATUS_SUCCESS);
    assert_int_equal(ul, 7);
}

static void test_strsafe_copy_cat_length(void **state)
{
    (void)state;
    char b[6];
    assert_int_equal(RtlStringCchCopyA(b, sizeof b, "hello"), STATUS_SUCCESS);
    assert_string_equal(b, "hello");
    assert_int_equal(RtlStringCchCopyA(b, sizeof b, "hello!"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "hello");
    assert_int_equal(RtlStringCchCopyA(b, 0, "x"), STATUS_INVALID_PARAMETER);
    assert_int_equal(RtlStringCchCopyA(b, sizeof b, "ab"), STATUS_SUCCESS);
    assert_int_equal(RtlStringCchCatA(b, sizeof b, "cd"), STATUS_SUCCESS);
    assert_string_equal(b, "abcd");
    assert_int_equal(RtlStringCchCatA(b, sizeof b, "ef"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "abcde");
    size_t n;
    assert_int_equal(RtlStringCchLengthA(b, sizeof b, &n), STATUS_SUCCESS);
    assert_int_equal(n, 5);
    assert_int_equal(RtlStringCchLengthA("abcdef", 3, &n), STATUS_INVALID_PARAMETER);
    WCHAR w[4];
    assert_int_equal(RtlStringCbCopyW(w, sizeof w, L"abc"), STATUS_SUCCESS);
    assert_memory_equal(w, L"abc", 8);
    assert_int_equal(RtlStringCbCopyW(w, sizeof w, L"abcd"), STATUS_BUFFER_OVERFLOW);
    assert_memory_equal(w, L"abc", 8);
    assert_int_equal(RtlStringCchLengthW(w, 4, &n), STATUS_SUCCESS);
    assert_int_equal(n, 3);
    char *end;
    size_t rem;
    assert_int_equal(RtlStringCchCopyExA(b, sizeof b, "xy", &end, &rem, 0), STATUS_SUCCESS);
    assert_ptr_equal(end, b + 2);
    assert_int_equal(rem, 4);
}

static void test_strsafe_printf_ms_conventions(void **state)
{
    (void)state;
    char b[128];
    ULONG u = 0xDEADBEEF;
    LONG neg = -7;
    ULONGLONG big = 0x123456789ull;
    assert_int_equal(RtlStringCchPrintfA(b, sizeof b, "%lx %ld %I64x %u%%", u, neg, big, 5u), STATUS_SUCCESS);
    assert_string_equal(b, "deadbeef -7 123456789 5%");
    UNICODE_STRING us;
    RtlInitUnicodeString(&us, L"eth0");
    ANSI_STRING as;
    RtlInitAnsiString(&as, "vnic");
    assert_int_equal(
        RtlStringCchPrintfA(b, sizeof b, "[%wZ|%Z|%ws|%s|%c|%08X]", &us, &as, L"wide", "narrow", 'k', 0xABCu),
        STATUS_SUCCESS);
    assert_string_equal(b, "[eth0|vnic|wide|narrow|k|00000ABC]");
    assert_int_equal(RtlStringCchPrintfA(b, 5, "%s", "123456"), STATUS_BUFFER_OVERFLOW);
    assert_string_equal(b, "1234");
    WCHAR w[32];
    assert_int_equal(RtlStringCchPrintfW(w, 32, L"%s-%d-%hs", L"ab", 42, "cd"), STATUS_SUCCESS);
    assert_memory_equal(w, L"ab-42-cd", 18);
    size_t rem = 0;
    char *end = NULL;
    assert_int_equal(RtlStringCchPrintfExA(b, sizeof b, &end, &rem, 0, "%-4s|%4s|", "a", "b"), STATUS_SUCCESS);
    assert_string_equal(b, "a   |   b|");
    assert_ptr_equal(end, b + 10);
    assert_int_equal(rem, sizeof b - 10);
}

static void test_unicode_string_forms(void **state)
{
    (void)state;
    WCHAR buf[8];
    UNICODE_STRING d = {0, sizeof buf, buf};
    assert_int_equal(RtlUnicodeStringCopyString(&d, L"abc"), STATUS_SUCCESS);
    assert_int_equal(d.Length, 6);
    assert_int_equal(RtlUnicodeStringCatString(&d, L"defghi"), STATUS_BUFFER_OVERFLOW);
    assert_int_equal(d.Length, 16);
    assert_int_equal(RtlUnicodeStringPrintf(&d, L"n=%u", 17u), STATUS_SUCCESS);
    assert_int_equal(d.Length, 8);
    assert_memory_equal(buf, L"n=17", 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unsigned_arithmetic),     cmocka_unit_test(test_signed_arithmetic_and_conversions),
        cmocka_unit_test(test_strsafe_copy_cat_length), cmocka_unit_test(test_strsafe_printf_ms_conventions),
        cmocka_unit_test(test_unicode_string_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
