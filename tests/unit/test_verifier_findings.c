/* Findings: recording, severities, callback/owner attribution, de-duplication, sites, IRQL checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "verifier/verifier.h"

static int setup(void **state)
{
    (void)state;
    vf_findings_clear();
    vf_set_finding_hook(NULL, NULL);
    vf_set_irql(0);
    return 0;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void test_report_fields(void **state)
{
    (void)state;
    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 0");
    vf_report("HA-04", o, VF_CB_HALT, NULL, "timer %d still queued", 7);
    assert_int_equal(vf_findings_count(), 1);
    const vf_finding *f = vf_findings_get(0);
    assert_string_equal(f->rule, "HA-04");
    assert_int_equal(f->severity, VF_SEV_ERROR);
    assert_string_equal(f->callback, "MiniportHaltEx");
    assert_string_equal(f->owner, "adapter 0");
    assert_string_equal(f->message, "timer 7 still queued");
    assert_string_equal(f->title, vf_rule_find("HA-04")->title);
    assert_int_equal(f->count, 1);
    assert_false(f->leak);
    assert_null(f->site.file);
    assert_null(f->site.module);
    assert_true(f->seq > 0);
    vf_owner_destroy(o); /* the finding keeps its own copy of the name */
    assert_string_equal(vf_findings_get(0)->owner, "adapter 0");
    assert_null(vf_findings_get(1));
}

static void test_severity_from_table_and_override(void **state)
{
    (void)state;
    vf_report("LC-11", NULL, VF_CB_RESTART, NULL, "w");
    vf_report_sev("HA-10", VF_SEV_WARNING, NULL, VF_CB_HALT, NULL, "spin lock not freed");
    vf_report("HA-10", NULL, VF_CB_HALT, NULL, "work item not freed");
    assert_int_equal(vf_findings_count(), 3);
    assert_int_equal(vf_findings_get(0)->severity, VF_SEV_WARNING);
    assert_int_equal(vf_findings_get(1)->severity, VF_SEV_WARNING);
    assert_int_equal(vf_findings_get(2)->severity, VF_SEV_ERROR);
    assert_string_equal(vf_severity_name(VF_SEV_ERROR), "error");
    assert_string_equal(vf_severity_name(VF_SEV_WARNING), "warning");
}

static void test_current_context_used(void **state)
{
    (void)state;
    vf_report("IQ-02", NULL, VF_CB_NONE, NULL, "outside");
    assert_string_equal(vf_findings_get(0)->callback, "host");
    assert_null(vf_findings_get(0)->owner);

    vf_owner *o = vf_owner_create(VF_OWNER_ADAPTER, NULL, "adapter 2");
    vf_frame f;
    vf_enter(&f, VF_CB_TIMER, o);
    vf_report("TM-05", NULL, VF_CB_NONE, NULL, "inside");
    vf_report("TM-05", NULL, VF_CB_HALT, NULL, "named");
    vf_leave(&f);
    assert_string_equal(vf_findings_get(1)->callback, "NDIS timer callback");
    assert_string_equal(vf_findings_get(1)->owner, "adapter 2");
    assert_string_equal(vf_findings_get(2)->callback, "MiniportHaltEx");
    vf_owner_destroy(o);
}

static int hook_calls;
static const vf_finding *hook_last;

static void hook(const vf_finding *f, void *arg)
{
    assert_ptr_equal(arg, &hook_calls);
    hook_calls++;
    hook_last = f;
    /* The hook runs outside the store's lock: reading the store from it must not deadlock. */
    assert_true(vf_findings_count() >= 1);
}

static void test_dedup_and_hook(void **state)
{
    (void)state;
    hook_calls = 0;
    vf_set_finding_hook(hook, &hook_calls);
    for (int i = 0; i < 10000; i++)
        vf_report("TX-01", NULL, VF_CB_SEND, NULL, "NBL %p completed twice", (void *)0x1000);
    assert_int_equal(vf_findings_count(), 1);
    assert_int_equal(vf_findings_get(0)->count, 10000);
    assert_int_equal(hook_calls, 1);
    assert_ptr_equal(hook_last, vf_findings_get(0));

    /* Any difference makes a new finding. */
    vf_report("TX-01", NULL, VF_CB_SEND, NULL, "NBL %p completed twice", (void *)0x2000);
    vf_report("TX-01", NULL, VF_CB_RETURN, NULL, "NBL %p completed twice", (void *)0x1000);
    vf_report("TX-01", NULL, VF_CB_SEND, (void *)test_dedup_and_hook, "NBL %p completed twice", (void *)0x1000);
    vf_report_sev("TX-01", VF_SEV_WARNING, NULL, VF_CB_SEND, NULL, "NBL %p completed twice", (void *)0x1000);
    assert_int_equal(vf_findings_count(), 5);
    assert_int_equal(hook_calls, 5);

    vf_set_finding_hook(NULL, NULL);
    vf_report("OI-01", NULL, VF_CB_NONE, NULL, "x");
    assert_int_equal(hook_calls, 5);
}

static void test_clear(void **state)
{
    (void)state;
    vf_report("OI-01", NULL, VF_CB_NONE, NULL, "a");
    vf_report("OI-01", NULL, VF_CB_NONE, NULL, "b");
    assert_int_equal(vf_findings_count(), 2);
    vf_findings_clear();
    assert_int_equal(vf_findings_count(), 0);
    assert_null(vf_findings_get(0));
    vf_report("OI-01", NULL, VF_CB_NONE, NULL, "a");
    assert_int_equal(vf_findings_count(), 1);
    assert_int_equal(vf_findings_get(0)->count, 1);
}

/* Stands for a driver-facing API entry point: captures the caller's return address. */
static __attribute__((noinline)) void fake_ndis_api(void)
{
    void *site = VF_SITE();
    vf_report("ME-01", NULL, VF_CB_INITIALIZE, site, "zero tag");
    __asm__ volatile("" ::: "memory"); /* keep the call a real call, not a tail jump */
}

static void test_site_is_callers_line(void **state)
{
    (void)state;
    const int call_line = __LINE__ + 1;
    fake_ndis_api();
    __asm__ volatile("" ::: "memory");
    assert_int_equal(vf_findings_count(), 1);
    const vf_finding *f = vf_findings_get(0);
    assert_non_null(f->pc);
    assert_non_null(f->site.file);
    assert_true(ends_with(f->site.file, "test_verifier_findings.c"));
    assert_int_equal(f->site.line, call_line);
    assert_non_null(f->site.function);
    assert_string_equal(f->site.function, "test_site_is_callers_line");
    assert_non_null(f->site.module);
    assert_true(f->site.offset > 0);
    assert_null(f->acquired.file); /* not a leak */
}

static void test_irql_checks(void **state)
{
    (void)state;
    assert_true(vf_check_irql_max(2, "NdisAllocateMemoryWithTagPriority", NULL));
    assert_true(vf_check_irql_eq(0, "NdisMAllocateSharedMemory", NULL));
    assert_int_equal(vf_findings_count(), 0);
    vf_set_irql(2);
    assert_true(vf_check_irql_max(2, "NdisAllocateMemoryWithTagPriority", NULL));
    assert_false(vf_check_irql_max(0, "NdisMSleep", NULL));
    assert_false(vf_check_irql_eq(0, "NdisMAllocateSharedMemory", NULL));
    vf_set_irql(0);
    assert_int_equal(vf_findings_count(), 2);
    const vf_finding *f = vf_findings_get(0);
    assert_string_equal(f->rule, "IQ-01");
    assert_non_null(strstr(f->message, "NdisMSleep"));
    assert_non_null(strstr(f->message, "DISPATCH_LEVEL"));
    assert_non_null(strstr(f->message, "PASSIVE_LEVEL"));
    assert_non_null(strstr(vf_findings_get(1)->message, "NdisMAllocateSharedMemory"));
}

static void test_unknown_rule_recorded(void **state)
{
    (void)state;
#ifdef NDEBUG
    vf_report("ZZ-99", NULL, VF_CB_NONE, NULL, "not in the table");
    assert_int_equal(vf_findings_count(), 1);
    assert_string_equal(vf_findings_get(0)->rule, "ZZ-99");
    assert_int_equal(vf_findings_get(0)->severity, VF_SEV_ERROR);
    assert_string_equal(vf_findings_get(0)->title, "unknown rule");
#else
    skip(); /* debug builds abort on unknown ids, by design */
#endif
}

enum
{
    THREADS = 4,
    REPORTS = 2000
};

static void *reporter(void *arg)
{
    (void)arg;
    for (int i = 0; i < REPORTS; i++)
        vf_report("RX-02", NULL, VF_CB_RETURN, NULL, "NBL %d reused", i % 10);
    return NULL;
}

static void test_concurrent_reports(void **state)
{
    (void)state;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reporter, NULL), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    assert_int_equal(vf_findings_count(), 10);
    uint64_t total = 0;
    for (size_t i = 0; i < 10; i++)
        total += vf_findings_get(i)->count;
    assert_int_equal(total, THREADS * REPORTS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_report_fields, setup),
        cmocka_unit_test_setup(test_severity_from_table_and_override, setup),
        cmocka_unit_test_setup(test_current_context_used, setup),
        cmocka_unit_test_setup(test_dedup_and_hook, setup),
        cmocka_unit_test_setup(test_clear, setup),
        cmocka_unit_test_setup(test_site_is_callers_line, setup),
        cmocka_unit_test_setup(test_irql_checks, setup),
        cmocka_unit_test_setup(test_unknown_rule_recorded, setup),
        cmocka_unit_test_setup(test_concurrent_reports, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
