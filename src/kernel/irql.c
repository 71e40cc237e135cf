/* IRQL: the emulated per-thread interrupt request level (kept by the verifier's thread context). */
#include "kernel_ex.h"
#include "kernel_internal.h"

KIRQL KeGetCurrentIrql(void)
{
    return vf_irql();
}

KIRQL KfRaiseIrql(KIRQL NewIrql)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    if (NewIrql < old)
    {
        /* Documented: raising to a lower IRQL is a fatal error (IRQL_NOT_GREATER_OR_EQUAL). */
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "KeRaiseIrql to %s while at %s (raising to a lower IRQL)",
                  vf_irql_name(NewIrql), vf_irql_name(old));
        return old;
    }
    vf_set_irql(NewIrql);
    return old;
}

VOID KeLowerIrql(KIRQL NewIrql)
{
    void *site = VF_SITE();
    KIRQL cur = vf_irql();
    if (NewIrql > cur)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "KeLowerIrql to %s while at %s (lowering to a higher IRQL)",
                  vf_irql_name(NewIrql), vf_irql_name(cur));
        return;
    }
    vf_set_irql(NewIrql);
}

KIRQL KeRaiseIrqlToDpcLevel(void)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    if (old > DISPATCH_LEVEL)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "KeRaiseIrqlToDpcLevel called at %s", vf_irql_name(old));
        return old;
    }
    vf_set_irql(DISPATCH_LEVEL);
    return old;
}

KIRQL KeRaiseIrqlToSynchLevel(void)
{
    void *site = VF_SITE();
    KIRQL old = vf_irql();
    if (old > SYNCH_LEVEL)
    {
        vf_report("IQ-01", NULL, VF_CB_NONE, site, "KeRaiseIrqlToSynchLevel called at %s", vf_irql_name(old));
        return old;
    }
    vf_set_irql(SYNCH_LEVEL);
    return old;
}

/* APCs do not exist in the host: a thread at PASSIVE_LEVEL always has them enabled. */
BOOLEAN KeAreApcsDisabled(void)
{
    return vf_irql() >= APC_LEVEL;
}

BOOLEAN KeAreAllApcsDisabled(void)
{
    return vf_irql() >= APC_LEVEL;
}

VOID KeEnterCriticalRegion(void)
{
    vf_check_irql_max(APC_LEVEL, "KeEnterCriticalRegion", VF_SITE());
}

VOID KeLeaveCriticalRegion(void)
{
    vf_check_irql_max(APC_LEVEL, "KeLeaveCriticalRegion", VF_SITE());
}

VOID KeEnterGuardedRegion(void)
{
    vf_check_irql_max(APC_LEVEL, "KeEnterGuardedRegion", VF_SITE());
}

VOID KeLeaveGuardedRegion(void)
{
    vf_check_irql_max(APC_LEVEL, "KeLeaveGuardedRegion", VF_SITE());
}

bool kernel_check_callback_exit(unsigned held_before, KIRQL irql_before, vf_owner *owner, vf_callback cb,
                                const char *what)
{
    bool ok = true;
    unsigned held = kernel_spinlocks_held();
    if (held > held_before)
    {
        vf_report("IQ-03", owner, cb, NULL, "%s returned holding %u spin lock(s) it acquired", what,
                  held - held_before);
        kernel_spinlocks_release_above(held_before);
        ok = false;
    }
    /* EX spin locks are counted per callback: the ones acquired in this callback and still held. */
    unsigned ex_held = kernel_ex_spin_locks_release_callback(cb, owner);
    if (ex_held)
    {
        vf_report("IQ-03", owner, cb, NULL, "%s returned holding %u EX spin lock(s) it acquired", what, ex_held);
        ok = false;
    }
    KIRQL now = vf_irql();
    if (now != irql_before)
    {
        vf_report("IQ-01", owner, cb, NULL, "%s returned at %s, but was called at %s", what, vf_irql_name(now),
                  vf_irql_name(irql_before));
        vf_set_irql(irql_before);
        ok = false;
    }
    return ok;
}
