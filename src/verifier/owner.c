/* Owners: the driver's and each adapter's ledger identity. */
#include "verifier/vf_internal.h"

#include <stdlib.h>
#include <string.h>

vf_owner *vf_owner_create(vf_owner_kind kind, vf_owner *parent, const char *name)
{
    vf_owner *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->name = strdup(name ? name : (kind == VF_OWNER_DRIVER ? "driver" : "adapter"));
    if (!o->name)
    {
        free(o);
        return NULL;
    }
    o->kind = kind;
    o->parent = parent;
    return o;
}

void vf_owner_destroy(vf_owner *o)
{
    if (!o)
        return;
    /* Policy: entries still charged to a destroyed owner are not freed behind the host's back (they
     * may be embedded in live host objects); they become ownerless but stay findable by key, so a
     * late free by the driver is still recognised. Findings copy the owner's name, so they survive. */
    vf_ledger_orphan_owner(o);
    free(o->name);
    free(o);
}

const char *vf_owner_name(const vf_owner *o)
{
    return o ? o->name : NULL;
}

vf_owner *vf_owner_parent(const vf_owner *o)
{
    return o ? o->parent : NULL;
}

void vf_owner_set_dead(vf_owner *o, bool dead)
{
    if (o)
        o->dead = dead;
}

bool vf_owner_is_dead(const vf_owner *o)
{
    return o ? o->dead : false;
}

void vf_owner_set_user(vf_owner *o, void *user)
{
    if (o)
        o->user = user;
}

void *vf_owner_user(const vf_owner *o)
{
    return o ? o->user : NULL;
}
