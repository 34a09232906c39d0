#!/usr/bin/env bash
# Benchmark (not a test): perfval's closed model against wrk on a local nginx, in alternating runs.
# Prints req/s of both, the ratio, CPU seconds per 100k requests and peak RSS; then 10,000 concurrent VUs
# (peak RSS) and an open-model run at 20,000 req/s (achieved rate). Only 127.0.0.1 is ever targeted.
#   scripts/bench-vs-wrk.sh [RUNS] [SECONDS]        defaults: 5 runs of 10 s per tool and configuration
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
secs=${2:-10}
scripts/install-deps.sh
scripts/build.sh perfval >/dev/null
perfval=$PWD/build/perfval
ulimit -n "$(ulimit -Hn)"

work=$(mktemp -d /tmp/perfval-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html" "$work/logs"
head -c 100 /dev/zero | tr '\0' 'x' >"$work/html/100b"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/logs/error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 20000; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server { listen 127.0.0.1:$port backlog=8192; root $work/html; }
}
CONF
nginx -p "$work" -c "$work/nginx.conf"
url="http://127.0.0.1:$port/100b"
for _ in $(seq 50); do curl -sf -o /dev/null "$url" && break; sleep 0.1; done

scenario() {  # scenario VUS SECONDS FILE
  cat >"$3" <<YAML
name: nginx-closed-$1
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: file, path: /100b}]
executor: constant-vus
vus: $1
duration: ${2}s
gracefulStop: 2s
YAML
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.1f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# measure CMD... -> prints "reqs_per_s cpu_s peak_rss_kib" (CPU and RSS of the load generator process)
measure() {
  local out
  out=$( { /usr/bin/time -f "TIME %U %S %M" "$@" 2>&1; } )
  local rps cpu rss
  rps=$(printf '%s\n' "$out" | awk '/Requests\/sec:/ {print $2} /^  http_reqs\.+:/ {sub("/s","",$3); print $3}' | head -1)
  cpu=$(printf '%s\n' "$out" | awk '/^TIME/ {print $2+$3}')
  rss=$(printf '%s\n' "$out" | awk '/^TIME/ {print $4}')
  echo "$rps $cpu $rss"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); nginx $(nginx -v 2>&1 | cut -d/ -f2), 1 worker, 100-byte file"
echo "runs: $runs x ${secs}s per tool and configuration, alternating wrk and perfval"
printf '\n%-24s %12s %12s %8s %16s %16s %10s\n' "threads/connections" "wrk req/s" "perfval req/s" "ratio" "wrk cpu s/100k" "perfval cpu/100k" "perfval RSS"
for cfg in "1 50" "2 100"; do
  set -- $cfg
  threads=$1 conns=$2
  scenario "$conns" "$secs" "$work/closed.yaml"
  : >"$work/wrk" ; : >"$work/pv"; : >"$work/ratio"
  for r in $(seq "$runs"); do
    read -r w_rps w_cpu _ < <(measure wrk -t"$threads" -c"$conns" -d"${secs}s" "$url")
    read -r p_rps p_cpu p_rss < <(measure "$perfval" run "$work/closed.yaml" --threads "$threads" --quiet)
    echo "$w_rps $w_cpu" >>"$work/wrk"
    echo "$p_rps $p_cpu $p_rss" >>"$work/pv"
    awk -v a="$p_rps" -v b="$w_rps" 'BEGIN {printf "%.3f\n", a/b}' >>"$work/ratio"
  done
  w_med=$(cut -d' ' -f1 "$work/wrk" | median)
  p_med=$(cut -d' ' -f1 "$work/pv" | median)
  r_med=$(median <"$work/ratio")
  w_cpu=$(awk -v s="$secs" '{print $2/($1*s)*100000}' "$work/wrk" | median)
  p_cpu=$(awk -v s="$secs" '{print $2/($1*s)*100000}' "$work/pv" | median)
  p_rss=$(cut -d' ' -f3 "$work/pv" | median)
  printf '%-24s %12.0f %12.0f %8.3f %16.2f %16.2f %8.1fMiB\n' "$threads/$conns" "$w_med" "$p_med" "$r_med" "$w_cpu" "$p_cpu" "$(echo "$p_rss/1024" | bc -l)"
  echo "  per-run ratios (perfval/wrk): $(tr '\n' ' ' <"$work/ratio")"
done

echo
echo "10,000 concurrent VUs (closed model, 1 s think time, ${secs}s):"
cat >"$work/10k.yaml" <<YAML
name: nginx-10k-vus
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: file, path: /100b}]
executor: constant-vus
vus: 10000
think_time: 1s
duration: ${secs}s
gracefulStop: 5s
YAML
read -r k_rps _ k_rss < <(measure "$perfval" run "$work/10k.yaml" --quiet)
echo "  req/s $k_rps, peak RSS $(echo "$k_rss/1024" | bc -l | xargs printf '%.1f') MiB"

echo
echo "open model, constant-arrival-rate 20,000 req/s for ${secs}s:"
cat >"$work/open.yaml" <<YAML
name: nginx-open-20k
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: file, path: /100b}]
executor: constant-arrival-rate
rate: 20000
timeUnit: 1s
duration: ${secs}s
preAllocatedVUs: 200
maxVUs: 2000
gracefulStop: 2s
YAML
"$perfval" run "$work/open.yaml" --quiet --out "$work/open" >/dev/null || true
python3 - "$work/open/summary.json" "$secs" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["metrics"]
target = 20000 * float(sys.argv[2])
count = m["http_reqs"]["count"]
print(f"  requests {count:.0f} of {target:.0f} scheduled ({100*count/target:.2f} %), "
      f"dropped {m['dropped_iterations']['count']:.0f}, rate {m['http_reqs']['rate']:.0f}/s, "
      f"p99 corrected {m['http_req_duration']['p(99)']:.2f} ms, uncorrected {m['http_req_duration_uncorrected']['p(99)']:.2f} ms")
PY
