/* ha03_interrupt_not_deregistered: initialize registers an interrupt that halt never deregisters
 * (HA-03; Windows: bug check 0x7C/0x08). Its NIC never has interrupts enabled, and its ISR touches
 * no hardware, so the leak is the only defect. */
#define ZOO_HOOK_INITIALIZE ZooInit
#include "zoo_base.h"
#include "zoo_hw.h"

static MINIPORT_ISR ZooIsr;

static BOOLEAN ZooIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    *QueueDefaultInterruptDpc = FALSE;
    *TargetProcessors = 0;
    return FALSE; /* the NIC never interrupts: any interrupt is another device's */
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    ZooHwInterruptCharacteristics(&chars);
    chars.InterruptHandler = ZooIsr;
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    return NdisMRegisterInterruptEx(handle, Adapter, &chars, &ZooHw.Interrupt); /* ZOO-EXPECT: HA-03 */
}
