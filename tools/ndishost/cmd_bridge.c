/* `ndishost bridge`: each adapter of a miniport bound to a Linux TAP interface (docs/bridge.md).
 * main.c dispatches "bridge" here. */
#include <ndishost/ndishost.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host/bridge.h"

int cmd_bridge(int argc, char **argv);

static void bridge_usage(FILE *f)
{
    fputs("usage: ndishost bridge [DRIVER.so|NAME] [options]\n"
          "\n"
          "Binds each adapter of a miniport (default: the reference driver vnic; a bare NAME is looked up\n"
          "among the built-in drivers) to a Linux TAP interface <prefix><i>: frames Linux sends on the\n"
          "TAP become MiniportSendNetBufferLists calls, frames the miniport indicates are written to the\n"
          "TAP. Move the TAPs into network namespaces once the 'bridge: ready' line is printed. Needs\n"
          "CAP_NET_ADMIN (root).\n"
          "\n"
          "  -a, --adapters N          adapters and TAP interfaces (default 2, 1..64)\n"
          "  -t, --tap-prefix NAME     TAP interface names NAME0, NAME1, ... (default nh)\n"
          "  -p, --return-policy P     how received NBLs are returned: immediate (default), delay:MS,\n"
          "                            at-pause, reverse, shuffle[:SEED], never\n"
          "  -d, --duration S          stop after S seconds (default: at SIGINT or SIGTERM)\n"
          "      --cycle-every S       pause and restart every adapter every S seconds while traffic flows\n"
          "      --mtu BYTES           TAP MTU (default: the driver's maximum frame size, at most 1500)\n"
          "  -r, --registry FILE       adapter registry (docs/registry-file.md); overrides the INF\n"
          "      --inf FILE.inf        the driver's INF as the adapters' registry defaults (docs/inf.md)\n"
          "      --nic sim|none        a simulated NIC per adapter, all on one hub (default), or none\n"
          "      --mac-seed N|off      seeded NetworkAddress per adapter (default 0; docs/inf.md)\n"
          "  -j, --json FILE           write the JSON report (command \"bridge\"); - for stdout\n"
          "  -w, --watchdog MS         pause/restart/OID/halt watchdog (default: NDIS's)\n"
          "  -v, --verbose             every lifecycle step, pause/restart cycles included; twice: driver log\n"
          "\n"
          "SIGINT or SIGTERM ends the run (pause, halt, unload, report); SIGUSR1 pauses and restarts every\n"
          "adapter once while the traffic flows.\n"
          "\n"
          "Exit status: 0 clean and every NBL accounted for, 1 findings or NBLs unaccounted for,\n"
          "2 usage error, no /dev/net/tun, or no CAP_NET_ADMIN.\n",
          f);
}

static int parse_seconds(const char *opt, const char *s, uint64_t *ms)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v > 0) || v > 31536000.0)
    {
        fprintf(stderr, "ndishost: %s expects seconds (> 0), not '%s'\n", opt, s);
        return -1;
    }
    *ms = (uint64_t)(v * 1000.0 + 0.5);
    if (!*ms)
        *ms = 1;
    return 0;
}

static int parse_unsigned(const char *opt, const char *s, unsigned min, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || *s == '-' || v < min || v > max)
    {
        fprintf(stderr, "ndishost: %s expects a number from %u to %u, not '%s'\n", opt, min, max, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* A path as given; a bare name ("vnic") names a built-in driver: next to the executable in a build
 * tree (bin/../drivers), else where `cmake --install` put the drivers. */
static const char *resolve_driver(const char *arg, char *buf, size_t n)
{
    const char *name = arg ? arg : "vnic";
    if (arg && (strchr(arg, '/') || access(arg, R_OK) == 0))
        return arg;
    const char *suffix = strlen(name) > 3 && !strcmp(name + strlen(name) - 3, ".so") ? "" : ".so";
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0)
    {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
        {
            *slash = '\0';
            snprintf(buf, n, "%s/../drivers/%s%s", exe, name, suffix);
            if (access(buf, R_OK) == 0)
                return buf;
#ifdef NDISHOST_RELATIVE_DRIVER_DIR
            snprintf(buf, n, "%s/" NDISHOST_RELATIVE_DRIVER_DIR "/%s%s", exe, name, suffix);
            if (access(buf, R_OK) == 0)
                return buf;
#endif
        }
    }
#ifdef NDISHOST_INSTALLED_DRIVER_DIR
    snprintf(buf, n, "%s/%s%s", NDISHOST_INSTALLED_DRIVER_DIR, name, suffix);
    if (access(buf, R_OK) == 0)
        return buf;
#endif
#ifdef NDISHOST_BUILTIN_DRIVER_DIR
    snprintf(buf, n, "%s/%s%s", NDISHOST_BUILTIN_DRIVER_DIR, name, suffix);
    if (access(buf, R_OK) == 0)
        return buf;
#endif
    return arg ? arg : buf;
}

int cmd_bridge(int argc, char **argv)
{
    bridge_options o;
    bridge_options_init(&o);
    o.handle_signals = true;
    enum
    {
        OPT_CYCLE_EVERY = 1000,
        OPT_MTU,
        OPT_INF,
        OPT_NIC,
        OPT_MAC_SEED,
    };
    static const struct option longopts[] = {
        {"adapters", required_argument, NULL, 'a'},
        {"tap-prefix", required_argument, NULL, 't'},
        {"return-policy", required_argument, NULL, 'p'},
        {"duration", required_argument, NULL, 'd'},
        {"cycle-every", required_argument, NULL, OPT_CYCLE_EVERY},
        {"mtu", required_argument, NULL, OPT_MTU},
        {"registry", required_argument, NULL, 'r'},
        {"inf", required_argument, NULL, OPT_INF},
        {"nic", required_argument, NULL, OPT_NIC},
        {"mac-seed", required_argument, NULL, OPT_MAC_SEED},
        {"json", required_argument, NULL, 'j'},
        {"watchdog", required_argument, NULL, 'w'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    opterr = 0;
    while ((ch = getopt_long(argc, argv, ":a:t:p:d:r:j:w:vh", longopts, NULL)) != -1)
    {
        switch (ch)
        {
        case 'a':
            if (parse_unsigned("--adapters", optarg, 1, BRIDGE_MAX_ADAPTERS, &o.adapters))
                return NDISHOST_EXIT_USAGE;
            break;
        case 't':
            o.tap_prefix = optarg;
            break;
        case 'p':
            o.return_policy = optarg;
            break;
        case 'd':
            if (parse_seconds("--duration", optarg, &o.duration_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case OPT_CYCLE_EVERY:
            if (parse_seconds("--cycle-every", optarg, &o.cycle_every_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case OPT_MTU:
            if (parse_unsigned("--mtu", optarg, 68, 9000, &o.mtu))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'r':
            o.registry = optarg;
            break;
        case OPT_NIC:
            if (strcmp(optarg, "sim") && strcmp(optarg, "none"))
            {
                fprintf(stderr, "ndishost: --nic must be sim or none, not '%s'\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.nic = optarg;
            break;
        case OPT_INF:
            o.inf = optarg;
            break;
        case OPT_MAC_SEED:
            o.mac_seed = optarg;
            break;
        case 'j':
            o.json_path = optarg;
            break;
        case 'w':
            if (parse_unsigned("--watchdog", optarg, 1, 3600000, &o.watchdog_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'v':
            o.verbose++;
            break;
        case 'h':
            bridge_usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "ndishost: option '%s' needs a value (see 'ndishost bridge --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        default:
            fprintf(stderr, "ndishost: unknown option '%s' (see 'ndishost bridge --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        }
    }
    const char *arg = NULL;
    if (optind < argc)
        arg = argv[optind++];
    if (optind < argc)
    {
        fprintf(stderr, "ndishost: unexpected argument '%s'\n", argv[optind]);
        return NDISHOST_EXIT_USAGE;
    }
    char path[PATH_MAX];
    o.driver_path = resolve_driver(arg, path, sizeof path);

    bridge_result r;
    int rc = bridge_run(&o, &r);
    if (rc == NDISHOST_EXIT_USAGE)
        fprintf(stderr, "ndishost: %s\n", r.error);
    return rc;
}
