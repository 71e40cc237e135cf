/* it01_missing_dpc_handler: NdisMRegisterInterruptEx with characteristics that lack the required
 * MiniportInterruptDPC handler (IT-01). The registration fails; the driver checks the status and
 * does without an interrupt (its NIC's interrupts stay masked). */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"
#include "zoo_hw.h"

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    ZooHwInterruptCharacteristics(&chars);
    chars.InterruptDpcHandler = NULL;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    NDIS_STATUS status = NdisMRegisterInterruptEx(handle, Adapter, &chars, &ZooHw.Interrupt); /* ZOO-EXPECT: IT-01 */
    if (status != NDIS_STATUS_SUCCESS)
        ZooHw.Interrupt = NULL;
    return NDIS_STATUS_SUCCESS;
}
