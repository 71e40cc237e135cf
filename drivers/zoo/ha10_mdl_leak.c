/* ha10_mdl_leak: initialize describes a header buffer with an MDL that halt never frees (HA-10). */
#define ZOO_ADAPTER_EXTRA                                                                                              \
    UCHAR Header[64];                                                                                                  \
    PMDL HeaderMdl;
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    Adapter->HeaderMdl = NdisAllocateMdl(handle, Adapter->Header, sizeof(Adapter->Header)); /* ZOO-EXPECT: HA-10 */
    return Adapter->HeaderMdl ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}
