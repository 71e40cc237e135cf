#!/usr/bin/env bash
# Real traffic through a miniport: two network namespaces joined by two adapters of a hub-style
# driver (vnic), each adapter bound to a TAP interface by `ndishost bridge`.
#
#   nh-a: 10.77.0.1 on nh0 <-TAP-> adapter 0 -> vnic hub -> adapter 1 <-TAP-> nh1 10.77.0.2 :nh-b
#
# It pings across, runs iperf3 TCP and UDP across, pauses and restarts the adapters (SIGUSR1) while
# traffic flows, stops the bridge with SIGINT while traffic flows (pause and halt under load), and
# checks the bridge's verdict and NBL accounting. Then it measures a veth pair between the same
# namespaces for comparison. Everything stays on this machine: the addresses exist only inside the
# two private namespaces. Interfaces and namespaces are removed on exit, also when interrupted.
#
#   scripts/bridge-demo.sh [--ndishost PATH] [--driver PATH|NAME] [--quick] [--unique] [--no-veth]
#                          [--seconds S] [--json FILE]
#
# Exit status: 0 all checks passed, 1 a check failed, 77 skipped (not root, no /dev/net/tun, or ip,
# ping, iperf3 or timeout missing). docs/bridge.md.
set -uo pipefail

SKIP=77
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
ndishost=""
driver="vnic"
quick=0
unique=0
veth=1
secs=3
json=""

while [ $# -gt 0 ]; do
    case "$1" in
    --ndishost) ndishost=$2; shift 2 ;;
    --driver) driver=$2; shift 2 ;;
    --quick) quick=1; secs=2; shift ;;
    --unique) unique=1; shift ;;
    --no-veth) veth=0; shift ;;
    --seconds) secs=$2; shift 2 ;;
    --json) json=$2; shift 2 ;;
    -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bridge-demo: unknown argument '$1'" >&2; exit 2 ;;
    esac
done

skip() { echo "bridge-demo: SKIPPED: $*"; exit $SKIP; }
[ "$(id -u)" -eq 0 ] || skip "needs root (CAP_NET_ADMIN) for TAP interfaces and network namespaces"
[ -c /dev/net/tun ] || skip "/dev/net/tun is missing"
for tool in ip ping iperf3 timeout; do
    command -v $tool >/dev/null 2>&1 || skip "'$tool' is not installed (apt-get install iproute2 iputils-ping iperf3)"
done
ip netns list >/dev/null 2>&1 || skip "'ip netns' does not work here"

if [ -z "$ndishost" ]; then
    for c in "$root/build/bin/ndishost" "$(command -v ndishost 2>/dev/null)"; do
        [ -n "$c" ] && [ -x "$c" ] && { ndishost=$c; break; }
    done
fi
[ -n "$ndishost" ] && [ -x "$ndishost" ] || { echo "bridge-demo: no ndishost binary (use --ndishost)" >&2; exit 2; }
"$ndishost" bridge --help >/dev/null 2>&1 || skip "$ndishost has no 'bridge' command (not dispatched in tools/ndishost/main.c yet)"

tag=""
[ $unique -eq 1 ] && tag="$$"
nsa="nh-a${tag:+-$tag}"
nsb="nh-b${tag:+-$tag}"
pfx="nh${tag}"
tapa="${pfx}0"
tapb="${pfx}1"
vetha="${pfx}va"
vethb="${pfx}vb"
work=$(mktemp -d /tmp/bridge-demo.XXXXXX)
log="$work/bridge.log"
bridge_pid=""
failed=0

cleanup() {
    trap - EXIT INT TERM
    if [ -n "$bridge_pid" ] && kill -0 "$bridge_pid" 2>/dev/null; then
        kill -INT "$bridge_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$bridge_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$bridge_pid" 2>/dev/null
    fi
    # iperf3 servers and pings run inside the namespaces: end them before the namespaces go.
    for ns in "$nsa" "$nsb"; do
        pids=$(ip netns pids "$ns" 2>/dev/null)
        [ -n "$pids" ] && kill -KILL $pids 2>/dev/null
        ip netns del "$ns" 2>/dev/null
    done
    ip link del "$vetha" 2>/dev/null
    for dev in "$tapa" "$tapb"; do ip link del "$dev" 2>/dev/null; done
    rm -rf "$work"
}
interrupted=0
trap 'cleanup; [ $interrupted -eq 1 ] && exit 130; exit $((failed ? 1 : 0))' EXIT
trap 'echo "bridge-demo: interrupted"; interrupted=1; exit 130' INT TERM

check() { # check DESCRIPTION CONDITION-RESULT
    if [ "$2" -eq 0 ]; then echo "  ok    $1"; else echo "  FAIL  $1"; failed=1; fi
}

in_a() { ip netns exec "$nsa" "$@"; }
in_b() { ip netns exec "$nsb" "$@"; }

setup_ns() {
    for ns in "$nsa" "$nsb"; do
        ip netns del "$ns" 2>/dev/null
        ip netns add "$ns" || { echo "bridge-demo: cannot create namespace $ns" >&2; exit 1; }
        ip -n "$ns" link set lo up
        # No IPv6 chatter (router solicitations, DAD): the counters then show the test's traffic.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    done
}

addr_up() { # addr_up NS DEV ADDR
    ip -n "$1" addr add "$3/24" dev "$2" && ip -n "$1" link set "$2" up
}

# ping_rtt NAME COUNT INTERVAL: prints "min avg max loss%"
ping_stats() {
    local out
    out=$(in_a timeout 60 ping -q -c "$1" -i "$2" -W 1 "$3" 2>&1)
    local loss rtt
    loss=$(echo "$out" | sed -n 's/.* \([0-9.]*\)% packet loss.*/\1/p')
    rtt=$(echo "$out" | sed -n 's|.*= \([0-9.]*\)/\([0-9.]*\)/\([0-9.]*\)/.*|\1 \2 \3|p')
    echo "${rtt:-- - -} ${loss:-100}"
}

server_pid=""
start_server() { # start_server ADDR
    in_b timeout 120 iperf3 -s -B "$1" >"$work/iperf3-server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 50); do
        [ -n "$(in_b ss -Hltn "sport = :5201" 2>/dev/null)" ] && break
        sleep 0.1
    done
}
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""; }

# tcp ADDR SECONDS: prints receiver Gbit/s and retransmits
tcp_run() {
    local out
    out=$(in_a timeout $(($2 + 20)) iperf3 -c "$1" -t "$2" -f m 2>&1)
    echo "$out" >"$work/tcp.log"
    local rx retr
    rx=$(echo "$out" | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") print $(i - 1) }' | tail -1)
    retr=$(echo "$out" | awk '/sender/ { print $(NF - 1) }' | tail -1)
    if [ -n "$rx" ]; then awk -v m="$rx" -v r="${retr:-?}" 'BEGIN { printf "%.2f %s\n", m / 1000, r }'; else echo "- -"; fi
}

# udp ADDR SECONDS LEN: prints received packets/s, Mbit/s and loss%
udp_run() {
    local out
    out=$(in_a timeout $(($2 + 20)) iperf3 -c "$1" -u -b 0 -l "$3" -t "$2" -f m 2>&1)
    echo "$out" >"$work/udp.log"
    echo "$out" | awk -v len="$3" '/receiver/ {
        for (i = 1; i <= NF; i++) {
            if ($i == "sec" && !t) { split($(i - 1), iv, "-"); t = iv[2] - iv[1] }
            if ($i == "Mbits/sec") mb = $(i - 1)
            if ($i ~ /^[0-9]+\/[0-9]+$/) { split($i, lt, "/"); lost = lt[1]; total = lt[2] }
            if ($i ~ /^\(.*%\)$/) { pct = $i; gsub(/[()%]/, "", pct) }
        }
        if (t > 0) printf "%.0f %s %s\n", (total - lost) / t, mb, pct
    } END { if (!t) print "- - -" }' | tail -1
}

echo "bridge-demo: ndishost $ndishost, driver $driver, namespaces $nsa/$nsb, TAPs $tapa/$tapb"
setup_ns

# ---- the bridge ------------------------------------------------------------------------------------
bridge_json="$work/bridge.json"
"$ndishost" bridge "$driver" --adapters 2 --tap-prefix "$pfx" --duration 150 --json "$bridge_json" >"$log" 2>&1 &
bridge_pid=$!
ready=1
for _ in $(seq 100); do
    grep -q "^bridge: ready" "$log" && { ready=0; break; }
    kill -0 "$bridge_pid" 2>/dev/null || break
    sleep 0.1
done
if [ $ready -ne 0 ]; then
    echo "bridge-demo: the bridge did not come up:"; sed 's/^/  | /' "$log"; failed=1; exit 1
fi
ip link set "$tapa" netns "$nsa" && ip link set "$tapb" netns "$nsb" || { failed=1; exit 1; }
addr_up "$nsa" "$tapa" 10.77.0.1 && addr_up "$nsb" "$tapb" 10.77.0.2 || { failed=1; exit 1; }

echo "through the miniport ($driver, ndishost bridge):"
in_a timeout 10 ping -c 3 -i 0.2 -W 2 10.77.0.2 >"$work/ping0.log" 2>&1
check "ping 10.77.0.1 -> 10.77.0.2 through the driver" $?
read -r p_min p_avg p_max p_loss < <(ping_stats 200 0.005 10.77.0.2)
echo "        ping RTT min/avg/max $p_min/$p_avg/$p_max ms, loss $p_loss% (200 pings, 5 ms apart)"
[ "$p_avg" != "-" ]
check "ping RTT measured" $?

start_server 10.77.0.2
read -r tcp_g tcp_retr < <(tcp_run 10.77.0.2 "$secs")
echo "        iperf3 TCP ${secs} s: $tcp_g Gbit/s (retransmits $tcp_retr)"
[ "$tcp_g" != "-" ]
check "iperf3 TCP across the driver" $?
read -r udp_pps udp_mb udp_loss < <(udp_run 10.77.0.2 "$secs" 64)
echo "        iperf3 UDP ${secs} s, 64-byte datagrams, unlimited rate: $udp_pps packets/s received ($udp_mb Mbit/s, loss $udp_loss%)"
[ "$udp_pps" != "-" ]
check "iperf3 UDP across the driver" $?
read -r udpl_pps udpl_mb udpl_loss < <(udp_run 10.77.0.2 "$secs" 1400)
echo "        iperf3 UDP ${secs} s, 1400-byte datagrams: $udpl_pps packets/s received ($udpl_mb Mbit/s, loss $udpl_loss%)"

# ---- pause and restart while traffic flows ----------------------------------------------------------
cyc_secs=$((secs + 2))
in_a timeout $((cyc_secs + 20)) iperf3 -c 10.77.0.2 -t "$cyc_secs" -f m >"$work/tcp-cycles.log" 2>&1 &
ipf=$!
for k in 1 2 3; do
    sleep 0.5
    kill -USR1 "$bridge_pid"
done
wait "$ipf"
cyc_rc=$?
grep -q "pause/restart cycle 3 done" "$log"
check "3 pause/restart cycles while iperf3 TCP ran (SIGUSR1)" $?
[ $cyc_rc -eq 0 ]
check "iperf3 TCP survived the pause/restart cycles" $?
in_a timeout 10 ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null 2>&1
check "ping after the cycles" $?

# ---- pause and halt while traffic flows --------------------------------------------------------------
in_a timeout 30 ping -q -i 0.002 -W 1 10.77.0.2 >/dev/null 2>&1 &
flood=$!
in_a timeout 30 iperf3 -c 10.77.0.2 -u -b 200M -t 20 >/dev/null 2>&1 &
udpbg=$!
sleep 1
kill -INT "$bridge_pid"
bridge_rc=0
for _ in $(seq 600); do kill -0 "$bridge_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$bridge_pid" 2>/dev/null; then
    echo "bridge-demo: the bridge did not stop within 60 s of SIGINT"; bridge_rc=124
    kill -KILL "$bridge_pid" 2>/dev/null
fi
wait "$bridge_pid" 2>/dev/null
[ $bridge_rc -eq 0 ] && bridge_rc=$?
bridge_pid=""
kill "$flood" "$udpbg" 2>/dev/null
wait "$flood" "$udpbg" 2>/dev/null
stop_server
[ $bridge_rc -eq 0 ]
check "bridge stopped by SIGINT during traffic, exit status 0 (got $bridge_rc)" $?
grep -q "^balance: ok" "$log"
check "every indicated NBL returned once, every send completed once" $?
grep -q "^verdict: clean" "$log"
check "verifier verdict clean" $?
echo "        bridge report:"
sed -n '/^bridge counters:/,$p' "$log" | sed 's/^/        | /'
[ -n "$json" ] && cp "$bridge_json" "$json" 2>/dev/null

# ---- a veth pair between the same namespaces, for comparison ----------------------------------------
if [ $veth -eq 1 ]; then
    echo "through a veth pair (kernel only, for comparison):"
    ip link add "$vetha" netns "$nsa" type veth peer name "$vethb" netns "$nsb" &&
        addr_up "$nsa" "$vetha" 10.77.0.1 && addr_up "$nsb" "$vethb" 10.77.0.2
    check "veth pair set up" $?
    in_a timeout 10 ping -c 3 -i 0.2 -W 2 10.77.0.2 >/dev/null 2>&1
    check "ping through the veth pair" $?
    read -r v_min v_avg v_max v_loss < <(ping_stats 200 0.005 10.77.0.2)
    echo "        ping RTT min/avg/max $v_min/$v_avg/$v_max ms, loss $v_loss%"
    start_server 10.77.0.2
    read -r vtcp_g vtcp_retr < <(tcp_run 10.77.0.2 "$secs")
    echo "        iperf3 TCP ${secs} s: $vtcp_g Gbit/s (retransmits $vtcp_retr)"
    read -r vudp_pps vudp_mb vudp_loss < <(udp_run 10.77.0.2 "$secs" 64)
    echo "        iperf3 UDP ${secs} s, 64-byte datagrams: $vudp_pps packets/s received ($vudp_mb Mbit/s, loss $vudp_loss%)"
    stop_server
fi

echo
echo "summary                     miniport (ndishost bridge)    veth pair"
printf "  %-26s %-29s %s\n" "ping RTT avg (ms)" "$p_avg" "${v_avg:--}"
printf "  %-26s %-29s %s\n" "iperf3 TCP (Gbit/s)" "$tcp_g" "${vtcp_g:--}"
printf "  %-26s %-29s %s\n" "iperf3 UDP 64 B (pkt/s)" "$udp_pps" "${vudp_pps:--}"
echo
if [ $failed -eq 0 ]; then echo "bridge-demo: PASSED"; else echo "bridge-demo: FAILED"; fi
exit $failed
