/* IRPs (src/kernel/irp.c): IoCallDriver moves down the stack and calls the device's dispatch
 * routine; IoCompleteRequest runs completion routines bottom-up with the documented device
 * objects, stops at STATUS_MORE_PROCESSING_REQUIRED and propagates a pending return; the host's
 * requests (kernel_irp_send) get buffered output back, can pend and be cancelled through the
 * cancel routine; misuse (completing twice, completing with a cancel routine set, freeing twice)
 * is a finding (AP-02). */
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

static DRIVER_OBJECT g_drv_middle, g_drv_bottom;
static DEVICE_OBJECT g_middle, g_bottom;
static char g_order[8];
static int g_norder;
static PDEVICE_OBJECT g_seen_dev[4];
static BOOLEAN g_seen_pending[4];
static PIRP g_pended;

static void note(char c)
{
    g_order[g_norder++] = c;
    g_order[g_norder] = 0;
}

static int setup(void **state)
{
    ts_reset_context();
    memset(&g_drv_middle, 0, sizeof g_drv_middle);
    memset(&g_drv_bottom, 0, sizeof g_drv_bottom);
    memset(&g_middle, 0, sizeof g_middle);
    memset(&g_bottom, 0, sizeof g_bottom);
    g_middle.DriverObject = &g_drv_middle;
    g_bottom.DriverObject = &g_drv_bottom;
    g_middle.StackSize = 2;
    g_bottom.StackSize = 1;
    g_norder = 0;
    g_order[0] = 0;
    memset(g_seen_dev, 0, sizeof g_seen_dev);
    memset(g_seen_pending, 0, sizeof g_seen_pending);
    g_pended = NULL;
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(kernel_irps_live(), 0);
    ts_reset_context();
    return 0;
}

/* ---- a three-level stack: the test (top) -> middle -> bottom ---------------------------------- */

static NTSTATUS bottom_complete(PDEVICE_OBJECT dev, PIRP irp)
{
    note('b');
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = 7;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NTSTATUS bottom_pend(PDEVICE_OBJECT dev, PIRP irp)
{
    note('p');
    IoMarkIrpPending(irp);
    g_pended = irp;
    return STATUS_PENDING;
}

static NTSTATUS middle_done(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    note('M');
    g_seen_dev[1] = dev;
    g_seen_pending[1] = irp->PendingReturned;
    if (irp->PendingReturned)
        IoMarkIrpPending(irp);
    return STATUS_CONTINUE_COMPLETION;
}

static NTSTATUS middle_dispatch(PDEVICE_OBJECT dev, PIRP irp)
{
    note('m');
    IoCopyCurrentIrpStackLocationToNext(irp);
    IoSetCompletionRoutine(irp, middle_done, NULL, TRUE, TRUE, TRUE);
    return IoCallDriver(&g_bottom, irp);
}

static NTSTATUS middle_copy_without_routine(PDEVICE_OBJECT dev, PIRP irp)
{
    note('m');
    IoCopyCurrentIrpStackLocationToNext(irp);
    return IoCallDriver(&g_bottom, irp);
}

static NTSTATUS middle_pass_through(PDEVICE_OBJECT dev, PIRP irp)
{
    note('m');
    IoSkipCurrentIrpStackLocation(irp);
    return IoCallDriver(&g_bottom, irp);
}

static NTSTATUS top_done(PDEVICE_OBJECT dev, PIRP irp, PVOID ctx)
{
    note('T');
    g_seen_dev[0] = dev;
    g_seen_pending[0] = irp->PendingReturned;
    *(NTSTATUS *)ctx = irp->IoStatus.Status;
    IoFreeIrp(irp);
    return STATUS_MORE_PROCESSING_REQUIRED;
}

static PIRP top_irp(NTSTATUS *result)
{
    PIRP irp = IoAllocateIrp(g_middle.StackSize, FALSE);
    assert_non_null(irp);
    PIO_STACK_LOCATION next = IoGetNextIrpStackLocation(irp);
    next->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    next->Parameters.DeviceIoControl.IoControlCode = 0x1234;
    IoSetCompletionRoutine(irp, top_done, result, TRUE, TRUE, TRUE);
    return irp;
}

static void test_completion_routines_run_bottom_up(void **state)
{
    g_drv_middle.MajorFunction[IRP_MJ_DEVICE_CONTROL] = middle_dispatch;
    g_drv_bottom.MajorFunction[IRP_MJ_DEVICE_CONTROL] = bottom_complete;
    NTSTATUS result = 0x1111;
    PIRP irp = top_irp(&result);
    assert_int_equal(IoCallDriver(&g_middle, irp), STATUS_SUCCESS);
    assert_string_equal(g_order, "mbMT");
    assert_int_equal(result, STATUS_SUCCESS);
    /* A completion routine gets the device object of the driver that set it; the top one (set by
     * the IRP's allocator, which has no stack location) gets NULL. */
    assert_ptr_equal(g_seen_dev[1], &g_middle);
    assert_null(g_seen_dev[0]);
    assert_false(g_seen_pending[0]);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_pending_is_propagated(void **state)
{
    /* The middle driver passes the IRP on without a completion routine: IoCompleteRequest marks
     * its location pending for it, so the top sees PendingReturned. */
    g_drv_middle.MajorFunction[IRP_MJ_DEVICE_CONTROL] = middle_copy_without_routine;
    g_drv_bottom.MajorFunction[IRP_MJ_DEVICE_CONTROL] = bottom_pend;
    NTSTATUS result = 0x1111;
    PIRP irp = top_irp(&result);
    assert_int_equal(IoCallDriver(&g_middle, irp), STATUS_PENDING);
    assert_string_equal(g_order, "mp");
    g_pended->IoStatus.Status = STATUS_UNSUCCESSFUL;
    IoCompleteRequest(g_pended, IO_NO_INCREMENT);
    assert_string_equal(g_order, "mpT");
    assert_int_equal(result, STATUS_UNSUCCESSFUL);
    assert_true(g_seen_pending[0]);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_completion_routine_flags(void **state)
{
    /* A routine set for success only is skipped on an error. */
    g_drv_middle.MajorFunction[IRP_MJ_DEVICE_CONTROL] = middle_pass_through;
    g_drv_bottom.MajorFunction[IRP_MJ_DEVICE_CONTROL] = bottom_pend;
    NTSTATUS result = 0x1111;
    PIRP irp = IoAllocateIrp(2, FALSE);
    IoGetNextIrpStackLocation(irp)->MajorFunction = IRP_MJ_DEVICE_CONTROL;
    IoSetCompletionRoutine(irp, top_done, &result, TRUE, FALSE, FALSE);
    IoCallDriver(&g_middle, irp);
    g_pended->IoStatus.Status = STATUS_UNSUCCESSFUL;
    IoCompleteRequest(g_pended, IO_NO_INCREMENT);
    assert_int_equal(result, 0x1111);
    /* Nobody reclaimed it: reported, then the test frees it. */
    assert_int_equal(count_rule("AP-02"), 1);
    IoFreeIrp(irp);
}

/* ---- host requests --------------------------------------------------------------------------------- */

static NTSTATUS echo_ioctl(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    assert_int_equal(sp->MajorFunction, IRP_MJ_DEVICE_CONTROL);
    ULONG in = sp->Parameters.DeviceIoControl.InputBufferLength;
    ULONG out = sp->Parameters.DeviceIoControl.OutputBufferLength;
    char *buf = irp->AssociatedIrp.SystemBuffer;
    for (ULONG i = 0; i < in; i++)
        buf[i] = (char)(buf[i] + 1);
    irp->IoStatus.Status = STATUS_SUCCESS;
    irp->IoStatus.Information = in < out ? in : out;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void test_host_request_buffered_ioctl(void **state)
{
    g_drv_bottom.MajorFunction[IRP_MJ_DEVICE_CONTROL] = echo_ioctl;
    char in[4] = "abc", out[8] = {0};
    kernel_irp_request req = {.major = IRP_MJ_DEVICE_CONTROL,
                              .ioctl = CTL_CODE(FILE_DEVICE_UNKNOWN, 1, METHOD_BUFFERED, FILE_ANY_ACCESS),
                              .in = in,
                              .in_len = 3,
                              .out = out,
                              .out_len = sizeof out,
                              .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(&g_bottom, &req, &res);
    assert_int_equal(res.dispatch_status, STATUS_SUCCESS);
    assert_true(res.completed);
    assert_int_equal(res.iosb.Status, STATUS_SUCCESS);
    assert_int_equal(res.iosb.Information, 3);
    assert_string_equal(out, "bcd");
    assert_int_equal(vf_findings_count(), 0);
}

static VOID cancel_routine(PDEVICE_OBJECT dev, PIRP irp)
{
    note('c');
    IoReleaseCancelSpinLock(irp->CancelIrql);
    irp->IoStatus.Status = STATUS_CANCELLED;
    irp->IoStatus.Information = 0;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
}

static NTSTATUS pend_cancelable(PDEVICE_OBJECT dev, PIRP irp)
{
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, cancel_routine);
    g_pended = irp;
    return STATUS_PENDING;
}

static void test_pended_request_is_cancelled(void **state)
{
    g_drv_bottom.MajorFunction[IRP_MJ_READ] = pend_cancelable;
    char out[16];
    kernel_irp_request req = {.major = IRP_MJ_READ, .out = out, .out_len = sizeof out, .timeout_ns = 0};
    kernel_irp_result res;
    kernel_irp_send(&g_bottom, &req, &res);
    assert_true(res.pended);
    assert_false(res.completed);
    assert_ptr_equal(res.irp, g_pended);
    assert_true(IoCancelIrp(res.irp));
    assert_string_equal(g_order, "c");
    assert_int_equal(KeGetCurrentIrql(), PASSIVE_LEVEL);
    assert_true(kernel_irp_wait(&res, -1));
    assert_int_equal(res.iosb.Status, STATUS_CANCELLED);
    assert_int_equal(kernel_spinlocks_held(), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_driver_completes_pended_request(void **state)
{
    g_drv_bottom.MajorFunction[IRP_MJ_READ] = pend_cancelable;
    g_bottom.Flags = DO_BUFFERED_IO;
    char out[16];
    kernel_irp_request req = {.major = IRP_MJ_READ, .out = out, .out_len = sizeof out, .timeout_ns = 0};
    kernel_irp_result res;
    kernel_irp_send(&g_bottom, &req, &res);
    assert_false(res.completed);
    /* The driver takes it back (clears the cancel routine) and completes it. */
    assert_non_null(IoSetCancelRoutine(g_pended, NULL));
    g_pended->IoStatus.Status = STATUS_SUCCESS;
    g_pended->IoStatus.Information = 5;
    memcpy(g_pended->AssociatedIrp.SystemBuffer, "hello", 5);
    IoCompleteRequest(g_pended, IO_NO_INCREMENT);
    assert_true(kernel_irp_wait_req(&res, &req, -1));
    assert_int_equal(res.iosb.Information, 5);
    assert_memory_equal(out, "hello", 5);
    /* IoCancelIrp on an IRP without a cancel routine: FALSE. */
    PIRP irp = IoAllocateIrp(1, FALSE);
    assert_false(IoCancelIrp(irp));
    assert_true(irp->Cancel);
    IoFreeIrp(irp);
    assert_int_equal(vf_findings_count(), 0);
}

static NTSTATUS complete_twice(PDEVICE_OBJECT dev, PIRP irp)
{
    IoSetCancelRoutine(irp, cancel_routine); /* left set: a finding at completion */
    irp->IoStatus.Status = STATUS_SUCCESS;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static void test_misuse_is_reported(void **state)
{
    g_drv_bottom.MajorFunction[IRP_MJ_WRITE] = complete_twice;
    kernel_irp_request req = {.major = IRP_MJ_WRITE, .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(&g_bottom, &req, &res);
    assert_true(res.completed);
    assert_int_equal(count_rule("AP-02"), 2); /* cancel routine set, completed twice */
    vf_findings_clear();
    PIRP irp = IoAllocateIrp(1, FALSE);
    IoFreeIrp(irp);
    IoFreeIrp(irp);
    assert_int_equal(count_rule("AP-02"), 1);
    /* No handler: the I/O manager answers STATUS_INVALID_DEVICE_REQUEST. */
    kernel_irp_request flush = {.major = IRP_MJ_FLUSH_BUFFERS, .timeout_ns = -1};
    kernel_irp_send(&g_bottom, &flush, &res);
    assert_int_equal(res.iosb.Status, STATUS_INVALID_DEVICE_REQUEST);
}

/* POINTER_ALIGNMENT (ntdef.h): 8-byte alignment on 64-bit targets, so the IO_STACK_LOCATION
 * parameter members sit where Windows puts them. */
static void test_pointer_alignment(void **state)
{
    struct probe
    {
        ULONG a;
        ULONG POINTER_ALIGNMENT b;
    };
    assert_int_equal(offsetof(struct probe, b), sizeof(void *) == 8 ? 8 : 4);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.OutputBufferLength), 8);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.InputBufferLength), 16);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.IoControlCode), 24);
    assert_int_equal(offsetof(IO_STACK_LOCATION, Parameters.DeviceIoControl.Type3InputBuffer), 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_completion_routines_run_bottom_up, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pending_is_propagated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_completion_routine_flags, setup, teardown),
        cmocka_unit_test_setup_teardown(test_host_request_buffered_ioctl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pended_request_is_cancelled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_driver_completes_pended_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_is_reported, setup, teardown),
        cmocka_unit_test(test_pointer_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
