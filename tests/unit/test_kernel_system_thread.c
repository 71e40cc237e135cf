/* System threads (src/kernel/system_thread.c, ob.c): PsCreateSystemThread runs the start
 * routine on a new thread at PASSIVE_LEVEL; PsTerminateSystemThread ends it (code after it never
 * runs); waiting on the thread object (ObReferenceObjectByHandle + KeWaitForSingleObject) returns
 * once it has ended, and stays signalled; handles and references are counted (ZwClose,
 * ObDereferenceObject) and misuse is a finding. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_ex.h"
#include "kernel/kernel_internal.h"
#include "test_support.h"

typedef struct ctx
{
    KEVENT started, release;
    PKTHREAD self;
    KIRQL irql;
    volatile int after_terminate;
    bool terminate;
} ctx;

static VOID start_routine(PVOID StartContext)
{
    ctx *c = StartContext;
    c->self = KeGetCurrentThread();
    c->irql = KeGetCurrentIrql();
    KeSetEvent(&c->started, IO_NO_INCREMENT, FALSE);
    KeWaitForSingleObject(&c->release, Executive, KernelMode, FALSE, NULL);
    if (c->terminate)
    {
        PsTerminateSystemThread(STATUS_SUCCESS);
        c->after_terminate = 1; /* never reached */
    }
}

static void ctx_init(ctx *c, bool terminate)
{
    memset(c, 0, sizeof *c);
    KeInitializeEvent(&c->started, NotificationEvent, FALSE);
    KeInitializeEvent(&c->release, NotificationEvent, FALSE);
    c->terminate = terminate;
}

static int teardown(void **state)
{
    kernel_system_threads_reap();
    ts_reset_context();
    return 0;
}

static void wait_for_thread_end(HANDLE h)
{
    PKTHREAD thread = NULL;
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, (PVOID *)&thread, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    /* A terminated thread stays signalled. */
    LARGE_INTEGER zero = {.QuadPart = 0};
    assert_int_equal(KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, &zero), STATUS_SUCCESS);
    ObDereferenceObject(thread);
}

static void run_thread(bool terminate)
{
    size_t running = kernel_system_threads_running();
    size_t handles = kernel_handles_open();
    ctx c;
    ctx_init(&c, terminate);
    HANDLE h = NULL;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    CLIENT_ID id = {0};
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, &oa, NULL, &id, start_routine, &c), STATUS_SUCCESS);
    assert_non_null(h);
    assert_int_equal(kernel_handles_open(), handles + 1);
    KeWaitForSingleObject(&c.started, Executive, KernelMode, FALSE, NULL);
    assert_int_equal(kernel_system_threads_running(), running + 1);
    assert_int_equal(c.irql, PASSIVE_LEVEL);
    assert_non_null(c.self);
    assert_ptr_not_equal(c.self, KeGetCurrentThread());
    assert_ptr_equal(id.UniqueProcess, PsGetCurrentProcessId());
    /* Still running: a zero-timeout wait times out. */
    PKTHREAD thread = NULL;
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *PsThreadType, KernelMode, (PVOID *)&thread, NULL),
                     STATUS_SUCCESS);
    assert_ptr_equal(thread, c.self);
    LARGE_INTEGER zero = {.QuadPart = 0};
    assert_int_equal(KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, &zero), STATUS_TIMEOUT);
    ObDereferenceObject(thread);
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    wait_for_thread_end(h);
    assert_int_equal(c.after_terminate, 0);
    assert_int_equal(kernel_system_threads_running(), running);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(kernel_handles_open(), handles);
    kernel_system_threads_reap();
    assert_int_equal(kernel_object_count(*PsThreadType), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_thread_returns_from_start_routine(void **state)
{
    run_thread(false);
}

static void test_thread_terminates_itself(void **state)
{
    run_thread(true);
}

static void test_handle_closed_while_running(void **state)
{
    /* Closing the handle at once (as most drivers do) leaves the thread running; its object goes
     * when the thread ends. */
    ctx c;
    ctx_init(&c, true);
    HANDLE h;
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, start_routine, &c), STATUS_SUCCESS);
    PKTHREAD thread;
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, NULL, KernelMode, (PVOID *)&thread, NULL),
                     STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    assert_int_equal(KeWaitForSingleObject(thread, Executive, KernelMode, FALSE, NULL), STATUS_SUCCESS);
    ObDereferenceObject(thread);
    kernel_system_threads_reap();
    assert_int_equal(kernel_object_count(*PsThreadType), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_bad_handles_and_references(void **state)
{
    PVOID obj = (PVOID)1;
    /* Not a handle. */
    assert_int_equal(ObReferenceObjectByHandle((HANDLE)0x1234, SYNCHRONIZE, NULL, KernelMode, &obj, NULL),
                     STATUS_INVALID_HANDLE);
    assert_null(obj);
    assert_int_equal(ZwClose((HANDLE)0x1234), STATUS_INVALID_HANDLE);
    assert_int_equal(count_rule("AP-01"), 2);
    /* Closed twice. */
    ctx c;
    ctx_init(&c, false);
    HANDLE h;
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, start_routine, &c), STATUS_SUCCESS);
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    wait_for_thread_end(h);
    /* A type mismatch is an error status, not a finding. */
    assert_int_equal(ObReferenceObjectByHandle(h, SYNCHRONIZE, *ExEventObjectType, KernelMode, &obj, NULL),
                     STATUS_OBJECT_TYPE_MISMATCH);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(ZwClose(h), STATUS_INVALID_HANDLE);
    assert_int_equal(count_rule("AP-01"), 3);
    /* The current-thread pseudo handle and the caller's own (host) thread object. */
    PKTHREAD me;
    assert_int_equal(
        ObReferenceObjectByHandle(NtCurrentThread(), SYNCHRONIZE, *PsThreadType, KernelMode, (PVOID *)&me, NULL),
        STATUS_SUCCESS);
    assert_ptr_equal(me, KeGetCurrentThread());
    ObDereferenceObject(me);
    /* Terminating a thread that PsCreateSystemThread did not create. */
    assert_int_equal(PsTerminateSystemThread(STATUS_SUCCESS), STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("AP-02"), 1);
    /* Creating from DISPATCH_LEVEL. */
    vf_set_irql(DISPATCH_LEVEL);
    ctx_init(&c, false);
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, start_routine, &c), STATUS_SUCCESS);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    wait_for_thread_end(h);
    ZwClose(h);
}

static void test_priority_and_ids(void **state)
{
    PKTHREAD me = KeGetCurrentThread();
    KPRIORITY old = KeSetPriorityThread(me, 12);
    assert_int_equal(KeQueryPriorityThread(me), 12);
    assert_int_equal(KeSetPriorityThread(me, old), 12);
    assert_ptr_equal(PsGetCurrentThread(), (PETHREAD)me);
    assert_ptr_equal(PsGetCurrentThreadId(), PsGetCurrentThreadId());
    assert_true(PsIsSystemThread(PsGetCurrentThread()));
    KeSetPriorityThread(me, 40);
    assert_int_equal(count_rule("AP-02"), 1);
    KeSetPriorityThread((PKTHREAD)&old, 1);
    assert_int_equal(count_rule("AP-01"), 1);
    assert_int_equal(ZwYieldExecution(), STATUS_SUCCESS);
}

static void test_process_notify_registrations(void **state)
{
    size_t before = kernel_process_notify_routines();
    PCREATE_PROCESS_NOTIFY_ROUTINE r = (PCREATE_PROCESS_NOTIFY_ROUTINE)(void *)test_process_notify_registrations;
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, FALSE), STATUS_SUCCESS);
    assert_int_equal(kernel_process_notify_routines(), before + 1);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, FALSE), STATUS_INVALID_PARAMETER);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, TRUE), STATUS_SUCCESS);
    assert_int_not_equal(PsSetCreateProcessNotifyRoutine(r, TRUE), STATUS_SUCCESS);
    assert_int_equal(kernel_process_notify_routines(), before);
    assert_int_equal(count_rule("AP-02"), 1);
}

/* A thread is charged to the owner of the callback that created it while it runs: still running
 * at the owner's check is HA-10 (the thread goes on and ends on its own); ended, nothing is left. */
static void test_thread_is_a_ledger_entry_while_running(void **state)
{
    vf_frame f;
    vf_owner *o = ts_frame_setup(&f, "driver");
    ctx c;
    ctx_init(&c, false);
    HANDLE h = NULL;
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, start_routine, &c), STATUS_SUCCESS);
    KeWaitForSingleObject(&c.started, Executive, KernelMode, FALSE, NULL);
    assert_int_equal(vf_ledger_count(o, VF_RES_SYSTEM_THREAD), 1);
    assert_int_equal(vf_ledger_report_leftovers(o, NULL, "halt"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
    assert_int_equal(vf_ledger_count(o, VF_RES_SYSTEM_THREAD), 0);
    /* The reported thread still runs and ends normally; its object is still waitable. */
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    wait_for_thread_end(h);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);

    /* One that ended before the check leaves nothing. */
    ctx_init(&c, true);
    assert_int_equal(PsCreateSystemThread(&h, THREAD_ALL_ACCESS, NULL, NULL, NULL, start_routine, &c), STATUS_SUCCESS);
    KeSetEvent(&c.release, IO_NO_INCREMENT, FALSE);
    wait_for_thread_end(h);
    assert_int_equal(ZwClose(h), STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(o, VF_RES_SYSTEM_THREAD), 0);
    kernel_system_threads_reap();
    assert_int_equal(kernel_object_count(*PsThreadType), 0);
    assert_int_equal(count_rule("HA-10"), 1);
    ts_frame_teardown(&f, o);
}

/* A notify routine left registered is the registering owner's leftover; the report removes it. */
static void test_notify_routine_left_is_reported_and_removed(void **state)
{
    vf_frame f;
    vf_owner *o = ts_frame_setup(&f, "driver");
    size_t before = kernel_process_notify_routines();
    PCREATE_PROCESS_NOTIFY_ROUTINE r = (PCREATE_PROCESS_NOTIFY_ROUTINE)(void *)test_process_notify_registrations;
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, FALSE), STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(o, VF_RES_NOTIFY_ROUTINE), 1);
    assert_int_equal(vf_ledger_report_leftovers(o, "UL-02", "unload"), 1);
    assert_int_equal(count_rule("UL-02"), 1);
    assert_int_equal(kernel_process_notify_routines(), before);
    /* Removed by the report: removing it again is the documented failure. */
    assert_int_not_equal(PsSetCreateProcessNotifyRoutine(r, TRUE), STATUS_SUCCESS);
    /* Registered and removed properly: nothing left. */
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, FALSE), STATUS_SUCCESS);
    assert_int_equal(PsSetCreateProcessNotifyRoutine(r, TRUE), STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(o, VF_RES_NOTIFY_ROUTINE), 0);
    ts_frame_teardown(&f, o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_thread_returns_from_start_routine, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_thread_terminates_itself, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_handle_closed_while_running, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_bad_handles_and_references, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_priority_and_ids, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_process_notify_registrations, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_thread_is_a_ledger_entry_while_running, ts_setup_passive, teardown),
        cmocka_unit_test_setup_teardown(test_notify_routine_left_is_reported_and_removed, ts_setup_passive, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
