/* The simulated NIC's DMA engine, on the NIC's own device thread: transmit descriptors from TX_HEAD
 * to TX_TAIL go to the wire, frames from the wire's receive FIFO go into receive descriptors.
 *
 * Host memory is reached only through the host's dma_map, called without the NIC's lock. A step
 * maps, then takes the lock and touches the mapped memory only if the engine's epoch has not moved
 * meanwhile (see simnic_internal.h), so a driver that stops the engine (CTRL, CTRL_RESET) may free
 * its rings as soon as that register write returns. */
#include "simnic_internal.h"

#include <stdlib.h>
#include <string.h>

#define DESC_SIZE 16u

typedef enum
{
    ENGINE_TX,
    ENGINE_RX
} engine;

/* ---- descriptors (little-endian in shared memory, whatever the host's byte order) ----------- */

static uint64_t get_le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void desc_read(const uint8_t *p, simnic_desc *d)
{
    d->addr = get_le(p, 8);
    d->len = (uint16_t)get_le(p + 8, 2);
    d->flags = (uint16_t)get_le(p + 10, 2);
    d->status = (uint32_t)get_le(p + 12, 4);
}

/* The device's write-back: length, flags and status (never the address). */
static void desc_complete(uint8_t *p, const simnic_desc *d, uint16_t len, bool err, uint32_t status)
{
    uint16_t flags = (uint16_t)((d->flags & ~SIMNIC_DESC_OWN) | SIMNIC_DESC_DONE | (err ? SIMNIC_DESC_ERR : 0));
    put_le(p + 8, len, 2);
    put_le(p + 10, flags, 2);
    put_le(p + 12, status, 4);
}

/* ---- helpers -------------------------------------------------------------------------------- */

static bool ring_configured(uint64_t base, uint32_t len)
{
    return base != 0 && len >= 2 && len <= 4096 && (len & (len - 1)) == 0;
}

static bool bus_master_locked(const simnic *n)
{
    return (n->config[SIMNIC_CFG_COMMAND] & SIMNIC_PCI_CMD_BUS_MASTER) != 0;
}

static bool dma_allowed_locked(const simnic *n)
{
    return !n->removed && !n->dma_stuck && !n->stopping && bus_master_locked(n);
}

static void *dma_map(simnic *n, uint64_t addr, size_t len, bool writing)
{
    if (!n->cfg.ops.dma_map)
        return NULL;
    return n->cfg.ops.dma_map(n->cfg.ops.ctx, addr, len, writing);
}

/* A descriptor or buffer address did not resolve: the engine stops as on a bus error. */
static void dma_error_locked(simnic *n, engine e)
{
    n->stat_dma_errors++;
    n->stats.dma_errors++;
    if (e == ENGINE_TX)
    {
        n->ctrl &= ~SIMNIC_CTRL_TX_EN;
        n->tx_epoch++;
    }
    else
    {
        n->ctrl &= ~SIMNIC_CTRL_RX_EN;
        n->rx_epoch++;
    }
    simnic_cause_locked(n, SIMNIC_INT_DMA_ERROR);
}

static void rx_drop_locked(simnic *n)
{
    n->stat_rx_dropped++;
    n->stats.rx_dropped++;
    simnic_cause_locked(n, SIMNIC_INT_RX_NO_DESC);
}

/* ---- receive FIFO --------------------------------------------------------------------------- */

static void rxq_pop_locked(simnic *n)
{
    free(n->rxq[n->rxq_head].data);
    n->rxq[n->rxq_head].data = NULL;
    n->rxq_head = (n->rxq_head + 1) % SIMNIC_RXQ_DEPTH;
    n->rxq_count--;
}

void simnic_rxq_flush_locked(simnic *n)
{
    while (n->rxq_count)
        rxq_pop_locked(n);
}

void simnic_wire_receive(simnic *n, const uint8_t *frame, size_t len)
{
    exec_mutex_lock(&n->lock);
    /* Policy: a NIC without link hears nothing, and frames its filter rejects are not counted. */
    if (n->removed || n->stopping || !n->link_up || !simnic_filter_accepts_locked(n, frame, len))
    {
    }
    else if (!(n->ctrl & SIMNIC_CTRL_RX_EN) || n->rxq_count == SIMNIC_RXQ_DEPTH)
        rx_drop_locked(n);
    else
    {
        uint8_t *copy = malloc(len ? len : 1);
        if (copy)
        {
            memcpy(copy, frame, len);
            unsigned slot = (n->rxq_head + n->rxq_count) % SIMNIC_RXQ_DEPTH;
            n->rxq[slot].data = copy;
            n->rxq[slot].len = (uint16_t)len;
            n->rxq_count++;
            simnic_kick_locked(n);
        }
        else
            rx_drop_locked(n);
    }
    exec_mutex_unlock(&n->lock);
}

/* ---- transmit ------------------------------------------------------------------------------- */

static bool tx_ready_locked(const simnic *n)
{
    return dma_allowed_locked(n) && (n->ctrl & SIMNIC_CTRL_TX_EN) && ring_configured(n->tx_base, n->tx_len) &&
           !n->tx_blocked && n->tx_head != n->tx_tail;
}

/* One descriptor. Called and returns with the lock held; drops it around host calls. */
static void tx_step_locked(simnic *n)
{
    uint32_t epoch = n->tx_epoch, idx = n->tx_head, ring_len = n->tx_len;
    uint64_t daddr = n->tx_base + (uint64_t)idx * DESC_SIZE;
    exec_mutex_unlock(&n->lock);
    uint8_t *dp = dma_map(n, daddr, DESC_SIZE, true);
    exec_mutex_lock(&n->lock);
    if (epoch != n->tx_epoch)
        return;
    if (!dp)
    {
        dma_error_locked(n, ENGINE_TX);
        return;
    }
    simnic_desc d;
    desc_read(dp, &d);
    if (!(d.flags & SIMNIC_DESC_OWN))
    {
        /* Policy: the driver rang the doorbell past a descriptor it still owns; the engine waits for
         * the next doorbell (or CTRL write) instead of spinning on it. */
        n->tx_blocked = true;
        return;
    }
    exec_mutex_unlock(&n->lock);
    uint8_t *buf = d.len ? dma_map(n, d.addr, d.len, false) : NULL;
    exec_mutex_lock(&n->lock);
    if (epoch != n->tx_epoch)
        return;
    if (d.len && !buf)
    {
        desc_complete(dp, &d, d.len, true, SIMNIC_INT_DMA_ERROR);
        n->tx_head = (idx + 1) & (ring_len - 1);
        dma_error_locked(n, ENGINE_TX);
        return;
    }
    /* Policy: a zero-length descriptor completes without putting anything on the wire. */
    uint8_t *frame = NULL;
    if (d.len)
    {
        frame = malloc(d.len);
        if (frame)
            memcpy(frame, buf, d.len);
    }
    desc_complete(dp, &d, d.len, false, 0);
    n->tx_head = (idx + 1) & (ring_len - 1);
    if (frame)
    {
        n->stat_tx++;
        n->stats.tx_frames++;
    }
    simnic_cause_locked(n, SIMNIC_INT_TX_DONE);
    if (frame && n->link_up && n->cfg.wire)
    {
        exec_mutex_unlock(&n->lock);
        simnic_wire_transmit(n->cfg.wire, n, frame, d.len);
        exec_mutex_lock(&n->lock);
    }
    free(frame);
}

/* ---- receive -------------------------------------------------------------------------------- */

static bool rx_ready_locked(const simnic *n)
{
    return dma_allowed_locked(n) && n->rxq_count;
}

/* The frame at the head of the FIFO. Called and returns with the lock held. */
static void rx_step_locked(simnic *n)
{
    if (!(n->ctrl & SIMNIC_CTRL_RX_EN) || !ring_configured(n->rx_base, n->rx_len) || n->rx_head == n->rx_tail)
    {
        rxq_pop_locked(n);
        rx_drop_locked(n);
        return;
    }
    uint32_t epoch = n->rx_epoch, idx = n->rx_head, ring_len = n->rx_len;
    uint64_t daddr = n->rx_base + (uint64_t)idx * DESC_SIZE;
    exec_mutex_unlock(&n->lock);
    uint8_t *dp = dma_map(n, daddr, DESC_SIZE, true);
    exec_mutex_lock(&n->lock);
    /* A reset or removal meanwhile may also have emptied the FIFO: look again from the top. */
    if (epoch != n->rx_epoch)
        return;
    if (!dp)
    {
        rxq_pop_locked(n);
        dma_error_locked(n, ENGINE_RX);
        return;
    }
    simnic_desc d;
    desc_read(dp, &d);
    uint16_t flen = n->rxq[n->rxq_head].len;
    if (!(d.flags & SIMNIC_DESC_OWN) || flen > d.len)
    {
        /* Policy: a descriptor the driver still owns, or a buffer too small for the frame, drops
         * the frame (counted, RX_NO_DESC) and leaves the descriptor as it is. */
        rxq_pop_locked(n);
        rx_drop_locked(n);
        return;
    }
    exec_mutex_unlock(&n->lock);
    uint8_t *buf = flen ? dma_map(n, d.addr, flen, true) : NULL;
    exec_mutex_lock(&n->lock);
    if (epoch != n->rx_epoch)
        return;
    if (flen && !buf)
    {
        desc_complete(dp, &d, 0, true, SIMNIC_INT_DMA_ERROR);
        n->rx_head = (idx + 1) & (ring_len - 1);
        rxq_pop_locked(n);
        dma_error_locked(n, ENGINE_RX);
        return;
    }
    if (flen)
        memcpy(buf, n->rxq[n->rxq_head].data, flen);
    desc_complete(dp, &d, flen, false, 0);
    n->rx_head = (idx + 1) & (ring_len - 1);
    rxq_pop_locked(n);
    n->stat_rx++;
    n->stats.rx_frames++;
    simnic_cause_locked(n, SIMNIC_INT_RX_DONE);
}

/* ---- the device thread ---------------------------------------------------------------------- */

/* Reports queued assertions while the line is still up (an edge the driver already acknowledged
 * before the host heard of it is not a spurious interrupt to deliver). */
static bool irq_step_locked(simnic *n)
{
    if (!n->irq_edges)
        return false;
    uint32_t edges = n->irq_edges;
    n->irq_edges = 0;
    if (!n->line || !n->cfg.ops.irq_raised)
        return true;
    exec_mutex_unlock(&n->lock);
    for (uint32_t i = 0; i < edges; i++)
        n->cfg.ops.irq_raised(n->cfg.ops.ctx);
    exec_mutex_lock(&n->lock);
    return true;
}

void simnic_device_thread(void *arg)
{
    simnic *n = arg;
    exec_mutex_lock(&n->lock);
    while (!n->stopping)
    {
        /* One step of each engine per turn, so that a busy one cannot starve the other. */
        bool worked = irq_step_locked(n);
        if (tx_ready_locked(n))
        {
            tx_step_locked(n);
            worked = true;
        }
        if (rx_ready_locked(n))
        {
            rx_step_locked(n);
            worked = true;
        }
        if (worked)
            continue;
        uint32_t seen = __atomic_load_n(&n->kick, __ATOMIC_ACQUIRE);
        exec_mutex_unlock(&n->lock);
        exec_wait_u32(&n->kick, seen, -1);
        exec_mutex_lock(&n->lock);
    }
    exec_mutex_unlock(&n->lock);
}
