/* ha10_device_not_deregistered: initialize registers a control device with NdisRegisterDeviceEx
 * (adapter handle, as tap-windows6 does) that halt never deregisters (HA-10). */
#define ZOO_ADAPTER_EXTRA                                                                                              \
    PDEVICE_OBJECT Device;                                                                                             \
    NDIS_HANDLE DeviceHandle;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NTSTATUS ZooCreateClose(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    UNREFERENCED_PARAMETER(DeviceObject);
    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    static LONG count;
    static WCHAR names[10][32];
    LONG n = InterlockedIncrement(&count) % 10;
    static const WCHAR prefix[] = L"\\Device\\ha10_dev";
    NdisMoveMemory(names[n], prefix, sizeof prefix);
    names[n][sizeof prefix / sizeof(WCHAR) - 1] = (WCHAR)(L'0' + n);
    NDIS_STRING name;
    name.Buffer = names[n];
    name.Length = name.MaximumLength = (USHORT)sizeof prefix;
    PDRIVER_DISPATCH dispatch[IRP_MJ_MAXIMUM_FUNCTION + 1];
    NdisZeroMemory(dispatch, sizeof dispatch);
    dispatch[IRP_MJ_CREATE] = ZooCreateClose;
    dispatch[IRP_MJ_CLOSE] = ZooCreateClose;
    NDIS_DEVICE_OBJECT_ATTRIBUTES attributes;
    NdisZeroMemory(&attributes, sizeof attributes);
    attributes.Header.Type = NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES;
    attributes.Header.Revision = NDIS_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    attributes.Header.Size = NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1;
    attributes.DeviceName = &name;
    attributes.MajorFunctions = dispatch;
    return NdisRegisterDeviceEx(Adapter->MiniportAdapterHandle, &attributes, &Adapter->Device, /* ZOO-EXPECT: HA-10 */
                                &Adapter->DeviceHandle);
}
