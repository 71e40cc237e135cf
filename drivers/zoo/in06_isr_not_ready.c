/* in06_isr_not_ready: initialize registers its interrupt before mapping the registers its ISR
 * reads. NDIS may call the ISR before NdisMRegisterInterruptEx returns (IN-06): that call reads the
 * interrupt cause through a register pointer that is still NULL. Afterwards the driver maps the
 * registers and is correct: halt masks the NIC, deregisters, unmaps. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static MINIPORT_ISR ZooIsr;

static BOOLEAN ZooIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors)
{
    ULONG icr, imr;
    UNREFERENCED_PARAMETER(MiniportInterruptContext);
    *QueueDefaultInterruptDpc = FALSE;
    *TargetProcessors = 0;
    NdisReadRegisterUlong((volatile ULONG *)(ZooHw.Registers + ZOO_HW_REG_ICR), &icr); /* ZOO-EXPECT: IN-06 */
    if (icr == 0xFFFFFFFFu)
        return FALSE; /* nothing there (or the device is gone) */
    NdisReadRegisterUlong((volatile ULONG *)(ZooHw.Registers + ZOO_HW_REG_IMR), &imr);
    if (!(icr & imr))
        return FALSE;
    NdisWriteRegisterUlong((volatile ULONG *)(ZooHw.Registers + ZOO_HW_REG_IMR), 0);
    InterlockedOr(&ZooHw.Latched, (LONG)(icr & imr));
    *QueueDefaultInterruptDpc = TRUE;
    return TRUE;
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
    ZooHwInterruptCharacteristics(&chars);
    chars.InterruptHandler = ZooIsr;
    NDIS_STATUS status = NdisMRegisterInterruptEx(Adapter->MiniportAdapterHandle, Adapter, &chars, &ZooHw.Interrupt);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    status = ZooHwMapRegisters(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
    {
        NdisMDeregisterInterruptEx(ZooHw.Interrupt);
        ZooHw.Interrupt = NULL;
    }
    return status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    ZooHwDeregisterInterrupt();
    ZooHw.Interrupt = NULL;
    ZooHwUnmapRegisters(Adapter);
}
