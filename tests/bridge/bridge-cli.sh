#!/usr/bin/env bash
# `ndishost bridge` on its own, each run inside a fresh, empty network namespace (unshare --net) so
# that its TAP interfaces see no other traffic than the kernel's own: the run ends by --duration and
# accounts for every NBL; --cycle-every pauses and restarts while it runs; the JSON report says
# "bridge"; bad options and a missing CAP_NET_ADMIN give exit status 2 and one line.
#   bridge-cli.sh NDISHOST VNIC.so      exit 0 passed, 1 failed, 77 skipped
set -uo pipefail
ndishost=$1
vnic=$2
fail=0
work=$(mktemp -d /tmp/bridge-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT

ok() { echo "  ok    $1"; }
bad() { echo "  FAIL  $1"; fail=1; }

"$ndishost" bridge --help >/dev/null 2>&1 || { echo "SKIPPED: $ndishost has no 'bridge' command yet"; exit 77; }

# Usage errors come before anything needs privileges.
for args in "--adapters 0" "--adapters 65" "--duration -1" "--return-policy sometimes" "--tap-prefix abcdefghijklmn" \
    "--mtu 20" "--bogus" "$vnic extra"; do
    out=$("$ndishost" bridge $args 2>"$work/err" >/dev/null)
    rc=$?
    lines=$(wc -l <"$work/err")
    [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && ok "bridge $args: exit 2, one line" || bad "bridge $args: exit $rc, $lines lines"
done

if [ "$(id -u)" -ne 0 ]; then
    "$ndishost" bridge "$vnic" --duration 1 >/dev/null 2>"$work/err"
    rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && ok "not root: exit 2, one line: $(cat "$work/err")" ||
        bad "not root: exit $rc"
    echo "SKIPPED: the remaining checks need root"
    exit $((fail ? 1 : 77))
fi
[ -c /dev/net/tun ] || { echo "SKIPPED: /dev/net/tun is missing"; exit $((fail ? 1 : 77)); }
command -v unshare >/dev/null || { echo "SKIPPED: unshare (util-linux) is missing"; exit $((fail ? 1 : 77)); }

# Without CAP_NET_ADMIN (an unprivileged user): one clear line, exit 2.
if command -v setpriv >/dev/null; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$ndishost" bridge "$vnic" --duration 1 >/dev/null 2>"$work/err"
    rc=$?
    if [ $rc -eq 2 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "CAP_NET_ADMIN" "$work/err"; then
        ok "without CAP_NET_ADMIN: exit 2: $(cat "$work/err")"
    else
        bad "without CAP_NET_ADMIN: exit $rc: $(cat "$work/err")"
    fi
fi

# A timed run with periodic pause/restart cycles, in an empty namespace.
unshare --net bash -c "ip link set lo up; exec \"$ndishost\" bridge \"$vnic\" --adapters 3 --tap-prefix cli \
    --duration 1.5 --cycle-every 0.25 --json \"$work/r.json\"" >"$work/out" 2>&1
rc=$?
[ $rc -eq 0 ] && ok "timed run with pause/restart cycles: exit 0" || { bad "timed run: exit $rc"; sed 's/^/  | /' "$work/out"; }
grep -q "^bridge: ready (3 of 3 adapters running)" "$work/out" && ok "3 adapters bound to cli0..cli2" || bad "not ready"
grep -q "^balance: ok" "$work/out" && ok "balance ok" || bad "balance"
grep -Eq "pause/restart cycle [3-9]" "$work/out" && ok "periodic cycles ran" || bad "no periodic cycles"
grep -q '"command":[[:space:]]*"bridge"' "$work/r.json" && ok "JSON report: command bridge" || bad "JSON command"
grep -q '"balanced":[[:space:]]*true' "$work/r.json" && ok "JSON report: balanced" || bad "JSON balanced"
grep -q '"ports":' "$work/r.json" && ok "JSON report: per-port counters" || bad "JSON ports"

# A holding return policy: what the bridge holds goes back at each pause.
unshare --net bash -c "exec \"$ndishost\" bridge \"$vnic\" --adapters 2 --tap-prefix cli --return-policy at-pause \
    --duration 1 --cycle-every 0.3" >"$work/out2" 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "^balance: ok" "$work/out2" && ok "return policy at-pause: exit 0, balance ok" ||
    { bad "at-pause: exit $rc"; sed 's/^/  | /' "$work/out2"; }

# SIGTERM ends the run cleanly.
unshare --net bash -c "exec \"$ndishost\" bridge \"$vnic\" --adapters 1 --tap-prefix cli" >"$work/out3" 2>&1 &
pid=$!
for _ in $(seq 100); do grep -q "^bridge: ready" "$work/out3" && break; sleep 0.05; done
kill -TERM $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && grep -q "stop requested" "$work/out3" && ok "SIGTERM: clean stop, exit 0" ||
    { bad "SIGTERM: exit $rc"; sed 's/^/  | /' "$work/out3"; }

[ $fail -eq 0 ] && echo "bridge-cli: PASSED" || echo "bridge-cli: FAILED"
exit $fail
