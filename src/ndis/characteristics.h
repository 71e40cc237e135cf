/* Validation and copy of NDIS_MINIPORT_DRIVER_CHARACTERISTICS (rule UL-03), as
 * NdisMRegisterMiniportDriver does before it accepts a driver. */
#ifndef NDISHOST_NDIS_CHARACTERISTICS_H
#define NDISHOST_NDIS_CHARACTERISTICS_H

#include <ndis.h>
#include <stddef.h>

/* Checks header, NDIS version and the required entry points. Returns NDIS_STATUS_SUCCESS,
 * NDIS_STATUS_BAD_VERSION (MajorNdisVersion/MinorNdisVersion) or NDIS_STATUS_BAD_CHARACTERISTICS
 * (everything else), and on failure writes a one-line reason naming the offending field into
 * `reason` (always NUL-terminated when n > 0). */
NDIS_STATUS ndis_validate_miniport_characteristics(const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *c, char *reason,
                                                   size_t n);

/* NDIS keeps its own copy, so the driver's structure may go away after registration. Only the
 * fields of the revision the driver declared are copied; later ones are zero in the copy. `src`
 * must have passed ndis_validate_miniport_characteristics. */
void ndis_copy_miniport_characteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS *dst,
                                        const NDIS_MINIPORT_DRIVER_CHARACTERISTICS *src);

/* Bytes of the structure that the declared revision covers (0 for an unknown revision). */
size_t ndis_miniport_characteristics_size_for_revision(UCHAR revision);

/* Whether 6.<minor> is an NDIS version this host knows (6.0, 6.1, 6.20 ... 6.89). */
int ndis_known_minor_version(UCHAR minor);

#endif
