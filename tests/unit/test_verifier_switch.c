/* The verifier's global switch (vf_set_enabled): off, the data path skips its verification-only
 * checks (RX-03, RX-01, TX-01 status, IQ-01) while the counts that pause and halt wait on, and the
 * NBL ownership states, stay exact; switching it on again with NBLs outstanding loses nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/datapath.h"
#include "ndis/handles.h"
#include "ndis/nbl_pool.h"
#include "test_support.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;
static NDIS_HANDLE g_pool;
static PNET_BUFFER_LIST g_held[16];
static unsigned g_n_held, g_returned, g_completed;

static void mp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_returned++;
}

static void mp_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    (void)ctx;
    (void)nbls;
    (void)port;
    (void)flags;
}

static void proto_receive(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count,
                          ULONG flags)
{
    (void)ctx;
    (void)a;
    (void)port;
    (void)count;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_held[g_n_held++] = n;
}

static void proto_send_complete(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)a;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_completed++;
}

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver switch");
    g_drv.chars.ReturnNetBufferListsHandler = mp_return;
    g_drv.chars.SendNetBufferListsHandler = mp_send;
    g_a = ts_dp_adapter_open(&g_drv);
    g_a->proto.receive = proto_receive;
    g_a->proto.send_complete = proto_send_complete;
    g_pool = ts_nbl_pool(g_a, 0);
    g_n_held = g_returned = g_completed = 0;
    ts_reset_context();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vf_set_enabled(true);
    vf_set_irql(PASSIVE_LEVEL);
    NdisFreeNetBufferListPool(g_pool);
    ts_dp_adapter_close(g_a);
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

static PNET_BUFFER_LIST rx_chain(unsigned n, PNET_BUFFER_LIST *v)
{
    return ts_rx_chain(g_pool, g_a, n, v);
}

static void relink_held(void)
{
    for (unsigned i = 0; i < g_n_held; i++)
        g_held[i]->Next = i + 1 < g_n_held ? g_held[i + 1] : NULL;
}

static void test_default_is_on(void **state)
{
    (void)state;
    assert_true(vf_enabled());
    vf_set_enabled(false);
    assert_false(vf_enabled());
    vf_set_enabled(true);
    assert_true(vf_enabled());
}

static void test_off_skips_receive_checks_but_counts(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[3];
    PNET_BUFFER_LIST chain = rx_chain(3, v);
    v[1]->SourceHandle = NULL; /* RX-01 when on */
    vf_set_enabled(false);
    /* At PASSIVE with the DISPATCH flag (RX-03 when on) and a wrong count (RX-01 when on). */
    NdisMIndicateReceiveNetBufferLists(g_a, chain, 0, 2, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(count_rule("RX-03"), 0);
    assert_int_equal(count_rule("RX-01"), 0);
    assert_int_equal(vf_findings_count(), 0);
    /* Delivered and counted as ever: pause and halt wait on this. */
    assert_int_equal(g_n_held, 3);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 3);
    /* The ownership state is kept: a second indication of a held NBL is still refused. */
    v[0]->Next = NULL;
    NdisMIndicateReceiveNetBufferLists(g_a, v[0], 0, 1, 0);
    assert_int_equal(g_n_held, 3);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 3);
    relink_held();
    ndis_return_nbls(g_a, g_held[0], 0);
    assert_int_equal(g_returned, 3);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    vf_set_enabled(true);
    vf_findings_clear();
    for (unsigned i = 0; i < 3; i++)
        NdisFreeNetBufferList(v[i]);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_same_calls_on_report(void **state)
{
    (void)state;
    /* The control: the very calls of the test above do report with the verifier on. */
    PNET_BUFFER_LIST v[3];
    PNET_BUFFER_LIST chain = rx_chain(3, v);
    v[1]->SourceHandle = NULL;
    NdisMIndicateReceiveNetBufferLists(g_a, chain, 0, 2, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(count_rule("RX-03"), 1);
    assert_int_equal(count_rule("RX-01"), 2);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 3);
    relink_held();
    ndis_return_nbls(g_a, g_held[0], 0);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    vf_findings_clear();
    for (unsigned i = 0; i < 3; i++)
        NdisFreeNetBufferList(v[i]);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_switching_with_nbls_outstanding(void **state)
{
    (void)state;
    PNET_BUFFER_LIST a[2], b[2];
    /* Indicated with the verifier on, returned with it off, and the other way round. */
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, a), 0, 2, 0);
    vf_set_enabled(false);
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, b), 0, 2, 0);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 4);
    g_held[0]->Next = NULL;
    ndis_return_nbls(g_a, g_held[0], 0); /* a[0], indicated while on */
    vf_set_enabled(true);
    g_held[3]->Next = NULL;
    ndis_return_nbls(g_a, g_held[3], 0); /* b[1], indicated while off */
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 2);
    assert_int_equal(g_returned, 2);
    g_held[1]->Next = g_held[2];
    g_held[2]->Next = NULL;
    ndis_return_nbls(g_a, g_held[1], 0);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    assert_int_equal(g_returned, 4);
    NdisFreeNetBufferList(a[0]);
    NdisFreeNetBufferList(a[1]);
    NdisFreeNetBufferList(b[0]);
    NdisFreeNetBufferList(b[1]);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_off_skips_send_complete_checks_but_counts(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[2];
    PNET_BUFFER_LIST chain = rx_chain(2, v);
    vf_set_enabled(false);
    ndis_send_nbls(g_a, chain, 0, 0);
    assert_int_equal(ndis_dp_tx_pending(g_a), 2);
    v[0]->Status = (NDIS_STATUS)0x12345678; /* TX-01 (undocumented status) when on */
    v[1]->Status = NDIS_STATUS_SUCCESS;
    /* The DISPATCH flag at PASSIVE: RX-03 when on. */
    NdisMSendNetBufferListsComplete(g_a, v[0], NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(vf_findings_count(), 0);
    assert_int_equal(g_completed, 2);
    assert_int_equal(ndis_dp_tx_pending(g_a), 0);
    /* Ownership is still tracked: a second completion is still TX-01. */
    v[0]->Next = NULL;
    NdisMSendNetBufferListsComplete(g_a, v[0], 0);
    assert_int_equal(count_rule("TX-01"), 1);
    assert_int_equal(g_completed, 2);
    vf_set_enabled(true);
    vf_findings_clear();
    NdisFreeNetBufferList(v[0]);
    NdisFreeNetBufferList(v[1]);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_on),
        cmocka_unit_test_setup_teardown(test_off_skips_receive_checks_but_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_calls_on_report, setup, teardown),
        cmocka_unit_test_setup_teardown(test_switching_with_nbls_outstanding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_off_skips_send_complete_checks_but_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
