/* NdisRegisterDeviceEx / NdisDeregisterDeviceEx (src/ndis/device_object.c): the device belongs
 * to the miniport's driver object, its IRPs reach the driver's own dispatch table (copied: drivers
 * pass a table on their stack), the reserved extension, opening and closing like a user-mode
 * program, a deregistered device living on until its last open file is closed, name collisions,
 * and findings for bad handles and attributes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_ex.h"
#include "ndis/device_object.h"
#include "test_support.h"

static ndis_driver g_driver;
static DRIVER_OBJECT g_drvobj;
static int g_creates, g_cleanups, g_closes;
static PIRP g_pending_read;

#define IOCTL_TEST_ECHO CTL_CODE(FILE_DEVICE_UNKNOWN, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

static NTSTATUS complete(PIRP irp, NTSTATUS st, ULONG_PTR info)
{
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

static NTSTATUS dev_create(PDEVICE_OBJECT dev, PIRP irp)
{
    g_creates++;
    IoGetCurrentIrpStackLocation(irp)->FileObject->FsContext = NdisGetDeviceReservedExtension(dev);
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS dev_cleanup(PDEVICE_OBJECT dev, PIRP irp)
{
    g_cleanups++;
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS dev_close(PDEVICE_OBJECT dev, PIRP irp)
{
    g_closes++;
    return complete(irp, STATUS_SUCCESS, 0);
}

static NTSTATUS dev_ioctl(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(irp);
    if (sp->Parameters.DeviceIoControl.IoControlCode != IOCTL_TEST_ECHO)
        return complete(irp, STATUS_INVALID_DEVICE_REQUEST, 0);
    ULONG n = sp->Parameters.DeviceIoControl.InputBufferLength;
    if (n > sp->Parameters.DeviceIoControl.OutputBufferLength)
        return complete(irp, STATUS_BUFFER_TOO_SMALL, 0);
    /* Same buffer in and out (METHOD_BUFFERED): reverse in place. */
    char *b = irp->AssociatedIrp.SystemBuffer;
    for (ULONG i = 0; i < n / 2; i++)
    {
        char t = b[i];
        b[i] = b[n - 1 - i];
        b[n - 1 - i] = t;
    }
    return complete(irp, STATUS_SUCCESS, n);
}

static VOID read_cancel(PDEVICE_OBJECT dev, PIRP irp)
{
    IoReleaseCancelSpinLock(irp->CancelIrql);
    g_pending_read = NULL;
    complete(irp, STATUS_CANCELLED, 0);
}

static NTSTATUS dev_read(PDEVICE_OBJECT dev, PIRP irp)
{
    /* Direct I/O: the data goes through the MDL. */
    if (!irp->MdlAddress)
        return complete(irp, STATUS_INVALID_PARAMETER, 0);
    IoMarkIrpPending(irp);
    IoSetCancelRoutine(irp, read_cancel);
    g_pending_read = irp;
    return STATUS_PENDING;
}

static NDIS_STRING g_name = NDIS_STRING_CONST("\\Device\\ndtest0");
static NDIS_STRING g_link = NDIS_STRING_CONST("\\DosDevices\\Global\\ndtest0");

static NDIS_STATUS register_device(NDIS_HANDLE h, PDEVICE_OBJECT *dev, NDIS_HANDLE *dh, ULONG ext)
{
    /* On the stack, as tap-windows6 does: NDIS must copy it. */
    PDRIVER_DISPATCH table[IRP_MJ_MAXIMUM_FUNCTION + 1];
    memset(table, 0, sizeof table);
    table[IRP_MJ_CREATE] = dev_create;
    table[IRP_MJ_CLEANUP] = dev_cleanup;
    table[IRP_MJ_CLOSE] = dev_close;
    table[IRP_MJ_DEVICE_CONTROL] = dev_ioctl;
    table[IRP_MJ_READ] = dev_read;
    NDIS_DEVICE_OBJECT_ATTRIBUTES attr = {
        .Header = {.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES,
                   .Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1,
                   .Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1},
        .DeviceName = &g_name,
        .SymbolicName = &g_link,
        .MajorFunctions = table,
        .ExtensionSize = ext,
    };
    NDIS_STATUS st = NdisRegisterDeviceEx(h, &attr, dev, dh);
    memset(table, 0xcc, sizeof table); /* the stack table is gone */
    return st;
}

static int setup(void **state)
{
    ts_driver_setup(&g_driver, "driver");
    memset(&g_drvobj, 0, sizeof g_drvobj);
    g_driver.driver_object = &g_drvobj;
    g_creates = g_cleanups = g_closes = 0;
    g_pending_read = NULL;
    return 0;
}

static int teardown(void **state)
{
    assert_int_equal(ndis_device_count(), 0);
    assert_int_equal(kernel_irps_live(), 0);
    ts_driver_close(&g_driver);
    ts_reset_context();
    return 0;
}

static void test_register_open_ioctl_close(void **state)
{
    PDEVICE_OBJECT dev = NULL;
    NDIS_HANDLE dh = NULL;
    assert_int_equal(register_device(&g_driver, &dev, &dh, 64), NDIS_STATUS_SUCCESS);
    assert_non_null(dev);
    assert_non_null(dh);
    assert_ptr_equal(dev->DriverObject, &g_drvobj);
    assert_ptr_equal(ndis_device_find("\\Device\\ndtest0"), dev);
    assert_ptr_equal(ndis_device_find("\\DosDevices\\Global\\ndtest0"), dev);
    /* NDIS's dispatch routine is in the driver object; the device's IRPs reach the driver's table. */
    assert_ptr_equal(g_drvobj.MajorFunction[IRP_MJ_DEVICE_CONTROL], ndis_device_dispatch);
    void *ext = NdisGetDeviceReservedExtension(dev);
    assert_non_null(ext);

    PFILE_OBJECT file = NULL;
    assert_int_equal(ndis_device_open(dev, &file), STATUS_SUCCESS);
    assert_int_equal(g_creates, 1);
    assert_ptr_equal(file->FsContext, ext);

    char in[6] = "hello", out[8] = {0};
    kernel_irp_request req = {.major = IRP_MJ_DEVICE_CONTROL,
                              .ioctl = IOCTL_TEST_ECHO,
                              .in = in,
                              .in_len = 5,
                              .out = out,
                              .out_len = sizeof out,
                              .file = file,
                              .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(dev, &req, &res);
    assert_int_equal(res.iosb.Status, STATUS_SUCCESS);
    assert_int_equal(res.iosb.Information, 5);
    assert_memory_equal(out, "olleh", 5);
    /* A major function the driver has no handler for. */
    kernel_irp_request wr = {.major = IRP_MJ_WRITE, .file = file, .timeout_ns = -1};
    kernel_irp_send(dev, &wr, &res);
    assert_int_equal(res.iosb.Status, STATUS_INVALID_DEVICE_REQUEST);

    assert_int_equal(ndis_device_close(file), STATUS_SUCCESS);
    assert_int_equal(g_cleanups, 1);
    assert_int_equal(g_closes, 1);
    NdisDeregisterDeviceEx(dh);
    assert_null(ndis_device_find("\\Device\\ndtest0"));
    assert_int_equal(vf_findings_count(), 0);
}

static void test_direct_io_read_pends_and_cancels(void **state)
{
    PDEVICE_OBJECT dev;
    NDIS_HANDLE dh;
    assert_int_equal(register_device(&g_driver, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    assert_null(NdisGetDeviceReservedExtension(dev));
    /* What tap-windows6 does right after registering. */
    dev->Flags &= ~DO_BUFFERED_IO;
    dev->Flags |= DO_DIRECT_IO;
    PFILE_OBJECT file;
    assert_int_equal(ndis_device_open(dev, &file), STATUS_SUCCESS);
    char buf[32];
    kernel_irp_request req = {.major = IRP_MJ_READ, .out = buf, .out_len = sizeof buf, .file = file, .timeout_ns = 0};
    kernel_irp_result res;
    kernel_irp_send(dev, &req, &res);
    assert_true(res.pended);
    assert_false(res.completed);
    assert_non_null(g_pending_read);
    assert_ptr_equal(MmGetMdlVirtualAddress(g_pending_read->MdlAddress), buf);
    assert_int_equal(MmGetMdlByteCount(g_pending_read->MdlAddress), sizeof buf);
    assert_true(IoCancelIrp(res.irp));
    assert_true(kernel_irp_wait(&res, -1));
    assert_int_equal(res.iosb.Status, STATUS_CANCELLED);
    ndis_device_close(file);
    NdisDeregisterDeviceEx(dh);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_deregistered_while_open(void **state)
{
    PDEVICE_OBJECT dev;
    NDIS_HANDLE dh;
    assert_int_equal(register_device(&g_driver, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    PFILE_OBJECT file;
    assert_int_equal(ndis_device_open(dev, &file), STATUS_SUCCESS);
    NdisDeregisterDeviceEx(dh);
    /* Gone for new opens, the open file still works until closed. */
    assert_int_equal(ndis_device_count(), 0);
    assert_null(ndis_device_find("\\Device\\ndtest0"));
    PFILE_OBJECT again;
    assert_int_not_equal(ndis_device_open(dev, &again), STATUS_SUCCESS);
    assert_int_equal(ndis_device_close(file), STATUS_SUCCESS);
    assert_int_equal(g_closes, 1);
    /* Deregistering again is a bad handle. */
    NdisDeregisterDeviceEx(dh);
    assert_int_equal(count_rule("AP-01"), 1);
}

static void test_collision_and_bad_arguments(void **state)
{
    PDEVICE_OBJECT dev, dev2;
    NDIS_HANDLE dh, dh2;
    assert_int_equal(register_device(&g_driver, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    assert_int_equal(register_device(&g_driver, &dev2, &dh2, 0), (NDIS_STATUS)STATUS_OBJECT_NAME_COLLISION);
    assert_null(dev2);
    NdisDeregisterDeviceEx(dh);
    assert_int_equal(vf_findings_count(), 0);
    /* Not an NDIS handle. */
    int junk;
    assert_int_equal(register_device(&junk, &dev, &dh, 0), NDIS_STATUS_NOT_SUPPORTED);
    assert_null(dev);
    assert_int_equal(count_rule("AP-01"), 1);
    /* A malformed header. */
    NDIS_DEVICE_OBJECT_ATTRIBUTES attr = {.Header = {.Type = 0x80, .Revision = 1, .Size = sizeof attr}};
    assert_int_equal(NdisRegisterDeviceEx(&g_driver, &attr, &dev, &dh), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("AP-02"), 1);
    /* Not at PASSIVE_LEVEL. */
    vf_set_irql(DISPATCH_LEVEL);
    assert_int_equal(register_device(&g_driver, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
    NdisDeregisterDeviceEx(dh);
}

static void test_adapter_handle_is_accepted(void **state)
{
    ndis_adapter *a = calloc(1, sizeof *a);
    a->magic = NDIS_ADAPTER_MAGIC;
    a->driver = &g_driver;
    a->owner = vf_owner_create(VF_OWNER_ADAPTER, g_driver.owner, "adapter 0");
    ndis_handle_register(a);
    PDEVICE_OBJECT dev;
    NDIS_HANDLE dh;
    assert_int_equal(register_device(a, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    assert_ptr_equal(dev->DriverObject, &g_drvobj);
    NdisDeregisterDeviceEx(dh);
    ndis_handle_unregister(a);
    vf_owner_destroy(a->owner);
    free(a);
    assert_int_equal(vf_findings_count(), 0);
}

static ndis_adapter *adapter_new(unsigned index)
{
    ndis_adapter *a = calloc(1, sizeof *a);
    a->magic = NDIS_ADAPTER_MAGIC;
    a->driver = &g_driver;
    a->index = index;
    a->owner = vf_owner_create(VF_OWNER_ADAPTER, g_driver.owner, "adapter");
    a->in_initialize = true;
    ndis_handle_register(a);
    return a;
}

static void adapter_free(ndis_adapter *a)
{
    ndis_device_adapter_destroy(a);
    ndis_handle_unregister(a);
    vf_owner_destroy(a->owner);
    free(a);
}

/* Each adapter has its own PDO and FDO (Wintun keeps its context in the FDO's Reserved field);
 * the FDO belongs to the miniport's driver object and sits on the PDO; IRPs to it reach the
 * driver object's table, where NDIS's routine answers by default. */
static void test_adapter_device_stack(void **state)
{
    ndis_device_install_dispatch(&g_drvobj);
    ndis_adapter *a = adapter_new(0), *b = adapter_new(1);
    PDEVICE_OBJECT pdo_a, fdo_a, next_a, pdo_b, fdo_b, next_b, again;
    NdisMGetDeviceProperty(a, &pdo_a, &fdo_a, &next_a, NULL, NULL);
    NdisMGetDeviceProperty(b, &pdo_b, &fdo_b, &next_b, NULL, NULL);
    assert_ptr_not_equal(fdo_a, fdo_b);
    assert_ptr_not_equal(pdo_a, pdo_b);
    assert_ptr_equal(next_a, pdo_a);
    assert_ptr_equal(fdo_a->DriverObject, &g_drvobj);
    assert_ptr_equal(pdo_a->AttachedDevice, fdo_a);
    assert_null(fdo_a->Reserved);
    fdo_a->Reserved = a;
    NdisMGetDeviceProperty(a, NULL, &again, NULL, NULL, NULL);
    assert_ptr_equal(again, fdo_a); /* the same for the adapter's whole life */
    assert_ptr_equal(again->Reserved, a);

    kernel_irp_request req = {.major = IRP_MJ_DEVICE_CONTROL, .ioctl = 0x12345, .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(fdo_a, &req, &res);
    assert_true(res.completed);
    assert_int_equal(res.iosb.Status, STATUS_INVALID_DEVICE_REQUEST);
    req.major = IRP_MJ_CREATE;
    kernel_irp_send(fdo_b, &req, &res);
    assert_int_equal(res.iosb.Status, STATUS_SUCCESS);
    adapter_free(a);
    adapter_free(b);
    assert_int_equal(vf_findings_count(), 0);
}

/* A device left registered is its owner's leftover (HA-10 at halt); the report deregisters it. */
static void test_device_left_registered_is_reclaimed(void **state)
{
    ndis_adapter *a = adapter_new(0);
    PDEVICE_OBJECT dev;
    NDIS_HANDLE dh;
    assert_int_equal(register_device(a, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(a->owner, VF_RES_DEVICE_OBJECT), 1);
    assert_int_equal(vf_ledger_report_leftovers(a->owner, NULL, "halt"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
    assert_int_equal(ndis_device_count(), 0);
    NdisDeregisterDeviceEx(dh); /* gone already */
    assert_int_equal(count_rule("AP-01"), 1);
    /* Registered and deregistered: nothing left. */
    assert_int_equal(register_device(a, &dev, &dh, 0), NDIS_STATUS_SUCCESS);
    NdisDeregisterDeviceEx(dh);
    assert_int_equal(vf_ledger_count(a->owner, VF_RES_DEVICE_OBJECT), 0);
    adapter_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_register_open_ioctl_close, setup, teardown),
        cmocka_unit_test_setup_teardown(test_direct_io_read_pends_and_cancels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deregistered_while_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_collision_and_bad_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adapter_handle_is_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_adapter_device_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_device_left_registered_is_reclaimed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
