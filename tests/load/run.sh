#!/usr/bin/env bash
# The load harness in one command:  bash tests/load/run.sh [--seconds 15] [--repeats 3] [--warmup 30] [--connections 64] [--rules 10000] [--corpus 1500000]
# Installs wrk, redis-server and the peer (npm package "wechat") when missing, builds in Release,
# then measures the floor, BrandBot and node-webot side by side and prints one table.
set -euo pipefail
cd "$(dirname "$0")/../.."

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v taskset >/dev/null 2>&1 || need+=(util-linux)
command -v node >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

work="${BRANDBOT_LOAD_DIR:-/tmp/brandbot-load}"
mkdir -p "$work/peer"
if [ ! -d "$work/peer/node_modules/wechat" ]; then
  # No lock file is written: the peer is a measuring stick, not a dependency of the project.
  (cd "$work/peer" && npm install --no-save --no-package-lock --silent wechat@2.1.0 >/dev/null)
fi

dotnet build -c Release --nologo -v q src/BrandBot >/dev/null
dotnet build -c Release --nologo -v q tests/load/Floor >/dev/null
dotnet build -c Release --nologo -v q tests/load/Harness >/dev/null
dotnet tests/load/Harness/bin/Release/net10.0/Harness.dll --root . --work "$work" --peer-modules "$work/peer/node_modules" "$@"
