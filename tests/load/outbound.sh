#!/usr/bin/env bash
# The outbound API's benchmark (docs/outbound-messages.md#load): accepted messages per second with Redis
# beside the floor measured in the same run, then 10,000 queued messages drained against the fake WeChat
# at 500 sends a second — none lost, none twice — with push latency idle and while draining.
#   bash tests/load/outbound.sh [SECONDS] [MESSAGES]        defaults 10 and 10000
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"
cd "$(dirname "$0")/../.."
command -v redis-server >/dev/null || { sudo apt-get update -qq && sudo apt-get install -y -qq redis-server; }
dotnet build tests/load/Floor -c Release -v q --nologo >/dev/null
dotnet build tests/load/Outbound -c Release -v q --nologo >/dev/null
taskset -c 1 dotnet tests/load/Outbound/bin/Release/net10.0/Outbound.dll "${1:-10}" "${2:-10000}"
