#!/usr/bin/env bash
# Measurement (not a test): the load generator's resident memory over a long run, sampled every second from
# /proc, to show it does not grow with run length. Only 127.0.0.1 is ever targeted.
#   scripts/memory-soak.sh [SECONDS] [RATE] [NAMES]   open model: RATE req/s over NAMES request names against a
#                                                     local nginx (defaults: 90 s, 2000 req/s, 5 names)
#   scripts/memory-soak.sh endurance                  scenarios/endurance.yaml (50 VUs, 1 s think time, 60 min)
#                                                     against `perfval serve --nodes 1000`, sampling its resources
# Prints RSS at 5 s and 25 s and 5 s before the end, the growth between 25 s and then, and the peak (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ -z "${PERFVAL:-}" ]; then scripts/build.sh perfval >/dev/null; fi
perfval=${PERFVAL:-$PWD/build/perfval}
ulimit -n "$(ulimit -Hn)"

# watch PID FILE: "seconds rss_kib hwm_kib" once a second while PID lives.
watch_rss() {
  local start now
  start=$(date +%s.%N)
  while [ -r "/proc/$1/status" ]; do
    now=$(date +%s.%N)
    awk -v t="$(echo "$now - $start" | bc -l)" '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} END {if (r) printf "%.1f %d %d\n", t, r, h}' \
      "/proc/$1/status" >>"$2" 2>/dev/null || true
    sleep 1
  done
}

# report FILE SECONDS: RSS at 5 s, 25 s and SECONDS-5 s, growth, peak.
report() {
  awk -v end="$2" '
    function at(t,   i, best) { best = 1; for (i = 1; i <= n; i++) if (ts[i] <= t) best = i; return rss[best] / 1024 }
    {n++; ts[n] = $1; rss[n] = $2; hwm = $3}
    END {
      late = end - 5
      printf "  RSS at 5 s %.1f MiB, at 25 s %.1f MiB, at %.0f s %.1f MiB\n", at(5), at(25), late, at(late)
      printf "  growth from 25 s to %.0f s: %+.2f MiB (%+.1f KiB per minute)\n", late, at(late) - at(25), (at(late) - at(25)) * 1024 / ((late - 25) / 60)
      printf "  peak RSS (VmHWM): %.1f MiB\n", hwm / 1024
    }' "$1"
}

work=""
if [ "${1:-}" = "endurance" ]; then
  work=$(mktemp -d /tmp/perfval-soak.XXXXXX)
  "$perfval" serve --listen 127.0.0.1:0 --nodes 1000 --threads 1 >"$work/serve.out" 2>/dev/null &
  serve_pid=$!
  trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
  for _ in $(seq 100); do grep -q "listening on" "$work/serve.out" && break; sleep 0.1; done
  target=$(sed -n 's/^listening on //p' "$work/serve.out")
  secs=3600
  echo "scenarios/endurance.yaml (50 VUs, think time 1 s, 60 min) against perfval serve --nodes 1000 at $target"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$perfval" run scenarios/endurance.yaml --target "$target" --threads 2 --quiet --out "$work/out" >"$work/run.out" 2>&1 &
else
  secs=${1:-90}
  rate=${2:-2000}
  names=${3:-5}
  . scripts/local-nginx.sh
  {
    echo "name: memory-soak"
    echo "target: {base_url: \"http://127.0.0.1:$port\"}"
    echo "requests:"
    for i in $(seq "$names"); do echo "  - {name: r$i, path: \"/100b?r=$i\"}"; done
    echo "executor: constant-arrival-rate"
    echo "rate: $rate"
    echo "duration: ${secs}s"
    echo "preAllocatedVUs: 50"
    echo "maxVUs: 500"
  } >"$work/soak.yaml"
  echo "open model: $rate req/s over $names request names for ${secs}s against nginx at 127.0.0.1:$port"
  echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$perfval" run "$work/soak.yaml" --quiet --out "$work/out" >"$work/run.out" 2>&1 &
fi
run_pid=$!
: >"$work/rss"
watch_rss "$run_pid" "$work/rss" &
watcher=$!
status=0
wait "$run_pid" || status=$?
wait "$watcher" || true
echo "perfval run exited with $status; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -E "http_reqs\.|dropped_iterations|target_memory_bytes|target_cpu_cores|LOAD TEST" "$work/run.out" || true
report "$work/rss" "$secs"
