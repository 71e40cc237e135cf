/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_NBL_H
#define NDISHOST_DDK_NDIS_NBL_H
#endif
