#!/usr/bin/env bash
# Change-point detection on real annotated series: F1 (TCPD's definition, margin 5) of `perfval changepoints`
# against the "no change points" detector and a binary-segmentation baseline, per series and overall, then
# the detector's time on an 800-point series. Figures in docs/regression.md.
#
#   scripts/changepoint-eval.sh [DIR[:alternate]...]
#
# A DIR holds annotations.json ({"series": {"annotator": [indices]}}) and, per series, NAME.csv (a `value`
# column) or datasets/NAME/NAME.json (a checkout of github.com/alan-turing-institute/TCPD works as is).
# ":alternate" puts every other series (sorted by name, first one included) in the "tune" set, the rest in
# "test"; without it every series of DIR is "test". Default: $PERFVAL_EVAL_DATA/tcpd:alternate,
# $PERFVAL_EVAL_DATA/otava and $PERFVAL_EVAL_DATA/machine (PERFVAL_EVAL_DATA defaults to /work/data;
# scripts/changepoint-series.sh records the machine series). PERFVAL_CP_FLAGS passes detector options to
# `perfval changepoints`, e.g. PERFVAL_CP_FLAGS="--min-change 10" or "--no-drift-test".
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_BUILD_DIR:-build}
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval >/dev/null
data=${PERFVAL_EVAL_DATA:-/work/data}
if [ $# -eq 0 ]; then
  set --
  for d in "$data/tcpd:alternate" "$data/otava" "$data/machine"; do [ -d "${d%%:*}" ] && set -- "$@" "$d"; done
  [ $# -gt 0 ] || { echo "no data folders under $data (see the comment at the top of $0)" >&2; exit 2; }
fi
node scripts/changepoint-eval.mjs "$build_dir/perfval" "$@"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk 'BEGIN { srand(7); print "timestamp,value"
  for (i = 0; i < 800; i++) printf "%d,%.3f\n", i, (100 + 0.1 * i + (i >= 400 ? 30 : 0)) * (1 + 0.04 * (rand() - 0.5)) }' \
  > "$work/series.csv"
times=()
for _ in 1 2 3 4 5; do
  start=$(date +%s%N)
  "$build_dir/perfval" changepoints --data "$work/series.csv" --format json >/dev/null
  times+=($(( ($(date +%s%N) - start) / 1000000 )))
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
echo "perfval changepoints on 800 points (growth + one step), whole process, 5 runs: ${sorted}ms" \
     "(median $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) ms; load average $(cut -d' ' -f1-3 /proc/loadavg))"
