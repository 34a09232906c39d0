#!/usr/bin/env bash
# Configures (once) and builds perfval into build/ with Ninja and ccache. Extra arguments go to ninja.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_BUILD_DIR:-build}
werror=${PERFVAL_WERROR:-OFF}
if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPERFVAL_WERROR="$werror" >/dev/null
else
  cmake -S . -B "$build_dir" -DPERFVAL_WERROR="$werror" >/dev/null
fi
jobs=${PERFVAL_JOBS:-$(nproc)}
ninja -C "$build_dir" -j "$jobs" "$@"
