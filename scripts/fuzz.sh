#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz, clang with ASan+UBSan) once into build-fuzz/ and runs them.
#   scripts/fuzz.sh --list                       the target names
#   scripts/fuzz.sh TARGET SECONDS [ARGS...]     fuzz one target; ARGS go to libFuzzer (e.g. -runs=10000000)
#   scripts/fuzz.sh --smoke SECONDS              every target for SECONDS each (CI: they keep building and running)
# Each run starts from the seed corpus in tests/fuzz/corpus/TARGET and keeps what it finds in
# build-fuzz/corpus/TARGET; a crash or broken invariant leaves its input in build-fuzz/artifacts/TARGET/ and
# fails the script. docs/testing.md says how to turn such an input into a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${PERFVAL_FUZZ_BUILD_DIR:-build-fuzz}
targets() { sed -n 's/^  \([a-z_]*\):perfval_[a-z]*)\{0,1\}$/\1/p' tests/fuzz/CMakeLists.txt; }

usage() { echo "usage: $0 --list | TARGET SECONDS [LIBFUZZER-ARGS...] | --smoke SECONDS" >&2; exit 2; }

build() {
  scripts/install-deps.sh --fuzz
  CXX=clang++ PERFVAL_BUILD_DIR="$build_dir" PERFVAL_WERROR=OFF \
    PERFVAL_CMAKE_ARGS="-DPERFVAL_FUZZ=ON -DPERFVAL_BUILD_TESTS=OFF" scripts/build.sh perfval_fuzz_targets
}

# Runs one target for $2 seconds; prints libFuzzer's last status line and returns its exit code.
run() {
  local target=$1 seconds=$2
  shift 2
  local corpus="$build_dir/corpus/$target" artifacts="$build_dir/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  local log="$build_dir/fuzz-$target.log"
  local rc=0
  "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$@" "$corpus" "tests/fuzz/corpus/$target" >"$log" 2>&1 || rc=$?
  local done_line
  done_line=$(grep -E '^#[0-9]+[[:space:]]+(DONE|NEW|REDUCE|pulse|INITED)' "$log" | tail -1 || true)
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  printf '%-24s rc=%d execs=%s corpus=%s  %s\n' "$target" "$rc" "${execs:-?}" \
    "$(find "$corpus" -type f | wc -l)" "$done_line"
  if [ "$rc" -ne 0 ]; then
    grep -E 'ERROR|fuzz invariant|SUMMARY|Test unit written' "$log" | head -8 >&2
  fi
  return "$rc"
}

case "${1:-}" in
  --list) targets ;;
  --smoke)
    seconds=${2:?$(usage)}
    build
    failed=0
    for t in $(targets); do run "$t" "$seconds" || failed=1; done
    exit "$failed"
    ;;
  ""|-*) usage ;;
  *)
    target=$1
    seconds=${2:-}
    [ -n "$seconds" ] || usage
    targets | grep -qx "$target" || { echo "fuzz.sh: unknown target \"$target\"; targets: $(targets | tr '\n' ' ')" >&2; exit 2; }
    shift 2
    build
    run "$target" "$seconds" "$@"
    ;;
esac
