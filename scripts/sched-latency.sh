#!/usr/bin/env bash
# Benchmark (not a test): what `perfval run --sched batch` does to measured latency. An open-model run at RATE
# requests/s against a local nginx, alternating normal and batch scheduling run by run, prints each run's
# achieved rate and corrected / uncorrected median and p99. With --hogs N, N busy loops (bounded by the run's
# length) share the cores meanwhile, as other pods on a busy node would. Only 127.0.0.1 is targeted.
#   scripts/sched-latency.sh [--hogs N] [RATE] [RUNS] [SECONDS] [THREADS]   defaults: 20000 3 5 2
#   NGINX_WORKERS=2 scripts/sched-latency.sh ...   nginx on both cores (docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
hogs=0
if [ "${1:-}" = "--hogs" ]; then hogs=${2:?usage: scripts/sched-latency.sh --hogs N ...}; shift 2; fi
rate=${1:-20000} runs=${2:-3} secs=${3:-5} threads=${4:-2}
scripts/install-deps.sh
if [ -z "${PERFVAL:-}" ]; then scripts/build.sh perfval >/dev/null; fi
perfval=${PERFVAL:-$PWD/build/perfval}
ulimit -n "$(ulimit -Hn)"
. scripts/local-nginx.sh
open_scenario "$work/open.yaml" nginx-open-sched "$rate" "$secs"
echo "machine: $(nproc) cores, $(uname -r); nginx ${NGINX_WORKERS:-1} worker(s); $rate req/s for ${secs}s, $threads threads; $hogs busy loop(s)"
printf '%-7s %8s %14s %14s %16s %16s\n' sched "req/s" "p50 corrected" "p99 corrected" "p50 uncorrected" "p99 uncorrected"
for _ in $(seq "$runs"); do
  for sched in normal batch; do
    for _ in $(seq "$hogs"); do timeout "$((secs + 3))" sh -c 'while :; do :; done' & done
    rm -rf "$work/o"
    "$perfval" run "$work/open.yaml" --threads "$threads" --sched "$sched" --quiet --out "$work/o" >/dev/null || true
    wait
    if [ ! -f "$work/o/summary.json" ]; then echo "$sched: the run wrote no summary"; continue; fi
    python3 - "$work/o/summary.json" "$sched" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
d, u = m["http_req_duration"], m["http_req_duration_uncorrected"]
print(f"{sys.argv[2]:7s} {m['http_reqs']['rate']:8.0f} {d['med']:11.3f} ms {d['p(99)']:11.3f} ms "
      f"{u['med']:13.3f} ms {u['p(99)']:13.3f} ms")
PY
  done
done
