/* The set of handles NDIS has handed out (driver and adapter blocks). */
#ifndef NDISHOST_NDIS_HANDLES_H
#define NDISHOST_NDIS_HANDLES_H

#include <stdbool.h>

void ndis_handle_register(const void *h);
void ndis_handle_unregister(const void *h);
/* True when h is a handle NDIS handed out and has not destroyed. Safe on any pointer. */
bool ndis_handle_is_live(const void *h);

#endif
