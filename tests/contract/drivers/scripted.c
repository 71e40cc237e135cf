/* The scripted contract driver: an NDIS 6 miniport whose every lifecycle decision is read from
 * the exported ScriptedControl block (scripted.h), so that a contract test can make it behave
 * correctly or break one rule at a time, and whose observations (callback order, IRQL, halt and
 * shutdown actions) are recorded there for the test to assert.
 *
 * It is built like any out-of-tree driver: DDK headers only, plus POSIX threads to stand in for
 * the driver's own worker threads that complete pended operations later. */
#include <ndis.h>

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scripted.h"

#define SC_EXPORT __attribute__((visibility("default")))
#define SC_POOL_TAG 'pcrS'

SC_EXPORT ScriptedControlBlock ScriptedControl;
#define G ScriptedControl

DRIVER_INITIALIZE DriverEntry;
static MINIPORT_SET_OPTIONS ScSetOptions;
static MINIPORT_UNLOAD ScUnload;
static MINIPORT_INITIALIZE ScInitializeEx;
static MINIPORT_HALT ScHaltEx;
static MINIPORT_PAUSE ScPause;
static MINIPORT_RESTART ScRestart;
static MINIPORT_OID_REQUEST ScOidRequest;
static MINIPORT_CANCEL_OID_REQUEST ScCancelOidRequest;
static MINIPORT_SEND_NET_BUFFER_LISTS ScSendNetBufferLists;
static MINIPORT_RETURN_NET_BUFFER_LISTS ScReturnNetBufferLists;
static MINIPORT_CANCEL_SEND ScCancelSend;
static MINIPORT_DEVICE_PNP_EVENT_NOTIFY ScDevicePnPEventNotify;
static MINIPORT_SHUTDOWN ScShutdownEx;

/* ---- observations ------------------------------------------------------------------------- */

static unsigned NextSeq(void)
{
    return __atomic_add_fetch(&G.seq, 1, __ATOMIC_SEQ_CST);
}

static void Record(char what, int adapter, ULONG arg)
{
    unsigned i = __atomic_fetch_add(&G.log_len, 1, __ATOMIC_SEQ_CST);
    if (i >= SC_LOG_MAX)
        return;
    G.log[i].what = what;
    G.log[i].irql = KeGetCurrentIrql();
    G.log[i].adapter = adapter;
    G.log[i].arg = arg;
    G.log[i].seq = NextSeq();
}

static int SlotOf(sc_adapter *ad)
{
    return ad ? (int)(ad - G.adapters) : -1;
}

/* The context NDIS passes back; NULL when the script skipped the registration attributes. */
static int g_last_slot = -1;

static sc_adapter *AdapterOf(NDIS_HANDLE ctx)
{
    if (ctx)
        return (sc_adapter *)ctx;
    return g_last_slot >= 0 ? &G.adapters[g_last_slot] : NULL;
}

/* ---- driver threads ----------------------------------------------------------------------- */

typedef struct sc_job
{
    sc_adapter *ad;
    char what; /* P, R or Q */
    PNDIS_OID_REQUEST request;
    sc_async script;
} sc_job;

static pthread_mutex_t g_threads_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t g_threads[64];
static unsigned g_thread_count;

static void FillOid(PNDIS_OID_REQUEST r)
{
    switch (r->RequestType)
    {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
    {
        ULONG n = G.oid_bytes_written < r->DATA.QUERY_INFORMATION.InformationBufferLength
                      ? G.oid_bytes_written
                      : r->DATA.QUERY_INFORMATION.InformationBufferLength;
        if (r->DATA.QUERY_INFORMATION.InformationBuffer && n)
            NdisFillMemory(r->DATA.QUERY_INFORMATION.InformationBuffer, n, G.oid_fill);
        r->DATA.QUERY_INFORMATION.BytesWritten = G.oid_bytes_written;
        r->DATA.QUERY_INFORMATION.BytesNeeded = G.oid_bytes_needed;
        break;
    }
    case NdisRequestSetInformation:
        r->DATA.SET_INFORMATION.BytesRead = G.oid_bytes_written;
        r->DATA.SET_INFORMATION.BytesNeeded = G.oid_bytes_needed;
        break;
    default:
        r->DATA.METHOD_INFORMATION.BytesWritten = G.oid_bytes_written;
        r->DATA.METHOD_INFORMATION.BytesNeeded = G.oid_bytes_needed;
        break;
    }
}

static void CallCompletion(sc_adapter *ad, char what, PNDIS_OID_REQUEST request, NDIS_STATUS status)
{
    switch (what)
    {
    case 'P':
        NdisMPauseComplete(ad->handle);
        break;
    case 'R':
        NdisMRestartComplete(ad->handle, status);
        break;
    case 'Q':
        NdisMOidRequestComplete(ad->handle, request, status);
        break;
    }
    __atomic_add_fetch(&G.completions_done, 1, __ATOMIC_SEQ_CST);
}

/* Completes the operation as scripted: observe hook, optional raise to DISPATCH_LEVEL, one or
 * more calls of the completion API. */
static void Complete(sc_job *j)
{
    if (j->what == 'Q' && j->request)
        FillOid(j->request);
    if (G.observe)
        G.observe(j->what, G.observe_arg);
    KIRQL old = PASSIVE_LEVEL;
    BOOLEAN raised = j->script.complete_irql > KeGetCurrentIrql();
    if (raised)
        KeRaiseIrql(j->script.complete_irql, &old);
    Record('C', SlotOf(j->ad), (ULONG)j->what);
    unsigned n = j->script.completions ? j->script.completions : 1;
    for (unsigned i = 0; i < n; i++)
        CallCompletion(j->ad, j->what, j->request, j->script.complete_status);
    if (raised)
        KeLowerIrql(old);
}

static void *CompletionThread(void *arg)
{
    sc_job *j = arg;
    if (j->script.mode == SC_PENDING_THREAD && j->script.delay_us)
    {
        struct timespec ts = {.tv_sec = j->script.delay_us / 1000000u,
                              .tv_nsec = (long)(j->script.delay_us % 1000000u) * 1000L};
        while (nanosleep(&ts, &ts) != 0)
            ;
    }
    Complete(j);
    free(j);
    return NULL;
}

static pthread_t StartCompletionThread(sc_adapter *ad, char what, PNDIS_OID_REQUEST request, const sc_async *s)
{
    sc_job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->ad = ad;
    j->what = what;
    j->request = request;
    j->script = *s;
    pthread_t t;
    if (pthread_create(&t, NULL, CompletionThread, j) != 0)
        abort();
    pthread_mutex_lock(&g_threads_lock);
    if (g_thread_count >= sizeof g_threads / sizeof g_threads[0])
        abort();
    g_threads[g_thread_count++] = t;
    pthread_mutex_unlock(&g_threads_lock);
    return t;
}

/* Runs a pause, restart or OID handler as scripted; returns what the handler returns. */
static NDIS_STATUS RunAsync(sc_adapter *ad, char what, PNDIS_OID_REQUEST request, const sc_async *s)
{
    sc_job inline_job = {.ad = ad, .what = what, .request = request, .script = *s};
    switch (s->mode)
    {
    case SC_SYNC:
        if (what == 'Q' && request)
            FillOid(request);
        return s->status;
    case SC_SYNC_AND_COMPLETE:
        Complete(&inline_job);
        return s->status;
    case SC_PENDING_INLINE:
        Complete(&inline_job);
        return NDIS_STATUS_PENDING;
    case SC_PENDING_EARLY:
    {
        /* The completion really comes from another thread, before this handler returns. */
        unsigned before = __atomic_load_n(&G.completions_done, __ATOMIC_SEQ_CST);
        StartCompletionThread(ad, what, request, s);
        while (__atomic_load_n(&G.completions_done, __ATOMIC_SEQ_CST) == before)
            sched_yield();
        return NDIS_STATUS_PENDING;
    }
    case SC_PENDING_THREAD:
        StartCompletionThread(ad, what, request, s);
        return NDIS_STATUS_PENDING;
    case SC_PENDING_NEVER:
        if (what == 'Q')
            ad->late_request = request;
        return NDIS_STATUS_PENDING;
    }
    return NDIS_STATUS_FAILURE;
}

/* ---- exports for the test ----------------------------------------------------------------- */

SC_EXPORT void ScriptedWaitThreads(void)
{
    for (;;)
    {
        pthread_mutex_lock(&g_threads_lock);
        if (g_thread_count == 0)
        {
            pthread_mutex_unlock(&g_threads_lock);
            return;
        }
        pthread_t t = g_threads[--g_thread_count];
        pthread_mutex_unlock(&g_threads_lock);
        pthread_join(t, NULL);
    }
}

SC_EXPORT void ScriptedReset(void)
{
    ScriptedWaitThreads();
    memset(&G, 0, sizeof G);
    g_last_slot = -1;
}

SC_EXPORT unsigned ScriptedNextSeq(void)
{
    return NextSeq();
}

SC_EXPORT void ScriptedCompleteLate(int adapter, char what)
{
    sc_adapter *ad = &G.adapters[adapter];
    sc_async s = {.mode = SC_SYNC, .complete_status = NDIS_STATUS_SUCCESS, .completions = 1};
    if (what == 'Q')
        s.complete_status = G.oid.complete_status;
    else if (what == 'R')
        s.complete_status = G.restart.complete_status;
    sc_job j = {.ad = ad, .what = what, .request = what == 'Q' ? ad->late_request : NULL, .script = s};
    Complete(&j);
}

SC_EXPORT void ScriptedIndicateStatus(int adapter)
{
    sc_adapter *ad = &G.adapters[adapter];
    NDIS_STATUS_INDICATION ind;
    NdisZeroMemory(&ind, sizeof ind);
    ind.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
    ind.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
    ind.Header.Size = NDIS_SIZEOF_STATUS_INDICATION_REVISION_1;
    ind.SourceHandle = ad->handle;
    ind.StatusCode = NDIS_STATUS_MEDIA_CONNECT;
    NdisMIndicateStatusEx(ad->handle, &ind);
}

static NDIS_TIMER_FUNCTION ScDriverTimer;

typedef struct sc_timer
{
    NDIS_HANDLE object;
    sc_adapter *ad;
} sc_timer;

static VOID ScDriverTimer(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2, PVOID SystemSpecific3)
{
    sc_timer *t = FunctionContext;
    Record('T', SlotOf(t->ad), 0);
    /* Freeing a timer object from its own callback is allowed. */
    NdisFreeTimerObject(t->object);
    ScriptedIndicateStatus(SlotOf(t->ad));
    void (*observe)(char, void *) = G.observe;
    void *arg = G.observe_arg;
    free(t);
    if (observe)
        observe('T', arg);
}

SC_EXPORT NDIS_STATUS ScriptedArmDriverTimer(int adapter)
{
    sc_timer *t = calloc(1, sizeof *t);
    if (!t)
        return NDIS_STATUS_RESOURCES;
    t->ad = &G.adapters[adapter];
    NDIS_TIMER_CHARACTERISTICS tc;
    NdisZeroMemory(&tc, sizeof tc);
    tc.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
    tc.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
    tc.Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
    tc.AllocationTag = SC_POOL_TAG;
    tc.TimerFunction = ScDriverTimer;
    tc.FunctionContext = t;
    NDIS_STATUS st = NdisAllocateTimerObject(G.driver_handle, &tc, &t->object);
    if (st != NDIS_STATUS_SUCCESS)
    {
        free(t);
        return st;
    }
    LARGE_INTEGER due;
    due.QuadPart = -10000; /* 1 ms, relative */
    NdisSetTimerObject(t->object, due, 0, NULL);
    return NDIS_STATUS_SUCCESS;
}

/* ---- driver ------------------------------------------------------------------------------- */

NTSTATUS
DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    Record('D', -1, 0);
    if (G.entry_skip_register)
        return G.entry_status;

    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
    NdisZeroMemory(&chars, sizeof chars);
    chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
    chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    chars.Header.Size = NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    chars.MajorNdisVersion = G.chars_major_version ? G.chars_major_version : 6;
    chars.MinorNdisVersion = 30;
    chars.MajorDriverVersion = 1;
    chars.SetOptionsHandler = ScSetOptions;
    chars.InitializeHandlerEx = ScInitializeEx;
    chars.HaltHandlerEx = ScHaltEx;
    chars.UnloadHandler = ScUnload;
    chars.PauseHandler = G.chars_omit_pause ? NULL : ScPause;
    chars.RestartHandler = ScRestart;
    chars.OidRequestHandler = ScOidRequest;
    chars.SendNetBufferListsHandler = ScSendNetBufferLists;
    chars.ReturnNetBufferListsHandler = ScReturnNetBufferLists;
    chars.CancelSendHandler = ScCancelSend;
    chars.DevicePnPEventNotifyHandler = ScDevicePnPEventNotify;
    chars.ShutdownHandlerEx = ScShutdownEx;
    chars.CancelOidRequestHandler = ScCancelOidRequest;

    NDIS_STATUS status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, &G, &chars, &G.driver_handle);
    G.register_status = status;
    if (status != NDIS_STATUS_SUCCESS)
        return status;
    if (!NT_SUCCESS(G.entry_status))
    {
        if (G.entry_deregister_on_failure)
            NdisMDeregisterMiniportDriver(G.driver_handle);
        return G.entry_status;
    }
    return STATUS_SUCCESS;
}

static NDIS_STATUS ScSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext)
{
    Record('O', -1, 0);
    return NDIS_STATUS_SUCCESS;
}

static VOID ScUnload(PDRIVER_OBJECT DriverObject)
{
    Record('U', -1, 0);
    if (!G.unload_skip_deregister)
        NdisMDeregisterMiniportDriver(G.driver_handle);
}

static NDIS_STATUS SetRegistration(sc_adapter *ad)
{
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg;
    NdisZeroMemory(&reg, sizeof reg);
    reg.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
    reg.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
    reg.MiniportAdapterContext = ad;
    reg.AttributeFlags = NDIS_MINIPORT_ATTRIBUTES_NO_HALT_ON_SUSPEND;
    if (!G.init.no_bugcheck_callback)
        reg.AttributeFlags |= NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK;
    reg.InterfaceType = NdisInterfaceInternal;
    return NdisMSetMiniportAttributes(ad->handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&reg);
}

static NDIS_STATUS SetGeneral(sc_adapter *ad)
{
    static const NDIS_OID oids[] = {SC_OID_QUERY, SC_OID_SET};
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen;
    NdisZeroMemory(&gen, sizeof gen);
    gen.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
    gen.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1;
    gen.MediaType = NdisMedium802_3;
    gen.PhysicalMediumType = NdisPhysicalMediumUnspecified;
    gen.MtuSize = 1500;
    gen.MaxXmitLinkSpeed = gen.XmitLinkSpeed = 1000000000ULL;
    gen.MaxRcvLinkSpeed = gen.RcvLinkSpeed = 1000000000ULL;
    gen.MediaConnectState = MediaConnectStateConnected;
    gen.MediaDuplexState = MediaDuplexStateFull;
    gen.LookaheadSize = 1500;
    gen.MacAddressLength = 6;
    for (int i = 0; i < 6; i++)
        gen.PermanentMacAddress[i] = gen.CurrentMacAddress[i] = (UCHAR)(0x02 + i + SlotOf(ad));
    gen.SupportedOidList = (PNDIS_OID)oids;
    gen.SupportedOidListLength = sizeof oids;
    return NdisMSetMiniportAttributes(ad->handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&gen);
}

static NDIS_STATUS SetOffload(sc_adapter *ad)
{
    NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES off;
    NdisZeroMemory(&off, sizeof off);
    off.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES;
    off.Header.Revision = NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    off.Header.Size = NDIS_SIZEOF_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1;
    return NdisMSetMiniportAttributes(ad->handle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&off);
}

static sc_adapter *SlotFor(NDIS_HANDLE handle)
{
    for (int i = 0; i < SC_ADAPTERS_MAX; i++)
        if (G.adapters[i].used && G.adapters[i].handle == handle)
            return &G.adapters[i];
    for (int i = 0; i < SC_ADAPTERS_MAX; i++)
        if (!G.adapters[i].used)
        {
            G.adapters[i].used = TRUE;
            G.adapters[i].handle = handle;
            return &G.adapters[i];
        }
    return NULL;
}

static NDIS_STATUS ScInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                                  PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters)
{
    sc_adapter *ad = SlotFor(MiniportAdapterHandle);
    if (!ad)
        return NDIS_STATUS_RESOURCES;
    g_last_slot = SlotOf(ad);
    ad->inits++;
    ad->halted = FALSE;
    ad->late_request = NULL;
    Record('I', SlotOf(ad), MiniportDriverContext == &G);

    if (G.init.leak_pool)
        ad->pool = ExAllocatePool2(POOL_FLAG_NON_PAGED, 64, SC_POOL_TAG);
    if (G.init.general_first)
        SetGeneral(ad);
    if (!G.init.skip_registration)
        SetRegistration(ad);
    if (G.init.registration_twice)
        SetRegistration(ad);
    if (G.init.offload_before_general)
        SetOffload(ad);
    if (!G.init.skip_general)
        SetGeneral(ad);
    return G.init.status;
}

static VOID ScHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction)
{
    sc_adapter *ad = AdapterOf(MiniportAdapterContext);
    Record('H', SlotOf(ad), (ULONG)HaltAction);
    if (G.halt_calls_observe && G.observe)
        G.observe('H', G.observe_arg);
    if (ad)
    {
        ad->halts++;
        ad->halted = TRUE;
    }
}

static VOID ScShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction)
{
    Record('S', SlotOf(AdapterOf(MiniportAdapterContext)), (ULONG)ShutdownAction);
}

static NDIS_STATUS ScPause(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters)
{
    sc_adapter *ad = AdapterOf(MiniportAdapterContext);
    Record('P', SlotOf(ad), 0);
    return RunAsync(ad, 'P', NULL, &G.pause);
}

static NDIS_STATUS ScRestart(NDIS_HANDLE MiniportAdapterContext, PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters)
{
    sc_adapter *ad = AdapterOf(MiniportAdapterContext);
    Record('R', SlotOf(ad), 0);
    if (G.restart_sets_attributes)
        SetGeneral(ad);
    return RunAsync(ad, 'R', NULL, &G.restart);
}

static NDIS_STATUS ScOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest)
{
    sc_adapter *ad = AdapterOf(MiniportAdapterContext);
    Record('Q', SlotOf(ad), OidRequest->DATA.QUERY_INFORMATION.Oid);
    if (G.oid_complete_foreign)
    {
        NDIS_OID_REQUEST fake;
        NdisZeroMemory(&fake, sizeof fake);
        NdisMOidRequestComplete(ad->handle, &fake, NDIS_STATUS_SUCCESS);
    }
    return RunAsync(ad, 'Q', OidRequest, &G.oid);
}

static VOID ScCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId)
{
}

static VOID ScSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                                 NDIS_PORT_NUMBER PortNumber, ULONG SendFlags)
{
    sc_adapter *ad = AdapterOf(MiniportAdapterContext);
    for (PNET_BUFFER_LIST nbl = NetBufferLists; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl))
        NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_PAUSED;
    NdisMSendNetBufferListsComplete(
        ad->handle, NetBufferLists,
        NDIS_TEST_SEND_AT_DISPATCH_LEVEL(SendFlags) ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

static VOID ScReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                                   ULONG ReturnFlags)
{
}

static VOID ScCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId)
{
}

static VOID ScDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext, PNET_DEVICE_PNP_EVENT NetDevicePnPEvent)
{
    Record('E', SlotOf(AdapterOf(MiniportAdapterContext)), (ULONG)NetDevicePnPEvent->DevicePnPEvent);
}
