#!/usr/bin/env bash
# Where a push's time goes: perf samples of one target under the harness's load, by layer.
#   bash tests/load/profile.sh [brandbot|floor] [safe|plain] [seconds=10]
#   BRANDBOT_DLL=/tmp/before/src/BrandBot/bin/Release/net10.0/BrandBot.dll bash tests/load/profile.sh brandbot safe
# Run tests/load/run.sh once first (it writes the corpora and rules into $BRANDBOT_LOAD_DIR). The target
# runs pinned to core 0 with the .NET perf map on (DOTNET_PerfMapEnabled=1; W^X and ReadyToRun off so that
# every managed frame is jitted code perf can name) and Redis beside wrk on core 1,
# as in the harness; perf samples core 0's process for SECONDS after a 15 s warm-up and
# tests/load/perf-layers.py sums the self time of every sample into the layers of docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/sbin:/sbin"
source tests/load/target-settings.sh
target="${1:-brandbot}" mode="${2:-safe}" seconds="${3:-10}"
work="${BRANDBOT_LOAD_DIR:-/tmp/brandbot-load}"
rules=10000
corpus="$work/corpus-$mode-$rules.txt"
[ -f "$corpus" ] || { echo "no $corpus: run tests/load/run.sh first"; exit 2; }
command -v perf >/dev/null || { echo "perf is missing (Debian package linux-perf)"; exit 2; }

port=$((20000 + RANDOM % 20000))
redis_port=$((port + 1))
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

if [ "$target" = brandbot ]; then
  taskset -c 1 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  pids+=($!)
  settings="$work/profile-settings.json"
  write_target_settings "$settings" "$redis_port" "$work/rules-$rules.yaml"
  # BRANDBOT_DLL profiles another build (e.g. main's, to compare), as run.sh --baseline does.
  dll="${BRANDBOT_DLL:-src/BrandBot/bin/Release/net10.0/BrandBot.dll}"
  [ -n "${BRANDBOT_DLL:-}" ] || dotnet build -c Release --nologo -v q src/BrandBot >/dev/null
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 taskset -c 0 dotnet "$dll" --settings "$settings" --urls "http://127.0.0.1:$port" >/dev/null &
  pids+=($!)
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do sleep 0.2; done
else
  dotnet build -c Release --nologo -v q tests/load/Floor >/dev/null
  DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0 taskset -c 0 dotnet tests/load/Floor/bin/Release/net10.0/Floor.dll --urls "http://127.0.0.1:$port" >/dev/null &
  pids+=($!)
  until curl -fs -o /dev/null -X POST "http://127.0.0.1:$port/wechat/demo" 2>/dev/null; do sleep 0.2; done
fi
pid=${pids[-1]}

load() { CORPUS="$corpus" CORPUS_START="$1" taskset -c 1 wrk -t1 -c64 -d"$2"s --latency -s tests/load/corpus.lua "http://127.0.0.1:$port/"; }
load 0 15 >/dev/null
# CPU time (user + system, in clock ticks) of a process and its threads so far.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
load 200000 "$seconds" > "$work/profile-wrk.txt" &
wrk_pid=$!
sleep 1
wrk_real=$(pgrep -n -x wrk || echo "$wrk_pid")
before=("$(ticks "$pid")" "$(ticks "$wrk_real")" "$( [ "$target" = brandbot ] && ticks "${pids[0]}" || echo 0)")
recorded=$((seconds - 2))
perf record -F 999 -g -p "$pid" -o "$work/perf.data" -- sleep "$recorded" 2>/dev/null
after=("$(ticks "$pid")" "$(ticks "$wrk_real")" "$( [ "$target" = brandbot ] && ticks "${pids[0]}" || echo 0)")
wait "$wrk_pid"
grep -E "Requests/sec|99%" "$work/profile-wrk.txt"
hz=$(getconf CLK_TCK)
# Who was busy: a target below ~95% of its core while wrk (+ Redis) fill core 1 is limited by the load side.
awk -v t=$((after[0] - before[0])) -v w=$((after[1] - before[1])) -v r=$((after[2] - before[2])) -v hz="$hz" -v s="$recorded" \
  'BEGIN { printf "CPU over %d s: target %.0f%% of a core, wrk %.0f%%, redis %.0f%%\n", s, 100*t/hz/s, 100*w/hz/s, 100*r/hz/s }'
perf script -i "$work/perf.data" 2>/dev/null | RECORDED_SECONDS="$recorded" python3 tests/load/perf-layers.py "$work/profile-wrk.txt"
