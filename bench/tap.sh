#!/usr/bin/env bash
# TAP forwarding benchmark: packets/s and Mbit/s through the miniport (`ndishost bridge`, vnic,
# two adapters on its hub) against the minimal C TAP-to-TAP forwarder bench_tapfwd, with the same
# traffic generator (iperf3 UDP at unlimited rate, 64- and 1400-byte datagrams) between two network
# namespaces, in the same run. Each forwarder is measured ROUNDS times, interleaved; the median is
# reported. The ratio bridge/tapfwd is the figure (issue goal: >= 0.8).
#
#   bench/tap.sh [BUILD_DIR] [JSON_OUT]       (env: TAP_SECONDS=3, TAP_ROUNDS=3)
#
# Exit status: 0 measured, 77 skipped (not root, no /dev/net/tun, or a tool missing), 1 failure.
# Interfaces and namespaces are removed on exit, also when interrupted.
set -uo pipefail

SKIP=77
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
json_out=${2:-}
secs=${TAP_SECONDS:-3}
rounds=${TAP_ROUNDS:-3}

skip() { echo "tap: SKIPPED: $*"; exit $SKIP; }
[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN) for TAP interfaces and network namespaces"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
for tool in ip iperf3 timeout awk; do
    command -v $tool >/dev/null 2>&1 || skip "'$tool' is not installed"
done
ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"
ndishost=$build/bin/ndishost
tapfwd=$build/bench/bench_tapfwd
[ -x "$ndishost" ] && [ -x "$tapfwd" ] || { echo "tap: $ndishost or $tapfwd missing (build first)" >&2; exit 1; }

nsa="nhb-a-$$"
nsb="nhb-b-$$"
pfx="nhb$$"
tapa="${pfx}0"
tapb="${pfx}1"
work=$(mktemp -d /tmp/bench-tap.XXXXXX)
fwd_pid=""

cleanup() {
    trap - EXIT INT TERM
    stop_fwd
    for ns in "$nsa" "$nsb"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    for dev in "$tapa" "$tapb"; do ip link del "$dev" 2>/dev/null; done
    rm -rf "$work"
}
stop_fwd() {
    if [ -n "$fwd_pid" ] && kill -0 "$fwd_pid" 2>/dev/null; then
        kill -INT "$fwd_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$fwd_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$fwd_pid" 2>/dev/null
    fi
    [ -n "$fwd_pid" ] && wait "$fwd_pid" 2>/dev/null
    fwd_pid=""
}
trap cleanup EXIT
trap 'echo "tap: interrupted"; exit 130' INT TERM

in_a() { ip netns exec "$nsa" "$@"; }
in_b() { ip netns exec "$nsb" "$@"; }

setup_ns() {
    for ns in "$nsa" "$nsb"; do
        ip netns del "$ns" 2>/dev/null
        ip netns add "$ns" || { echo "tap: cannot create namespace $ns" >&2; exit 1; }
        ip -n "$ns" link set lo up
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
}

# start_fwd KIND: starts the forwarder, waits for its ready line, moves the TAPs into the namespaces.
start_fwd() {
    local log="$work/fwd.log" ready="" 
    case "$1" in
    tapfwd) "$tapfwd" "$tapa" "$tapb" --duration 300 >"$log" 2>&1 & ready="^tapfwd: ready" ;;
    bridge) "$ndishost" bridge vnic --adapters 2 --tap-prefix "$pfx" --duration 300 >"$log" 2>&1 &
        ready="^bridge: ready" ;;
    bridge_vf_off) NDISHOST_VERIFIER=off "$ndishost" bridge vnic --adapters 2 --tap-prefix "$pfx" --duration 300 \
        >"$log" 2>&1 & ready="^bridge: ready" ;;
    esac
    fwd_pid=$!
    for _ in $(seq 100); do
        grep -q "$ready" "$log" && break
        kill -0 "$fwd_pid" 2>/dev/null || break
        sleep 0.1
    done
    grep -q "$ready" "$log" || { echo "tap: $1 did not come up:"; sed 's/^/  | /' "$log"; exit 1; }
    ip link set "$tapa" netns "$nsa" && ip link set "$tapb" netns "$nsb" || exit 1
    ip -n "$nsa" addr add 10.78.0.1/24 dev "$tapa" && ip -n "$nsa" link set "$tapa" up &&
        ip -n "$nsb" addr add 10.78.0.2/24 dev "$tapb" && ip -n "$nsb" link set "$tapb" up || exit 1
    # Resolve the neighbours first, so that the measurement sees only the UDP stream.
    in_a timeout 10 ping -c 2 -i 0.2 -W 2 10.78.0.2 >/dev/null 2>&1
}

# udp LEN: prints received packets/s and Mbit/s at the receiver
udp() {
    in_b timeout $((secs + 30)) iperf3 -s -1 -B 10.78.0.2 >"$work/server.log" 2>&1 &
    local spid=$!
    for _ in $(seq 50); do
        [ -n "$(in_b ss -Hlun "sport = :5201" 2>/dev/null)$(in_b ss -Hltn "sport = :5201" 2>/dev/null)" ] && break
        sleep 0.1
    done
    local out
    out=$(in_a timeout $((secs + 20)) iperf3 -c 10.78.0.2 -u -b 0 -l "$1" -t "$secs" -f m 2>&1)
    wait "$spid" 2>/dev/null
    echo "$out" | awk '/receiver/ {
        for (i = 1; i <= NF; i++) {
            if ($i == "sec" && !t) { split($(i - 1), iv, "-"); t = iv[2] - iv[1] }
            if ($i == "Mbits/sec") mb = $(i - 1)
            if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, lt, "/"); lost = lt[1]; total = lt[2] }
        }
        if (t > 0) printf "%.0f %s\n", (total - lost) / t, mb
    } END { if (!t) print "0 0" }' | tail -1
}

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print 0 }'; }

kinds="tapfwd bridge bridge_vf_off"
echo "tap: $rounds rounds of ${secs}-second iperf3 UDP runs per forwarder (namespaces $nsa/$nsb)"
for r in $(seq "$rounds"); do
    for k in $kinds; do
        setup_ns
        start_fwd "$k"
        for len in 64 1400; do
            read -r pps mb < <(udp "$len")
            echo "$pps" >>"$work/$k.$len.pps"
            echo "$mb" >>"$work/$k.$len.mb"
            echo "  round $r $k ${len}B: $pps packets/s, $mb Mbit/s"
        done
        stop_fwd
        if [ "$k" != tapfwd ] && ! grep -q "verdict.*clean\|clean" "$work/fwd.log"; then
            grep -i "finding\|verdict\|unaccounted" "$work/fwd.log" | head -5 | sed 's/^/  | /'
        fi
        for ns in "$nsa" "$nsb"; do ip netns del "$ns" 2>/dev/null; done
    done
done

printf "\n%-16s %14s %12s %14s %12s\n" "forwarder" "64B pkt/s" "64B Mbit/s" "1400B pkt/s" "1400B Mbit/s"
declare -A res
for k in $kinds; do
    for len in 64 1400; do
        res[$k.$len.pps]=$(median <"$work/$k.$len.pps")
        res[$k.$len.mb]=$(median <"$work/$k.$len.mb")
    done
    printf "%-16s %14s %12s %14s %12s\n" "$k" "${res[$k.64.pps]}" "${res[$k.64.mb]}" "${res[$k.1400.pps]}" \
        "${res[$k.1400.mb]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "null" }'; }
r64=$(ratio "${res[bridge.64.pps]}" "${res[tapfwd.64.pps]}")
r1400=$(ratio "${res[bridge.1400.pps]}" "${res[tapfwd.1400.pps]}")
r64o=$(ratio "${res[bridge_vf_off.64.pps]}" "${res[tapfwd.64.pps]}")
echo "bridge/tapfwd packets/s: 64B $r64 (verifier off: $r64o), 1400B $r1400"
if [ -n "$json_out" ]; then
    {
        printf '{"seconds": %s, "rounds": %s' "$secs" "$rounds"
        for k in $kinds; do
            for len in 64 1400; do
                printf ', "%s_%s_pps": %s, "%s_%s_gbit_s": %s' "$k" "$len" "${res[$k.$len.pps]}" "$k" "$len" \
                    "$(awk -v m="${res[$k.$len.mb]}" 'BEGIN { printf "%.3f", m / 1000 }')"
            done
        done
        printf ', "ratio_64_pps": %s, "ratio_64_pps_vf_off": %s, "ratio_1400_pps": %s}\n' "$r64" "$r64o" "$r1400"
    } >"$json_out"
fi
exit 0
