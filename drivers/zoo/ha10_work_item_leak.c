/* ha10_work_item_leak: initialize allocates an IO work item that halt never frees (HA-10). */
#define ZOO_ADAPTER_EXTRA NDIS_HANDLE WorkItem;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    Adapter->WorkItem = NdisAllocateIoWorkItem(Adapter->MiniportAdapterHandle); /* ZOO-EXPECT: HA-10 */
    return Adapter->WorkItem ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}
