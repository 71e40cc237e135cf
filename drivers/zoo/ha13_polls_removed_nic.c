/* ha13_polls_removed_nic: halt waits for the NIC's receive engine to report idle by polling STATUS,
 * even when the device was surprise-removed; a removed device reads all ones, so every poll says
 * "still active" (HA-13; run with --scenario surprise-removal). The loop is bounded, as a careful
 * author would think enough; it still spends 100,000 register reads on hardware that is gone. */
#define ZOO_HOOK_DRIVER_ENTRY ZooHwDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_HALT ZooHalt
#include "zoo_base.h"
#include "zoo_hw.h"

#define ZOO_NIC_CTRL 0x00
#define ZOO_NIC_STATUS 0x04
#define ZOO_NIC_STATUS_RX_ACTIVE 0x2

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    return ZooHwMapRegisters(Adapter);
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction); /* the defect: the removal is not looked at */
    ZooHwWrite(ZOO_NIC_CTRL, 0);
    volatile ULONG *status = (volatile ULONG *)(ZooHw.Registers + ZOO_NIC_STATUS);
    for (ULONG i = 0; i < 100000; i++)
    {
        ULONG value;
        NdisReadRegisterUlong(status, &value); /* ZOO-EXPECT: HA-13 */
        if (!(value & ZOO_NIC_STATUS_RX_ACTIVE))
            break;
    }
    ZooHwUnmapRegisters(Adapter);
}
