#include "pending_op.h"

#include <stddef.h>

void pending_op_begin(pending_op *op)
{
    exec_mutex_lock(&op->lock);
    op->phase = PENDING_CALLING;
    op->completions = 0;
    op->status = 0;
    op->first_site = NULL;
    __atomic_store_n(&op->done_word, 0, __ATOMIC_RELEASE);
    exec_mutex_unlock(&op->lock);
}

pending_complete_result pending_op_claim(pending_op *op, int status, void *site)
{
    exec_mutex_lock(&op->lock);
    pending_complete_result r;
    if (op->completions > 0)
    {
        op->completions++;
        r = PENDING_COMPLETE_TWICE;
    }
    else if (op->phase == PENDING_IDLE)
        r = PENDING_COMPLETE_NOT_PENDING;
    else
    {
        op->completions = 1;
        op->status = status;
        op->first_site = site;
        r = PENDING_COMPLETE_OK;
    }
    exec_mutex_unlock(&op->lock);
    return r;
}

void pending_op_signal(pending_op *op)
{
    __atomic_store_n(&op->done_word, 1, __ATOMIC_RELEASE);
    exec_wake_u32(&op->done_word, INT32_MAX);
}

pending_complete_result pending_op_complete(pending_op *op, int status, void *site)
{
    pending_complete_result r = pending_op_claim(op, status, site);
    if (r == PENDING_COMPLETE_OK)
        pending_op_signal(op);
    return r;
}

bool pending_op_returned(pending_op *op, int ret, int pending_value)
{
    exec_mutex_lock(&op->lock);
    bool early = false;
    if (ret == pending_value)
        op->phase = PENDING_WAITING;
    else
    {
        early = op->completions > 0;
        op->phase = PENDING_IDLE;
    }
    exec_mutex_unlock(&op->lock);
    return early;
}

bool pending_op_wait(pending_op *op, int64_t timeout_ns, int *status)
{
    uint64_t deadline = timeout_ns < 0 ? 0 : exec_now_ns() + (uint64_t)timeout_ns;
    while (__atomic_load_n(&op->done_word, __ATOMIC_ACQUIRE) == 0)
    {
        int64_t left = -1;
        if (timeout_ns >= 0)
        {
            uint64_t now = exec_now_ns();
            if (now >= deadline)
                return false;
            left = (int64_t)(deadline - now);
        }
        exec_wait_u32(&op->done_word, 0, left);
    }
    exec_mutex_lock(&op->lock);
    *status = op->status;
    exec_mutex_unlock(&op->lock);
    return true;
}

void pending_op_end(pending_op *op)
{
    exec_mutex_lock(&op->lock);
    op->phase = PENDING_IDLE;
    exec_mutex_unlock(&op->lock);
}
