/* End-to-end: the kernel surface of the next drivers (Wintun, tap-windows6; docs/next-drivers.md)
 * through the real CLI. The fixture driver next_core uses ERESOURCEs, EX spin locks, a system thread
 * waited for in halt, a control device from NdisRegisterDeviceEx with a cancel-safe queue, and a
 * process-notify routine, in its DriverEntry/initialize/pause/halt/unload paths; two adapters, two
 * cycles must run clean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "e2e_run.h"

static size_t count(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static void test_core_initializes_and_halts_clean(void **state)
{
    const char *args[] = {"run", E2E_FIXTURE_DIR "/next_core.so", "-a", "2", "-c", "2", "-n", "4", NULL};
    e2e_result r;
    e2e_run_argv(args, &r);
    if (r.status != 0)
        e2e_dump("run", &r);
    assert_int_equal(r.status, 0);
    assert_int_equal(count(r.err, "[driver] next_core: driver entry\n"), 1);
    assert_int_equal(count(r.err, "[driver] next_core: initialized \\Device\\next_core"), 4);
    assert_int_equal(count(r.err, "[driver] next_core: halted \\Device\\next_core"), 4);
    assert_int_equal(count(r.err, "[driver] next_core: unload\n"), 1);
    assert_non_null(strstr(r.out, "verdict: clean"));
    assert_int_equal(e2e_count_lines(r.err), 10);
    e2e_result_free(&r);
}

int main(void)
{
    atexit(e2e_cleanup);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_initializes_and_halts_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
