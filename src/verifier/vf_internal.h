/* Verifier-private declarations shared by the files of src/verifier/. */
#ifndef NDISHOST_VF_INTERNAL_H
#define NDISHOST_VF_INTERNAL_H

#include "verifier/verifier.h"

struct vf_owner
{
    vf_owner_kind kind;
    vf_owner *parent;
    char *name;
    _Atomic(bool) dead;
    _Atomic(void *) user;
    /* Ledger state, guarded by the ledger's mutex. */
    vf_res *head, *tail;
    size_t counts[VF_RES_COUNT];
    size_t total;
};

/* ledger.c: detaches every live entry of a dying owner (they stay findable by key). */
void vf_ledger_orphan_owner(vf_owner *o);

/* findings.c: records a finding whose message is already formatted. `acquired` marks a leak report
 * (the site is also stored as the acquisition site). */
void vf_report_msg(const char *rule, bool sev_given, vf_severity sev, vf_owner *owner, vf_callback cb, void *site,
                   bool leak, const char *msg);

/* symbolize.c: interns a string for the rest of the process's life. */
const char *vf_intern(const char *s);
/* SD-01: a ledger item released while a shutdown handler runs (shutdown.c). */
void vf_shutdown_note_release(const vf_res *r);

/* Last component of a path (the string itself when it has no '/'). */
const char *vf_basename(const char *path);

#endif
