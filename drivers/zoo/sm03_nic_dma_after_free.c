/* sm03_nic_dma_after_free: a driver of the simulated SN-1 NIC (docs/simnic-datasheet.md) programs
 * its receive ring with one buffer in shared memory, enables receive DMA, and then frees the buffer
 * while the NIC can still write into it (SM-03: the finding points at the free; the NIC's DMA of the
 * next frame shows it). From MiniportRestart the driver sends one broadcast frame, which the
 * loopback wire brings back to its own NIC (run with --wire loopback). The halt handler waits for
 * the NIC to report the DMA error, stops the NIC, and releases everything else correctly. */
#define ZOO_HOOK_DRIVER_ENTRY ZooDriverEntry
#define ZOO_HOOK_INITIALIZE ZooInitialize
#define ZOO_HOOK_RESTART ZooRestart
#define ZOO_HOOK_HALT ZooHalt
#define ZOO_HOOK_HALT_END ZooHaltEnd
#define ZOO_ADAPTER_EXTRA                                                                                              \
    BOOLEAN Hardware;                                                                                                  \
    volatile PUCHAR Registers;                                                                                         \
    ULONG RegistersLength;                                                                                             \
    NDIS_HANDLE DmaHandle;                                                                                             \
    PVOID RingsVa;                                                                                                     \
    NDIS_PHYSICAL_ADDRESS RingsPa;                                                                                     \
    PVOID TxBufferVa;                                                                                                  \
    NDIS_PHYSICAL_ADDRESS TxBufferPa;
#include "zoo_dma.h"

/* SN-1 registers and descriptor (from the datasheet). */
#define SN1_CTRL 0x00
#define SN1_IMR 0x0C
#define SN1_RX_FILTER 0x18
#define SN1_TX_BASE_LO 0x20
#define SN1_TX_BASE_HI 0x24
#define SN1_TX_LEN 0x28
#define SN1_TX_TAIL 0x30
#define SN1_RX_BASE_LO 0x34
#define SN1_RX_BASE_HI 0x38
#define SN1_RX_LEN 0x3C
#define SN1_RX_TAIL 0x44
#define SN1_STAT_DMA_ERRORS 0x5C
#define SN1_CTRL_RESET 0x1
#define SN1_CTRL_RX_EN 0x2
#define SN1_CTRL_TX_EN 0x4
#define SN1_RXF_UNICAST 0x1
#define SN1_RXF_BROADCAST 0x4
#define SN1_DESC_OWN 0x0001

typedef struct _SN1_DESC
{
    ULONG64 Address;
    USHORT Length;
    USHORT Flags;
    ULONG Status;
} SN1_DESC, *PSN1_DESC;

#define ZOO_RING_DESCS 2
#define ZOO_RX_BUFFER 2048
#define ZOO_FRAME 60

static PNDIS_RESOURCE_LIST ZooResources; /* of the adapter being initialized */
static MINIPORT_INITIALIZE ZooInitializeEx;

static NDIS_STATUS ZooDriverEntry(PNDIS_MINIPORT_DRIVER_CHARACTERISTICS Chars)
{
    Chars->InitializeHandlerEx = ZooInitializeEx;
    return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS ZooInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                   PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    ZooResources = MiniportInitParameters->AllocatedResources;
    NDIS_STATUS status = ZooBaseInitialize(MiniportAdapterHandle, MiniportDriverContext, MiniportInitParameters);
    ZooResources = NULL;
    return status;
}

static VOID ZooWrite(PZOO_ADAPTER Adapter, ULONG Offset, ULONG Value)
{
    NdisWriteRegisterUlong((volatile ULONG *)(Adapter->Registers + Offset), Value);
}

static ULONG ZooRead(PZOO_ADAPTER Adapter, ULONG Offset)
{
    ULONG value = 0;
    NdisReadRegisterUlong((volatile ULONG *)(Adapter->Registers + Offset), &value);
    return value;
}

static VOID ZooReleaseHardware(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    if (Adapter->TxBufferVa)
        NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, Adapter->TxBufferVa, Adapter->TxBufferPa);
    if (Adapter->RingsVa)
        NdisMFreeSharedMemory(handle, PAGE_SIZE, FALSE, Adapter->RingsVa, Adapter->RingsPa);
    if (Adapter->DmaHandle)
        NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
    if (Adapter->Registers)
        NdisMUnmapIoSpace(handle, (PVOID)Adapter->Registers, Adapter->RegistersLength);
    Adapter->TxBufferVa = Adapter->RingsVa = NULL;
    Adapter->DmaHandle = NULL;
    Adapter->Registers = NULL;
}

static NDIS_STATUS ZooInitialize(PZOO_ADAPTER Adapter)
{
    NDIS_HANDLE handle = Adapter->MiniportAdapterHandle;
    PNDIS_RESOURCE_LIST resources = ZooResources;
    PCM_PARTIAL_RESOURCE_DESCRIPTOR memory = NULL;
    for (ULONG i = 0; resources && i < resources->Count; i++)
        if (resources->PartialDescriptors[i].Type == CmResourceTypeMemory)
            memory = &resources->PartialDescriptors[i];
    if (!memory)
        return NDIS_STATUS_SUCCESS; /* no NIC (--nic none): nothing to break */
    Adapter->Hardware = TRUE;

    Adapter->RegistersLength = memory->u.Memory.Length;
    PVOID registers = NULL;
    NDIS_STATUS status = NdisMMapIoSpace(&registers, handle, memory->u.Memory.Start, Adapter->RegistersLength);
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    Adapter->Registers = registers;
    ZooWrite(Adapter, SN1_CTRL, SN1_CTRL_RESET);

    status = ZooDmaRegister(Adapter, NULL, &Adapter->DmaHandle);
    if (status != NDIS_STATUS_SUCCESS)
        goto fail;
    PVOID rxBufferVa = NULL;
    NDIS_PHYSICAL_ADDRESS rxBufferPa;
    NdisMAllocateSharedMemory(handle, PAGE_SIZE, FALSE, &Adapter->RingsVa, &Adapter->RingsPa);
    NdisMAllocateSharedMemory(handle, PAGE_SIZE, FALSE, &Adapter->TxBufferVa, &Adapter->TxBufferPa);
    NdisMAllocateSharedMemory(handle, ZOO_RX_BUFFER, FALSE, &rxBufferVa, &rxBufferPa);
    if (!Adapter->RingsVa || !Adapter->TxBufferVa || !rxBufferVa)
    {
        NdisWriteErrorLogEntry(handle, NDIS_ERROR_CODE_OUT_OF_RESOURCES, 0);
        if (rxBufferVa)
            NdisMFreeSharedMemory(handle, ZOO_RX_BUFFER, FALSE, rxBufferVa, rxBufferPa);
        status = NDIS_STATUS_RESOURCES;
        goto fail;
    }

    /* Receive ring first (descriptors 0..1), transmit ring after it (2..3). */
    PSN1_DESC rx = Adapter->RingsVa;
    ULONG64 rings = (ULONG64)Adapter->RingsPa.QuadPart;
    rx[0].Address = (ULONG64)rxBufferPa.QuadPart;
    rx[0].Length = ZOO_RX_BUFFER;
    rx[0].Flags = SN1_DESC_OWN;
    ZooWrite(Adapter, SN1_RX_FILTER, SN1_RXF_UNICAST | SN1_RXF_BROADCAST);
    ZooWrite(Adapter, SN1_RX_BASE_LO, (ULONG)rings);
    ZooWrite(Adapter, SN1_RX_BASE_HI, (ULONG)(rings >> 32));
    ZooWrite(Adapter, SN1_RX_LEN, ZOO_RING_DESCS);
    ZooWrite(Adapter, SN1_RX_TAIL, 1);
    ULONG64 txRing = rings + ZOO_RING_DESCS * sizeof(SN1_DESC);
    ZooWrite(Adapter, SN1_TX_BASE_LO, (ULONG)txRing);
    ZooWrite(Adapter, SN1_TX_BASE_HI, (ULONG)(txRing >> 32));
    ZooWrite(Adapter, SN1_TX_LEN, ZOO_RING_DESCS);
    ZooWrite(Adapter, SN1_CTRL, SN1_CTRL_RX_EN | SN1_CTRL_TX_EN);

    /* A smaller receive buffer would do, the driver decides, and frees the one the NIC still owns. */
    NdisMFreeSharedMemory(handle, ZOO_RX_BUFFER, FALSE, rxBufferVa, rxBufferPa); /* ZOO-EXPECT: SM-03 */
    return NDIS_STATUS_SUCCESS;

fail:
    ZooReleaseHardware(Adapter);
    return status;
}

static NDIS_STATUS ZooRestart(PZOO_ADAPTER Adapter, NDIS_STATUS Status)
{
    if (!Adapter->Hardware)
        return Status;
    /* One broadcast frame; the loopback wire gives it back to this NIC's receive engine. */
    PUCHAR frame = Adapter->TxBufferVa;
    NdisFillMemory(frame, ETH_LENGTH_OF_ADDRESS, 0xff);
    NdisMoveMemory(frame + ETH_LENGTH_OF_ADDRESS, Adapter->CurrentAddress, ETH_LENGTH_OF_ADDRESS);
    NdisZeroMemory(frame + 2 * ETH_LENGTH_OF_ADDRESS, ZOO_FRAME - 2 * ETH_LENGTH_OF_ADDRESS);
    PSN1_DESC tx = (PSN1_DESC)Adapter->RingsVa + ZOO_RING_DESCS;
    tx[0].Address = (ULONG64)Adapter->TxBufferPa.QuadPart;
    tx[0].Length = ZOO_FRAME;
    tx[0].Status = 0;
    tx[0].Flags = SN1_DESC_OWN;
    ZooWrite(Adapter, SN1_TX_TAIL, 1);
    return Status;
}

static VOID ZooHalt(PZOO_ADAPTER Adapter, NDIS_HALT_ACTION HaltAction)
{
    UNREFERENCED_PARAMETER(HaltAction);
    if (!Adapter->Hardware)
        return;
    /* Give the frame time to come back (bounded), then stop both engines before freeing. */
    for (ULONG i = 0; i < 200 && ZooRead(Adapter, SN1_STAT_DMA_ERRORS) == 0; i++)
        NdisMSleep(10000);
    ZooWrite(Adapter, SN1_IMR, 0);
    ZooWrite(Adapter, SN1_CTRL, SN1_CTRL_RESET);
}

static VOID ZooHaltEnd(PZOO_ADAPTER Adapter)
{
    if (Adapter->Hardware)
        ZooReleaseHardware(Adapter);
}
