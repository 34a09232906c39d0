#!/usr/bin/env bash
# Benchmark (not a test): latency of a real slurmrestd 22.05 (scripts/slurm-local.sh, Unix socket) for
# ping, nodes, jobs and diag, next to `perfval serve`'s v0.0.38 mock (loopback TCP) as the reference, in
# alternating rounds; curl does the requests, once with a new connection per request (as an exporter's poll
# does) and once N requests on one keep-alive connection, and reports time_total. Prints p50/p95/p99 per endpoint in milliseconds and the real/mock ratio of medians.
#   scripts/slurmrestd-latency.sh [REQUESTS_PER_ROUND] [ROUNDS]     default 100 requests, 3 rounds
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100}
rounds=${2:-3}
build_dir=${PERFVAL_BUILD_DIR:-build}
PERFVAL_BUILD_DIR=$build_dir scripts/build.sh perfval >/dev/null
work=$(mktemp -d /tmp/perfval-slurmrestd-latency.XXXXXX)
chmod 0755 "$work"  # slurmrestd runs as nobody and must get through to $work/slurm
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  scripts/slurm-local.sh stop "$work/slurm" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

sock=$(scripts/slurm-local.sh start "$work/slurm" 2>"$work/slurm-start.err" | tail -n 1) ||
  { cat "$work/slurm-start.err" >&2; exit 1; }
"$build_dir/perfval" serve --listen 127.0.0.1:0 --nodes 1 --threads 1 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
for _ in $(seq 100); do grep -q '^listening on ' "$work/serve.out" && break; sleep 0.1; done
mock=$(sed -n 's/^listening on //p' "$work/serve.out")
[ -n "$mock" ] || { cat "$work/serve.err" >&2; exit 1; }

# One round: N requests of one endpoint, one curl (and connection) each; seconds appended to FILE.
round_new() {
  local file=$1 url=$2; shift 2
  for _ in $(seq "$n"); do curl -s -o /dev/null -w '%{time_total}\n' "$@" "$url" >>"$file"; done
}

# One round on one keep-alive connection: one curl fetching the URL N times (time_total per transfer).
round_keep() {
  local file=$1 url=$2 urls=(); shift 2
  for _ in $(seq "$n"); do urls+=(-o /dev/null "$url"); done
  curl -s -w '%{time_total}\n' "$@" "${urls[@]}" >>"$file"
}

for r in $(seq "$rounds"); do
  for ep in ping nodes jobs diag; do
    for mode in new keep; do
      "round_$mode" "$work/real-$mode-$ep" "http://localhost/slurm/v0.0.38/$ep" --unix-socket "$sock"
      "round_$mode" "$work/mock-$mode-$ep" "$mock/slurm/v0.0.38/$ep"
    done
  done
  echo "round $r/$rounds done" >&2
done

pct() { sort -g "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", v[i] * 1000 }'; }
triple() { echo "$(pct "$1" 50)/$(pct "$1" 95)/$(pct "$1" 99)"; }
echo "$(SLURM_CONF=$work/slurm/slurm.conf sinfo -V) slurmrestd (Unix socket, rest_auth/local) vs perfval serve's v0.0.38 mock" \
  "(127.0.0.1 TCP, 1 node); $((n * rounds)) requests per endpoint, server and mode; curl time_total in ms"
printf '%-8s %-10s %24s %26s %10s\n' endpoint connection "slurmrestd p50/p95/p99" "perfval serve p50/p95/p99" "p50 ratio"
for ep in ping nodes jobs diag; do
  for mode in new keep; do
    ratio=$(awk -v a="$(pct "$work/real-$mode-$ep" 50)" -v b="$(pct "$work/mock-$mode-$ep" 50)" 'BEGIN { printf "%.1fx", a / b }')
    printf '%-8s %-10s %24s %26s %10s\n' "$ep" "$([ $mode = new ] && echo new || echo keep-alive)" \
      "$(triple "$work/real-$mode-$ep")" "$(triple "$work/mock-$mode-$ep")" "$ratio"
  done
done
