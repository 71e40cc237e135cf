/* What the host layer (scenario engine, tools, tests) asks of the NDIS library: load a driver,
 * create adapters and move them through the NDIS state machine exactly as NDIS would. Every
 * function here runs on the calling host thread at PASSIVE_LEVEL and returns only when the
 * operation is complete (a pending pause, restart or OID is waited for, event-driven). */
#ifndef NDISHOST_NDIS_HOST_H
#define NDISHOST_NDIS_HOST_H

#include "ndis_internal.h"

typedef enum ndis_load_result
{
    NDIS_LOAD_OK = 0,
    NDIS_LOAD_NOT_FOUND,           /* no such file or unreadable */
    NDIS_LOAD_NOT_ELF,             /* not an ELF shared object */
    NDIS_LOAD_DLOPEN_FAILED,       /* the dynamic loader refused it (unresolved symbol, ...) */
    NDIS_LOAD_NO_DRIVER_ENTRY,     /* no DriverEntry symbol */
    NDIS_LOAD_DRIVER_ENTRY_FAILED, /* DriverEntry returned a failure status */
    NDIS_LOAD_NOT_REGISTERED,      /* DriverEntry succeeded without NdisMRegisterMiniportDriver */
} ndis_load_result;

/* Loads `path`, calls DriverEntry at PASSIVE_LEVEL. On success *out is the registered driver.
 * On failure `err` holds one line for the user; *out is NULL and everything is released. */
ndis_load_result ndis_driver_load(const char *path, ndis_driver **out, char *err, size_t errlen);
/* Calls MiniportDriverUnload (all adapters must be halted: host self-check), reports what the
 * driver left behind (UL-02), unloads the shared object. */
void ndis_driver_unload(ndis_driver *d);

/* Creates the device (adapter block) NDIS will initialize; it persists across
 * initialize/halt cycles, like the device object on Windows. Registry: `config` (may be NULL). */
ndis_adapter *ndis_adapter_create(ndis_driver *d, ndis_config_store *config);
void ndis_adapter_destroy(ndis_adapter *a);

/* MiniportInitializeEx. SUCCESS leaves the adapter Paused. A failure status leaves it Halted and
 * reports (IN-04) everything the failed initialize left behind. If initialize succeeded but NDIS
 * cannot bring the adapter up (no general attributes: IN-02), the adapter is halted with
 * NdisHaltDeviceInitializationFailed and NDIS_STATUS_FAILURE is returned. */
NDIS_STATUS ndis_adapter_initialize(ndis_adapter *a);
/* MiniportRestart from Paused; waits for NdisMRestartComplete when pending. */
NDIS_STATUS ndis_adapter_restart(ndis_adapter *a);
/* What the bound protocol does around a pause. `started` runs once MiniportPause has returned
 * (the protocol gives back what its policy says it gives back at a pause); `watchdog` runs when a
 * pending pause has not completed within the pause time-out and must give back everything the
 * protocol still holds (returns how many NBLs that was). Either may be NULL. */
typedef struct ndis_pause_hooks
{
    void (*started)(void *arg, ndis_adapter *a);
    size_t (*watchdog)(void *arg, ndis_adapter *a);
    void *arg;
} ndis_pause_hooks;
/* MiniportPause from Running; waits for NdisMPauseComplete when pending. A pause that does not
 * complete while the protocol holds NBLs is the protocol's doing: after the time-out the
 * watchdog hook releases them and the host waits once more; only a pause that still does not
 * complete is reported (LC-10). */
NDIS_STATUS ndis_adapter_pause(ndis_adapter *a, const ndis_pause_hooks *hooks);
/* MiniportHaltEx from Paused, then the halt-return checks of the verifier. While the halt
 * handler runs, a watchdog thread gives back what the protocol still holds once the halt
 * time-out expires (hooks->watchdog; a halt handler correctly waiting for its receives then
 * returns), and reports HA-01 if the handler still has not returned after a second time-out. */
void ndis_adapter_halt(ndis_adapter *a, NDIS_HALT_ACTION action, const ndis_pause_hooks *hooks);
/* MiniportShutdownEx; terminal: no callback follows. Returns false when NDIS does not call the
 * handler (a bug check on an NDIS 6.30 driver that did not register for it, SD-02). */
bool ndis_adapter_shutdown(ndis_adapter *a, NDIS_SHUTDOWN_ACTION action);
/* MiniportDevicePnPEventNotify. */
void ndis_adapter_pnp_event(ndis_adapter *a, NDIS_DEVICE_PNP_EVENT event);

/* An OID request as a bound protocol issues it; waits for NdisMOidRequestComplete when pending.
 * For queries *bytes is BytesWritten, for sets BytesRead; *needed is BytesNeeded. */
NDIS_STATUS ndis_adapter_oid(ndis_adapter *a, NDIS_REQUEST_TYPE type, NDIS_OID oid, void *buf, ULONG len, ULONG *bytes,
                             ULONG *needed);

/* Time limits (nanoseconds) the host waits for pending operations before reporting a watchdog
 * finding; defaults follow the Windows watchdogs (OID 12 s, pause/restart/halt 20 s). */
typedef struct ndis_timeouts
{
    int64_t pause_ns, restart_ns, oid_ns, halt_ns;
} ndis_timeouts;
void ndis_set_timeouts(const ndis_timeouts *t);

ndis_adapter_state ndis_adapter_get_state(const ndis_adapter *a);
/* MAC address the adapter reported in its general attributes (CurrentMacAddress). */
const UCHAR *ndis_adapter_current_mac(const ndis_adapter *a);

#endif
