/* The fixture the DMA, shared-memory and port tests share: an adapter of a hand-made driver
 * (test_support.h) as MiniportInitializeEx leaves it once the miniport set its registration and
 * general attributes, optionally still inside that callback, and its teardown. Static inline so
 * that each test stays one translation unit. */
#ifndef NDISHOST_TESTS_UNIT_TEST_NDIS_HW_ADAPTER_H
#define NDISHOST_TESTS_UNIT_TEST_NDIS_HW_ADAPTER_H

#include "ndis/dma_internal.h"
#include "ndis/hardware.h"
#include "test_support.h"

/* A Running adapter of an NDIS 6.30 driver `d` (opened here as `owner_name`) whose registration
 * attributes carry `attribute_flags`, in a clean verifier context. */
static inline ndis_adapter *ts_hw_adapter_open(ndis_driver *d, const char *owner_name, ULONG attribute_flags)
{
    ts_driver_open(d, owner_name);
    d->chars.MajorNdisVersion = 6;
    d->chars.MinorNdisVersion = 30;
    ndis_adapter *a = ts_dp_adapter_open(d);
    a->reg_attrs_set = true;
    a->gen_attrs_set = true;
    a->reg_attrs.AttributeFlags = attribute_flags;
    ts_reset_context();
    return a;
}

/* The MiniportInitializeEx frame a test runs in (the claim APIs check it), left at most once. */
typedef struct ts_init_frame
{
    vf_frame frame;
    bool open;
} ts_init_frame;

static inline void ts_initialize_enter(ts_init_frame *f, ndis_adapter *a)
{
    a->in_initialize = true;
    vf_enter(&f->frame, VF_CB_INITIALIZE, a->owner);
    f->open = true;
}

static inline void ts_initialize_leave(ts_init_frame *f, ndis_adapter *a)
{
    if (f->open)
        vf_leave(&f->frame);
    f->open = false;
    a->in_initialize = false;
}

/* What a teardown does first, whatever the test left: out of the initialize frame, fault injection
 * off, back at PASSIVE_LEVEL, and the adapter's halt begun. */
static inline void ts_hw_halt_begin(ts_init_frame *f, ndis_adapter *a)
{
    ts_initialize_leave(f, a);
    vf_fault_disarm();
    vf_set_irql(PASSIVE_LEVEL);
    a->halt_started = true;
}

/* Undoes ts_hw_adapter_open once the instance has ended: what is still charged to the adapter or
 * the driver is reported and reclaimed (no leak, nothing carried into the next test), the port and
 * DMA state goes with the adapter, no bus mapping is left, and the findings are dropped. */
static inline void ts_hw_adapter_close(ndis_driver *d, ndis_adapter *a)
{
    vf_ledger_report_leftovers(a->owner, NULL, "test end");
    ndis_ports_adapter_destroy(a);
    ndis_dma_adapter_destroy(a);
    assert_int_equal(ndis_bus_live_count(a), 0);
    ts_dp_adapter_close(a);
    ts_driver_teardown(d);
}

#endif
