/* MiniportHaltEx and its watchdog (HA-01): a halt handler that blocks is first given back what
 * the protocol holds (hooks->watchdog), and reported only if it still does not return. The
 * handler here blocks on a semaphore that only the watchdog hook or the HA-01 report releases:
 * no timing is asserted. */
#include "contract_util.h"

#include <string.h>

static ndis_driver *d;
static ndis_adapter *a;
static sem_t release;
static unsigned watchdog_calls;
static int state_in_watchdog;

static int setup(void **state)
{
    sem_init(&release, 0, 0);
    watchdog_calls = 0;
    state_in_watchdog = -1;
    ct_adapter_setup(state, &d, &a, NDIS_ADAPTER_PAUSED);
    return 0;
}

static int teardown(void **state)
{
    vf_set_finding_hook(NULL, NULL);
    ct.ctl->observe = NULL;
    if (ndis_adapter_get_state(a) == NDIS_ADAPTER_PAUSED)
        ndis_adapter_halt(a, NdisHaltDeviceDisabled, NULL);
    ndis_adapter_destroy(a);
    ndis_driver_unload(d);
    sem_destroy(&release);
    a = NULL;
    d = NULL;
    return ct_teardown(state);
}

static void halt_blocks(char what, void *arg)
{
    if (what == 'H')
        sem_wait(&release);
}

static void release_on_ha01(const vf_finding *f, void *arg)
{
    if (strcmp(f->rule, "HA-01") == 0)
        sem_post(&release);
}

static size_t watchdog_holds_nothing(void *arg, ndis_adapter *ad)
{
    watchdog_calls++;
    state_in_watchdog = ndis_adapter_get_state(ad);
    return 0;
}

static size_t watchdog_gives_back(void *arg, ndis_adapter *ad)
{
    watchdog_calls++;
    sem_post(&release); /* what the blocked halt handler was waiting for */
    return 1;
}

static void test_halt_hangs(void **state)
{
    ct_short_timeouts(20LL * 1000000LL);
    ct.ctl->halt_calls_observe = TRUE;
    ct.ctl->observe = halt_blocks;
    vf_set_finding_hook(release_on_ha01, NULL);
    const ndis_pause_hooks h = {.watchdog = watchdog_holds_nothing};
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, &h);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_int_equal(watchdog_calls, 1);
    /* The halt is still in progress when the watchdog runs: the adapter is not Halted yet. */
    assert_int_not_equal(state_in_watchdog, NDIS_ADAPTER_HALTED);
    ct_expect_findings("HA-01");
    assert_string_equal(vf_findings_get(0)->callback, vf_callback_name(VF_CB_HALT));
}

static void test_halt_waits_for_protocol(void **state)
{
    ct_short_timeouts(20LL * 1000000LL);
    ct.ctl->halt_calls_observe = TRUE;
    ct.ctl->observe = halt_blocks;
    vf_set_finding_hook(release_on_ha01, NULL);
    const ndis_pause_hooks h = {.watchdog = watchdog_gives_back};
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, &h);
    assert_int_equal(ndis_adapter_get_state(a), NDIS_ADAPTER_HALTED);
    assert_int_equal(watchdog_calls, 1);
    ct_expect_no_findings();
}

/* A halt that returns at once never reaches the watchdog hook. */
static void test_halt_prompt(void **state)
{
    const ndis_pause_hooks h = {.watchdog = watchdog_holds_nothing};
    ndis_adapter_halt(a, NdisHaltDeviceDisabled, &h);
    assert_int_equal(watchdog_calls, 0);
    assert_string_equal(ct_log(), "DOIH");
    ct_expect_no_findings();
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_halt_hangs),
        T(test_halt_waits_for_protocol),
        T(test_halt_prompt),
    };
    return cmocka_run_group_tests(tests, ct_group_setup, ct_group_teardown);
}
