/* NdisRegisterDeviceEx / NdisDeregisterDeviceEx / NdisGetDeviceReservedExtension, and NDIS's
 * dispatch routine that routes the IRPs of a registered device to the driver's table.
 *
 * Each registered device is a DEVICE_OBJECT of the miniport's DRIVER_OBJECT with a copy of the
 * driver's MajorFunctions table (drivers commonly pass a table on their stack) and an optional
 * reserved extension. Open files keep a device that was deregistered until their last close, as the
 * I/O manager does with references. */
#include "device_object.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/kernel_ex.h"
#include "handles.h"
#include "ndis_internal.h"

#define NDIS_DEVICE_MAGIC 0x5645444eu /* 'NDEV' */
#define IO_TYPE_DEVICE_OBJECT 3
#define STATUS_OBJECT_NAME_NOT_FOUND_NDISHOST ((NTSTATUS)0xC0000034L) /* STATUS_OBJECT_NAME_NOT_FOUND */

typedef struct ndis_device
{
    uint32_t magic; /* the NdisDeviceHandle points here */
    PDEVICE_OBJECT dev;
    PDRIVER_DISPATCH major[IRP_MJ_MAXIMUM_FUNCTION + 1];
    char name[256], symlink[256]; /* UTF-8 */
    void *extension;
    vf_owner *owner;
    unsigned open_files;
    bool deregistered;
    bool reclaim_pending; /* a leftover report took the ledger entry: device_reclaim frees it */
    vf_res lres;          /* registered and not deregistered (HA-10 / UL-02 when left) */
    struct ndis_device *next;
} ndis_device;

static exec_mutex g_lock;
static ndis_device *g_devices;

/* UTF-16 (driver) to UTF-8 (host) for names. */
static void name_utf8(const UNICODE_STRING *s, char *out, size_t n)
{
    size_t o = 0;
    size_t len = s && s->Buffer ? s->Length / sizeof(WCHAR) : 0;
    for (size_t i = 0; i < len && o + 4 < n; i++)
    {
        uint32_t c = (uint16_t)s->Buffer[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < len)
        {
            uint32_t lo = (uint16_t)s->Buffer[i + 1];
            if (lo >= 0xdc00 && lo <= 0xdfff)
            {
                c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
                i++;
            }
        }
        if (c < 0x80)
            out[o++] = (char)c;
        else if (c < 0x800)
        {
            out[o++] = (char)(0xc0 | (c >> 6));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
        else if (c < 0x10000)
        {
            out[o++] = (char)(0xe0 | (c >> 12));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
        else
        {
            out[o++] = (char)(0xf0 | (c >> 18));
            out[o++] = (char)(0x80 | ((c >> 12) & 0x3f));
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3f));
            out[o++] = (char)(0x80 | (c & 0x3f));
        }
    }
    out[o] = '\0';
}

static ndis_device *device_of_locked(const DEVICE_OBJECT *dev)
{
    for (ndis_device *d = g_devices; d; d = d->next)
        if (d->dev == dev)
            return d;
    return NULL;
}

static ndis_device *device_from_handle_locked(NDIS_HANDLE h)
{
    for (ndis_device *d = g_devices; d; d = d->next)
        if ((void *)d == h && !d->deregistered)
            return d;
    return NULL;
}

static void device_free(ndis_device *d)
{
    free(d->extension);
    free(d->dev);
    free(d);
}

static void unlink_locked(ndis_device *d);

/* After a leftover report: the device is deregistered as the driver should have done (it goes
 * away with its last open file). */
static void device_reclaim(vf_res *r)
{
    ndis_device *d = CONTAINING_RECORD(r, ndis_device, lres);
    exec_mutex_lock(&g_lock);
    d->deregistered = true;
    d->reclaim_pending = false;
    bool free_now = !d->open_files;
    if (free_now)
        unlink_locked(d);
    exec_mutex_unlock(&g_lock);
    if (free_now)
        device_free(d);
}

/* A deregistered device with no open file can go, unless its reclaim hook is still due. */
static bool can_free_locked(const ndis_device *d)
{
    return d->deregistered && !d->open_files && !d->reclaim_pending;
}

/* Unlinks a device (g_lock held). */
static void unlink_locked(ndis_device *d)
{
    for (ndis_device **pp = &g_devices; *pp; pp = &(*pp)->next)
    {
        if (*pp == d)
        {
            *pp = d->next;
            return;
        }
    }
}

void ndis_device_install_dispatch(PDRIVER_OBJECT driver)
{
    if (!driver)
        return;
    for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
        if (!driver->MajorFunction[i])
            driver->MajorFunction[i] = ndis_device_dispatch;
}

NDIS_STATUS NdisRegisterDeviceEx(NDIS_HANDLE NdisHandle, PNDIS_DEVICE_OBJECT_ATTRIBUTES DeviceObjectAttributes,
                                 PDEVICE_OBJECT *pDeviceObject, PNDIS_HANDLE NdisDeviceHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisRegisterDeviceEx", site);
    if (pDeviceObject)
        *pDeviceObject = NULL;
    ndis_driver *drv = NULL;
    vf_owner *owner = NULL;
    /* Policy: the documented handle is the miniport driver handle; an adapter handle (what
     * tap-windows6 passes, and Windows accepts) registers the device for that adapter's driver. */
    if (NdisHandle && ndis_handle_is_live(NdisHandle))
    {
        uint32_t magic = *(const uint32_t *)NdisHandle;
        if (magic == NDIS_DRIVER_MAGIC)
        {
            drv = NdisHandle;
            owner = drv->owner;
        }
        else if (magic == NDIS_ADAPTER_MAGIC)
        {
            ndis_adapter *a = NdisHandle;
            drv = a->driver;
            owner = a->owner;
        }
    }
    if (!drv)
    {
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "NdisRegisterDeviceEx with %p, which is not a miniport driver handle from "
                  "NdisMRegisterMiniportDriver",
                  NdisHandle);
        return NDIS_STATUS_NOT_SUPPORTED;
    }
    const NDIS_DEVICE_OBJECT_ATTRIBUTES *attr = DeviceObjectAttributes;
    if (!attr || attr->Header.Type != NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES || attr->Header.Revision < 1 ||
        attr->Header.Size < NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1 || !pDeviceObject || !NdisDeviceHandle)
    {
        vf_report("AP-02", owner, VF_CB_NONE, site, "NdisRegisterDeviceEx with %s",
                  !pDeviceObject || !NdisDeviceHandle
                      ? "a NULL pDeviceObject or NdisDeviceHandle"
                      : "a missing or malformed NDIS_DEVICE_OBJECT_ATTRIBUTES header (Type "
                        "NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES, Revision 1, Size "
                        "NDIS_SIZEOF_DEVICE_OBJECT_ATTRIBUTES_REVISION_1)");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (vf_should_fail("NdisRegisterDeviceEx", site))
        return NDIS_STATUS_RESOURCES;
    ndis_device *d = calloc(1, sizeof *d);
    PDEVICE_OBJECT dev = calloc(1, sizeof *dev);
    void *ext = attr->ExtensionSize ? calloc(1, attr->ExtensionSize) : NULL;
    if (!d || !dev || (attr->ExtensionSize && !ext))
    {
        free(d);
        free(dev);
        free(ext);
        return NDIS_STATUS_RESOURCES;
    }
    d->magic = NDIS_DEVICE_MAGIC;
    d->dev = dev;
    d->extension = ext;
    d->owner = owner;
    name_utf8(attr->DeviceName, d->name, sizeof d->name);
    name_utf8(attr->SymbolicName, d->symlink, sizeof d->symlink);
    if (attr->MajorFunctions)
        memcpy(d->major, attr->MajorFunctions, sizeof d->major);
    dev->Type = IO_TYPE_DEVICE_OBJECT;
    dev->Size = sizeof *dev;
    dev->DriverObject = drv->driver_object;
    /* Policy: an NDIS device starts as a network device with buffered I/O and one stack location;
     * drivers change Flags for direct I/O after registering, as tap-windows6 does. */
    dev->DeviceType = FILE_DEVICE_NETWORK;
    dev->Characteristics = FILE_DEVICE_SECURE_OPEN;
    dev->Flags = DO_BUFFERED_IO;
    dev->StackSize = 1;
    dev->AlignmentRequirement = 0;
    dev->DeviceExtension = d; /* NDIS's own (drivers must not modify it) */
    KeInitializeEvent(&dev->DeviceLock, SynchronizationEvent, TRUE);

    exec_mutex_lock(&g_lock);
    bool collision = false;
    for (ndis_device *o = g_devices; o && d->name[0]; o = o->next)
        collision |= !o->deregistered && !strcmp(o->name, d->name);
    if (!collision)
    {
        ndis_device **pp = &g_devices;
        while (*pp)
            pp = &(*pp)->next;
        *pp = d;
        d->lres.kind = VF_RES_DEVICE_OBJECT;
        d->lres.key = d;
        d->lres.reclaim = device_reclaim;
        vf_ledger_insert(&d->lres, owner, site);
    }
    exec_mutex_unlock(&g_lock);
    if (collision)
    {
        /* As IoCreateDevice: a name in use is STATUS_OBJECT_NAME_COLLISION. */
        device_free(d);
        return (NDIS_STATUS)STATUS_OBJECT_NAME_COLLISION;
    }
    ndis_device_install_dispatch(drv->driver_object);
    *pDeviceObject = dev;
    *NdisDeviceHandle = d;
    return NDIS_STATUS_SUCCESS;
}

VOID NdisDeregisterDeviceEx(NDIS_HANDLE NdisDeviceHandle)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisDeregisterDeviceEx", site);
    exec_mutex_lock(&g_lock);
    ndis_device *d = device_from_handle_locked(NdisDeviceHandle);
    bool free_now = false;
    if (d)
    {
        d->deregistered = true;
        d->reclaim_pending = !vf_ledger_remove_live(&d->lres);
        /* Documented: with references left the device is deleted when they are released. */
        if (can_free_locked(d))
        {
            unlink_locked(d);
            free_now = true;
        }
    }
    exec_mutex_unlock(&g_lock);
    if (!d)
    {
        vf_report(
            "AP-01", NULL, VF_CB_NONE, site,
            "NdisDeregisterDeviceEx with %p, which is not a device handle from NdisRegisterDeviceEx (deregistered "
            "twice?)",
            NdisDeviceHandle);
        return;
    }
    if (free_now)
        device_free(d);
}

PVOID NdisGetDeviceReservedExtension(PDEVICE_OBJECT DeviceObject)
{
    void *site = VF_SITE();
    exec_mutex_lock(&g_lock);
    ndis_device *d = device_of_locked(DeviceObject);
    void *ext = d ? d->extension : NULL;
    exec_mutex_unlock(&g_lock);
    if (!d)
        vf_report("AP-01", NULL, VF_CB_NONE, site,
                  "NdisGetDeviceReservedExtension on %p, which is not a device from NdisRegisterDeviceEx",
                  (void *)DeviceObject);
    return ext;
}

NTSTATUS ndis_device_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    exec_mutex_lock(&g_lock);
    ndis_device *d = device_of_locked(DeviceObject);
    PDRIVER_DISPATCH fn = d && sp->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION ? d->major[sp->MajorFunction] : NULL;
    exec_mutex_unlock(&g_lock);
    if (fn)
        return fn(DeviceObject, Irp);
    /* Policy: what NDIS does itself: opening and closing succeed, anything else is an invalid
     * request (NDIS's own statistics IOCTLs are not emulated). */
    NTSTATUS st =
        sp->MajorFunction == IRP_MJ_CREATE || sp->MajorFunction == IRP_MJ_CLOSE || sp->MajorFunction == IRP_MJ_CLEANUP
            ? STATUS_SUCCESS
            : STATUS_INVALID_DEVICE_REQUEST;
    Irp->IoStatus.Status = st;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return st;
}

/* ---- the adapter's own device stack (NdisMGetDeviceProperty) ---------------------------------- */

/* Each adapter's PDO (created by the bus driver, the host's "software device" driver object) and
 * FDO (NDIS's device object for the miniport, of the miniport's DRIVER_OBJECT, attached on top of
 * the PDO). They live as long as the adapter object, across halt/initialize cycles, as a device
 * stack lives while the device is installed; the driver may use the FDO's Reserved field (Wintun
 * keeps its context there and clears it at halt). */
typedef struct adapter_stack
{
    const void *adapter; /* identity: the adapter, its driver object and index (addresses are reused) */
    const void *driver_object;
    unsigned index;
    PDEVICE_OBJECT pdo, fdo;
    struct adapter_stack *next;
} adapter_stack;

static adapter_stack *g_stacks;
static DRIVER_OBJECT g_bus_driver; /* the PDOs' driver */

/* The bus driver's answer to IRPs sent down to a PDO: PnP and power IRPs it does not handle keep
 * their status (a bus driver completes them untouched), anything else is an invalid request. */
static NTSTATUS bus_dispatch(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    NTSTATUS st = Irp->IoStatus.Status;
    if (sp->MajorFunction != IRP_MJ_PNP && sp->MajorFunction != IRP_MJ_POWER)
    {
        st = STATUS_INVALID_DEVICE_REQUEST;
        Irp->IoStatus.Status = st;
        Irp->IoStatus.Information = 0;
    }
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return st;
}

static void stack_init(adapter_stack *s, ndis_adapter *a)
{
    PDRIVER_OBJECT drv = a->driver ? a->driver->driver_object : NULL;
    s->adapter = a;
    s->driver_object = drv;
    s->index = a->index;
    memset(s->pdo, 0, sizeof *s->pdo);
    memset(s->fdo, 0, sizeof *s->fdo);
    s->pdo->Type = s->fdo->Type = IO_TYPE_DEVICE_OBJECT;
    s->pdo->Size = s->fdo->Size = sizeof(DEVICE_OBJECT);
    s->pdo->DriverObject = &g_bus_driver;
    s->pdo->DeviceType = FILE_DEVICE_UNKNOWN;
    s->pdo->StackSize = 1;
    s->pdo->AttachedDevice = s->fdo;
    s->fdo->DriverObject = drv;
    s->fdo->DeviceType = FILE_DEVICE_PHYSICAL_NETCARD;
    s->fdo->Flags = DO_BUFFERED_IO | DO_POWER_PAGABLE;
    s->fdo->StackSize = 2;
    KeInitializeEvent(&s->pdo->DeviceLock, SynchronizationEvent, TRUE);
    KeInitializeEvent(&s->fdo->DeviceLock, SynchronizationEvent, TRUE);
}

bool ndis_device_adapter_stack(ndis_adapter *a, PDEVICE_OBJECT *pdo, PDEVICE_OBJECT *fdo)
{
    PDRIVER_OBJECT drv = a->driver ? a->driver->driver_object : NULL;
    exec_mutex_lock(&g_lock);
    if (!g_bus_driver.Type)
    {
        g_bus_driver.Type = 4; /* IO_TYPE_DRIVER */
        g_bus_driver.Size = sizeof g_bus_driver;
        for (int i = 0; i <= IRP_MJ_MAXIMUM_FUNCTION; i++)
            g_bus_driver.MajorFunction[i] = bus_dispatch;
    }
    adapter_stack *s = g_stacks;
    while (s && s->adapter != a)
        s = s->next;
    if (!s)
    {
        s = calloc(1, sizeof *s);
        PDEVICE_OBJECT objs = s ? aligned_alloc(16, 2 * sizeof(DEVICE_OBJECT)) : NULL;
        if (!objs)
        {
            free(s);
            exec_mutex_unlock(&g_lock);
            return false;
        }
        s->pdo = &objs[0];
        s->fdo = &objs[1];
        stack_init(s, a);
        s->next = g_stacks;
        g_stacks = s;
    }
    else if (s->driver_object != drv || s->index != a->index)
        stack_init(s, a); /* a new adapter at a destroyed one's address */
    *pdo = s->pdo;
    *fdo = s->fdo;
    exec_mutex_unlock(&g_lock);
    return true;
}

void ndis_device_adapter_destroy(ndis_adapter *a)
{
    exec_mutex_lock(&g_lock);
    for (adapter_stack **pp = &g_stacks; *pp; pp = &(*pp)->next)
    {
        adapter_stack *s = *pp;
        if (s->adapter == a)
        {
            *pp = s->next;
            free(s->pdo);
            free(s);
            break;
        }
    }
    exec_mutex_unlock(&g_lock);
}

size_t ndis_device_count(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = 0;
    for (ndis_device *d = g_devices; d; d = d->next)
        n += !d->deregistered;
    exec_mutex_unlock(&g_lock);
    return n;
}

PDEVICE_OBJECT ndis_device_at(size_t i)
{
    exec_mutex_lock(&g_lock);
    PDEVICE_OBJECT dev = NULL;
    for (ndis_device *d = g_devices; d && !dev; d = d->next)
        if (!d->deregistered && i-- == 0)
            dev = d->dev;
    exec_mutex_unlock(&g_lock);
    return dev;
}

PDEVICE_OBJECT ndis_device_find(const char *name)
{
    exec_mutex_lock(&g_lock);
    PDEVICE_OBJECT dev = NULL;
    for (ndis_device *d = g_devices; d && !dev; d = d->next)
        if (!d->deregistered && (!strcasecmp(d->name, name) || !strcasecmp(d->symlink, name)))
            dev = d->dev;
    exec_mutex_unlock(&g_lock);
    return dev;
}

static NTSTATUS send_simple(PDEVICE_OBJECT dev, PFILE_OBJECT file, UCHAR major)
{
    kernel_irp_request req = {.major = major, .file = file, .timeout_ns = -1};
    kernel_irp_result res;
    kernel_irp_send(dev, &req, &res);
    return res.iosb.Status;
}

NTSTATUS ndis_device_open(PDEVICE_OBJECT device, PFILE_OBJECT *file)
{
    *file = NULL;
    exec_mutex_lock(&g_lock);
    ndis_device *d = device_of_locked(device);
    bool ok = d && !d->deregistered;
    if (ok)
        d->open_files++;
    exec_mutex_unlock(&g_lock);
    if (!ok)
        return STATUS_OBJECT_NAME_NOT_FOUND_NDISHOST;
    PFILE_OBJECT f = kernel_file_new(device);
    NTSTATUS st = send_simple(device, f, IRP_MJ_CREATE);
    if (NT_SUCCESS(st))
    {
        *file = f;
        return st;
    }
    kernel_file_free(f);
    exec_mutex_lock(&g_lock);
    d->open_files--;
    bool free_now = can_free_locked(d);
    if (free_now)
        unlink_locked(d);
    exec_mutex_unlock(&g_lock);
    if (free_now)
        device_free(d);
    return st;
}

NTSTATUS ndis_device_close(PFILE_OBJECT file)
{
    PDEVICE_OBJECT dev = file->DeviceObject;
    send_simple(dev, file, IRP_MJ_CLEANUP);
    NTSTATUS st = send_simple(dev, file, IRP_MJ_CLOSE);
    kernel_file_free(file);
    exec_mutex_lock(&g_lock);
    ndis_device *d = device_of_locked(dev);
    bool free_now = false;
    if (d && d->open_files)
    {
        d->open_files--;
        free_now = can_free_locked(d);
        if (free_now)
            unlink_locked(d);
    }
    exec_mutex_unlock(&g_lock);
    if (free_now)
        device_free(d);
    return st;
}
