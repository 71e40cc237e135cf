/* Callback context: frame stack, current callback/owner, per-thread IRQL, role names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "verifier/verifier.h"

static void test_names_documented(void **state)
{
    (void)state;
    assert_string_equal(vf_callback_name(VF_CB_NONE), "host");
    assert_string_equal(vf_callback_name(VF_CB_DRIVER_ENTRY), "DriverEntry");
    assert_string_equal(vf_callback_name(VF_CB_SET_OPTIONS), "MiniportSetOptions");
    assert_string_equal(vf_callback_name(VF_CB_DRIVER_UNLOAD), "MiniportDriverUnload");
    assert_string_equal(vf_callback_name(VF_CB_INITIALIZE), "MiniportInitializeEx");
    assert_string_equal(vf_callback_name(VF_CB_HALT), "MiniportHaltEx");
    assert_string_equal(vf_callback_name(VF_CB_PAUSE), "MiniportPause");
    assert_string_equal(vf_callback_name(VF_CB_RESTART), "MiniportRestart");
    assert_string_equal(vf_callback_name(VF_CB_SHUTDOWN), "MiniportShutdownEx");
    assert_string_equal(vf_callback_name(VF_CB_DEVICE_PNP_EVENT), "MiniportDevicePnPEventNotify");
    assert_string_equal(vf_callback_name(VF_CB_OID_REQUEST), "MiniportOidRequest");
    assert_string_equal(vf_callback_name(VF_CB_CANCEL_OID), "MiniportCancelOidRequest");
    assert_string_equal(vf_callback_name(VF_CB_DIRECT_OID_REQUEST), "MiniportDirectOidRequest");
    assert_string_equal(vf_callback_name(VF_CB_SEND), "MiniportSendNetBufferLists");
    assert_string_equal(vf_callback_name(VF_CB_RETURN), "MiniportReturnNetBufferLists");
    assert_string_equal(vf_callback_name(VF_CB_CANCEL_SEND), "MiniportCancelSend");
    assert_string_equal(vf_callback_name(VF_CB_CHECK_FOR_HANG), "MiniportCheckForHangEx");
    assert_string_equal(vf_callback_name(VF_CB_RESET), "MiniportResetEx");
    assert_string_equal(vf_callback_name(VF_CB_ISR), "MiniportInterrupt");
    assert_string_equal(vf_callback_name(VF_CB_INTERRUPT_DPC), "MiniportInterruptDPC");
    assert_string_equal(vf_callback_name(VF_CB_SYNC_INTERRUPT), "MiniportSynchronizeInterrupt");
    assert_string_equal(vf_callback_name(VF_CB_SHARED_MEM_COMPLETE), "MiniportSharedMemoryAllocateComplete");
}

static void test_names_distinct_and_total(void **state)
{
    (void)state;
    for (int i = 0; i < VF_CB_COUNT; i++)
    {
        const char *a = vf_callback_name((vf_callback)i);
        assert_non_null(a);
        assert_true(strlen(a) > 0);
        assert_string_not_equal(a, "unknown callback");
        for (int j = i + 1; j < VF_CB_COUNT; j++)
            assert_string_not_equal(a, vf_callback_name((vf_callback)j));
    }
    assert_string_equal(vf_callback_name(VF_CB_COUNT), "unknown callback");
    assert_string_equal(vf_callback_name((vf_callback)-1), "unknown callback");
}

static void test_frames_nest(void **state)
{
    (void)state;
    vf_owner *drv = vf_owner_create(VF_OWNER_DRIVER, NULL, "driver");
    vf_owner *ad = vf_owner_create(VF_OWNER_ADAPTER, drv, "adapter 0");
    assert_int_equal(vf_current_callback(), VF_CB_NONE);
    assert_null(vf_current_owner());

    vf_frame f1, f2;
    vf_enter(&f1, VF_CB_INITIALIZE, ad);
    assert_int_equal(vf_current_callback(), VF_CB_INITIALIZE);
    assert_ptr_equal(vf_current_owner(), ad);
    vf_set_irql(2);
    vf_enter(&f2, VF_CB_TIMER, drv);
    assert_int_equal(f2.irql, 2);
    assert_int_equal(f1.irql, 0);
    assert_int_equal(vf_current_callback(), VF_CB_TIMER);
    assert_ptr_equal(vf_current_owner(), drv);
    vf_leave(&f2);
    vf_set_irql(0);
    assert_int_equal(vf_current_callback(), VF_CB_INITIALIZE);
    assert_ptr_equal(vf_current_owner(), ad);
    vf_leave(&f1);
    assert_int_equal(vf_current_callback(), VF_CB_NONE);
    assert_null(vf_current_owner());

    vf_owner_destroy(ad);
    vf_owner_destroy(drv);
}

static void test_unbalanced_leave_unwinds(void **state)
{
    (void)state;
    vf_frame f1, f2;
    vf_enter(&f1, VF_CB_HALT, NULL);
    vf_enter(&f2, VF_CB_DPC, NULL);
    vf_leave(&f1); /* skips f2: the stack must not keep pointing at f2 */
    assert_int_equal(vf_current_callback(), VF_CB_NONE);
    vf_leave(&f2); /* stale frame: ignored */
    assert_int_equal(vf_current_callback(), VF_CB_NONE);
}

typedef struct thread_view
{
    uint8_t irql;
    vf_callback cb;
} thread_view;

static void *other_thread(void *arg)
{
    thread_view *v = arg;
    v->irql = vf_irql();
    v->cb = vf_current_callback();
    vf_set_irql(15);
    return NULL;
}

static void test_context_is_per_thread(void **state)
{
    (void)state;
    vf_frame f;
    vf_enter(&f, VF_CB_SEND, NULL);
    vf_set_irql(2);
    thread_view v = {99, VF_CB_COUNT};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_thread, &v), 0);
    pthread_join(t, NULL);
    assert_int_equal(v.irql, 0); /* PASSIVE_LEVEL by default */
    assert_int_equal(v.cb, VF_CB_NONE);
    assert_int_equal(vf_irql(), 2); /* the other thread's raise did not leak here */
    assert_int_equal(vf_current_callback(), VF_CB_SEND);
    vf_set_irql(0);
    vf_leave(&f);
}

static void test_irql_names(void **state)
{
    (void)state;
    assert_string_equal(vf_irql_name(0), "PASSIVE_LEVEL");
    assert_string_equal(vf_irql_name(1), "APC_LEVEL");
    assert_string_equal(vf_irql_name(2), "DISPATCH_LEVEL");
    assert_string_equal(vf_irql_name(15), "HIGH_LEVEL");
    assert_string_equal(vf_irql_name(5), "IRQL 5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_documented),      cmocka_unit_test(test_names_distinct_and_total),
        cmocka_unit_test(test_frames_nest),           cmocka_unit_test(test_unbalanced_leave_unwinds),
        cmocka_unit_test(test_context_is_per_thread), cmocka_unit_test(test_irql_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
