#!/usr/bin/env bash
# The one command that runs every test: bash tests/run-all.sh
# Installs what the tests need (Debian packages via apt-get when missing), builds, runs every test
# project against real servers the tests start themselves, and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the integration tests drive for real, as package:command. Installed only when
# missing. zbarimg reads the QR codes `account qr` draws; rsvg-convert rasterises its SVGs for it;
# chromium is the real browser the dashboard tests drive (Playwright launches it by path); promtool
# (package prometheus) checks and unit-tests the shipped alerts.
REQUIRED_PACKAGES=(redis-server:redis-server nginx:nginx zbar-tools:zbarimg librsvg2-bin:rsvg-convert chromium:chromium npm:npm prometheus:promtool)

ensure_packages() {
  local missing=()
  for entry in "${REQUIRED_PACKAGES[@]}"; do
    local package="${entry%%:*}" command="${entry##*:}"
    command -v "$command" >/dev/null 2>&1 || [ -x "/usr/sbin/$command" ] || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # A machine whose earlier install was cut off refuses every apt-get install until dpkg finishes
    # configuring; finishing it is what an operator would do by hand, and a no-op otherwise.
    DEBIAN_FRONTEND=noninteractive $sudo dpkg --configure -a
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The dashboard's front-end libraries ship vendored in src/BrandBot.Dashboard/wwwroot; npm ci fetches
# the pinned packages and each vendored file must be byte for byte the package's own.
check_vendored_libraries() {
  local vendor=src/BrandBot.Dashboard/vendor wwwroot=src/BrandBot.Dashboard/wwwroot pair
  (cd "$vendor" && npm ci --silent --no-audit --no-fund >/dev/null)
  for pair in \
    chart.js/dist/chart.umd.min.js:chart.umd.min.js \
    ace-builds/src-min-noconflict/ace.js:ace.js \
    ace-builds/src-min-noconflict/mode-yaml.js:mode-yaml.js \
    ace-builds/css/ace.css:ace.css \
    ace-builds/css/theme/textmate.css:textmate.css \
    ace-builds/LICENSE:ace-LICENSE.txt; do
    if ! cmp -s "$vendor/node_modules/${pair%%:*}" "$wwwroot/${pair##*:}"; then
      echo "$wwwroot/${pair##*:} differs from ${pair%%:*} in $vendor/package-lock.json"
      return 1
    fi
  done
}

# dpkg needs the sbin folders, and redis-server and nginx live there: a login without them still works.
export PATH="$PATH:/usr/sbin:/sbin"
ensure_packages
check_vendored_libraries

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
# The browser tests run after the rest: chromium beside the Redis Cluster and load-shaped tests on a
# small machine would make timing-sensitive tests flaky for no fault of theirs.
dotnet build BrandBot.sln -c Release --nologo -v q 2>&1 | tee "$log" || status=$?
if [ $status -eq 0 ]; then
  dotnet test BrandBot.sln -c Release --no-build --nologo --filter "FullyQualifiedName!~BrandBot.Dashboard.Tests" 2>&1 | tee -a "$log" || status=$?
  dotnet test tests/BrandBot.Dashboard.Tests -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=$?
  # The envelope's AES fallback (.NET's AES, used where the CPU has no AES instructions) proven too: the
  # protocol tests and the webhook's push tests once more with the instructions switched off
  # (AesCbcTests.Preferred_FollowsTheCpuAndTheRuntimeSwitches checks the switch took).
  for off in DOTNET_EnableAES DOTNET_EnableHWIntrinsic; do
    env "$off=0" dotnet test tests/BrandBot.Protocol.Tests -c Release --no-build --nologo 2>&1 | tee -a "$log" || status=$?
  done
  DOTNET_EnableAES=0 dotnet test tests/BrandBot.IntegrationTests -c Release --no-build --nologo --filter "FullyQualifiedName~Webhook.PushTests" 2>&1 | tee -a "$log" || status=$?
fi

# One closing line for CI, summed over the test projects.
awk '
  /(Passed|Failed)! +- +Failed:/ {
    for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") { gsub(",", "", $(i+1)); failed += $(i+1) }
      if ($i == "Passed:") { gsub(",", "", $(i+1)); passed += $(i+1) }
      if ($i == "Skipped:") { gsub(",", "", $(i+1)); skipped += $(i+1) }
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped; if (passed == 0) exit 1 }
' "$log" || status=1
exit $status
