/* The verifier's global on/off switch (verifier.h). A plain flag read with a relaxed load: the
 * data path tests it once per call, so switching takes effect at the next call on every thread. */
#include <stdlib.h>
#include <string.h>

#include "verifier/vf_internal.h"

bool vf_g_enabled_ = true;

void vf_set_enabled(bool on)
{
    __atomic_store_n(&vf_g_enabled_, on, __ATOMIC_RELAXED);
}

/* Lets a whole process (the CLI, a benchmark) run with the verifier off without a new option. */
__attribute__((constructor)) static void vf_switch_from_env(void)
{
    const char *v = getenv("NDISHOST_VERIFIER");
    if (v && (!strcmp(v, "off") || !strcmp(v, "0")))
        vf_set_enabled(false);
}
