/* The protocol edge: policy parsing, the order each return policy gives NBLs back in (immediate,
 * reverse, shuffle reproducible by seed, never until release, at-pause, delay from another thread),
 * and traffic: frames sent through a fake looping-back miniport, completions and checksums. */
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
static PNET_BUFFER_LIST g_returned[128];
static unsigned g_n_returned, g_return_calls;
static bool g_return_inside_indicate, g_in_indicate;
static int g_corrupt_index = -1;
static unsigned g_sent_seen;

static void mp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)flags;
    g_return_calls++;
    if (__atomic_load_n(&g_in_indicate, __ATOMIC_SEQ_CST))
        g_return_inside_indicate = true;
    for (PNET_BUFFER_LIST n = nbls; n; n = n->Next)
        g_returned[g_n_returned++] = n;
}

/* Loops every frame back as a RESOURCES indication, then completes the send. */
static void mp_send(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG flags)
{
    (void)ctx;
    (void)port;
    (void)flags;
    for (PNET_BUFFER_LIST n = nbls, next; n; n = next)
    {
        next = n->Next;
        PNET_BUFFER src = n->FirstNetBuffer;
        PNET_BUFFER_LIST rx = NdisAllocateNetBufferList(g_pool, 0, 0);
        assert_non_null(rx);
        PNET_BUFFER nb = rx->FirstNetBuffer;
        unsigned char *dst = ndis_mdl_va(nb->MdlChain);
        nb->DataLength = ndis_nb_copy_out(src, 0, dst, src->DataLength);
        if ((int)g_sent_seen++ == g_corrupt_index)
            dst[40] ^= 0xFF;
        rx->SourceHandle = g_a;
        NdisMIndicateReceiveNetBufferLists(g_a, rx, 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES);
        NdisFreeNetBufferList(rx);
        n->Next = NULL;
        n->Status = NDIS_STATUS_SUCCESS;
        NdisMSendNetBufferListsComplete(g_a, n, 0);
    }
}

static int setup(void **state)
{
    (void)state;
    ts_driver_open(&g_drv, "driver edge");
    g_drv.chars.ReturnNetBufferListsHandler = mp_return;
    g_drv.chars.SendNetBufferListsHandler = mp_send;
    g_a = ts_dp_adapter_open(&g_drv);
    memcpy(g_a->gen_attrs.CurrentMacAddress, "\x02\x00\x00\x00\x00\x01", 6);
    g_pool = ts_nbl_pool(g_a, 2048);
    g_n_returned = g_return_calls = g_sent_seen = 0;
    g_return_inside_indicate = g_in_indicate = false;
    g_corrupt_index = -1;
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

/* The miniport indicates `n` NBLs in one call; v receives them. */
static void indicate(unsigned n, PNET_BUFFER_LIST *v)
{
    PNET_BUFFER_LIST head = NULL;
    for (unsigned i = n; i-- > 0;)
    {
        v[i] = NdisAllocateNetBufferList(g_pool, 0, 0);
        v[i]->SourceHandle = g_a;
        v[i]->Next = head;
        head = v[i];
    }
    __atomic_store_n(&g_in_indicate, true, __ATOMIC_SEQ_CST);
    NdisMIndicateReceiveNetBufferLists(g_a, head, 0, n, 0);
    __atomic_store_n(&g_in_indicate, false, __ATOMIC_SEQ_CST);
}

static void free_all(PNET_BUFFER_LIST *v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        NdisFreeNetBufferList(v[i]);
}

static protocol_edge *edge(const char *policy, uint32_t batch)
{
    protocol_edge_config cfg = {0};
    char err[128];
    assert_int_equal(protocol_edge_parse_policy(policy, &cfg, err, sizeof err), 0);
    cfg.batch = batch;
    protocol_edge *e = protocol_edge_create(&cfg);
    assert_non_null(e);
    protocol_edge_attach(e, g_a);
    return e;
}

static void test_parse_policy(void **state)
{
    (void)state;
    protocol_edge_config c = {0};
    char err[128];
    assert_int_equal(protocol_edge_parse_policy("delay:250", &c, err, sizeof err), 0);
    assert_int_equal(c.policy, PE_RETURN_DELAY);
    assert_int_equal(c.delay_ms, 250);
    assert_int_equal(protocol_edge_parse_policy("shuffle:42", &c, err, sizeof err), 0);
    assert_int_equal(c.policy, PE_RETURN_SHUFFLE);
    assert_int_equal(c.seed, 42);
    assert_int_equal(protocol_edge_parse_policy("at-pause", &c, err, sizeof err), 0);
    assert_int_equal(c.policy, PE_RETURN_AT_PAUSE);
    assert_int_equal(protocol_edge_parse_policy("never", &c, err, sizeof err), 0);
    assert_int_equal(c.policy, PE_RETURN_NEVER);
    assert_int_equal(protocol_edge_parse_policy("delay:", &c, err, sizeof err), -1);
    assert_int_equal(protocol_edge_parse_policy("sometimes", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "sometimes"));
}

static void test_immediate_returns_inside_the_indication(void **state)
{
    (void)state;
    protocol_edge *e = edge("immediate", 0);
    PNET_BUFFER_LIST v[3];
    indicate(3, v);
    assert_true(g_return_inside_indicate);
    assert_int_equal(g_n_returned, 3);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(st.indicated, 3);
    assert_int_equal(st.returned, 3);
    protocol_edge_destroy(e);
    free_all(v, 3);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_reverse_mixes_indications_newest_first(void **state)
{
    (void)state;
    protocol_edge *e = edge("reverse", 4);
    PNET_BUFFER_LIST a[2], b[2];
    indicate(2, a);
    assert_int_equal(g_return_calls, 0);
    indicate(2, b);
    assert_int_equal(g_return_calls, 1);
    assert_int_equal(g_n_returned, 4);
    assert_ptr_equal(g_returned[0], b[1]);
    assert_ptr_equal(g_returned[1], b[0]);
    assert_ptr_equal(g_returned[2], a[1]);
    assert_ptr_equal(g_returned[3], a[0]);
    protocol_edge_destroy(e);
    free_all(a, 2);
    free_all(b, 2);
}

static void shuffle_run(uint64_t seed, size_t order[8])
{
    protocol_edge_config cfg = {.policy = PE_RETURN_SHUFFLE, .seed = seed, .batch = 8};
    protocol_edge *e = protocol_edge_create(&cfg);
    protocol_edge_attach(e, g_a);
    g_n_returned = 0;
    PNET_BUFFER_LIST v[8];
    for (int i = 0; i < 4; i++)
        indicate(2, v + 2 * i);
    assert_int_equal(g_n_returned, 8);
    for (int i = 0; i < 8; i++)
        for (size_t j = 0; j < 8; j++)
            if (g_returned[i] == v[j])
                order[i] = j;
    protocol_edge_destroy(e);
    free_all(v, 8);
}

static void test_shuffle_is_reproducible_by_seed(void **state)
{
    (void)state;
    size_t o1[8], o2[8], o3[8];
    shuffle_run(42, o1);
    shuffle_run(42, o2);
    shuffle_run(7, o3);
    assert_memory_equal(o1, o2, sizeof o1);
    bool seen[8] = {0};
    for (int i = 0; i < 8; i++)
        seen[o1[i]] = true;
    for (int i = 0; i < 8; i++)
        assert_true(seen[i]); /* a permutation */
    assert_memory_not_equal(o1, o3, sizeof o1);
}

static void test_never_holds_until_release(void **state)
{
    (void)state;
    protocol_edge *e = edge("never", 0);
    PNET_BUFFER_LIST v[40];
    for (int i = 0; i < 10; i++)
        indicate(4, v + 4 * i);
    assert_int_equal(g_return_calls, 0);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 40);
    protocol_edge_on_pause(e, g_a); /* never: still held */
    assert_int_equal(g_return_calls, 0);
    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(st.held_now, 40);
    assert_int_equal(st.max_held, 40);
    assert_int_equal(protocol_edge_release(e, g_a), 40);
    assert_int_equal(g_return_calls, 1);
    assert_int_equal(ndis_dp_rx_outstanding(g_a), 0);
    protocol_edge_destroy(e);
    free_all(v, 40);
}

static void test_at_pause_returns_on_pause(void **state)
{
    (void)state;
    protocol_edge *e = edge("at-pause", 0);
    PNET_BUFFER_LIST v[3];
    indicate(3, v);
    assert_int_equal(g_return_calls, 0);
    protocol_edge_on_pause(e, g_a);
    assert_int_equal(g_n_returned, 3);
    assert_ptr_equal(g_returned[0], v[0]);
    protocol_edge_destroy(e);
    free_all(v, 3);
}

static void test_delay_returns_from_the_edge_thread(void **state)
{
    (void)state;
    protocol_edge *e = edge("delay:20", 0);
    PNET_BUFFER_LIST v[2];
    indicate(2, v);
    /* The count drops before the return handler runs; joining the edge's thread orders the rest. */
    assert_true(ndis_dp_wait_rx_returned(g_a, -1));
    protocol_edge_destroy(e);
    assert_int_equal(g_n_returned, 2);
    assert_int_equal(g_return_calls, 1);
    assert_false(g_return_inside_indicate);
    free_all(v, 2);
}

static void test_send_loopback_counts_and_checksums(void **state)
{
    (void)state;
    protocol_edge *e = edge("immediate", 0);
    g_corrupt_index = 5;
    static const uint8_t dst[6] = {0x02, 0, 0, 0, 0, 2};
    assert_int_equal(protocol_edge_send(e, g_a, 40, 128, dst), 0);
    protocol_edge_stats st;
    protocol_edge_get_stats(e, &st);
    assert_int_equal(st.sent, 40);
    assert_int_equal(st.completed, 40);
    assert_int_equal(st.completed_ok, 40);
    assert_int_equal(st.edge_frames, 40);
    assert_int_equal(st.corrupt_frames, 1);
    assert_int_equal(ndis_dp_tx_pending(g_a), 0);
    protocol_edge_destroy(e);
    assert_int_equal(vf_findings_count(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_policy),
        cmocka_unit_test_setup_teardown(test_immediate_returns_inside_the_indication, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reverse_mixes_indications_newest_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shuffle_is_reproducible_by_seed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_never_holds_until_release, setup, teardown),
        cmocka_unit_test_setup_teardown(test_at_pause_returns_on_pause, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delay_returns_from_the_edge_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_send_loopback_counts_and_checksums, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
