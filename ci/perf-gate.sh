#!/usr/bin/env bash
# CI performance gate: a short load test against a target, then `perfval regress` against the baselines, and
# with --compare-with the benchmarks of the previous build and this one interleaved (`perfval compare`).
# The last line is exactly "✅ LOAD TEST PASSED" or "❌ LOAD TEST FAILED"; the exit code is 0 only on a pass.
# docs/ci-gate.md
set -uo pipefail

usage() {
  cat <<'USAGE'
usage: ci/perf-gate.sh --target URL [options]

  --target URL        the service to test (required; or env PERFVAL_TARGET)
  --scenario FILE     scenario file (default scenarios/baseline.yaml)
  --duration D        load-test length, e.g. 60s (default 60s)
  --vus N             override the scenario's VUs
  --baseline FILE     baselines for perfval regress (default baselines/performance-baselines.yaml;
                      "none" skips the regression step)
  --previous PATH     results of a previous run to compare with (e.g. the main branch's), optional
  --out DIR           where results and reports go (default perf-results): run/summary.json,
                      run/report.html, regress.md, regress.html
  --perfval BIN       the perfval binary (default: build/perfval of this checkout, else perfval on PATH)
  --compare-with BIN  the previous build's perfval (e.g. main's build/perfval): its benchmarks and this build's
                      run interleaved (A B B A ...) and a benchmark regression fails the gate
  --rounds N          A/B rounds for --compare-with before the first look (default 10)
  --max-rounds M      sequential A/B: go on (2N, 4N, ... rounds) while a benchmark is unsettled, up to M
                      (default 80, or N when N is larger; M = N for a fixed number of rounds)
  --bench-args ARGS   perfval bench arguments for --compare-with (default "--quick --category cpu --processes 1 --repetitions 5":
                      one process per side and round, the rounds are the samples)

exit codes: 0 passed, 99 a threshold, regression or SLA gate failed, 2 bad usage or input, other: perfval's
USAGE
}

root=$(cd "$(dirname "$0")/.." && pwd)
target=${PERFVAL_TARGET:-}
scenario="$root/scenarios/baseline.yaml"
duration=60s
vus=""
baseline="$root/baselines/performance-baselines.yaml"
previous=""
out=perf-results
perfval=""
compare_with=""
rounds=10
max_rounds=""
bench_args="--quick --category cpu --processes 1 --repetitions 5"

fail_usage() { echo "perf-gate: $*" >&2; echo "❌ LOAD TEST FAILED"; exit 2; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || fail_usage "option $1 needs a value (see --help)"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --target) need_value "$@"; target=$2; shift 2 ;;
    --scenario) need_value "$@"; scenario=$2; shift 2 ;;
    --duration) need_value "$@"; duration=$2; shift 2 ;;
    --vus) need_value "$@"; vus=$2; shift 2 ;;
    --baseline) need_value "$@"; baseline=$2; shift 2 ;;
    --previous) need_value "$@"; previous=$2; shift 2 ;;
    --out) need_value "$@"; out=$2; shift 2 ;;
    --perfval) need_value "$@"; perfval=$2; shift 2 ;;
    --compare-with) need_value "$@"; compare_with=$2; shift 2 ;;
    --rounds) need_value "$@"; rounds=$2; shift 2 ;;
    --max-rounds) need_value "$@"; max_rounds=$2; shift 2 ;;
    --bench-args) need_value "$@"; bench_args=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) fail_usage "unknown option \"$1\" (see --help)" ;;
  esac
done

if [ -z "$perfval" ]; then
  if [ -x "$root/build/perfval" ]; then perfval="$root/build/perfval"; else perfval=perfval; fi
fi
command -v "$perfval" >/dev/null 2>&1 || fail_usage "perfval binary \"$perfval\" not found (build it with scripts/build.sh perfval, or pass --perfval)"
[ -n "$target" ] || fail_usage "--target URL is required (or set PERFVAL_TARGET)"
[ -f "$scenario" ] || fail_usage "--scenario: $scenario: no such file"
if [ "$baseline" != none ] && [ ! -f "$baseline" ]; then fail_usage "--baseline: $baseline: no such file (use --baseline none to skip the regression step)"; fi
if [ -n "$previous" ] && [ ! -e "$previous" ]; then fail_usage "--previous: $previous: no such file or folder"; fi
if [ -n "$compare_with" ] && ! command -v "$compare_with" >/dev/null 2>&1; then
  fail_usage "--compare-with: $compare_with: no such executable"
fi
mkdir -p "$out" || fail_usage "--out: cannot create $out"

echo "perf-gate: load test $(basename "$scenario") for $duration against $target"
run_args=(run "$scenario" --target "$target" --duration "$duration" --out "$out/run" --quiet)
[ -z "$vus" ] || run_args+=(--vus "$vus")
"$perfval" "${run_args[@]}"
run_rc=$?
echo "perf-gate: perfval run exited $run_rc"

regress_rc=skipped
if [ "$baseline" = none ]; then
  echo "perf-gate: regression step skipped (--baseline none)"
elif [ "$run_rc" -ne 0 ] && [ ! -f "$out/run/summary.json" ]; then
  echo "perf-gate: no summary to judge; regression step skipped"
else
  echo "perf-gate: regression check against $baseline"
  compare=(--baseline "$baseline" --current "$out/run")
  [ -z "$previous" ] || compare+=(--previous "$previous")
  "$perfval" regress "${compare[@]}" --format markdown --report "$out/regress.md"
  regress_rc=$?
  # The same comparison as an HTML page with a trend chart per metric, next to run/report.html.
  "$perfval" regress "${compare[@]}" --format html --report "$out/regress.html" >/dev/null 2>&1 || true
  echo "perf-gate: perfval regress exited $regress_rc (reports: $out/regress.md, $out/regress.html)"
fi

compare_rc=skipped
if [ -n "$compare_with" ]; then
  # Both builds' benchmarks alternate on this machine, so the machine's own noise hits both (docs/ci-gate.md).
  # Sequential by default: 10 rounds settle a clear change, up to 80 for a close call (docs/ci-gate.md, step 3).
  if [ -z "$max_rounds" ]; then
    max_rounds=80
    if [[ "$rounds" =~ ^[0-9]+$ ]] && [ "$rounds" -gt 80 ]; then max_rounds=$rounds; fi
  fi
  echo "perf-gate: A/B benchmarks, $rounds rounds, up to $max_rounds: $compare_with (A) against $perfval (B)"
  "$perfval" compare --rounds "$rounds" --max-rounds "$max_rounds" --a "$compare_with bench $bench_args --out {out}" \
    --b "$perfval bench $bench_args --out {out}" --format markdown --report "$out/compare.md"
  compare_rc=$?
  echo "perf-gate: perfval compare exited $compare_rc (report: $out/compare.md)"
fi

# The gate's verdict: the run's exit code first (a failed threshold is the clearest reason), then regress's,
# then the A/B comparison's.
rc=$run_rc
if [ "$rc" -eq 0 ] && [ "$regress_rc" != skipped ]; then rc=$regress_rc; fi
if [ "$rc" -eq 0 ] && [ "$compare_rc" != skipped ]; then rc=$compare_rc; fi
echo "perf-gate: results in $out/ (run: $run_rc, regress: $regress_rc, compare: $compare_rc)"
if [ "$rc" -eq 0 ]; then
  echo "✅ LOAD TEST PASSED"
else
  echo "❌ LOAD TEST FAILED"
fi
exit "$rc"
