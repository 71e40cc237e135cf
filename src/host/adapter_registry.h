/* Each adapter's registry before the driver runs (docs/inf.md): the defaults of the driver's INF,
 * then a locally administered NetworkAddress and a NetCfgInstanceId distinct per adapter (seeded),
 * then the registry file's sections for that adapter over all of them. Shared by `run`, `sweep` and `bridge`. */
#ifndef NDISHOST_HOST_ADAPTER_REGISTRY_H
#define NDISHOST_HOST_ADAPTER_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndis/config.h"

/* The default seed: adapters get 02:4e:48:00:00:00, 02:4e:48:00:00:01, ... */
#define HOST_MAC_SEED_DEFAULT 0u

/* Parses a --mac-seed value: a number (decimal or 0x hexadecimal) or "off". NULL is the default
 * (seeding on, seed 0). 0, or -1 if malformed. */
int host_parse_mac_seed(const char *text, bool *enabled, uint64_t *seed);

/* The seeded address of adapter `index`: 02 (unicast, locally administered) and 40 bits that
 * differ for every index of one seed. */
void host_adapter_mac(uint64_t seed, unsigned index, uint8_t mac[6]);

/* The adapter's NetCfgInstanceId, "{XXXXXXXX-XXXX-4XXX-YXXX-XXXXXXXXXXXX}", distinct per index. */
void host_adapter_guid(uint64_t seed, unsigned index, char out[39]);

/* Fills adapter `index`'s store. `inf_path`, `registry_path` and `mac_seed` may be NULL. Returns 0,
 * or -1 with one line ("file:line: message" for a bad INF or registry file) in err; the store may
 * then hold part of the values and must not be used. */
int host_adapter_registry_load(ndis_config_store *s, const char *inf_path, const char *registry_path,
                               const char *mac_seed, unsigned index, char *err, size_t errlen);

#endif
