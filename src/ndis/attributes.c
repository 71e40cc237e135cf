/* NdisMSetMiniportAttributes: registration first, general next, the others after (IN-02).
 * NDIS keeps deep copies: drivers pass structures (and the OID lists and capability blocks they
 * point to) from their own stack. */
#include <stdlib.h>
#include <string.h>

#include "ndis_internal.h"

/* The general attributes point at driver memory; copy what they point to into one block owned
 * by the adapter so the driver may reuse its buffers at once. */
static void copy_general(ndis_adapter *a, const NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES *g)
{
    size_t size = g->Header.Size < sizeof a->gen_attrs ? g->Header.Size : sizeof a->gen_attrs;
    memset(&a->gen_attrs, 0, sizeof a->gen_attrs);
    memcpy(&a->gen_attrs, g, size);
    free(a->gen_attrs_blobs);
    a->gen_attrs_blobs = NULL;

    size_t oid_bytes = g->SupportedOidList ? g->SupportedOidListLength : 0;
    size_t total = oid_bytes;
    char *blob = total ? malloc(total) : NULL;
    if (total && !blob)
        abort();
    if (oid_bytes)
    {
        memcpy(blob, g->SupportedOidList, oid_bytes);
        a->gen_attrs.SupportedOidList = (PNDIS_OID)blob;
    }
    /* Capability blocks (PowerManagementCapabilities(Ex), RecvScaleCapabilities) are consulted
     * only during this call; NDIS does not keep the driver's pointers. */
    a->gen_attrs.PowerManagementCapabilities = NULL;
    a->gen_attrs.RecvScaleCapabilities = NULL;
#if NDIS_SUPPORT_NDIS620
    a->gen_attrs.PowerManagementCapabilitiesEx = NULL;
#endif
    a->gen_attrs_blobs = blob;
}

NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes)
{
    void *site = VF_SITE();
    vf_check_irql_eq(PASSIVE_LEVEL, "NdisMSetMiniportAttributes", site);
    ndis_adapter *a = ndis_adapter_from_handle(NdisMiniportHandle, "NdisMSetMiniportAttributes", site);
    if (!a)
        return NDIS_STATUS_INVALID_PARAMETER;
    if (!MiniportAttributes)
    {
        vf_report("AP-02", a->owner, VF_CB_NONE, site, "NdisMSetMiniportAttributes called with NULL attributes");
        return NDIS_STATUS_INVALID_PARAMETER;
    }
    if (!a->in_initialize)
        vf_report("IN-02", a->owner, VF_CB_NONE, site,
                  "NdisMSetMiniportAttributes called outside MiniportInitializeEx (in %s)",
                  vf_callback_name(vf_current_callback()));

    const NDIS_OBJECT_HEADER *h = &MiniportAttributes->Header;
    switch (h->Type)
    {
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES:
    {
        const NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES *r = &MiniportAttributes->RegistrationAttributes;
        if (h->Revision < NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 ||
            h->Size < NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1)
        {
            vf_report("AP-02", a->owner, VF_CB_NONE, site,
                      "registration attributes with Revision %u Size %u (revision 1 needs %u bytes)", h->Revision,
                      h->Size, (unsigned)NDIS_SIZEOF_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1);
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        if (a->reg_attrs_set)
            vf_report("IN-02", a->owner, VF_CB_NONE, site, "registration attributes set a second time");
        memset(&a->reg_attrs, 0, sizeof a->reg_attrs);
        memcpy(&a->reg_attrs, r, h->Size < sizeof a->reg_attrs ? h->Size : sizeof a->reg_attrs);
        a->context = r->MiniportAdapterContext;
        a->reg_attrs_set = true;
        return NDIS_STATUS_SUCCESS;
    }
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES:
    {
        if (!a->reg_attrs_set)
        {
            vf_report("IN-02", a->owner, VF_CB_NONE, site, "general attributes set before the registration attributes");
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        if (h->Revision < NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1 ||
            h->Size < NDIS_SIZEOF_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_1)
        {
            vf_report("AP-02", a->owner, VF_CB_NONE, site, "general attributes with Revision %u Size %u", h->Revision,
                      h->Size);
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        const NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES *g = &MiniportAttributes->GeneralAttributes;
        if (g->MacAddressLength > NDIS_MAX_PHYS_ADDRESS_LENGTH)
        {
            vf_report("AP-02", a->owner, VF_CB_NONE, site, "general attributes with MacAddressLength %u",
                      g->MacAddressLength);
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        copy_general(a, g);
        a->gen_attrs_set = true;
        return NDIS_STATUS_SUCCESS;
    }
    default:
        /* Offload, hardware assist, 802.11 ...: accepted after the general attributes. */
        if (!a->reg_attrs_set || !a->gen_attrs_set)
        {
            vf_report("IN-02", a->owner, VF_CB_NONE, site,
                      "attributes of object type 0x%02X set before the %s attributes", h->Type,
                      !a->reg_attrs_set ? "registration" : "general");
            return NDIS_STATUS_INVALID_PARAMETER;
        }
        return NDIS_STATUS_SUCCESS;
    }
}
