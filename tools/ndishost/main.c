/* ndishost: command-line front end.
 *
 *   ndishost run [DRIVER.so] [options]   drive a miniport through the NDIS lifecycle
 *   ndishost sweep [DRIVER.so] [options] fail each fallible driver call in turn (docs/sweep.md)
 *   ndishost bridge [DRIVER.so] [options] attach each adapter to a Linux TAP interface (docs/bridge.md)
 *   ndishost rules [--json]              the verifier's rule table
 *
 * Exit status: 0 clean, 1 findings, 2 usage or input error (one line on stderr). */
#include <ndishost/ndishost.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "host/report.h"
#include "verifier/verifier.h"

static void usage(FILE *f)
{
    fputs("usage: ndishost run [DRIVER.so] [options]\n"
          "       ndishost sweep [DRIVER.so] [options]   (see 'ndishost sweep --help')\n"
          "       ndishost bridge [DRIVER.so|NAME] [options]   bind each adapter to a Linux TAP (docs/bridge.md)\n"
          "       ndishost rules [--json]\n"
          "       ndishost --version\n"
          "\n"
          "run: load a miniport (default: the built-in reference driver vnic) and drive it through\n"
          "DriverEntry, MiniportInitializeEx, MiniportRestart, traffic, MiniportPause, MiniportHaltEx\n"
          "and MiniportDriverUnload while the verifier checks the NDIS contract.\n"
          "\n"
          "  -a, --adapters N          adapters (default 2, 1..1024)\n"
          "  -c, --cycles N            initialize/halt cycles (default 1)\n"
          "      --restarts N          extra pause/restart/traffic rounds within each cycle (default 0)\n"
          "  -H, --halt-action NAME    disabled (default), deinitialized, powered-down, surprise-removed,\n"
          "                            failed, initialization-failed (halt right after initialize), stopped\n"
          "  -s, --scenario NAME       the PnP sequence around the halt (docs/scenarios.md): basic (default),\n"
          "                            disable, surprise-removal, stop-start, power-down, device-failure,\n"
          "                            init-failed, shutdown, bugcheck, halt-bugcheck; all: each in turn,\n"
          "                            each in its own child\n"
          "      --nic sim|none        a simulated NIC per adapter (default; docs/simnic-datasheet.md) or none\n"
          "                            (a virtual miniport gets no hardware resources)\n"
          "      --wire hub|loopback   what the simulated NICs are plugged into (default hub)\n"
          "  -p, --return-policy P     how the protocol returns received NBLs: immediate (default),\n"
          "                            delay:MS, at-pause, reverse, shuffle[:SEED], never\n"
          "  -n, --packets N           frames sent per adapter per cycle (default 64)\n"
          "      --frame-size BYTES    frame length, 60..1514 (default 128)\n"
          "  -r, --registry FILE       adapter registry (docs/registry-file.md); overrides the INF\n"
          "      --inf FILE.inf        the driver's INF: its AddReg values and Ndi\\params defaults are each\n"
          "                            adapter's registry (docs/inf.md)\n"
          "      --mac-seed N|off      each adapter gets NetworkAddress 02:.. distinct per adapter from seed N\n"
          "                            (default 0: 02:4e:48:00:00:00, :01, ...); off: none (docs/inf.md)\n"
          "  -j, --json FILE           write the JSON report (docs/json-report.md); - for stdout\n"
          "      --junit FILE          write a JUnit XML report (docs/reports.md)\n"
          "      --sarif FILE          write a SARIF 2.1.0 report (docs/reports.md)\n"
          "      --source-root DIR     SARIF paths relative to DIR (default: the current directory)\n"
          "  -w, --watchdog MS         how long a pending pause, restart, OID, send or a halt may take\n"
          "                            before the watchdog acts (default: 20000, OIDs 12000, sends 30000)\n"
          "  -v, --verbose             every lifecycle step of every cycle; twice: driver log too\n"
          "  -q, --no-progress         no progress line on long runs\n"
          "      --timeout MS          wall-clock limit of the whole run; a run still going then is a hang\n"
          "                            finding (default: 30 s plus what every NDIS watchdog could take)\n"
          "      --no-isolate          run in this process instead of a child (debugging; a crash or hang of\n"
          "                            the driver is then the host's)\n"
          "\n"
          "Exit status: 0 clean, 1 findings, 2 usage or input error.\n",
          f);
}

int cli_parse_uint(const char *opt, const char *s, unsigned min, unsigned max, unsigned *out)
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

/* The built-in reference driver: next to the executable in a build tree (build/bin ->
 * build/drivers), else where `cmake --install` put it. */
const char *cli_default_driver(void)
{
    static char path[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0)
    {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
        {
            *slash = '\0';
            snprintf(path, sizeof path, "%s/../drivers/vnic.so", exe);
            if (access(path, R_OK) == 0)
                return path;
            snprintf(path, sizeof path, "%s/" NDISHOST_RELATIVE_DRIVER_DIR "/vnic.so", exe);
            if (access(path, R_OK) == 0)
                return path;
        }
    }
    snprintf(path, sizeof path, "%s/vnic.so", NDISHOST_INSTALLED_DRIVER_DIR);
    if (access(path, R_OK) == 0)
        return path;
    snprintf(path, sizeof path, "%s/vnic.so", NDISHOST_BUILTIN_DRIVER_DIR);
    return path;
}

static int cmd_rules(int argc, char **argv)
{
    bool json = argc > 1 && !strcmp(argv[1], "--json");
    if (argc > 1 && !json)
    {
        fprintf(stderr, "ndishost: rules takes only --json\n");
        return NDISHOST_EXIT_USAGE;
    }
    if (json)
    {
        cJSON *arr = cJSON_CreateArray();
        for (size_t i = 0; i < vf_rule_count(); i++)
        {
            const vf_rule *r = vf_rule_at(i);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", r->id);
            cJSON_AddStringToObject(o, "severity", r->severity == VF_SEV_ERROR ? "error" : "warning");
            cJSON_AddStringToObject(o, "title", r->title);
            cJSON_AddStringToObject(o, "doc", r->doc);
            cJSON_AddBoolToObject(o, "checked", r->checked);
            cJSON_AddItemToArray(arr, o);
        }
        char *s = cJSON_Print(arr);
        puts(s);
        free(s);
        cJSON_Delete(arr);
        return 0;
    }
    size_t checked = 0;
    for (size_t i = 0; i < vf_rule_count(); i++)
    {
        const vf_rule *r = vf_rule_at(i);
        checked += r->checked;
        printf("%-6s %-7s %-8s %s\n", r->id, r->severity == VF_SEV_ERROR ? "error" : "warning",
               r->checked ? "checked" : "-", r->title);
    }
    printf("%zu rules, %zu checked\n", vf_rule_count(), checked);
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    ndishost_run_options o;
    ndishost_run_options_init(&o);
    o.progress = isatty(STDERR_FILENO);
    bool no_progress = false;
    bool isolate = true;
    unsigned timeout_ms = 0;
    enum
    {
        OPT_FRAME_SIZE = 1000,
        OPT_NO_ISOLATE,
        OPT_JUNIT,
        OPT_SARIF,
        OPT_SOURCE_ROOT,
        OPT_TIMEOUT,
        OPT_NIC,
        OPT_WIRE,
        OPT_RESTARTS,
        OPT_INF,
        OPT_MAC_SEED,
    };
    static const struct option longopts[] = {
        {"adapters", required_argument, NULL, 'a'},
        {"scenario", required_argument, NULL, 's'},
        {"nic", required_argument, NULL, OPT_NIC},
        {"wire", required_argument, NULL, OPT_WIRE},
        {"restarts", required_argument, NULL, OPT_RESTARTS},
        {"cycles", required_argument, NULL, 'c'},
        {"halt-action", required_argument, NULL, 'H'},
        {"return-policy", required_argument, NULL, 'p'},
        {"packets", required_argument, NULL, 'n'},
        {"frame-size", required_argument, NULL, OPT_FRAME_SIZE},
        {"registry", required_argument, NULL, 'r'},
        {"inf", required_argument, NULL, OPT_INF},
        {"mac-seed", required_argument, NULL, OPT_MAC_SEED},
        {"json", required_argument, NULL, 'j'},
        {"watchdog", required_argument, NULL, 'w'},
        {"verbose", no_argument, NULL, 'v'},
        {"no-progress", no_argument, NULL, 'q'},
        {"no-isolate", no_argument, NULL, OPT_NO_ISOLATE},
        {"junit", required_argument, NULL, OPT_JUNIT},
        {"sarif", required_argument, NULL, OPT_SARIF},
        {"source-root", required_argument, NULL, OPT_SOURCE_ROOT},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    opterr = 0; /* one line of our own for every bad option */
    while ((ch = getopt_long(argc, argv, ":a:c:H:p:n:r:j:w:s:vqh", longopts, NULL)) != -1)
    {
        switch (ch)
        {
        case 's':
            if (strcmp(optarg, "all") && ndishost_parse_scenario(optarg) < 0)
            {
                fprintf(stderr, "ndishost: unknown scenario '%s' (see ndishost --help)\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.scenario = optarg;
            break;
        case OPT_NIC:
            if (strcmp(optarg, "sim") && strcmp(optarg, "none"))
            {
                fprintf(stderr, "ndishost: --nic must be sim or none, not '%s'\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.nic = optarg;
            break;
        case OPT_RESTARTS:
            if (cli_parse_uint("--restarts", optarg, 0, 1000000, &o.restarts))
                return NDISHOST_EXIT_USAGE;
            break;
        case OPT_WIRE:
            if (strcmp(optarg, "hub") && strcmp(optarg, "loopback"))
            {
                fprintf(stderr, "ndishost: --wire must be hub or loopback, not '%s'\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            o.wire = optarg;
            break;
        case 'a':
            if (cli_parse_uint("--adapters", optarg, 1, 1024, &o.adapters))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'c':
            if (cli_parse_uint("--cycles", optarg, 1, 10000000, &o.cycles))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'H':
            o.halt_action = ndishost_parse_halt_action(optarg);
            if (o.halt_action < 0)
            {
                fprintf(stderr, "ndishost: unknown halt action '%s' (see ndishost --help)\n", optarg);
                return NDISHOST_EXIT_USAGE;
            }
            break;
        case 'p':
            o.return_policy = optarg;
            break;
        case 'n':
            if (cli_parse_uint("--packets", optarg, 0, 100000000, &o.packets))
                return NDISHOST_EXIT_USAGE;
            break;
        case OPT_FRAME_SIZE:
            if (cli_parse_uint("--frame-size", optarg, 60, 1514, &o.frame_len))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'r':
            o.registry = optarg;
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
        case OPT_JUNIT:
            o.junit_path = optarg;
            break;
        case OPT_SARIF:
            o.sarif_path = optarg;
            break;
        case OPT_SOURCE_ROOT:
            report_set_source_root(optarg);
            break;
        case 'w':
            if (cli_parse_uint("--watchdog", optarg, 1, 3600000, &o.watchdog_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'v':
            o.verbose++;
            break;
        case 'q':
            no_progress = true;
            break;
        case OPT_NO_ISOLATE:
            isolate = false;
            break;
        case OPT_TIMEOUT:
            if (cli_parse_uint("--timeout", optarg, 1, 2000000000u, &timeout_ms))
                return NDISHOST_EXIT_USAGE;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case ':':
            fprintf(stderr, "ndishost: option '%s' needs a value (see 'ndishost --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        default:
            fprintf(stderr, "ndishost: unknown option '%s' (see 'ndishost --help')\n", argv[optind - 1]);
            return NDISHOST_EXIT_USAGE;
        }
    }
    if (no_progress)
        o.progress = false;
    if (optind < argc)
        o.driver_path = argv[optind++];
    if (optind < argc)
    {
        fprintf(stderr, "ndishost: unexpected argument '%s'\n", argv[optind]);
        return NDISHOST_EXIT_USAGE;
    }
    if (!o.driver_path)
        o.driver_path = cli_default_driver();

    ndishost_run_result r;
    int rc = isolate ? ndishost_run_isolated(&o, timeout_ms, &r) : ndishost_run(&o, &r);
    if (rc == NDISHOST_EXIT_USAGE)
        fprintf(stderr, "ndishost: %s\n", r.error);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return cmd_run(argc, argv);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "rules"))
        return cmd_rules(argc - 1, argv + 1);
    if (!strcmp(cmd, "sweep"))
        return cmd_sweep(argc - 1, argv + 1);
    if (!strcmp(cmd, "bridge"))
        return cmd_bridge(argc - 1, argv + 1);
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V"))
    {
        printf("ndishost %s\n", ndishost_version());
        return 0;
    }
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help"))
    {
        usage(stdout);
        return 0;
    }
    if (cmd[0] == '-')
        return cmd_run(argc, argv);
    fprintf(stderr, "ndishost: unknown command '%s' (see 'ndishost --help')\n", cmd);
    return NDISHOST_EXIT_USAGE;
}
