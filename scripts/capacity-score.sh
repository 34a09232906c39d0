#!/usr/bin/env bash
# Scores `perfval capacity analyze` forecasts against naive, seasonal naive, predict_linear and Holt on the
# synthetic families (known truth, generated here) and on every CSV directory given (real series: each column
# of each CSV is one series; fit on the first 70 %, forecast the rest in one go). Figures in docs/capacity.md.
# Usage: scripts/capacity-score.sh [DIR ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_BUILD_DIR:-build}
command -v node >/dev/null || { echo "capacity-score: node is needed (scripts/install-deps.sh installs it)" >&2; exit 2; }
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node scripts/capacity-score.mjs --synthetic "$work"
echo "== synthetic families: 14 days at 5 minutes, 3 seeds each (linear, exponential, seasonal, level shift, random walk, saturating, flat noise)"
node scripts/capacity-score.mjs "$build_dir/perfval" "$work"
for dir in "$@"; do
  echo
  echo "== $dir"
  node scripts/capacity-score.mjs "$build_dir/perfval" "$dir"
done
