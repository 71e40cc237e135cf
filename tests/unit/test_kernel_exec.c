/* The threads executor: futex-style wait/wake on a 32-bit word (value check, time-out, wake from
 * another thread), the host mutex under contention, clocks and the processor count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/exec/exec.h"

static void test_wait_returns_at_once_when_word_differs(void **state)
{
    (void)state;
    uint32_t w = 1;
    assert_true(exec_wait_u32(&w, 0, -1));
}

static void test_wait_times_out(void **state)
{
    (void)state;
    uint32_t w = 0;
    assert_false(exec_wait_u32(&w, 0, 0));
    assert_false(exec_wait_u32(&w, 0, 1000000));
}

static uint32_t g_word;

static void waker(void *arg)
{
    (void)arg;
    exec_sleep_ns(5000000);
    __atomic_store_n(&g_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&g_word, INT32_MAX);
}

static void test_wake_from_another_thread(void **state)
{
    (void)state;
    g_word = 0;
    exec_thread *t;
    assert_int_equal(exec_thread_start(&t, "waker", waker, NULL), 0);
    while (__atomic_load_n(&g_word, __ATOMIC_ACQUIRE) == 0)
        exec_wait_u32(&g_word, 0, -1);
    assert_false(exec_thread_is_current(t));
    exec_thread_join(t);
}

static exec_mutex g_mutex = EXEC_MUTEX_INIT;
static long g_counter;

static void contender(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
    {
        exec_mutex_lock(&g_mutex);
        g_counter++;
        exec_mutex_unlock(&g_mutex);
    }
}

static void test_mutex_excludes(void **state)
{
    (void)state;
    exec_thread *a, *b;
    exec_thread_start(&a, "a", contender, NULL);
    exec_thread_start(&b, "b", contender, NULL);
    exec_thread_join(a);
    exec_thread_join(b);
    assert_int_equal(g_counter, 200000);
}

static void test_clocks_and_processors(void **state)
{
    (void)state;
    uint64_t t0 = exec_now_ns();
    exec_sleep_ns(1000000);
    assert_true(exec_now_ns() - t0 >= 1000000);
    t0 = exec_now_ns();
    exec_stall_ns(100000);
    assert_true(exec_now_ns() - t0 >= 100000);
    assert_true(exec_system_time() > 130000000000000000ll);
    const char *env = getenv("NDISHOST_PROCESSORS");
    if (!env)
        assert_int_equal(exec_processor_count(), 2);
    else
        assert_int_equal(exec_processor_count(), (unsigned)atoi(env));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wait_returns_at_once_when_word_differs),
        cmocka_unit_test(test_wait_times_out),
        cmocka_unit_test(test_wake_from_another_thread),
        cmocka_unit_test(test_mutex_excludes),
        cmocka_unit_test(test_clocks_and_processors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
