/* Fault injection: transient, persistent and unique-site modes; counting rules; read-back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "verifier/verifier.h"

/* Distinct call sites, as a driver calling an allocator from three places would have. The stores
 * to `sink` keep the compiler from folding the three identical functions into one. */
static _Atomic int sink;

static __attribute__((noinline)) bool alloc_api(void)
{
    void *site = VF_SITE();
    bool r = vf_should_fail("NdisAllocateMemoryWithTagPriority", site);
    __asm__ volatile("" ::: "memory");
    return r;
}

static __attribute__((noinline)) bool site_a(void)
{
    sink = 1;
    bool r = alloc_api();
    __asm__ volatile("" ::: "memory");
    return r;
}

static __attribute__((noinline)) bool site_b(void)
{
    sink = 2;
    bool r = alloc_api();
    __asm__ volatile("" ::: "memory");
    return r;
}

static __attribute__((noinline)) bool site_c(void)
{
    sink = 3;
    bool r = alloc_api();
    __asm__ volatile("" ::: "memory");
    return r;
}

static int teardown(void **state)
{
    (void)state;
    vf_fault_set_scope(0);
    vf_fault_disarm();
    vf_fault_forget_sites();
    return 0;
}

static void test_disarmed_never_fails(void **state)
{
    (void)state;
    vf_fault_disarm();
    for (int i = 0; i < 10; i++)
        assert_false(site_a());
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.mode, VF_FAULT_OFF);
}

static void test_transient(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 3);
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_false(st.reached);
    assert_int_equal(st.calls, 0);
    assert_false(site_a());
    assert_false(site_b());
    assert_true(site_c()); /* the 3rd counted call */
    assert_false(site_a());
    assert_false(site_c());
    vf_fault_status_get(&st);
    assert_int_equal(st.mode, VF_FAULT_TRANSIENT);
    assert_int_equal(st.k, 3);
    assert_int_equal(st.calls, 5);
    assert_int_equal(st.failures, 1);
    assert_true(st.reached);
    assert_string_equal(st.api, "NdisAllocateMemoryWithTagPriority");
    assert_non_null(st.site);
    vf_site s;
    vf_symbolize_return(st.site, &s);
    assert_string_equal(s.function, "site_c");
    assert_non_null(st.module);
    Dl_info info;
    assert_true(dladdr(st.site, &info));
    assert_int_equal(st.offset, (uintptr_t)st.site - (uintptr_t)info.dli_fbase);
}

/* A scoped sweep counts only calls made with a scoped callback anywhere on the thread's stack. */
static void test_scope_counts_only_scoped_callbacks(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter scope");
    vf_fault_set_scope(UINT64_C(1) << VF_CB_INITIALIZE);
    vf_fault_arm(VF_FAULT_TRANSIENT, 2);
    vf_frame send;
    vf_enter(&send, VF_CB_SEND, o);
    assert_false(site_a()); /* outside the scope: not counted */
    assert_false(site_a());
    vf_leave(&send);
    vf_frame init, nested;
    vf_enter(&init, VF_CB_INITIALIZE, o);
    assert_false(site_b()); /* counted: 1 */
    vf_enter(&nested, VF_CB_LOOKASIDE, o);
    assert_true(site_c()); /* a lookaside routine called during initialize: counted, 2 */
    vf_leave(&nested);
    vf_leave(&init);
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.calls, 2);
    assert_int_equal(st.failures, 1);
    vf_owner_destroy(o);
}

static void test_not_reached(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 4);
    assert_false(site_a());
    assert_false(site_b());
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_false(st.reached); /* the sweep's stop rule: k was never reached */
    assert_int_equal(st.calls, 2);
    assert_int_equal(st.failures, 0);
    assert_null(st.api);
}

static void test_persistent(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_PERSISTENT, 2);
    assert_false(site_a());
    assert_true(site_b());
    assert_true(site_c());
    assert_true(site_a());
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.failures, 3);
    assert_true(st.reached);
    vf_site s;
    vf_symbolize_return(st.site, &s);
    assert_string_equal(s.function, "site_b"); /* the first failed call is recorded */
}

static void test_counts_only_driver_calls_while_armed(void **state)
{
    (void)state;
    assert_false(site_a()); /* before arming: not counted */
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_false(vf_should_fail("ExAllocatePool2", NULL)); /* host-internal: no site */
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.calls, 0);
    assert_true(site_a());
    vf_fault_disarm();
    assert_false(site_a());
    vf_fault_status_get(&st);
    assert_int_equal(st.calls, 1); /* disarm keeps the record readable */
    assert_int_equal(st.failures, 1);
    assert_int_equal(st.mode, VF_FAULT_OFF);
}

static void test_rearm_resets(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_true(site_a());
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.calls, 0);
    assert_int_equal(st.failures, 0);
    assert_null(st.api);
    assert_true(site_b());
}

static void test_unique_site_sweep(void **state)
{
    (void)state;
    /* One new site per run: a, then b, then c, then nothing left. */
    const char *expect[] = {"site_a", "site_b", "site_c"};
    for (int run = 0; run < 4; run++)
    {
        vf_fault_arm(VF_FAULT_UNIQUE_SITE, 1);
        int failed = 0;
        for (int loop = 0; loop < 3; loop++)
        {
            failed += site_a();
            failed += site_b();
            failed += site_c();
        }
        vf_fault_status st;
        vf_fault_status_get(&st);
        if (run < 3)
        {
            assert_int_equal(failed, 1);
            assert_true(st.reached);
            vf_site s;
            vf_symbolize_return(st.site, &s);
            assert_string_equal(s.function, expect[run]);
        }
        else
        {
            assert_int_equal(failed, 0);
            assert_false(st.reached);
        }
        assert_int_equal(st.calls, 9);
    }
}

static void test_unique_site_unlimited_and_forget(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_UNIQUE_SITE, 0);
    int failed = 0;
    for (int loop = 0; loop < 5; loop++)
        failed += site_a() + site_b() + site_c();
    assert_int_equal(failed, 3); /* first call from each site */
    vf_fault_forget_sites();
    vf_fault_arm(VF_FAULT_UNIQUE_SITE, 0);
    assert_true(site_b());
}

static void test_unique_site_exclusion(void **state)
{
    (void)state;
    /* Find site_a's identity the way a child would report it, then feed it back. */
    vf_fault_arm(VF_FAULT_TRANSIENT, 1);
    assert_true(site_a());
    vf_fault_status st;
    vf_fault_status_get(&st);
    char path[512];
    snprintf(path, sizeof path, "/some/other/dir/%s", st.module);
    vf_fault_exclude_site(path, st.offset);
    vf_fault_arm(VF_FAULT_UNIQUE_SITE, 0);
    assert_false(site_a());
    assert_true(site_b());
}

enum
{
    THREADS = 4,
    CALLS = 1000
};

static void *caller(void *arg)
{
    int *fails = arg;
    for (int i = 0; i < CALLS; i++)
        *fails += site_a();
    return NULL;
}

static void test_threads_count_every_call(void **state)
{
    (void)state;
    vf_fault_arm(VF_FAULT_TRANSIENT, 2500);
    pthread_t t[THREADS];
    int fails[THREADS] = {0};
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, caller, &fails[i]), 0);
    int total = 0;
    for (int i = 0; i < THREADS; i++)
    {
        pthread_join(t[i], NULL);
        total += fails[i];
    }
    vf_fault_status st;
    vf_fault_status_get(&st);
    assert_int_equal(st.calls, THREADS * CALLS);
    assert_int_equal(total, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_disarmed_never_fails, teardown),
        cmocka_unit_test_teardown(test_transient, teardown),
        cmocka_unit_test_teardown(test_scope_counts_only_scoped_callbacks, teardown),
        cmocka_unit_test_teardown(test_not_reached, teardown),
        cmocka_unit_test_teardown(test_persistent, teardown),
        cmocka_unit_test_teardown(test_counts_only_driver_calls_while_armed, teardown),
        cmocka_unit_test_teardown(test_rearm_resets, teardown),
        cmocka_unit_test_teardown(test_unique_site_sweep, teardown),
        cmocka_unit_test_teardown(test_unique_site_unlimited_and_forget, teardown),
        cmocka_unit_test_teardown(test_unique_site_exclusion, teardown),
        cmocka_unit_test_teardown(test_threads_count_every_call, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
