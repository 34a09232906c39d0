# Sourced by the benchmark scripts: starts Debian's nginx on 127.0.0.1 (NGINX_WORKERS worker processes, default 1;
# 100-byte file, access log off, keep-alive for 10^8 requests) in a temporary directory and stops it on exit.
# Sets $work, $port, $url.
work=$(mktemp -d /tmp/perfval-bench.XXXXXX)
port=$((20000 + RANDOM % 20000))
cleanup() { [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html" "$work/logs"
# nginx started as root serves as "nobody": the file must be readable by it (mktemp -d makes a 0700 directory,
# and a run as root would otherwise measure 403 responses).
chmod 755 "$work" "$work/html"
head -c 100 /dev/zero | tr '\0' 'x' >"$work/html/100b"
cat >"$work/nginx.conf" <<CONF
worker_processes ${NGINX_WORKERS:-1};
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

# open_scenario FILE NAME RATE SECONDS: an open-model scenario (constant-arrival-rate) for the 100-byte file.
open_scenario() {
  cat >"$1" <<YAML
name: $2
target: {base_url: "http://127.0.0.1:$port"}
requests: [{name: file, path: /100b}]
executor: constant-arrival-rate
rate: $3
timeUnit: 1s
duration: ${4}s
preAllocatedVUs: 200
maxVUs: 2000
gracefulStop: 2s
YAML
}
