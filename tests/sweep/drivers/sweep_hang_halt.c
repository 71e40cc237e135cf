/* sweep_hang_halt: MiniportHaltEx waits forever on an event nobody sets. */
#define ZOO_ADAPTER_EXTRA NDIS_EVENT NeverSet;
#define ZOO_HOOK_INITIALIZE SweepInit
#define ZOO_HOOK_HALT SweepHalt
#include "zoo_base.h"

static NDIS_STATUS SweepInit(PZOO_ADAPTER Adapter)
{
    NdisInitializeEvent(&Adapter->NeverSet);
    return NDIS_STATUS_SUCCESS;
}

static VOID SweepHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    NdisWaitEvent(&Adapter->NeverSet, 0); /* SWEEP-HANG-LINE: 0 waits forever */
}
