/* The checks every call that claims hardware (or allocates an NDIS port) shares: IN-02 (the
 * registration attributes come first) and IN-07 (the call belongs to MiniportInitializeEx).
 *
 * "Inside initialize" means the calling thread has the adapter's MiniportInitializeEx frame on its
 * stack: a work item or timer running on another thread while initialize is still in progress is
 * not initialize, as the SDV rules see it.
 *
 * Policy: a claim before the registration attributes fails (the caller returns its failure status
 * or NULL), because NDIS has no adapter context to bind it to yet; the attributes code treats the
 * general attributes the same way. A claim from the wrong callback (IN-07) is reported and then
 * carried out: Windows enforces that rule statically (SDV), not at run time, so the driver goes on
 * as it would there and one mistake gives one finding. */
#include "hardware.h"

bool ndis_hw_claim_check(ndis_adapter *a, const char *api, void *site, unsigned flags)
{
    bool ok = true;
    if ((flags & NDIS_CLAIM_NEEDS_REG_ATTRS) && !a->reg_attrs_set)
    {
        vf_report("IN-02", a->owner, VF_CB_NONE, site,
                  "%s called before NdisMSetMiniportAttributes set the registration attributes; the call fails", api);
        ok = false;
    }
    if ((flags & NDIS_CLAIM_INIT_ONLY) && !vf_in_callback_mask(1ull << VF_CB_INITIALIZE))
    {
        vf_callback cb = vf_current_callback();
        vf_report("IN-07", a->owner, VF_CB_NONE, site,
                  "%s called from %s; it may only be called from MiniportInitializeEx", api,
                  cb == VF_CB_NONE ? "a thread outside any miniport callback" : vf_callback_name(cb));
    }
    return ok;
}
