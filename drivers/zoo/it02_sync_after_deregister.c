/* it02_sync_after_deregister: halt calls NdisMSynchronizeWithInterruptEx after
 * NdisMDeregisterInterruptEx released the interrupt (IT-02; SDV NdisMDeregisterInterruptEx).
 * Everything else is correct: registers mapped before the interrupt is registered, the NIC's
 * interrupts masked before deregistration, registers unmapped last. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

static MINIPORT_SYNCHRONIZE_INTERRUPT ZooSyncMask;

static BOOLEAN ZooSyncMask(NDIS_HANDLE SynchronizeContext)
{
    UNREFERENCED_PARAMETER(SynchronizeContext);
    if (ZooHw.Registers)
        ZooHwWrite(ZOO_HW_REG_IMR, 0);
    return TRUE;
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    NDIS_STATUS status = ZooHwMapRegisters(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    status = ZooHwRegisterInterrupt(Adapter);
    if (status != NDIS_STATUS_SUCCESS)
        ZooHwUnmapRegisters(Adapter);
    return status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    ZooHwDeregisterInterrupt();
    /* "Make sure the NIC is masked" - through an interrupt that no longer exists. */
    NdisMSynchronizeWithInterruptEx(ZooHw.Interrupt, 0, ZooSyncMask, Adapter); /* ZOO-EXPECT: IT-02 */
    ZooHw.Interrupt = NULL;
    ZooHwUnmapRegisters(Adapter);
}
