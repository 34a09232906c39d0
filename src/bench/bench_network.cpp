// network/: any HTTP(S) or Unix-socket service (the embedded target, the code behind `perfval serve`, unless
// --target, --unix-socket or --scenario name another), measured through the load engine's client: per endpoint
// latency percentiles and throughput, keep-alive reuse vs a new connection per request, and 1..64 requests in
// flight. A benchmark whose requests fail (refused, timed out, 4xx/5xx, a failed check) reports error_occurred
// with the cause; the suite goes on and `perfval bench` exits 98.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/loopback_client.hpp"
#include "perfval/bench/network_probe.hpp"
#include "perfval/bench/network_target.hpp"
#include "suite.hpp"

namespace perfval::bench {

// The scalability benchmarks' loop over the loopback client (declared in suite.hpp).
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

constexpr int kTargetNodes = 1000;     // cluster size behind the embedded target
// Aim of one engine run, seconds: long enough to amortize its start, short enough for Google Benchmark to take
// several within --benchmark_min_time (0.5 s; --perfval_quick: 0.02 s, one batch).
constexpr double kBatchSeconds = 0.1;
constexpr double kQuickBatchSeconds = 0.01;

// The scenario to measure with base_url set (the embedded target started if needed), or false after marking
// the benchmark failed.
bool target_scenario(benchmark::State& state, loadgen::Scenario& out) {
  out = network_scenario_in_use();
  if (!out.base_url.empty()) return true;
  try {
    out.base_url = out.base_url_as_written = benchmark_target(kTargetNodes).url();
    return true;
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("cannot start the embedded target: ") + e.what()).c_str());
    return false;
  }
}

// Which counters a row carries.
enum class Counters { api_latency, throughput, latency };

void set_counters(benchmark::State& state, Counters kind, const loadgen::RequestStats& s, double seconds) {
  const auto ms = [&](double p) { return static_cast<double>(s.duration.value_at_percentile(p)) / 1000.0; };
  if (kind != Counters::throughput) {
    const std::string prefix = kind == Counters::api_latency ? "api_response_time" : "latency";
    const std::string suffix = kind == Counters::api_latency ? "" : "_ms";
    state.counters[prefix + "_p50" + suffix] = ms(50);
    state.counters[prefix + "_p95" + suffix] = ms(95);
    state.counters[prefix + "_p99" + suffix] = ms(99);
  }
  state.counters["requests_per_second"] = seconds > 0 ? static_cast<double>(s.requests) / seconds : 0.0;
  if (kind == Counters::latency && s.requests > 0) {
    // 1 when every request opened its own connection; 1/requests-per-VU when each VU kept its one connection.
    state.counters["connections_per_request"] =
        static_cast<double>(s.connecting.count()) / static_cast<double>(s.requests);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(s.requests));
  state.SetBytesProcessed(static_cast<std::int64_t>(s.bytes_received));
}

// Requests per engine run: about `seconds` at the rate a first short run reached, at least 32 per VU.
std::int64_t batch_size(const ProbeResult& first, int in_flight, double seconds) {
  const double rate = first.seconds > 0 ? static_cast<double>(first.stats.requests) / first.seconds : 0;
  const auto wanted = static_cast<std::int64_t>(rate * seconds);
  return std::clamp<std::int64_t>(wanted, 32LL * in_flight, 200'000);
}

// One row: a first short run (does the target answer? how fast?), then engine runs of one batch each, timed by
// the engine (Google Benchmark's manual time: the runs' start-up is not counted). The batch is sized by the row's
// first repetition and kept for the others (`batch`): interleaved repetitions must run the same iteration count,
// which Google Benchmark checks (a batch sized anew each time aborted `perfval bench --repetitions 2`).
void measure(benchmark::State& state, std::size_t endpoint, ProbeOptions options, Counters kind, double batch_s,
             std::int64_t& batch) {
  loadgen::Scenario base;
  if (!target_scenario(state, base)) return;
  const loadgen::RequestSpec& request = base.requests.at(endpoint);
  ProbeOptions first_options = options;
  first_options.requests = 4LL * options.in_flight;
  const ProbeResult first = probe(base, request, first_options);
  if (!first.failure.empty()) {
    state.SkipWithError(first.failure.c_str());
    return;
  }
  if (batch == 0) batch = batch_size(first, options.in_flight, batch_s);
  options.requests = batch;
  loadgen::RequestStats total;
  double seconds = 0;
  while (state.KeepRunningBatch(options.requests)) {
    const ProbeResult r = probe(base, request, options);
    if (!r.failure.empty()) {
      state.SkipWithError(r.failure.c_str());
      return;
    }
    state.SetIterationTime(r.seconds);
    total += r.stats;
    seconds += r.seconds;
  }
  set_counters(state, kind, total, seconds);
}

void register_row(const std::string& name, std::size_t endpoint, ProbeOptions options, Counters kind, bool quick) {
  const double batch_s = quick ? kQuickBatchSeconds : kBatchSeconds;
  auto batch = std::make_shared<std::int64_t>(0);
  benchmark::RegisterBenchmark(name.c_str(), [=](benchmark::State& state) {
    measure(state, endpoint, options, kind, batch_s, *batch);
  })
      ->UseManualTime()
      ->Unit(benchmark::kMicrosecond);
}

}  // namespace

void register_network_benchmarks(const SuiteConfig& config) {
  const loadgen::Scenario& target = network_scenario_in_use();
  for (std::size_t i = 0; i < target.requests.size(); ++i) {
    const std::string& name = target.requests[i].name;
    register_row("network/api_latency/" + name, i, {}, Counters::api_latency, config.quick);
    register_row("network/http_throughput/" + name, i, {}, Counters::throughput, config.quick);
  }
  ProbeOptions fresh;
  fresh.new_connections = true;
  register_row("network/connection_reuse/keep_alive", 0, {}, Counters::latency, config.quick);
  register_row("network/connection_reuse/new_connection", 0, fresh, Counters::latency, config.quick);
  for (int n = 1; n <= 64; n *= 2) {
    ProbeOptions level;
    level.in_flight = n;
    register_row("network/in_flight/" + std::to_string(n), 0, level, Counters::latency, config.quick);
  }
}

}  // namespace perfval::bench
