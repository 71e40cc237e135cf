/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_MINIPORT_H
#define NDISHOST_DDK_NDIS_MINIPORT_H
#endif
