/* The process side: everything a driver runs in the System process here. PsGetCurrentProcessId,
 * IoGetCurrentProcess and the process-creation notifications (PsSetCreateProcessNotifyRoutine),
 * which never fire because no process is ever created, but whose registrations are kept so that
 * their removal can be checked. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <string.h>

/* Policy: the System process has process ID 4, as on Windows. */
#define SYSTEM_PROCESS_ID ((HANDLE)(uintptr_t)4)
#define MAX_NOTIFY_ROUTINES 64 /* documented limit of process-creation callbacks */
/* STATUS_PROCEDURE_NOT_FOUND: removing a routine that is not registered. */
#define STATUS_PROCEDURE_NOT_FOUND_NDISHOST ((NTSTATUS)0xC000007AL)

/* Opaque to drivers; only its address is handed out. */
struct _EPROCESS
{
    uint32_t magic;
};
static struct _EPROCESS g_system_process = {0x53595350u /* 'PSYS' */};

static exec_mutex g_lock;
static PCREATE_PROCESS_NOTIFY_ROUTINE g_notify[MAX_NOTIFY_ROUTINES];
/* Ledger entries of the registrations, charged to the registering owner: a routine still
 * registered at halt or unload is HA-10 / UL-02 (Windows would call into unloaded code). Static,
 * so a removal racing a leftover report never touches freed memory. */
static vf_res g_notify_res[MAX_NOTIFY_ROUTINES];

/* After the leftover report: the routine is removed as the driver should have done. */
static void notify_reclaim(vf_res *r)
{
    size_t i = (size_t)(r - g_notify_res);
    exec_mutex_lock(&g_lock);
    if (i < MAX_NOTIFY_ROUTINES && (const void *)g_notify[i] == r->key)
        g_notify[i] = NULL;
    exec_mutex_unlock(&g_lock);
}

HANDLE PsGetCurrentProcessId(void)
{
    return SYSTEM_PROCESS_ID;
}

PEPROCESS IoGetCurrentProcess(void)
{
    return &g_system_process;
}

NTSTATUS PsSetCreateProcessNotifyRoutine(PCREATE_PROCESS_NOTIFY_ROUTINE NotifyRoutine, BOOLEAN Remove)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "PsSetCreateProcessNotifyRoutine", site);
    if (!NotifyRoutine)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "PsSetCreateProcessNotifyRoutine with a NULL routine");
        return STATUS_INVALID_PARAMETER;
    }
    NTSTATUS st = STATUS_SUCCESS;
    exec_mutex_lock(&g_lock);
    int found = -1, free_slot = -1;
    for (int i = 0; i < MAX_NOTIFY_ROUTINES; i++)
    {
        if (g_notify[i] == NotifyRoutine && found < 0)
            found = i;
        if (!g_notify[i] && free_slot < 0)
            free_slot = i;
    }
    if (Remove)
    {
        if (found >= 0)
        {
            g_notify[found] = NULL;
            vf_ledger_remove(&g_notify_res[found]);
        }
        else
            st = STATUS_PROCEDURE_NOT_FOUND_NDISHOST;
    }
    else if (found >= 0 || free_slot < 0)
        st = STATUS_INVALID_PARAMETER; /* documented: already registered, or no room left */
    else
    {
        /* The ledger is updated under g_lock (order: g_lock, then the ledger's) so that a slot's
         * entry always matches the slot. */
        g_notify[free_slot] = NotifyRoutine;
        vf_res *r = &g_notify_res[free_slot];
        memset(r, 0, sizeof *r);
        r->kind = VF_RES_NOTIFY_ROUTINE;
        r->key = (const void *)NotifyRoutine;
        r->reclaim = notify_reclaim;
        vf_ledger_insert(r, vf_current_owner(), site);
    }
    exec_mutex_unlock(&g_lock);
    if (!Remove && st == STATUS_INVALID_PARAMETER && found >= 0)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "PsSetCreateProcessNotifyRoutine: routine %p is already registered",
                  (void *)NotifyRoutine);
    return st;
}

size_t kernel_process_notify_routines(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = 0;
    for (int i = 0; i < MAX_NOTIFY_ROUTINES; i++)
        n += g_notify[i] != NULL;
    exec_mutex_unlock(&g_lock);
    return n;
}

/* Attaching to a process: one address space, so attaching changes nothing. Policy: the
 * APC state records the process attached to so that the detach can be checked; only the
 * System process exists. */
#define APC_STATE_ATTACHED 0x41504331u /* 'APC1' */

VOID KeStackAttachProcess(PRKPROCESS PROCESS, PRKAPC_STATE ApcState)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "KeStackAttachProcess", site);
    if (!ApcState || (void *)PROCESS != (void *)&g_system_process)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "KeStackAttachProcess with %s",
                  ApcState ? "a process object the host did not hand out" : "a NULL ApcState");
        return;
    }
    ApcState->Opaque[0] = APC_STATE_ATTACHED;
    ApcState->Opaque[1] = (ULONG_PTR)PROCESS;
}

VOID KeUnstackDetachProcess(PRKAPC_STATE ApcState)
{
    void *site = VF_SITE();
    vf_check_irql_max(APC_LEVEL, "KeUnstackDetachProcess", site);
    if (!ApcState || ApcState->Opaque[0] != APC_STATE_ATTACHED)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "KeUnstackDetachProcess with an APC state no KeStackAttachProcess filled in");
        return;
    }
    ApcState->Opaque[0] = 0;
}

/* Policy: no process but System exists, and the System process object is not reference counted
 * here, so every lookup fails as for an unknown process ID. */
NTSTATUS PsLookupProcessByProcessId(HANDLE ProcessId, PEPROCESS *Process)
{
    void *site = VF_SITE();
    (void)ProcessId;
    vf_check_irql_max(DISPATCH_LEVEL, "PsLookupProcessByProcessId", site);
    if (!Process)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "PsLookupProcessByProcessId with a NULL Process");
        return STATUS_INVALID_PARAMETER;
    }
    *Process = NULL;
    return STATUS_INVALID_CID;
}

/* ZwQuerySystemInformation is undocumented for drivers (winternl.h documents it for user mode
 * as subject to change); drivers declare it themselves, so the host has no prototype in its
 * headers and takes the class as the ULONG an enum is passed as. Policy: no information class is
 * supported (STATUS_INVALID_INFO_CLASS), so e.g. a handle-table walk finds nothing to do. */
NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation, ULONG SystemInformationLength,
                                  PULONG ReturnLength);
NTSTATUS ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation, ULONG SystemInformationLength,
                                  PULONG ReturnLength)
{
    (void)SystemInformationClass;
    (void)SystemInformation;
    (void)SystemInformationLength;
    if (ReturnLength)
        *ReturnLength = 0;
    return STATUS_INVALID_INFO_CLASS;
}
