/* Host-side interface of the kernel pieces the next drivers need (docs/next-drivers.md):
 * thread objects, executive resources, EX spin locks, IRPs. Internal to the host (kernel, ndis,
 * host layers and tests); drivers use the documented Windows names. */
#ifndef NDISHOST_KERNEL_EX_H
#define NDISHOST_KERNEL_EX_H

#include <ntddk.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../verifier/verifier.h"

/* ---- objects and handles (ob.c) ------------------------------------------------------------ */

/* An object type: its name and what frees an object once its last reference is gone. */
struct _OBJECT_TYPE
{
    const char *name;
    void (*release)(void *object);
};
/* Registers an object with `refs` references (e.g. 1 for its creator). */
void kernel_object_insert(void *object, POBJECT_TYPE type, LONG refs);
/* Opens a kernel handle on a registered object (one more reference); NULL if not registered. */
HANDLE kernel_handle_open(void *object);
/* Drops one reference (the type releases the object at zero). */
void kernel_object_deref(void *object);
/* True when `object` is registered with that type. */
bool kernel_object_is(const void *object, POBJECT_TYPE type);
/* Closes a handle without checks (host cleanup). */
void kernel_handle_close(HANDLE handle);
/* Registered objects of `type` (NULL: all), and open handles. */
size_t kernel_object_count(POBJECT_TYPE type);
size_t kernel_handles_open(void);

/* ---- threads (system_thread.c) --------------------------------------------------------------- */

POBJECT_TYPE kernel_thread_object_type(void);
/* True for the thread object of a host thread (not created by PsCreateSystemThread): it lives as
 * long as its thread and is not reference counted. */
bool kernel_thread_is_permanent(const void *object);

/* The calling thread's KTHREAD: a system thread's own object, or (for host, DPC and worker
 * threads) a per-thread object that lives as long as the thread. Never NULL. */
PKTHREAD kernel_current_thread(void);
/* System threads created by PsCreateSystemThread that have not terminated yet. */
size_t kernel_system_threads_running(void);
/* Joins and frees thread objects whose threads ended and whose last reference is gone
 * (happens lazily otherwise). */
void kernel_system_threads_reap(void);

/* ---- process (process.c) ---------------------------------------------------------------------- */

/* Process-creation notification routines registered and not removed. */
size_t kernel_process_notify_routines(void);

/* ---- EX spin locks (ex_spin_lock.c) ------------------------------------------------------------ */

/* EX_SPIN_LOCKs the calling thread holds (shared or exclusive), for callback exit checks. */
unsigned kernel_ex_spin_locks_held(void);
/* Releases the EX_SPIN_LOCKs this thread acquired inside callback `cb` of `owner` and still holds
 * (the callback-exit check, IQ-03); returns how many. */
unsigned kernel_ex_spin_locks_release_callback(vf_callback cb, vf_owner *owner);

/* ---- executive resources (eresource.c) ----------------------------------------------------------- */

/* Initialized ERESOURCEs not yet deleted, and whether one lies in [p, p+size) (memory about to be
 * freed with a live resource in it). */
size_t kernel_eresources_live(void);
bool kernel_eresource_in_range(const void *p, size_t size);
/* The pool free path: every live ERESOURCE in [p, p+size) is reported (ME-02, as Driver Verifier
 * catches freeing pool that holds an active resource) and deleted. Returns how many. */
size_t kernel_eresource_check_free(const void *p, size_t size, const char *api, void *site);

/* ---- IRPs (irp.c) -------------------------------------------------------------------------------- */

/* Host-built requests to a driver's device object, as the I/O manager sends them. */
typedef struct kernel_irp_request
{
    UCHAR major, minor;
    ULONG ioctl; /* IRP_MJ_DEVICE_CONTROL */
    void *in;    /* input: write data, ioctl input */
    ULONG in_len;
    void *out; /* output: read buffer, ioctl output */
    ULONG out_len;
    PFILE_OBJECT file;  /* the open file (IRP_MJ_CREATE creates it: see kernel_file_new) */
    int64_t timeout_ns; /* how long to wait for a pended IRP; < 0: forever */
} kernel_irp_request;

typedef struct kernel_irp_result
{
    NTSTATUS dispatch_status; /* what the dispatch routine returned */
    IO_STATUS_BLOCK iosb;     /* the completion status and information */
    bool completed;           /* IoCompleteRequest happened (before the time-out) */
    bool pended;              /* the dispatch routine returned STATUS_PENDING */
    PIRP irp;                 /* when !completed: the IRP still owned by the driver (cancel it with IoCancelIrp) */
} kernel_irp_result;

/* A FILE_OBJECT for a device (what IRP_MJ_CREATE opens), freed with kernel_file_free. */
PFILE_OBJECT kernel_file_new(PDEVICE_OBJECT device);
void kernel_file_free(PFILE_OBJECT file);
/* Builds an IRP for `req` the way the I/O manager does for the device's flags (buffered, direct or
 * neither I/O), calls the device's dispatch routine at PASSIVE_LEVEL and waits for the
 * completion. Copies buffered output back. When the IRP is not completed in time, it is left to
 * the driver and returned in res->irp: the caller cancels it (IoCancelIrp) and calls
 * kernel_irp_wait to collect it. */
void kernel_irp_send(PDEVICE_OBJECT device, const kernel_irp_request *req, kernel_irp_result *res);
/* Waits for an IRP kernel_irp_send left pending; true once completed (and then freed). The _req
 * form also copies buffered output back as kernel_irp_send does. */
bool kernel_irp_wait(kernel_irp_result *res, int64_t timeout_ns);
bool kernel_irp_wait_req(kernel_irp_result *res, const kernel_irp_request *req, int64_t timeout_ns);
/* IRPs allocated and not yet freed (host requests in flight included). */
size_t kernel_irps_live(void);

#endif
