/* The simulated NIC ("SN-1"): a PCI-like Ethernet function with an I/O port range, a memory-mapped
 * register BAR, a level-triggered interrupt line, a descriptor-ring DMA engine working in the
 * host's shared memory, a PCI configuration space and a link to a wire (loopback or hub).
 *
 * The programming model a driver author sees is docs/simnic-datasheet.md; the register offsets and
 * bits below are that datasheet's. This header is the host side: the NDIS library (src/ndis/)
 * forwards NdisRawRead/WritePort*, NdisRead/WriteRegister* and NdisMGet/SetBusData here, hands the
 * device a DMA translator (bus address -> host memory of a shared-memory record) and listens to the
 * interrupt line; the scenario engine flips the fault knobs and asks, at halt return, whether the
 * NIC was left stopped (HA-12).
 *
 * Threads: every entry point is thread-safe (one mutex per NIC). The DMA engine runs on the NIC's own
 * device thread, woken by doorbell writes and by frames arriving from the wire; it never calls back
 * into the host with the NIC's mutex held. */
#ifndef NDISHOST_DEVICE_SIMNIC_H
#define NDISHOST_DEVICE_SIMNIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- register map (byte offsets in BAR0 memory space; the I/O port range mirrors 0x00..0x3F) ---- */

#define SIMNIC_REG_CTRL 0x00      /* RW: SIMNIC_CTRL_* */
#define SIMNIC_REG_STATUS 0x04    /* RO: SIMNIC_STATUS_* */
#define SIMNIC_REG_ICR 0x08       /* interrupt cause: read returns causes, write 1 clears (W1C) */
#define SIMNIC_REG_IMR 0x0C       /* interrupt mask: 1 = cause raises the line */
#define SIMNIC_REG_MAC_LO 0x10    /* RW: bytes 0..3 of the station address (read: EEPROM value after reset) */
#define SIMNIC_REG_MAC_HI 0x14    /* RW: bytes 4..5 in bits 0..15 */
#define SIMNIC_REG_RX_FILTER 0x18 /* RW: SIMNIC_RXF_* */
#define SIMNIC_REG_ITR 0x1C       /* RW: interrupt throttle, minimum microseconds between assertions (0: none) */
#define SIMNIC_REG_TX_BASE_LO 0x20
#define SIMNIC_REG_TX_BASE_HI 0x24
#define SIMNIC_REG_TX_LEN 0x28  /* descriptors in the ring, a power of two 2..4096 */
#define SIMNIC_REG_TX_HEAD 0x2C /* RO: next descriptor the device will process */
#define SIMNIC_REG_TX_TAIL 0x30 /* RW: doorbell; one past the last descriptor the driver handed over */
#define SIMNIC_REG_RX_BASE_LO 0x34
#define SIMNIC_REG_RX_BASE_HI 0x38
#define SIMNIC_REG_RX_LEN 0x3C
#define SIMNIC_REG_RX_HEAD 0x40 /* RO */
#define SIMNIC_REG_RX_TAIL 0x44 /* RW: doorbell */
#define SIMNIC_REG_STAT_RX_PACKETS 0x50
#define SIMNIC_REG_STAT_TX_PACKETS 0x54
#define SIMNIC_REG_STAT_RX_DROPPED 0x58 /* no free receive descriptor, or receive disabled */
#define SIMNIC_REG_STAT_DMA_ERRORS 0x5C
#define SIMNIC_BAR0_LENGTH 0x1000
#define SIMNIC_IO_PORTS 0x40 /* the I/O range: registers 0x00..0x3F, same meaning as in BAR0 */

#define SIMNIC_CTRL_RESET 0x00000001u /* self-clearing: stops both engines, clears rings, ICR, IMR */
#define SIMNIC_CTRL_RX_EN 0x00000002u
#define SIMNIC_CTRL_TX_EN 0x00000004u

#define SIMNIC_STATUS_LINK_UP 0x00000001u
#define SIMNIC_STATUS_RX_ACTIVE 0x00000002u /* receive DMA enabled and ring configured */
#define SIMNIC_STATUS_TX_ACTIVE 0x00000004u

#define SIMNIC_INT_RX_DONE 0x00000001u   /* a receive descriptor completed */
#define SIMNIC_INT_TX_DONE 0x00000002u   /* a transmit descriptor completed */
#define SIMNIC_INT_LINK 0x00000004u      /* link state changed */
#define SIMNIC_INT_RX_NO_DESC 0x00000008u /* a frame was dropped: no free receive descriptor */
#define SIMNIC_INT_DMA_ERROR 0x00000010u /* a descriptor or buffer address did not resolve */

#define SIMNIC_RXF_UNICAST 0x1u   /* frames to the station address */
#define SIMNIC_RXF_MULTICAST 0x2u /* every multicast frame */
#define SIMNIC_RXF_BROADCAST 0x4u
#define SIMNIC_RXF_PROMISC 0x8u

/* Descriptor: 16 bytes, little-endian, in shared memory. The driver fills addr/len and sets OWN;
 * the device clears OWN and sets DONE (and ERR) when it is finished, writing `len` back for receives. */
typedef struct simnic_desc
{
    uint64_t addr;   /* bus address of the buffer */
    uint16_t len;    /* transmit: frame length; receive: buffer size in, frame length out */
    uint16_t flags;  /* SIMNIC_DESC_* */
    uint32_t status; /* device-written: 0, or a SIMNIC_INT_* cause for an error */
} simnic_desc;

#define SIMNIC_DESC_OWN 0x0001u /* owned by the device */
#define SIMNIC_DESC_DONE 0x0002u
#define SIMNIC_DESC_ERR 0x0004u

/* PCI identity in configuration space (offsets 0x00/0x02); fictional, registered to nobody. */
#define SIMNIC_PCI_VENDOR_ID 0x4E48u /* "NH" */
#define SIMNIC_PCI_DEVICE_ID 0x0001u
#define SIMNIC_CONFIG_SPACE_SIZE 256

/* ---- host interface ------------------------------------------------------------------------- */

typedef struct simnic simnic;
typedef struct simnic_wire simnic_wire;

/* What the device needs from the host. Called from the device thread, never with the NIC's lock held. */
typedef struct simnic_host_ops
{
    /* Resolves [bus_addr, bus_addr + len) to host memory for a device read (writing=false) or write.
     * NULL: the range is not inside live shared memory; the device then counts a DMA error, raises
     * SIMNIC_INT_DMA_ERROR and completes the descriptor with ERR. The host reports what the address
     * was (freed shared memory: SM-03 naming the free's call site; unknown: a finding of its own). */
    void *(*dma_map)(void *ctx, uint64_t bus_addr, size_t len, bool writing);
    /* The interrupt line went from deasserted to asserted (level-triggered: it stays asserted while
     * ICR & IMR is not zero; the host polls simnic_irq_pending after calling the ISR). */
    void (*irq_raised)(void *ctx);
    void *ctx;
} simnic_host_ops;

typedef struct simnic_config
{
    unsigned index;          /* distinct per NIC: derives its port base, BAR address, MAC and vector */
    uint8_t mac[6];          /* EEPROM station address */
    bool link_up;            /* initial link state */
    simnic_wire *wire;       /* NULL: frames sent are dropped (the NIC is alone) */
    simnic_host_ops ops;
} simnic_config;

/* Resources as the PnP manager assigns them, for the CM_PARTIAL_RESOURCE_LIST. */
typedef struct simnic_resources
{
    uint32_t io_base;     /* first I/O port: 0xC000 + 0x100 * index */
    uint32_t io_length;   /* SIMNIC_IO_PORTS */
    uint64_t mem_base;    /* BAR0 bus address: 0xF0000000 + 0x100000 * index */
    uint32_t mem_length;  /* SIMNIC_BAR0_LENGTH */
    uint32_t irq_vector;  /* 0x30 + index */
    uint32_t irq_level;   /* same as vector (line-based) */
    uint64_t irq_affinity;
} simnic_resources;

simnic *simnic_create(const simnic_config *cfg);
/* Stops the device thread and detaches from the wire. The host must no longer call in. */
void simnic_destroy(simnic *n);
void simnic_get_resources(const simnic *n, simnic_resources *out);
unsigned simnic_index(const simnic *n);

/* Register access. `offset` is relative to BAR0 (mmio) or to io_base (port); width 1, 2 or 4 bytes,
 * naturally aligned (unaligned or out-of-range accesses read all ones and are counted, see
 * simnic_bad_accesses). After surprise removal reads return all ones and writes are dropped. */
uint32_t simnic_mmio_read(simnic *n, uint32_t offset, unsigned width);
void simnic_mmio_write(simnic *n, uint32_t offset, unsigned width, uint32_t value);
uint32_t simnic_io_read(simnic *n, uint32_t offset, unsigned width);
void simnic_io_write(simnic *n, uint32_t offset, unsigned width, uint32_t value);
uint64_t simnic_bad_accesses(const simnic *n);

/* PCI configuration space (NdisMGetBusData/NdisMSetBusData, PCI_WHICHSPACE_CONFIG). Returns the bytes
 * transferred (clipped at SIMNIC_CONFIG_SPACE_SIZE); read-only fields ignore writes. 0 after removal. */
uint32_t simnic_config_read(simnic *n, uint32_t offset, void *buf, uint32_t len);
uint32_t simnic_config_write(simnic *n, uint32_t offset, const void *buf, uint32_t len);

/* Interrupt line: true while ICR & IMR != 0 (or a storm is injected). */
bool simnic_irq_pending(simnic *n);

/* What HA-12 / SD-01 look at: the NIC is quiescent when no interrupt is enabled (IMR == 0) and
 * neither DMA engine is enabled. `why` (may be NULL) gets a short reason when it is not. */
bool simnic_is_quiescent(simnic *n, char *why, size_t whylen);

/* ---- fault knobs ---------------------------------------------------------------------------- */

/* The device is gone: reads return all ones, writes are dropped, DMA and interrupts stop. */
void simnic_surprise_remove(simnic *n);
bool simnic_is_removed(const simnic *n);
/* The device is plugged in again (a new device in the same slot): power-on state, configuration space
 * included. No effect on a NIC that was not removed. */
void simnic_reinsert(simnic *n);
/* Interrupt storm: the line stays asserted whatever ICR and IMR say, until turned off. */
void simnic_set_irq_storm(simnic *n, bool on);
/* Stuck DMA: the engines stop making progress (descriptors stay OWNed by the device). */
void simnic_set_dma_stuck(simnic *n, bool on);
void simnic_set_link(simnic *n, bool up);

/* ---- statistics (host view, for benchmarks and tests) --------------------------------------- */

typedef struct simnic_stats
{
    uint64_t tx_frames, rx_frames, rx_dropped, dma_errors, irq_assertions, bad_accesses;
} simnic_stats;
void simnic_get_stats(simnic *n, simnic_stats *out);

/* ---- wires ---------------------------------------------------------------------------------- */

typedef enum simnic_wire_kind
{
    SIMNIC_WIRE_LOOPBACK, /* each NIC receives its own frames */
    SIMNIC_WIRE_HUB,      /* a frame goes to every other NIC on the hub */
} simnic_wire_kind;

simnic_wire *simnic_wire_create(simnic_wire_kind kind);
/* Every NIC must be destroyed (detached) first. */
void simnic_wire_destroy(simnic_wire *w);

#endif
