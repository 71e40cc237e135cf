#include "lifecycle_text.h"

#include "host/report.h"

void lifecycle_step(FILE *out, const ndis_adapter *a, const char *what, const char *fmt, va_list ap)
{
    char detail[256] = "";
    if (fmt)
        vsnprintf(detail, sizeof detail, fmt, ap);
    if (a)
        fprintf(out, "    %-10s %-30s %s\n", a->name, what, detail);
    else
        fprintf(out, "  %-43s %s\n", what, detail);
    fflush(out);
}

const char *lifecycle_status_name(NDIS_STATUS st)
{
    static __thread char buf[16];
    switch (st)
    {
    case NDIS_STATUS_SUCCESS:
        return "SUCCESS";
    case NDIS_STATUS_PENDING:
        return "PENDING";
    case NDIS_STATUS_FAILURE:
        return "FAILURE";
    case NDIS_STATUS_RESOURCES:
        return "RESOURCES";
    case NDIS_STATUS_NOT_ACCEPTED:
        return "NOT_ACCEPTED";
    case NDIS_STATUS_NOT_SUPPORTED:
        return "NOT_SUPPORTED";
    case NDIS_STATUS_INVALID_OID:
        return "INVALID_OID";
    case NDIS_STATUS_BUFFER_TOO_SHORT:
        return "BUFFER_TOO_SHORT";
    case NDIS_STATUS_INVALID_LENGTH:
        return "INVALID_LENGTH";
    case NDIS_STATUS_INVALID_DATA:
        return "INVALID_DATA";
    case NDIS_STATUS_PAUSED:
        return "PAUSED";
    case NDIS_STATUS_REQUEST_ABORTED:
        return "REQUEST_ABORTED";
    default:
        snprintf(buf, sizeof buf, "0x%08X", (unsigned)st);
        return buf;
    }
}

void lifecycle_print_finding(const vf_finding *f, void *arg)
{
    FILE *out = arg;
    fputs("  FINDING ", out);
    report_text_finding(out, f);
    fflush(out);
}

void lifecycle_log_line(const ndis_adapter *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stdout, "    %-10s ", a ? a->name : "");
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
}
