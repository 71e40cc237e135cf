/* The simulated NIC. (skeleton: replaced by the device helper) */
#include "simnic.h"

#include <stdlib.h>
#include <string.h>

struct simnic
{
    simnic_config cfg;
};

simnic *simnic_create(const simnic_config *cfg)
{
    simnic *n = calloc(1, sizeof *n);
    if (n)
        n->cfg = *cfg;
    return n;
}

void simnic_destroy(simnic *n)
{
    free(n);
}

void simnic_get_resources(const simnic *n, simnic_resources *out)
{
    memset(out, 0, sizeof *out);
    out->io_base = 0xC000u + 0x100u * n->cfg.index;
    out->io_length = SIMNIC_IO_PORTS;
    out->mem_base = 0xF0000000ull + 0x100000ull * n->cfg.index;
    out->mem_length = SIMNIC_BAR0_LENGTH;
    out->irq_vector = 0x30u + n->cfg.index;
    out->irq_level = out->irq_vector;
    out->irq_affinity = 1;
}

bool simnic_is_quiescent(simnic *n, char *why, size_t whylen)
{
    (void)n;
    (void)why;
    (void)whylen;
    return true;
}
