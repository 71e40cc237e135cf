#!/usr/bin/env bash
# ndishost developer entry point.
#   ./dev.sh run [ndishost run options]   build, then run the main job (vnic by default)
#   ./dev.sh test                         build and run the whole test suite (ctest)
#   ./dev.sh build                        build only (build/)
#   ./dev.sh sanitize address,undefined|thread   build in build-<san>/ and run the tests there
# Missing Debian packages are installed first (apt-get; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(build-essential cmake ninja-build pkg-config libcmocka-dev libinih-dev libcjson-dev libdw-dev libelf-dev
    libxml2-utils iproute2 iputils-ping iperf3)

install_missing() {
    local missing=()
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "dev.sh: installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build() { # build DIR [cmake args...]
    local dir=$1; shift
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc)"
}

cmd=${1:-run}
[ $# -gt 0 ] && shift
install_missing
case "$cmd" in
test | sanitize)
    # The JUnit and SARIF validators (npm packages) the report tests run; see tests/reports/.
    tests/reports/install-validators.sh ||
        echo "dev.sh: report validators not installed; report_validate_* will be skipped" >&2
    ;;
esac
case "$cmd" in
build) build build ;;
run)
    build build
    exec build/bin/ndishost run "$@"
    ;;
test)
    build build
    ctest --test-dir build --output-on-failure -j "$(nproc)" "$@"
    ;;
sanitize)
    san=${1:?"usage: ./dev.sh sanitize address,undefined|thread"}
    dir="build-${san//,/-}"
    build "$dir" -DNDISHOST_SANITIZE="$san" -DCMAKE_BUILD_TYPE=Debug
    shift
    ctest --test-dir "$dir" --output-on-failure -j "$(nproc)" "$@"
    ;;
*)
    echo "usage: ./dev.sh run [options] | test | build | sanitize SANITIZERS" >&2
    exit 2
    ;;
esac
