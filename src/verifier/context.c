/* Per-thread callback context and emulated IRQL. */
#include "verifier/vf_internal.h"

#include <stdio.h>
#include <string.h>

static __thread vf_frame *tls_top;
static __thread uint8_t tls_irql; /* PASSIVE_LEVEL until the host raises it */

static const char *const callback_names[VF_CB_COUNT] = {
    [VF_CB_NONE] = "host",
    [VF_CB_DRIVER_ENTRY] = "DriverEntry",
    [VF_CB_SET_OPTIONS] = "MiniportSetOptions",
    [VF_CB_DRIVER_UNLOAD] = "MiniportDriverUnload",
    [VF_CB_INITIALIZE] = "MiniportInitializeEx",
    [VF_CB_HALT] = "MiniportHaltEx",
    [VF_CB_PAUSE] = "MiniportPause",
    [VF_CB_RESTART] = "MiniportRestart",
    [VF_CB_SHUTDOWN] = "MiniportShutdownEx",
    [VF_CB_DEVICE_PNP_EVENT] = "MiniportDevicePnPEventNotify",
    [VF_CB_OID_REQUEST] = "MiniportOidRequest",
    [VF_CB_CANCEL_OID] = "MiniportCancelOidRequest",
    [VF_CB_DIRECT_OID_REQUEST] = "MiniportDirectOidRequest",
    [VF_CB_SEND] = "MiniportSendNetBufferLists",
    [VF_CB_RETURN] = "MiniportReturnNetBufferLists",
    [VF_CB_CANCEL_SEND] = "MiniportCancelSend",
    [VF_CB_CHECK_FOR_HANG] = "MiniportCheckForHangEx",
    [VF_CB_RESET] = "MiniportResetEx",
    [VF_CB_TIMER] = "NDIS timer callback",
    [VF_CB_DPC] = "DPC routine",
    [VF_CB_WORK_ITEM] = "IO work item",
    [VF_CB_ISR] = "MiniportInterrupt",
    [VF_CB_INTERRUPT_DPC] = "MiniportInterruptDPC",
    [VF_CB_SYNC_INTERRUPT] = "MiniportSynchronizeInterrupt",
    [VF_CB_SHARED_MEM_COMPLETE] = "MiniportSharedMemoryAllocateComplete",
    [VF_CB_LOOKASIDE] = "lookaside allocate/free routine",
};

const char *vf_callback_name(vf_callback cb)
{
    if ((unsigned)cb >= VF_CB_COUNT || !callback_names[cb])
        return "unknown callback";
    return callback_names[cb];
}

void vf_enter(vf_frame *f, vf_callback cb, vf_owner *owner)
{
    f->cb = cb;
    f->owner = owner;
    f->irql = tls_irql;
    f->prev = tls_top;
    tls_top = f;
}

void vf_leave(vf_frame *f)
{
    /* Frames live on the caller's stack and nest strictly; if an unbalanced leave ever happens
     * (host bug), unwinding to f's parent keeps the stack from pointing into dead frames. */
    vf_frame *p = tls_top;
    while (p && p != f)
        p = p->prev;
    tls_top = p ? f->prev : tls_top;
}

vf_callback vf_current_callback(void)
{
    return tls_top ? tls_top->cb : VF_CB_NONE;
}

vf_owner *vf_current_owner(void)
{
    return tls_top ? tls_top->owner : NULL;
}

uint8_t vf_irql(void)
{
    return tls_irql;
}

void vf_set_irql(uint8_t irql)
{
    tls_irql = irql;
}

const char *vf_irql_name(uint8_t irql)
{
    static __thread char buf[16];
    switch (irql)
    {
    case 0:
        return "PASSIVE_LEVEL";
    case 1:
        return "APC_LEVEL";
    case 2:
        return "DISPATCH_LEVEL";
    case 15:
        return "HIGH_LEVEL";
    default:
        snprintf(buf, sizeof buf, "IRQL %u", (unsigned)irql);
        return buf;
    }
}

const char *vf_basename(const char *path)
{
    if (!path)
        return NULL;
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

bool vf_in_callback_mask(uint64_t mask)
{
    for (const vf_frame *f = tls_top; f; f = f->prev)
        if (mask & (UINT64_C(1) << f->cb))
            return true;
    return false;
}
