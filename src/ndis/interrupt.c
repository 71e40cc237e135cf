/* Interrupts: NdisMRegisterInterruptEx and friends. (skeleton: owned by the interrupts helper) */
#include "hardware.h"

void ndis_interrupt_line_raised(ndis_adapter *a)
{
    (void)a;
}

void ndis_interrupt_adapter_destroy(ndis_adapter *a)
{
    (void)a;
}
