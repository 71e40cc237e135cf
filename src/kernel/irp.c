/* IRPs: allocation (IoAllocateIrp, IoInitializeIrp, IoReuseIrp, IoFreeIrp), dispatch
 * (IoCallDriver), completion with completion routines and pending propagation
 * (IoCompleteRequest), cancellation (IoCancelIrp and the cancel spin lock), and the host's side
 * of the I/O manager (kernel_irp_send: build a request for a device, call its dispatch routine,
 * wait for the completion).
 *
 * Every IRP the host knows (allocated here) is in a live set, so that completing one twice,
 * freeing one twice, or completing one with a cancel routine still set are findings (AP-02), as
 * Driver Verifier reports them, and never corrupt memory. */
#include "kernel_ex.h"
#include "kernel_internal.h"

#include <stdlib.h>

typedef struct irp_rec
{
    PIRP irp;
    bool completed; /* reached the top: the I/O manager's completion ran */
    bool host;      /* built by kernel_irp_send */
    KEVENT done;    /* host IRPs: set at completion */
    IO_STATUS_BLOCK iosb;
    void *system_buffer; /* buffered I/O: the host's copy, freed with the IRP */
    PMDL mdl;            /* direct I/O */
    struct irp_rec *next;
} irp_rec;

static exec_mutex g_lock;
static irp_rec *g_irps;
static KSPIN_LOCK g_cancel_lock;

static irp_rec *find_locked(const IRP *irp)
{
    for (irp_rec *r = g_irps; r; r = r->next)
        if (r->irp == irp)
            return r;
    return NULL;
}

static irp_rec *rec_of(const IRP *irp)
{
    exec_mutex_lock(&g_lock);
    irp_rec *r = find_locked(irp);
    exec_mutex_unlock(&g_lock);
    return r;
}

static PIRP irp_new(CCHAR stack_size, bool host)
{
    USHORT size = IoSizeOfIrp(stack_size);
    PIRP irp = calloc(1, size);
    irp_rec *r = calloc(1, sizeof *r);
    if (!irp || !r)
    {
        free(irp);
        free(r);
        return NULL;
    }
    IoInitializeIrp(irp, size, stack_size);
    r->irp = irp;
    r->host = host;
    KeInitializeEvent(&r->done, NotificationEvent, FALSE);
    exec_mutex_lock(&g_lock);
    r->next = g_irps;
    g_irps = r;
    exec_mutex_unlock(&g_lock);
    return irp;
}

static void irp_destroy(PIRP irp)
{
    exec_mutex_lock(&g_lock);
    irp_rec *r = NULL;
    for (irp_rec **pp = &g_irps; *pp; pp = &(*pp)->next)
    {
        if ((*pp)->irp == irp)
        {
            r = *pp;
            *pp = r->next;
            break;
        }
    }
    exec_mutex_unlock(&g_lock);
    if (!r)
        return;
    if (r->mdl)
        IoFreeMdl(r->mdl);
    free(r->system_buffer);
    free(r);
    free(irp);
}

VOID IoInitializeIrp(PIRP Irp, USHORT PacketSize, CCHAR StackSize)
{
    memset(Irp, 0, PacketSize);
    Irp->Type = IO_TYPE_IRP;
    Irp->Size = PacketSize;
    Irp->StackCount = StackSize;
    Irp->CurrentLocation = (CHAR)(StackSize + 1);
    Irp->Tail.Overlay.CurrentStackLocation = (PIO_STACK_LOCATION)(Irp + 1) + StackSize;
    InitializeListHead(&Irp->ThreadListEntry);
}

PIRP IoAllocateIrp(CCHAR StackSize, BOOLEAN ChargeQuota)
{
    void *site = VF_SITE();
    (void)ChargeQuota;
    vf_check_irql_max(DISPATCH_LEVEL, "IoAllocateIrp", site);
    if (StackSize < 1)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoAllocateIrp with StackSize %d", (int)StackSize);
        return NULL;
    }
    if (vf_should_fail("IoAllocateIrp", site))
        return NULL;
    return irp_new(StackSize, false);
}

VOID IoFreeIrp(PIRP Irp)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoFreeIrp", site);
    irp_rec *r = rec_of(Irp);
    if (!r || r->host)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoFreeIrp on %p, %s", (void *)Irp,
                  r ? "an IRP the I/O manager owns" : "which is not an IRP from IoAllocateIrp (freed twice?)");
        return;
    }
    irp_destroy(Irp);
}

VOID IoReuseIrp(PIRP Irp, NTSTATUS Iostatus)
{
    void *site = VF_SITE();
    irp_rec *r = rec_of(Irp);
    if (!r)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoReuseIrp on %p, which is not an IRP from IoAllocateIrp",
                  (void *)Irp);
        return;
    }
    UCHAR flags = Irp->AllocationFlags;
    IoInitializeIrp(Irp, Irp->Size, Irp->StackCount);
    Irp->AllocationFlags = flags;
    Irp->IoStatus.Status = Iostatus;
    exec_mutex_lock(&g_lock);
    r->completed = false;
    exec_mutex_unlock(&g_lock);
}

/* The I/O manager's default dispatch for a missing handler. */
static NTSTATUS invalid_request(PIRP irp)
{
    irp->IoStatus.Status = STATUS_INVALID_DEVICE_REQUEST;
    irp->IoStatus.Information = 0;
    IofCompleteRequest(irp, IO_NO_INCREMENT);
    return STATUS_INVALID_DEVICE_REQUEST;
}

NTSTATUS IofCallDriver(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoCallDriver", site);
    if (!DeviceObject || !Irp)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoCallDriver with a NULL %s", !Irp ? "IRP" : "device object");
        return STATUS_INVALID_PARAMETER;
    }
    if (Irp->CurrentLocation <= 1)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "IoCallDriver: the IRP has no stack location left for the next driver (StackSize too small)");
        return STATUS_INVALID_PARAMETER;
    }
    IoSetNextIrpStackLocation(Irp);
    PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
    sp->DeviceObject = DeviceObject;
    PDRIVER_OBJECT drv = DeviceObject->DriverObject;
    PDRIVER_DISPATCH fn =
        drv && sp->MajorFunction <= IRP_MJ_MAXIMUM_FUNCTION ? drv->MajorFunction[sp->MajorFunction] : NULL;
    if (!fn)
        return invalid_request(Irp);
    return fn(DeviceObject, Irp);
}

VOID IofCompleteRequest(PIRP Irp, CCHAR PriorityBoost)
{
    void *site = VF_SITE();
    (void)PriorityBoost;
    vf_check_irql_max(DISPATCH_LEVEL, "IoCompleteRequest", site);
    exec_mutex_lock(&g_lock);
    irp_rec *r = Irp ? find_locked(Irp) : NULL;
    bool twice = r && r->completed;
    exec_mutex_unlock(&g_lock);
    if (!r || twice)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoCompleteRequest on %p, %s", (void *)Irp,
                  twice ? "an IRP that is already completed (completed twice)" : "which is not a live IRP");
        return;
    }
    if (Irp->CancelRoutine)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "IoCompleteRequest with a cancel routine still set (clear it with IoSetCancelRoutine(Irp, NULL) "
                  "first)");
        IoSetCancelRoutine(Irp, NULL);
    }
    if (Irp->IoStatus.Status == STATUS_PENDING)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoCompleteRequest with IoStatus.Status STATUS_PENDING");

    /* Up the stack: each location's completion routine runs for the driver above it. */
    while (Irp->CurrentLocation <= Irp->StackCount)
    {
        PIO_STACK_LOCATION sp = IoGetCurrentIrpStackLocation(Irp);
        Irp->PendingReturned = (sp->Control & SL_PENDING_RETURNED) != 0;
        PIO_COMPLETION_ROUTINE routine = sp->CompletionRoutine;
        PVOID context = sp->Context;
        UCHAR control = sp->Control;
        IoSkipCurrentIrpStackLocation(Irp);
        NTSTATUS st = Irp->IoStatus.Status;
        bool invoke = (NT_SUCCESS(st) && (control & SL_INVOKE_ON_SUCCESS)) ||
                      (!NT_SUCCESS(st) && (control & SL_INVOKE_ON_ERROR)) ||
                      (Irp->Cancel && (control & SL_INVOKE_ON_CANCEL));
        if (routine && invoke)
        {
            PDEVICE_OBJECT dev =
                Irp->CurrentLocation <= Irp->StackCount ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
            if (routine(dev, Irp, context) == STATUS_MORE_PROCESSING_REQUIRED)
                return; /* the routine's driver owns the IRP again */
        }
        else if (Irp->PendingReturned && Irp->CurrentLocation <= Irp->StackCount)
            IoMarkIrpPending(Irp);
    }
    /* The top: the I/O manager's part. */
    exec_mutex_lock(&g_lock);
    r->completed = true;
    r->iosb = Irp->IoStatus;
    bool host = r->host;
    exec_mutex_unlock(&g_lock);
    if (Irp->UserIosb)
        *Irp->UserIosb = Irp->IoStatus;
    if (Irp->UserEvent)
        KeSetEvent(Irp->UserEvent, IO_NO_INCREMENT, FALSE);
    if (host)
        kernel_event_set(&r->done);
    else
        /* Policy: an IRP from IoAllocateIrp must be reclaimed by its completion routine
         * (STATUS_MORE_PROCESSING_REQUIRED, then IoFreeIrp); no thread waits for it here. */
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "an IRP from IoAllocateIrp completed up to the top: its completion routine must return "
                  "STATUS_MORE_PROCESSING_REQUIRED and free it");
}

VOID IoAcquireCancelSpinLock(PKIRQL Irql)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    vf_check_irql_max(DISPATCH_LEVEL, "IoAcquireCancelSpinLock", site);
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    kernel_spin_acquire_api(&g_cancel_lock, "IoAcquireCancelSpinLock", site);
    if (Irql)
        *Irql = old;
}

VOID IoReleaseCancelSpinLock(KIRQL Irql)
{
    void *site = VF_SITE();
    if (!kernel_spin_release_api(&g_cancel_lock, "IoReleaseCancelSpinLock", site))
        return;
    KIRQL cur = vf_irql();
    if (Irql > cur)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "IoReleaseCancelSpinLock to %s while at %s", vf_irql_name(Irql),
                  vf_irql_name(cur));
        return;
    }
    vf_set_irql(Irql);
}

BOOLEAN IoCancelIrp(PIRP Irp)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoCancelIrp", site);
    if (!rec_of(Irp))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoCancelIrp on %p, which is not a live IRP", (void *)Irp);
        return FALSE;
    }
    KIRQL old = vf_irql();
    if (old < DISPATCH_LEVEL)
        vf_set_irql(DISPATCH_LEVEL);
    kernel_spin_acquire_api(&g_cancel_lock, "IoCancelIrp", site);
    Irp->Cancel = TRUE;
    PDRIVER_CANCEL routine = IoSetCancelRoutine(Irp, NULL);
    if (!routine)
    {
        kernel_spin_release_api(&g_cancel_lock, "IoCancelIrp", site);
        vf_set_irql(old);
        return FALSE;
    }
    /* Documented: the cancel routine runs holding the cancel spin lock and releases it with
     * IoReleaseCancelSpinLock(Irp->CancelIrql). */
    Irp->CancelIrql = old;
    PDEVICE_OBJECT dev =
        Irp->CurrentLocation <= Irp->StackCount ? IoGetCurrentIrpStackLocation(Irp)->DeviceObject : NULL;
    routine(dev, Irp);
    return TRUE;
}

BOOLEAN IoIs32bitProcess(PIRP Irp)
{
    (void)Irp;
    return FALSE; /* the host is a 64-bit process and so are its requests */
}

/* ---- the host's side of the I/O manager ------------------------------------------------------- */

PFILE_OBJECT kernel_file_new(PDEVICE_OBJECT device)
{
    PFILE_OBJECT f = calloc(1, sizeof *f);
    if (!f)
        abort();
    f->Type = IO_TYPE_FILE;
    f->Size = sizeof *f;
    f->DeviceObject = device;
    KeInitializeEvent(&f->Lock, SynchronizationEvent, FALSE);
    KeInitializeEvent(&f->Event, NotificationEvent, FALSE);
    InitializeListHead(&f->IrpList);
    return f;
}

void kernel_file_free(PFILE_OBJECT file)
{
    free(file);
}

static void collect(kernel_irp_result *res, irp_rec *r, const kernel_irp_request *req)
{
    res->completed = true;
    res->iosb = r->iosb;
    /* Buffered I/O: the I/O manager copies the output back. */
    if (r->system_buffer && req && req->out && req->out_len)
    {
        ULONG_PTR n = r->iosb.Information < req->out_len ? r->iosb.Information : req->out_len;
        if (NT_SUCCESS(r->iosb.Status) || NT_WARNING(r->iosb.Status))
            memcpy(req->out, r->system_buffer, n);
    }
    irp_destroy(r->irp);
    res->irp = NULL;
}

void kernel_irp_send(PDEVICE_OBJECT device, const kernel_irp_request *req, kernel_irp_result *res)
{
    memset(res, 0, sizeof *res);
    PIRP irp = irp_new(device->StackSize > 0 ? device->StackSize : 1, true);
    if (!irp)
        abort();
    irp_rec *r = rec_of(irp);
    irp->RequestorMode = UserMode;
    irp->Tail.Overlay.Thread = PsGetCurrentThread();
    irp->Tail.Overlay.OriginalFileObject = req->file;
    PIO_STACK_LOCATION sp = IoGetNextIrpStackLocation(irp);
    sp->MajorFunction = req->major;
    sp->MinorFunction = req->minor;
    sp->FileObject = req->file;

    /* Buffers as the device's I/O method asks (DO_BUFFERED_IO, DO_DIRECT_IO or neither for
     * reads and writes; the control code's method for IOCTLs). */
    ULONG method = METHOD_NEITHER;
    if (req->major == IRP_MJ_READ || req->major == IRP_MJ_WRITE)
        method = (device->Flags & DO_BUFFERED_IO) ? METHOD_BUFFERED
                 : (device->Flags & DO_DIRECT_IO) ? METHOD_OUT_DIRECT
                                                  : METHOD_NEITHER;
    else if (req->major == IRP_MJ_DEVICE_CONTROL || req->major == IRP_MJ_INTERNAL_DEVICE_CONTROL)
        method = METHOD_FROM_CTL_CODE(req->ioctl);
    if (req->major == IRP_MJ_READ)
        sp->Parameters.Read.Length = req->out_len;
    else if (req->major == IRP_MJ_WRITE)
        sp->Parameters.Write.Length = req->in_len;
    else if (req->major == IRP_MJ_DEVICE_CONTROL || req->major == IRP_MJ_INTERNAL_DEVICE_CONTROL)
    {
        sp->Parameters.DeviceIoControl.IoControlCode = req->ioctl;
        sp->Parameters.DeviceIoControl.InputBufferLength = req->in_len;
        sp->Parameters.DeviceIoControl.OutputBufferLength = req->out_len;
        if (method == METHOD_NEITHER)
            sp->Parameters.DeviceIoControl.Type3InputBuffer = req->in;
    }
    if (method == METHOD_BUFFERED)
    {
        size_t n = req->in_len > req->out_len ? req->in_len : req->out_len;
        if (n)
        {
            r->system_buffer = calloc(1, n);
            if (!r->system_buffer)
                abort();
            if (req->in && req->in_len)
                memcpy(r->system_buffer, req->in, req->in_len);
            irp->AssociatedIrp.SystemBuffer = r->system_buffer;
            irp->Flags |= IRP_BUFFERED_IO | IRP_DEALLOCATE_BUFFER;
            if (req->out_len)
                irp->Flags |= IRP_INPUT_OPERATION;
        }
    }
    else if (method == METHOD_IN_DIRECT || method == METHOD_OUT_DIRECT)
    {
        /* Direct I/O: the data buffer goes in an MDL (the IOCTL input buffer stays buffered). */
        void *data = req->major == IRP_MJ_WRITE ? req->in : req->out;
        ULONG len = req->major == IRP_MJ_WRITE ? req->in_len : req->out_len;
        if (req->major == IRP_MJ_DEVICE_CONTROL && req->in && req->in_len)
        {
            r->system_buffer = malloc(req->in_len);
            if (!r->system_buffer)
                abort();
            memcpy(r->system_buffer, req->in, req->in_len);
            irp->AssociatedIrp.SystemBuffer = r->system_buffer;
        }
        if (data && len)
        {
            r->mdl = IoAllocateMdl(data, len, FALSE, FALSE, NULL);
            if (r->mdl)
                MmBuildMdlForNonPagedPool(r->mdl);
            irp->MdlAddress = r->mdl;
        }
    }
    else
        irp->UserBuffer = req->major == IRP_MJ_WRITE ? req->in : req->out;

    /* Dispatch routines run at PASSIVE_LEVEL in the requesting thread. */
    KIRQL irql = vf_irql();
    vf_set_irql(PASSIVE_LEVEL);
    res->dispatch_status = IofCallDriver(device, irp);
    vf_set_irql(irql);
    res->pended = res->dispatch_status == STATUS_PENDING;
    res->irp = irp;
    kernel_irp_wait_req(res, req, req->timeout_ns);
}

bool kernel_irp_wait_req(kernel_irp_result *res, const kernel_irp_request *req, int64_t timeout_ns)
{
    if (!res->irp)
        return res->completed;
    irp_rec *r = rec_of(res->irp);
    if (!r)
        return false;
    if (!kernel_event_wait(&r->done, timeout_ns))
        return false;
    collect(res, r, req);
    return true;
}

bool kernel_irp_wait(kernel_irp_result *res, int64_t timeout_ns)
{
    return kernel_irp_wait_req(res, NULL, timeout_ns);
}

size_t kernel_irps_live(void)
{
    exec_mutex_lock(&g_lock);
    size_t n = 0;
    for (irp_rec *r = g_irps; r; r = r->next)
        n++;
    exec_mutex_unlock(&g_lock);
    return n;
}
