/* sd04_work_in_nested_bugcheck: the shutdown handler always asks NDIS to remove the device, even when
 * NDIS calls it with NdisShutdownBugCheck nested inside MiniportHaltEx (SD-04, a warning): the
 * handler should then return at once and do nothing. (Run with --scenario halt-bugcheck.) */
#define ZOO_HOOK_SHUTDOWN ZooShutdown
#include "zoo_base.h"

static VOID ZooShutdown(PZOO_ADAPTER Adapter, NDIS_SHUTDOWN_ACTION Action)
{
    UNREFERENCED_PARAMETER(Action);
    NdisMRemoveMiniport(Adapter->MiniportAdapterHandle); /* ZOO-EXPECT: SD-04 */
}
