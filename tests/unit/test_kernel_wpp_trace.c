/* WPP tracing for drivers: ndishost_wpp_trace (the target of generated .tmh stubs) and
 * <ndishost_wpp.h>: the WPP format extensions, the Microsoft length prefixes, the newline WPP
 * messages leave out, the control-GUID bits as C enumerators, and trace macros of the generated
 * shape evaluating every argument. The driver log (stderr) is captured through a file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* As a driver's trace.h defines them, before the .tmh is included. */
#define WPP_CONTROL_GUIDS                                                                                              \
    WPP_DEFINE_CONTROL_GUID(TestGuid, (11111111, 2222, 3333, 4444, 555555555555),                                      \
                            WPP_DEFINE_BIT(TEST_ERROR) WPP_DEFINE_BIT(TEST_INFO) WPP_DEFINE_BIT(TEST_LOUD))

#include <ndishost_wpp.h>

/* What NdishostWpp.cmake writes for "DEBUGP(LEVEL,MSG,...)". */
#define DEBUGP(LEVEL, MSG, ...)                                                                                        \
    ((void)(LEVEL), ndishost_wpp_trace(__FILE__, __LINE__, __func__, #LEVEL, MSG, ##__VA_ARGS__))

static char g_log[4096];

/* Runs fn with stderr redirected to a temporary file and leaves what it wrote in g_log. */
static void capture(void (*fn)(void))
{
    fflush(stderr);
    int saved = dup(2);
    FILE *tmp = tmpfile();
    assert_non_null(tmp);
    dup2(fileno(tmp), 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(g_log, 1, sizeof g_log - 1, tmp);
    g_log[n] = '\0';
    fclose(tmp);
}

static void trace_func_line_status(void)
{
    ndishost_wpp_trace("dir/file.c", 42, "MyFunction", "TRACE_LEVEL_ERROR TRACE_INIT",
                       "%!FUNC! at %!FILE!:%!LINE! failed with %!STATUS!", 0xC0000001);
}

static void test_wpp_extensions_are_expanded(void **state)
{
    (void)state;
    capture(trace_func_line_status);
    assert_string_equal(g_log,
                        "[driver] TRACE_LEVEL_ERROR TRACE_INIT: MyFunction at file.c:42 failed with 0xC0000001\n");
}

static void trace_lengths(void)
{
    ndishost_wpp_trace("f.c", 1, "F", "L", "%I64x %I64u %u %s", 0x1122334455667788ULL, 18446744073709551615ULL, 7u,
                       "end");
}

static void test_microsoft_length_prefixes_consume_64_bits(void **state)
{
    (void)state;
    capture(trace_lengths);
    assert_string_equal(g_log, "[driver] L: 1122334455667788 18446744073709551615 7 end\n");
}

static void trace_percent(void)
{
    ndishost_wpp_trace("f.c", 1, "F", "", "100%% done, status %x%\n", 5);
}

static void test_literal_and_stray_percent(void **state)
{
    (void)state;
    capture(trace_percent);
    /* No tags: no "tags: " prefix; a '%' before a newline is printed as it is. */
    assert_string_equal(g_log, "[driver] 100% done, status 5%\n");
}

static void trace_unknown_type(void)
{
    int x;
    ndishost_wpp_trace("f.c", 1, "F", "T", "guid %!GUID! then %d", (void *)&x, 12345);
}

static void test_unknown_type_keeps_later_arguments_aligned(void **state)
{
    (void)state;
    capture(trace_unknown_type);
    size_t len = strlen(g_log);
    assert_true(len > 7);
    assert_string_equal(g_log + len - 7, " 12345\n");
}

static void trace_function_name_with_percent(void)
{
    ndishost_wpp_trace("f.c", 1, "odd%name", "T", "%!FUNC! %d", 3);
}

static void test_substituted_text_is_not_a_format(void **state)
{
    (void)state;
    capture(trace_function_name_with_percent);
    assert_string_equal(g_log, "[driver] T: odd%name 3\n");
}

static int g_evaluated;
static int bump(void)
{
    return ++g_evaluated;
}

static void trace_macro(void)
{
    DEBUGP(TEST_INFO, "value %d", bump());
    DEBUGP(TEST_LOUD, "no arguments");
}

static void test_generated_macro_evaluates_arguments_and_tags_level(void **state)
{
    (void)state;
    g_evaluated = 0;
    capture(trace_macro);
    assert_int_equal(g_evaluated, 1);
    assert_string_equal(g_log, "[driver] TEST_INFO: value 1\n[driver] TEST_LOUD: no arguments\n");
}

static void test_control_bits_are_enumerators(void **state)
{
    (void)state;
    assert_int_equal(TEST_ERROR, 0);
    assert_int_equal(TEST_INFO, 1);
    assert_int_equal(TEST_LOUD, 2);
    assert_int_equal(TRACE_LEVEL_ERROR, 2);
    assert_int_equal(TRACE_LEVEL_VERBOSE, 5);
}

static void test_init_and_cleanup_accept_their_arguments(void **state)
{
    (void)state;
    void *driver_object = &g_evaluated;
    WPP_INIT_TRACING(driver_object, NULL);
    WPP_CLEANUP(driver_object);
    WPP_CLEANUP();
}

int main(void)
{
    /* The driver log is on unless this is set (the switch is read once). */
    unsetenv("NDISHOST_QUIET_DBGPRINT");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wpp_extensions_are_expanded),
        cmocka_unit_test(test_microsoft_length_prefixes_consume_64_bits),
        cmocka_unit_test(test_literal_and_stray_percent),
        cmocka_unit_test(test_unknown_type_keeps_later_arguments_aligned),
        cmocka_unit_test(test_substituted_text_is_not_a_format),
        cmocka_unit_test(test_generated_macro_evaluates_arguments_and_tags_level),
        cmocka_unit_test(test_control_bits_are_enumerators),
        cmocka_unit_test(test_init_and_cleanup_accept_their_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
