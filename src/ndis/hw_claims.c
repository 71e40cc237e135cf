/* Common checks of calls that claim hardware. (skeleton: owned by the interrupts helper) */
#include "hardware.h"

bool ndis_hw_claim_check(ndis_adapter *a, const char *api, void *site, unsigned flags)
{
    (void)a;
    (void)api;
    (void)site;
    (void)flags;
    return true;
}
