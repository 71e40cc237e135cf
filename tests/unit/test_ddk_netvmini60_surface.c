/* The NDIS 6.0 surface of Microsoft's netvmini sample (compat-netvmini.md sections 2a and 2b,
 * every function the netvmini60 build calls): each must be declared by <ndis.h> and, unless the
 * WDK makes it a macro, exported by libndishost. A name missing from the headers fails the build
 * of this test; a function declared but not implemented fails its link. */
#define NDIS60_MINIPORT 1
#include <ndis.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

typedef struct surface_entry
{
    const char *name;
    const void *address; /* NULL: provided as a macro */
} surface_entry;

static const surface_entry netvmini60_surface[] = {
#ifdef NdisMRegisterMiniportDriver
    {"NdisMRegisterMiniportDriver", NULL},
#else
    {"NdisMRegisterMiniportDriver", (const void *)&NdisMRegisterMiniportDriver},
#endif
#ifdef NdisMDeregisterMiniportDriver
    {"NdisMDeregisterMiniportDriver", NULL},
#else
    {"NdisMDeregisterMiniportDriver", (const void *)&NdisMDeregisterMiniportDriver},
#endif
#ifdef NdisMSetMiniportAttributes
    {"NdisMSetMiniportAttributes", NULL},
#else
    {"NdisMSetMiniportAttributes", (const void *)&NdisMSetMiniportAttributes},
#endif
#ifdef NdisMGetDeviceProperty
    {"NdisMGetDeviceProperty", NULL},
#else
    {"NdisMGetDeviceProperty", (const void *)&NdisMGetDeviceProperty},
#endif
#ifdef NdisMIndicateReceiveNetBufferLists
    {"NdisMIndicateReceiveNetBufferLists", NULL},
#else
    {"NdisMIndicateReceiveNetBufferLists", (const void *)&NdisMIndicateReceiveNetBufferLists},
#endif
#ifdef NdisMSendNetBufferListsComplete
    {"NdisMSendNetBufferListsComplete", NULL},
#else
    {"NdisMSendNetBufferListsComplete", (const void *)&NdisMSendNetBufferListsComplete},
#endif
#ifdef NdisMPauseComplete
    {"NdisMPauseComplete", NULL},
#else
    {"NdisMPauseComplete", (const void *)&NdisMPauseComplete},
#endif
#ifdef NdisMResetComplete
    {"NdisMResetComplete", NULL},
#else
    {"NdisMResetComplete", (const void *)&NdisMResetComplete},
#endif
#ifdef NdisMSleep
    {"NdisMSleep", NULL},
#else
    {"NdisMSleep", (const void *)&NdisMSleep},
#endif
#ifdef NdisOpenConfigurationEx
    {"NdisOpenConfigurationEx", NULL},
#else
    {"NdisOpenConfigurationEx", (const void *)&NdisOpenConfigurationEx},
#endif
#ifdef NdisCloseConfiguration
    {"NdisCloseConfiguration", NULL},
#else
    {"NdisCloseConfiguration", (const void *)&NdisCloseConfiguration},
#endif
#ifdef NdisReadConfiguration
    {"NdisReadConfiguration", NULL},
#else
    {"NdisReadConfiguration", (const void *)&NdisReadConfiguration},
#endif
#ifdef NdisWriteConfiguration
    {"NdisWriteConfiguration", NULL},
#else
    {"NdisWriteConfiguration", (const void *)&NdisWriteConfiguration},
#endif
#ifdef NdisReadNetworkAddress
    {"NdisReadNetworkAddress", NULL},
#else
    {"NdisReadNetworkAddress", (const void *)&NdisReadNetworkAddress},
#endif
#ifdef NdisAllocateMemoryWithTagPriority
    {"NdisAllocateMemoryWithTagPriority", NULL},
#else
    {"NdisAllocateMemoryWithTagPriority", (const void *)&NdisAllocateMemoryWithTagPriority},
#endif
#ifdef NdisFreeMemory
    {"NdisFreeMemory", NULL},
#else
    {"NdisFreeMemory", (const void *)&NdisFreeMemory},
#endif
#ifdef NdisZeroMemory
    {"NdisZeroMemory", NULL},
#else
    {"NdisZeroMemory", (const void *)&NdisZeroMemory},
#endif
#ifdef NdisMoveMemory
    {"NdisMoveMemory", NULL},
#else
    {"NdisMoveMemory", (const void *)&NdisMoveMemory},
#endif
#ifdef NdisGetSharedDataAlignment
    {"NdisGetSharedDataAlignment", NULL},
#else
    {"NdisGetSharedDataAlignment", (const void *)&NdisGetSharedDataAlignment},
#endif
#ifdef NdisAllocateSpinLock
    {"NdisAllocateSpinLock", NULL},
#else
    {"NdisAllocateSpinLock", (const void *)&NdisAllocateSpinLock},
#endif
#ifdef NdisFreeSpinLock
    {"NdisFreeSpinLock", NULL},
#else
    {"NdisFreeSpinLock", (const void *)&NdisFreeSpinLock},
#endif
#ifdef NdisAcquireSpinLock
    {"NdisAcquireSpinLock", NULL},
#else
    {"NdisAcquireSpinLock", (const void *)&NdisAcquireSpinLock},
#endif
#ifdef NdisReleaseSpinLock
    {"NdisReleaseSpinLock", NULL},
#else
    {"NdisReleaseSpinLock", (const void *)&NdisReleaseSpinLock},
#endif
#ifdef NdisInterlockedInsertTailList
    {"NdisInterlockedInsertTailList", NULL},
#else
    {"NdisInterlockedInsertTailList", (const void *)&NdisInterlockedInsertTailList},
#endif
#ifdef NdisInterlockedRemoveHeadList
    {"NdisInterlockedRemoveHeadList", NULL},
#else
    {"NdisInterlockedRemoveHeadList", (const void *)&NdisInterlockedRemoveHeadList},
#endif
#ifdef NdisInterlockedIncrement
    {"NdisInterlockedIncrement", NULL},
#else
    {"NdisInterlockedIncrement", (const void *)&NdisInterlockedIncrement},
#endif
#ifdef NdisInterlockedDecrement
    {"NdisInterlockedDecrement", NULL},
#else
    {"NdisInterlockedDecrement", (const void *)&NdisInterlockedDecrement},
#endif
#ifdef NdisInitializeListHead
    {"NdisInitializeListHead", NULL},
#else
    {"NdisInitializeListHead", (const void *)&NdisInitializeListHead},
#endif
#ifdef NdisInitializeReadWriteLock
    {"NdisInitializeReadWriteLock", NULL},
#else
    {"NdisInitializeReadWriteLock", (const void *)&NdisInitializeReadWriteLock},
#endif
#ifdef NdisAcquireReadWriteLock
    {"NdisAcquireReadWriteLock", NULL},
#else
    {"NdisAcquireReadWriteLock", (const void *)&NdisAcquireReadWriteLock},
#endif
#ifdef NdisReleaseReadWriteLock
    {"NdisReleaseReadWriteLock", NULL},
#else
    {"NdisReleaseReadWriteLock", (const void *)&NdisReleaseReadWriteLock},
#endif
#ifdef NdisAllocateTimerObject
    {"NdisAllocateTimerObject", NULL},
#else
    {"NdisAllocateTimerObject", (const void *)&NdisAllocateTimerObject},
#endif
#ifdef NdisSetTimerObject
    {"NdisSetTimerObject", NULL},
#else
    {"NdisSetTimerObject", (const void *)&NdisSetTimerObject},
#endif
#ifdef NdisCancelTimerObject
    {"NdisCancelTimerObject", NULL},
#else
    {"NdisCancelTimerObject", (const void *)&NdisCancelTimerObject},
#endif
#ifdef NdisFreeTimerObject
    {"NdisFreeTimerObject", NULL},
#else
    {"NdisFreeTimerObject", (const void *)&NdisFreeTimerObject},
#endif
#ifdef NdisAllocateIoWorkItem
    {"NdisAllocateIoWorkItem", NULL},
#else
    {"NdisAllocateIoWorkItem", (const void *)&NdisAllocateIoWorkItem},
#endif
#ifdef NdisQueueIoWorkItem
    {"NdisQueueIoWorkItem", NULL},
#else
    {"NdisQueueIoWorkItem", (const void *)&NdisQueueIoWorkItem},
#endif
#ifdef NdisFreeIoWorkItem
    {"NdisFreeIoWorkItem", NULL},
#else
    {"NdisFreeIoWorkItem", (const void *)&NdisFreeIoWorkItem},
#endif
#ifdef NdisAllocateNetBufferListPool
    {"NdisAllocateNetBufferListPool", NULL},
#else
    {"NdisAllocateNetBufferListPool", (const void *)&NdisAllocateNetBufferListPool},
#endif
#ifdef NdisFreeNetBufferListPool
    {"NdisFreeNetBufferListPool", NULL},
#else
    {"NdisFreeNetBufferListPool", (const void *)&NdisFreeNetBufferListPool},
#endif
#ifdef NdisAllocateNetBufferAndNetBufferList
    {"NdisAllocateNetBufferAndNetBufferList", NULL},
#else
    {"NdisAllocateNetBufferAndNetBufferList", (const void *)&NdisAllocateNetBufferAndNetBufferList},
#endif
#ifdef NdisFreeNetBufferList
    {"NdisFreeNetBufferList", NULL},
#else
    {"NdisFreeNetBufferList", (const void *)&NdisFreeNetBufferList},
#endif
#ifdef NdisAllocateMdl
    {"NdisAllocateMdl", NULL},
#else
    {"NdisAllocateMdl", (const void *)&NdisAllocateMdl},
#endif
#ifdef NdisFreeMdl
    {"NdisFreeMdl", NULL},
#else
    {"NdisFreeMdl", (const void *)&NdisFreeMdl},
#endif
#ifdef NdisInitializeNPagedLookasideList
    {"NdisInitializeNPagedLookasideList", NULL},
#else
    {"NdisInitializeNPagedLookasideList", (const void *)&NdisInitializeNPagedLookasideList},
#endif
#ifdef NdisAllocateFromNPagedLookasideList
    {"NdisAllocateFromNPagedLookasideList", NULL},
#else
    {"NdisAllocateFromNPagedLookasideList", (const void *)&NdisAllocateFromNPagedLookasideList},
#endif
#ifdef NdisFreeToNPagedLookasideList
    {"NdisFreeToNPagedLookasideList", NULL},
#else
    {"NdisFreeToNPagedLookasideList", (const void *)&NdisFreeToNPagedLookasideList},
#endif
#ifdef NdisDeleteNPagedLookasideList
    {"NdisDeleteNPagedLookasideList", NULL},
#else
    {"NdisDeleteNPagedLookasideList", (const void *)&NdisDeleteNPagedLookasideList},
#endif
#ifdef NdisGetPhysicalAddressLow
    {"NdisGetPhysicalAddressLow", NULL},
#else
    {"NdisGetPhysicalAddressLow", (const void *)&NdisGetPhysicalAddressLow},
#endif
#ifdef NdisGetPhysicalAddressHigh
    {"NdisGetPhysicalAddressHigh", NULL},
#else
    {"NdisGetPhysicalAddressHigh", (const void *)&NdisGetPhysicalAddressHigh},
#endif
#ifdef KeInitializeDpc
    {"KeInitializeDpc", NULL},
#else
    {"KeInitializeDpc", (const void *)&KeInitializeDpc},
#endif
#ifdef KeSetImportanceDpc
    {"KeSetImportanceDpc", NULL},
#else
    {"KeSetImportanceDpc", (const void *)&KeSetImportanceDpc},
#endif
#ifdef KeSetTargetProcessorDpc
    {"KeSetTargetProcessorDpc", NULL},
#else
    {"KeSetTargetProcessorDpc", (const void *)&KeSetTargetProcessorDpc},
#endif
#ifdef KeInsertQueueDpc
    {"KeInsertQueueDpc", NULL},
#else
    {"KeInsertQueueDpc", (const void *)&KeInsertQueueDpc},
#endif
#ifdef KeRemoveQueueDpc
    {"KeRemoveQueueDpc", NULL},
#else
    {"KeRemoveQueueDpc", (const void *)&KeRemoveQueueDpc},
#endif
#ifdef KeFlushQueuedDpcs
    {"KeFlushQueuedDpcs", NULL},
#else
    {"KeFlushQueuedDpcs", (const void *)&KeFlushQueuedDpcs},
#endif
#ifdef KeQueryDpcWatchdogInformation
    {"KeQueryDpcWatchdogInformation", NULL},
#else
    {"KeQueryDpcWatchdogInformation", (const void *)&KeQueryDpcWatchdogInformation},
#endif
#ifdef KeInitializeSpinLock
    {"KeInitializeSpinLock", NULL},
#else
    {"KeInitializeSpinLock", (const void *)&KeInitializeSpinLock},
#endif
#ifdef KeTryToAcquireSpinLockAtDpcLevel
    {"KeTryToAcquireSpinLockAtDpcLevel", NULL},
#else
    {"KeTryToAcquireSpinLockAtDpcLevel", (const void *)&KeTryToAcquireSpinLockAtDpcLevel},
#endif
#ifdef KeReleaseSpinLock
    {"KeReleaseSpinLock", NULL},
#else
    {"KeReleaseSpinLock", (const void *)&KeReleaseSpinLock},
#endif
#ifdef KeRaiseIrql
    {"KeRaiseIrql", NULL},
#else
    {"KeRaiseIrql", (const void *)&KeRaiseIrql},
#endif
#ifdef KeLowerIrql
    {"KeLowerIrql", NULL},
#else
    {"KeLowerIrql", (const void *)&KeLowerIrql},
#endif
#ifdef KeMemoryBarrier
    {"KeMemoryBarrier", NULL},
#else
    {"KeMemoryBarrier", (const void *)&KeMemoryBarrier},
#endif
#ifdef KeQueryTickCount
    {"KeQueryTickCount", NULL},
#else
    {"KeQueryTickCount", (const void *)&KeQueryTickCount},
#endif
#ifdef MmGetSystemAddressForMdlSafe
    {"MmGetSystemAddressForMdlSafe", NULL},
#else
    {"MmGetSystemAddressForMdlSafe", (const void *)&MmGetSystemAddressForMdlSafe},
#endif
#ifdef MmGetMdlByteCount
    {"MmGetMdlByteCount", NULL},
#else
    {"MmGetMdlByteCount", (const void *)&MmGetMdlByteCount},
#endif
#ifdef InterlockedIncrement
    {"InterlockedIncrement", NULL},
#else
    {"InterlockedIncrement", (const void *)&InterlockedIncrement},
#endif
#ifdef InterlockedDecrement
    {"InterlockedDecrement", NULL},
#else
    {"InterlockedDecrement", (const void *)&InterlockedDecrement},
#endif
#ifdef InterlockedCompareExchange
    {"InterlockedCompareExchange", NULL},
#else
    {"InterlockedCompareExchange", (const void *)&InterlockedCompareExchange},
#endif
#ifdef InterlockedExchange
    {"InterlockedExchange", NULL},
#else
    {"InterlockedExchange", (const void *)&InterlockedExchange},
#endif
#ifdef InsertTailList
    {"InsertTailList", NULL},
#else
    {"InsertTailList", (const void *)&InsertTailList},
#endif
#ifdef IsListEmpty
    {"IsListEmpty", NULL},
#else
    {"IsListEmpty", (const void *)&IsListEmpty},
#endif
#ifdef RemoveEntryList
    {"RemoveEntryList", NULL},
#else
    {"RemoveEntryList", (const void *)&RemoveEntryList},
#endif
#ifdef RemoveHeadList
    {"RemoveHeadList", NULL},
#else
    {"RemoveHeadList", (const void *)&RemoveHeadList},
#endif
#ifdef RemoveTailList
    {"RemoveTailList", NULL},
#else
    {"RemoveTailList", (const void *)&RemoveTailList},
#endif
};

static void test_every_function_is_present(void **state)
{
    (void)state;
    size_t functions = 0;
    for (size_t i = 0; i < sizeof netvmini60_surface / sizeof netvmini60_surface[0]; i++)
    {
        if (netvmini60_surface[i].address)
            functions++;
        /* A function's address is never NULL once linked; a macro has none to check. */
    }
    assert_int_equal(sizeof netvmini60_surface / sizeof netvmini60_surface[0], 75);
    assert_true(functions > 40);
}

/* The macros among them must expand to code that does what the WDK documents. */
static void test_macros_behave(void **state)
{
    (void)state;
    UCHAR a[8], b[8];
    NdisZeroMemory(a, sizeof a);
    NdisFillMemory(b, sizeof b, 0x5a);
    NdisMoveMemory(a, b, 4);
    assert_int_equal(a[3], 0x5a);
    assert_int_equal(a[4], 0);
    LIST_ENTRY head, e1, e2;
    NdisInitializeListHead(&head);
    assert_true(IsListEmpty(&head));
    InsertTailList(&head, &e1);
    InsertTailList(&head, &e2);
    assert_ptr_equal(RemoveHeadList(&head), &e1);
    assert_ptr_equal(RemoveTailList(&head), &e2);
    assert_true(IsListEmpty(&head));
    volatile LONG v = 1;
    assert_int_equal(NdisInterlockedIncrement(&v), 2);
    assert_int_equal(NdisInterlockedDecrement(&v), 1);
    assert_int_equal(InterlockedCompareExchange(&v, 7, 1), 1);
    assert_int_equal(InterlockedExchange(&v, 3), 7);
    PHYSICAL_ADDRESS pa;
    pa.QuadPart = 0x123456789aLL;
    assert_int_equal(NdisGetPhysicalAddressLow(pa), 0x3456789a);
    assert_int_equal(NdisGetPhysicalAddressHigh(pa), 0x12);
    LARGE_INTEGER t1, t2;
    KeQueryTickCount(&t1);
    KeQueryTickCount(&t2);
    assert_true(t2.QuadPart >= t1.QuadPart);
    KeMemoryBarrier();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_function_is_present),
        cmocka_unit_test(test_macros_behave),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
