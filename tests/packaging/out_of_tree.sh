#!/usr/bin/env bash
# An out-of-tree driver build exactly as README documents it: pkg-config flags from the build
# tree, then from an installed tree (cmake --install into a scratch prefix), each driver then
# run by ndishost. Arguments: BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. From the build tree.
export PKG_CONFIG_PATH="$build/lib/pkgconfig"
cc $(pkg-config --cflags ndishost-ddk) -shared -fPIC "$src/drivers/vnic/vnic.c" -o "$tmp/vnic_build.so" \
    $(pkg-config --libs ndishost-ddk)
"$build/bin/ndishost" run "$tmp/vnic_build.so" --adapters 2 --cycles 2 -q >"$tmp/run1.txt"
grep -q "^verdict: clean" "$tmp/run1.txt"

# 2. From an installed tree: the .pc file is relocatable (paths relative to itself).
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
pc=$(dirname "$(find "$tmp/prefix" -name ndishost-ddk.pc | head -n 1)")
export PKG_CONFIG_PATH="$pc"
cc $(pkg-config --cflags ndishost-ddk) -shared -fPIC "$src/drivers/vnic/vnic.c" -o "$tmp/vnic_installed.so" \
    $(pkg-config --libs ndishost-ddk)
"$tmp/prefix/bin/ndishost" run "$tmp/vnic_installed.so" --adapters 2 -q >"$tmp/run2.txt"
grep -q "^verdict: clean" "$tmp/run2.txt"
# The installed CLI finds the installed reference driver by default.
"$tmp/prefix/bin/ndishost" run -q >"$tmp/run3.txt"
grep -q "^verdict: clean" "$tmp/run3.txt"
echo "out-of-tree builds: ok"
