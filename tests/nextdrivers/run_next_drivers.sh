#!/usr/bin/env bash
# Wintun and tap-windows6 under ndishost: builds each driver whose checkout is given from untouched
# sources (tests/nextdrivers/project, through this build's CMake package), then runs it through
# `ndishost run` with virtual adapters (they are virtual miniports) in several scenarios and
# requires a clean verdict: DriverEntry, MiniportInitializeEx, restart, OIDs, traffic, pause,
# MiniportHaltEx and unload without a finding.
#
# Arguments: BUILD_DIR SOURCE_DIR NDISHOST_EXECUTABLE
# Environment: NDISHOST_WINTUN_DIR (a checkout of github.com/WireGuard/wintun), NDISHOST_TAPWIN_DIR
# (a checkout of github.com/OpenVPN/tap-windows6). Neither set: the test is skipped (exit 77).
set -uo pipefail
build=$1
src=$2
ndishost=$3

wintun=${NDISHOST_WINTUN_DIR:-}
tapwin=${NDISHOST_TAPWIN_DIR:-}
if [ -z "$wintun" ] && [ -z "$tapwin" ]; then
    echo "SKIPPED: neither NDISHOST_WINTUN_DIR nor NDISHOST_TAPWIN_DIR is set. Point them at checkouts of"
    echo "github.com/WireGuard/wintun and github.com/OpenVPN/tap-windows6 (scripts/next-drivers-extract.sh)."
    exit 77
fi
if [ -n "$wintun" ] && [ ! -f "$wintun/driver/wintun.c" ]; then
    echo "FAIL: NDISHOST_WINTUN_DIR=$wintun has no driver/wintun.c"
    exit 1
fi
if [ -n "$tapwin" ] && [ ! -f "$tapwin/src/tapdrvr.c" ]; then
    echo "FAIL: NDISHOST_TAPWIN_DIR=$tapwin has no src/tapdrvr.c"
    exit 1
fi

work="$build/tests/nextdrivers/work"
gen=()
command -v ninja >/dev/null 2>&1 && [ ! -f "$work/CMakeCache.txt" ] && gen=(-G Ninja)
if ! cmake -S "$src/tests/nextdrivers/project" -B "$work" "${gen[@]}" -Dndishost_DIR="$build/cmake" \
    -DWINTUN_DIR="$wintun" -DTAPWIN_DIR="$tapwin" -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$work.configure.log" 2>&1; then
    cat "$work.configure.log"
    echo "FAIL: configuring the project"
    exit 1
fi
if ! cmake --build "$work" --parallel 2 >"$work.build.log" 2>&1; then
    cat "$work.build.log"
    echo "FAIL: building the drivers"
    exit 1
fi

export NDISHOST_QUIET_DBGPRINT=1
# Under ThreadSanitizer the drivers are instrumented too: a race TSan finds in their code is printed
# but does not end the run; the verdict compared here is the verifier's (the host's own races fail
# the rest of the TSan suite).
export TSAN_OPTIONS="${TSAN_OPTIONS:+$TSAN_OPTIONS:}halt_on_error=0"
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { # check DRIVER WHAT ARGS...: a clean run
    local drv=$1 what=$2
    shift 2
    local json="$tmp/r.json"
    rm -f "$json"
    "$ndishost" run "$work/drivers/$drv.so" --nic none -q --json "$json" "$@" >"$tmp/out" 2>&1
    local rc=$?
    if [ $rc -eq 0 ] && grep -qE '"verdict":[[:space:]]*"clean"' "$json" 2>/dev/null; then
        echo "ok    $drv: $what"
    else
        echo "FAIL  $drv: $what (exit $rc)"
        grep -E 'FINDING|verdict|ndishost:' "$tmp/out" | head -20 | sed 's/^/      /'
        failures=$((failures + 1))
    fi
}
for drv in ${wintun:+wintun} ${tapwin:+tapwin}; do
    check "$drv" "2 adapters, traffic, pause, halt, unload" --adapters 2
    check "$drv" "3 cycles, returns shuffled" --adapters 2 --cycles 3 --return-policy shuffle:7
    check "$drv" "returns held until the pause" --adapters 1 --cycles 2 --return-policy at-pause
    check "$drv" "pause/restart within a cycle" --adapters 2 --restarts 2
    check "$drv" "halt right after initialize" --adapters 2 --scenario init-failed
    check "$drv" "stop and start" --adapters 2 --scenario stop-start
done
[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all clean"
