/* The simulated NIC's PCI configuration space: a type 0 header with the identity, the command
 * register (I/O decode, memory decode, bus master, INTx disable), BAR0 (memory) and BAR1 (I/O) with
 * the usual sizing behaviour, and the interrupt line/pin. Everything else reads as zero. */
#include "simnic_internal.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

void simnic_config_init(simnic *n)
{
    uint8_t *c = n->config, *w = n->config_wmask;
    memset(c, 0, SIMNIC_CONFIG_SPACE_SIZE);
    memset(w, 0, SIMNIC_CONFIG_SPACE_SIZE);
    put16(c + SIMNIC_CFG_VENDOR, SIMNIC_PCI_VENDOR_ID);
    put16(c + SIMNIC_CFG_DEVICE, SIMNIC_PCI_DEVICE_ID);
    /* Policy: the bus driver has started the function before the miniport sees it, so I/O and
     * memory decode and bus mastering are on. */
    put16(c + SIMNIC_CFG_COMMAND, SIMNIC_PCI_CMD_IO | SIMNIC_PCI_CMD_MEMORY | SIMNIC_PCI_CMD_BUS_MASTER);
    put16(w + SIMNIC_CFG_COMMAND,
          SIMNIC_PCI_CMD_IO | SIMNIC_PCI_CMD_MEMORY | SIMNIC_PCI_CMD_BUS_MASTER | SIMNIC_PCI_CMD_INTX_DISABLE);
    c[0x08] = 0x01; /* revision */
    c[0x0A] = 0x00; /* subclass: Ethernet */
    c[0x0B] = 0x02; /* class: network controller */
    w[0x0C] = 0xFF; /* cache line size */
    /* BAR0: 32-bit non-prefetchable memory; the bits below its size read as zero. */
    put32(c + SIMNIC_CFG_BAR0, (uint32_t)n->res.mem_base);
    put32(w + SIMNIC_CFG_BAR0, ~(uint32_t)(n->res.mem_length - 1));
    /* BAR1: I/O space indicator in bit 0. */
    put32(c + SIMNIC_CFG_BAR1, n->res.io_base | 1u);
    put32(w + SIMNIC_CFG_BAR1, ~(uint32_t)(n->res.io_length - 1) & ~3u);
    put16(c + 0x2C, SIMNIC_PCI_VENDOR_ID); /* subsystem vendor */
    put16(c + 0x2E, SIMNIC_PCI_DEVICE_ID); /* subsystem */
    c[SIMNIC_CFG_INT_LINE] = (uint8_t)n->res.irq_vector;
    w[SIMNIC_CFG_INT_LINE] = 0xFF;
    c[SIMNIC_CFG_INT_PIN] = 0x01; /* INTA# */
}

uint32_t simnic_config_read(simnic *n, uint32_t offset, void *buf, uint32_t len)
{
    if (offset >= SIMNIC_CONFIG_SPACE_SIZE || !buf)
        return 0;
    if (len > SIMNIC_CONFIG_SPACE_SIZE - offset)
        len = SIMNIC_CONFIG_SPACE_SIZE - offset;
    exec_mutex_lock(&n->lock);
    if (n->removed)
    {
        exec_mutex_unlock(&n->lock);
        return 0;
    }
    uint8_t snapshot[SIMNIC_CONFIG_SPACE_SIZE];
    memcpy(snapshot, n->config, sizeof snapshot);
    /* Status bit 3: the function's interrupt is pending (whatever INTx disable says). */
    if ((n->icr & n->imr) || n->storm)
        snapshot[SIMNIC_CFG_STATUS] |= SIMNIC_PCI_STATUS_INTERRUPT;
    exec_mutex_unlock(&n->lock);
    memcpy(buf, snapshot + offset, len);
    return len;
}

uint32_t simnic_config_write(simnic *n, uint32_t offset, const void *buf, uint32_t len)
{
    if (offset >= SIMNIC_CONFIG_SPACE_SIZE || !buf)
        return 0;
    if (len > SIMNIC_CONFIG_SPACE_SIZE - offset)
        len = SIMNIC_CONFIG_SPACE_SIZE - offset;
    const uint8_t *src = buf;
    exec_mutex_lock(&n->lock);
    if (n->removed)
    {
        exec_mutex_unlock(&n->lock);
        return 0;
    }
    uint8_t master_before = n->config[SIMNIC_CFG_COMMAND] & SIMNIC_PCI_CMD_BUS_MASTER;
    for (uint32_t i = 0; i < len; i++)
    {
        uint32_t o = offset + i;
        n->config[o] = (uint8_t)((n->config[o] & ~n->config_wmask[o]) | (src[i] & n->config_wmask[o]));
    }
    /* A step in flight when bus mastering goes off is abandoned, as for a disabled engine. */
    if (master_before && !(n->config[SIMNIC_CFG_COMMAND] & SIMNIC_PCI_CMD_BUS_MASTER))
    {
        n->tx_epoch++;
        n->rx_epoch++;
    }
    /* INTx disable or bus mastering may have changed: the line and the engines follow. */
    simnic_line_update_locked(n);
    simnic_kick_locked(n);
    exec_mutex_unlock(&n->lock);
    return len;
}
