#!/usr/bin/env bash
# Puts the driver sources of Wintun (github.com/WireGuard/wintun) and tap-windows6
# (github.com/OpenVPN/tap-windows6) into DEST, untouched, at pinned commits, and prints the
# NDISHOST_WINTUN_DIR and NDISHOST_TAPWIN_DIR to use (docs/next-drivers.md).
#
#   scripts/next-drivers-extract.sh DEST WINTUN_SOURCE TAPWIN_SOURCE
#
# A SOURCE is a local clone or bare mirror (extracted with git archive, no network); an empty
# SOURCE skips that driver. Their code is under their own licences and stays outside the ndishost
# tree: DEST may not be inside it.
set -euo pipefail

dest=${1:?usage: $0 DEST WINTUN_SOURCE TAPWIN_SOURCE}
wintun_src=${2:-}
tapwin_src=${3:-}
wintun_commit=ec0a6b98456fe1ba52567bb2add4bbf5f64315a1
tapwin_commit=0cad8664c2a51832df61f2e1853b6da317d1c129

here=$(cd "$(dirname "$0")/.." && pwd)
dest=$(realpath -m "$dest")
case "$dest/" in
"$here"/*)
    echo "$0: $dest is inside the ndishost tree; the sources must stay outside it" >&2
    exit 2
    ;;
esac

extract() { # extract SOURCE COMMIT PATH... -> DEST/NAME
    local source=$1 commit=$2 name=$3
    shift 3
    local gitdir=$source
    [ -d "$source/.git" ] && gitdir=$source/.git
    mkdir -p "$dest/$name"
    git --git-dir="$gitdir" archive "$commit" "$@" | tar -x -C "$dest/$name"
}

if [ -n "$wintun_src" ]; then
    extract "$wintun_src" "$wintun_commit" wintun driver
    echo "NDISHOST_WINTUN_DIR=$dest/wintun"
fi
if [ -n "$tapwin_src" ]; then
    extract "$tapwin_src" "$tapwin_commit" tap-windows6 src
    echo "NDISHOST_TAPWIN_DIR=$dest/tap-windows6"
fi
