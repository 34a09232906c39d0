#!/usr/bin/env bash
# Measurement (not a test): does a process's memory layout make perfval bench's samples noisy? Runs
# `perfval bench --quick --category cpu --processes 1 --repetitions 5` in ROUNDS rounds, each round once under
# every variant, the first variant rotating with the round (so the machine's slow spells and the positions fall
# on all of them): as it is; without address-space randomization (setarch -R); glibc's malloc on transparent
# huge pages (glibc.malloc.hugetlb=1, which needs the kernel's THP mode `madvise` and glibc 2.35 or later, both
# recorded in DIR/machine); malloc's thresholds set by GLIBC_TUNABLES too (perfval-bench already sets them with
# mallopt at its start, so this differs only before main: in effect a replicate of the first variant, which shows
# how much the figures move by chance). Then prints, per variant, how much a
# benchmark's mean moves between processes against what its repetitions alone explain, and how well the control
# benchmarks follow a process's speed (scripts/process-spread.mjs). Results: docs/regression.md.
#   scripts/process-layout-noise.sh [ROUNDS] [--out DIR]    defaults: 20 rounds (about 7 minutes), a temp dir
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=20 out=""
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || { echo "process-layout-noise: --out needs a directory" >&2; exit 2; }; out=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) [[ $1 =~ ^[1-9][0-9]*$ ]] || { echo "process-layout-noise: unknown argument \"$1\" (see --help)" >&2; exit 2; }
       rounds=$1; shift ;;
  esac
done
[ "$rounds" -ge 3 ] || { echo "process-layout-noise: ROUNDS must be at least 3" >&2; exit 2; }
scripts/install-deps.sh
setarch -R true 2>/dev/null || { echo "process-layout-noise: setarch -R is not permitted here (seccomp?)" >&2; exit 2; }
# Keep the build directory's -Werror setting, so this does not reconfigure (and rebuild) a developer's build.
werror=$(sed -n 's/^PERFVAL_WERROR:[A-Z]*=//p' build/CMakeCache.txt 2>/dev/null)
PERFVAL_WERROR=${PERFVAL_WERROR:-${werror:-OFF}} scripts/build.sh perfval perfval-bench >/dev/null
out=${out:-$(mktemp -d /tmp/perfval-layout.XXXXXX)}
mkdir -p "$out/bin"
cp build/perfval build/perfval-bench "$out/bin/"  # rebuilding the checkout meanwhile does not change what is measured
perfval=$out/bin/perfval
{
  echo "kernel $(uname -r); $(getconf GNU_LIBC_VERSION)"
  echo "transparent_hugepage: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
  echo "randomize_va_space: $(cat /proc/sys/kernel/randomize_va_space)"
} >"$out/machine"
echo "process-layout-noise: results in $out ($(tr '\n' ';' <"$out/machine"))" >&2
bench=(bench --quick --category cpu --processes 1 --repetitions 5)
# The values perfval-bench's mallopt sets (kMalloc* in src/bench/include/perfval/bench/machine_context.hpp).
fixed=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864
variants=(default noaslr thp fixedmalloc)
for ((r = 1; r <= rounds; r++)); do
  for ((k = 0; k < ${#variants[@]}; k++)); do
    v=${variants[$(((r + k) % ${#variants[@]}))]}
    f="$out/$v-$r.json"
    case $v in
      default) "$perfval" "${bench[@]}" --out "$f" ;;
      noaslr) setarch -R "$perfval" "${bench[@]}" --out "$f" ;;
      thp) GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$perfval" "${bench[@]}" --out "$f" ;;
      fixedmalloc) GLIBC_TUNABLES=$fixed "$perfval" "${bench[@]}" --out "$f" ;;
    esac >/dev/null 2>"$out/$v-$r.err" || { echo "process-layout-noise: $v round $r failed:" >&2; tail -5 "$out/$v-$r.err" >&2; exit 1; }
  done
  echo "process-layout-noise: round $r of $rounds, load $(cut -d' ' -f1 /proc/loadavg)" | tee -a "$out/load" >&2
done
node scripts/process-spread.mjs "$out"
