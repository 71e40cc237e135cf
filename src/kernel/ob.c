/* A minimal object manager: reference-counted kernel objects (thread objects for now) and the
 * kernel handles that name them (ObReferenceObjectByHandle, ObReferenceObjectByPointer,
 * ObfReferenceObject, ObfDereferenceObject, ZwClose, ObCloseHandle).
 *
 * An object lives while it has references; each open handle holds one. When the last reference
 * goes, the object's type releases it. Unknown handles and objects are findings (AP-01), never
 * crashes. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <stdlib.h>

typedef struct ob_entry
{
    void *object;
    POBJECT_TYPE type;
    LONG refs;
} ob_entry;

/* Types that exist for ObReferenceObjectByHandle's ObjectType argument; no object of them is
 * created yet (events from user mode, processes). */
static void no_release(void *object)
{
    (void)object;
}
static struct _OBJECT_TYPE g_event_type = {"Event", no_release};
static struct _OBJECT_TYPE g_process_type = {"Process", no_release};
static POBJECT_TYPE g_event_type_ptr = &g_event_type;
static POBJECT_TYPE g_process_type_ptr = &g_process_type;
POBJECT_TYPE *ExEventObjectType = &g_event_type_ptr;
POBJECT_TYPE *PsProcessType = &g_process_type_ptr;

static exec_mutex g_lock;
static ob_entry *g_objects;
static size_t g_nobjects, g_cap_objects;
static void **g_handles; /* handle i names g_handles[i] (NULL: free slot) */
static size_t g_nhandles;

/* Kernel handles have the top bit set on x64 (they are negative as LONG_PTR); slot i is
 * 0xffffffff80000000 + 4 * (i + 1). */
#define HANDLE_BASE 0xffffffff80000000ull

static HANDLE slot_to_handle(size_t i)
{
    return (HANDLE)(uintptr_t)(HANDLE_BASE + 4 * (i + 1));
}

static bool handle_to_slot(HANDLE h, size_t *slot)
{
    uint64_t v = (uint64_t)(uintptr_t)h;
    if (v <= HANDLE_BASE || (v - HANDLE_BASE) % 4)
        return false;
    size_t i = (size_t)((v - HANDLE_BASE) / 4 - 1);
    if (i >= g_nhandles || !g_handles[i])
        return false;
    *slot = i;
    return true;
}

static ob_entry *find_locked(const void *object)
{
    for (size_t i = 0; i < g_nobjects; i++)
        if (g_objects[i].object == object)
            return &g_objects[i];
    return NULL;
}

void kernel_object_insert(void *object, POBJECT_TYPE type, LONG refs)
{
    exec_mutex_lock(&g_lock);
    if (g_nobjects == g_cap_objects)
    {
        g_cap_objects = g_cap_objects ? g_cap_objects * 2 : 16;
        g_objects = realloc(g_objects, g_cap_objects * sizeof *g_objects);
        if (!g_objects)
            abort();
    }
    g_objects[g_nobjects++] = (ob_entry){.object = object, .type = type, .refs = refs};
    exec_mutex_unlock(&g_lock);
}

HANDLE kernel_handle_open(void *object)
{
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(object);
    if (!e)
    {
        exec_mutex_unlock(&g_lock);
        return NULL;
    }
    e->refs++;
    size_t i = 0;
    while (i < g_nhandles && g_handles[i])
        i++;
    if (i == g_nhandles)
    {
        g_handles = realloc(g_handles, (g_nhandles + 16) * sizeof *g_handles);
        if (!g_handles)
            abort();
        memset(g_handles + g_nhandles, 0, 16 * sizeof *g_handles);
        g_nhandles += 16;
    }
    g_handles[i] = object;
    exec_mutex_unlock(&g_lock);
    return slot_to_handle(i);
}

/* Drops one reference; the caller must not hold g_lock. */
static void deref(void *object)
{
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(object);
    if (!e)
    {
        exec_mutex_unlock(&g_lock);
        return;
    }
    if (--e->refs > 0)
    {
        exec_mutex_unlock(&g_lock);
        return;
    }
    POBJECT_TYPE type = e->type;
    *e = g_objects[--g_nobjects];
    exec_mutex_unlock(&g_lock);
    type->release(object);
}

void kernel_object_deref(void *object)
{
    deref(object);
}

bool kernel_object_is(const void *object, POBJECT_TYPE type)
{
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(object);
    bool r = e && e->type == type;
    exec_mutex_unlock(&g_lock);
    return r;
}

void kernel_handle_close(HANDLE handle)
{
    exec_mutex_lock(&g_lock);
    size_t slot;
    void *obj = NULL;
    if (handle_to_slot(handle, &slot))
    {
        obj = g_handles[slot];
        g_handles[slot] = NULL;
    }
    exec_mutex_unlock(&g_lock);
    if (obj)
        deref(obj);
}

size_t kernel_object_count(POBJECT_TYPE type)
{
    exec_mutex_lock(&g_lock);
    size_t n = 0;
    for (size_t i = 0; i < g_nobjects; i++)
        n += !type || g_objects[i].type == type;
    exec_mutex_unlock(&g_lock);
    return n;
}

NTSTATUS ObReferenceObjectByHandle(HANDLE Handle, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                   KPROCESSOR_MODE AccessMode, PVOID *Object,
                                   POBJECT_HANDLE_INFORMATION HandleInformation)
{
    void *site = VF_SITE();
    (void)AccessMode;
    vf_check_irql_max(APC_LEVEL, "ObReferenceObjectByHandle", site);
    if (!Object)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "ObReferenceObjectByHandle with a NULL Object pointer");
        return STATUS_INVALID_PARAMETER;
    }
    *Object = NULL;
    void *obj = NULL;
    POBJECT_TYPE type = NULL;
    if (Handle == NtCurrentThread())
    {
        /* Policy: the current-thread pseudo handle names the caller's thread object. */
        obj = kernel_current_thread();
        type = kernel_thread_object_type();
    }
    else
    {
        exec_mutex_lock(&g_lock);
        size_t slot;
        if (handle_to_slot(Handle, &slot))
        {
            obj = g_handles[slot];
            ob_entry *e = find_locked(obj);
            type = e ? e->type : NULL;
        }
        exec_mutex_unlock(&g_lock);
    }
    if (!obj || !type)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "ObReferenceObjectByHandle: %p is not an open kernel handle",
                  Handle);
        return STATUS_INVALID_HANDLE;
    }
    if (ObjectType && ObjectType != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    ObfReferenceObject(obj);
    *Object = obj;
    if (HandleInformation)
    {
        HandleInformation->HandleAttributes = OBJ_KERNEL_HANDLE;
        HandleInformation->GrantedAccess = DesiredAccess;
    }
    return STATUS_SUCCESS;
}

NTSTATUS ObReferenceObjectByPointer(PVOID Object, ACCESS_MASK DesiredAccess, POBJECT_TYPE ObjectType,
                                    KPROCESSOR_MODE AccessMode)
{
    void *site = VF_SITE();
    (void)DesiredAccess;
    (void)AccessMode;
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(Object);
    POBJECT_TYPE type = e ? e->type : NULL;
    exec_mutex_unlock(&g_lock);
    if (!type && kernel_thread_is_permanent(Object))
        type = kernel_thread_object_type();
    if (!type)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "ObReferenceObjectByPointer: %p is not a kernel object", Object);
        return STATUS_INVALID_PARAMETER;
    }
    if (ObjectType && ObjectType != type)
        return STATUS_OBJECT_TYPE_MISMATCH;
    ObfReferenceObject(Object);
    return STATUS_SUCCESS;
}

LONG_PTR ObfReferenceObject(PVOID Object)
{
    void *site = VF_SITE();
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(Object);
    LONG_PTR n = e ? ++e->refs : 0;
    exec_mutex_unlock(&g_lock);
    /* Policy: host threads' objects live as long as their threads and are not counted. */
    if (!e && !kernel_thread_is_permanent(Object))
        vf_report("AP-01", NULL, VF_CB_NONE, site, "ObReferenceObject: %p is not a referenced kernel object", Object);
    return n ? n : 1;
}

LONG_PTR ObfDereferenceObject(PVOID Object)
{
    void *site = VF_SITE();
    exec_mutex_lock(&g_lock);
    ob_entry *e = find_locked(Object);
    LONG_PTR left = e ? e->refs - 1 : 0;
    exec_mutex_unlock(&g_lock);
    if (!e)
    {
        if (!kernel_thread_is_permanent(Object))
            vf_report("AP-01", NULL, VF_CB_NONE, site,
                      "ObDereferenceObject: %p is not a kernel object with references left (dereferenced once too "
                      "often?)",
                      Object);
        kernel_system_threads_reap();
        return 0;
    }
    deref(Object);
    kernel_system_threads_reap();
    return left;
}

static NTSTATUS close_handle(HANDLE Handle, const char *api, void *site)
{
    exec_mutex_lock(&g_lock);
    size_t slot;
    void *obj = NULL;
    if (handle_to_slot(Handle, &slot))
    {
        obj = g_handles[slot];
        g_handles[slot] = NULL;
    }
    exec_mutex_unlock(&g_lock);
    if (!obj)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site, "%s: %p is not an open kernel handle (closed twice?)", api, Handle);
        return STATUS_INVALID_HANDLE;
    }
    deref(obj);
    kernel_system_threads_reap();
    return STATUS_SUCCESS;
}

NTSTATUS ZwClose(HANDLE Handle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "ZwClose", site);
    return close_handle(Handle, "ZwClose", site);
}

NTSTATUS ObCloseHandle(HANDLE Handle, KPROCESSOR_MODE PreviousMode)
{
    void *site = VF_SITE();
    (void)PreviousMode;
    vf_check_irql_eq(PASSIVE_LEVEL, "ObCloseHandle", site);
    return close_handle(Handle, "ObCloseHandle", site);
}

size_t kernel_handles_open(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = 0;
    for (size_t i = 0; i < g_nhandles; i++)
        n += g_handles[i] != NULL;
    exec_mutex_unlock(&g_lock);
    return n;
}
