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

# 3. A driver tree with WPP tracing, built with find_package(ndishost) + ndishost_add_miniport:
#    from the build tree's package config, then from the installed one. The fixture's trace call
#    must have evaluated its arguments (initialize fails otherwise) and formatted %I64x.
gen=()
command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
check_wpp_driver() { # DRIVER.so NDISHOST LABEL
    "$2" run "$1" --adapters 2 -q >"$tmp/wpp_run.txt" 2>&1 || true
    grep -q "^verdict: clean" "$tmp/wpp_run.txt" || { cat "$tmp/wpp_run.txt"; echo "$3: not clean"; exit 1; }
    "$2" run "$1" --adapters 1 -q -v -v >"$tmp/wpp_log.txt" 2>&1 || true
    grep -q 'TRACE_LEVEL_VERBOSE TRACE_INIT: fixture trace 1122334455667788 count 1$' "$tmp/wpp_log.txt" ||
        { grep '^\[driver\]' "$tmp/wpp_log.txt" | head; echo "$3: WPP trace line missing"; exit 1; }
    grep -q 'TRACE_LEVEL_INFORMATION TRACE_INIT: FixtureDriverEntry: NDIS 6.30$' "$tmp/wpp_log.txt" ||
        { grep '^\[driver\]' "$tmp/wpp_log.txt" | head; echo "$3: %!FUNC! not expanded"; exit 1; }
}
cmake -S "$src/tests/packaging/wpp_driver" -B "$tmp/wpp-build" "${gen[@]}" -Dndishost_DIR="$build/cmake" \
    -DZOO_DIR="$src/drivers/zoo" >"$tmp/wpp-build.log" 2>&1 || { cat "$tmp/wpp-build.log"; exit 1; }
cmake --build "$tmp/wpp-build" >>"$tmp/wpp-build.log" 2>&1 || { cat "$tmp/wpp-build.log"; exit 1; }
check_wpp_driver "$tmp/wpp-build/wpp_driver.so" "$build/bin/ndishost" "CMake package (build tree)"

cmake -S "$src/tests/packaging/wpp_driver" -B "$tmp/wpp-installed" "${gen[@]}" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DZOO_DIR="$src/drivers/zoo" >"$tmp/wpp-installed.log" 2>&1 || { cat "$tmp/wpp-installed.log"; exit 1; }
grep -q "ndishost_DIR:PATH=$tmp/prefix" "$tmp/wpp-installed/CMakeCache.txt" ||
    { echo "the installed package was not the one found"; exit 1; }
cmake --build "$tmp/wpp-installed" >>"$tmp/wpp-installed.log" 2>&1 || { cat "$tmp/wpp-installed.log"; exit 1; }
check_wpp_driver "$tmp/wpp-installed/wpp_driver.so" "$tmp/prefix/bin/ndishost" "CMake package (installed)"

# 4. The same tree with make-style commands: ndishost-miniport.pc's flags and its wpp_script.
export PKG_CONFIG_PATH="$pc"
wpp=$(pkg-config --variable=wpp_script ndishost-miniport)
mkdir -p "$tmp/pc-wpp"
cmake -DOUTPUT="$tmp/pc-wpp/wpp_driver.tmh" -DFUNCTIONS="TraceEvents(LEVEL,FLAGS,MSG,...)" -P "$wpp"
cmake -DOUTPUT="$tmp/pc-wpp/checks.tmh" -DFUNCTIONS="TraceEvents(LEVEL,FLAGS,MSG,...)" \
    -DPROTOTYPES=FixtureCheckAdapter -P "$wpp"
d="$src/tests/packaging/wpp_driver"
flags="$(pkg-config --cflags ndishost-miniport) -DNDIS630_MINIPORT=1 -I$tmp/pc-wpp -I$src/drivers/zoo -fPIC"
{ cc $flags -c "$d/wpp_driver.c" -o "$tmp/pc-wpp/wpp_driver.o" &&
    cc $flags -DFixtureCheckAdapter=FixtureCheckAdapter_ndishost_proto -c "$d/checks.c" -o "$tmp/pc-wpp/checks.o" &&
    cc -shared "$tmp/pc-wpp/wpp_driver.o" "$tmp/pc-wpp/checks.o" -o "$tmp/wpp_pc.so" $(pkg-config --libs ndishost-miniport)
} 2>"$tmp/pc-wpp.log" || { cat "$tmp/pc-wpp.log"; echo "pkg-config build of the WPP fixture failed"; exit 1; }
check_wpp_driver "$tmp/wpp_pc.so" "$tmp/prefix/bin/ndishost" "pkg-config ndishost-miniport"
echo "out-of-tree builds: ok"
