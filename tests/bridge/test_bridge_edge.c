/* The protocol-edge API the TAP bridge is built on: the receive hook sees every indicated NBL
 * (with its data, before the return policy gives it back), RESOURCES indications are counted apart
 * (they are never returned), and NBLs sent from a caller's host pool are counted, their completions
 * counted by status, and freed by the edge. A fake miniport loops every sent frame back as an
 * indication, or completes it with NDIS_STATUS_PAUSED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host/protocol_edge.h"
#include "ndis/datapath.h"
#include "ndis/handles.h"
#include "ndis/nbl_pool.h"
#include "test_support.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;
static NDIS_HANDLE g_pool;
static unsigned g_returned;
static bool g_paused;          /* the fake miniport completes sends with NDIS_STATUS_PAUSED */
static ULONG g_indicate_flags; /* flags of the loopback indications */

static void mp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls, next; n; n = next)
    {
        next = n->Next;
        n->Next = NULL;
        g_returned++;
        NdisFreeNetBufferList(n);
    }
}

static void mp_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    (void)ctx;
    (void)port;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls, next; n; n = next)
    {
        next = n->Next;
        n->Next = NULL;
        if (!g_paused)
        {
            PNET_BUFFER src = n->FirstNetBuffer;
            PNET_BUFFER_LIST rx = NdisAllocateNetBufferList(g_pool, 0, 0);
            assert_non_null(rx);
            PNET_BUFFER nb = rx->FirstNetBuffer;
            nb->DataLength = ndis_nb_copy_out(src, 0, ndis_mdl_va(nb->MdlChain), src->DataLength);
            rx->SourceHandle = g_a;
            NdisMIndicateReceiveNetBufferLists(g_a, rx, 0, 1, g_indicate_flags);
            if (g_indicate_flags & NDIS_RECEIVE_FLAGS_RESOURCES)
                NdisFreeNetBufferList(rx);
        }
        n->Status = g_paused ? NDIS_STATUS_PAUSED : NDIS_STATUS_SUCCESS;
        NdisMSendNetBufferListsComplete(g_a, n, 0);
    }
}

typedef struct seen
{
    unsigned nbls;
    unsigned char first[64];
    ULONG len;
    ULONG flags;
    bool returned_before_hook; /* a return had already happened for this NBL when the hook ran */
} seen;

static void rx_hook(void *arg, ndis_adapter *a, PNET_BUFFER_LIST nbl, ULONG flags)
{
    seen *s = arg;
    assert_ptr_equal(a, g_a);
    PNET_BUFFER nb = nbl->FirstNetBuffer;
    if (s->nbls == 0)
    {
        s->len = ndis_nb_copy_out(nb, 0, s->first, nb->DataLength < 64 ? nb->DataLength : 64);
        s->flags = flags;
    }
    if (g_returned > s->nbls)
        s->returned_before_hook = true;
    s->nbls++;
}

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver bridge-edge");
    g_drv.chars.ReturnNetBufferListsHandler = mp_return;
    g_drv.chars.SendNetBufferListsHandler = mp_send;
    g_a = ts_dp_adapter_open(&g_drv);
    g_pool = ts_nbl_pool(g_a, 2048);
    g_returned = 0;
    g_paused = false;
    g_indicate_flags = 0;
    vf_findings_clear();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    NdisFreeNetBufferListPool(g_pool);
    ts_dp_adapter_close(g_a);
    ts_driver_close(&g_drv);
    vf_findings_clear();
    return 0;
}

static protocol_edge *edge_with_hook(seen *s)
{
    protocol_edge_config cfg = {0};
    char err[128];
    assert_int_equal(protocol_edge_parse_policy("immediate", &cfg, err, sizeof err), 0);
    protocol_edge *e = protocol_edge_create(&cfg);
    assert_non_null(e);
    protocol_edge_set_rx_hook(e, rx_hook, s);
    protocol_edge_attach(e, g_a);
    return e;
}

/* `n` frames of `len` bytes from a host pool, byte i of frame k = k + i. */
static PNET_BUFFER_LIST frames(ndis_buf_pool *pool, unsigned n, unsigned len)
{
    PNET_BUFFER_LIST head = NULL, *tail = &head;
    for (unsigned k = 0; k < n; k++)
    {
        PNET_BUFFER_LIST nbl = ndis_host_nbl_alloc(pool);
        assert_non_null(nbl);
        unsigned char *p = ndis_mdl_va(nbl->FirstNetBuffer->MdlChain);
        for (unsigned i = 0; i < len; i++)
            p[i] = (unsigned char)(k + i);
        nbl->FirstNetBuffer->DataLength = len;
        *tail = nbl;
        tail = &nbl->Next;
    }
    return head;
}

static void test_sent_nbls_are_counted_looped_and_hooked(void **state)
{
    (void)state;
    seen s = {0};
    protocol_edge *e = edge_with_hook(&s);
    ndis_buf_pool *pool = ndis_host_nbl_pool_create(0, TRUE, 1514, 0x74736554);
    assert_non_null(pool);

    protocol_edge_send_nbls(e, g_a, frames(pool, 5, 60), 0);

    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(st.sent, 5);
    assert_int_equal(st.completed, 5);
    assert_int_equal(st.completed_ok, 5);
    assert_int_equal(st.send_complete_duplicates, 0);
    assert_int_equal(protocol_edge_inflight(e), 0);
    /* Every looped frame reached the hook with its data, before it was returned. */
    assert_int_equal(s.nbls, 5);
    assert_int_equal(s.len, 60);
    for (unsigned i = 0; i < 60; i++)
        assert_int_equal(s.first[i], (unsigned char)i);
    assert_false(s.returned_before_hook);
    assert_int_equal(st.indicated, 5);
    assert_int_equal(st.indicated_resources, 0);
    assert_int_equal(st.returned, 5);
    assert_int_equal(g_returned, 5);

    protocol_edge_detach(e, g_a);
    protocol_edge_destroy(e);
    ndis_host_pool_destroy(pool);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_resources_indications_are_hooked_not_returned(void **state)
{
    (void)state;
    seen s = {0};
    protocol_edge *e = edge_with_hook(&s);
    ndis_buf_pool *pool = ndis_host_nbl_pool_create(0, TRUE, 1514, 0x74736554);
    g_indicate_flags = NDIS_RECEIVE_FLAGS_RESOURCES;

    protocol_edge_send_nbls(e, g_a, frames(pool, 3, 100), 0);

    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(s.nbls, 3);
    assert_true(s.flags & NDIS_RECEIVE_FLAGS_RESOURCES);
    assert_int_equal(st.indicated, 3);
    assert_int_equal(st.indicated_resources, 3);
    assert_int_equal(st.returned, 0);
    assert_int_equal(g_returned, 0);

    protocol_edge_detach(e, g_a);
    protocol_edge_destroy(e);
    ndis_host_pool_destroy(pool);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_failed_completions_are_counted_by_status(void **state)
{
    (void)state;
    seen s = {0};
    protocol_edge *e = edge_with_hook(&s);
    ndis_buf_pool *pool = ndis_host_nbl_pool_create(0, TRUE, 1514, 0x74736554);
    g_paused = true;

    protocol_edge_send_nbls(e, g_a, frames(pool, 4, 60), 0);
    protocol_edge_send_nbls(e, g_a, NULL, 0); /* an empty chain is no send */

    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(st.sent, 4);
    assert_int_equal(st.completed, 4);
    assert_int_equal(st.completed_failed, 4);
    assert_int_equal(st.n_failed, 1);
    assert_int_equal(st.failed[0].status, NDIS_STATUS_PAUSED);
    assert_int_equal(st.failed[0].count, 4);
    assert_int_equal(s.nbls, 0);

    protocol_edge_detach(e, g_a);
    protocol_edge_destroy(e);
    ndis_host_pool_destroy(pool);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_sent_nbls_are_counted_looped_and_hooked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resources_indications_are_hooked_not_returned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_completions_are_counted_by_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
