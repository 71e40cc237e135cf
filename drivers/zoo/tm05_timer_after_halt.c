/* tm05_timer_after_halt: a driver-wide timer keeps the handle of a halted adapter as its context, and
 * its callback indicates a status with it after that adapter's MiniportHaltEx returned (TM-05).
 * Run with --adapters 2: the second halt fires the timer for the first, already halted, adapter
 * and waits for the callback, so the order is deterministic. */
#define ZOO_HOOK_DRIVER_REGISTERED ZooRegistered
#define ZOO_HOOK_UNLOAD ZooUnload
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"

static struct
{
    NDIS_HANDLE Timer;
    NDIS_HANDLE FirstHalted;
    NDIS_EVENT Fired;
} ZooLink;

static NDIS_TIMER_FUNCTION ZooLinkTimer;

static VOID ZooLinkTimer(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    NDIS_HANDLE handle = FunctionContext;
    NDIS_STATUS_INDICATION indication;
    NDIS_LINK_STATE linkState;
    ZooBaseLinkStateIndication(handle, &indication, &linkState);
    NdisMIndicateStatusEx(handle, &indication); /* ZOO-EXPECT: TM-05 */
    NdisSetEvent(&ZooLink.Fired);
}

static NDIS_STATUS ZooRegistered(VOID)
{
    NDIS_TIMER_CHARACTERISTICS chars = {
        .Header = {.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS,
                   .Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1,
                   .Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1},
        .AllocationTag = ZOO_TAG,
        .TimerFunction = ZooLinkTimer,
    };
    NdisInitializeEvent(&ZooLink.Fired);
    return NdisAllocateTimerObject(ZooGlobals.DriverHandle, &chars, &ZooLink.Timer);
}

static VOID ZooUnload(VOID)
{
    NdisCancelTimerObject(ZooLink.Timer);
    NdisFreeTimerObject(ZooLink.Timer);
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    if (!ZooLink.FirstHalted)
    {
        ZooLink.FirstHalted = Adapter->MiniportAdapterHandle;
        return;
    }
    LARGE_INTEGER due = {.QuadPart = -1};
    NdisSetTimerObject(ZooLink.Timer, due, 0, ZooLink.FirstHalted);
    NdisWaitEvent(&ZooLink.Fired, 0);
}
