/* NDIS ports: NdisMAllocatePort (numbers from 1, written back; INVALID_DATA for bad characteristics;
 * CLOSING and PT-01 once halt started; HA-08 for a port left at halt), activation through
 * NdisMNetPnPEvent (all or nothing, INVALID_PORT / INVALID_PORT_STATE and PT-02; the default port
 * alone; receive indications only on activated ports), deactivation (INVALID_PARAMETER for a NULL
 * buffer; PT-03 with receives outstanding on the port, and for an indication afterwards),
 * NdisMFreePort (port 0: INVALID_PORT, an active port: INVALID_PORT_STATE, both PT-04), and the
 * default port a driver controls (HA-08 when left activated at halt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndis/nbl_pool.h"
#include "test_ndis_hw_adapter.h"

static ndis_driver g_drv;
static ndis_adapter *g_a;
static NDIS_HANDLE g_pool;

/* The protocol keeps what it receives until the test returns it. */
static PNET_BUFFER_LIST g_held[64];
static unsigned g_n_held;

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

static void mp_return(NDIS_HANDLE ctx, PNET_BUFFER_LIST nbls, ULONG flags)
{
    (void)ctx;
    (void)nbls;
    (void)flags;
}

static int setup_flags(ULONG attribute_flags)
{
    g_a = ts_hw_adapter_open(&g_drv, "driver port", attribute_flags);
    g_drv.chars.ReturnNetBufferListsHandler = mp_return;
    g_a->proto.receive = proto_receive;
    g_pool = ts_nbl_pool(&g_drv, 0);
    g_n_held = 0;
    return 0;
}

static int setup(void **state)
{
    (void)state;
    return setup_flags(0);
}

static int setup_controls_default(void **state)
{
    (void)state;
    return setup_flags(NDIS_MINIPORT_ATTRIBUTES_CONTROLS_DEFAULT_PORT);
}

static void return_held(void)
{
    PNET_BUFFER_LIST head = NULL;
    for (unsigned i = g_n_held; i-- > 0;)
    {
        g_held[i]->Next = head;
        head = g_held[i];
    }
    g_n_held = 0;
    if (head)
        ndis_return_nbls(g_a, head, 0);
}

static int teardown(void **state)
{
    (void)state;
    return_held();
    g_a->halt_started = true;
    ndis_ports_instance_end(g_a, "test end");
    ts_hw_adapter_close(&g_drv, g_a);
    return 0;
}

static NDIS_PORT_CHARACTERISTICS chars(void)
{
    NDIS_PORT_CHARACTERISTICS c;
    memset(&c, 0, sizeof c);
    c.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    c.Header.Revision = NDIS_PORT_CHARACTERISTICS_REVISION_1;
    c.Header.Size = NDIS_SIZEOF_PORT_CHARACTERISTICS_REVISION_1;
    c.Type = NdisPortTypeUndefined;
    c.Direction = NET_IF_DIRECTION_SENDRECEIVE;
    return c;
}

static NDIS_PORT_NUMBER alloc_port(void)
{
    NDIS_PORT_CHARACTERISTICS c = chars();
    assert_int_equal(NdisMAllocatePort(g_a, &c), NDIS_STATUS_SUCCESS);
    assert_int_not_equal(c.PortNumber, 0);
    return c.PortNumber;
}

/* The notification a miniport passes to NdisMNetPnPEvent. */
static NET_PNP_EVENT_NOTIFICATION pnp_event(NET_PNP_EVENT_CODE code, PVOID buffer, ULONG length)
{
    NET_PNP_EVENT_NOTIFICATION ev;
    memset(&ev, 0, sizeof ev);
    ev.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    ev.Header.Revision = NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    ev.Header.Size = NDIS_SIZEOF_NET_PNP_EVENT_NOTIFICATION_REVISION_1;
    ev.NetPnPEvent.NetEvent = code;
    ev.NetPnPEvent.Buffer = buffer;
    ev.NetPnPEvent.BufferLength = length;
    return ev;
}

/* NdisMNetPnPEvent with a list of NDIS_PORT (activation) built from `ports`. */
static NDIS_STATUS activate(const NDIS_PORT_NUMBER *ports, unsigned n)
{
    NDIS_PORT list[8];
    memset(list, 0, sizeof list);
    for (unsigned i = 0; i < n; i++)
    {
        list[i].PortCharacteristics = chars();
        list[i].PortCharacteristics.PortNumber = ports[i];
        list[i].Next = i + 1 < n ? &list[i + 1] : NULL;
    }
    NET_PNP_EVENT_NOTIFICATION ev = pnp_event(NetEventPortActivation, list, n * sizeof(NDIS_PORT));
    return NdisMNetPnPEvent(g_a, &ev);
}

static NDIS_STATUS deactivate(NDIS_PORT_NUMBER *ports, unsigned n)
{
    NET_PNP_EVENT_NOTIFICATION ev = pnp_event(NetEventPortDeactivation, ports, n * sizeof(NDIS_PORT_NUMBER));
    return NdisMNetPnPEvent(g_a, &ev);
}

static void indicate(NDIS_PORT_NUMBER port, unsigned n)
{
    PNET_BUFFER_LIST v[8];
    NdisMIndicateReceiveNetBufferLists(g_a, ts_rx_chain(g_pool, g_a, n, v), port, n, 0);
}

/* ---- allocation ------------------------------------------------------------------------------------ */

static void test_allocate_assigns_numbers_and_is_ledgered(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p1 = alloc_port(), p2 = alloc_port();
    assert_int_equal(p1, 1);
    assert_int_equal(p2, 2);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_PORT), 2);
    /* Allocated, not active. */
    assert_false(ndis_port_is_activated(g_a, p1));
    assert_true(ndis_port_is_activated(g_a, NDIS_DEFAULT_PORT_NUMBER));
    assert_int_equal(NdisMFreePort(g_a, p1), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p2), NDIS_STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_PORT), 0);
    /* A freed number is not reused at once. */
    assert_int_equal(alloc_port(), 3);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_allocate_with_bad_characteristics_is_invalid_data(void **state)
{
    (void)state;
    NDIS_PORT_CHARACTERISTICS c = chars();
    c.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS;
    assert_int_equal(NdisMAllocatePort(g_a, &c), NDIS_STATUS_INVALID_DATA);
    c = chars();
    c.Header.Size = 4;
    assert_int_equal(NdisMAllocatePort(g_a, &c), NDIS_STATUS_INVALID_DATA);
    c = chars();
    c.Type = NdisPortTypeMax;
    assert_int_equal(NdisMAllocatePort(g_a, &c), NDIS_STATUS_INVALID_DATA);
    assert_int_equal(NdisMAllocatePort(g_a, NULL), NDIS_STATUS_INVALID_DATA);
    assert_int_equal(count_rule("AP-02"), 4);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_PORT), 0);
}

static void test_allocate_after_halt_started_is_closing_pt01(void **state)
{
    (void)state;
    g_a->halt_started = true;
    NDIS_PORT_CHARACTERISTICS c = chars();
    assert_int_equal(NdisMAllocatePort(g_a, &c), NDIS_STATUS_CLOSING);
    assert_int_equal(count_rule("PT-01"), 1);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_PORT), 0);
}

static void test_allocate_at_dispatch_is_allowed(void **state)
{
    (void)state;
    vf_set_irql(DISPATCH_LEVEL);
    NDIS_PORT_NUMBER p = alloc_port();
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_SUCCESS);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_port_left_at_halt_is_ha08(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p = alloc_port();
    assert_int_equal(activate(&p, 1), NDIS_STATUS_SUCCESS);
    g_a->halt_started = true;
    ndis_ports_instance_end(g_a, "MiniportHaltEx returned");
    assert_int_equal(vf_ledger_report_leftovers(g_a->owner, NULL, "MiniportHaltEx returned"), 1);
    assert_int_equal(count_rule("HA-08"), 1);
    assert_false(ndis_port_is_activated(g_a, p));
}

/* ---- activation -------------------------------------------------------------------------------------- */

static void test_activation_is_all_or_nothing(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p1 = alloc_port(), p2 = alloc_port();
    NDIS_PORT_NUMBER bad[] = {p1, 77, p2};
    assert_int_equal(activate(bad, 3), NDIS_STATUS_INVALID_PORT);
    assert_int_equal(count_rule("PT-02"), 1);
    assert_false(ndis_port_is_activated(g_a, p1));
    assert_false(ndis_port_is_activated(g_a, p2));
    NDIS_PORT_NUMBER good[] = {p1, p2};
    assert_int_equal(activate(good, 2), NDIS_STATUS_SUCCESS);
    assert_true(ndis_port_is_activated(g_a, p1));
    assert_true(ndis_port_is_activated(g_a, p2));
    /* Again: already active. */
    assert_int_equal(activate(&p1, 1), NDIS_STATUS_INVALID_PORT_STATE);
    assert_int_equal(count_rule("PT-02"), 2);
    /* A missing port wins over a bad state. */
    NDIS_PORT_NUMBER mixed[] = {p1, 99};
    assert_int_equal(activate(mixed, 2), NDIS_STATUS_INVALID_PORT);
    assert_int_equal(deactivate(good, 2), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p1), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p2), NDIS_STATUS_SUCCESS);
}

static void test_default_port_must_be_alone_and_is_ndis_managed(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p1 = alloc_port();
    NDIS_PORT_NUMBER with_default[] = {0, p1};
    assert_int_equal(activate(with_default, 2), NDIS_STATUS_INVALID_PORT);
    assert_false(ndis_port_is_activated(g_a, p1));
    /* The driver does not control the default port: NDIS activated it already. */
    NDIS_PORT_NUMBER def = 0;
    assert_int_equal(activate(&def, 1), NDIS_STATUS_INVALID_PORT_STATE);
    assert_int_equal(count_rule("PT-02"), 2);
    assert_int_equal(NdisMFreePort(g_a, p1), NDIS_STATUS_SUCCESS);
}

static void test_activation_with_null_buffer_is_invalid_parameter(void **state)
{
    (void)state;
    NET_PNP_EVENT_NOTIFICATION ev = pnp_event(NetEventPortActivation, NULL, 0);
    assert_int_equal(NdisMNetPnPEvent(g_a, &ev), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("PT-02"), 1);
}

static void test_indication_on_inactive_or_unknown_port_is_pt02(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p = alloc_port();
    indicate(p, 1);
    assert_int_equal(count_rule("PT-02"), 1);
    indicate(42, 1);
    assert_int_equal(count_rule("PT-02"), 2);
    assert_int_equal(activate(&p, 1), NDIS_STATUS_SUCCESS);
    indicate(p, 2);
    indicate(NDIS_DEFAULT_PORT_NUMBER, 1);
    assert_int_equal(count_rule("PT-02"), 2);
    return_held();
    assert_int_equal(deactivate(&p, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("PT-03"), 0);
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_SUCCESS);
}

/* ---- deactivation ------------------------------------------------------------------------------------ */

static void test_deactivation_with_receives_outstanding_is_pt03(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p1 = alloc_port(), p2 = alloc_port();
    NDIS_PORT_NUMBER both[] = {p1, p2};
    assert_int_equal(activate(both, 2), NDIS_STATUS_SUCCESS);
    indicate(p1, 2);
    indicate(p2, 1);
    indicate(NDIS_DEFAULT_PORT_NUMBER, 1);
    /* p2's receive comes back, p1's two do not. */
    PNET_BUFFER_LIST p2_nbl = g_held[2];
    g_held[2] = g_held[--g_n_held];
    p2_nbl->Next = NULL;
    ndis_return_nbls(g_a, p2_nbl, 0);
    assert_int_equal(deactivate(&p2, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("PT-03"), 0);
    assert_int_equal(deactivate(&p1, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("PT-03"), 1);
    assert_non_null(strstr(first_rule("PT-03")->message, "2 received"));
    assert_false(ndis_port_is_activated(g_a, p1));
    /* Indicating on the deactivated port: PT-03 too. */
    indicate(p1, 1);
    assert_int_equal(count_rule("PT-03"), 2);
    return_held();
    assert_int_equal(NdisMFreePort(g_a, p1), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p2), NDIS_STATUS_SUCCESS);
}

static void test_deactivation_argument_checks(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p = alloc_port();
    assert_int_equal(deactivate(NULL, 1), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(deactivate(&p, 0), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("PT-03"), 2);
    /* Not active: INVALID_PORT_STATE; unknown: INVALID_PORT. */
    assert_int_equal(deactivate(&p, 1), NDIS_STATUS_INVALID_PORT_STATE);
    NDIS_PORT_NUMBER unknown = 1000;
    assert_int_equal(deactivate(&unknown, 1), NDIS_STATUS_INVALID_PORT);
    assert_int_equal(count_rule("PT-03"), 4);
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_SUCCESS);
}

static void test_other_events_are_accepted(void **state)
{
    (void)state;
    NET_PNP_EVENT_NOTIFICATION ev = pnp_event(NetEventBindsComplete, NULL, 0);
    assert_int_equal(NdisMNetPnPEvent(g_a, &ev), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMNetPnPEvent(g_a, NULL), NDIS_STATUS_INVALID_PARAMETER);
    assert_int_equal(count_rule("AP-02"), 1);
}

static void test_net_pnp_event_at_dispatch_is_iq01(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER p = alloc_port();
    vf_set_irql(DISPATCH_LEVEL);
    activate(&p, 1);
    vf_set_irql(PASSIVE_LEVEL);
    assert_int_equal(count_rule("IQ-01"), 1);
}

/* ---- NdisMFreePort ------------------------------------------------------------------------------------ */

static void test_free_default_active_or_unknown_port_is_pt04(void **state)
{
    (void)state;
    assert_int_equal(NdisMFreePort(g_a, NDIS_DEFAULT_PORT_NUMBER), NDIS_STATUS_INVALID_PORT);
    NDIS_PORT_NUMBER p = alloc_port();
    assert_int_equal(activate(&p, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_INVALID_PORT_STATE);
    assert_int_equal(vf_ledger_count(g_a->owner, VF_RES_PORT), 1);
    assert_int_equal(NdisMFreePort(g_a, 555), NDIS_STATUS_INVALID_PORT);
    assert_int_equal(NdisMFreePort(g_a, 0x1000000), NDIS_STATUS_INVALID_DATA);
    assert_int_equal(count_rule("PT-04"), 4);
    assert_int_equal(deactivate(&p, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_SUCCESS);
    /* Freed twice. */
    assert_int_equal(NdisMFreePort(g_a, p), NDIS_STATUS_INVALID_PORT);
    assert_int_equal(count_rule("PT-04"), 5);
}

/* ---- the default port the driver controls ------------------------------------------------------------- */

static void test_controlled_default_port_lifecycle(void **state)
{
    (void)state;
    assert_false(ndis_port_is_activated(g_a, NDIS_DEFAULT_PORT_NUMBER));
    indicate(NDIS_DEFAULT_PORT_NUMBER, 1);
    assert_int_equal(count_rule("PT-02"), 1);
    return_held();
    NDIS_PORT_NUMBER def = 0;
    assert_int_equal(activate(&def, 1), NDIS_STATUS_SUCCESS);
    assert_true(ndis_port_is_activated(g_a, NDIS_DEFAULT_PORT_NUMBER));
    indicate(NDIS_DEFAULT_PORT_NUMBER, 1);
    assert_int_equal(count_rule("PT-02"), 1);
    /* Deactivating it with the receive outstanding. */
    assert_int_equal(deactivate(&def, 1), NDIS_STATUS_SUCCESS);
    assert_int_equal(count_rule("PT-03"), 1);
    return_held();
    assert_int_equal(deactivate(&def, 1), NDIS_STATUS_INVALID_PORT_STATE);
    assert_int_equal(count_rule("PT-03"), 2);
}

static void test_controlled_default_port_left_active_is_ha08(void **state)
{
    (void)state;
    NDIS_PORT_NUMBER def = 0;
    assert_int_equal(activate(&def, 1), NDIS_STATUS_SUCCESS);
    g_a->halt_started = true;
    ndis_ports_instance_end(g_a, "MiniportHaltEx returned");
    assert_int_equal(count_rule("HA-08"), 1);
    assert_non_null(first_rule("HA-08")->pc);
    /* The next instance starts with the default port inactive again. */
    assert_false(ndis_port_is_activated(g_a, NDIS_DEFAULT_PORT_NUMBER));
    /* After a failed initialize the same leftover is IN-04. */
    g_a->halt_started = false;
    assert_int_equal(activate(&def, 1), NDIS_STATUS_SUCCESS);
    ndis_ports_instance_end(g_a, "MiniportInitializeEx failed");
    assert_int_equal(count_rule("IN-04"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocate_assigns_numbers_and_is_ledgered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_with_bad_characteristics_is_invalid_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_after_halt_started_is_closing_pt01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocate_at_dispatch_is_allowed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_port_left_at_halt_is_ha08, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activation_is_all_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_port_must_be_alone_and_is_ndis_managed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_activation_with_null_buffer_is_invalid_parameter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_indication_on_inactive_or_unknown_port_is_pt02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deactivation_with_receives_outstanding_is_pt03, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deactivation_argument_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_events_are_accepted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_net_pnp_event_at_dispatch_is_iq01, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_default_active_or_unknown_port_is_pt04, setup, teardown),
        cmocka_unit_test_setup_teardown(test_controlled_default_port_lifecycle, setup_controls_default, teardown),
        cmocka_unit_test_setup_teardown(test_controlled_default_port_left_active_is_ha08, setup_controls_default,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
