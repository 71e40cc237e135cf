#include "contract_util.h"
#include "test_support.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SCRIPTED_DRIVER_PATH
#error "SCRIPTED_DRIVER_PATH must name the scripted driver's shared object"
#endif

ct_env ct;

static void *sym(const char *name)
{
    void *p = dlsym(ct.dl, name);
    if (!p)
    {
        fprintf(stderr, "scripted driver: no symbol %s\n", name);
        abort();
    }
    return p;
}

int ct_group_setup(void **state)
{
    (void)state;
    /* RTLD_LOCAL as the host does: the host's own dlopen of the same path returns this very
     * object, so the script written here is what DriverEntry reads. */
    ct.dl = dlopen(SCRIPTED_DRIVER_PATH, RTLD_NOW | RTLD_LOCAL);
    if (!ct.dl)
    {
        fprintf(stderr, "cannot load %s: %s\n", SCRIPTED_DRIVER_PATH, dlerror());
        return -1;
    }
    ct.ctl = sym("ScriptedControl");
    ct.reset = (ScriptedResetFn *)sym("ScriptedReset");
    ct.next_seq = (ScriptedNextSeqFn *)sym("ScriptedNextSeq");
    ct.wait_threads = (ScriptedWaitThreadsFn *)sym("ScriptedWaitThreads");
    ct.complete_late = (ScriptedCompleteLateFn *)sym("ScriptedCompleteLate");
    ct.indicate_status = (ScriptedIndicateStatusFn *)sym("ScriptedIndicateStatus");
    ct.arm_driver_timer = (ScriptedArmDriverTimerFn *)sym("ScriptedArmDriverTimer");
    return 0;
}

int ct_group_teardown(void **state)
{
    (void)state;
    if (ct.dl)
    {
        ct.reset();
        dlclose(ct.dl);
    }
    memset(&ct, 0, sizeof ct);
    return 0;
}

int ct_setup(void **state)
{
    (void)state;
    ndis_timeouts t = {
        .pause_ns = 20LL * 1000000000LL,
        .restart_ns = 20LL * 1000000000LL,
        .oid_ns = 12LL * 1000000000LL,
        .halt_ns = 20LL * 1000000000LL,
    };
    ndis_set_timeouts(&t);
    ct.reset();
    ScriptedControlBlock *c = ct.ctl;
    c->entry_status = STATUS_SUCCESS;
    c->init.status = NDIS_STATUS_SUCCESS;
    c->pause = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS};
    c->restart = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS, .complete_status = NDIS_STATUS_SUCCESS};
    c->oid = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS, .complete_status = NDIS_STATUS_SUCCESS};
    c->oid_bytes_written = 4;
    c->oid_fill = 0x5A;
    vf_findings_clear();
    vf_set_irql(PASSIVE_LEVEL);
    return 0;
}

int ct_teardown(void **state)
{
    (void)state;
    ct.wait_threads();
    vf_findings_clear();
    return 0;
}

void ct_adapter_setup(void **state, ndis_driver **d, ndis_adapter **a, ndis_adapter_state up_to)
{
    ct_setup(state);
    *d = ct_load();
    *a = ndis_adapter_create(*d, NULL);
    if (up_to == NDIS_ADAPTER_HALTED)
        return;
    assert_int_equal(ndis_adapter_initialize(*a), NDIS_STATUS_SUCCESS);
    if (up_to == NDIS_ADAPTER_RUNNING)
        assert_int_equal(ndis_adapter_restart(*a), NDIS_STATUS_SUCCESS);
}

int ct_adapter_teardown(void **state, ndis_driver **d, ndis_adapter **a)
{
    /* The driver's completion threads finish first, and the clean-up pause must neither pend nor
     * call back into a test's observer whose frame is gone. */
    ct.wait_threads();
    ct.ctl->pause = (sc_async){.mode = SC_SYNC, .status = NDIS_STATUS_SUCCESS};
    ct.ctl->observe = NULL;
    if (ndis_adapter_get_state(*a) == NDIS_ADAPTER_RUNNING)
        ndis_adapter_pause(*a, NULL);
    if (ndis_adapter_get_state(*a) == NDIS_ADAPTER_PAUSED)
        ndis_adapter_halt(*a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(*a);
    ndis_driver_unload(*d);
    *a = NULL;
    *d = NULL;
    return ct_teardown(state);
}

ndis_driver *ct_load_expect(ndis_load_result expected)
{
    ndis_driver *d = NULL;
    char err[512] = "";
    ndis_load_result r = ndis_driver_load(SCRIPTED_DRIVER_PATH, &d, err, sizeof err);
    if (r != expected)
        fprintf(stderr, "ndis_driver_load: %d (%s), expected %d\n", (int)r, err, (int)expected);
    assert_int_equal(r, expected);
    if (expected == NDIS_LOAD_OK)
        assert_non_null(d);
    else
    {
        assert_null(d);
        assert_true(err[0] != '\0');
    }
    return d;
}

size_t ct_count(const char *rule)
{
    return count_rule(rule);
}

void ct_print_findings(void)
{
    for (size_t i = 0; i < vf_findings_count(); i++)
    {
        const vf_finding *f = vf_findings_get(i);
        fprintf(stderr, "  finding %zu: %s [%s] in %s (%s) x%llu: %s at %s:%d\n", i, f->rule,
                vf_severity_name(f->severity), f->callback ? f->callback : "?", f->owner ? f->owner : "?",
                (unsigned long long)f->count, f->message, f->site.file ? f->site.file : "?", f->site.line);
    }
}

void ct_expect_findings_(const char *file, int line, ...)
{
    const char *want[32];
    size_t n = 0;
    va_list ap;
    va_start(ap, line);
    for (const char *r = va_arg(ap, const char *); r && n < 32; r = va_arg(ap, const char *))
        want[n++] = r;
    va_end(ap);
    bool ok = vf_findings_count() == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(vf_findings_get(i)->rule, want[i]) == 0;
    if (!ok)
    {
        fprintf(stderr, "%s:%d: expected findings:", file, line);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %s", want[i]);
        fprintf(stderr, "%s\n  got %zu:\n", n ? "" : " (none)", vf_findings_count());
        ct_print_findings();
    }
    _assert_true(ok, "findings as expected", file, line);
}

const char *ct_log(void)
{
    static char buf[SC_LOG_MAX + 1];
    ct.wait_threads();
    unsigned n = __atomic_load_n(&ct.ctl->log_len, __ATOMIC_SEQ_CST);
    if (n > SC_LOG_MAX)
        n = SC_LOG_MAX;
    for (unsigned i = 0; i < n; i++)
        buf[i] = ct.ctl->log[i].what;
    buf[n] = '\0';
    return buf;
}

const sc_event *ct_event(char what, unsigned nth)
{
    ct.wait_threads();
    unsigned n = __atomic_load_n(&ct.ctl->log_len, __ATOMIC_SEQ_CST);
    for (unsigned i = 0; i < n && i < SC_LOG_MAX; i++)
        if (ct.ctl->log[i].what == what && nth-- == 0)
            return &ct.ctl->log[i];
    return NULL;
}

void ct_assert_irql(char what, KIRQL irql)
{
    unsigned seen = 0;
    for (const sc_event *e; (e = ct_event(what, seen)) != NULL; seen++)
    {
        if (e->irql != irql)
            fprintf(stderr, "event %c #%u ran at IRQL %u, expected %u\n", what, seen, e->irql, irql);
        assert_int_equal(e->irql, irql);
    }
    assert_true(seen > 0);
}

unsigned ct_seq(void)
{
    return ct.next_seq();
}

void ct_short_timeouts(int64_t ns)
{
    ndis_timeouts t = {.pause_ns = ns, .restart_ns = ns, .oid_ns = ns, .halt_ns = ns};
    ndis_set_timeouts(&t);
}
