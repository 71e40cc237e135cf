/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_NBLAPI_H
#define NDISHOST_DDK_NDIS_NBLAPI_H
#endif
