/* The data path with a fake miniport: receive ownership and outstanding counts, returns that mix
 * indications (RX-04), RESOURCES semantics (no return call), RX-01 / RX-02 / RX-03 / LC-09 / HA-11
 * findings, and send completion (TX-01 for a second completion). */
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

/* What the fake miniport saw. */
static PNET_BUFFER_LIST g_returned[64];
static unsigned g_n_returned, g_return_calls;
static ULONG g_return_flags;
static PNET_BUFFER_LIST g_sent[64];
static unsigned g_n_sent;

/* What the fake protocol saw. */
static PNET_BUFFER_LIST g_held[64];
static unsigned g_n_held;
static unsigned g_completed;

static void mp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    assert_ptr_equal(ctx, &g_drv);
    assert_int_equal(vf_current_callback(), VF_CB_RETURN);
    g_return_calls++;
    g_return_flags = flags;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_returned[g_n_returned++] = n;
}

static void mp_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    (void)ctx;
    (void)port;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_sent[g_n_sent++] = n;
}

static void proto_receive(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count,
                          ULONG flags)
{
    (void)ctx;
    (void)a;
    (void)port;
    (void)count;
    for (PNET_BUFFER_LIST n = nbls, next; n; n = next)
    {
        next = n->Next;
        if (!(flags & NDIS_RECEIVE_FLAGS_RESOURCES))
            g_held[g_n_held++] = n;
    }
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
    ts_driver_open(&g_drv, "driver dp");
    g_drv.chars.ReturnNetBufferListsHandler = mp_return;
    g_drv.chars.SendNetBufferListsHandler = mp_send;
    g_a = ts_dp_adapter_open(&g_drv);
    g_a->context = &g_drv;
    g_a->proto.receive = proto_receive;
    g_a->proto.send_complete = proto_send_complete;
    g_pool = ts_nbl_pool(g_a, 0);
    g_n_returned = g_return_calls = g_return_flags = g_n_sent = g_n_held = g_completed = 0;
    vf_set_irql(PASSIVE_LEVEL);
    vf_findings_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vf_set_irql(PASSIVE_LEVEL);
    NdisFreeNetBufferListPool(g_pool);
    ts_dp_adapter_close(g_a);
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

/* A chain of n receive NBLs as a miniport builds it. */
static PNET_BUFFER_LIST rx_chain(unsigned n, PNET_BUFFER_LIST *v)
{
    return ts_rx_chain(g_pool, g_a, n, v);
}

static void free_all(PNET_BUFFER_LIST *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        NdisFreeNetBufferList(v[i]);
}

static void test_receive_counts_outstanding_until_returned(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[3];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(3, v), 0, 3, 0);
    assert_int_equal(g_n_held, 3);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 3);
    assert_int_equal(ndis_dp_indications_in_progress(g_a), 0);
    /* The driver may not free what NDIS owns. */
    NdisFreeNetBufferList(v[0]);
    assert_int_equal(count_rule("RX-02"), 1);
    g_held[0]->Next = g_held[1];
    g_held[1]->Next = NULL;
    ndis_return_nbls(g_a, g_held[0], 0);
    assert_int_equal(g_return_calls, 1);
    assert_int_equal(g_n_returned, 2);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 1);
    g_held[2]->Next = NULL;
    ndis_return_nbls(g_a, g_held[2], 0);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    assert_true(ndis_dp_wait_rx_returned(g_a, 0));
    free_all(v, 3);
    assert_int_equal(vf_findings_count(), 1);
}

static void test_return_chain_mixes_indications(void **state)
{
    (void)state;
    PNET_BUFFER_LIST a[2], b[2];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, a), 0, 2, 0);
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, b), 0, 2, 0);
    a[0]->Next = b[1];
    b[1]->Next = a[1];
    a[1]->Next = b[0];
    b[0]->Next = NULL;
    ndis_return_nbls(g_a, a[0], 0);
    assert_int_equal(g_return_calls, 1);
    assert_int_equal(g_n_returned, 4);
    assert_ptr_equal(g_returned[0], a[0]);
    assert_ptr_equal(g_returned[1], b[1]);
    assert_ptr_equal(g_returned[2], a[1]);
    assert_ptr_equal(g_returned[3], b[0]);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    free_all(a, 2);
    free_all(b, 2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_resources_flag_means_no_return_call(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[2];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, v), 0, 2, NDIS_RECEIVE_FLAGS_RESOURCES);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    assert_int_equal(g_return_calls, 0);
    /* Back in the driver's hands: reusing and freeing them is fine. */
    v[0]->Next = v[1];
    v[1]->Next = NULL;
    NdisMIndicateReceiveNetBufferLists(g_a, v[0], 0, 2, NDIS_RECEIVE_FLAGS_RESOURCES);
    assert_int_equal(g_return_calls, 0);
    free_all(v, 2);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_dispatch_flag_at_passive_is_rx03(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[1];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(1, v), 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(count_rule("RX-03"), 1);
    vf_findings_clear();
    /* At DISPATCH the flag is right; the edge-less return raises nothing. */
    ndis_return_nbls(g_a, g_held[0], NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(g_return_flags, NDIS_RETURN_FLAGS_DISPATCH_LEVEL);
    vf_set_irql(DISPATCH_LEVEL);
    NdisMIndicateReceiveNetBufferLists(g_a, v[0], 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("RX-03"), 0);
    g_held[1]->Next = NULL;
    ndis_return_nbls(g_a, g_held[1], 0);
    free_all(v, 1);
}

static void test_count_mismatch_and_source_handle_are_rx01(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[3];
    PNET_BUFFER_LIST chain = rx_chain(3, v);
    v[2]->SourceHandle = NULL;
    NdisMIndicateReceiveNetBufferLists(g_a, chain, 0, 2, 0);
    assert_int_equal(count_rule("RX-01"), 2);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 3);
    for (unsigned i = 0; i < g_n_held; i++)
        g_held[i]->Next = i + 1 < g_n_held ? g_held[i + 1] : NULL;
    ndis_return_nbls(g_a, g_held[0], 0);
    free_all(v, 3);
}

static void test_double_indication_is_rx02(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[1];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(1, v), 0, 1, 0);
    v[0]->Next = NULL;
    NdisMIndicateReceiveNetBufferLists(g_a, v[0], 0, 1, 0);
    assert_int_equal(count_rule("RX-02"), 1);
    assert_int_equal(g_n_held, 1); /* not delivered twice */
    ndis_return_nbls(g_a, g_held[0], 0);
    free_all(v, 1);
}

static void test_indicate_while_paused_is_lc09(void **state)
{
    (void)state;
    g_a->state = NDIS_ADAPTER_PAUSED;
    PNET_BUFFER_LIST v[1];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(1, v), 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES);
    assert_int_equal(count_rule("LC-09"), 1);
    g_a->state = NDIS_ADAPTER_RESTARTING; /* LC-11: allowed */
    NdisMIndicateReceiveNetBufferLists(g_a, v[0], 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES);
    assert_int_equal(count_rule("LC-09"), 1);
    g_a->state = NDIS_ADAPTER_RUNNING;
    free_all(v, 1);
}

static void test_pause_check_and_halt_return(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[2];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(2, v), 0, 2, 0);
    ndis_dp_check_pause_complete(g_a, NULL);
    assert_int_equal(count_rule("LC-10"), 1);
    ndis_dp_check_halt_return(g_a);
    const vf_finding *f = NULL;
    for (size_t i = 0; i < vf_findings_count(); i++)
        if (!strcmp(vf_findings_get(i)->rule, "HA-11"))
            f = vf_findings_get(i);
    assert_non_null(f);
    assert_non_null(strstr(f->message, "2 received"));
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    /* The protocol gives them back later: no driver call, and the driver may free them. */
    g_held[0]->Next = g_held[1];
    g_held[1]->Next = NULL;
    ndis_return_nbls(g_a, g_held[0], 0);
    assert_int_equal(g_return_calls, 0);
    size_t before = vf_findings_count();
    free_all(v, 2);
    assert_int_equal(vf_findings_count(), before);
}

static void test_send_complete_twice_is_tx01(void **state)
{
    (void)state;
    ndis_buf_pool *hp = ndis_host_nbl_pool_create(0, TRUE, 128, 0);
    PNET_BUFFER_LIST n1 = ndis_host_nbl_alloc(hp), n2 = ndis_host_nbl_alloc(hp);
    n1->Next = n2;
    ndis_send_nbls(g_a, n1, 0, 0);
    assert_int_equal(g_n_sent, 2);
    assert_int_equal(ndis_dp_tx_pending(g_a), 2);
    n1->Next = NULL;
    n1->Status = NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(g_a, n1, 0);
    assert_int_equal(g_completed, 1);
    assert_int_equal(ndis_dp_tx_pending(g_a), 1);
    NdisMSendNetBufferListsComplete(g_a, n1, 0);
    assert_int_equal(count_rule("TX-01"), 1);
    assert_int_equal(g_completed, 1);
    n2->Status = 0x12345678; /* not a send status */
    NdisMSendNetBufferListsComplete(g_a, n2, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    assert_int_equal(count_rule("TX-01"), 2);
    assert_int_equal(count_rule("RX-03"), 1);
    assert_true(ndis_dp_wait_tx_completed(g_a, 0));
    ndis_host_nbl_free(n1);
    ndis_host_nbl_free(n2);
    ndis_host_pool_destroy(hp);
}

static void test_send_held_while_paused_is_lc09_warning(void **state)
{
    (void)state;
    g_a->state = NDIS_ADAPTER_PAUSED;
    ndis_buf_pool *hp = ndis_host_nbl_pool_create(0, TRUE, 128, 0);
    PNET_BUFFER_LIST n1 = ndis_host_nbl_alloc(hp);
    ndis_send_nbls(g_a, n1, 0, 0);
    assert_int_equal(count_rule("LC-09"), 1);
    NdisMSendNetBufferListsComplete(g_a, n1, 0);
    g_a->state = NDIS_ADAPTER_RUNNING;
    ndis_host_nbl_free(n1);
    ndis_host_pool_destroy(hp);
}

typedef struct returner
{
    PNET_BUFFER_LIST chain;
} returner;

static void return_thread(void *arg)
{
    returner *r = arg;
    ndis_return_nbls(g_a, r->chain, 0);
}

static void test_wait_rx_returned_wakes_on_return(void **state)
{
    (void)state;
    PNET_BUFFER_LIST v[4];
    NdisMIndicateReceiveNetBufferLists(g_a, rx_chain(4, v), 0, 4, 0);
    for (unsigned i = 0; i < 4; i++)
        g_held[i]->Next = i < 3 ? g_held[i + 1] : NULL;
    returner r = {g_held[0]};
    exec_thread *t;
    assert_int_equal(exec_thread_start(&t, "returner", return_thread, &r), 0);
    assert_true(ndis_dp_wait_rx_returned(g_a, -1));
    exec_thread_join(t);
    assert_int_equal(g_n_returned, 4);
    free_all(v, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_receive_counts_outstanding_until_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_return_chain_mixes_indications, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resources_flag_means_no_return_call, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dispatch_flag_at_passive_is_rx03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_count_mismatch_and_source_handle_are_rx01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_indication_is_rx02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indicate_while_paused_is_lc09, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pause_check_and_halt_return, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_complete_twice_is_tx01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_held_while_paused_is_lc09_warning, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wait_rx_returned_wakes_on_return, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
