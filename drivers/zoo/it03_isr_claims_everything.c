/* it03_isr_claims_everything: the ISR returns TRUE without asking its NIC whether it raised the
 * interrupt (IT-03: on a shared line MiniportInterrupt returns FALSE for an interrupt that is not its
 * device's, or the other device's interrupt is never serviced; Windows: an interrupt storm, bug
 * check 0xF2). Everything else is correct: registers mapped first, interrupt masked and deregistered
 * in halt, registers unmapped last. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static MINIPORT_ISR ZooIsr;

static BOOLEAN ZooIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                      PULONG TargetProcessors) /* ZOO-EXPECT: IT-03 */
{
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    *TargetProcessors = 0;
    *QueueDefaultInterruptDpc = TRUE; /* "the DPC will sort it out" */
    return TRUE;
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_STATUS status = ZooHwMapRegisters(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    ZooHwInterruptCharacteristics(&chars);
    chars.InterruptHandler = ZooIsr;
    status = NdisMRegisterInterruptEx(Adapter->MiniportAdapterHandle, Adapter, &chars, &ZooHw.Interrupt);
    if (status != NDIS_STATUS_SUCCESS)
        ZooHwUnmapRegisters(Adapter);
    return status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    ZooHwDeregisterInterrupt();
    ZooHw.Interrupt = NULL;
    ZooHwUnmapRegisters(Adapter);
}
