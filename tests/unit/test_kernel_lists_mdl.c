/* Interlocked list helpers (Ex* with a spin lock, SLISTs), list inlines, MDLs over host memory,
 * and the driver debug hooks (ASSERT, DbgPrint) that must report and carry on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

static vf_owner *g_owner;
static vf_frame g_frame;

static int setup(void **state)
{
    (void)state;
    g_owner = ts_frame_setup(&g_frame, "driver lists-test");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_frame_teardown(&g_frame, g_owner);
    return 0;
}

static void test_list_inlines(void **state)
{
    (void)state;
    LIST_ENTRY head, a, b, c;
    InitializeListHead(&head);
    assert_true(IsListEmpty(&head));
    InsertTailList(&head, &a);
    InsertTailList(&head, &b);
    InsertHeadList(&head, &c);
    assert_ptr_equal(head.Flink, &c);
    assert_ptr_equal(head.Blink, &b);
    assert_false(RemoveEntryList(&a)); /* list not empty afterwards */
    assert_ptr_equal(RemoveTailList(&head), &b);
    assert_ptr_equal(RemoveHeadList(&head), &c);
    assert_true(IsListEmpty(&head));
    InsertTailList(&head, &a);
    assert_true(RemoveEntryList(&a)); /* now empty */
    SINGLE_LIST_ENTRY sh = {NULL}, s1, s2;
    PushEntryList(&sh, &s1);
    PushEntryList(&sh, &s2);
    assert_ptr_equal(PopEntryList(&sh), &s2);
    assert_ptr_equal(PopEntryList(&sh), &s1);
    assert_null(PopEntryList(&sh));
}

static void test_ex_interlocked_lists(void **state)
{
    (void)state;
    KSPIN_LOCK lock;
    KeInitializeSpinLock(&lock);
    LIST_ENTRY head, a, b;
    InitializeListHead(&head);
    assert_null(ExInterlockedInsertTailList(&head, &a, &lock));
    assert_ptr_equal(ExInterlockedInsertHeadList(&head, &b, &lock), &a);
    assert_ptr_equal(ExInterlockedRemoveHeadList(&head, &lock), &b);
    assert_ptr_equal(ExInterlockedRemoveHeadList(&head, &lock), &a);
    assert_null(ExInterlockedRemoveHeadList(&head, &lock));
    assert_true(KeTestSpinLock(&lock));
}

static void test_slist(void **state)
{
    (void)state;
    SLIST_HEADER h;
    InitializeSListHead(&h);
    SLIST_ENTRY e[3];
    assert_int_equal(QueryDepthSList(&h), 0);
    assert_null(InterlockedPushEntrySList(&h, &e[0]));
    assert_ptr_equal(InterlockedPushEntrySList(&h, &e[1]), &e[0]);
    InterlockedPushEntrySList(&h, &e[2]);
    assert_int_equal(QueryDepthSList(&h), 3);
    assert_ptr_equal(InterlockedPopEntrySList(&h), &e[2]);
    PSLIST_ENTRY rest = InterlockedFlushSList(&h);
    assert_ptr_equal(rest, &e[1]);
    assert_ptr_equal(rest->Next, &e[0]);
    assert_int_equal(QueryDepthSList(&h), 0);
    assert_null(InterlockedPopEntrySList(&h));
}

static void test_mdl_over_host_memory(void **state)
{
    (void)state;
    static unsigned char buf[10000];
    PMDL m = IoAllocateMdl(buf + 100, 5000, FALSE, FALSE, NULL);
    assert_non_null(m);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_MDL), 1);
    assert_int_equal(MmGetMdlByteCount(m), 5000);
    assert_ptr_equal(MmGetMdlVirtualAddress(m), buf + 100);
    assert_int_equal(MmGetMdlByteOffset(m), BYTE_OFFSET(buf + 100));
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(m, LowPagePriority | MdlMappingNoExecute), buf + 100);
    MmBuildMdlForNonPagedPool(m);
    assert_true(m->MdlFlags & MDL_SOURCE_IS_NONPAGED_POOL);
    assert_ptr_equal(MmGetSystemAddressForMdlSafe(m, NormalPagePriority), buf + 100);
    IoFreeMdl(m);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_MDL), 0);
    IoFreeMdl(m);
    assert_int_equal(count_rule("AP-01"), 1);
    assert_int_equal(sizeof(MDL), 48);
}

static void test_assert_and_dbgprint_carry_on(void **state)
{
    (void)state;
    int x = 1;
    ASSERT(x == 1);
    NT_ASSERT(x == 1);
    size_t before = vf_findings_count();
    ASSERT(x == 2); /* reported (AS-01 when the rule table has it), never aborts */
    assert_true(vf_findings_count() >= before);
    DbgPrint("test %wZ %ld %I64u\n", (PUNICODE_STRING)NULL, (LONG)-1, (ULONGLONG)5);
    KdPrint(("kdprint %s\n", "ok"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_list_inlines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ex_interlocked_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_slist, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mdl_over_host_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_assert_and_dbgprint_carry_on, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
