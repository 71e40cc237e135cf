/* Executive resources (src/kernel/eresource.c): exclusive and shared ownership with recursion,
 * waiting behind owners and exclusive waiters (and StarveExclusive not waiting), release for
 * another thread, exclusive-to-shared conversion, and findings (AP-02, IQ-01) instead of hangs or
 * crashes for misuse. Waits are observed through the waiter counts and events, never timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_ex.h"
#include "kernel/kernel_internal.h"
#include "test_support.h"

static ERESOURCE g_res;

static int setup(void **state)
{
    ts_reset_context();
    assert_int_equal(ExInitializeResourceLite(&g_res), STATUS_SUCCESS);
    return 0;
}

static int teardown(void **state)
{
    ExDeleteResourceLite(&g_res);
    ts_reset_context();
    return 0;
}

/* A helper thread that runs one operation on request and reports the result. */
typedef enum op
{
    OP_EXCLUSIVE_WAIT,
    OP_EXCLUSIVE_TRY,
    OP_SHARED_WAIT,
    OP_SHARED_TRY,
    OP_STARVE_TRY,
    OP_RELEASE,
    OP_RELEASE_FOR,
    OP_QUIT,
} op;

typedef struct helper
{
    exec_thread *t;
    KEVENT go, done;
    op op;
    ERESOURCE_THREAD for_thread;
    BOOLEAN result;
} helper;

static void helper_main(void *arg)
{
    helper *h = arg;
    for (;;)
    {
        kernel_event_wait(&h->go, -1);
        switch (h->op)
        {
        case OP_EXCLUSIVE_WAIT:
            h->result = ExAcquireResourceExclusiveLite(&g_res, TRUE);
            break;
        case OP_EXCLUSIVE_TRY:
            h->result = ExAcquireResourceExclusiveLite(&g_res, FALSE);
            break;
        case OP_SHARED_WAIT:
            h->result = ExAcquireResourceSharedLite(&g_res, TRUE);
            break;
        case OP_SHARED_TRY:
            h->result = ExAcquireResourceSharedLite(&g_res, FALSE);
            break;
        case OP_STARVE_TRY:
            h->result = ExAcquireSharedStarveExclusive(&g_res, FALSE);
            break;
        case OP_RELEASE:
            ExReleaseResourceLite(&g_res);
            break;
        case OP_RELEASE_FOR:
            ExReleaseResourceForThreadLite(&g_res, h->for_thread);
            break;
        case OP_QUIT:
            kernel_event_set(&h->done);
            return;
        }
        kernel_event_set(&h->done);
    }
}

static void helper_start(helper *h)
{
    KeInitializeEvent(&h->go, SynchronizationEvent, FALSE);
    KeInitializeEvent(&h->done, SynchronizationEvent, FALSE);
    assert_int_equal(exec_thread_start(&h->t, "eres-helper", helper_main, h), 0);
}

/* Runs an operation and waits for it. */
static BOOLEAN helper_do(helper *h, op o)
{
    h->op = o;
    kernel_event_set(&h->go);
    kernel_event_wait(&h->done, -1);
    return h->result;
}

/* Starts an operation that is expected to block; returns at once. */
static void helper_start_op(helper *h, op o)
{
    h->op = o;
    kernel_event_set(&h->go);
}

static BOOLEAN helper_finish_op(helper *h)
{
    kernel_event_wait(&h->done, -1);
    return h->result;
}

static void helper_stop(helper *h)
{
    helper_do(h, OP_QUIT);
    exec_thread_join(h->t);
}

static void wait_for_waiters(ULONG exclusive, ULONG shared)
{
    while (ExGetExclusiveWaiterCount(&g_res) != exclusive || ExGetSharedWaiterCount(&g_res) != shared)
        exec_yield();
}

static void test_exclusive_is_recursive_and_excludes_others(void **state)
{
    helper h;
    helper_start(&h);
    assert_true(ExAcquireResourceExclusiveLite(&g_res, TRUE));
    assert_true(ExAcquireResourceExclusiveLite(&g_res, FALSE));
    /* An exclusive owner asking for shared access gets it as one more exclusive acquisition. */
    assert_true(ExAcquireResourceSharedLite(&g_res, FALSE));
    assert_true(ExIsResourceAcquiredExclusiveLite(&g_res));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&g_res), 3);
    assert_false(helper_do(&h, OP_EXCLUSIVE_TRY));
    assert_false(helper_do(&h, OP_SHARED_TRY));
    assert_false(helper_do(&h, OP_STARVE_TRY));
    ExReleaseResourceLite(&g_res);
    ExReleaseResourceLite(&g_res);
    assert_int_equal(ExIsResourceAcquiredSharedLite(&g_res), 1);
    assert_false(helper_do(&h, OP_SHARED_TRY));
    ExReleaseResourceLite(&g_res);
    assert_false(ExIsResourceAcquiredExclusiveLite(&g_res));
    assert_true(helper_do(&h, OP_EXCLUSIVE_TRY));
    helper_do(&h, OP_RELEASE);
    helper_stop(&h);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_shared_owners_coexist(void **state)
{
    helper h;
    helper_start(&h);
    assert_true(ExAcquireResourceSharedLite(&g_res, TRUE));
    assert_true(ExAcquireResourceSharedLite(&g_res, TRUE)); /* recursive */
    assert_true(helper_do(&h, OP_SHARED_TRY));
    assert_false(helper_do(&h, OP_EXCLUSIVE_TRY)); /* it owns it shared: that would deadlock */
    assert_int_equal(count_rule("AP-02"), 1);
    vf_findings_clear();
    assert_int_equal(ExIsResourceAcquiredSharedLite(&g_res), 2);
    assert_false(ExIsResourceAcquiredExclusiveLite(&g_res));
    helper_do(&h, OP_RELEASE);
    ExReleaseResourceLite(&g_res);
    ExReleaseResourceLite(&g_res);
    helper_stop(&h);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_exclusive_waits_for_shared_and_blocks_new_shared(void **state)
{
    helper writer, reader;
    helper_start(&writer);
    helper_start(&reader);
    assert_true(ExAcquireResourceSharedLite(&g_res, TRUE));
    helper_start_op(&writer, OP_EXCLUSIVE_WAIT);
    wait_for_waiters(1, 0);
    /* New shared requests queue behind the exclusive waiter, StarveExclusive does not. */
    assert_false(helper_do(&reader, OP_SHARED_TRY));
    assert_true(helper_do(&reader, OP_STARVE_TRY));
    helper_do(&reader, OP_RELEASE);
    /* The owner's own recursive shared request is granted despite the waiter. */
    assert_true(ExAcquireResourceSharedLite(&g_res, FALSE));
    ExReleaseResourceLite(&g_res);
    ExReleaseResourceLite(&g_res);
    assert_true(helper_finish_op(&writer));
    assert_int_equal(ExGetExclusiveWaiterCount(&g_res), 0);
    assert_false(ExAcquireResourceSharedLite(&g_res, FALSE));
    helper_do(&writer, OP_RELEASE);
    assert_true(ExAcquireResourceExclusiveLite(&g_res, FALSE));
    ExReleaseResourceLite(&g_res);
    helper_stop(&writer);
    helper_stop(&reader);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_shared_waits_for_exclusive_owner(void **state)
{
    helper reader;
    helper_start(&reader);
    assert_true(ExAcquireResourceExclusiveLite(&g_res, TRUE));
    helper_start_op(&reader, OP_SHARED_WAIT);
    wait_for_waiters(0, 1);
    ExReleaseResourceLite(&g_res);
    assert_true(helper_finish_op(&reader));
    assert_false(ExAcquireResourceExclusiveLite(&g_res, FALSE));
    helper_do(&reader, OP_RELEASE);
    helper_stop(&reader);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_convert_exclusive_to_shared_admits_waiting_readers(void **state)
{
    helper reader;
    helper_start(&reader);
    assert_true(ExAcquireResourceExclusiveLite(&g_res, TRUE));
    helper_start_op(&reader, OP_SHARED_WAIT);
    wait_for_waiters(0, 1);
    ExConvertExclusiveToSharedLite(&g_res);
    assert_true(helper_finish_op(&reader));
    assert_false(ExIsResourceAcquiredExclusiveLite(&g_res));
    assert_int_equal(ExIsResourceAcquiredSharedLite(&g_res), 1);
    ExReleaseResourceLite(&g_res);
    helper_do(&reader, OP_RELEASE);
    helper_stop(&reader);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_release_for_another_thread(void **state)
{
    helper h;
    helper_start(&h);
    assert_true(ExAcquireResourceSharedLite(&g_res, TRUE));
    h.for_thread = ExGetCurrentResourceThread();
    helper_do(&h, OP_RELEASE_FOR);
    assert_int_equal(ExIsResourceAcquiredSharedLite(&g_res), 0);
    assert_true(helper_do(&h, OP_EXCLUSIVE_TRY));
    helper_do(&h, OP_RELEASE);
    helper_stop(&h);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_misuse_is_reported_not_fatal(void **state)
{
    /* Release without owning. */
    ExReleaseResourceLite(&g_res);
    assert_int_equal(count_rule("AP-02"), 1);
    /* A resource that was never initialized, and a NULL one. */
    ERESOURCE raw;
    memset(&raw, 0xa5, sizeof raw);
    assert_false(ExAcquireResourceExclusiveLite(&raw, TRUE));
    ExReleaseResourceLite(&raw);
    ExDeleteResourceLite(NULL);
    assert_int_equal(count_rule("AP-02"), 4);
    vf_findings_clear();
    /* Initialized twice: reported, the live one is kept. */
    assert_true(ExAcquireResourceExclusiveLite(&g_res, TRUE));
    ExInitializeResourceLite(&g_res);
    assert_int_equal(count_rule("AP-02"), 1);
    assert_true(ExIsResourceAcquiredExclusiveLite(&g_res));
    /* Deleted while owned: reported and not deleted. */
    ExDeleteResourceLite(&g_res);
    assert_int_equal(count_rule("AP-02"), 2);
    assert_true(ExIsResourceAcquiredExclusiveLite(&g_res));
    ExReleaseResourceLite(&g_res);
    /* Acquiring at DISPATCH_LEVEL. */
    vf_set_irql(DISPATCH_LEVEL);
    assert_true(ExAcquireResourceExclusiveLite(&g_res, FALSE));
    vf_set_irql(PASSIVE_LEVEL);
    ExReleaseResourceLite(&g_res);
    assert_int_equal(count_rule("IQ-01"), 1);
}

static void test_delete_and_live_registry(void **state)
{
    size_t before = kernel_eresources_live();
    struct
    {
        int pad;
        ERESOURCE r;
    } *block = calloc(1, sizeof *block);
    assert_int_equal(ExInitializeResourceLite(&block->r), STATUS_SUCCESS);
    assert_int_equal(kernel_eresources_live(), before + 1);
    /* Memory about to be freed with a live resource in it can be recognized. */
    assert_true(kernel_eresource_in_range(block, sizeof *block));
    assert_false(kernel_eresource_in_range(&block->pad, sizeof block->pad));
    assert_int_equal(ExDeleteResourceLite(&block->r), STATUS_SUCCESS);
    assert_int_equal(kernel_eresources_live(), before);
    assert_false(kernel_eresource_in_range(block, sizeof *block));
    /* Deleted: using it again is a finding. */
    assert_false(ExAcquireResourceSharedLite(&block->r, FALSE));
    assert_int_equal(count_rule("AP-02"), 1);
    free(block);
}

static void test_reinitialize_drops_owners(void **state)
{
    assert_true(ExAcquireResourceExclusiveLite(&g_res, TRUE));
    assert_int_equal(ExReinitializeResourceLite(&g_res), STATUS_SUCCESS);
    assert_false(ExIsResourceAcquiredExclusiveLite(&g_res));
    assert_true(ExAcquireResourceSharedLite(&g_res, FALSE));
    ExReleaseResourceLite(&g_res);
    assert_int_equal(vf_findings_count(), 0);
}

/* Initialized and not deleted is a ledger entry of the initializing owner (HA-10 at its check,
 * then deleted by the host); pool freed with a live resource in it is ME-02 and deletes it. */
static void test_ledger_and_pool_free(void **state)
{
    vf_frame f;
    vf_owner *o = ts_frame_setup(&f, "driver");
    ERESOURCE left;
    assert_int_equal(ExInitializeResourceLite(&left), STATUS_SUCCESS);
    assert_int_equal(vf_ledger_count(o, VF_RES_ERESOURCE), 1);
    size_t live = kernel_eresources_live();
    assert_int_equal(vf_ledger_report_leftovers(o, NULL, "halt"), 1);
    assert_int_equal(count_rule("HA-10"), 1);
    assert_int_equal(kernel_eresources_live(), live - 1);
    assert_int_equal(ExDeleteResourceLite(&left), STATUS_INVALID_PARAMETER); /* already reclaimed: AP-02 */
    assert_int_equal(count_rule("AP-02"), 1);

    typedef struct block
    {
        ULONG before;
        ERESOURCE res;
    } block;
    block *b = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof *b, 'tseR');
    assert_non_null(b);
    assert_int_equal(ExInitializeResourceLite(&b->res), STATUS_SUCCESS);
    assert_true(kernel_eresource_in_range(b, sizeof *b));
    ExFreePoolWithTag(b, 'tseR');
    assert_int_equal(count_rule("ME-02"), 1);
    assert_int_equal(kernel_eresources_live(), live - 1);
    assert_int_equal(vf_ledger_count(o, VF_RES_ERESOURCE), 0);

    /* Deleted first: a plain free. */
    b = ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof *b, 'tseR');
    assert_non_null(b);
    assert_int_equal(ExInitializeResourceLite(&b->res), STATUS_SUCCESS);
    assert_int_equal(ExDeleteResourceLite(&b->res), STATUS_SUCCESS);
    ExFreePoolWithTag(b, 'tseR');
    assert_int_equal(count_rule("ME-02"), 1);
    ts_frame_teardown(&f, o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exclusive_is_recursive_and_excludes_others, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_owners_coexist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exclusive_waits_for_shared_and_blocks_new_shared, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_waits_for_exclusive_owner, setup, teardown),
        cmocka_unit_test_setup_teardown(test_convert_exclusive_to_shared_admits_waiting_readers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_release_for_another_thread, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misuse_is_reported_not_fatal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_and_live_registry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reinitialize_drops_owners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ledger_and_pool_free, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
