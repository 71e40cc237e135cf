/* What a MiniportShutdownEx handler may do (ndis-contract.md SD-01, SD-02, SD-05).
 *
 * The DDI page says: with NdisShutdownBugCheck the handler runs at HIGH_LEVEL and may call only the
 * functions that are legal at any IRQL, and must not free resources; with NdisShutdownPowerOff it runs
 * at PASSIVE_LEVEL and may free them, though that is neither required nor encouraged. The conceptual
 * page says a shutdown handler should call no Ndis* function at all, only touch its hardware.
 *
 * Policy:
 *  - register and port access (NdisRead/WriteRegister*, NdisRawRead/WritePort*, READ_/WRITE_REGISTER_*,
 *    READ_/WRITE_PORT_*) and NdisStallExecution are always allowed;
 *  - a call that releases a ledger item (a free, deregister, unmap or close) is SD-01 at the line of
 *    the call: an error for BugCheck, a warning for PowerOff; NdisMFreeSharedMemory is left to its own
 *    rule (SD-03) so that one defect gives one finding;
 *  - any other Ndis* call is SD-02 (an error) for BugCheck and SD-05 (a warning) for PowerOff. The
 *    IRQL checks of the functions themselves stay quiet in BugCheck mode: SD-02 already names the call.
 *  - SD-04: NDIS may call the handler with NdisShutdownBugCheck nested inside MiniportHaltEx when the
 *    halt itself brings the system down; the handler should then return at once and do nothing. The
 *    `halt-bugcheck` scenario arms the halt's thread: at the halt handler's first Ndis* call, the
 *    shutdown handler is called from inside that call, and any Ndis* call or release it makes is
 *    SD-04 (a warning) instead of SD-01/SD-02. The halt then goes on, so that the run can report the
 *    rest.
 * Kernel (Ke*, Rtl*, ...) calls are not Ndis* calls and are left to their own IRQL rules. */
#include "verifier/vf_internal.h"

#include <string.h>

__thread uint8_t vf_tls_shutdown_;
static __thread void *tls_release_site; /* the driver's call that is releasing, during a shutdown */
static __thread const char *tls_release_api;
static void (*g_nested_hook)(vf_owner *owner);

void vf_set_nested_shutdown_hook(void (*hook)(vf_owner *owner))
{
    g_nested_hook = hook;
}

vf_shutdown_mode vf_shutdown_enter(vf_shutdown_mode mode)
{
    vf_shutdown_mode prev = (vf_shutdown_mode)vf_tls_shutdown_;
    vf_tls_shutdown_ = (uint8_t)mode;
    return prev;
}

void vf_shutdown_leave(vf_shutdown_mode previous)
{
    vf_tls_shutdown_ = (uint8_t)previous;
    tls_release_site = NULL;
    tls_release_api = NULL;
}

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static bool always_allowed(const char *api)
{
    static const char *const ok[] = {"NdisReadRegister", "NdisWriteRegister", "NdisRawReadPort",
                                     "NdisRawWritePort", "READ_REGISTER_",    "WRITE_REGISTER_",
                                     "READ_PORT_",       "WRITE_PORT_",       "NdisStallExecution"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (has_prefix(api, ok[i]))
            return true;
    return false;
}

static bool releases(const char *api)
{
    return strstr(api, "Free") || strstr(api, "Deregister") || strstr(api, "Unmap") || strstr(api, "Close");
}

void vf_shutdown_api_call(void *site, const char *api)
{
    if (!api || !has_prefix(api, "Ndis") || always_allowed(api) || !site)
        return;
    if (vf_tls_shutdown_ == VF_SHUTDOWN_ARMED_IN_HALT)
    {
        if (!vf_in_callback_mask(1ull << VF_CB_HALT) || vf_in_callback_mask(1ull << VF_CB_SHUTDOWN))
            return;
        vf_tls_shutdown_ = VF_SHUTDOWN_NONE; /* once */
        if (g_nested_hook)
            g_nested_hook(vf_current_owner());
        return;
    }
    /* Only the driver's own calls count: a host routine using VF_SITE on behalf of the host has no
     * driver frame here. */
    if (!vf_in_callback_mask(1ull << VF_CB_SHUTDOWN))
        return;
    bool bugcheck = vf_tls_shutdown_ == VF_SHUTDOWN_BUG_CHECK;
    if (vf_tls_shutdown_ == VF_SHUTDOWN_NESTED)
    {
        vf_report("SD-04", NULL, VF_CB_NONE, site,
                  "%s called from MiniportShutdownEx(NdisShutdownBugCheck) nested in MiniportHaltEx: the handler "
                  "should return at once and do nothing",
                  api);
        return;
    }
    if (releases(api))
    {
        tls_release_site = site; /* vf_shutdown_note_release reports it when the ledger item goes */
        tls_release_api = api;
        return;
    }
    if (bugcheck)
        vf_report("SD-02", NULL, VF_CB_NONE, site,
                  "%s called from MiniportShutdownEx(NdisShutdownBugCheck), which runs at HIGH_LEVEL and may "
                  "only touch its hardware (register and port access)",
                  api);
    else
        vf_report("SD-05", NULL, VF_CB_NONE, site,
                  "%s called from MiniportShutdownEx(NdisShutdownPowerOff): a shutdown handler should only put "
                  "its hardware in a known state, without Ndis* calls",
                  api);
}

void vf_shutdown_note_release(const vf_res *r)
{
    if (r->kind == VF_RES_SHARED_MEMORY || r->kind == VF_RES_RX_INDICATED)
        return; /* SD-03 is reported by NdisMFreeSharedMemory itself; returns are not releases */
    if (!vf_in_callback_mask(1ull << VF_CB_SHUTDOWN) || vf_tls_shutdown_ == VF_SHUTDOWN_NESTED)
        return; /* nested in halt: the call itself was SD-04 */
    bool bugcheck = vf_tls_shutdown_ == VF_SHUTDOWN_BUG_CHECK;
    vf_report_sev("SD-01", bugcheck ? VF_SEV_ERROR : VF_SEV_WARNING, NULL, VF_CB_NONE, tls_release_site,
                  "%s released a %s in MiniportShutdownEx(%s)%s", tls_release_api ? tls_release_api : "the driver",
                  vf_res_kind_name(r->kind), bugcheck ? "NdisShutdownBugCheck" : "NdisShutdownPowerOff",
                  bugcheck ? ": with a bug check the handler must not free resources"
                           : ": freeing at power-off is allowed but not encouraged");
}
