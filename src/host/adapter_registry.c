/* Adapter registries from the INF, the seeded MAC address and the registry file (see
 * adapter_registry.h). */
#include "host/adapter_registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ndis/inf.h"

int host_parse_mac_seed(const char *text, bool *enabled, uint64_t *seed)
{
    *enabled = true;
    *seed = HOST_MAC_SEED_DEFAULT;
    if (!text)
        return 0;
    if (!strcasecmp(text, "off") || !strcasecmp(text, "none"))
    {
        *enabled = false;
        return 0;
    }
    if (!*text || *text == '-' || *text == '+' || *text == ' ')
        return -1;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (*end)
        return -1;
    *seed = v;
    return 0;
}

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

void host_adapter_mac(uint64_t seed, unsigned index, uint8_t mac[6])
{
    /* Seed 0 reads well in logs ("NH"); other seeds spread over the 40 bits, so that runs with
     * different seeds (several ndishost processes on one bridge) rarely meet. */
    uint64_t base = seed == HOST_MAC_SEED_DEFAULT ? 0x4e48000000ull : splitmix64(seed);
    uint64_t v = (base + index) & 0xffffffffffull;
    mac[0] = 0x02;
    for (int i = 0; i < 5; i++)
        mac[1 + i] = (uint8_t)(v >> (8 * (4 - i)));
}

void host_adapter_guid(uint64_t seed, unsigned index, char out[39])
{
    uint64_t hi = splitmix64(seed ^ 0x4e4843464749ull), lo = splitmix64(hi + index + 1);
    /* A version-4 (random) GUID: 4 in the version nibble, 10xx in the variant bits. */
    hi = (hi & ~0xf000ull) | 0x4000ull;
    lo = (lo & 0x3fffffffffffffffull) | 0x8000000000000000ull;
    snprintf(out, 39, "{%08X-%04X-%04X-%04X-%012llX}", (unsigned)(hi >> 32), (unsigned)((hi >> 16) & 0xffff),
             (unsigned)(hi & 0xffff), (unsigned)(lo >> 48), (unsigned long long)(lo & 0xffffffffffffull));
}

int host_adapter_registry_load(ndis_config_store *s, const char *inf_path, const char *registry_path,
                               const char *mac_seed, unsigned index, char *err, size_t errlen)
{
    bool mac_on;
    uint64_t seed;
    if (host_parse_mac_seed(mac_seed, &mac_on, &seed) != 0)
    {
        snprintf(err, errlen, "--mac-seed expects a number (decimal or 0x hexadecimal) or 'off', not '%s'", mac_seed);
        return -1;
    }
    if (inf_path)
    {
        /* Parsed per adapter: an INF is a few kilobytes, and each store gets its own copy. */
        ndis_inf *inf = ndis_inf_load_file(inf_path, NULL, err, errlen);
        if (!inf)
            return -1;
        int rc = ndis_inf_apply(inf, s);
        ndis_inf_free(inf);
        if (rc != 0)
        {
            snprintf(err, errlen, "%s: out of memory", inf_path);
            return -1;
        }
    }
    /* Policy: the seeded address replaces a NetworkAddress from the INF (the same for every
     * adapter, so it cannot tell them apart) and yields to one from the registry file. */
    if (mac_on)
    {
        uint8_t mac[6];
        char text[13];
        host_adapter_mac(seed, index, mac);
        snprintf(text, sizeof text, "%02X%02X%02X%02X%02X%02X", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        if (ndis_config_set_sz(s, NULL, "NetworkAddress", text) != 0)
        {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    /* Policy: every adapter has the NetCfgInstanceId GUID Windows gives it at installation (some
     * drivers name their devices after it); distinct per adapter, derived from the seed. */
    char guid[40];
    host_adapter_guid(seed, index, guid);
    if (ndis_config_set_sz(s, NULL, "NetCfgInstanceId", guid) != 0)
    {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (registry_path && ndis_config_store_load_file(s, registry_path, index, err, errlen) != 0)
        return -1;
    return 0;
}
