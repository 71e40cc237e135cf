/* Lookaside lists: custom Allocate/Free routines called with exactly the documented arguments
 * inside a lookaside frame, freed entries cached and reused, delete calling the custom free for
 * every cached entry, and AP-02 for lists that were never initialized. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ndis.h>

#include "kernel/kernel_internal.h"
#include "test_support.h"

#define TAG 0x6B6F6F4Cu
#define ENTRY_SIZE 200

static vf_owner *g_owner;
static vf_frame g_frame;
static int g_allocs, g_frees;
static POOL_TYPE g_type;
static SIZE_T g_size;
static ULONG g_tag;
static vf_callback g_cb;
static PLOOKASIDE_LIST_EX g_ex_seen;

static int setup(void **state)
{
    (void)state;
    g_owner = ts_frame_setup(&g_frame, "driver lookaside-test");
    g_allocs = g_frees = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    ts_frame_teardown(&g_frame, g_owner);
    return 0;
}

static PVOID my_alloc(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    g_type = PoolType;
    g_size = NumberOfBytes;
    g_tag = Tag;
    g_cb = vf_current_callback();
    g_allocs++;
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID my_free(PVOID Buffer)
{
    g_frees++;
    ExFreePool(Buffer);
}

static void test_ndis_custom_routines_and_delete(void **state)
{
    (void)state;
    static NPAGED_LOOKASIDE_LIST l;
    NdisInitializeNPagedLookasideList(&l, my_alloc, my_free, 0, ENTRY_SIZE, TAG, 0);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_LOOKASIDE), 1);
    void *e[6];
    for (int i = 0; i < 6; i++)
        assert_non_null(e[i] = NdisAllocateFromNPagedLookasideList(&l));
    assert_int_equal(g_allocs, 6);
    assert_int_equal(g_size, ENTRY_SIZE);
    assert_int_equal(g_tag, TAG);
    assert_true(g_type == NonPagedPoolNx || g_type == NonPagedPool);
    assert_int_equal(g_cb, VF_CB_LOOKASIDE);
    for (int i = 0; i < 6; i++)
        NdisFreeToNPagedLookasideList(&l, e[i]);
    int cached = 6 - g_frees;
    assert_true(cached > 0);
    /* A cached entry is reused without calling the allocator. */
    void *again = NdisAllocateFromNPagedLookasideList(&l);
    assert_int_equal(g_allocs, 6);
    NdisFreeToNPagedLookasideList(&l, again);
    NdisDeleteNPagedLookasideList(&l);
    assert_int_equal(g_frees, 6); /* every cached entry went through the custom free */
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_LOOKASIDE), 0);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_ex_default_routines(void **state)
{
    (void)state;
    static NPAGED_LOOKASIDE_LIST l;
    ExInitializeNPagedLookasideList(&l, NULL, NULL, POOL_NX_ALLOCATION, 48, TAG, 0);
    void *a = ExAllocateFromNPagedLookasideList(&l);
    assert_non_null(a);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 1);
    ExFreeToNPagedLookasideList(&l, a);
    ExDeleteNPagedLookasideList(&l);
    assert_int_equal(vf_ledger_count(g_owner, VF_RES_POOL), 0);
    assert_int_equal(vf_findings_count(), 0);
}

static PVOID ex_alloc(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag, PLOOKASIDE_LIST_EX Lookaside)
{
    g_ex_seen = Lookaside;
    g_allocs++;
    return ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

static VOID ex_free(PVOID Buffer, PLOOKASIDE_LIST_EX Lookaside)
{
    g_ex_seen = Lookaside;
    g_frees++;
    ExFreePool(Buffer);
}

static void test_lookaside_list_ex(void **state)
{
    (void)state;
    static LOOKASIDE_LIST_EX l;
    assert_int_equal(
        ExInitializeLookasideListEx(&l, ex_alloc, ex_free, NonPagedPoolNx,
                                    EX_LOOKASIDE_LIST_EX_FLAGS_RAISE_ON_FAIL | EX_LOOKASIDE_LIST_EX_FLAGS_FAIL_NO_RAISE,
                                    32, TAG, 0),
        STATUS_INVALID_PARAMETER_5);
    assert_int_equal(ExInitializeLookasideListEx(&l, ex_alloc, ex_free, NonPagedPoolNx, 0, 32, TAG, 0), STATUS_SUCCESS);
    void *a = ExAllocateFromLookasideListEx(&l);
    assert_ptr_equal(g_ex_seen, &l);
    ExFreeToLookasideListEx(&l, a);
    ExFlushLookasideListEx(&l);
    assert_int_equal(g_frees, 1);
    ExDeleteLookasideListEx(&l);
    assert_int_equal(vf_findings_count(), 0);
}

static void test_uninitialized_list_is_ap02(void **state)
{
    (void)state;
    static NPAGED_LOOKASIDE_LIST l;
    memset(&l, 0, sizeof l);
    assert_null(NdisAllocateFromNPagedLookasideList(&l));
    NdisDeleteNPagedLookasideList(&l);
    assert_int_equal(count_rule("AP-02"), 2);
}

static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(sizeof(NPAGED_LOOKASIDE_LIST), 128);
    assert_int_equal(sizeof(LOOKASIDE_LIST_EX), 96);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ndis_custom_routines_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ex_default_routines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookaside_list_ex, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uninitialized_list_is_ap02, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
