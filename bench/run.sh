#!/usr/bin/env bash
# Runs every benchmark of the suite against an existing build, prints a table and writes
# BUILD/bench/results.json. Builds nothing: configure and build first (docs/performance.md).
#
#   bench/run.sh [BUILD_DIR]            default: build
#   env: BENCH_SKIP_CALLGRIND=1, BENCH_SKIP_TAP=1, TAP_SECONDS, TAP_ROUNDS (bench/tap.sh)
#
# Benchmarks report numbers; nothing here passes or fails on a figure. Exit status 1 only when a
# benchmark itself failed (a run that was not clean, a missing binary).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
bin=$build/bench
out=$bin/results.json
for b in bench_datapath bench_halt bench_scale bench_lifecycle bench_interrupt bench_nic; do
    [ -x "$bin/$b" ] || { echo "run.sh: $bin/$b missing: build first (cmake --build $build)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/bench-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
status=0

run_json() { # run_json NAME CMD...: stdout's last line is the JSON object
    local name=$1
    shift
    echo "run.sh: $name ..." >&2
    if "$@" >"$work/$name.out" 2>"$work/$name.err"; then
        tail -1 "$work/$name.out" >"$work/$name.json"
    else
        echo "run.sh: $name failed:" >&2
        sed 's/^/  | /' "$work/$name.err" >&2
        echo null >"$work/$name.json"
        status=1
    fi
}

run_json datapath "$bin/bench_datapath" --json
run_json halt "$bin/bench_halt" --json
run_json scale "$bin/bench_scale" --json
run_json lifecycle "$bin/bench_lifecycle" --json
run_json interrupt "$bin/bench_interrupt" --json
run_json nic "$bin/bench_nic" --json

# ---- instructions per NBL: callgrind, two counts, the difference divided by the difference ------
# The difference cancels start-up and teardown (driver, adapter, pools), leaving the steady state.
cg_json="$work/callgrind.json"
if [ "${BENCH_SKIP_CALLGRIND:-0}" = 1 ]; then
    echo null >"$cg_json"
elif ! command -v valgrind >/dev/null 2>&1; then
    echo "run.sh: valgrind is not installed: instructions per NBL skipped" >&2
    echo null >"$cg_json"
else
    echo "run.sh: callgrind (instructions per NBL) ..." >&2
    ir() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin/bench_datapath" "$@" 2>&1 |
            awk '/refs:/ { gsub(",", "", $NF); print $NF }'
    }
    n1=64000
    n2=192000
    sep=""
    printf '{' >"$cg_json"
    for dir in rx tx; do
        for proto in edge bare; do
            for batch in 1 16 64; do
                for vf in on off; do
                    a=$(ir --one $dir --batch $batch --proto $proto --verifier $vf --count $n1)
                    b=$(ir --one $dir --batch $batch --proto $proto --verifier $vf --count $n2)
                    v=$(awk -v a="$a" -v b="$b" -v n=$((n2 - n1)) 'BEGIN { if (a && b) printf "%.1f", (b - a) / n; else print "null" }')
                    printf '%s"%s_%s_b%s_vf_%s_ir_per_nbl": %s' "$sep" $dir $proto $batch $vf "$v" >>"$cg_json"
                    sep=", "
                done
            done
        done
    done
    printf '}\n' >>"$cg_json"
fi

# ---- TAP forwarding (root and /dev/net/tun only) ----------------------------------------------
tap_json="$work/tap.json"
echo null >"$tap_json"
if [ "${BENCH_SKIP_TAP:-0}" = 1 ]; then
    echo "run.sh: TAP forwarding skipped (BENCH_SKIP_TAP=1)" >&2
else
    echo "run.sh: TAP forwarding ..." >&2
    "$here/tap.sh" "$build" "$tap_json" >"$work/tap.out" 2>&1
    rc=$?
    if [ $rc -eq 77 ]; then
        grep SKIPPED "$work/tap.out" >&2
        echo null >"$tap_json"
    elif [ $rc -ne 0 ]; then
        echo "run.sh: tap.sh failed:" >&2
        sed 's/^/  | /' "$work/tap.out" >&2
        echo null >"$tap_json"
        status=1
    fi
fi

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
{
    printf '{"machine": {"cpu": "%s", "vcpus": %s, "kernel": "%s", "date": "%s"},\n' "$cpu" "$(nproc)" \
        "$(uname -r)" "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    printf ' "datapath_nbl_per_s": %s,\n' "$(cat "$work/datapath.json")"
    printf ' "datapath_callgrind": %s,\n' "$(cat "$cg_json")"
    printf ' "halt_latency": %s,\n' "$(cat "$work/halt.json")"
    printf ' "scale": %s,\n' "$(cat "$work/scale.json")"
    printf ' "lifecycle": %s,\n' "$(cat "$work/lifecycle.json")"
    printf ' "interrupt": %s,\n' "$(cat "$work/interrupt.json")"
    printf ' "nic": %s,\n' "$(cat "$work/nic.json")"
    printf ' "tap_forwarding": %s}\n' "$(cat "$tap_json")"
} >"$out"

# ---- the table ----------------------------------------------------------------------------------
if command -v python3 >/dev/null 2>&1; then
    python3 - "$out" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
m = r["machine"]
print(f"\nndishost benchmarks ({m['cpu']}, {m['vcpus']} vCPUs, {m['date']})\n")
dp, cg = r["datapath_nbl_per_s"] or {}, r["datapath_callgrind"] or {}
print(f"{'data path (one thread)':24} {'M NBL/s on':>11} {'M NBL/s off':>12} {'Ir/NBL on':>10} {'Ir/NBL off':>11}")
for d in ("rx", "tx"):
    for p in ("edge", "bare"):
        for b in (1, 16, 64):
            k = f"{d}_{p}_b{b}"
            on, off = dp.get(f"{k}_vf_on_nbl_per_s"), dp.get(f"{k}_vf_off_nbl_per_s")
            ion, ioff = cg.get(f"{k}_vf_on_ir_per_nbl"), cg.get(f"{k}_vf_off_ir_per_nbl")
            f = lambda v, s=1e6: f"{v / s:.2f}" if isinstance(v, (int, float)) else "-"
            g = lambda v: f"{v:.0f}" if isinstance(v, (int, float)) else "-"
            print(f"  {k:22} {f(on):>11} {f(off):>12} {g(ion):>10} {g(ioff):>11}")
h = r["halt_latency"]
if h:
    print(f"\nhalt latency, 1000 NBLs held, last return -> (us)   median      p99")
    for k, t in (("halt_wait_to_wake", "halt-wait: halt's wait ends"), ("halt_wait_to_handler", "halt-wait: MiniportHaltEx returns"),
                 ("pause_halt_to_handler", "pause-halt: MiniportHaltEx returns"), ("pause_halt_to_host", "pause-halt: ndis_adapter_halt returns")):
        print(f"  {t:48} {h[k + '_us_median']:8.1f} {h[k + '_us_p99']:8.1f}")
s = r["scale"]
if s:
    print(f"\nscale: {s['adapters']} adapters: up {s['up_s'] * 1e3:.1f} ms, down {s['down_s'] * 1e3:.1f} ms, "
          f"{s['rss_kib_per_adapter']:.1f} KiB RSS per adapter")
l = r["lifecycle"]
if l:
    print("\nlifecycle (vnic):")
    for k, v in l.items():
        if k != "driver":
            print(f"  {k:40} {v:>12}")
i = r.get("interrupt")
if i:
    print(f"\ninterrupts via the simulated NIC (us)          median      p99")
    print(f"  {'ISR start -> DPC start':44} {i['isr_to_dpc_us_median']:8.1f} {i['isr_to_dpc_us_p99']:8.1f}")
    print(f"  {'line raised -> ISR start':44} {i['raise_to_isr_us_median']:8.1f} {i['raise_to_isr_us_p99']:8.1f}")
    print(f"  interrupts per second (one at a time): {i['interrupts_per_s']:.0f}")
n = r.get("nic")
if n:
    print(f"\nvnic over the simulated NIC, frames received per second ({n['frames_per_adapter']} frames per adapter)")
    for k in ("loopback_64", "loopback_1514", "hub_64", "hub_1514", "virtual_hub_64", "virtual_hub_1514"):
        print(f"  {k:36} {n[k + '_fps']:>12}")
t = r["tap_forwarding"]
if t:
    print("\nTAP forwarding (iperf3 UDP, median):  pkt/s 64B   Gbit/s 64B   pkt/s 1400B   Gbit/s 1400B")
    for k in ("tapfwd", "bridge", "bridge_vf_off"):
        print(f"  {k:36} {t[k + '_64_pps']:>9} {t[k + '_64_gbit_s']:>12.3f} {t[k + '_1400_pps']:>13} {t[k + '_1400_gbit_s']:>14.3f}")
    print(f"  bridge/tapfwd packets/s: 64B {t['ratio_64_pps']} (verifier off {t['ratio_64_pps_vf_off']}), 1400B {t['ratio_1400_pps']}")
else:
    print("\nTAP forwarding: skipped")
print()
EOF
else
    cat "$out"
fi
echo "run.sh: results in $out"
exit $status
