#!/usr/bin/env bash
# Records real series on this machine for scripts/changepoint-eval.sh, with known change points:
#   - 60 short load runs against the embedded target whose latency is raised by 25 % for runs 20-39
#     (p95, median and throughput of each run; change points at 20 and 40);
#   - 40 back-to-back runs of three benchmarks of build/perfval-bench (the run means; no change point:
#     run-to-run noise of a shared machine only).
#   scripts/changepoint-series.sh OUT_DIR      (writes OUT_DIR/*.csv and OUT_DIR/annotations.json)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/changepoint-series.sh OUT_DIR}
build_dir=${PERFVAL_BUILD_DIR:-build}
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval perfval-bench >/dev/null
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Appends "value" lines of a summary's p95, median and rate to three files.
summary_values() {
  node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).metrics;
           console.log([s.http_req_duration["p(95)"], s.http_req_duration.med, s.http_reqs.rate].join(" "))' "$1"
}

for f in load_p95 load_median load_rps; do echo value > "$out/$f.csv"; done
for run in $(seq 0 59); do
  if [ "$run" -ge 20 ] && [ "$run" -lt 40 ]; then latency=lognormal:5ms/15ms; else latency=lognormal:4ms/12ms; fi
  cat > "$work/load.yaml" <<EOF
name: changepoint-series
target:
  embedded: {nodes: 200, latency: "$latency", seed: $run}
requests:
  - {name: health, method: GET, path: /health}
executor: constant-vus
vus: 4
duration: 2s
EOF
  "$build_dir/perfval" run "$work/load.yaml" --quiet --out "$work/run" >/dev/null
  read -r p95 med rps < <(summary_values "$work/run/summary.json")
  echo "$p95" >> "$out/load_p95.csv"; echo "$med" >> "$out/load_median.csv"; echo "$rps" >> "$out/load_rps.csv"
done

benches='cpu/metric_render/1000 memory/json_serialize/nodes/1000 cpu/metric_parse/1000'
for b in $benches; do echo value > "$out/bench_${b//\//_}.csv"; done
for run in $(seq 1 40); do
  "$build_dir/perfval-bench" --benchmark_filter="^($(echo "$benches" | tr ' ' '|'))\$" --benchmark_repetitions=3 \
    --benchmark_min_time=0.1 --benchmark_format=json > "$work/bench.json" 2>/dev/null
  for b in $benches; do
    node -e 'const rows = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).benchmarks
               .filter((r) => r.run_name === process.argv[2] && r.run_type === "iteration");
             console.log(rows.reduce((a, r) => a + r.real_time, 0) / rows.length)' "$work/bench.json" "$b" \
      >> "$out/bench_${b//\//_}.csv"
  done
done

node -e 'const [out, ...benches] = process.argv.slice(1); const a = {};
  for (const m of ["load_p95", "load_median", "load_rps"]) a[m] = {planted: [20, 40]};
  for (const b of benches) a["bench_" + b.replace(/\//g, "_")] = {planted: []};
  require("fs").writeFileSync(out + "/annotations.json", JSON.stringify(a, null, 1) + "\n")' "$out" $benches
echo "wrote $(ls "$out"/*.csv | wc -l) series to $out (machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
