/* The simulated NIC's state, shared by the files that implement it: registers and line (simnic.c),
 * configuration space (simnic_config.c), the DMA engine on the device thread (simnic_dma.c) and
 * the wires (wire.c). Everything below `lock` is guarded by it unless a comment says otherwise. */
#ifndef NDISHOST_DEVICE_SIMNIC_INTERNAL_H
#define NDISHOST_DEVICE_SIMNIC_INTERNAL_H

#include "simnic.h"

#include "../kernel/exec/exec.h"

/* Frames waiting between the wire and the receive engine (the NIC's receive FIFO). */
#define SIMNIC_RXQ_DEPTH 256u

/* PCI configuration space offsets the model gives meaning to. */
#define SIMNIC_CFG_VENDOR 0x00
#define SIMNIC_CFG_DEVICE 0x02
#define SIMNIC_CFG_COMMAND 0x04
#define SIMNIC_CFG_STATUS 0x06
#define SIMNIC_CFG_BAR0 0x10
#define SIMNIC_CFG_BAR1 0x14
#define SIMNIC_CFG_INT_LINE 0x3C
#define SIMNIC_CFG_INT_PIN 0x3D
#define SIMNIC_PCI_CMD_IO 0x0001u
#define SIMNIC_PCI_CMD_MEMORY 0x0002u
#define SIMNIC_PCI_CMD_BUS_MASTER 0x0004u
#define SIMNIC_PCI_CMD_INTX_DISABLE 0x0400u
#define SIMNIC_PCI_STATUS_INTERRUPT 0x0008u

typedef struct simnic_frame
{
    uint8_t *data;
    uint16_t len;
} simnic_frame;

struct simnic
{
    /* Fixed at creation. */
    simnic_config cfg;
    simnic_resources res;

    exec_mutex lock;

    /* Registers. */
    uint32_t ctrl; /* RX_EN | TX_EN (RESET self-clears) */
    uint32_t icr, imr;
    uint32_t mac_lo, mac_hi;
    uint32_t rx_filter, itr;
    uint64_t tx_base, rx_base;
    uint32_t tx_len, tx_head, tx_tail;
    uint32_t rx_len, rx_head, rx_tail;
    uint32_t stat_rx, stat_tx, stat_rx_dropped, stat_dma_errors;
    bool link_up;

    /* Configuration space: current bytes and, per byte, the bits a write may change. */
    uint8_t config[SIMNIC_CONFIG_SPACE_SIZE];
    uint8_t config_wmask[SIMNIC_CONFIG_SPACE_SIZE];

    /* The interrupt line as last driven. Rising edges are counted here and reported to the host by
     * the device thread, so that host ops are only ever called from it (never re-entrantly from a
     * driver's register write, which may run under the driver's interrupt lock). */
    bool line;
    uint32_t irq_edges;

    /* Fault knobs. `removed` is also read without the lock (simnic_is_removed), atomically. */
    bool removed;
    bool storm;
    bool dma_stuck;

    /* DMA engine. An engine's epoch changes whenever what it may touch changes (engine disabled,
     * ring re-programmed, reset, removal, stuck): a step mapped under one epoch commits only if the
     * epoch is unchanged, so once a register write that stops an engine returns, the device no
     * longer touches host memory it mapped before. */
    uint32_t tx_epoch, rx_epoch;
    bool tx_blocked; /* the descriptor at TX_HEAD was not OWNed: wait for the next doorbell */
    simnic_frame rxq[SIMNIC_RXQ_DEPTH];
    unsigned rxq_head, rxq_count;

    /* Device thread: sleeps on `kick` (changed atomically, under the lock) until there is work. */
    exec_thread *thread;
    uint32_t kick;
    bool stopping;

    /* Host view statistics (never reset by the device); bad_accesses is atomic (const reader). */
    simnic_stats stats;
    uint64_t bad_accesses;

    /* Wire membership, guarded by the wire's lock. */
    simnic *wire_next;
};

/* ---- simnic.c ---- */

/* Recomputes the line after ICR, IMR, the storm, removal or the command register changed; a
 * deasserted -> asserted edge is queued for the device thread to report. */
void simnic_line_update_locked(simnic *n);
/* Queues one assertion (the storm re-asserts as the host acknowledges). */
void simnic_edge_locked(simnic *n);
/* Sets interrupt causes. */
void simnic_cause_locked(simnic *n, uint32_t causes);
/* Wakes the device thread. */
void simnic_kick_locked(simnic *n);
/* Station address filter on a frame's destination. */
bool simnic_filter_accepts_locked(const simnic *n, const uint8_t *frame, size_t len);

/* ---- simnic_config.c ---- */

void simnic_config_init(simnic *n);

/* ---- simnic_dma.c ---- */

/* The device thread's body. */
void simnic_device_thread(void *arg);
/* Discards every queued receive frame. */
void simnic_rxq_flush_locked(simnic *n);
/* A frame from the wire (takes the NIC's lock). */
void simnic_wire_receive(simnic *n, const uint8_t *frame, size_t len);

/* ---- wire.c ---- */

void simnic_wire_attach(simnic_wire *w, simnic *n);
void simnic_wire_detach(simnic_wire *w, simnic *n);
/* Hands a transmitted frame to every receiver of the wire. Called without any NIC lock held. */
void simnic_wire_transmit(simnic_wire *w, simnic *from, const uint8_t *frame, size_t len);

#endif
