/* Status indications and the driver's other adapter-wide calls: NdisMIndicateStatusEx,
 * NdisMRemoveMiniport, NdisMGetDeviceProperty, NdisWriteErrorLogEntry. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device_object.h"
#include "ndis_internal.h"
#include "hardware.h"

VOID NdisMIndicateStatusEx(NDIS_HANDLE MiniportAdapterHandle, PNDIS_STATUS_INDICATION StatusIndication)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMIndicateStatusEx", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMIndicateStatusEx", site);
    if (!a)
        return;
    if (!StatusIndication || StatusIndication->Header.Type != NDIS_OBJECT_TYPE_STATUS_INDICATION ||
        StatusIndication->Header.Size < NDIS_SIZEOF_STATUS_INDICATION_REVISION_1)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site,
                  "NdisMIndicateStatusEx with a missing or malformed NDIS_STATUS_INDICATION header (0x7C/0x20)");
        return;
    }
    /* The DDI page says SourceHandle "should be" the adapter handle: a warning, not an error. */
    if (StatusIndication->SourceHandle != MiniportAdapterHandle)
        vf_report_sev("AP-02", VF_SEV_WARNING, a->owner, VF_CB_NONE, site,
                      "NdisMIndicateStatusEx: SourceHandle %p is not the adapter handle %p (it should be)",
                      StatusIndication->SourceHandle, MiniportAdapterHandle);
    ndis_port_check_indication(a, StatusIndication->PortNumber, "NdisMIndicateStatusEx", site);
    if (StatusIndication->StatusCode == NDIS_STATUS_LINK_STATE && StatusIndication->StatusBuffer &&
        StatusIndication->StatusBufferSize >= sizeof(NDIS_LINK_STATE))
    {
        const NDIS_LINK_STATE *ls = StatusIndication->StatusBuffer;
        a->gen_attrs.MediaConnectState = ls->MediaConnectState;
        a->gen_attrs.XmitLinkSpeed = ls->XmitLinkSpeed;
        a->gen_attrs.RcvLinkSpeed = ls->RcvLinkSpeed;
    }
    if (a->proto.status)
        a->proto.status(a->proto.ctx, a, StatusIndication);
}

NDIS_STATUS NdisMRemoveMiniport(NDIS_HANDLE MiniportAdapterHandle)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisMRemoveMiniport", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMRemoveMiniport", site);
    if (!a)
        return NDIS_STATUS_FAILURE;
    /* NDIS then halts the adapter with NdisHaltDeviceFailed; the scenario engine sees the flag. */
    __atomic_store_n(&a->removed, true, __ATOMIC_RELEASE);
    return NDIS_STATUS_SUCCESS;
}

VOID NdisMGetDeviceProperty(NDIS_HANDLE MiniportAdapterHandle, PDEVICE_OBJECT *PhysicalDeviceObject,
                            PDEVICE_OBJECT *FunctionalDeviceObject, PDEVICE_OBJECT *NextDeviceObject,
                            PCM_RESOURCE_LIST *AllocatedResources, PCM_RESOURCE_LIST *AllocatedResourcesTranslated)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisMGetDeviceProperty", site);
    ndis_adapter *a = ndis_adapter_from_handle(MiniportAdapterHandle, "NdisMGetDeviceProperty", site);
    if (!a)
        return;
    /* Each adapter has its own device stack; the FDO sits directly on the PDO, so the next-lower
     * device is the PDO. */
    PDEVICE_OBJECT pdo = NULL, fdo = NULL;
    if (!ndis_device_adapter_stack(a, &pdo, &fdo))
        abort();
    if (PhysicalDeviceObject)
        *PhysicalDeviceObject = pdo;
    if (FunctionalDeviceObject)
        *FunctionalDeviceObject = fdo;
    if (NextDeviceObject)
        *NextDeviceObject = pdo;
    /* Raw and translated resources are the same bus addresses on the simulated PCI bus. */
    if (AllocatedResources)
        *AllocatedResources = a->resources_full;
    if (AllocatedResourcesTranslated)
        *AllocatedResourcesTranslated = a->resources_full;
}

VOID NdisWriteErrorLogEntry(NDIS_HANDLE NdisAdapterHandle, NDIS_ERROR_CODE ErrorCode, ULONG NumberOfErrorValues, ...)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "NdisWriteErrorLogEntry", site);
    ndis_adapter *a = ndis_adapter_from_handle(NdisAdapterHandle, "NdisWriteErrorLogEntry", site);
    if (!a)
        return;
    va_list ap;
    va_start(ap, NumberOfErrorValues);
    char vals[128] = "";
    size_t off = 0;
    for (ULONG i = 0; i < NumberOfErrorValues && i < 8 && off < sizeof vals; i++)
        off += (size_t)snprintf(vals + off, sizeof vals - off, " 0x%08X", (unsigned)va_arg(ap, ULONG));
    va_end(ap);
    a->error_log_entries++;
    if (ndis_log_hook)
        ndis_log_hook(a, "error log entry 0x%08X%s", (unsigned)ErrorCode, vals);
}
