/* The simulated NIC: life cycle, register file (BAR0 and the I/O range), interrupt line, fault
 * knobs and statistics. The DMA engine is simnic_dma.c, configuration space simnic_config.c, wires
 * wire.c; docs/simnic-datasheet.md is the driver author's view of all of it. */
#include "simnic_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- interrupt line ------------------------------------------------------------------------- */

static bool line_level_locked(const simnic *n)
{
    if (n->removed)
        return false;
    if (n->storm)
        return true;
    uint16_t command = (uint16_t)(n->config[SIMNIC_CFG_COMMAND] | n->config[SIMNIC_CFG_COMMAND + 1] << 8);
    if (command & SIMNIC_PCI_CMD_INTX_DISABLE)
        return false;
    return (n->icr & n->imr) != 0;
}

void simnic_edge_locked(simnic *n)
{
    n->stats.irq_assertions++;
    n->irq_edges++;
    simnic_kick_locked(n);
}

void simnic_line_update_locked(simnic *n)
{
    bool level = line_level_locked(n);
    bool rising = level && !n->line;
    n->line = level;
    if (rising)
        simnic_edge_locked(n);
}

void simnic_cause_locked(simnic *n, uint32_t causes)
{
    n->icr |= causes;
    simnic_line_update_locked(n);
}

void simnic_kick_locked(simnic *n)
{
    __atomic_add_fetch(&n->kick, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&n->kick, 1);
}

/* ---- station address filter ----------------------------------------------------------------- */

bool simnic_filter_accepts_locked(const simnic *n, const uint8_t *frame, size_t len)
{
    if (n->rx_filter & SIMNIC_RXF_PROMISC)
        return true;
    /* Policy: a runt without a whole destination address passes only the promiscuous filter. */
    if (len < 6)
        return false;
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    if (!memcmp(frame, bcast, 6))
        return (n->rx_filter & SIMNIC_RXF_BROADCAST) != 0;
    if (frame[0] & 1)
        return (n->rx_filter & SIMNIC_RXF_MULTICAST) != 0;
    if (!(n->rx_filter & SIMNIC_RXF_UNICAST))
        return false;
    uint8_t station[6] = {(uint8_t)n->mac_lo,         (uint8_t)(n->mac_lo >> 8), (uint8_t)(n->mac_lo >> 16),
                          (uint8_t)(n->mac_lo >> 24), (uint8_t)n->mac_hi,        (uint8_t)(n->mac_hi >> 8)};
    return !memcmp(frame, station, 6);
}

/* ---- power-on state ------------------------------------------------------------------------- */

static void eeprom_mac_locked(simnic *n)
{
    const uint8_t *m = n->cfg.mac;
    n->mac_lo = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
    n->mac_hi = (uint32_t)m[4] | (uint32_t)m[5] << 8;
}

/* CTRL_RESET and power-on: every register to its reset value, both engines stopped (their epochs
 * move so that a step in flight is discarded), the receive FIFO emptied. The link and the
 * configuration space are not the device's to reset. */
static void reset_locked(simnic *n)
{
    n->ctrl = 0;
    n->icr = n->imr = 0;
    eeprom_mac_locked(n);
    n->rx_filter = 0;
    n->itr = 0;
    n->tx_base = n->rx_base = 0;
    n->tx_len = n->tx_head = n->tx_tail = 0;
    n->rx_len = n->rx_head = n->rx_tail = 0;
    n->stat_rx = n->stat_tx = n->stat_rx_dropped = n->stat_dma_errors = 0;
    n->tx_epoch++;
    n->rx_epoch++;
    n->tx_blocked = false;
    simnic_rxq_flush_locked(n);
    simnic_line_update_locked(n);
}

/* ---- life cycle ----------------------------------------------------------------------------- */

simnic *simnic_create(const simnic_config *cfg)
{
    simnic *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->cfg = *cfg;
    n->lock = (exec_mutex)EXEC_MUTEX_INIT;
    n->res.io_base = 0xC000u + 0x100u * cfg->index;
    n->res.io_length = SIMNIC_IO_PORTS;
    n->res.mem_base = 0xF0000000ull + 0x100000ull * cfg->index;
    n->res.mem_length = SIMNIC_BAR0_LENGTH;
    n->res.irq_vector = 0x30u + cfg->index;
    n->res.irq_level = n->res.irq_vector;
    n->res.irq_affinity = 1;
    n->link_up = cfg->link_up;
    simnic_config_init(n);
    reset_locked(n);
    char name[16];
    snprintf(name, sizeof name, "simnic%u", cfg->index);
    if (exec_thread_start(&n->thread, name, simnic_device_thread, n) != 0)
    {
        free(n);
        return NULL;
    }
    if (cfg->wire)
        simnic_wire_attach(cfg->wire, n);
    return n;
}

void simnic_destroy(simnic *n)
{
    if (!n)
        return;
    /* Off the wire first: once detach returns no sender delivers here any more. */
    if (n->cfg.wire)
        simnic_wire_detach(n->cfg.wire, n);
    exec_mutex_lock(&n->lock);
    n->stopping = true;
    simnic_kick_locked(n);
    exec_mutex_unlock(&n->lock);
    exec_thread_join(n->thread);
    simnic_rxq_flush_locked(n);
    free(n);
}

void simnic_get_resources(const simnic *n, simnic_resources *out)
{
    *out = n->res;
}

unsigned simnic_index(const simnic *n)
{
    return n->cfg.index;
}

/* ---- registers ------------------------------------------------------------------------------ */

static uint32_t status_locked(const simnic *n)
{
    uint32_t s = 0;
    if (n->link_up)
        s |= SIMNIC_STATUS_LINK_UP;
    if ((n->ctrl & SIMNIC_CTRL_RX_EN) && n->rx_base && n->rx_len)
        s |= SIMNIC_STATUS_RX_ACTIVE;
    if ((n->ctrl & SIMNIC_CTRL_TX_EN) && n->tx_base && n->tx_len)
        s |= SIMNIC_STATUS_TX_ACTIVE;
    return s;
}

static uint32_t reg_read_locked(simnic *n, uint32_t reg)
{
    switch (reg)
    {
    case SIMNIC_REG_CTRL:
        return n->ctrl;
    case SIMNIC_REG_STATUS:
        return status_locked(n);
    case SIMNIC_REG_ICR:
        return n->icr;
    case SIMNIC_REG_IMR:
        return n->imr;
    case SIMNIC_REG_MAC_LO:
        return n->mac_lo;
    case SIMNIC_REG_MAC_HI:
        return n->mac_hi;
    case SIMNIC_REG_RX_FILTER:
        return n->rx_filter;
    case SIMNIC_REG_ITR:
        return n->itr;
    case SIMNIC_REG_TX_BASE_LO:
        return (uint32_t)n->tx_base;
    case SIMNIC_REG_TX_BASE_HI:
        return (uint32_t)(n->tx_base >> 32);
    case SIMNIC_REG_TX_LEN:
        return n->tx_len;
    case SIMNIC_REG_TX_HEAD:
        return n->tx_head;
    case SIMNIC_REG_TX_TAIL:
        return n->tx_tail;
    case SIMNIC_REG_RX_BASE_LO:
        return (uint32_t)n->rx_base;
    case SIMNIC_REG_RX_BASE_HI:
        return (uint32_t)(n->rx_base >> 32);
    case SIMNIC_REG_RX_LEN:
        return n->rx_len;
    case SIMNIC_REG_RX_HEAD:
        return n->rx_head;
    case SIMNIC_REG_RX_TAIL:
        return n->rx_tail;
    case SIMNIC_REG_STAT_RX_PACKETS:
        return n->stat_rx;
    case SIMNIC_REG_STAT_TX_PACKETS:
        return n->stat_tx;
    case SIMNIC_REG_STAT_RX_DROPPED:
        return n->stat_rx_dropped;
    case SIMNIC_REG_STAT_DMA_ERRORS:
        return n->stat_dma_errors;
    default:
        return 0; /* reserved: reads as zero */
    }
}

static bool ring_len_valid(uint32_t len)
{
    return len >= 2 && len <= 4096 && (len & (len - 1)) == 0;
}

/* Policy: a tail beyond the ring is taken modulo the ring size (when the size is valid). */
static uint32_t ring_index(uint32_t len, uint32_t value)
{
    return ring_len_valid(len) ? value & (len - 1) : value;
}

/* A write of the full register value `v` (sub-width writes were merged by the caller; for ICR the
 * bytes not written are zero, so they clear nothing). */
static void reg_write_locked(simnic *n, uint32_t reg, uint32_t v)
{
    switch (reg)
    {
    case SIMNIC_REG_CTRL:
        if (v & SIMNIC_CTRL_RESET)
        {
            /* Policy: RESET wins; the enable bits of the same write are ignored. */
            reset_locked(n);
            return;
        }
        v &= SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN;
        if ((n->ctrl & SIMNIC_CTRL_TX_EN) && !(v & SIMNIC_CTRL_TX_EN))
            n->tx_epoch++;
        if ((n->ctrl & SIMNIC_CTRL_RX_EN) && !(v & SIMNIC_CTRL_RX_EN))
            n->rx_epoch++;
        n->ctrl = v;
        n->tx_blocked = false;
        simnic_kick_locked(n);
        return;
    case SIMNIC_REG_ICR:
        n->icr &= ~v;
        /* The storm re-asserts as the host acknowledges. */
        if (n->storm && !n->removed)
            simnic_edge_locked(n);
        simnic_line_update_locked(n);
        return;
    case SIMNIC_REG_IMR:
        n->imr = v & (SIMNIC_INT_RX_DONE | SIMNIC_INT_TX_DONE | SIMNIC_INT_LINK | SIMNIC_INT_RX_NO_DESC |
                      SIMNIC_INT_DMA_ERROR);
        if (n->storm && !n->removed)
            simnic_edge_locked(n);
        simnic_line_update_locked(n);
        return;
    case SIMNIC_REG_MAC_LO:
        n->mac_lo = v;
        return;
    case SIMNIC_REG_MAC_HI:
        n->mac_hi = v & 0xFFFFu;
        return;
    case SIMNIC_REG_RX_FILTER:
        n->rx_filter = v & (SIMNIC_RXF_UNICAST | SIMNIC_RXF_MULTICAST | SIMNIC_RXF_BROADCAST | SIMNIC_RXF_PROMISC);
        return;
    case SIMNIC_REG_ITR:
        n->itr = v;
        return;
    case SIMNIC_REG_TX_BASE_LO:
    case SIMNIC_REG_TX_BASE_HI:
    case SIMNIC_REG_TX_LEN:
        /* Re-programming a ring restarts it at index 0. */
        if (reg == SIMNIC_REG_TX_BASE_LO)
            n->tx_base = (n->tx_base & ~0xFFFFFFFFull) | v;
        else if (reg == SIMNIC_REG_TX_BASE_HI)
            n->tx_base = (n->tx_base & 0xFFFFFFFFull) | (uint64_t)v << 32;
        else
            n->tx_len = v;
        n->tx_head = n->tx_tail = 0;
        n->tx_epoch++;
        n->tx_blocked = false;
        return;
    case SIMNIC_REG_RX_BASE_LO:
    case SIMNIC_REG_RX_BASE_HI:
    case SIMNIC_REG_RX_LEN:
        if (reg == SIMNIC_REG_RX_BASE_LO)
            n->rx_base = (n->rx_base & ~0xFFFFFFFFull) | v;
        else if (reg == SIMNIC_REG_RX_BASE_HI)
            n->rx_base = (n->rx_base & 0xFFFFFFFFull) | (uint64_t)v << 32;
        else
            n->rx_len = v;
        n->rx_head = n->rx_tail = 0;
        n->rx_epoch++;
        return;
    case SIMNIC_REG_TX_TAIL:
        n->tx_tail = ring_index(n->tx_len, v);
        n->tx_blocked = false;
        simnic_kick_locked(n);
        return;
    case SIMNIC_REG_RX_TAIL:
        n->rx_tail = ring_index(n->rx_len, v);
        simnic_kick_locked(n);
        return;
    default:
        return; /* read-only or reserved: the write is ignored */
    }
}

static bool access_ok(uint32_t offset, unsigned width, uint32_t limit)
{
    if (width != 1 && width != 2 && width != 4)
        return false;
    if (offset % width)
        return false;
    return offset < limit && width <= limit - offset;
}

static uint32_t width_ones(unsigned width)
{
    return width >= 4 ? 0xFFFFFFFFu : (1u << (8 * width)) - 1;
}

static uint16_t command_locked(const simnic *n)
{
    return (uint16_t)(n->config[SIMNIC_CFG_COMMAND] | n->config[SIMNIC_CFG_COMMAND + 1] << 8);
}

static uint32_t space_read(simnic *n, uint32_t offset, unsigned width, uint32_t limit, uint16_t decode)
{
    if (!access_ok(offset, width, limit))
    {
        __atomic_add_fetch(&n->bad_accesses, 1, __ATOMIC_RELAXED);
        return width_ones(width <= 4 ? width : 4);
    }
    exec_mutex_lock(&n->lock);
    uint32_t v;
    /* A removed device, or a decoder the command register turned off, is a master abort. */
    if (n->removed || !(command_locked(n) & decode))
        v = width_ones(width);
    else
        v = (reg_read_locked(n, offset & ~3u) >> (8 * (offset & 3))) & width_ones(width);
    exec_mutex_unlock(&n->lock);
    return v;
}

static void space_write(simnic *n, uint32_t offset, unsigned width, uint32_t value, uint32_t limit, uint16_t decode)
{
    if (!access_ok(offset, width, limit))
    {
        __atomic_add_fetch(&n->bad_accesses, 1, __ATOMIC_RELAXED);
        return;
    }
    exec_mutex_lock(&n->lock);
    if (!n->removed && (command_locked(n) & decode))
    {
        uint32_t reg = offset & ~3u, shift = 8 * (offset & 3), mask = width_ones(width) << shift;
        uint32_t v = (value << shift) & mask;
        if (reg != SIMNIC_REG_ICR && mask != 0xFFFFFFFFu)
            v |= reg_read_locked(n, reg) & ~mask & ~SIMNIC_CTRL_RESET;
        reg_write_locked(n, reg, v);
    }
    exec_mutex_unlock(&n->lock);
}

uint32_t simnic_mmio_read(simnic *n, uint32_t offset, unsigned width)
{
    return space_read(n, offset, width, SIMNIC_BAR0_LENGTH, SIMNIC_PCI_CMD_MEMORY);
}

void simnic_mmio_write(simnic *n, uint32_t offset, unsigned width, uint32_t value)
{
    space_write(n, offset, width, value, SIMNIC_BAR0_LENGTH, SIMNIC_PCI_CMD_MEMORY);
}

uint32_t simnic_io_read(simnic *n, uint32_t offset, unsigned width)
{
    return space_read(n, offset, width, SIMNIC_IO_PORTS, SIMNIC_PCI_CMD_IO);
}

void simnic_io_write(simnic *n, uint32_t offset, unsigned width, uint32_t value)
{
    space_write(n, offset, width, value, SIMNIC_IO_PORTS, SIMNIC_PCI_CMD_IO);
}

uint64_t simnic_bad_accesses(const simnic *n)
{
    return __atomic_load_n(&n->bad_accesses, __ATOMIC_RELAXED);
}

/* ---- line, quiescence ----------------------------------------------------------------------- */

bool simnic_irq_pending(simnic *n)
{
    exec_mutex_lock(&n->lock);
    bool level = line_level_locked(n);
    exec_mutex_unlock(&n->lock);
    return level;
}

bool simnic_is_quiescent(simnic *n, char *why, size_t whylen)
{
    exec_mutex_lock(&n->lock);
    bool removed = n->removed;
    uint32_t imr = n->imr, ctrl = n->ctrl;
    exec_mutex_unlock(&n->lock);
    bool quiet = removed || (imr == 0 && !(ctrl & (SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN)));
    if (!quiet && why && whylen)
        snprintf(why, whylen, "IMR=0x%08x%s%s", imr, (ctrl & SIMNIC_CTRL_RX_EN) ? ", RX_EN set" : "",
                 (ctrl & SIMNIC_CTRL_TX_EN) ? ", TX_EN set" : "");
    else if (why && whylen)
        why[0] = '\0';
    return quiet;
}

/* ---- fault knobs ---------------------------------------------------------------------------- */

void simnic_surprise_remove(simnic *n)
{
    exec_mutex_lock(&n->lock);
    __atomic_store_n(&n->removed, true, __ATOMIC_RELEASE);
    n->tx_epoch++;
    n->rx_epoch++;
    simnic_rxq_flush_locked(n);
    simnic_line_update_locked(n);
    exec_mutex_unlock(&n->lock);
}

void simnic_reinsert(simnic *n)
{
    exec_mutex_lock(&n->lock);
    if (n->removed)
    {
        __atomic_store_n(&n->removed, false, __ATOMIC_RELEASE);
        simnic_config_init(n);
        reset_locked(n);
    }
    exec_mutex_unlock(&n->lock);
}

bool simnic_is_removed(const simnic *n)
{
    return __atomic_load_n(&n->removed, __ATOMIC_ACQUIRE);
}

void simnic_set_irq_storm(simnic *n, bool on)
{
    exec_mutex_lock(&n->lock);
    n->storm = on;
    simnic_line_update_locked(n);
    exec_mutex_unlock(&n->lock);
}

void simnic_set_dma_stuck(simnic *n, bool on)
{
    exec_mutex_lock(&n->lock);
    if (on && !n->dma_stuck)
    {
        n->tx_epoch++;
        n->rx_epoch++;
    }
    n->dma_stuck = on;
    simnic_kick_locked(n);
    exec_mutex_unlock(&n->lock);
}

void simnic_set_link(simnic *n, bool up)
{
    exec_mutex_lock(&n->lock);
    if (n->link_up != up && !n->removed)
    {
        n->link_up = up;
        simnic_cause_locked(n, SIMNIC_INT_LINK);
    }
    exec_mutex_unlock(&n->lock);
}

void simnic_get_stats(simnic *n, simnic_stats *out)
{
    exec_mutex_lock(&n->lock);
    *out = n->stats;
    exec_mutex_unlock(&n->lock);
    out->bad_accesses = simnic_bad_accesses(n);
}
