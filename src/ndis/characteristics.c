/* UL-03: what NdisMRegisterMiniportDriver accepts as miniport driver characteristics. */
#include "characteristics.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static NDIS_STATUS reject(NDIS_STATUS st, char *reason, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static NDIS_STATUS reject(NDIS_STATUS st, char *reason, size_t n, const char *fmt, ...)
{
    if (reason && n)
    {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, n, fmt, ap);
        va_end(ap);
    }
    return st;
}

size_t ndis_miniport_characteristics_size_for_revision(UCHAR revision)
{
    switch (revision)
    {
    case NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1:
        return NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1;
    case NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2:
        return NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
    case NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3:
        return NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_3;
    default:
        return 0;
    }
}

/* Policy: the documented minor versions (0, 20, 30, 40, 50, 51, 60, 70, 80-83) plus NDIS 6.1
 * (minor 1, the NDIS61_MINIPORT build) and the later 6.84-6.89 releases. Anything else is a
 * version this host cannot vouch for, reported as NDIS_STATUS_BAD_VERSION. */
int ndis_known_minor_version(UCHAR minor)
{
    switch (minor)
    {
    case 0:
    case 1:
    case 20:
    case 30:
    case 40:
    case 50:
    case 51:
    case 60:
    case 70:
        return 1;
    default:
        return minor >= 80 && minor <= 89;
    }
}

NDIS_STATUS ndis_validate_miniport_characteristics(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c, char *reason,
                                                   size_t n)
{
    if (reason && n)
        reason[0] = '\0';
    if (!c)
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n, "MiniportDriverCharacteristics is NULL");

    /* Policy: the header is checked first; without a valid header no other field can be trusted.
     * Size may exceed the revision's size (drivers often write sizeof of the whole struct). */
    if (c->Header.Type != NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS)
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n,
                      "Header.Type is 0x%02x, expected NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS (0x%02x)",
                      c->Header.Type, NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS);
    size_t need = ndis_miniport_characteristics_size_for_revision(c->Header.Revision);
    if (need == 0)
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n,
                      "Header.Revision is %u; NDIS_MINIPORT_DRIVER_CHARACTERISTICS has revisions 1 to 3",
                      c->Header.Revision);
    if (c->Header.Size < need)
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n,
                      "Header.Size is %u, less than NDIS_SIZEOF_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_%u (%zu)",
                      c->Header.Size, c->Header.Revision, need);

    if (c->MajorNdisVersion != 6)
        return reject(NDIS_STATUS_BAD_VERSION, reason, n, "MajorNdisVersion is %u; an NDIS 6 miniport must declare 6",
                      c->MajorNdisVersion);
    if (!ndis_known_minor_version(c->MinorNdisVersion))
        return reject(NDIS_STATUS_BAD_VERSION, reason, n, "MinorNdisVersion %u is not a known NDIS 6.x version",
                      c->MinorNdisVersion);

    static const struct
    {
        size_t offset;
        const char *name;
    } required[] = {
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, InitializeHandlerEx), "InitializeHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, HaltHandlerEx), "HaltHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, UnloadHandler), "UnloadHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, PauseHandler), "PauseHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, RestartHandler), "RestartHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, OidRequestHandler), "OidRequestHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, SendNetBufferListsHandler), "SendNetBufferListsHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ReturnNetBufferListsHandler), "ReturnNetBufferListsHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelSendHandler), "CancelSendHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, DevicePnPEventNotifyHandler), "DevicePnPEventNotifyHandler"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, ShutdownHandlerEx), "ShutdownHandlerEx"},
        {offsetof(NDIS_MINIPORT_DRIVER_CHARACTERISTICS, CancelOidRequestHandler), "CancelOidRequestHandler"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
    {
        void *fn;
        memcpy(&fn, (const char *)c + required[i].offset, sizeof fn);
        if (!fn)
            return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n, "required handler %s is NULL", required[i].name);
    }

    if (c->CheckForHangHandlerEx && !c->ResetHandlerEx)
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n,
                      "CheckForHangHandlerEx is set but ResetHandlerEx is NULL (required together)");

    /* Revision 1 has no direct-OID fields: whatever lies there belongs to the driver. */
    if (c->Header.Revision >= NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 &&
        (!c->DirectOidRequestHandler) != (!c->CancelDirectOidRequestHandler))
        return reject(NDIS_STATUS_BAD_CHARACTERISTICS, reason, n, "%s is set but %s is NULL (both or neither)",
                      c->DirectOidRequestHandler ? "DirectOidRequestHandler" : "CancelDirectOidRequestHandler",
                      c->DirectOidRequestHandler ? "CancelDirectOidRequestHandler" : "DirectOidRequestHandler");
    return NDIS_STATUS_SUCCESS;
}

void ndis_copy_miniport_characteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS *dst,
                                        const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *src)
{
    size_t len = ndis_miniport_characteristics_size_for_revision(src->Header.Revision);
    if (len == 0 || len > sizeof *dst)
        len = sizeof *dst;
    memset(dst, 0, sizeof *dst);
    memcpy(dst, src, len);
}
