/* ul02_no_deregister: MiniportDriverUnload returns without NdisMDeregisterMiniportDriver (UL-02). */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"

static MINIPORT_UNLOAD ZooUnload;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->UnloadHandler = ZooUnload;
    return NDIS_STATUS_SUCCESS;
}

static VOID ZooUnload(PDRIVER_OBJECT DriverObject) /* ZOO-EXPECT: UL-02 */
{
    UNREFERENCED_PARAMETER(DriverObject);
}
