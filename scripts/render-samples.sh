#!/usr/bin/env bash
# Renders the sample HTML reports in docs/samples/ and their screenshots in docs/images/, so a reader of the
# README sees a report before running anything (docs/reports.md):
#   run-report       a 60 s open-model run against `perfval serve --stall 1s/10s` (a separate process on loopback)
#   regress-report   `perfval regress --history --noise-floor 5` over 14 short runs of the embedded target, the last 6 slower
#   capacity-report  `perfval capacity analyze` of a 60-day synthetic history (five metrics, one heading for its limit)
# Each page is opened in headless Chromium (scripts/report-snapshot.mjs): light and dark screenshots, and the
# script fails when the page logs an error or makes any request. Takes about 2 minutes.
#   scripts/render-samples.sh [OUT_DIR]     (default: docs; writes OUT_DIR/samples/*.html, OUT_DIR/images/*.png)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs}
build_dir=${PERFVAL_BUILD_DIR:-build}
scripts/install-deps.sh
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval >/dev/null
perfval=$PWD/$build_dir/perfval
mkdir -p "$out/samples" "$out/images"
work=$(mktemp -d)
serve_pid=""
cleanup() {
  if [ -n "$serve_pid" ]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Screenshots (light at 1280 px, dark at 1280 px) and a check that the page stayed inside the file.
snapshot() {
  local html=$1 name=$2
  node scripts/report-snapshot.mjs "$html" --png "$out/images/$name.png" >"$work/$name.json"
  node scripts/report-snapshot.mjs "$html" --png "$out/images/$name-dark.png" --dark >/dev/null
  node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const bad = [...r.console.filter((c) => c.type === "error"), ...r.exceptions, ...r.log.filter((l) => l.level === "error"), ...r.outside];
    console.log(`${process.argv[2]}: ${r.chartsDrawn} charts drawn, loaded in ${Math.round(r.timing.loadMs)} ms, ${bad.length} errors or requests`);
    if (bad.length) { console.error(JSON.stringify(bad, null, 2)); process.exit(1); }' "$work/$name.json" "$name"
}

echo "== run report: 60 s at 150 requests/s against perfval serve --stall 1s/10s"
"$perfval" serve --listen 127.0.0.1:0 --nodes 1000 --latency lognormal:4ms/15ms --stall 1s/10s --seed 11 \
  >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.out" && break; sleep 0.1; done
target=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$target" ] || { cat "$work/serve.err" >&2; exit 1; }
cat >"$work/stall.yaml" <<EOF
name: stall-sample
description: 150 requests/s (open model, at most 80 VUs) against perfval serve, which freezes every response for 1 s every 10 s
target: {base_url: "$target"}
requests:
  - {name: metrics, method: GET, path: /metrics, weight: 2}
  - {name: health, method: GET, path: /health, weight: 3}
  - {name: slurm_jobs, method: GET, path: /slurm/v0.0.44/jobs, weight: 1}
executor: constant-arrival-rate
rate: 150
timeUnit: 1s
duration: 60s
preAllocatedVUs: 20
maxVUs: 80
timeout: 5s
thresholds:
  http_req_duration: ["p(95)<250ms", "p(99)<1500ms"]
  "http_req_duration{name:health}": ["p(99)<1500ms"]
  http_req_failed: ["rate<0.01"]
  dropped_iterations: ["count<100"]
EOF
"$perfval" run "$work/stall.yaml" --quiet --out "$work/run" >"$work/run.txt" || true
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
cp "$work/run/report.html" "$out/samples/run-report.html"
snapshot "$out/samples/run-report.html" run-report
# The README shows the top of the page: verdict, key figures, thresholds, the latency chart.
node scripts/report-snapshot.mjs "$out/samples/run-report.html" --png "$out/images/run-report-top.png" --clip 0,1000 >/dev/null

echo "== regress report: 14 runs of 3 s against the embedded target, the last 6 with 50 % more latency"
for run in $(seq -w 1 14); do
  if [ "$run" -le 8 ]; then latency=lognormal:4ms/12ms; else latency=lognormal:6ms/18ms; fi
  cat >"$work/load.yaml" <<EOF
name: nightly
target:
  embedded: {nodes: 500, latency: "$latency", seed: $run}
requests:
  - {name: metrics, method: GET, path: /metrics}
executor: constant-vus
vus: 4
duration: 3s
EOF
  "$perfval" run "$work/load.yaml" --quiet --out "$work/history/2026-11-$run" >/dev/null
done
# The baselines are what the first run measured (perfval regress --update-baseline).
cat >"$work/baselines.yaml" <<'EOF'
sla: {tier: small}
response_time_p95: {metric: response_time_p95, baseline: 1, tolerance: 20%, unit: ms, source: {summary: http_req_duration, field: "p(95)"}}
response_time_median: {metric: response_time_median, baseline: 1, tolerance: 20%, unit: ms, source: {summary: http_req_duration, field: med}}
throughput: {metric: requests_per_second, baseline: 1, tolerance: 20%, unit: req/sec, source: {summary: http_reqs, field: rate}}
EOF
"$perfval" regress --baseline "$work/baselines.yaml" --current "$work/history/2026-11-01" --update-baseline >/dev/null
# The 14 runs are minutes apart on one machine, where whole runs differ by ~2 %: the floor for a quiet, dedicated
# runner (docs/regression.md). Under the default 20 % floor, the 50 % step is inconclusive against the baseline
# and the rows say that the history alone would tell.
"$perfval" regress --baseline "$work/baselines.yaml" --history "$work/history" --noise-floor 5 --format html \
  --report "$out/samples/regress-report.html" >"$work/regress.txt" || true
snapshot "$out/samples/regress-report.html" regress-report

echo "== capacity report: 60 days of synthetic history at 10-minute steps"
awk 'BEGIN { srand(5); t0 = 1759276800; pi = 3.14159265358979
  print "timestamp,cpu,memory,cardinality,requests,storage"
  for (i = 0; i < 8640; i++) { d = i / 144
    printf "%d,%.3f,%.3f,%.1f,%.2f,%.3f\n", t0 + i * 600, 35 + 0.55 * d + 7 * sin(2 * pi * d) + 2 * rand(),
      48 + 0.05 * d + 3 * sin(2 * pi * d) + rand(), 21000 + 160 * d + 400 * sin(2 * pi * d / 7) + 50 * rand(),
      320 + 2.5 * d + 120 * sin(2 * pi * (d - 0.3)) + 10 * rand(), 30 + 0.2 * d + 0.3 * rand() } }' >"$work/capacity.csv"
"$perfval" capacity analyze --config baselines/capacity-planning.yaml --data "$work/capacity.csv" --format html \
  --out "$out/samples/capacity-report.html" 2>"$work/capacity.err" || true
[ -s "$out/samples/capacity-report.html" ] || { cat "$work/capacity.err" >&2; exit 1; }
snapshot "$out/samples/capacity-report.html" capacity-report

ls -l "$out/samples" "$out/images"
