/* placeholder: being written */
#ifndef NDISHOST_DDK_NDIS_OBJECTHEADER_H
#define NDISHOST_DDK_NDIS_OBJECTHEADER_H
#endif
