#!/usr/bin/env bash
# Peak resident memory (VmHWM) with the large rule set, start-up and serving, over several fresh processes.
#   bash tests/load/memory.sh [runs=3] [seconds=25] [rules=100000]
#   BRANDBOT_DLL=/tmp/before/src/BrandBot/bin/Release/net10.0/BrandBot.dll bash tests/load/memory.sh   # another build
# Run tests/load/run.sh once first (it writes the corpus and the rules file into $BRANDBOT_LOAD_DIR). Each run
# starts a fresh Redis (core 1) and BrandBot (core 0) as the harness does, reads VmHWM when /readyz answers
# (start-up's peak: loading, validating, publishing and compiling the rules), then loads it with wrk from
# core 1 for SECONDS and reads VmHWM again (the peak while serving). docs/performance.md, "Memory with
# 100,000 rules", has the figures and what makes them.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/sbin:/sbin"
source tests/load/target-settings.sh
runs="${1:-3}" seconds="${2:-25}" rules="${3:-100000}"
work="${BRANDBOT_LOAD_DIR:-/tmp/brandbot-load}"
corpus="$work/corpus-safe-$rules.txt"
[ -f "$corpus" ] && [ -f "$work/rules-$rules.yaml" ] || { echo "no $corpus or rules-$rules.yaml: run tests/load/run.sh first"; exit 2; }
dll="${BRANDBOT_DLL:-src/BrandBot/bin/Release/net10.0/BrandBot.dll}"
[ -n "${BRANDBOT_DLL:-}" ] || dotnet build -c Release --nologo -v q src/BrandBot >/dev/null

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
mb() { awk -v k="$2:" '$1 == k { print int($2 / 1024) }' "/proc/$1/status"; }
worst=0
for run in $(seq "$runs"); do
  port=$((20000 + RANDOM % 20000)); redis_port=$((port + 1))
  taskset -c 1 redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no >/dev/null &
  redis_pid=$!
  settings="$work/memory-settings.json"
  write_target_settings "$settings" "$redis_port" "$work/rules-$rules.yaml"
  taskset -c 0 dotnet "$dll" --settings "$settings" --urls "http://127.0.0.1:$port" >/dev/null &
  pid=$!
  pids=("$redis_pid" "$pid")
  until curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
    grep -qs '^State:.*[ZX]' "/proc/$pid/status" || [ ! -d "/proc/$pid" ] && { echo "BrandBot stopped before /readyz"; exit 1; }
    sleep 0.2
  done
  ready=$(mb "$pid" VmHWM) ready_rss=$(mb "$pid" VmRSS)
  rps=$(CORPUS="$corpus" CORPUS_START=0 taskset -c 1 wrk -t1 -c64 -d"${seconds}"s -s tests/load/corpus.lua "http://127.0.0.1:$port/" | awk '/Requests\/sec/ { print int($2) }')
  peak=$(mb "$pid" VmHWM)
  echo "run $run: at /readyz peak $ready MB (resident $ready_rss MB); after ${seconds} s of load peak $peak MB, resident $(mb "$pid" VmRSS) MB, $rps req/s"
  [ "$peak" -gt "$worst" ] && worst=$peak
  kill "$pid" "$redis_pid"; wait "$pid" "$redis_pid" 2>/dev/null || true
done
echo "highest peak over $runs runs: $worst MB (target: < 300 MB)"
