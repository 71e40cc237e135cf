/* ha10_thread_left_running: initialize starts a system thread that only MiniportDriverUnload stops;
 * halt returns with the thread still running (HA-10). */
#define ZOO_HOOK_INITIALIZE ZooInit
#define ZOO_HOOK_UNLOAD ZooUnload
#include "zoo_base.h"

#define ZOO_MAX_THREADS 16

static KEVENT ZooStop;
static HANDLE ZooThreads[ZOO_MAX_THREADS];
static LONG ZooThreadCount;

static VOID ZooThread(PVOID Context)
{
    UNREFERENCED_PARAMETER(Context);
    KeWaitForSingleObject(&ZooStop, Executive, KernelMode, FALSE, NULL);
    PsTerminateSystemThread(STATUS_SUCCESS);
}

static NDIS_STATUS ZooInit(PZOO_ADAPTER Adapter)
{
    UNREFERENCED_PARAMETER(Adapter);
    if (ZooThreadCount == 0)
        KeInitializeEvent(&ZooStop, NotificationEvent, FALSE);
    if (ZooThreadCount == ZOO_MAX_THREADS)
        return NDIS_STATUS_RESOURCES;
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, NULL, OBJ_KERNEL_HANDLE, NULL, NULL);
    HANDLE thread;
    NTSTATUS status =
        PsCreateSystemThread(&thread, THREAD_ALL_ACCESS, &oa, NULL, NULL, ZooThread, NULL); /* ZOO-EXPECT: HA-10 */
    if (!NT_SUCCESS(status))
        return NDIS_STATUS_RESOURCES;
    ZooThreads[ZooThreadCount++] = thread;
    return NDIS_STATUS_SUCCESS;
}

/* The thread should have been stopped and waited for in halt; here it is, too late. */
static VOID ZooUnload(VOID)
{
    KeSetEvent(&ZooStop, IO_NO_INCREMENT, FALSE);
    for (LONG i = 0; i < ZooThreadCount; i++)
    {
        PVOID object;
        if (NT_SUCCESS(ObReferenceObjectByHandle(ZooThreads[i], SYNCHRONIZE, NULL, KernelMode, &object, NULL)))
        {
            KeWaitForSingleObject(object, Executive, KernelMode, FALSE, NULL);
            ObDereferenceObject(object);
        }
        ZwClose(ZooThreads[i]);
    }
    ZooThreadCount = 0;
}
