/* lc03_call_after_halt: the second adapter's halt indicates a status with the handle of the first
 * adapter, which is already halted (LC-03). Run with --adapters 2. */
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static NDIS_HANDLE ZooFirstHalted;

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    if (!ZooFirstHalted)
    {
        ZooFirstHalted = Adapter->MiniportAdapterHandle;
        return;
    }
    NDIS_STATUS_INDICATION indication;
    NDIS_LINK_STATE linkState;
    ZooBaseLinkStateIndication(ZooFirstHalted, &indication, &linkState);
    NdisMIndicateStatusEx(ZooFirstHalted, &indication); /* ZOO-EXPECT: LC-03 */
}
