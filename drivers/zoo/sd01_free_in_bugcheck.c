/* sd01_free_in_bugcheck: the shutdown handler frees a pool block when the system bug checks (SD-01).
 * With NdisShutdownBugCheck the handler must leave every resource alone: it runs at HIGH_LEVEL in a
 * dying system, only to put its hardware in a known state. */
#define ZOO_ADAPTER_EXTRA PVOID Scratch;
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_SHUTDOWN ZooShutdown
#define ZOO_HOOK_HALT_END ZooHaltEnd
#include "zoo_base.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    Adapter->Scratch =
        NdisAllocateMemoryWithTagPriority(Adapter->MiniportAdapterHandle, 64, ZOO_TAG, NormalPoolPriority);
    return Adapter->Scratch ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

static VOID ZooShutdown(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    NdisFreeMemory(Adapter->Scratch, 0, 0); /* ZOO-EXPECT: SD-01 */
    Adapter->Scratch = NULL;
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    if (Adapter->Scratch)
        NdisFreeMemory(Adapter->Scratch, 0, 0);
}
