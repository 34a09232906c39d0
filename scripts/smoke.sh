#!/usr/bin/env bash
# README quick-start command 1: install what is missing, build, and run scenarios/smoke.yaml against the
# embedded target (about 10 s), printing the summary. Extra arguments go to `perfval run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh perfval
exec build/perfval run scenarios/smoke.yaml --out results/smoke "$@"
