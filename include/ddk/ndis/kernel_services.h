/* The NDIS wrappers over kernel services: spin locks, read/write locks, events, interlocked
 * lists, memory, timer objects, IO work items, lookaside lists, time and processor queries.
 *
 * Written from the NDIS 6.x reference pages (names, signatures, field names, constant values);
 * no WDK header text is used. Every documented function is a real exported function of
 * libndishost (even where Windows uses a macro) so that the host can check the caller's IRQL
 * and record the driver's call site; the memory and list macros are macros as on Windows. */
#ifndef NDISHOST_DDK_NDIS_KERNEL_SERVICES_H
#define NDISHOST_DDK_NDIS_KERNEL_SERVICES_H

#include "../wdm.h"
#include "objectheader.h"
#include "types.h"

NDISHOST_EXTERN_C_BEGIN

/* ---- spin locks ------------------------------------------------------------------------------ */

typedef struct _NDIS_SPIN_LOCK
{
    KSPIN_LOCK SpinLock;
    KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

VOID NdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock);
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock);

/* ---- interlocked helpers ------------------------------------------------------------------- */

PLIST_ENTRY NdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock);
PLIST_ENTRY NdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry, PNDIS_SPIN_LOCK SpinLock);
PLIST_ENTRY NdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock);
PSINGLE_LIST_ENTRY NdisInterlockedPushEntryList(PSINGLE_LIST_ENTRY ListHead, PSINGLE_LIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK Lock);
PSINGLE_LIST_ENTRY NdisInterlockedPopEntryList(PSINGLE_LIST_ENTRY ListHead, PNDIS_SPIN_LOCK Lock);
VOID NdisInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock);

#define NdisInterlockedIncrement(Addend) InterlockedIncrement((LONG volatile *)(Addend))
#define NdisInterlockedDecrement(Addend) InterlockedDecrement((LONG volatile *)(Addend))
#define NdisInterlockedAddLargeStatistic(Addend, Increment)                                                            \
    ((void)InterlockedExchangeAdd64((LONG64 volatile *)(Addend), (LONG64)(Increment)))
#define NdisInterlockedExchange(Target, Value) InterlockedExchange((LONG volatile *)(Target), (LONG)(Value))
#define NdisInterlockedCompareExchange(Destination, ExChange, Comperand)                                               \
    InterlockedCompareExchange((LONG volatile *)(Destination), (LONG)(ExChange), (LONG)(Comperand))
#define NdisInitializeListHead(ListHead) InitializeListHead(ListHead)
#define NdisInitializeSListHead(SListHead) InitializeSListHead(SListHead)
#define NdisInterlockedPushEntrySList(SListHead, SListEntry, Lock) InterlockedPushEntrySList((SListHead), (SListEntry))
#define NdisInterlockedPopEntrySList(SListHead, Lock) InterlockedPopEntrySList(SListHead)
#define NdisInterlockedFlushSList(SListHead) InterlockedFlushSList(SListHead)
#define NdisQueryDepthSList(SListHead) QueryDepthSList(SListHead)

/* ---- memory and string macros ----------------------------------------------------------------- */

#define NdisZeroMemory(Destination, Length) RtlZeroMemory((Destination), (Length))
#define NdisMoveMemory(Destination, Source, Length) RtlCopyMemory((Destination), (Source), (Length))
#define NdisFillMemory(Destination, Length, Fill) RtlFillMemory((Destination), (Length), (Fill))
#define NdisEqualMemory(Source1, Source2, Length) RtlEqualMemory((Source1), (Source2), (Length))
#define NdisZeroMappedMemory(Destination, Length) RtlZeroMemory((Destination), (Length))
#define NdisMoveMappedMemory(Destination, Source, Length) RtlCopyMemory((Destination), (Source), (Length))
#define NdisMoveToMappedMemory(Destination, Source, Length) RtlCopyMemory((Destination), (Source), (Length))
#define NdisMoveFromMappedMemory(Destination, Source, Length) RtlCopyMemory((Destination), (Source), (Length))
#define NdisRetrieveUlong(DestinationAddress, SrcAddress)                                                              \
    (*(UNALIGNED ULONG *)(DestinationAddress) = *(UNALIGNED ULONG *)(SrcAddress))
#define NdisStoreUlong(DestinationAddress, Value) (*(UNALIGNED ULONG *)(DestinationAddress) = (Value))
#define NdisGetPhysicalAddressLow(PhysicalAddress) ((PhysicalAddress).LowPart)
#define NdisGetPhysicalAddressHigh(PhysicalAddress) ((PhysicalAddress).HighPart)
#define NdisSetPhysicalAddressLow(PhysicalAddress, Value) ((PhysicalAddress).LowPart = (Value))
#define NdisSetPhysicalAddressHigh(PhysicalAddress, Value) ((PhysicalAddress).HighPart = (Value))
#define NDIS_PHYSICAL_ADDRESS_CONST(Low, High)                                                                         \
    {                                                                                                                  \
        {                                                                                                              \
            (ULONG)(Low), (LONG)(High)                                                                                 \
        }                                                                                                              \
    }
#define NdisInitUnicodeString(Destination, Source) RtlInitUnicodeString((Destination), (Source))
#define NdisInitAnsiString(Destination, Source) RtlInitAnsiString((Destination), (Source))
#define NdisEqualString(String1, String2, CaseInsensitive)                                                             \
    RtlEqualUnicodeString((String1), (String2), (CaseInsensitive))
#define NdisEqualUnicodeString NdisEqualString
#define NdisUnicodeStringToAnsiString(Destination, Source) RtlUnicodeStringToAnsiString((Destination), (Source), FALSE)
#define NdisAnsiStringToUnicodeString(Destination, Source) RtlAnsiStringToUnicodeString((Destination), (Source), FALSE)
#define NdisFreeString(String) RtlFreeUnicodeString(&(String))

/* ---- IRQL macros ------------------------------------------------------------------------------- */

/* NDIS_RAISE_IRQL_TO_DISPATCH stores the previous IRQL through its pointer argument;
 * NDIS_LOWER_IRQL(OldIrql, CurIrql) sets the IRQL back to OldIrql (CurIrql is informational). */
#define NDIS_RAISE_IRQL_TO_DISPATCH(_pIrql_) KeRaiseIrql(DISPATCH_LEVEL, (_pIrql_))
#define NDIS_LOWER_IRQL(_OldIrql_, _CurIrql_) ((void)(_CurIrql_), KeLowerIrql(_OldIrql_))
#define NDIS_CURRENT_IRQL() KeGetCurrentIrql()

/* ---- processors and alignment --------------------------------------------------------------------- */

ULONG NdisGetSharedDataAlignment(void);
CCHAR NdisSystemProcessorCount(void);
ULONG NdisSystemActiveProcessorCount(void);
ULONG NdisGroupActiveProcessorCount(USHORT Group);
ULONG NdisGroupMaxProcessorCount(USHORT Group);
KAFFINITY NdisGroupActiveProcessorMask(USHORT Group);
USHORT NdisActiveGroupCount(void);
USHORT NdisMaxGroupCount(void);
ULONG NdisCurrentProcessorIndex(void);
ULONG NdisCurrentGroupAndProcessor(PPROCESSOR_NUMBER ProcNum);
ULONG NdisProcessorNumberToIndex(PROCESSOR_NUMBER ProcNum);
NTSTATUS NdisProcessorIndexToNumber(ULONG ProcIndex, PPROCESSOR_NUMBER ProcNum);

/* ---- read/write locks, NDIS 6.0 generation -------------------------------------------------------- */

typedef struct _REFERENCE
{
    KSPIN_LOCK SpinLock;
    USHORT ReferenceCount;
    BOOLEAN Closing;
} REFERENCE, *PREFERENCE;

/* Host use: SpinLock is unused, RefCountEx[0] is the lock word (writer bit + reader count). */
typedef struct _NDIS_RW_LOCK
{
    union
    {
        struct
        {
            KSPIN_LOCK SpinLock;
            PVOID Context;
        };
        UCHAR Reserved[16];
    };
    union
    {
        REFERENCE RefCount[MAXIMUM_PROCESSORS];
        ULONG RefCountEx[sizeof(REFERENCE) / sizeof(ULONG) * MAXIMUM_PROCESSORS];
        struct
        {
            KSPIN_LOCK RefCountLock;
            volatile ULONG SharedRefCount;
            volatile BOOLEAN WriterWaiting;
        };
    };
} NDIS_RW_LOCK, *PNDIS_RW_LOCK;

typedef struct _LOCK_STATE
{
    USHORT LockState;
    KIRQL OldIrql;
} LOCK_STATE, *PLOCK_STATE;

VOID NdisInitializeReadWriteLock(PNDIS_RW_LOCK Lock);
VOID NdisAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState);
VOID NdisReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState);
VOID NdisDprAcquireReadWriteLock(PNDIS_RW_LOCK Lock, BOOLEAN fWrite, PLOCK_STATE LockState);
VOID NdisDprReleaseReadWriteLock(PNDIS_RW_LOCK Lock, PLOCK_STATE LockState);

/* ---- read/write locks, NDIS 6.20 generation ------------------------------------------------------- */

typedef struct _NDIS_RW_LOCK_EX NDIS_RW_LOCK_EX, *PNDIS_RW_LOCK_EX;

typedef struct _LOCK_STATE_EX
{
    KIRQL OldIrql;
    UCHAR LockState;
    UCHAR Flags;
} LOCK_STATE_EX, *PLOCK_STATE_EX;

#define NDIS_RWL_AT_DISPATCH_LEVEL 1

PNDIS_RW_LOCK_EX NdisAllocateRWLock(NDIS_HANDLE NdisHandle);
VOID NdisFreeRWLock(PNDIS_RW_LOCK_EX Lock);
VOID NdisAcquireRWLockRead(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags);
VOID NdisAcquireRWLockWrite(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags);
VOID NdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState);

/* ---- events ------------------------------------------------------------------------------------- */

typedef struct _NDIS_EVENT
{
    KEVENT Event;
} NDIS_EVENT, *PNDIS_EVENT;

VOID NdisInitializeEvent(PNDIS_EVENT Event);
VOID NdisSetEvent(PNDIS_EVENT Event);
VOID NdisResetEvent(PNDIS_EVENT Event);
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait);

/* ---- time ------------------------------------------------------------------------------------- */

VOID NdisMSleep(ULONG MicrosecondsToSleep);
VOID NdisStallExecution(UINT MicrosecondsToStall);
VOID NdisGetSystemUpTime(PULONG pSystemUpTime);
VOID NdisGetSystemUpTimeEx(PLARGE_INTEGER pSystemUpTime);
VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime);

/* ---- memory ------------------------------------------------------------------------------------ */

#define NDIS_MEMORY_CONTIGUOUS 0x00000001
#define NDIS_MEMORY_NONCACHED 0x00000002

PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag, EX_POOL_PRIORITY Priority);
NDIS_STATUS NdisAllocateMemoryWithTag(PVOID *VirtualAddress, UINT Length, ULONG Tag);
VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags);
VOID NdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag);

/* ---- lookaside lists ---------------------------------------------------------------------------- */

VOID NdisInitializeNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PALLOCATE_FUNCTION Allocate,
                                       PFREE_FUNCTION Free, ULONG Flags, ULONG Size, ULONG Tag, USHORT Depth);
VOID NdisDeleteNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
PVOID NdisAllocateFromNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside);
VOID NdisFreeToNPagedLookasideList(PNPAGED_LOOKASIDE_LIST Lookaside, PVOID Entry);

/* ---- timer objects ----------------------------------------------------------------------------- */

typedef VOID NDIS_TIMER_FUNCTION(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                                 PVOID SystemSpecific3);
typedef NDIS_TIMER_FUNCTION *PNDIS_TIMER_FUNCTION;

typedef struct _NDIS_TIMER_CHARACTERISTICS
{
    NDIS_OBJECT_HEADER Header;
    ULONG AllocationTag;
    PNDIS_TIMER_FUNCTION TimerFunction;
    PVOID FunctionContext;
} NDIS_TIMER_CHARACTERISTICS, *PNDIS_TIMER_CHARACTERISTICS;

#define NDIS_TIMER_CHARACTERISTICS_REVISION_1 1
#define NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1                                                                   \
    RTL_SIZEOF_THROUGH_FIELD(NDIS_TIMER_CHARACTERISTICS, FunctionContext)

NDIS_STATUS NdisAllocateTimerObject(NDIS_HANDLE NdisHandle, PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                    PNDIS_HANDLE pTimerObject);
BOOLEAN NdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                           PVOID FunctionContext);
BOOLEAN NdisSetCoalescableTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime, LONG MillisecondsPeriod,
                                      PVOID FunctionContext, ULONG Tolerance);
BOOLEAN NdisCancelTimerObject(NDIS_HANDLE TimerObject);
VOID NdisFreeTimerObject(NDIS_HANDLE TimerObject);

/* ---- IO work items ------------------------------------------------------------------------------ */

typedef VOID NDIS_IO_WORKITEM_FUNCTION(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION *NDIS_IO_WORKITEM_ROUTINE;

NDIS_HANDLE NdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle);
VOID NdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine, PVOID WorkItemContext);
VOID NdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle);

NDISHOST_EXTERN_C_END

C_ASSERT(sizeof(NDIS_SPIN_LOCK) == 16);
C_ASSERT(sizeof(NDIS_EVENT) == 24);
C_ASSERT(sizeof(LOCK_STATE) == 4);
C_ASSERT(sizeof(LOCK_STATE_EX) == 3);
C_ASSERT(sizeof(NDIS_RW_LOCK) == 16 + 16 * MAXIMUM_PROCESSORS);
C_ASSERT(sizeof(NDIS_TIMER_CHARACTERISTICS) == 24);

#endif
