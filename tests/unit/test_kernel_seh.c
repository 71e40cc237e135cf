/* The MSVC SEH mapping force-included into drivers (include/ddk/ndishost_seh.h): a guarded block
 * runs to its end, __except's filter and handler never run, __finally always runs after the
 * guarded block, __leave leaves the guarded block; excpt.h's lower-case spellings map the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include <ndishost_seh.h>

static int g_filter_runs;
static int filter(void)
{
    g_filter_runs++;
    return EXCEPTION_EXECUTE_HANDLER;
}

static void test_try_except(void **state)
{
    (void)state;
    int body = 0, handler = 0;
    (void)filter; /* referenced only inside the never-evaluated filter */
    __try
    {
        body++;
    }
    __except (filter())
    {
        handler++;
    }
    try
    {
        body++;
    }
    except(EXCEPTION_EXECUTE_HANDLER)
    {
        handler++;
    }
    assert_int_equal(body, 2);
    assert_int_equal(handler, 0);
    assert_int_equal(g_filter_runs, 0);
}

static void test_try_finally_and_leave(void **state)
{
    (void)state;
    int body = 0, after_leave = 0, fin = 0;
    __try
    {
        body++;
        if (body)
            __leave;
        after_leave++;
    }
    __finally
    {
        fin++;
    }
    assert_int_equal(body, 1);
    assert_int_equal(after_leave, 0);
    assert_int_equal(fin, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_try_except),
        cmocka_unit_test(test_try_finally_and_leave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
