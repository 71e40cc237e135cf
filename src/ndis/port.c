/* NDIS ports: NdisMAllocatePort, NdisMFreePort, activation through NdisMNetPnPEvent. (skeleton) */
#include "hardware.h"

void ndis_ports_instance_end(ndis_adapter *a, const char *when)
{
    (void)a;
    (void)when;
}

void ndis_ports_adapter_destroy(ndis_adapter *a)
{
    (void)a;
}
