/* Helpers the unit and contract tests share: finding queries by rule id and the fixtures most
 * unit tests build by hand (a clean verifier context, a fake registered driver, a driver owner
 * with an open callback frame, a running adapter with a data path). Static inline so that each
 * test stays one translation unit and takes only what it calls. */
#ifndef NDISHOST_TESTS_TEST_SUPPORT_H
#define NDISHOST_TESTS_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/datapath.h"
#include "ndis/handles.h"
#include "ndis/ndis_internal.h"
#include "verifier/verifier.h"

/* Tests assert how many distinct findings a rule produced, not only whether it fired: a second
 * report where one is expected is a bug too. */
static inline size_t count_rule(const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < vf_findings_count(); i++)
        if (!strcmp(vf_findings_get(i)->rule, rule))
            n++;
    return n;
}

/* The earliest finding with this rule id (NULL when none), for tests that check its severity,
 * site or message rather than its count. */
static inline const vf_finding *first_rule(const char *rule)
{
    for (size_t i = 0; i < vf_findings_count(); i++)
        if (!strcmp(vf_findings_get(i)->rule, rule))
            return vf_findings_get(i);
    return NULL;
}

/* cmocka runs every test on one thread, so a test that fails while at DISPATCH_LEVEL or after a
 * finding would otherwise leak its IRQL and findings into the next one. */
static inline void ts_reset_context(void)
{
    vf_findings_clear();
    vf_set_irql(PASSIVE_LEVEL);
}

/* The per-test setup of tests that need nothing but a clean context. */
static inline int ts_setup_passive(void **state)
{
    (void)state;
    ts_reset_context();
    return 0;
}

/* A driver block that the NDIS entry points accept as an NdisHandle without loading a .so: the
 * handle checks want the magic and a registered handle, the ledger wants an owner to charge. */
static inline void ts_driver_open(ndis_driver *d, const char *owner_name)
{
    memset(d, 0, sizeof *d);
    d->magic = NDIS_DRIVER_MAGIC;
    d->owner = vf_owner_create(VF_OWNER_DRIVER, NULL, owner_name);
    ndis_handle_register(d);
}

/* Undoes ts_driver_open; whatever is still charged to the owner is orphaned, not reported. */
static inline void ts_driver_close(ndis_driver *d)
{
    ndis_handle_unregister(d);
    vf_owner_destroy(d->owner);
}

/* The per-test fixture around ts_driver_open: each test starts without findings at PASSIVE_LEVEL. */
static inline void ts_driver_setup(ndis_driver *d, const char *owner_name)
{
    ts_driver_open(d, owner_name);
    ts_reset_context();
}

/* Reporting the leftovers also reclaims them, so what one test leaves charged to the driver
 * neither leaks (ASan) nor shows up in the next test; their findings are dropped with the rest. */
static inline void ts_driver_teardown(ndis_driver *d)
{
    vf_ledger_report_leftovers(d->owner, NULL, "test end");
    ts_driver_close(d);
    vf_findings_clear();
}

/* Kernel-level tests call the Ex and Rtl APIs as a driver would from DriverEntry: what they
 * allocate is charged to a driver owner through the innermost callback frame. `f` must stay
 * valid until ts_frame_teardown. */
static inline vf_owner *ts_frame_setup(vf_frame *f, const char *owner_name)
{
    ts_reset_context();
    vf_owner *o = vf_owner_create(VF_OWNER_DRIVER, NULL, owner_name);
    vf_enter(f, VF_CB_DRIVER_ENTRY, o);
    return o;
}

/* Leaves the frame, then reclaims as ts_driver_teardown does. */
static inline void ts_frame_teardown(vf_frame *f, vf_owner *o)
{
    vf_leave(f);
    vf_ledger_report_leftovers(o, NULL, "test end");
    vf_owner_destroy(o);
    vf_findings_clear();
}

/* A Running "adapter 0" of driver `d` with data-path state, registered as a handle, without a
 * miniport behind it: the data-path tests play the miniport through d->chars themselves. */
static inline ndis_adapter *ts_dp_adapter_open(ndis_driver *d)
{
    ndis_adapter *a = calloc(1, sizeof *a);
    assert_non_null(a);
    a->magic = NDIS_ADAPTER_MAGIC;
    a->driver = d;
    a->owner = vf_owner_create(VF_OWNER_ADAPTER, d->owner, "adapter 0");
    a->state = NDIS_ADAPTER_RUNNING;
    assert_int_equal(ndis_dp_adapter_init(a), 0);
    ndis_handle_register(a);
    return a;
}

static inline void ts_dp_adapter_close(ndis_adapter *a)
{
    ndis_handle_unregister(a);
    ndis_dp_adapter_fini(a);
    vf_owner_destroy(a->owner);
    free(a);
}

/* The NBL pool the data-path tests allocate from: one NET_BUFFER per NBL and, when data_size is
 * not 0, a data buffer of that size behind it. */
static inline NDIS_HANDLE ts_nbl_pool(NDIS_HANDLE handle, ULONG data_size)
{
    NET_BUFFER_LIST_POOL_PARAMETERS p = {
        .Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                   NDIS_SIZEOF_NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1},
        .fAllocateNetBuffer = TRUE,
        .DataSize = data_size,
    };
    NDIS_HANDLE pool = NdisAllocateNetBufferListPool(handle, &p);
    assert_non_null(pool);
    return pool;
}

/* A chain of n receive NBLs from `pool`, as a miniport builds it for `adapter` (SourceHandle set);
 * v[0..n) receives the NBLs in chain order. */
static inline PNET_BUFFER_LIST ts_rx_chain(NDIS_HANDLE pool, NDIS_HANDLE adapter, unsigned n, PNET_BUFFER_LIST *v)
{
    PNET_BUFFER_LIST head = NULL;
    for (unsigned i = n; i-- > 0;)
    {
        v[i] = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, NULL, 0, 0);
        assert_non_null(v[i]);
        v[i]->SourceHandle = adapter;
        v[i]->Next = head;
        head = v[i];
    }
    return head;
}

#endif
