// network/: the embedded target (the code behind `perfval serve`) on loopback: API latency percentiles, HTTP
// throughput, keep-alive reuse vs a new connection per request, and 1..64 requests in flight. A target that
// cannot be reached makes the benchmark report error_occurred; the suite goes on.
#include <benchmark/benchmark.h>

#include <optional>
#include <string>
#include <vector>

#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/loopback_client.hpp"
#include "perfval/bench/percentiles.hpp"
#include "perfval/common/error.hpp"
#include "perfval/target/slurm_api.hpp"
#include "suite.hpp"

namespace perfval::bench {

bool run_rounds(benchmark::State& state, LoopbackClient& client, const std::string& path,
                std::vector<double>* latencies, std::size_t* bytes) {
  for (auto _ : state) {
    const RoundResult r = client.round(path, latencies);
    if (r.failed > 0) {
      state.SkipWithError(r.first_error.c_str());
      return false;
    }
    *bytes += r.body_bytes;
  }
  return true;
}

namespace {

constexpr int kTargetNodes = 1000;  // cluster size behind the network benchmarks' target

std::string api_path(const char* endpoint) { return std::string(target::slurm_api_prefix) + endpoint; }

// The target's endpoint, or nullopt after marking the benchmark failed.
std::optional<Endpoint> reach_target(benchmark::State& state) {
  try {
    return benchmark_target(kTargetNodes);
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("cannot start the embedded target: ") + e.what()).c_str());
    return std::nullopt;
  }
}

// Counters PREFIX_p50SUFFIX, _p95, _p99 in milliseconds.
void set_latency_counters(benchmark::State& state, std::vector<double>& latencies_ns, const std::string& prefix,
                          const std::string& suffix) {
  const double ms = 1e-6;
  state.counters[prefix + "_p50" + suffix] = percentile(latencies_ns, 50) * ms;
  state.counters[prefix + "_p95" + suffix] = percentile(latencies_ns, 95) * ms;
  state.counters[prefix + "_p99" + suffix] = percentile(latencies_ns, 99) * ms;
}

void set_rate_counters(benchmark::State& state, std::int64_t requests, std::size_t bytes) {
  state.counters["requests_per_second"] = benchmark::Counter(static_cast<double>(requests), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(requests);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// Round-trip time of GET /slurm/v0.0.44/ping on one keep-alive connection; percentiles in milliseconds.
void api_latency(benchmark::State& state) {
  const auto endpoint = reach_target(state);
  if (!endpoint) return;
  LoopbackClient client(*endpoint, {});
  std::vector<double> latencies;
  std::size_t bytes = 0;
  if (!run_rounds(state, client, api_path("/ping"), &latencies, &bytes)) return;
  set_latency_counters(state, latencies, "api_response_time", "");
  set_rate_counters(state, state.iterations(), bytes);
}

void http_throughput(benchmark::State& state, const char* path) {
  const auto endpoint = reach_target(state);
  if (!endpoint) return;
  LoopbackClient client(*endpoint, {});
  std::size_t bytes = 0;
  if (!run_rounds(state, client, path, nullptr, &bytes)) return;
  set_rate_counters(state, state.iterations(), bytes);
}

void connection_reuse(benchmark::State& state, bool keep_alive) {
  const auto endpoint = reach_target(state);
  if (!endpoint) return;
  ClientOptions options;
  options.keep_alive = keep_alive;
  LoopbackClient client(*endpoint, options);
  std::vector<double> latencies;
  std::size_t bytes = 0;
  if (!run_rounds(state, client, api_path("/ping"), &latencies, &bytes)) return;
  set_latency_counters(state, latencies, "latency", "_ms");
  set_rate_counters(state, state.iterations(), bytes);
}

// N keep-alive connections, one request on each per iteration: N requests in flight at once.
void in_flight(benchmark::State& state) {
  const auto endpoint = reach_target(state);
  if (!endpoint) return;
  ClientOptions options;
  options.connections = static_cast<int>(state.range(0));
  LoopbackClient client(*endpoint, options);
  std::vector<double> latencies;
  std::size_t bytes = 0;
  if (!run_rounds(state, client, api_path("/ping"), &latencies, &bytes)) return;
  set_latency_counters(state, latencies, "latency", "_ms");
  set_rate_counters(state, state.iterations() * state.range(0), bytes);
}

}  // namespace

void register_network_benchmarks(const SuiteConfig& config) {
  (void)config;
  benchmark::RegisterBenchmark("network/api_latency/ping", api_latency)->UseRealTime()->Unit(benchmark::kMicrosecond);
  for (const auto& [name, path] : {std::pair{"metrics", "/metrics"}, std::pair{"nodes", "/slurm/v0.0.44/nodes"},
                                   std::pair{"ping", "/slurm/v0.0.44/ping"}}) {
    benchmark::RegisterBenchmark((std::string("network/http_throughput/") + name).c_str(), http_throughput, path)
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("network/connection_reuse/keep_alive", connection_reuse, true)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("network/connection_reuse/new_connection", connection_reuse, false)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("network/in_flight", in_flight)
      ->RangeMultiplier(4)
      ->Range(1, 64)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace perfval::bench
