/* The halt watchdog: see halt_watchdog.c. A watch lives on the stack of ndis_adapter_halt. */
#ifndef NDISHOST_NDIS_HALT_WATCHDOG_H
#define NDISHOST_NDIS_HALT_WATCHDOG_H

#include "ndis_host.h"

typedef struct halt_watch
{
    ndis_adapter *a;
    const ndis_pause_hooks *hooks;
    int64_t timeout_ns;
    uint64_t deadline;
    int stage; /* 0: release the protocol's receives next; 1: report HA-01 next; 2: done */
    bool busy; /* the watchdog thread is running this watch's stage */
    bool listed;
    uint32_t idle_word; /* bumped when a stage finished */
    struct halt_watch *next;
} halt_watch;

/* Starts watching a halt about to be called (no-op when timeout_ns <= 0). */
void halt_watch_begin(halt_watch *w, ndis_adapter *a, const ndis_pause_hooks *hooks, int64_t timeout_ns);
/* Stops watching once MiniportHaltEx returned; waits for a stage in progress. */
void halt_watch_end(halt_watch *w);

#endif
