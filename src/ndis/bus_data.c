/* Bus configuration space: NdisMGetBusData / NdisMSetBusData.
 *
 * Semantics, as documented: any IRQL; WhichSpace as for IRP_MN_READ_CONFIG / IRP_MN_WRITE_CONFIG;
 * the return value is the number of bytes transferred.
 *
 * Policy:
 *  - only PCI_WHICHSPACE_CONFIG is backed (the simulated NIC has no option ROM); any other space
 *    transfers nothing and returns 0, as a bus driver that does not support the space does.
 *  - a virtual adapter has no bus: 0 bytes, no finding (asking is how a driver finds out).
 *  - a NULL Buffer with a non-zero Length is AP-02 and transfers nothing. */
#include "irq_io.h"

#include "../device/simnic.h"

static ULONG bus_data(NDIS_HANDLE h, ULONG which, ULONG offset, PVOID buffer, ULONG length, bool write, const char *api,
                      void *site)
{
    ndis_adapter *a = ndis_adapter_from_handle(h, api, site);
    if (!a)
        return 0;
    if (length && !buffer)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "%s with a NULL Buffer and Length %u", api, (unsigned)length);
        return 0;
    }
    if (!a->nic || which != PCI_WHICHSPACE_CONFIG || length == 0)
        return 0;
    return write ? simnic_config_write(a->nic, offset, buffer, length)
                 : simnic_config_read(a->nic, offset, buffer, length);
}

ULONG NdisMGetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer, ULONG Length)
{
    void *site = VF_SITE();
    return bus_data(NdisMiniportHandle, WhichSpace, Offset, Buffer, Length, false, "NdisMGetBusData", site);
}

ULONG NdisMSetBusData(NDIS_HANDLE NdisMiniportHandle, ULONG WhichSpace, ULONG Offset, PVOID Buffer, ULONG Length)
{
    void *site = VF_SITE();
    return bus_data(NdisMiniportHandle, WhichSpace, Offset, Buffer, Length, true, "NdisMSetBusData", site);
}
