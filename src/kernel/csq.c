/* Cancel-safe IRP queues: IoCsqInitialize(Ex), IoCsqInsertIrp(Ex), IoCsqRemoveNextIrp,
 * IoCsqRemoveIrp, following the documented algorithm: the queue's own lock protects the queue;
 * the I/O manager's cancel routine (installed by the insert) takes the IRP out through the
 * driver's CsqRemoveIrp and hands it to CsqCompleteCanceledIrp; removal clears the cancel routine
 * first, so an IRP is either removed by the driver or cancelled, never both. DriverContext[3] of a
 * queued IRP holds its IO_CSQ_IRP_CONTEXT, or the queue itself when there is none. */
#include "kernel_ex.h"
#include "kernel_internal.h"

static bool csq_valid(PIO_CSQ csq)
{
    return csq && (csq->Type == IO_TYPE_CSQ || csq->Type == IO_TYPE_CSQ_EX) && csq->CsqInsertIrp && csq->CsqRemoveIrp &&
           csq->CsqPeekNextIrp && csq->CsqAcquireLock && csq->CsqReleaseLock && csq->CsqCompleteCanceledIrp;
}

static NTSTATUS init(PIO_CSQ Csq, ULONG type, PVOID insert, PIO_CSQ_REMOVE_IRP remove, PIO_CSQ_PEEK_NEXT_IRP peek,
                     PIO_CSQ_ACQUIRE_LOCK acquire, PIO_CSQ_RELEASE_LOCK release, PIO_CSQ_COMPLETE_CANCELED_IRP complete,
                     const char *api, void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    if (!Csq || !insert || !remove || !peek || !acquire || !release || !complete)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with a NULL queue or routine", api);
        return STATUS_INVALID_PARAMETER;
    }
    Csq->Type = type;
    Csq->CsqInsertIrp = (PIO_CSQ_INSERT_IRP)insert;
    Csq->CsqRemoveIrp = remove;
    Csq->CsqPeekNextIrp = peek;
    Csq->CsqAcquireLock = acquire;
    Csq->CsqReleaseLock = release;
    Csq->CsqCompleteCanceledIrp = complete;
    Csq->ReservePointer = NULL;
    return STATUS_SUCCESS;
}

NTSTATUS IoCsqInitialize(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                         PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                         PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    void *site = VF_SITE();
    return init(Csq, IO_TYPE_CSQ, (PVOID)CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                CsqCompleteCanceledIrp, "IoCsqInitialize", site);
}

NTSTATUS IoCsqInitializeEx(PIO_CSQ Csq, PIO_CSQ_INSERT_IRP_EX CsqInsertIrp, PIO_CSQ_REMOVE_IRP CsqRemoveIrp,
                           PIO_CSQ_PEEK_NEXT_IRP CsqPeekNextIrp, PIO_CSQ_ACQUIRE_LOCK CsqAcquireLock,
                           PIO_CSQ_RELEASE_LOCK CsqReleaseLock, PIO_CSQ_COMPLETE_CANCELED_IRP CsqCompleteCanceledIrp)
{
    void *site = VF_SITE();
    return init(Csq, IO_TYPE_CSQ_EX, (PVOID)CsqInsertIrp, CsqRemoveIrp, CsqPeekNextIrp, CsqAcquireLock, CsqReleaseLock,
                CsqCompleteCanceledIrp, "IoCsqInitializeEx", site);
}

/* The queue an IRP was inserted into, from DriverContext[3]. */
static PIO_CSQ csq_of(PIRP irp, PIO_CSQ_IRP_CONTEXT *ctx)
{
    PVOID p = irp->Tail.Overlay.DriverContext[3];
    *ctx = NULL;
    if (!p)
        return NULL;
    if (*(ULONG *)p == IO_TYPE_CSQ_IRP_CONTEXT)
    {
        *ctx = p;
        return (*ctx)->Csq;
    }
    return p;
}

/* The cancel routine every queued IRP carries. */
static VOID csq_cancel(PDEVICE_OBJECT DeviceObject, PIRP Irp)
{
    (void)DeviceObject;
    IoReleaseCancelSpinLock(Irp->CancelIrql);
    PIO_CSQ_IRP_CONTEXT ctx;
    PIO_CSQ csq = csq_of(Irp, &ctx);
    if (!csq)
        return;
    KIRQL irql;
    csq->CsqAcquireLock(csq, &irql);
    csq->CsqRemoveIrp(csq, Irp);
    if (ctx)
        ctx->Irp = NULL;
    Irp->Tail.Overlay.DriverContext[3] = NULL;
    csq->CsqReleaseLock(csq, irql);
    csq->CsqCompleteCanceledIrp(csq, Irp);
}

static NTSTATUS insert(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext, const char *api,
                       void *site)
{
    vf_check_irql_max(DISPATCH_LEVEL, api, site);
    if (!csq_valid(Csq) || !Irp)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with %s", api,
                  !Irp ? "a NULL IRP" : "a queue that IoCsqInitialize(Ex) did not initialize");
        return STATUS_INVALID_PARAMETER;
    }
    if (Irp->CancelRoutine)
        vf_report("AP-02", NULL, VF_CB_NONE, site, "%s with an IRP that already has a cancel routine", api);
    KIRQL irql;
    Csq->CsqAcquireLock(Csq, &irql);
    NTSTATUS st = STATUS_SUCCESS;
    if (Csq->Type == IO_TYPE_CSQ_EX)
        st = ((PIO_CSQ_INSERT_IRP_EX)(PVOID)Csq->CsqInsertIrp)(Csq, Irp, InsertContext);
    else
        Csq->CsqInsertIrp(Csq, Irp);
    if (!NT_SUCCESS(st))
    {
        /* Documented: a failing CsqInsertIrpEx leaves the IRP out of the queue. */
        Csq->CsqReleaseLock(Csq, irql);
        return st;
    }
    if (Context)
    {
        Context->Type = IO_TYPE_CSQ_IRP_CONTEXT;
        Context->Irp = Irp;
        Context->Csq = Csq;
        Irp->Tail.Overlay.DriverContext[3] = Context;
    }
    else
        Irp->Tail.Overlay.DriverContext[3] = Csq;
    IoMarkIrpPending(Irp);
    IoSetCancelRoutine(Irp, csq_cancel);
    if (Irp->Cancel && IoSetCancelRoutine(Irp, NULL))
    {
        /* Cancelled before the routine was set: take it out again and complete it as cancelled. */
        Csq->CsqRemoveIrp(Csq, Irp);
        if (Context)
            Context->Irp = NULL;
        Irp->Tail.Overlay.DriverContext[3] = NULL;
        Csq->CsqReleaseLock(Csq, irql);
        Csq->CsqCompleteCanceledIrp(Csq, Irp);
        return st;
    }
    Csq->CsqReleaseLock(Csq, irql);
    return st;
}

VOID IoCsqInsertIrp(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context)
{
    void *site = VF_SITE();
    insert(Csq, Irp, Context, NULL, "IoCsqInsertIrp", site);
}

NTSTATUS IoCsqInsertIrpEx(PIO_CSQ Csq, PIRP Irp, PIO_CSQ_IRP_CONTEXT Context, PVOID InsertContext)
{
    void *site = VF_SITE();
    return insert(Csq, Irp, Context, InsertContext, "IoCsqInsertIrpEx", site);
}

/* Takes a queued IRP for the driver: true when the cancel routine was still set (the IRP is not
 * being cancelled). Queue lock held. */
static bool take(PIO_CSQ Csq, PIRP irp)
{
    if (!IoSetCancelRoutine(irp, NULL))
        return false;
    Csq->CsqRemoveIrp(Csq, irp);
    PIO_CSQ_IRP_CONTEXT ctx;
    csq_of(irp, &ctx);
    if (ctx)
        ctx->Irp = NULL;
    irp->Tail.Overlay.DriverContext[3] = NULL;
    return true;
}

PIRP IoCsqRemoveNextIrp(PIO_CSQ Csq, PVOID PeekContext)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoCsqRemoveNextIrp", site);
    if (!csq_valid(Csq))
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site,
                  "IoCsqRemoveNextIrp with a queue that IoCsqInitialize(Ex) did not initialize");
        return NULL;
    }
    KIRQL irql;
    Csq->CsqAcquireLock(Csq, &irql);
    PIRP irp = Csq->CsqPeekNextIrp(Csq, NULL, PeekContext);
    /* An IRP whose cancel routine is already gone is being cancelled: skip it. */
    while (irp && !take(Csq, irp))
        irp = Csq->CsqPeekNextIrp(Csq, irp, PeekContext);
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}

PIRP IoCsqRemoveIrp(PIO_CSQ Csq, PIO_CSQ_IRP_CONTEXT Context)
{
    void *site = VF_SITE();
    vf_check_irql_max(DISPATCH_LEVEL, "IoCsqRemoveIrp", site);
    if (!csq_valid(Csq) || !Context)
    {
        vf_report("AP-02", NULL, VF_CB_NONE, site, "IoCsqRemoveIrp with %s",
                  !Context ? "a NULL context" : "a queue that IoCsqInitialize(Ex) did not initialize");
        return NULL;
    }
    KIRQL irql;
    Csq->CsqAcquireLock(Csq, &irql);
    PIRP irp = Context->Irp;
    if (irp && !take(Csq, irp))
        irp = NULL;
    Csq->CsqReleaseLock(Csq, irql);
    return irp;
}
