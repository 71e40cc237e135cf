/* OID requests and NdisMOidRequestComplete (OI-01, TX-02): synchronous and pending requests,
 * completions before the handler returns, double and foreign completions, the OID watchdog. */
#include "contract_util.h"

#include <string.h>

static ndis_driver *d;
static ndis_adapter *a;

static int setup(void **state)
{
    ct_adapter_setup(state, &d, &a, NDIS_ADAPTER_RUNNING);
    return 0;
}

static int teardown(void **state)
{
    return ct_adapter_teardown(state, &d, &a);
}

typedef struct observation
{
    int host_returned;
    int host_returned_at_complete;
} observation;

static observation obs;

static void observe(char what, void *arg)
{
    observation *o = arg;
    o->host_returned_at_complete = __atomic_load_n(&o->host_returned, __ATOMIC_SEQ_CST);
}

static NDIS_STATUS query(UCHAR *buf, ULONG len, ULONG *bytes, ULONG *needed)
{
    return ndis_adapter_oid(a, NdisRequestQueryInformation, SC_OID_QUERY, buf, len, bytes, needed);
}

static void test_oid_query_sync(void **state)
{
    UCHAR buf[8];
    memset(buf, 0, sizeof buf);
    ULONG bytes = 0, needed = 99;
    ct.ctl->oid_bytes_written = 4;
    ct.ctl->oid_bytes_needed = 0;
    assert_int_equal(query(buf, sizeof buf, &bytes, &needed), NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, 4);
    assert_int_equal(needed, 0);
    const UCHAR want[8] = {0x5A, 0x5A, 0x5A, 0x5A, 0, 0, 0, 0};
    assert_memory_equal(buf, want, sizeof want);
    const sc_event *q = ct_event('Q', 0);
    assert_int_equal(q->arg, SC_OID_QUERY);
    assert_true(q->irql <= DISPATCH_LEVEL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_no_findings();
}

static void test_oid_set_sync(void **state)
{
    ULONG filter = 0x0B, bytes = 0, needed = 0;
    ct.ctl->oid_bytes_written = sizeof filter;
    assert_int_equal(
        ndis_adapter_oid(a, NdisRequestSetInformation, SC_OID_SET, &filter, sizeof filter, &bytes, &needed),
        NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, sizeof filter); /* BytesRead */
    assert_int_equal(ct_event('Q', 0)->arg, SC_OID_SET);
    ct_expect_no_findings();
}

/* A failure status of a synchronous request reaches the caller with BytesNeeded. */
static void test_oid_sync_failure(void **state)
{
    UCHAR buf[2];
    ULONG bytes = 0, needed = 0;
    ct.ctl->oid = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_BUFFER_TOO_SHORT};
    ct.ctl->oid_bytes_written = 0;
    ct.ctl->oid_bytes_needed = 6;
    assert_int_equal(query(buf, sizeof buf, &bytes, &needed), NDIS_STATUS_BUFFER_TOO_SHORT);
    assert_int_equal(needed, 6);
    ct_expect_no_findings();
}

/* PENDING, completed from a driver thread after a delay: the data the driver wrote at
 * completion time reaches the caller, which did not return before. */
static void test_oid_pending_thread(void **state)
{
    memset(&obs, 0, sizeof obs);
    ct.ctl->observe = observe;
    ct.ctl->observe_arg = &obs;
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_THREAD,
                             .delay_us = 20000,
                             .complete_irql = DISPATCH_LEVEL,
                             .complete_status = NDIS_STATUS_SUCCESS};
    ct.ctl->oid_bytes_written = 6;
    ct.ctl->oid_fill = 0xA5;
    UCHAR buf[6] = {0};
    ULONG bytes = 0;
    assert_int_equal(query(buf, sizeof buf, &bytes, NULL), NDIS_STATUS_SUCCESS);
    unsigned ret_seq = ct_seq();
    __atomic_store_n(&obs.host_returned, 1, __ATOMIC_SEQ_CST);
    assert_int_equal(obs.host_returned_at_complete, 0);
    assert_true(ct_event('C', 0)->seq < ret_seq);
    assert_int_equal(ct_event('C', 0)->irql, DISPATCH_LEVEL);
    assert_int_equal(bytes, 6);
    const UCHAR want[6] = {0xA5, 0xA5, 0xA5, 0xA5, 0xA5, 0xA5};
    assert_memory_equal(buf, want, sizeof want);
    ct_expect_no_findings();
}

/* The completion status of a pending request is what the caller gets. */
static void test_oid_pending_failure_status(void **state)
{
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_THREAD, .delay_us = 1000, .complete_status = NDIS_STATUS_NOT_SUPPORTED};
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_NOT_SUPPORTED);
    ct_expect_no_findings();
}

static void test_oid_complete_before_return_inline(void **state)
{
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_INLINE, .complete_status = NDIS_STATUS_SUCCESS};
    UCHAR buf[4] = {0};
    ULONG bytes = 0;
    assert_int_equal(query(buf, sizeof buf, &bytes, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, 4);
    assert_int_equal(buf[0], 0x5A);
    ct_expect_no_findings();
}

static void test_oid_complete_before_return_thread(void **state)
{
    ct.ctl->oid =
        (sc_async){.mode = SC_PENDING_EARLY, .complete_status = NDIS_STATUS_SUCCESS, .complete_irql = DISPATCH_LEVEL};
    UCHAR buf[4] = {0};
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(buf[3], 0x5A);
    ct_expect_no_findings();
}

/* OI-01: returned SUCCESS and also called NdisMOidRequestComplete. */
static void test_oid_sync_and_complete(void **state)
{
    ct.ctl->oid =
        (sc_async){.mode = SC_SYNC_AND_COMPLETE, .status = NDIS_STATUS_SUCCESS, .complete_status = NDIS_STATUS_SUCCESS};
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    ct_expect_findings("OI-01");
    /* The next request works normally. */
    vf_findings_clear();
    ct.ctl->oid = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS};
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    ct_expect_no_findings();
}

/* OI-01: completed twice. */
static void test_oid_completed_twice(void **state)
{
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_THREAD, .completions = 2, .complete_status = NDIS_STATUS_SUCCESS};
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    ct.wait_threads();
    assert_int_equal(ct.ctl->completions_done, 2);
    assert_int_equal(ct_count("OI-01"), 1);
    ct_expect_findings("OI-01");
}

/* OI-01: completing a request NDIS never issued. */
static void test_oid_complete_foreign_request(void **state)
{
    ct.ctl->oid_complete_foreign = TRUE;
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    ct_expect_findings("OI-01");
}

/* OI-01: BytesWritten larger than the buffer. */
static void test_oid_bytes_written_overflow(void **state)
{
    ct.ctl->oid_bytes_written = 16;
    UCHAR buf[4];
    ULONG bytes = 0;
    query(buf, sizeof buf, &bytes, NULL);
    ct_expect_findings("OI-01");
}

/* TX-02: the OID watchdog, shortened for the test. The request is aborted for the caller; the
 * driver's late completion does not crash the host and later requests work. */
static void test_oid_watchdog(void **state)
{
    ct_short_timeouts(50LL * 1000000LL);
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_NEVER, .complete_status = NDIS_STATUS_SUCCESS};
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_REQUEST_ABORTED);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_RUNNING);
    ct_expect_findings("TX-02");

    ct.complete_late(0, 'Q');
    assert_int_equal(ct_count("TX-02"), 1);
    vf_findings_clear();

    ct.ctl->oid = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS};
    ULONG bytes = 0;
    assert_int_equal(query(buf, sizeof buf, &bytes, NULL), NDIS_STATUS_SUCCESS);
    assert_int_equal(bytes, 4);
    ct_expect_no_findings();
}

/* A request still pending when the host gives up must not keep the adapter from halting, and
 * its memory must be released with the adapter block (run under ASan/LSan). */
static void test_oid_watchdog_then_halt(void **state)
{
    ct_short_timeouts(20LL * 1000000LL);
    ct.ctl->oid = (sc_async){.mode = SC_PENDING_NEVER, .complete_status = NDIS_STATUS_SUCCESS};
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_REQUEST_ABORTED);
    ct_expect_findings("TX-02");
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
}

/* LC-12: OIDs in Paused and in Running; the request reaches the driver in both. */
static void test_oid_in_paused(void **state)
{
    assert_int_equal(ndis_adapter_pause(a, NULL), NDIS_STATUS_SUCCESS);
    UCHAR buf[4];
    assert_int_equal(query(buf, sizeof buf, NULL, NULL), NDIS_STATUS_SUCCESS);
    assert_string_equal(ct_log(), "DOIRPQ");
    ct_expect_no_findings();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_oid_query_sync),
        T(test_oid_set_sync),
        T(test_oid_sync_failure),
        T(test_oid_pending_thread),
        T(test_oid_pending_failure_status),
        T(test_oid_complete_before_return_inline),
        T(test_oid_complete_before_return_thread),
        T(test_oid_sync_and_complete),
        T(test_oid_completed_twice),
        T(test_oid_complete_foreign_request),
        T(test_oid_bytes_written_overflow),
        T(test_oid_watchdog),
        T(test_oid_watchdog_then_halt),
        T(test_oid_in_paused),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}
