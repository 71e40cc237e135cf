/* in02_claim_before_attributes: MiniportInitializeEx registers its interrupt before
 * NdisMSetMiniportAttributes has set the registration attributes (IN-02). The registration fails;
 * the driver checks the status, goes on without an interrupt and initializes correctly. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#include "zoo_base.h"
#include "zoo_hw.h"

static MINIPORT_INITIALIZE ZooInitialize;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    ZooHwDriverEntry(Chars);
    Chars->InitializeHandlerEx = ZooInitialize;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooInitialize(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                 PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    NDIS_HANDLE interrupt = NULL, handle = MiniportAdapterHandle;
    ZooHwInterruptCharacteristics(&chars);
    NDIS_STATUS status = NdisMRegisterInterruptEx(handle, NULL, &chars, &interrupt); /* ZOO-EXPECT: IN-02 */
    if (status == NDIS_STATUS_SUCCESS)
        NdisMDeregisterInterruptEx(interrupt);
    return ZooHwInitialize(MiniportAdapterHandle, MiniportDriverContext, MiniportInitParameters);
}
