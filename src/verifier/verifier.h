/* The verifier's interface to the layers above it (kernel, ndis, host).
 *
 * Three things live here:
 *   - the callback context: which miniport callback the current thread is running, for which
 *     owner (driver or adapter), at which emulated IRQL; kept per thread;
 *   - the resource ledger: every handle and allocation a driver obtains, with its kind, owner,
 *     state, the callback it was acquired in and its call site (a return address into the
 *     driver, symbolized to file:line only when a finding is reported);
 *   - findings: a rule id from the rule table, the callback, a message and the driver's site.
 *
 * "Report, then reclaim": callers report a finding first and only then clean up after the
 * driver so that the run can go on. */
#ifndef NDISHOST_VERIFIER_H
#define NDISHOST_VERIFIER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- callbacks ------------------------------------------------------------------------------ */

/* Which driver code is on the stack. Names are the documented role names (vf_callback_name). */
typedef enum vf_callback
{
    VF_CB_NONE = 0, /* host code, or a thread the driver does not own */
    VF_CB_DRIVER_ENTRY,
    VF_CB_SET_OPTIONS,
    VF_CB_DRIVER_UNLOAD,
    VF_CB_INITIALIZE,
    VF_CB_HALT,
    VF_CB_PAUSE,
    VF_CB_RESTART,
    VF_CB_SHUTDOWN,
    VF_CB_DEVICE_PNP_EVENT,
    VF_CB_OID_REQUEST,
    VF_CB_CANCEL_OID,
    VF_CB_DIRECT_OID_REQUEST,
    VF_CB_SEND,
    VF_CB_RETURN,
    VF_CB_CANCEL_SEND,
    VF_CB_CHECK_FOR_HANG,
    VF_CB_RESET,
    VF_CB_TIMER,          /* NDIS_TIMER_FUNCTION */
    VF_CB_DPC,            /* KDPC deferred routine */
    VF_CB_WORK_ITEM,      /* NDIS_IO_WORKITEM_FUNCTION */
    VF_CB_ISR,            /* MiniportInterrupt */
    VF_CB_INTERRUPT_DPC,  /* MiniportInterruptDPC */
    VF_CB_SYNC_INTERRUPT, /* MiniportSynchronizeInterrupt */
    VF_CB_SHARED_MEM_COMPLETE,
    VF_CB_LOOKASIDE, /* custom lookaside allocate/free routines */
    VF_CB_COUNT
} vf_callback;

const char *vf_callback_name(vf_callback cb);

/* ---- owners --------------------------------------------------------------------------------- */

/* A ledger: one per driver (DriverEntry .. unload) and one per adapter instance
 * (MiniportInitializeEx .. MiniportHaltEx). Items the driver obtains are charged to an owner. */
typedef struct vf_owner vf_owner;

typedef enum vf_owner_kind
{
    VF_OWNER_DRIVER,
    VF_OWNER_ADAPTER
} vf_owner_kind;

/* `parent` is the driver's owner for an adapter, NULL for a driver. `name` is copied
 * ("driver vnic", "adapter 0"). */
vf_owner *vf_owner_create(vf_owner_kind kind, vf_owner *parent, const char *name);
void vf_owner_destroy(vf_owner *o);
const char *vf_owner_name(const vf_owner *o);
vf_owner *vf_owner_parent(const vf_owner *o);
/* An owner whose lifetime ended (adapter halted, driver unloaded): any later use of it is a
 * finding the caller reports (LC-03, TM-05, ...). */
void vf_owner_set_dead(vf_owner *o, bool dead);
bool vf_owner_is_dead(const vf_owner *o);
/* Opaque pointer for the layer above (the NDIS adapter or driver block). */
void vf_owner_set_user(vf_owner *o, void *user);
void *vf_owner_user(const vf_owner *o);

/* ---- per-thread context --------------------------------------------------------------------- */

typedef struct vf_frame
{
    vf_callback cb;
    vf_owner *owner;
    uint8_t irql; /* IRQL the host entered the callback at */
    struct vf_frame *prev;
} vf_frame;

/* Push/pop around every call from the host into driver code. Frames live on the caller's stack. */
void vf_enter(vf_frame *f, vf_callback cb, vf_owner *owner);
void vf_leave(vf_frame *f);
vf_callback vf_current_callback(void);
/* True when a callback in `mask` (bit 1 << vf_callback) is anywhere on this thread's frame stack. */
bool vf_in_callback_mask(uint64_t mask);
/* The owner of the innermost frame, or NULL on a host thread outside any callback. */
vf_owner *vf_current_owner(void);

/* Emulated IRQL of the current thread (PASSIVE_LEVEL 0 .. HIGH_LEVEL 15). */
uint8_t vf_irql(void);
void vf_set_irql(uint8_t irql);
/* "PASSIVE_LEVEL", "APC_LEVEL", "DISPATCH_LEVEL", "HIGH_LEVEL", else "IRQL n" (device levels).
 * The returned string is static or thread-local; use it before the next call on this thread. */
const char *vf_irql_name(uint8_t irql);

/* ---- ledger --------------------------------------------------------------------------------- */

typedef enum vf_res_kind
{
    VF_RES_POOL = 0,       /* NdisAllocateMemoryWithTagPriority, ExAllocatePool2, ...       HA-05 */
    VF_RES_TIMER,          /* NdisAllocateTimerObject                                       HA-04 */
    VF_RES_NBL_POOL,       /* NdisAllocateNetBufferListPool                                 HA-07 */
    VF_RES_NB_POOL,        /* NdisAllocateNetBufferPool                                     HA-07 */
    VF_RES_NBL,            /* an NBL allocated from a pool (charged to the pool's owner)    HA-07 */
    VF_RES_NB,             /* a stand-alone NET_BUFFER                                       HA-07 */
    VF_RES_WORK_ITEM,      /* NdisAllocateIoWorkItem                                        HA-10 */
    VF_RES_CONFIG,         /* NdisOpenConfigurationEx                                       HA-10 */
    VF_RES_MDL,            /* NdisAllocateMdl, IoAllocateMdl                                HA-10 */
    VF_RES_RW_LOCK,        /* NdisAllocateRWLock                                            HA-10 */
    VF_RES_SPIN_LOCK,      /* NdisAllocateSpinLock (a W-level pairing)                      HA-10 */
    VF_RES_LOOKASIDE,      /* Ndis/ExInitialize*LookasideList                               HA-10 */
    VF_RES_GENERIC_OBJECT, /* NdisAllocateGenericObject                                     HA-10 */
    VF_RES_STRING,         /* Rtl*String allocations freed with Rtl Free*String             HA-10 */
    VF_RES_INTERRUPT,      /* NdisMRegisterInterruptEx                                      HA-03 */
    VF_RES_SHARED_MEMORY,  /* NdisMAllocateSharedMemory(AsyncEx)                            HA-06 */
    VF_RES_IO_PORT,        /* NdisMRegisterIoPortRange                                      HA-09 */
    VF_RES_IO_SPACE,       /* NdisMMapIoSpace                                               HA-09 */
    VF_RES_DMA,            /* NdisMRegisterScatterGatherDma / DmaChannel                    HA-09 */
    VF_RES_PORT,           /* NdisMAllocatePort                                             HA-08 */
    VF_RES_RX_INDICATED,   /* a receive NBL indicated and not yet returned                  HA-11 */
    /* Kernel objects of the next drivers (docs/next-drivers.md). Policy: like every other paired
     * object that is not memory, hardware or an NBL, one left behind is HA-10 at halt and UL-02 at
     * unload (the unload override), UL-01 when DriverEntry fails. */
    VF_RES_SYSTEM_THREAD,  /* PsCreateSystemThread: a thread not yet terminated               HA-10 */
    VF_RES_DEVICE_OBJECT,  /* NdisRegisterDeviceEx, not NdisDeregisterDeviceEx'ed              HA-10 */
    VF_RES_ERESOURCE,      /* ExInitializeResourceLite, not ExDeleteResourceLite'd             HA-10 */
    VF_RES_NOTIFY_ROUTINE, /* PsSetCreateProcessNotifyRoutine(Ex), not removed                 HA-10 */
    VF_RES_COUNT
} vf_res_kind;

const char *vf_res_kind_name(vf_res_kind k);
/* The HA- rule that a leftover item of this kind breaks at halt return. */
const char *vf_res_kind_halt_rule(vf_res_kind k);

/* One ledger entry. Embedded in the host's own object where there is one (a timer object, a
 * pool), so that recording and releasing are O(1); allocated by vf_ledger_add otherwise. */
typedef struct vf_res
{
    vf_res_kind kind;
    const void *key; /* what the driver holds: the pointer or handle it was given */
    size_t size;     /* bytes for memory, count for ranges, 0 otherwise */
    uint32_t tag;    /* pool tag where there is one */
    vf_owner *owner;
    vf_callback acquired_in;
    void *site;                        /* return address in the driver of the acquiring call */
    uint64_t seq;                      /* global acquisition order */
    void (*reclaim)(struct vf_res *r); /* host-side release after a leak was reported */
    /* ledger links, owned by the ledger */
    struct vf_res *owner_prev, *owner_next;
    struct vf_res *hash_next;
    bool embedded;
    bool live; /* recorded and not yet removed; vf_ledger_remove on a non-live entry does nothing */
} vf_res;

/* Records `r` (embedded in a host object; fields kind/key/size/tag/reclaim filled by the
 * caller) under `owner`, stamping callback, site and sequence. */
void vf_ledger_insert(vf_res *r, vf_owner *owner, void *site);
/* Allocates and records a stand-alone entry. */
vf_res *vf_ledger_add(vf_res_kind kind, const void *key, size_t size, vf_owner *owner, void *site);
/* Finds the live entry for (kind, key), or NULL: a NULL answer on a free is a foreign pointer
 * or a double free, which the caller reports. */
vf_res *vf_ledger_find(vf_res_kind kind, const void *key);
/* Removes the entry; frees it when vf_ledger_add allocated it. Removing an entry that is no longer
 * live (already removed, e.g. by vf_ledger_report_leftovers before its reclaim hook ran) is a
 * no-op, so reclaim hooks may call the host's ordinary free path. */
void vf_ledger_remove(vf_res *r);
/* Same, and tells whether the entry was still live (false: a leftover report took it and its
 * reclaim hook runs or ran; the hook, not the caller, then owns the object the entry lives in). */
bool vf_ledger_remove_live(vf_res *r);
/* Number of live entries of `kind` (VF_RES_COUNT: all kinds) charged to owner. */
size_t vf_ledger_count(const vf_owner *owner, vf_res_kind kind);

/* Callback for vf_ledger_snapshot: called under no lock with a copy of each entry. */
typedef void (*vf_res_visit)(const vf_res *copy, void *arg);
/* Visits owner's live entries in acquisition order. */
void vf_ledger_visit(const vf_owner *owner, vf_res_visit fn, void *arg);

/* At halt return, failed initialize, driver unload: reports every live entry of owner as a
 * finding with its own rule (vf_res_kind_halt_rule, or `rule_override` when not NULL, e.g.
 * IN-04 or UL-02), naming `when` ("MiniportHaltEx returned") in the message, then reclaims each
 * entry in reverse order through its reclaim hook. Returns the number reported.
 * The finding's callback is the one the item was acquired in and its site the acquiring call.
 * Spin-lock leftovers are reported with severity warning whatever the rule (NdisFreeSpinLock is a
 * "should" pairing); everything else takes the rule's severity.
 * Reclaim: each entry is first removed from the ledger (so it is no longer live), then its hook is
 * called with the entry still readable; an entry from vf_ledger_add is freed after its hook returns.
 * A hook may free the host object an embedded entry lives in. */
size_t vf_ledger_report_leftovers(vf_owner *owner, const char *rule_override, const char *when);

/* ---- findings ------------------------------------------------------------------------------- */

typedef enum vf_severity
{
    VF_SEV_ERROR,
    VF_SEV_WARNING
} vf_severity;

typedef struct vf_site
{
    const char *file;     /* source file of the driver, NULL when unknown */
    int line;             /* 0 when unknown */
    const char *function; /* NULL when unknown */
    const char *module;   /* path of the shared object */
    uintptr_t offset;     /* module-relative address */
} vf_site;

typedef struct vf_finding
{
    const char *rule;     /* "HA-04" */
    vf_severity severity; /* from the rule table */
    const char *callback; /* callback the violation happened in, e.g. "MiniportHaltEx" */
    const char *owner;    /* "adapter 0", "driver" */
    char *message;
    vf_site site;     /* where the driver did it (or acquired the leaked item) */
    vf_site acquired; /* for leaks: where the item was acquired (same as site) */
    uint64_t seq;
    /* Additions (verifier helper): */
    const char *title; /* the rule's title from the rule table ("unknown rule" otherwise) */
    uint64_t count;    /* times this identical finding was reported (>= 1), see vf_report */
    void *pc;          /* the raw site address given to vf_report (NULL when none) */
    bool leak;         /* reported by vf_ledger_report_leftovers */
} vf_finding;

/* Reports a violation of `rule` (an id from the rule table; unknown ids abort in debug builds and
 * are recorded as given, with severity error, in release builds).
 * `site` is a return address into the driver or NULL; `cb` the callback to name (VF_CB_NONE:
 * the current one; "host" when the thread is in no callback). `owner` NULL: the current owner.
 * The site is symbolized at report time (the driver may be unloaded before the report is written).
 * De-duplication: a report identical to an earlier one of this run in rule, severity, callback,
 * owner name, site and message only increments that finding's `count`; the hook is not called
 * again. Thread-safe. */
void vf_report(const char *rule, vf_owner *owner, vf_callback cb, void *site, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
void vf_vreport(const char *rule, vf_owner *owner, vf_callback cb, void *site, const char *fmt, va_list ap);
/* Same with an explicit severity instead of the rule's: for rules whose catalog entry mixes
 * "must" and "should" parts (HA-10 is E except for NdisFreeSpinLock, which is W). */
void vf_report_sev(const char *rule, vf_severity sev, vf_owner *owner, vf_callback cb, void *site, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void vf_vreport_sev(const char *rule, vf_severity sev, vf_owner *owner, vf_callback cb, void *site, const char *fmt,
                    va_list ap);
/* "error" / "warning". */
const char *vf_severity_name(vf_severity sev);

/* Findings so far, in report order. The array is stable until vf_findings_clear. */
size_t vf_findings_count(void);
const vf_finding *vf_findings_get(size_t i);
void vf_findings_clear(void);
/* Called for each new finding (the CLI prints it as it happens). NULL to remove. */
void vf_set_finding_hook(void (*hook)(const vf_finding *f, void *arg), void *arg);

/* Checks the emulated IRQL against an API's documented maximum; reports IQ-01 and returns false
 * when it is higher. `api` is the Windows function name. */
bool vf_check_irql_max(uint8_t max_irql, const char *api, void *site);
/* Same for APIs that require an exact IRQL (e.g. PASSIVE only): reports IQ-01 when different. */
bool vf_check_irql_eq(uint8_t irql, const char *api, void *site);

/* ---- fault injection (issue: sweep) --------------------------------------------------------- */

/* Every fallible API asks this before doing its work; true means "fail this call". Never asked
 * by free, cancel or deregister APIs. `api` must be a string literal (it is kept, not copied).
 * Only calls with a driver site (site != NULL) made while armed are counted and can fail. */
bool vf_should_fail(const char *api, void *site);

typedef enum vf_fault_mode
{
    VF_FAULT_OFF = 0,
    VF_FAULT_TRANSIENT,   /* only the k-th counted call fails (k >= 1) */
    VF_FAULT_PERSISTENT,  /* the k-th counted call and every later one fail (k >= 1) */
    VF_FAULT_UNIQUE_SITE, /* the first call from each site never failed before fails; k is how many
                           * new sites may fail in this arming (0: no limit, 1: one per run). Sites
                           * are remembered across arm/disarm until vf_fault_forget_sites, and are
                           * identified by module file name + module-relative offset so they match
                           * across driver reloads and child processes. */
} vf_fault_mode;

/* Arms fault injection and resets the call counter and the failure record. */
void vf_fault_arm(vf_fault_mode mode, uint64_t k);
/* Stops counting and failing; the counters and the failure record stay readable. */
void vf_fault_disarm(void);
/* Limits counting to calls made while one of the callbacks in `callback_mask` (bit 1 << vf_callback)
 * is on the calling thread's stack, e.g. DriverEntry, MiniportInitializeEx and MiniportRestart for
 * a sweep of the initialization paths; 0 counts every driver call (the default). */
void vf_fault_set_scope(uint64_t callback_mask);

typedef struct vf_fault_status
{
    vf_fault_mode mode; /* as armed (VF_FAULT_OFF after disarm keeps the rest) */
    uint64_t k;
    uint64_t calls;     /* counted calls since vf_fault_arm */
    uint64_t failures;  /* calls failed since vf_fault_arm */
    bool reached;       /* transient/persistent: the k-th call happened; unique-site: a call failed */
    const char *api;    /* first failed call: api name, NULL when none */
    void *site;         /*   its raw return address */
    const char *module; /*   its module file name (interned), NULL when unknown */
    uintptr_t offset;   /*   its module-relative offset */
} vf_fault_status;

void vf_fault_status_get(vf_fault_status *out);
/* Unique-site bookkeeping: forget every failed site, or add one as already failed (a sweep driver
 * running each case in a child process feeds back the site the child failed). `module` is a file
 * name or path; only its last component is compared. */
void vf_fault_forget_sites(void);
void vf_fault_exclude_site(const char *module, uintptr_t offset);

/* ---- global switch -------------------------------------------------------------------------- */

/* The verifier is on by default. Off (vf_set_enabled(false), or NDISHOST_VERIFIER=off|0 in the
 * environment at start-up), the data path skips the per-NBL work that only serves verification:
 * IRQL and adapter-state checks on indications and completions, the per-NBL contract checks
 * (SourceHandle, NET_BUFFER present, chain count, completion status) and the per-pool "indicated"
 * tally. What pause, halt and late returns need stays: NBL ownership states, the generation, the
 * outstanding and pending counts. Findings that are still detected are still reported. */
extern bool vf_g_enabled_;
static inline bool vf_enabled(void)
{
    return __atomic_load_n(&vf_g_enabled_, __ATOMIC_RELAXED);
}
void vf_set_enabled(bool on);

/* ---- symbolization -------------------------------------------------------------------------- */

/* Resolves a code address to module, file, line and function (libdw). Strings live until exit.
 * Fields it cannot find are NULL / 0. Results are cached per address; a module loaded after the
 * first call (a dlopen'ed driver) is found by re-reading the process's mappings. Thread-safe. */
void vf_symbolize(const void *pc, vf_site *out);
/* For a return address (VF_SITE()): resolves pc - 1, the call instruction, so that file:line is the
 * line of the call; `offset` is still that of the return address. NULL gives an empty site.
 * The first instruction of a function (a callback pointer passed as a site) is resolved as itself.
 * vf_report resolves its `site` this way. */
void vf_symbolize_return(const void *ret, vf_site *out);

/* ---- rule table ----------------------------------------------------------------------------- */

typedef struct vf_rule
{
    const char *id; /* stable id: "HA-04" */
    vf_severity severity;
    const char *title; /* one line */
    const char *doc;   /* public documentation URL (learn.microsoft.com) of the rule's first source,
                        * e.g. "https://learn.microsoft.com/windows-hardware/drivers/ddi/ndis/
                        * nf-ndis-ndiscanceltimerobject"; NULL for host-level ids */
    bool checked;      /* whether this host checks it today (maintained in rules.c) */
} vf_rule;

size_t vf_rule_count(void);
const vf_rule *vf_rule_at(size_t i);
const vf_rule *vf_rule_find(const char *id);

/* Host-level rule id (not an NDIS rule): the host itself failed to carry out a step (an internal
 * error, a crashed or hung child run), reported so that a run never ends silently. */
#define VF_RULE_HOST_ERROR "HOST-01"

/* ---- shutdown mode (SD-01, SD-02, SD-05) ---------------------------------------------------- */

/* While MiniportShutdownEx runs on a thread, every API entry on that thread is checked against what
 * a shutdown handler may call: SD-02 (BugCheck: only functions legal at any IRQL, i.e. register and
 * port access), SD-05 (PowerOff: no Ndis* function other than those, a "should"), and every
 * ledger release is SD-01 (an error for BugCheck, a warning for PowerOff). */
typedef enum vf_shutdown_mode
{
    VF_SHUTDOWN_NONE = 0,
    VF_SHUTDOWN_POWER_OFF,
    VF_SHUTDOWN_BUG_CHECK,
    VF_SHUTDOWN_ARMED_IN_HALT, /* the halt handler's next Ndis* call triggers a nested bug check (SD-04) */
    VF_SHUTDOWN_NESTED,        /* MiniportShutdownEx(NdisShutdownBugCheck) nested in MiniportHaltEx */
} vf_shutdown_mode;
extern __thread uint8_t vf_tls_shutdown_;
/* Sets the mode for the calling thread; returns the previous one (shutdown can nest inside halt). */
vf_shutdown_mode vf_shutdown_enter(vf_shutdown_mode mode);
void vf_shutdown_leave(vf_shutdown_mode previous);
static inline vf_shutdown_mode vf_shutdown_current(void)
{
    return (vf_shutdown_mode)vf_tls_shutdown_;
}
/* SD-04: called (once) when a thread armed with VF_SHUTDOWN_ARMED_IN_HALT makes its first Ndis* call
 * inside MiniportHaltEx; the NDIS layer calls the shutdown handler from there, nested. */
void vf_set_nested_shutdown_hook(void (*hook)(vf_owner *owner));
/* The API entry check behind VF_SITE (out of line: only runs during a shutdown). */
void vf_shutdown_api_call(void *site, const char *api);
static inline void *vf_api_enter(void *site, const char *api)
{
    if (__builtin_expect(vf_tls_shutdown_ != 0, 0))
        vf_shutdown_api_call(site, api);
    return site;
}

/* Convenience: the driver's return address at an API entry point (and the shutdown checks). Must be
 * expanded in the API function itself: it names it through __func__. */
#define VF_SITE() vf_api_enter(__builtin_return_address(0), __func__)

#endif
