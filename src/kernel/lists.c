/* Interlocked list operations: the Ex* lists guarded by a caller's spin lock, and sequenced
 * singly linked lists (SLIST). An SLIST_HEADER is 16 bytes of driver storage; the host keeps the
 * first entry in Region and the depth in Alignment's low 16 bits, behind a small lock word in
 * Alignment's high bits, so pushes and pops are atomic with respect to each other. */
#include "kernel_internal.h"

/* Taken with interrupts "disabled" on Windows: any IRQL; no IRQL change here. */
static void lock_list(PKSPIN_LOCK Lock)
{
    kernel_spin_acquire(Lock);
}

static void unlock_list(PKSPIN_LOCK Lock)
{
    kernel_spin_release(Lock);
}

PLIST_ENTRY ExInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PKSPIN_LOCK Lock)
{
    lock_list(Lock);
    PLIST_ENTRY first = IsListEmpty(ListHead) ? NULL : ListHead->Flink;
    InsertHeadList(ListHead, ListEntry);
    unlock_list(Lock);
    return first;
}

PLIST_ENTRY ExInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PKSPIN_LOCK Lock)
{
    lock_list(Lock);
    PLIST_ENTRY last = IsListEmpty(ListHead) ? NULL : ListHead->Blink;
    InsertTailList(ListHead, ListEntry);
    unlock_list(Lock);
    return last;
}

PLIST_ENTRY ExInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PKSPIN_LOCK Lock)
{
    lock_list(Lock);
    PLIST_ENTRY e = IsListEmpty(ListHead) ? NULL : RemoveHeadList(ListHead);
    unlock_list(Lock);
    return e;
}

PSINGLE_LIST_ENTRY ExInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY ListEntry,
                                              PKSPIN_LOCK Lock)
{
    lock_list(Lock);
    PSINGLE_LIST_ENTRY first = ListHead->Next;
    PushEntryList(ListHead, ListEntry);
    unlock_list(Lock);
    return first;
}

PSINGLE_LIST_ENTRY ExInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead, PKSPIN_LOCK Lock)
{
    lock_list(Lock);
    PSINGLE_LIST_ENTRY e = PopEntryList(ListHead);
    unlock_list(Lock);
    return e;
}

/* ---- SLIST ------------------------------------------------------------------------------------ */

#define SLIST_LOCK_BIT (1ull << 63)

static void slist_lock(PSLIST_HEADER h)
{
    for (;;)
    {
        ULONGLONG v = __atomic_load_n(&h->Alignment, __ATOMIC_RELAXED);
        if (!(v & SLIST_LOCK_BIT) && __atomic_compare_exchange_n(&h->Alignment, &v, v | SLIST_LOCK_BIT, false,
                                                                 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
            return;
        exec_yield();
    }
}

static void slist_unlock(PSLIST_HEADER h, ULONGLONG depth)
{
    __atomic_store_n(&h->Alignment, depth & 0xFFFF, __ATOMIC_RELEASE);
}

VOID InitializeSListHead(PSLIST_HEADER SListHead)
{
    SListHead->Region = 0;
    __atomic_store_n(&SListHead->Alignment, 0, __ATOMIC_RELEASE);
}

PSLIST_ENTRY InterlockedPushEntrySList(PSLIST_HEADER ListHead, PSLIST_ENTRY ListEntry)
{
    slist_lock(ListHead);
    PSLIST_ENTRY first = (PSLIST_ENTRY)(uintptr_t)ListHead->Region;
    ListEntry->Next = first;
    ListHead->Region = (ULONGLONG)(uintptr_t)ListEntry;
    ULONGLONG depth = (ListHead->Alignment & 0xFFFF) + 1;
    slist_unlock(ListHead, depth);
    return first;
}

PSLIST_ENTRY InterlockedPopEntrySList(PSLIST_HEADER ListHead)
{
    slist_lock(ListHead);
    PSLIST_ENTRY first = (PSLIST_ENTRY)(uintptr_t)ListHead->Region;
    ULONGLONG depth = ListHead->Alignment & 0xFFFF;
    if (first)
    {
        ListHead->Region = (ULONGLONG)(uintptr_t)first->Next;
        depth--;
    }
    slist_unlock(ListHead, depth);
    return first;
}

PSLIST_ENTRY InterlockedFlushSList(PSLIST_HEADER ListHead)
{
    slist_lock(ListHead);
    PSLIST_ENTRY first = (PSLIST_ENTRY)(uintptr_t)ListHead->Region;
    ListHead->Region = 0;
    slist_unlock(ListHead, 0);
    return first;
}

USHORT QueryDepthSList(PSLIST_HEADER SListHead)
{
    return (USHORT)(__atomic_load_n(&SListHead->Alignment, __ATOMIC_ACQUIRE) & 0xFFFF);
}
