/* Wires between simulated NICs: loopback (a NIC hears its own frames) and hub (a frame goes to
 * every other NIC). Delivery holds only the wire's lock and, inside it, one receiver's lock at a
 * time while the frame is queued; a sender never holds its own lock while transmitting, so two NICs
 * sending to each other cannot deadlock, and detaching under the wire's lock guarantees that no
 * delivery into the detached NIC is in progress once it returns. */
#include "simnic_internal.h"

#include <stdio.h>
#include <stdlib.h>

struct simnic_wire
{
    exec_mutex lock;
    simnic_wire_kind kind;
    simnic *members;
};

simnic_wire *simnic_wire_create(simnic_wire_kind kind)
{
    simnic_wire *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->lock = (exec_mutex)EXEC_MUTEX_INIT;
    w->kind = kind;
    return w;
}

void simnic_wire_destroy(simnic_wire *w)
{
    if (!w)
        return;
    if (w->members)
    {
        /* A NIC still attached would deliver into freed memory: a host bug, not a driver's. */
        fprintf(stderr, "ndishost: simnic_wire_destroy with NIC %u still attached\n", w->members->cfg.index);
        abort();
    }
    free(w);
}

void simnic_wire_attach(simnic_wire *w, simnic *n)
{
    exec_mutex_lock(&w->lock);
    simnic **pp = &w->members;
    while (*pp)
        pp = &(*pp)->wire_next;
    n->wire_next = NULL;
    *pp = n;
    exec_mutex_unlock(&w->lock);
}

void simnic_wire_detach(simnic_wire *w, simnic *n)
{
    exec_mutex_lock(&w->lock);
    for (simnic **pp = &w->members; *pp; pp = &(*pp)->wire_next)
    {
        if (*pp == n)
        {
            *pp = n->wire_next;
            break;
        }
    }
    exec_mutex_unlock(&w->lock);
}

void simnic_wire_transmit(simnic_wire *w, simnic *from, const uint8_t *frame, size_t len)
{
    exec_mutex_lock(&w->lock);
    for (simnic *m = w->members; m; m = m->wire_next)
    {
        bool to_self = m == from;
        if (w->kind == SIMNIC_WIRE_LOOPBACK ? to_self : !to_self)
            simnic_wire_receive(m, frame, len);
    }
    exec_mutex_unlock(&w->lock);
}
