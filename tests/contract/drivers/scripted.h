/* The control block of the scripted contract driver (scripted.c), shared with the contract
 * tests. A test loads the driver's shared object itself first (dlopen), finds the exported
 * `ScriptedControl` and `ScriptedReset` with dlsym, writes the script, and only then lets the
 * host load the same object with ndis_driver_load: both handles name one copy of the driver,
 * so the script is in place when DriverEntry runs.
 *
 * Everything the driver observes is recorded in the same block: the callback sequence with the
 * IRQL of each call, the halt/shutdown actions, the handles NDIS gave it. */
#ifndef NDISHOST_TESTS_CONTRACT_SCRIPTED_H
#define NDISHOST_TESTS_CONTRACT_SCRIPTED_H

#include <ndis.h>

/* How an asynchronous handler (pause, restart, OID) behaves. */
typedef enum sc_mode
{
    SC_SYNC = 0,          /* return `status` synchronously */
    SC_SYNC_AND_COMPLETE, /* return `status` (not PENDING) and also call the completion API */
    SC_PENDING_INLINE,    /* call the completion API inside the handler, then return PENDING */
    SC_PENDING_EARLY,     /* a driver thread completes; the handler waits for it, then returns PENDING */
    SC_PENDING_THREAD,    /* return PENDING; a driver thread completes after `delay_us` */
    SC_PENDING_NEVER,     /* return PENDING and complete only when the test calls ScriptedCompleteLate */
} sc_mode;

typedef struct sc_async
{
    sc_mode mode;
    NDIS_STATUS status;          /* synchronous return (SC_SYNC, SC_SYNC_AND_COMPLETE) */
    NDIS_STATUS complete_status; /* status given to NdisMRestartComplete / NdisMOidRequestComplete */
    unsigned completions;        /* how many times the completion API is called (0 means 1) */
    unsigned delay_us;           /* SC_PENDING_THREAD: sleep before completing */
    KIRQL complete_irql;         /* IRQL the completing thread raises to (PASSIVE_LEVEL or DISPATCH_LEVEL) */
} sc_async;

/* What MiniportInitializeEx does. */
typedef struct sc_init
{
    NDIS_STATUS status;        /* returned (after the attributes, when set) */
    BOOLEAN skip_registration; /* do not set registration attributes */
    BOOLEAN skip_general;      /* do not set general attributes (IN-02) */
    BOOLEAN general_first;     /* set general before registration, then both in order (IN-02) */
    BOOLEAN registration_twice;
    BOOLEAN offload_before_general; /* offload attributes between registration and general (IN-02) */
    BOOLEAN leak_pool;              /* allocate pool in initialize and never free it (IN-04 / HA-05) */
    BOOLEAN no_bugcheck_callback;   /* leave out NDIS_MINIPORT_ATTRIBUTES_REGISTER_BUGCHECK_CALLBACK */
} sc_init;

#define SC_LOG_MAX 128
#define SC_ADAPTERS_MAX 8

/* One callback the driver observed. */
typedef struct sc_event
{
    char what;    /* D DriverEntry, O SetOptions, U unload, I initialize, R restart, P pause, H halt,
                   * S shutdown, E PnP event, Q OID request, C completion (driver thread) */
    KIRQL irql;   /* KeGetCurrentIrql() inside the callback */
    int adapter;  /* adapter slot, -1 for driver-level callbacks */
    ULONG arg;    /* halt/shutdown action, PnP event, OID */
    unsigned seq; /* global sequence number (shared with ScriptedNextSeq) */
} sc_event;

/* Per-adapter slot; the MiniportAdapterContext is a pointer to it. */
typedef struct sc_adapter
{
    BOOLEAN used;
    NDIS_HANDLE handle;             /* MiniportAdapterHandle given to MiniportInitializeEx */
    PVOID pool;                     /* allocation made in initialize (freed in halt unless leak_pool) */
    PNDIS_OID_REQUEST late_request; /* SC_PENDING_NEVER OID, for ScriptedCompleteLate */
    unsigned inits, halts;
    BOOLEAN halted;
} sc_adapter;

typedef struct ScriptedControlBlock
{
    /* ---- script: written by the test ---- */
    NTSTATUS entry_status;               /* DriverEntry's return when registration succeeded */
    BOOLEAN entry_deregister_on_failure; /* DriverEntry deregisters before failing */
    BOOLEAN entry_skip_register;         /* DriverEntry never registers */
    BOOLEAN chars_omit_pause;            /* register without PauseHandler (UL-03) */
    UCHAR chars_major_version;           /* 0: 6 */
    BOOLEAN unload_skip_deregister;      /* UL-02 */
    sc_init init;
    sc_async pause, restart, oid;
    ULONG oid_bytes_written; /* BytesWritten/BytesRead the OID handler reports */
    ULONG oid_bytes_needed;
    UCHAR oid_fill;                  /* queries: byte written into the information buffer */
    BOOLEAN oid_complete_foreign;    /* complete a request NDIS never issued (OI-01) */
    BOOLEAN restart_sets_attributes; /* NdisMSetMiniportAttributes from MiniportRestart (IN-02) */
    /* Called on the completing driver thread just before the completion API (may be NULL). */
    void (*observe)(char what, void *arg);
    void *observe_arg;
    BOOLEAN halt_calls_observe; /* MiniportHaltEx calls observe('H') (which may block) */

    /* ---- observations: written by the driver ---- */
    NDIS_HANDLE driver_handle;
    NDIS_STATUS register_status;
    sc_adapter adapters[SC_ADAPTERS_MAX];
    sc_event log[SC_LOG_MAX];
    unsigned log_len;          /* entries in `log` (atomic) */
    unsigned seq;              /* last sequence number handed out (atomic) */
    unsigned completions_done; /* completion API calls made by the driver (atomic) */
} ScriptedControlBlock;

/* Exported by the driver. */
typedef void ScriptedResetFn(void);                          /* joins driver threads, clears the block */
typedef unsigned ScriptedNextSeqFn(void);                    /* a sequence number after every earlier event */
typedef void ScriptedWaitThreadsFn(void);                    /* joins the driver's completion threads */
typedef void ScriptedCompleteLateFn(int adapter, char what); /* complete a SC_PENDING_NEVER operation */
typedef void ScriptedIndicateStatusFn(int adapter);          /* NdisMIndicateStatusEx with the stored handle */
/* Arms a one-shot timer allocated with the DRIVER handle whose callback (DISPATCH_LEVEL) frees
 * the timer object, calls NdisMIndicateStatusEx with the adapter's handle, then observe('T'). */
typedef NDIS_STATUS ScriptedArmDriverTimerFn(int adapter);

/* Private OIDs are not needed: the driver answers any OID as scripted. These two are the
 * documented values of OID_GEN_VENDOR_ID and OID_GEN_CURRENT_PACKET_FILTER. */
#define SC_OID_QUERY 0x0001010Cu
#define SC_OID_SET 0x0001010Eu

#endif
