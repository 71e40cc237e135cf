/* How the NDIS library calls into driver code: inside a verifier frame naming the callback,
 * at the IRQL NDIS documents for it; on return, spin locks left held (IQ-03) and an IRQL the
 * driver did not restore (IQ-01) are reported and repaired so that the host can go on. */
#ifndef NDISHOST_NDIS_CALL_DRIVER_H
#define NDISHOST_NDIS_CALL_DRIVER_H

#include "../kernel/kernel_internal.h"
#include "../verifier/verifier.h"

#define NDIS_CALL_DRIVER(owner, cb, irql, expr)                                                                        \
    do                                                                                                                 \
    {                                                                                                                  \
        vf_frame f_;                                                                                                   \
        uint8_t saved_irql_ = vf_irql();                                                                               \
        unsigned held_ = kernel_spinlocks_held();                                                                      \
        vf_enter(&f_, (cb), (owner));                                                                                  \
        vf_set_irql(irql);                                                                                             \
        expr;                                                                                                          \
        kernel_check_callback_exit(held_, (irql), (owner), (cb), vf_callback_name(cb));                                \
        vf_set_irql(saved_irql_);                                                                                      \
        vf_leave(&f_);                                                                                                 \
    } while (0)

#endif
