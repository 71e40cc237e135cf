/* One asynchronous NDIS operation the miniport may complete later: a pause, a restart, an OID
 * request. It encodes the rule shared by NdisMPauseComplete, NdisMRestartComplete and
 * NdisMOidRequestComplete: completing is legal only when the handler returned NDIS_STATUS_PENDING,
 * exactly once, possibly from another thread before the handler itself has returned. */
#ifndef NDISHOST_NDIS_PENDING_OP_H
#define NDISHOST_NDIS_PENDING_OP_H

#include <stdbool.h>
#include <stdint.h>

#include "../kernel/exec/exec.h"

typedef enum pending_phase
{
    PENDING_IDLE = 0, /* no operation: any completion is unexpected */
    PENDING_CALLING,  /* the handler is running: an early completion is remembered */
    PENDING_WAITING,  /* the handler returned PENDING: the completion is awaited */
} pending_phase;

typedef struct pending_op
{
    exec_mutex lock;
    pending_phase phase;
    unsigned completions;
    int status;         /* status given with the (first) completion */
    uint32_t done_word; /* 0 until completed; waited on with exec_wait_u32 */
    void *first_site;   /* driver site of the first completion */
} pending_op;

typedef enum pending_complete_result
{
    PENDING_COMPLETE_OK,
    PENDING_COMPLETE_NOT_PENDING, /* no operation in progress */
    PENDING_COMPLETE_TWICE,       /* already completed once */
} pending_complete_result;

/* Host, before calling the handler. */
void pending_op_begin(pending_op *op);
/* Driver, from NdisM*Complete: claim and signal in one step. */
pending_complete_result pending_op_complete(pending_op *op, int status, void *site);
/* The same in two steps, for a completion that must be checked against the state it completes in
 * before the host, once signalled, moves on (NdisMPauseComplete and LC-10): claim records the
 * completion, signal wakes the waiter. Signal only after PENDING_COMPLETE_OK. */
pending_complete_result pending_op_claim(pending_op *op, int status, void *site);
void pending_op_signal(pending_op *op);
/* Host, after the handler returned `ret`. Returns true when a completion arrived although the
 * handler did not return PENDING (the caller reports it). */
bool pending_op_returned(pending_op *op, int ret, int pending_value);
/* Host, after PENDING: waits for the completion at most timeout_ns (<0 forever). Returns true
 * and the completion status when it came. */
bool pending_op_wait(pending_op *op, int64_t timeout_ns, int *status);
/* Host, when it stops waiting (completed or timed out): later completions are unexpected. */
void pending_op_end(pending_op *op);

#endif
