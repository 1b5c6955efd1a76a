#!/usr/bin/env bash
# Reliability under faults and a soak, long form (docs/exactly-once.md, "Reliability"). The short form runs in tests/run-all.sh.
#   bash tests/reliability/run.sh [scenario seconds, default 60] [soak seconds, default 600]
# Needs redis-server and nginx (installed like tests/run-all.sh does); prints the results table.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

results=/tmp/brandbot-reliability/results.md
mkdir -p "$(dirname "$results")"
: > "$results"
export BRANDBOT_RELIABILITY_SECONDS="${1:-60}" BRANDBOT_SOAK_SECONDS="${2:-600}" BRANDBOT_RELIABILITY_RESULTS="$results"
dotnet test tests/BrandBot.IntegrationTests -c Release --filter "Category=Reliability" --logger "console;verbosity=normal" | grep -E "Passed |Failed |Error Message|^\s+#" || true

echo
echo "| fault | load held | requests | 5xx | late (> 5 s) | failed | wrong | duplicates | lost follows | p50 / p99 ms | notes |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
cat "$results"
