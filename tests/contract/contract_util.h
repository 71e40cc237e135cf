/* Shared helpers of the contract tests: access to the scripted driver's control block, loading
 * it through the host, and assertions on findings and on what the driver observed. */
#ifndef NDISHOST_TESTS_CONTRACT_UTIL_H
#define NDISHOST_TESTS_CONTRACT_UTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "drivers/scripted.h"
#include "ndis/ndis_host.h"
#include "verifier/verifier.h"

typedef struct ct_env
{
    void *dl; /* the test's own handle on the driver object */
    ScriptedControlBlock *ctl;
    ScriptedResetFn *reset;
    ScriptedNextSeqFn *next_seq;
    ScriptedWaitThreadsFn *wait_threads;
    ScriptedCompleteLateFn *complete_late;
    ScriptedIndicateStatusFn *indicate_status;
    ScriptedArmDriverTimerFn *arm_driver_timer;
} ct_env;

extern ct_env ct;

/* cmocka group setup: opens the driver object once per test binary. */
int ct_group_setup(void **state);
int ct_group_teardown(void **state);
/* Per-test setup: default timeouts, no findings, a correct script (every handler succeeds
 * synchronously). */
int ct_setup(void **state);
int ct_teardown(void **state);

/* Per-test setup of the tests that drive one adapter: ct_setup, load the driver, create an
 * adapter and bring it up to `up_to` (NDIS_ADAPTER_HALTED: created only, NDIS_ADAPTER_PAUSED:
 * initialized, NDIS_ADAPTER_RUNNING: initialized and restarted), asserting each step. */
void ct_adapter_setup(void **state, ndis_driver **d, ndis_adapter **a, ndis_adapter_state up_to);
/* The teardown to match: takes the adapter down from wherever the test left it with the default
 * script, destroys it, unloads the driver, clears *a and *d, then ct_teardown. */
int ct_adapter_teardown(void **state, ndis_driver **d, ndis_adapter **a);

/* ndis_driver_load of the scripted driver; asserts the result. */
ndis_driver *ct_load_expect(ndis_load_result expected);
#define ct_load() ct_load_expect(NDIS_LOAD_OK)

/* Number of distinct findings with this rule id. */
size_t ct_count(const char *rule);
/* Asserts that the findings are exactly `rules` (NULL-terminated), in report order. Prints all
 * findings when they are not. */
void ct_expect_findings_(const char *file, int line, ...);
#define ct_expect_findings(...) ct_expect_findings_(__FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)
#define ct_expect_no_findings() ct_expect_findings_(__FILE__, __LINE__, (const char *)NULL)
void ct_print_findings(void);

/* The callbacks the driver saw, as a string of their letters (scripted.h sc_event.what);
 * joins the driver's threads first. */
const char *ct_log(void);
/* The i-th event with letter `what` (0-based), or NULL. */
const sc_event *ct_event(char what, unsigned nth);
/* Asserts every recorded event of letter `what` ran at `irql`. */
void ct_assert_irql(char what, KIRQL irql);

/* A sequence number ordered after every event the driver recorded so far. */
unsigned ct_seq(void);

/* Sets all timeouts to `ns` for the watchdog tests (the defaults are restored by ct_setup). */
void ct_short_timeouts(int64_t ns);

/* Test/driver handshakes (POSIX semaphores: no timing). */
#include <semaphore.h>

#endif
