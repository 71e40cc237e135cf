/* The simulated NIC against a fake host: a byte arena with fake bus addresses as the DMA window and
 * a counter as the interrupt line's listener. Covers identity and configuration space, register
 * access rules, the interrupt line (W1C, one host call per rising edge), the transmit and receive
 * rings (loopback and hub, filter, wrap, drops), DMA errors, reset, and the fault knobs. Nothing
 * here measures time: waits are bounded polls of device state, and "nothing happened" is proved
 * with device_barrier(), which lets the device thread finish a full turn first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "device/simnic.h"
#include "kernel/exec/exec.h"

#define ARENA_SIZE (2u << 20)
#define ARENA_BUS 0x10000000ull
#define TXR_OFF 0x0000u
#define RXR_OFF 0x1000u
#define TXB_OFF 0x10000u
#define RXB_OFF 0x90000u
#define BUF_SIZE 2048u
#define WAIT_POLLS 20000 /* x 0.5 ms: a generous bound, not a timing assertion */

typedef struct fake_host
{
    uint8_t *arena;
    uint64_t hole_lo, hole_hi; /* bus addresses in [lo, hi) do not resolve (freed shared memory) */
    uint32_t irqs;             /* irq_raised calls, atomic */
} fake_host;

static void *fake_dma_map(void *ctx, uint64_t addr, size_t len, bool writing)
{
    (void)writing;
    fake_host *h = ctx;
    if (addr < ARENA_BUS || addr - ARENA_BUS > ARENA_SIZE || len > ARENA_SIZE - (addr - ARENA_BUS))
        return NULL;
    if (addr < h->hole_hi && addr + len > h->hole_lo)
        return NULL;
    return h->arena + (addr - ARENA_BUS);
}

static void fake_irq_raised(void *ctx)
{
    fake_host *h = ctx;
    __atomic_add_fetch(&h->irqs, 1, __ATOMIC_ACQ_REL);
    exec_wake_u32(&h->irqs, INT32_MAX);
}

typedef struct nic
{
    simnic *n;
    fake_host h;
    uint8_t mac[6];
    uint32_t txn, rxn, tx_tail, rx_tail;
} nic;

static void nic_create(nic *t, unsigned index, simnic_wire *wire)
{
    memset(t, 0, sizeof *t);
    t->h.arena = calloc(1, ARENA_SIZE);
    assert_non_null(t->h.arena);
    uint8_t mac[6] = {0x02, 0x4E, 0x48, 0x00, 0x00, (uint8_t)index};
    memcpy(t->mac, mac, 6);
    simnic_config cfg = {.index = index, .link_up = true, .wire = wire};
    memcpy(cfg.mac, mac, 6);
    cfg.ops.dma_map = fake_dma_map;
    cfg.ops.irq_raised = fake_irq_raised;
    cfg.ops.ctx = &t->h;
    t->n = simnic_create(&cfg);
    assert_non_null(t->n);
}

static void nic_destroy(nic *t)
{
    simnic_destroy(t->n);
    free(t->h.arena);
}

static uint32_t rd(nic *t, uint32_t reg)
{
    return simnic_mmio_read(t->n, reg, 4);
}

static void wr(nic *t, uint32_t reg, uint32_t v)
{
    simnic_mmio_write(t->n, reg, 4, v);
}

static simnic_desc *txd(nic *t, uint32_t i)
{
    return (simnic_desc *)(t->h.arena + TXR_OFF + 16 * i);
}

static simnic_desc *rxd(nic *t, uint32_t i)
{
    return (simnic_desc *)(t->h.arena + RXR_OFF + 16 * i);
}

static uint32_t irq_count(nic *t)
{
    return __atomic_load_n(&t->h.irqs, __ATOMIC_ACQUIRE);
}

static void wait_irqs(nic *t, uint32_t at_least)
{
    for (int i = 0; i < WAIT_POLLS; i++)
    {
        uint32_t seen = irq_count(t);
        if (seen >= at_least)
            return;
        exec_wait_u32(&t->h.irqs, seen, 500 * 1000);
    }
    fail_msg("irq_raised was called %u times, expected at least %u", irq_count(t), at_least);
}

static void wait_reg(nic *t, uint32_t reg, uint32_t mask, uint32_t value)
{
    for (int i = 0; i < WAIT_POLLS; i++)
    {
        if ((rd(t, reg) & mask) == value)
            return;
        exec_sleep_ns(500 * 1000);
    }
    fail_msg("register 0x%02x is 0x%08x, waited for (& 0x%08x) == 0x%08x", reg, rd(t, reg), mask, value);
}

/* Lets the device thread finish a full turn of its loop (one step of each engine) after everything
 * done so far: two storm pulses, each delivered by the thread at the start of a turn; the second
 * can only be delivered after the turn that delivered the first has looked at both engines. The
 * mask is restored at the end (which raises the line if a masked cause is pending). */
static void device_barrier(nic *t)
{
    uint32_t imr = rd(t, SIMNIC_REG_IMR);
    wr(t, SIMNIC_REG_IMR, 0);
    for (int k = 0; k < 2; k++)
    {
        uint32_t before = irq_count(t);
        simnic_set_irq_storm(t->n, true);
        wait_irqs(t, before + 1);
        simnic_set_irq_storm(t->n, false);
    }
    wr(t, SIMNIC_REG_IMR, imr);
}

/* Rings of txn/rxn descriptors; every receive descriptor handed to the device (the ring holds at
 * most rxn - 1). */
static void nic_rings(nic *t, uint32_t txn, uint32_t rxn, uint32_t filter)
{
    t->txn = txn;
    t->rxn = rxn;
    t->tx_tail = 0;
    wr(t, SIMNIC_REG_TX_BASE_LO, (uint32_t)(ARENA_BUS + TXR_OFF));
    wr(t, SIMNIC_REG_TX_BASE_HI, (uint32_t)((ARENA_BUS + TXR_OFF) >> 32));
    wr(t, SIMNIC_REG_TX_LEN, txn);
    wr(t, SIMNIC_REG_RX_BASE_LO, (uint32_t)(ARENA_BUS + RXR_OFF));
    wr(t, SIMNIC_REG_RX_BASE_HI, 0);
    wr(t, SIMNIC_REG_RX_LEN, rxn);
    for (uint32_t i = 0; i < rxn; i++)
        *rxd(t, i) =
            (simnic_desc){.addr = ARENA_BUS + RXB_OFF + BUF_SIZE * i, .len = BUF_SIZE, .flags = SIMNIC_DESC_OWN};
    t->rx_tail = rxn - 1;
    wr(t, SIMNIC_REG_RX_FILTER, filter);
    wr(t, SIMNIC_REG_CTRL, SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN);
    wr(t, SIMNIC_REG_RX_TAIL, t->rx_tail);
}

static size_t make_frame(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint8_t tag)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x88;
    f[13] = 0xB5;
    for (int i = 14; i < 60; i++)
        f[i] = (uint8_t)(tag + i);
    return 60;
}

/* Queues one frame on the next transmit descriptor and rings the doorbell. */
static uint32_t nic_send(nic *t, const uint8_t *frame, size_t len)
{
    uint32_t i = t->tx_tail;
    memcpy(t->h.arena + TXB_OFF + BUF_SIZE * i, frame, len);
    *txd(t, i) =
        (simnic_desc){.addr = ARENA_BUS + TXB_OFF + BUF_SIZE * i, .len = (uint16_t)len, .flags = SIMNIC_DESC_OWN};
    t->tx_tail = (i + 1) & (t->txn - 1);
    wr(t, SIMNIC_REG_TX_TAIL, t->tx_tail);
    return i;
}

static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* ---- identity, configuration space ---------------------------------------------------------- */

static void test_resources_and_identity(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 2, NULL);
    simnic_resources r;
    simnic_get_resources(t.n, &r);
    assert_int_equal(simnic_index(t.n), 2);
    assert_int_equal(r.io_base, 0xC200);
    assert_int_equal(r.io_length, SIMNIC_IO_PORTS);
    assert_true(r.mem_base == 0xF0200000ull);
    assert_int_equal(r.mem_length, SIMNIC_BAR0_LENGTH);
    assert_int_equal(r.irq_vector, 0x32);
    assert_int_equal(r.irq_level, 0x32);

    uint8_t cs[SIMNIC_CONFIG_SPACE_SIZE];
    assert_int_equal(simnic_config_read(t.n, 0, cs, sizeof cs), SIMNIC_CONFIG_SPACE_SIZE);
    assert_int_equal(cs[0] | cs[1] << 8, SIMNIC_PCI_VENDOR_ID);
    assert_int_equal(cs[2] | cs[3] << 8, SIMNIC_PCI_DEVICE_ID);
    assert_int_equal((cs[4] | cs[5] << 8) & 0x7, 0x7); /* io, memory, bus master */
    assert_int_equal(cs[0x0B], 0x02);                  /* network controller */
    uint32_t bar0, bar1;
    memcpy(&bar0, cs + 0x10, 4);
    memcpy(&bar1, cs + 0x14, 4);
    assert_int_equal(bar0, 0xF0200000u);
    assert_int_equal(bar1, 0xC200u | 1u);
    assert_int_equal(cs[0x3C], 0x32);
    assert_int_equal(cs[0x3D], 1);

    /* Read-only fields ignore writes; the byte count is still the bytes transferred. */
    uint16_t junk = 0x1234;
    assert_int_equal(simnic_config_write(t.n, 0, &junk, 2), 2);
    uint16_t vid = 0;
    assert_int_equal(simnic_config_read(t.n, 0, &vid, 2), 2);
    assert_int_equal(vid, SIMNIC_PCI_VENDOR_ID);

    /* BAR sizing: all ones back as the size mask, type bits kept. */
    uint32_t ones = 0xFFFFFFFFu, v = 0;
    simnic_config_write(t.n, 0x10, &ones, 4);
    simnic_config_read(t.n, 0x10, &v, 4);
    assert_int_equal(v, ~(SIMNIC_BAR0_LENGTH - 1u));
    simnic_config_write(t.n, 0x14, &ones, 4);
    simnic_config_read(t.n, 0x14, &v, 4);
    assert_int_equal(v, ~(SIMNIC_IO_PORTS - 1u) | 1u);
    simnic_config_write(t.n, 0x10, &bar0, 4);
    simnic_config_write(t.n, 0x14, &bar1, 4);

    /* Interrupt line register is writable; clipping at the end of the space. */
    uint8_t line = 0x55;
    simnic_config_write(t.n, 0x3C, &line, 1);
    uint8_t tail[8];
    assert_int_equal(simnic_config_read(t.n, 0x3C, tail, sizeof tail), sizeof tail);
    assert_int_equal(tail[0], 0x55);
    assert_int_equal(simnic_config_read(t.n, SIMNIC_CONFIG_SPACE_SIZE, tail, 4), 0);
    assert_int_equal(simnic_config_read(t.n, SIMNIC_CONFIG_SPACE_SIZE - 2, tail, 8), 2);
    nic_destroy(&t);
}

static void test_command_register_gates_decode(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    uint16_t cmd = 0x0005; /* memory decode off */
    simnic_config_write(t.n, 4, &cmd, 2);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0xFFFFFFFFu);
    assert_int_equal(simnic_io_read(t.n, SIMNIC_REG_IMR, 4), SIMNIC_INT_LINK); /* I/O still decodes */
    cmd = 0x0007;
    simnic_config_write(t.n, 4, &cmd, 2);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), SIMNIC_INT_LINK);

    /* INTx disable keeps the line down while the cause stays pending. */
    cmd = 0x0407;
    simnic_config_write(t.n, 4, &cmd, 2);
    simnic_set_link(t.n, false);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR) & SIMNIC_INT_LINK, SIMNIC_INT_LINK);
    assert_false(simnic_irq_pending(t.n));
    cmd = 0x0007;
    simnic_config_write(t.n, 4, &cmd, 2);
    assert_true(simnic_irq_pending(t.n));
    wait_irqs(&t, 1);
    nic_destroy(&t);
}

/* ---- registers ------------------------------------------------------------------------------ */

static void test_power_on_values(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 3, NULL);
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_STATUS), SIMNIC_STATUS_LINK_UP);
    assert_int_equal(rd(&t, SIMNIC_REG_MAC_LO), 0x00484E02u);
    assert_int_equal(rd(&t, SIMNIC_REG_MAC_HI), 0x0300u);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_FILTER), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_LEN), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_HEAD), 0);
    assert_true(simnic_is_quiescent(t.n, NULL, 0));
    /* Byte and word reads of one register. */
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_REG_MAC_LO, 1), 0x02);
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_REG_MAC_LO + 1, 1), 0x4E);
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_REG_MAC_LO + 2, 2), 0x0048);
    /* Reserved space reads zero, the I/O range mirrors the registers. */
    assert_int_equal(rd(&t, 0x800), 0);
    simnic_io_write(t.n, SIMNIC_REG_IMR, 4, SIMNIC_INT_RX_DONE);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), SIMNIC_INT_RX_DONE);
    /* A byte write merges with the rest of the register. */
    simnic_mmio_write(t.n, SIMNIC_REG_MAC_LO + 3, 1, 0xAB);
    assert_int_equal(rd(&t, SIMNIC_REG_MAC_LO), 0xAB484E02u);
    /* Read-only registers ignore writes. */
    wr(&t, SIMNIC_REG_STATUS, 0);
    wr(&t, SIMNIC_REG_TX_HEAD, 3);
    assert_int_equal(rd(&t, SIMNIC_REG_STATUS), SIMNIC_STATUS_LINK_UP);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_HEAD), 0);
    assert_int_equal(simnic_bad_accesses(t.n), 0);
    nic_destroy(&t);
}

static void test_bad_accesses(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_TX_DONE);
    assert_int_equal(simnic_mmio_read(t.n, 2, 4), 0xFFFFFFFFu); /* unaligned */
    assert_int_equal(simnic_mmio_read(t.n, 1, 2), 0xFFFFu);     /* unaligned */
    assert_int_equal(simnic_mmio_read(t.n, 0, 3), 0xFFFFFFu);   /* bad width */
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_BAR0_LENGTH, 4), 0xFFFFFFFFu);
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_BAR0_LENGTH - 1, 1), 0); /* last byte is fine */
    assert_int_equal(simnic_io_read(t.n, SIMNIC_IO_PORTS, 1), 0xFFu);      /* beyond the I/O range */
    assert_int_equal(simnic_io_read(t.n, SIMNIC_REG_STAT_RX_PACKETS, 4), 0xFFFFFFFFu);
    simnic_mmio_write(t.n, SIMNIC_REG_IMR + 1, 4, 0); /* unaligned write dropped */
    simnic_io_write(t.n, 0x100, 4, 0);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), SIMNIC_INT_TX_DONE);
    assert_int_equal(simnic_bad_accesses(t.n), 8);
    simnic_stats s;
    simnic_get_stats(t.n, &s);
    assert_true(s.bad_accesses == 8);
    nic_destroy(&t);
}

/* ---- interrupt line ------------------------------------------------------------------------- */

static void test_icr_w1c_and_line_edges(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    simnic_set_link(t.n, false); /* cause with IMR = 0: no line */
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_LINK);
    assert_int_equal(rd(&t, SIMNIC_REG_STATUS) & SIMNIC_STATUS_LINK_UP, 0);
    assert_false(simnic_irq_pending(t.n));

    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK); /* unmasking a pending cause raises the line */
    assert_true(simnic_irq_pending(t.n));
    wait_irqs(&t, 1);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK | SIMNIC_INT_RX_DONE); /* still asserted: no new edge */
    simnic_set_link(t.n, true);                                   /* same cause again: no new edge */

    wr(&t, SIMNIC_REG_ICR, SIMNIC_INT_RX_DONE | SIMNIC_INT_TX_DONE); /* 1s on clear bits change nothing */
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_LINK);
    wr(&t, SIMNIC_REG_ICR, 0); /* 0s clear nothing */
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_LINK);
    simnic_mmio_write(t.n, SIMNIC_REG_ICR + 1, 1, 0xFF); /* a byte write only clears its byte */
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_LINK);
    wr(&t, SIMNIC_REG_ICR, SIMNIC_INT_LINK);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), 0);
    assert_false(simnic_irq_pending(t.n));

    simnic_set_link(t.n, false); /* second rising edge */
    wait_irqs(&t, 2);
    /* Masking drops the line without touching ICR. */
    wr(&t, SIMNIC_REG_IMR, 0);
    assert_false(simnic_irq_pending(t.n));
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_LINK);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK); /* third edge */
    wait_irqs(&t, 3);

    simnic_stats s;
    simnic_get_stats(t.n, &s);
    assert_true(s.irq_assertions == 3);
    wr(&t, SIMNIC_REG_ICR, SIMNIC_INT_LINK);
    device_barrier(&t); /* two more, from the barrier itself */
    nic_destroy(&t);
    assert_int_equal(t.h.irqs, 5); /* no call beyond one per rising edge, even after the thread is gone */
}

static void test_irq_storm(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    simnic_set_irq_storm(t.n, true);
    assert_true(simnic_irq_pending(t.n)); /* whatever ICR and IMR say */
    wait_irqs(&t, 1);
    wr(&t, SIMNIC_REG_ICR, 0xFFFFFFFFu); /* the host acknowledges: the storm asserts again */
    wait_irqs(&t, 2);
    wr(&t, SIMNIC_REG_IMR, 0);
    wait_irqs(&t, 3);
    assert_true(simnic_irq_pending(t.n));
    uint8_t st = 0;
    simnic_config_read(t.n, 6, &st, 1);
    assert_int_equal(st & 0x08, 0x08); /* PCI status: interrupt pending */
    simnic_set_irq_storm(t.n, false);
    assert_false(simnic_irq_pending(t.n));
    nic_destroy(&t);
}

/* ---- data path ------------------------------------------------------------------------------ */

static void test_loopback_transmit_receive(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic a, b;
    nic_create(&a, 0, w);
    nic_create(&b, 1, w);
    nic_rings(&a, 8, 8, SIMNIC_RXF_UNICAST);
    wr(&b, SIMNIC_REG_RX_FILTER, SIMNIC_RXF_PROMISC); /* b hears everything but keeps RX off */
    wr(&a, SIMNIC_REG_IMR, SIMNIC_INT_RX_DONE | SIMNIC_INT_TX_DONE);
    assert_int_equal(rd(&a, SIMNIC_REG_STATUS),
                     SIMNIC_STATUS_LINK_UP | SIMNIC_STATUS_RX_ACTIVE | SIMNIC_STATUS_TX_ACTIVE);

    uint8_t f[64];
    size_t len = make_frame(f, a.mac, a.mac, 7);
    nic_send(&a, f, len);
    wait_reg(&a, SIMNIC_REG_RX_HEAD, 0xFFFFFFFFu, 1);
    wait_irqs(&a, 1);
    assert_int_equal(rd(&a, SIMNIC_REG_TX_HEAD), 1);
    assert_int_equal(rd(&a, SIMNIC_REG_ICR) & (SIMNIC_INT_RX_DONE | SIMNIC_INT_TX_DONE),
                     SIMNIC_INT_RX_DONE | SIMNIC_INT_TX_DONE);
    assert_int_equal(txd(&a, 0)->flags, SIMNIC_DESC_DONE);
    assert_int_equal(txd(&a, 0)->status, 0);
    assert_int_equal(rxd(&a, 0)->flags, SIMNIC_DESC_DONE);
    assert_int_equal(rxd(&a, 0)->len, len);
    assert_memory_equal(a.h.arena + RXB_OFF, f, len);
    assert_int_equal(rxd(&a, 1)->flags, SIMNIC_DESC_OWN); /* untouched */
    assert_int_equal(rd(&a, SIMNIC_REG_STAT_TX_PACKETS), 1);
    assert_int_equal(rd(&a, SIMNIC_REG_STAT_RX_PACKETS), 1);
    device_barrier(&b);
    assert_int_equal(rd(&b, SIMNIC_REG_STAT_RX_DROPPED), 0); /* a loopback frame reaches only its sender */
    simnic_stats s;
    simnic_get_stats(a.n, &s);
    assert_true(s.tx_frames == 1 && s.rx_frames == 1 && s.rx_dropped == 0 && s.dma_errors == 0);
    nic_destroy(&a);
    nic_destroy(&b);
    simnic_wire_destroy(w);
}

static void test_hub_delivers_to_every_other_nic(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_HUB);
    nic t[3];
    for (unsigned i = 0; i < 3; i++)
    {
        nic_create(&t[i], i, w);
        nic_rings(&t[i], 4, 4, SIMNIC_RXF_UNICAST | SIMNIC_RXF_BROADCAST);
    }
    uint8_t f[64];
    size_t len = make_frame(f, bcast, t[1].mac, 1);
    nic_send(&t[1], f, len);
    wait_reg(&t[0], SIMNIC_REG_STAT_RX_PACKETS, 0xFFFFFFFFu, 1);
    wait_reg(&t[2], SIMNIC_REG_STAT_RX_PACKETS, 0xFFFFFFFFu, 1);
    assert_memory_equal(t[0].h.arena + RXB_OFF, f, len);
    assert_memory_equal(t[2].h.arena + RXB_OFF, f, len);
    device_barrier(&t[1]);
    assert_int_equal(rd(&t[1], SIMNIC_REG_STAT_RX_PACKETS), 0);
    assert_int_equal(rxd(&t[1], 0)->flags, SIMNIC_DESC_OWN);

    /* Unicast to t[2]: t[0] filters it out, not counted as a drop. */
    len = make_frame(f, t[2].mac, t[0].mac, 2);
    nic_send(&t[0], f, len);
    wait_reg(&t[2], SIMNIC_REG_STAT_RX_PACKETS, 0xFFFFFFFFu, 2);
    device_barrier(&t[1]);
    assert_int_equal(rd(&t[1], SIMNIC_REG_STAT_RX_PACKETS), 0);
    assert_int_equal(rd(&t[1], SIMNIC_REG_STAT_RX_DROPPED), 0);
    for (unsigned i = 0; i < 3; i++)
        nic_destroy(&t[i]);
    simnic_wire_destroy(w);
}

static unsigned filter_round(nic *t, uint32_t filter)
{
    static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 0x99}, mcast[6] = {0x01, 0x00, 0x5E, 0, 0, 1};
    wr(t, SIMNIC_REG_RX_FILTER, filter);
    uint32_t before = rd(t, SIMNIC_REG_STAT_RX_PACKETS);
    const uint8_t *dst[3] = {other, mcast, bcast};
    for (int k = 0; k < 3; k++)
    {
        /* One at a time: the barrier covers one receive step. */
        uint8_t f[64];
        nic_send(t, f, make_frame(f, dst[k], t->mac, (uint8_t)k));
        wait_reg(t, SIMNIC_REG_TX_HEAD, 0xFFFFFFFFu, t->tx_tail);
        device_barrier(t);
    }
    assert_int_equal(rd(t, SIMNIC_REG_STAT_RX_DROPPED), 0);
    return rd(t, SIMNIC_REG_STAT_RX_PACKETS) - before;
}

static void test_rx_filter(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 16, 64, 0);
    assert_int_equal(filter_round(&t, 0), 0);
    assert_int_equal(filter_round(&t, SIMNIC_RXF_UNICAST), 0);
    assert_int_equal(filter_round(&t, SIMNIC_RXF_MULTICAST), 1);
    assert_int_equal(filter_round(&t, SIMNIC_RXF_BROADCAST), 1);
    assert_int_equal(filter_round(&t, SIMNIC_RXF_PROMISC), 3);
    /* Unicast follows the programmed station address, not the EEPROM's. */
    wr(&t, SIMNIC_REG_MAC_HI, 0x9900);
    wr(&t, SIMNIC_REG_MAC_LO, 0x00000002);
    assert_int_equal(filter_round(&t, SIMNIC_RXF_UNICAST), 1);
    uint32_t rx = rd(&t, SIMNIC_REG_RX_HEAD);
    assert_int_equal(rxd(&t, rx - 1)->len, 60);
    assert_int_equal(t.h.arena[RXB_OFF + BUF_SIZE * (rx - 1) + 5], 0x99);
    nic_destroy(&t);
    simnic_wire_destroy(w);
}

static void test_descriptor_wrap(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 4, 4, SIMNIC_RXF_UNICAST);
    uint8_t f[64];
    for (unsigned k = 0; k < 11; k++)
    {
        make_frame(f, t.mac, t.mac, (uint8_t)k);
        uint32_t slot = nic_send(&t, f, 60);
        assert_int_equal(slot, k % 4);
        wait_reg(&t, SIMNIC_REG_TX_HEAD, 0xFFFFFFFFu, (k + 1) % 4);
        wait_reg(&t, SIMNIC_REG_RX_HEAD, 0xFFFFFFFFu, (k + 1) % 4);
        uint32_t r = k % 4;
        assert_int_equal(rxd(&t, r)->flags, SIMNIC_DESC_DONE);
        assert_memory_equal(t.h.arena + RXB_OFF + BUF_SIZE * r, f, 60);
        /* Give the descriptor back, as a driver's DPC would. */
        *rxd(&t, r) =
            (simnic_desc){.addr = ARENA_BUS + RXB_OFF + BUF_SIZE * r, .len = BUF_SIZE, .flags = SIMNIC_DESC_OWN};
        t.rx_tail = (t.rx_tail + 1) % 4;
        wr(&t, SIMNIC_REG_RX_TAIL, t.rx_tail);
    }
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_RX_PACKETS), 11);
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_RX_DROPPED), 0);
    /* Doorbells are taken modulo the ring size. */
    wr(&t, SIMNIC_REG_RX_TAIL, 4 + 1);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_TAIL), 1);
    nic_destroy(&t);
    simnic_wire_destroy(w);
}

static void test_ring_full_and_rx_disabled_drop(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 8, 8, SIMNIC_RXF_BROADCAST);
    wr(&t, SIMNIC_REG_RX_TAIL, 1); /* only one receive descriptor handed over */
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_RX_NO_DESC);
    uint8_t f[64];
    size_t len = make_frame(f, bcast, t.mac, 0);
    for (int k = 0; k < 3; k++)
        nic_send(&t, f, len);
    wait_reg(&t, SIMNIC_REG_STAT_RX_DROPPED, 0xFFFFFFFFu, 2);
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_RX_PACKETS), 1);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_HEAD), 1);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR) & SIMNIC_INT_RX_NO_DESC, SIMNIC_INT_RX_NO_DESC);
    wait_irqs(&t, 1);
    assert_int_equal(rxd(&t, 1)->flags, SIMNIC_DESC_OWN);

    /* Receive disabled: dropped and counted as well, transmit still works. */
    wr(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_TX_EN);
    wr(&t, SIMNIC_REG_RX_TAIL, 7);
    nic_send(&t, f, len);
    wait_reg(&t, SIMNIC_REG_STAT_RX_DROPPED, 0xFFFFFFFFu, 3);
    simnic_stats s;
    simnic_get_stats(t.n, &s);
    assert_true(s.rx_dropped == 3 && s.rx_frames == 1 && s.tx_frames == 4);
    nic_destroy(&t);
    simnic_wire_destroy(w);
}

static void test_dma_error_on_buffer(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 4, 4, SIMNIC_RXF_BROADCAST);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_DMA_ERROR);
    /* A transmit buffer in a freed block. */
    t.h.hole_lo = ARENA_BUS + TXB_OFF;
    t.h.hole_hi = ARENA_BUS + TXB_OFF + BUF_SIZE;
    uint8_t f[64];
    nic_send(&t, f, make_frame(f, bcast, t.mac, 0));
    wait_reg(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_TX_EN, 0); /* the engine stopped itself */
    wait_irqs(&t, 1);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR) & SIMNIC_INT_DMA_ERROR, SIMNIC_INT_DMA_ERROR);
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_DMA_ERRORS), 1);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_HEAD), 1);
    assert_int_equal(txd(&t, 0)->flags, SIMNIC_DESC_DONE | SIMNIC_DESC_ERR);
    assert_int_equal(txd(&t, 0)->status, SIMNIC_INT_DMA_ERROR);
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), SIMNIC_CTRL_RX_EN);
    assert_int_equal(rd(&t, SIMNIC_REG_STATUS) & SIMNIC_STATUS_TX_ACTIVE, 0);
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_TX_PACKETS), 0);

    /* A receive buffer that does not resolve: RX stops the same way. */
    t.h.hole_lo = ARENA_BUS + RXB_OFF;
    t.h.hole_hi = ARENA_BUS + RXB_OFF + BUF_SIZE;
    wr(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN);
    nic_send(&t, f, 60);
    wait_reg(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_RX_EN, 0);
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_DMA_ERRORS), 2);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_HEAD), 1);
    assert_int_equal(rxd(&t, 0)->flags, SIMNIC_DESC_DONE | SIMNIC_DESC_ERR);
    assert_int_equal(rxd(&t, 0)->status, SIMNIC_INT_DMA_ERROR);
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), SIMNIC_CTRL_TX_EN);
    nic_destroy(&t);
    simnic_wire_destroy(w);
}

static void test_dma_error_on_ring(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    nic_rings(&t, 4, 4, 0);
    wr(&t, SIMNIC_REG_TX_BASE_LO, 0x1000); /* outside every shared-memory block */
    wr(&t, SIMNIC_REG_TX_LEN, 4);
    wr(&t, SIMNIC_REG_TX_TAIL, 1);
    wait_reg(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_TX_EN, 0);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_HEAD), 0); /* nothing to complete: the descriptor never resolved */
    assert_int_equal(rd(&t, SIMNIC_REG_STAT_DMA_ERRORS), 1);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), SIMNIC_INT_DMA_ERROR);
    nic_destroy(&t);
}

static void test_doorbell_past_driver_owned_descriptor(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    nic_rings(&t, 4, 4, 0);
    *txd(&t, 0) = (simnic_desc){.addr = ARENA_BUS + TXB_OFF, .len = 60}; /* OWN not set */
    wr(&t, SIMNIC_REG_TX_TAIL, 1);
    device_barrier(&t);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_HEAD), 0);
    txd(&t, 0)->flags = SIMNIC_DESC_OWN;
    wr(&t, SIMNIC_REG_TX_TAIL, 1); /* the next doorbell retries */
    wait_reg(&t, SIMNIC_REG_TX_HEAD, 0xFFFFFFFFu, 1);
    nic_destroy(&t);
}

/* ---- reset, knobs --------------------------------------------------------------------------- */

static void test_reset_returns_to_power_on(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 4, NULL);
    nic_rings(&t, 8, 8, SIMNIC_RXF_PROMISC);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK);
    wr(&t, SIMNIC_REG_MAC_LO, 0x11223344);
    wr(&t, SIMNIC_REG_ITR, 100);
    simnic_set_link(t.n, false);
    assert_true(simnic_irq_pending(t.n));
    char why[128];
    assert_false(simnic_is_quiescent(t.n, why, sizeof why));
    assert_non_null(strstr(why, "IMR"));

    wr(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_RESET | SIMNIC_CTRL_TX_EN);
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), 0); /* self-cleared, enables of the same write ignored */
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0);
    assert_false(simnic_irq_pending(t.n));
    assert_int_equal(rd(&t, SIMNIC_REG_MAC_LO), 0x00484E02u);
    assert_int_equal(rd(&t, SIMNIC_REG_MAC_HI), 0x0400u);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_FILTER), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_ITR), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_BASE_LO), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_LEN), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_RX_TAIL), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_STATUS), 0); /* link is physical: still down */
    assert_true(simnic_is_quiescent(t.n, why, sizeof why));
    /* The I/O range resets as well. */
    wr(&t, SIMNIC_REG_IMR, 1);
    simnic_io_write(t.n, SIMNIC_REG_CTRL, 4, SIMNIC_CTRL_RESET);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0);
    nic_destroy(&t);
}

static void test_quiescent(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    char why[128];
    assert_true(simnic_is_quiescent(t.n, why, sizeof why));
    wr(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_RX_EN);
    assert_false(simnic_is_quiescent(t.n, why, sizeof why));
    assert_non_null(strstr(why, "RX_EN"));
    wr(&t, SIMNIC_REG_CTRL, SIMNIC_CTRL_TX_EN);
    assert_false(simnic_is_quiescent(t.n, NULL, 0));
    wr(&t, SIMNIC_REG_CTRL, 0);
    assert_true(simnic_is_quiescent(t.n, NULL, 0));
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_RX_DONE);
    assert_false(simnic_is_quiescent(t.n, NULL, 0));
    simnic_surprise_remove(t.n);
    assert_true(simnic_is_quiescent(t.n, NULL, 0)); /* a removed device counts as stopped */
    nic_destroy(&t);
}

static void test_surprise_removal(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 4, 4, SIMNIC_RXF_BROADCAST);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_LINK | SIMNIC_INT_TX_DONE);
    simnic_set_link(t.n, false);
    wait_irqs(&t, 1);
    assert_false(simnic_is_removed(t.n));
    simnic_surprise_remove(t.n);
    assert_true(simnic_is_removed(t.n));
    assert_false(simnic_irq_pending(t.n));
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), 0xFFFFFFFFu);
    assert_int_equal(rd(&t, SIMNIC_REG_ICR), 0xFFFFFFFFu);
    assert_int_equal(simnic_mmio_read(t.n, SIMNIC_REG_STATUS, 2), 0xFFFFu);
    assert_int_equal(simnic_io_read(t.n, SIMNIC_REG_IMR, 1), 0xFFu);
    assert_int_equal(simnic_bad_accesses(t.n), 0); /* absent, not misused */
    uint8_t cs[4];
    assert_int_equal(simnic_config_read(t.n, 0, cs, 4), 0);
    assert_int_equal(simnic_config_write(t.n, 0x3C, cs, 1), 0);

    /* Writes are dropped and DMA is gone: a doorbell does nothing, frames arriving vanish. */
    uint8_t f[64];
    nic_send(&t, f, make_frame(f, bcast, t.mac, 0));
    simnic_set_link(t.n, true);
    simnic_set_irq_storm(t.n, true);
    assert_false(simnic_irq_pending(t.n));
    simnic_stats s;
    simnic_get_stats(t.n, &s);
    assert_true(s.tx_frames == 0 && s.rx_frames == 0);
    assert_true(s.irq_assertions == 1);
    simnic_destroy(t.n);
    assert_int_equal(txd(&t, 0)->flags, SIMNIC_DESC_OWN); /* the thread is gone: nothing touched it */
    assert_int_equal(t.h.irqs, 1);
    free(t.h.arena);
    simnic_wire_destroy(w);
}

/* A removed NIC plugged in again is a new device: power-on registers, identity readable again. */
static void test_reinsert_after_removal(void **state)
{
    (void)state;
    nic t;
    nic_create(&t, 0, NULL);
    wr(&t, SIMNIC_REG_IMR, SIMNIC_INT_RX_DONE);
    simnic_surprise_remove(t.n);
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0xFFFFFFFFu);
    simnic_reinsert(t.n);
    assert_false(simnic_is_removed(t.n));
    assert_int_equal(rd(&t, SIMNIC_REG_IMR), 0);
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), 0);
    uint8_t id[2];
    assert_int_equal(simnic_config_read(t.n, 0, id, 2), 2);
    assert_int_equal(id[0] | (id[1] << 8), SIMNIC_PCI_VENDOR_ID);
    simnic_destroy(t.n);
    free(t.h.arena);
}

static void test_stuck_dma(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_LOOPBACK);
    nic t;
    nic_create(&t, 0, w);
    nic_rings(&t, 4, 4, SIMNIC_RXF_BROADCAST);
    simnic_set_dma_stuck(t.n, true);
    uint8_t f[64];
    nic_send(&t, f, make_frame(f, bcast, t.mac, 0));
    device_barrier(&t);
    assert_int_equal(rd(&t, SIMNIC_REG_TX_HEAD), 0);
    assert_int_equal(txd(&t, 0)->flags, SIMNIC_DESC_OWN); /* still the device's */
    assert_int_equal(rd(&t, SIMNIC_REG_CTRL), SIMNIC_CTRL_RX_EN | SIMNIC_CTRL_TX_EN);
    /* Registers still work; un-sticking lets the engine go on where it was. */
    simnic_set_dma_stuck(t.n, false);
    wait_reg(&t, SIMNIC_REG_RX_HEAD, 0xFFFFFFFFu, 1);
    assert_int_equal(txd(&t, 0)->flags, SIMNIC_DESC_DONE);
    nic_destroy(&t);
    simnic_wire_destroy(w);
}

/* ---- wires under load ----------------------------------------------------------------------- */

static void test_destroy_while_peers_send(void **state)
{
    (void)state;
    simnic_wire *w = simnic_wire_create(SIMNIC_WIRE_HUB);
    nic t[3];
    for (unsigned i = 0; i < 3; i++)
    {
        nic_create(&t[i], i, w);
        nic_rings(&t[i], 256, 64, SIMNIC_RXF_BROADCAST);
    }
    uint8_t f[64];
    size_t len = make_frame(f, bcast, t[0].mac, 0);
    for (unsigned k = 0; k < 255; k++)
    {
        nic_send(&t[0], f, len);
        nic_send(&t[1], f, len);
    }
    nic_destroy(&t[2]); /* detaches while both peers deliver into it */
    wait_reg(&t[0], SIMNIC_REG_TX_HEAD, 0xFFFFFFFFu, 255);
    wait_reg(&t[1], SIMNIC_REG_TX_HEAD, 0xFFFFFFFFu, 255);
    /* Every frame from the other sender was received or counted as dropped. */
    for (unsigned i = 0; i < 2; i++)
    {
        for (int p = 0; p < WAIT_POLLS; p++)
        {
            if (rd(&t[i], SIMNIC_REG_STAT_RX_PACKETS) + rd(&t[i], SIMNIC_REG_STAT_RX_DROPPED) == 255)
                break;
            exec_sleep_ns(500 * 1000);
        }
        assert_int_equal(rd(&t[i], SIMNIC_REG_STAT_RX_PACKETS) + rd(&t[i], SIMNIC_REG_STAT_RX_DROPPED), 255);
        assert_int_equal(rd(&t[i], SIMNIC_REG_STAT_RX_PACKETS), 63);
    }
    nic_destroy(&t[0]);
    nic_destroy(&t[1]);
    simnic_wire_destroy(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resources_and_identity),
        cmocka_unit_test(test_command_register_gates_decode),
        cmocka_unit_test(test_power_on_values),
        cmocka_unit_test(test_bad_accesses),
        cmocka_unit_test(test_icr_w1c_and_line_edges),
        cmocka_unit_test(test_irq_storm),
        cmocka_unit_test(test_loopback_transmit_receive),
        cmocka_unit_test(test_hub_delivers_to_every_other_nic),
        cmocka_unit_test(test_rx_filter),
        cmocka_unit_test(test_descriptor_wrap),
        cmocka_unit_test(test_ring_full_and_rx_disabled_drop),
        cmocka_unit_test(test_dma_error_on_buffer),
        cmocka_unit_test(test_dma_error_on_ring),
        cmocka_unit_test(test_doorbell_past_driver_owned_descriptor),
        cmocka_unit_test(test_reset_returns_to_power_on),
        cmocka_unit_test(test_quiescent),
        cmocka_unit_test(test_surprise_removal),
        cmocka_unit_test(test_reinsert_after_removal),
        cmocka_unit_test(test_stuck_dma),
        cmocka_unit_test(test_destroy_while_peers_send),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
