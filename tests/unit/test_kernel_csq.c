/* Cancel-safe IRP queues (src/kernel/csq.c): inserted IRPs are pending and removed in the order
 * the driver's peek routine gives; a cancelled IRP leaves the queue through CsqRemoveIrp and is
 * completed by CsqCompleteCanceledIrp exactly once, never also handed to the driver; removal by
 * context; an IRP cancelled before insertion; IoCsqInsertIrpEx failures; misuse findings. */
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

typedef struct queue
{
    IO_CSQ csq; /* first: the routines get it back */
    KSPIN_LOCK lock;
    LIST_ENTRY list;
    int count, canceled;
    NTSTATUS insert_status;
} queue;

static queue g_q;
static DRIVER_OBJECT g_drv;
static DEVICE_OBJECT g_dev;
static IO_CSQ_IRP_CONTEXT g_ctx;
static bool g_use_ctx;

static VOID q_insert(PIO_CSQ csq, PIRP irp)
{
    queue *q = (queue *)csq;
    InsertTailList(&q->list, &irp->Tail.Overlay.ListEntry);
    q->count++;
}

static NTSTATUS q_insert_ex(PIO_CSQ csq, PIRP irp, PVOID ctx)
{
    queue *q = (queue *)csq;
    if (!NT_SUCCESS(q->insert_status))
        return q->insert_status;
    q_insert(csq, irp);
    return STATUS_SUCCESS;
}

static VOID q_remove(PIO_CSQ csq, PIRP irp)
{
    queue *q = (queue *)csq;
    RemoveEntryList(&irp->Tail.Overlay.ListEntry);
    q->count--;
}

/* Peek: the next IRP after `irp` whose file object matches the peek context (NULL: any). */
static PIRP q_peek(PIO_CSQ csq, PIRP irp, PVOID peek)
{
    queue *q = (queue *)csq;
    PLIST_ENTRY e = irp ? irp->Tail.Overlay.ListEntry.Flink : q->list.Flink;
    for (; e != &q->list; e = e->Flink)
    {
        PIRP i = CONTAINING_RECORD(e, IRP, Tail.Overlay.ListEntry);
        if (!peek || IoGetCurrentIrpStackLocation(i)->FileObject == peek)
            return i;
    }
    return NULL;
}

static VOID q_acquire(PIO_CSQ csq, PKIRQL irql)
{
    KeAcquireSpinLock(&((queue *)csq)->lock, irql);
}

static VOID q_release(PIO_CSQ csq, KIRQL irql)
{
    KeReleaseSpinLock(&((queue *)csq)->lock, irql);
}

static VOID q_complete_canceled(PIO_CSQ csq, PIRP irp)
{
    ((queue *)csq)->canceled++;
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

/* The driver's read dispatch: queue the request. */
static NTSTATUS dispatch_read(PDEVICE_OBJECT dev, PIRP irp)
{
    if (g_q.csq.Type == IO_TYPE_CSQ_EX)
    {
        NTSTATUS st = IoCsqInsertIrpEx(&g_q.csq, irp, g_use_ctx ? &g_ctx : NULL, NULL);
        if (!NT_SUCCESS(st))
        {
            irp->IoStatus.Status = st;
            IoCompleteRequest(irp, IO_NO_INCREMENT);
            return st;
        }
    }
    else
        IoCsqInsertIrp(&g_q.csq, irp, g_use_ctx ? &g_ctx : NULL);
    return STATUS_PENDING;
}

static int setup(void **state)
{
    ts_reset_context();
    memset(&g_q, 0, sizeof g_q);
    KeInitializeSpinLock(&g_q.lock);
    InitializeListHead(&g_q.list);
    assert_int_equal(IoCsqInitialize(&g_q.csq, q_insert, q_remove, q_peek, q_acquire, q_release, q_complete_canceled),
                     STATUS_SUCCESS);
    memset(&g_drv, 0, sizeof g_drv);
    memset(&g_dev, 0, sizeof g_dev);
    g_drv.MajorFunction[IRP_MJ_READ] = dispatch_read;
    g_dev.DriverObject = &g_drv;
    g_dev.StackSize = 1;
    g_use_ctx = false;
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(kernel_irps_live(), 0);
    ts_reset_context();
    return 0;
}

static void queue_read(kernel_irp_result *res, PFILE_OBJECT file)
{
    kernel_irp_request req = {.major = IRP_MJ_READ, .file = file, .timeout_ns = 0};
    kernel_irp_send(&g_dev, &req, res);
    assert_true(res->pended);
    assert_false(res->completed);
}

static void complete(PIRP irp, ULONG_PTR info)
{
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static void test_fifo_removal_and_pending(void **state)
{
    kernel_irp_result r[3];
    for (int i = 0; i < 3; i++)
        queue_read(&r[i], NULL);
    assert_int_equal(g_q.count, 3);
    /* Inserted IRPs are marked pending and carry the queue's cancel routine. */
    assert_true(IoGetCurrentIrpStackLocation(r[0].irp)->Control & SL_PENDING_RETURNED);
    assert_non_null(r[0].irp->CancelRoutine);
    for (int i = 0; i < 3; i++)
    {
        PIRP irp = IoCsqRemoveNextIrp(&g_q.csq, NULL);
        assert_ptr_equal(irp, r[i].irp);
        assert_null(irp->CancelRoutine);
        complete(irp, (ULONG_PTR)i);
    }
    assert_null(IoCsqRemoveNextIrp(&g_q.csq, NULL));
    for (int i = 0; i < 3; i++)
    {
        assert_true(kernel_irp_wait(&r[i], -1));
        assert_int_equal(r[i].iosb.Information, i);
    }
    assert_int_equal(vf_findings_count(), 0);
}

static void test_cancel_takes_irp_out_once(void **state)
{
    kernel_irp_result a, b;
    queue_read(&a, NULL);
    queue_read(&b, NULL);
    assert_true(IoCancelIrp(a.irp));
    assert_int_equal(g_q.canceled, 1);
    assert_int_equal(g_q.count, 1);
    assert_true(kernel_irp_wait(&a, -1));
    assert_int_equal(a.iosb.Status, STATUS_CANCELLED);
    /* The driver now only finds the other one. */
    PIRP irp = IoCsqRemoveNextIrp(&g_q.csq, NULL);
    assert_ptr_equal(irp, b.irp);
    /* Cancelling an IRP the driver already took: no cancel routine, nothing happens. */
    assert_false(IoCancelIrp(irp));
    assert_int_equal(g_q.canceled, 1);
    complete(irp, 0);
    assert_true(kernel_irp_wait(&b, -1));
    assert_int_equal(b.iosb.Status, STATUS_SUCCESS);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_remove_by_context_and_peek_context(void **state)
{
    PFILE_OBJECT f1 = kernel_file_new(&g_dev), f2 = kernel_file_new(&g_dev);
    kernel_irp_result a, b;
    queue_read(&a, f1);
    g_use_ctx = true;
    queue_read(&b, f2);
    assert_int_equal(g_ctx.Type, IO_TYPE_CSQ_IRP_CONTEXT);
    assert_ptr_equal(g_ctx.Irp, b.irp);
    /* Peek context: only f1's request. */
    PIRP irp = IoCsqRemoveNextIrp(&g_q.csq, f1);
    assert_ptr_equal(irp, a.irp);
    complete(irp, 0);
    assert_null(IoCsqRemoveNextIrp(&g_q.csq, f1));
    /* By context, once. */
    irp = IoCsqRemoveIrp(&g_q.csq, &g_ctx);
    assert_ptr_equal(irp, b.irp);
    assert_null(g_ctx.Irp);
    assert_null(IoCsqRemoveIrp(&g_q.csq, &g_ctx));
    complete(irp, 0);
    assert_true(kernel_irp_wait(&a, -1));
    assert_true(kernel_irp_wait(&b, -1));
    kernel_file_free(f1);
    kernel_file_free(f2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_cancelled_before_insert(void **state)
{
    /* An IRP whose Cancel flag is already set is not queued: it is completed as cancelled. */
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoSetNextIrpStackLocation(irp);
    irp->Cancel = TRUE;
    IoCsqInsertIrp(&g_q.csq, irp, NULL);
    assert_int_equal(g_q.count, 0);
    assert_int_equal(g_q.canceled, 1);
    assert_int_equal(irp->IoStatus.Status, STATUS_CANCELLED);
    /* It went up to the top with nobody to reclaim it (a driver-allocated IRP): reported. */
    assert_int_equal(count_rule("AP-02"), 1);
    IoFreeIrp(irp);
}

static void test_insert_ex_failure_leaves_irp_out(void **state)
{
    assert_int_equal(
        IoCsqInitializeEx(&g_q.csq, q_insert_ex, q_remove, q_peek, q_acquire, q_release, q_complete_canceled),
        STATUS_SUCCESS);
    g_q.insert_status = STATUS_INSUFFICIENT_RESOURCES;
    kernel_irp_request req = {.major = IRP_MJ_READ, .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(&g_dev, &req, &res);
    assert_true(res.completed);
    assert_int_equal(res.iosb.Status, STATUS_INSUFFICIENT_RESOURCES);
    assert_int_equal(g_q.count, 0);
    g_q.insert_status = STATUS_SUCCESS;
    queue_read(&res, NULL);
    PIRP irp = IoCsqRemoveNextIrp(&g_q.csq, NULL);
    assert_ptr_equal(irp, res.irp);
    complete(irp, 0);
    assert_true(kernel_irp_wait(&res, -1));
    assert_int_equal(vf_findings_count(), 0);
}

static void test_uninitialized_queue_is_a_finding(void **state)
{
    IO_CSQ bad;
    memset(&bad, 0, sizeof bad);
    assert_null(IoCsqRemoveNextIrp(&bad, NULL));
    assert_null(IoCsqRemoveIrp(&g_q.csq, NULL));
    assert_int_equal(IoCsqInitialize(NULL, q_insert, q_remove, q_peek, q_acquire, q_release, q_complete_canceled),
                     STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("AP-02"), 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fifo_removal_and_pending, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancel_takes_irp_out_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_remove_by_context_and_peek_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cancelled_before_insert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_insert_ex_failure_leaves_irp_out, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uninitialized_queue_is_a_finding, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
