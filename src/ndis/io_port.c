/* I/O port ranges: NdisMRegisterIoPortRange and NdisRawRead/WritePort*. (skeleton) */
#include "hardware.h"

void ndis_io_adapter_destroy(ndis_adapter *a)
{
    (void)a;
}
