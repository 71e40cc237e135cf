#!/usr/bin/env bash
# Puts Microsoft's netvmini sample (network/ndis/netvmini of github.com/microsoft/Windows-driver-samples)
# into DEST, untouched, at a pinned commit, and prints the NDISHOST_NETVMINI_DIR to use.
#
#   scripts/netvmini-extract.sh DEST [SOURCE] [COMMIT]
#
# SOURCE: a local clone or bare mirror of Windows-driver-samples (extracted with git archive, no
# network), or a URL (default https://github.com/microsoft/Windows-driver-samples, fetched as a
# partial, sparse clone of that directory only). COMMIT defaults to the one docs/netvmini.md was
# written against. The sample is MS-PL licensed and stays outside the ndishost tree: DEST may not
# be inside it.
set -euo pipefail

dest=${1:?usage: $0 DEST [SOURCE] [COMMIT]}
source=${2:-https://github.com/microsoft/Windows-driver-samples}
commit=${3:-26a27df80772dbcfd69e6449b671d5c29eb5aedc}
path=network/ndis/netvmini

here=$(cd "$(dirname "$0")/.." && pwd)
dest=$(realpath -m "$dest")
case "$dest/" in
"$here"/*)
    echo "$0: $dest is inside the ndishost tree; the sample must stay outside it" >&2
    exit 2
    ;;
esac
mkdir -p "$dest"

if [ -d "$source" ]; then
    gitdir=$source
    [ -d "$source/.git" ] && gitdir=$source/.git
    # Unrelated objects missing from a partial mirror make git archive complain; only the sample's
    # own files matter, checked below.
    git --git-dir="$gitdir" archive "$commit" "$path" 2>/dev/null | tar -x -C "$dest" || true
else
    work="$dest/.netvmini-clone"
    rm -rf "$work"
    git clone --quiet --filter=blob:none --sparse --no-checkout "$source" "$work"
    git -C "$work" sparse-checkout set "$path"
    git -C "$work" checkout --quiet "$commit"
    rm -rf "${dest:?}/$path"
    mkdir -p "$dest/$(dirname "$path")"
    mv "$work/$path" "$dest/$path"
    rm -rf "$work"
fi

six="$dest/$path/6x"
for f in adapter.c mphal.c netvmin6.h 60/netvmini60.inf; do
    [ -f "$six/$f" ] || { echo "$0: $six/$f is missing: not netvmini at $commit?" >&2; exit 1; }
done
echo "export NDISHOST_NETVMINI_DIR=$six"
