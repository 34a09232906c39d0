#!/usr/bin/env bash
# A measurement, not a test: how often the regression gate cries wolf on this machine's real run-to-run noise,
# and how often it finds real slowdowns, for the three ways to run it (docs/regression.md records the results).
#
#   scripts/gate-noise.sh [N] [--processes P] [--ab-rounds R] [--ab-max-rounds X] [--ab-comparisons M]
#                         [--ab-repetitions K] [--skip-ab] [--out DIR] [--reuse-runs]
#
# --reuse-runs judges the runs already in DIR/runs (of an earlier call with --out DIR) instead of measuring again.
# 1. N back-to-back `perfval bench --quick` runs of one build (N=21 gives 20 comparisons), each in P processes
#    (default: perfval bench's, for --quick 2 processes of 5 interleaved repetitions).
# 2. previous-run mode: run i against run i-1 (`perfval regress --baseline baselines/performance-baselines.yaml
#    --previous A --current B`, as a user would); planted: a copy of run i with 5 benchmarks (picked at random,
#    seeded by i) made 10 / 25 / 50 % slower in every repetition.
# 3. history mode: run i against the history of runs 1..i-1, for i > 10; planted as above.
# 4. A/B mode: `perfval compare` of `perfval bench --quick --category cpu` against itself M times, then against a
#    really slower build (PERFVAL_BENCH_EXTRA_WORK_PCT=10/25/50: 8 cpu benchmarks do that much more work); one
#    process of K repetitions (default 1) per side and round (--processes 1 --repetitions K): the rounds are the
#    samples, each side's location in a round the median of its K repetitions. With --ab-max-rounds X the
#    comparisons are sequential (perfval compare --max-rounds X): R rounds, doubled while a row is unsettled.
# Prints the false-alarm and detection rates, the machine (CPU, cores, load averages seen), and where the noise
# comes from (scripts/noise-anatomy.mjs). The A/B runs are kept in DIR/ab/ (perfval compare --out).
# Run time on 2 shared cores: N quick runs of 1.5-4 min each (2 processes x 5 repetitions), plus (M + 3) A/B comparisons of R rounds x 2 runs of
# the cpu category (~15-25 s each): with the defaults N=21, R=10, M=3 about 1.5 hours. With --ab-max-rounds X a
# comparison takes up to X rounds (80 rounds of 5 repetitions: about 11 minutes on a quiet 2-core machine).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

n=21 rounds=10 max_rounds="" ab_comparisons=3 ab_repetitions=1 skip_ab=0 out="" reuse=0 processes=()
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --ab-rounds) rounds=$2; shift 2 ;;
    --ab-max-rounds) max_rounds=$2; shift 2 ;;
    --processes) processes=(--processes "$2"); shift 2 ;;
    --ab-comparisons) ab_comparisons=$2; shift 2 ;;
    --ab-repetitions) ab_repetitions=$2; shift 2 ;;
    --skip-ab) skip_ab=1; shift ;;
    --reuse-runs) reuse=1; shift ;;
    --out) out=$2; shift 2 ;;
    [0-9]*) n=$1; shift ;;
    *) echo "gate-noise: unknown argument \"$1\" (see --help)" >&2; exit 2 ;;
  esac
done
[ "$n" -ge 3 ] || { echo "gate-noise: N must be at least 3" >&2; exit 2; }

[ "$reuse" -eq 0 ] || [ -n "$out" ] || { echo "gate-noise: --reuse-runs needs --out DIR" >&2; exit 2; }
scripts/install-deps.sh
# Keep the build directory's -Werror setting, so this does not reconfigure (and rebuild) a developer's build.
werror=$(sed -n 's/^PERFVAL_WERROR:[A-Z]*=//p' build/CMakeCache.txt 2>/dev/null)
PERFVAL_WERROR=${PERFVAL_WERROR:-${werror:-OFF}} scripts/build.sh perfval perfval-bench >/dev/null
out=${out:-$(mktemp -d /tmp/perfval-gate-noise.XXXXXX)}
mkdir -p "$out/runs" "$out/reports" "$out/bin"
# A copy of the binaries, so rebuilding the checkout meanwhile does not change what is measured.
cp build/perfval build/perfval-bench "$out/bin/"
perfval=$out/bin/perfval
baselines=$root/baselines/performance-baselines.yaml
echo "gate-noise: results in $out"

# --- 1. back-to-back runs ---------------------------------------------------------------------------------
for i in $(seq -w 1 "$n"); do
  [ "$reuse" -eq 0 ] || break
  mkdir -p "$out/runs/run-$i"
  cut -d' ' -f1 /proc/loadavg >"$out/runs/run-$i/load"
  start=$(date +%s)
  "$perfval" bench --quick "${processes[@]}" --out "$out/runs/run-$i/bench.json" >"$out/runs/run-$i/log" 2>&1
  echo "gate-noise: run $i/$n took $(( $(date +%s) - start )) s (load $(cat "$out/runs/run-$i/load"))"
done
runs=("$out"/runs/run-*)

# Benchmarks of a run (iteration rows, controls left out), and a copy with some of them slower.
names_of() { jq -r '[.benchmarks[] | select(.run_type == "iteration") | .run_name] | unique | .[]' "$1" | grep -v '^control/'; }
plant() {  # plant IN OUT FACTOR NAME...
  local in=$1 dest=$2 factor=$3; shift 3
  jq --argjson f "$factor" --args '
    ($ARGS.positional) as $names
    | .benchmarks |= map(if (.run_name as $n | any($names[]; . == $n)) then
        (if has("real_time") then .real_time *= $f else . end)
        | (if has("cpu_time") then .cpu_time *= $f else . end)
        | with_entries(if (.key | endswith("per_second")) and (.value | type) == "number" then .value /= $f else . end)
      else . end)' "$@" <"$in" >"$dest"
}
pick() { names_of "$1" | shuf -n 5 --random-source=<(yes "$2"); }  # 5 benchmarks, the same for the same seed

# Counts in a perfval regress/compare JSON report: regressed rows among NAMES and among the others.
count() {  # count REPORT NAME... -> "found others judged"
  local report=$1; shift
  jq -r --args '($ARGS.positional) as $p
    | [.metrics[] | select(.verdict == "regressed")] as $r
    | "\([$r[] | select(.name as $n | any($p[]; . == $n))] | length) \([$r[] | select(.name as $n | all($p[]; . != $n))] | length) \([.metrics[] | select(.verdict != "missing_data")] | length)"' \
    "$@" <"$report"
}

declare -A fa_cmp fa_rows judged found planted exact detectable
# The report's sensitivity: its median smallest detectable change, appended to the mode's list.
note_sensitivity() {  # note_sensitivity MODE REPORT
  local d
  d=$(jq -r '.sensitivity.median_detectable_change_pct // empty | . * 10 | round / 10' "$2" 2>/dev/null) || d=""
  [ -z "$d" ] || detectable[$1]+="$d "
}
median_of() {  # "median% (min-max%)" of a space-separated list
  tr ' ' '\n' | sed '/^$/d' | sort -g |
    awk '{v[NR] = $1} END { if (NR) print v[int((NR + 1) / 2)] "% (" v[1] "-" v[NR] "%)"; else print "-" }'
}
judge_mode() {  # judge_mode MODE I ARGS... (regress arguments choosing previous or history)
  local mode=$1 i=$2; shift 2
  local cur=${runs[$i]}/bench.json rep="$out/reports/$mode-$i"
  "$perfval" regress --baseline "$baselines" "$@" --current "$cur" --format json --report "$rep-same.json" >/dev/null 2>&1 || true
  read -r _ others rows < <(count "$rep-same.json")
  note_sensitivity "$mode" "$rep-same.json"
  fa_cmp[$mode]=$(( ${fa_cmp[$mode]:-0} + (others > 0 ? 1 : 0) ))
  fa_rows[$mode]=$(( ${fa_rows[$mode]:-0} + others ))
  judged[$mode]=$(( ${judged[$mode]:-0} + rows ))
  mapfile -t five < <(pick "$cur" "$i")
  for pct in 10 25 50; do
    plant "$cur" "$rep-$pct.json" "$(awk -v p="$pct" 'BEGIN { print 1 + p / 100 }')" "${five[@]}"
    "$perfval" regress --baseline "$baselines" "$@" --current "$rep-$pct.json" --format json --report "$rep-$pct-report.json" >/dev/null 2>&1 || true
    read -r hit others _ < <(count "$rep-$pct-report.json" "${five[@]}")
    found[$mode-$pct]=$(( ${found[$mode-$pct]:-0} + hit ))
    planted[$mode-$pct]=$(( ${planted[$mode-$pct]:-0} + 5 ))
    exact[$mode-$pct]=$(( ${exact[$mode-$pct]:-0} + (hit == 5 && others <= 1 ? 1 : 0) ))
  done
}

# --- 2. previous-run mode and 3. history mode ---------------------------------------------------------------
prev_cmp=0 hist_cmp=0
for ((i = 1; i < ${#runs[@]}; i++)); do
  judge_mode previous "$i" --previous "${runs[$((i - 1))]}/bench.json"
  prev_cmp=$((prev_cmp + 1))
  if [ "$i" -ge 10 ]; then
    hist="$out/history-$i"
    mkdir -p "$hist"
    for ((h = 0; h < i; h++)); do ln -sfn "${runs[$h]}" "$hist/$(basename "${runs[$h]}")"; done
    judge_mode history "$i" --history "$hist"
    hist_cmp=$((hist_cmp + 1))
    note_sensitivity previous_h "$out/reports/previous-$i-same.json"  # the previous-run mode on the same runs
  fi
done

# --- 4. A/B mode --------------------------------------------------------------------------------------------
affected=(cpu/metric_render/1000 cpu/metric_render/5000 cpu/metric_parse/1000 cpu/metric_parse/5000
          cpu/json_parse/nodes/1000 cpu/json_parse/nodes/5000 cpu/json_parse/jobs/1000 cpu/json_parse/jobs/5000)
ab_cmp=0
declare -A ab_effect
if [ "$skip_ab" -eq 0 ]; then
  bench="$perfval bench --quick --category cpu --processes 1 --repetitions $ab_repetitions --out {out}"
  sequential=()
  [ -z "$max_rounds" ] || sequential=(--max-rounds "$max_rounds")
  # Rounds a comparison ran, from its report's note "N rounds in the order A B, ...".
  rounds_of() { jq -r '[.notes[] | capture("^(?<n>[0-9]+) rounds in the order") | .n] | first // "?"' "$1"; }
  for ((c = 1; c <= ab_comparisons; c++)); do
    rep="$out/reports/ab-same-$c.json"
    rm -rf "$out/ab/same-$c"
    "$perfval" compare --rounds "$rounds" "${sequential[@]}" --a "$bench" --b "$bench" --out "$out/ab/same-$c" --format json \
      --report "$rep" >/dev/null 2>"$rep.log" || true
    read -r _ others rows < <(count "$rep")
    note_sensitivity ab "$rep"
    fa_cmp[ab]=$(( ${fa_cmp[ab]:-0} + (others > 0 ? 1 : 0) )); fa_rows[ab]=$(( ${fa_rows[ab]:-0} + others ))
    judged[ab]=$(( ${judged[ab]:-0} + rows )); ab_cmp=$((ab_cmp + 1))
    echo "gate-noise: A/B same build $c/$ab_comparisons: $others of $rows metrics flagged ($(rounds_of "$rep") rounds)"
  done
  for pct in 10 25 50; do
    rep="$out/reports/ab-$pct.json"
    rm -rf "$out/ab/$pct"
    "$perfval" compare --rounds "$rounds" "${sequential[@]}" --a "$bench" --b "PERFVAL_BENCH_EXTRA_WORK_PCT=$pct $bench" \
      --out "$out/ab/$pct" --format json --report "$rep" >/dev/null 2>"$rep.log" || true
    read -r hit others _ < <(count "$rep" "${affected[@]}")
    found[ab-$pct]=$hit planted[ab-$pct]=${#affected[@]} exact[ab-$pct]=$(( hit == ${#affected[@]} && others <= 1 ? 1 : 0 ))
    ab_effect[$pct]=$(jq -r --args '($ARGS.positional) as $p | [.metrics[] | select(.name as $n | any($p[]; . == $n))
      | .change_vs_previous_pct] | sort | .[length / 2 | floor] | . * 10 | round / 10' "${affected[@]}" <"$rep")
    echo "gate-noise: A/B $pct% more work: $hit of ${#affected[@]} found (median measured change +${ab_effect[$pct]}%), $others others flagged ($(rounds_of "$rep") rounds)"
  done
fi

# --- summary ------------------------------------------------------------------------------------------------
loads=$(cat "$out"/runs/run-*/load | sort -n | tr '\n' ' ')
read -r lmin lmed lmax < <(echo "$loads" | awk '{print $1, $(int((NF+1)/2)), $NF}')
echo
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores; load average at the start of each run: min $lmin, median $lmed, max $lmax"
echo "$n back-to-back runs of perfval bench --quick; planted: 5 random benchmarks per comparison (A/B: ${#affected[@]} cpu benchmarks doing more work, $rounds rounds of $ab_repetitions repetition(s) a side)"
printf '%-10s %-12s %-26s %-22s %-22s %-22s %s\n' mode comparisons "same build: failed (rows)" "10% found (exact)" "25% found (exact)" "50% found (exact)" "detectable (median)"
for mode in previous history ab; do
  case $mode in previous) cmp=$prev_cmp ;; history) cmp=$hist_cmp ;; ab) cmp=$ab_cmp ;; esac
  [ "$cmp" -gt 0 ] || continue
  line=$(printf '%-10s %-12s %-26s' "$mode" "$cmp" "${fa_cmp[$mode]:-0} of $cmp (${fa_rows[$mode]:-0} of ${judged[$mode]:-0})")
  for pct in 10 25 50; do
    line+=$(printf ' %-22s' "${found[$mode-$pct]:-0}/${planted[$mode-$pct]:-0} (${exact[$mode-$pct]:-0})")
  done
  echo "$line $(median_of <<<"${detectable[$mode]:-}")"
done
[ "$skip_ab" -eq 1 ] || echo "A/B measured change of the slower build (median of the ${#affected[@]}): 10%: +${ab_effect[10]}%, 25%: +${ab_effect[25]}%, 50%: +${ab_effect[50]}%"
# Is the noise model calibrated on this machine? |change / noise| of the same-build rows judged on interleaved
# repetitions against the previous run should look like a normal's (median 0.67, 90th 1.64, 99th 2.58); "without
# the drift floor" takes out the 3 % per run perfval adds to the repetitions' spread (docs/regression.md).
quantiles() {  # "median, 90th, 99th, max" of the numbers on stdin
  sort -g | awk '{v[NR] = $1} END { if (NR) printf "%.2f, %.2f, %.2f, %.2f", v[int(.5 * (NR - 1)) + 1],
    v[int(.9 * (NR - 1)) + 1], v[int(.99 * (NR - 1)) + 1], v[NR] }'
}
zs=$(for f in "$out"/reports/previous-*-same.json; do
  jq -r '.metrics[] | select(.noise_pct != null and .noise_pct > 0 and (.noise_source // "" | test("interleaved")))
    | [(.normalized_change_pct // .change_vs_previous_pct), .noise_pct] | @tsv' "$f"
done | awk -F'\t' -v drift=0.03 '$1 != "" && $1 != "null" {
  c = log(1 + $1 / 100); if (c < 0) c = -c; sd = log(1 + $2 / 100); d = log(1 + drift); w = sd * sd - 2 * d * d
  print c / sd, (w > 0 ? c / sqrt(w) : 0) }')
if [ -n "$zs" ]; then
  echo "calibration: |change / noise| of $(wc -l <<<"$zs") same-build rows (interleaved repetitions, previous-run mode):" \
    "median, 90th, 99th, max $(cut -d' ' -f1 <<<"$zs" | quantiles); without the drift floor $(cut -d' ' -f2 <<<"$zs" | quantiles)" \
    "(a normal: 0.67, 1.64, 2.58)"
fi
per_comparison() {  # inconclusive rows per same-build comparison of a mode: median (min-max)
  for f in "$out"/reports/"$1"-*-same.json; do
    [ -e "$f" ] || continue
    jq '[.metrics[] | select(.verdict == "inconclusive")] | length' "$f"
  done | sort -n | awk '{v[NR] = $1} END { if (NR) print v[int((NR + 1) / 2)] " (" v[1] "-" v[NR] ")"; else print "-" }'
}
echo "inconclusive rows per same-build comparison, median (range): previous $(per_comparison previous), history $(per_comparison history)"
[ "$hist_cmp" -eq 0 ] || echo "previous, over the history's comparisons: median detectable $(median_of <<<"${detectable[previous_h]:-}")"
echo "(exact: comparisons whose failing rows are all the planted ones, at most one other; detectable: the median"
echo " over same-build comparisons of each report's median smallest detectable change, and their range; results in $out)"
# Where the noise comes from (one repetition, neighbours, processes, two runs apart): what a better model or a
# different --quick could win.
if [ "${#runs[@]}" -ge 3 ] && command -v node >/dev/null; then
  echo
  node "$root/scripts/noise-anatomy.mjs" "$out" || true
fi
