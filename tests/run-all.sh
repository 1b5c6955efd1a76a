#!/usr/bin/env bash
# The one command that runs every test: bash tests/run-all.sh
# Installs what the tests need (Debian packages via apt-get when missing), builds, runs every test
# project against real servers the tests start themselves, and ends with "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the integration tests drive for real, as package:command. Installed only when
# missing. zbarimg reads the QR codes `account qr` draws; rsvg-convert rasterises its SVGs for it.
REQUIRED_PACKAGES=(redis-server:redis-server nginx:nginx zbar-tools:zbarimg librsvg2-bin:rsvg-convert)

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
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_packages
export PATH="$PATH:/usr/sbin"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test BrandBot.sln -c Release --nologo 2>&1 | tee "$log" || status=$?

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
