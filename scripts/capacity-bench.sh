#!/usr/bin/env bash
# Capacity planning figures for docs/capacity.md: forecast accuracy vs predict_linear over synthetic families,
# analysis speed (5 metrics x 129,600 points) in-process, and `perfval capacity analyze` end to end on a CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_BUILD_DIR:-build}
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval perfval-bench >/dev/null

echo "== Google Benchmark: capacity/ (accuracy counters: mean abs. % error over the last day before a 30 d horizon)"
"$build_dir/perfval-bench" --benchmark_filter='^capacity/' --benchmark_format=console

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# 90 days at 1-minute resolution, five metrics with trends, daily/weekly cycles and noise.
awk 'BEGIN { srand(3); t0 = 1700000000; pi = 3.14159265358979
  print "timestamp,cpu,memory,cardinality,requests,storage"
  for (i = 0; i < 129600; i++) { d = i / 1440
    printf "%d,%.4f,%.4f,%.1f,%.3f,%.4f\n", t0 + i * 60, 30 + 0.4 * d + 8 * sin(2 * pi * d) + rand(),
      40 * exp(0.008 * d) + rand(), 10000 + 150 * d + 300 * sin(2 * pi * d / 7) + 10 * rand(),
      200 + 3 * d + 80 * sin(2 * pi * d) + 5 * rand(), 20 + 0.5 * d + 0.2 * rand() } }' > "$work/data.csv"
echo "== perfval capacity analyze end to end: 5 metrics x 129,600 points ($(du -h "$work/data.csv" | cut -f1) CSV), best of 5"
best=""
for _ in 1 2 3 4 5; do
  start=$(date +%s.%N)
  rc=0
  "$build_dir/perfval" capacity analyze --config baselines/capacity-planning.yaml --data "$work/data.csv" \
    --format json --out "$work/report.json" || rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 99 ] || { echo "perfval exited $rc" >&2; exit 1; }
  elapsed=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
  if [ -z "$best" ] || awk -v e="$elapsed" -v b="$best" 'BEGIN { exit !(e < b) }'; then best=$elapsed; fi
done
printf "best wall time: %.3f s (exit %d; load average %s)\n" "$best" "$rc" "$(cut -d' ' -f1-3 /proc/loadavg)"
