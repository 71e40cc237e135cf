/*
 * The SN-1 network controller as vnic programs it: register offsets, bits and the descriptor
 * layout, transcribed from docs/simnic-datasheet.md (a driver has its own copy of its hardware's
 * definitions; it does not include the simulator's header).
 */
#ifndef VNIC_HW_H
#define VNIC_HW_H

#include <ndis.h>

#define SN1_PCI_VENDOR_ID 0x4E48
#define SN1_PCI_DEVICE_ID 0x0001

/* Registers: byte offsets in BAR0; the I/O port range mirrors 0x00..0x3F. */
#define SN1_CTRL 0x00
#define SN1_STATUS 0x04
#define SN1_ICR 0x08
#define SN1_IMR 0x0C
#define SN1_MAC_LO 0x10
#define SN1_MAC_HI 0x14
#define SN1_RX_FILTER 0x18
#define SN1_TX_BASE_LO 0x20
#define SN1_TX_BASE_HI 0x24
#define SN1_TX_LEN 0x28
#define SN1_TX_HEAD 0x2C
#define SN1_TX_TAIL 0x30
#define SN1_RX_BASE_LO 0x34
#define SN1_RX_BASE_HI 0x38
#define SN1_RX_LEN 0x3C
#define SN1_RX_HEAD 0x40
#define SN1_RX_TAIL 0x44

#define SN1_CTRL_RESET 0x00000001
#define SN1_CTRL_RX_EN 0x00000002
#define SN1_CTRL_TX_EN 0x00000004

#define SN1_STATUS_LINK_UP 0x00000001

#define SN1_INT_RX_DONE 0x00000001
#define SN1_INT_TX_DONE 0x00000002
#define SN1_INT_LINK 0x00000004
#define SN1_INT_RX_NO_DESC 0x00000008
#define SN1_INT_DMA_ERROR 0x00000010
#define SN1_INT_ALL (SN1_INT_RX_DONE | SN1_INT_TX_DONE | SN1_INT_LINK | SN1_INT_RX_NO_DESC | SN1_INT_DMA_ERROR)

#define SN1_RXF_UNICAST 0x1
#define SN1_RXF_MULTICAST 0x2
#define SN1_RXF_BROADCAST 0x4
#define SN1_RXF_PROMISC 0x8

/* What a read from absent hardware returns. */
#define SN1_GONE 0xFFFFFFFF

typedef struct _SN1_DESC
{
    ULONG64 Address;
    USHORT Length;
    USHORT Flags;
    ULONG Status;
} SN1_DESC, *PSN1_DESC;
C_ASSERT(sizeof(SN1_DESC) == 16);

#define SN1_DESC_OWN 0x0001
#define SN1_DESC_DONE 0x0002
#define SN1_DESC_ERR 0x0004

#endif
