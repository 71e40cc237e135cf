/* The NDIS library's internal objects, shared by the files of src/ndis/ and by the host layer.
 *
 * ndis_driver is what NdisMRegisterMiniportDriver hands back as NdisMiniportDriverHandle;
 * ndis_adapter is the NdisMiniportHandle given to MiniportInitializeEx. Both start with a magic
 * word so that every API can tell a real handle from NULL, a stale or a foreign pointer
 * (ndis_adapter_from_handle / ndis_driver_from_handle report those as findings, never crash).
 *
 * Each concern keeps its per-adapter state behind its own pointer (data path, configuration),
 * so that the files that own them can evolve without touching the state machine. */
#ifndef NDISHOST_NDIS_INTERNAL_H
#define NDISHOST_NDIS_INTERNAL_H

#include <ndis.h>
#include <stdbool.h>
#include <stdint.h>

#include "../kernel/exec/exec.h"
#include "../verifier/verifier.h"
#include "pending_op.h"

#define NDIS_DRIVER_MAGIC 0x4e445256u  /* 'NDRV' */
#define NDIS_ADAPTER_MAGIC 0x4e414450u /* 'NADP' */

/* Adapter states, exactly the seven of the NDIS state machine (ndis-contract.md section 2). */
typedef enum ndis_adapter_state
{
    NDIS_ADAPTER_HALTED = 0,
    NDIS_ADAPTER_INITIALIZING,
    NDIS_ADAPTER_PAUSED,
    NDIS_ADAPTER_RESTARTING,
    NDIS_ADAPTER_RUNNING,
    NDIS_ADAPTER_PAUSING,
    NDIS_ADAPTER_SHUTDOWN,
} ndis_adapter_state;

const char *ndis_adapter_state_name(ndis_adapter_state s);

typedef struct ndis_driver ndis_driver;
typedef struct ndis_adapter ndis_adapter;
typedef struct ndis_dp_state ndis_dp_state;         /* data path, src/ndis/datapath.c */
typedef struct ndis_config_store ndis_config_store; /* registry, src/ndis/config.c */
typedef struct ndis_irq_state ndis_irq_state;       /* interrupts, src/ndis/interrupt.c */
typedef struct ndis_io_state ndis_io_state;         /* I/O ports and mapped registers, io_port.c, mapped_io.c */
typedef struct ndis_dma_state ndis_dma_state;       /* DMA and shared memory, dma.c, shared_memory.c */
typedef struct ndis_port_state ndis_port_state;     /* NDIS ports, port.c */
struct simnic;

/* What sits above the miniport: the host's protocol edge. NDIS calls these from the
 * driver's indications; they run on the driver's thread at the driver's IRQL. */
typedef struct ndis_protocol_ops
{
    /* Receive indication. Without NDIS_RECEIVE_FLAGS_RESOURCES the edge owns the NBLs until it
     * hands them back with ndis_return_nbls; with it, it must copy what it needs now. */
    void (*receive)(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER port, ULONG count, ULONG flags);
    /* Send completion of NBLs the edge passed to ndis_send_nbls. */
    void (*send_complete)(void *ctx, ndis_adapter *a, PNET_BUFFER_LIST nbls, ULONG flags);
    /* NdisMIndicateStatusEx. */
    void (*status)(void *ctx, ndis_adapter *a, const NDIS_STATUS_INDICATION *ind);
    void *ctx;
} ndis_protocol_ops;

struct ndis_driver
{
    uint32_t magic;
    vf_owner *owner;              /* driver-level ledger */
    char *path;                   /* shared object */
    char *name;                   /* basename without .so */
    void *dl;                     /* dlopen handle */
    DRIVER_OBJECT *driver_object; /* handed to DriverEntry */
    UNICODE_STRING registry_path;
    NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars; /* NDIS copies the struct at registration */
    NDIS_HANDLE driver_context;                 /* MiniportDriverContext from registration */
    bool registered;                            /* NdisMRegisterMiniportDriver succeeded, not yet deregistered */
    bool in_driver_entry;
    unsigned adapters_live; /* adapters not halted (UL-02 host self-check) */
    unsigned next_adapter_index;
    char last_error[256]; /* why registration failed, for the one-line load error */
};

struct ndis_adapter
{
    uint32_t magic;
    ndis_driver *driver;
    vf_owner *owner;     /* adapter-level ledger */
    unsigned index;      /* 0-based, in creation order */
    char name[32];       /* "adapter 0" */
    NDIS_HANDLE context; /* MiniportAdapterContext from the registration attributes */

    /* State machine (src/ndis/adapter.c). `state_word` mirrors `state` for waiters. */
    ndis_adapter_state state;
    uint32_t state_word;
    pending_op pause_op;   /* MiniportPause / NdisMPauseComplete */
    pending_op restart_op; /* MiniportRestart / NdisMRestartComplete */
    pending_op reset_op;   /* MiniportResetEx / NdisMResetComplete */
    bool in_initialize;    /* inside MiniportInitializeEx: the handle is valid while Halted */
    bool halt_started;     /* MiniportHaltEx called: CLOSING for new ports etc. */
    bool shutdown;         /* MiniportShutdownEx called: no callback may follow (LC-04) */
    bool removed;          /* NdisMRemoveMiniport called */
    bool surprise_removed; /* MiniportDevicePnPEventNotify(SurpriseRemoved) delivered */
    NDIS_HALT_ACTION halt_action; /* of the halt in progress or last done */
    unsigned removed_reads;       /* reads of the removed NIC in this halt (HA-13) */
    void *nic_start_site; /* last register write that enabled the NIC's DMA or interrupts (HA-12) */
    bool nested_bugcheck_in_halt; /* scenario halt-bugcheck: shutdown nested in the next halt (SD-04) */
    bool nested_bugcheck_done;

    /* Attributes (src/ndis/attributes.c), deep copies. */
    bool reg_attrs_set;
    bool gen_attrs_set;
    NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES reg_attrs;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES gen_attrs;
    void *gen_attrs_blobs; /* owned copies of the buffers the general attributes point to */

    /* OIDs (src/ndis/oid.c). */
    pending_op oid_op;
    PNDIS_OID_REQUEST oid_request; /* the request outstanding from the host (one at a time) */
    ULONG oid_next_id;

    /* Configuration (src/ndis/config.c): this adapter's registry. */
    ndis_config_store *config;
    UCHAR permanent_mac[6];

    /* Data path (src/ndis/datapath.c). */
    ndis_dp_state *dp;
    ndis_protocol_ops proto;

    unsigned error_log_entries; /* NdisWriteErrorLogEntry calls (IN-05, IN-08 advice) */

    /* Hardware (src/ndis/hardware.h). `nic` is NULL for a virtual adapter. */
    struct simnic *nic;
    void *resources;      /* CM_PARTIAL_RESOURCE_LIST handed to MiniportInitializeEx, NULL without a NIC */
    void *resources_full; /* the CM_RESOURCE_LIST holding it (NdisMGetDeviceProperty) */
    ndis_irq_state *irq;
    ndis_io_state *io;
    ndis_dma_state *dma;
    ndis_port_state *ports;

    exec_mutex lock; /* protects the fields above against driver threads */
};

/* Lifecycle log lines for -v (NULL: silent). Set by the host. */
extern void (*ndis_log_hook)(const ndis_adapter *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Validated handle lookups. On a NULL, foreign or dead handle they report a finding (rule given
 * by the caller's context: LC-03 for a halted adapter, ...) naming `api`, and return NULL. */
ndis_adapter *ndis_adapter_from_handle(NDIS_HANDLE h, const char *api, void *site);
ndis_driver *ndis_driver_from_handle(NDIS_HANDLE h, const char *api, void *site);
/* For APIs taking "NdisHandle": either a driver or an adapter handle. Returns the owner to
 * charge, or NULL after reporting. */
vf_owner *ndis_owner_from_handle(NDIS_HANDLE h, const char *api, void *site);

#endif
