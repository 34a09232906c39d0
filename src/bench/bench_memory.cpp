// memory/: allocation throughput, SLURM REST JSON (de)serialization, reclaim pauses of large object graphs,
// and shared vs per-thread data under concurrent updates.
#include <benchmark/benchmark.h>

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "perfval/bench/alloc_stats.hpp"
#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/percentiles.hpp"
#include "perfval/target/slurm_api.hpp"
#include "suite.hpp"

namespace perfval::bench {
namespace {

using Clock = std::chrono::steady_clock;

// One scraped series as an exporter holds it between scrapes; every string is past the small-string buffer.
struct Series {
  std::string name;                                          // metric name
  std::vector<std::pair<std::string, std::string>> labels;  // label name, value
  std::vector<double> samples;                               // recent values
};

constexpr int kSeriesPerGraph = 64;
// make_unique + name + labels.reserve + 3 x 2 label strings + samples.reserve, per series, plus the vector.
constexpr int kAllocationsPerGraph = 1 + kSeriesPerGraph * 10;

std::vector<std::unique_ptr<Series>> build_series_graph(int salt) {
  static const std::string name = "slurm_node_cpu_alloc_seconds_total";
  static const std::array<std::string, 3> keys{"cluster_name_label", "partition_name_label", "node_hostname_label"};
  static const std::array<std::string, 3> values{"perfval-production", "gpu-a100-partition", "node0001.cluster.local"};
  std::vector<std::unique_ptr<Series>> graph;
  graph.reserve(kSeriesPerGraph);
  for (int i = 0; i < kSeriesPerGraph; ++i) {
    auto s = std::make_unique<Series>();
    s->name = name;
    s->labels.reserve(keys.size());
    for (std::size_t k = 0; k < keys.size(); ++k) s->labels.emplace_back(keys[k], values[k]);
    s->samples.reserve(4);
    s->samples.push_back(static_cast<double>(i + salt));
    graph.push_back(std::move(s));
  }
  return graph;
}

void allocation(benchmark::State& state) {
  const auto before = thread_allocations().allocations;
  const auto bytes_before = thread_allocations().bytes;
  int salt = 0;
  for (auto _ : state) {
    auto graph = build_series_graph(++salt);
    benchmark::DoNotOptimize(graph.data());
    benchmark::ClobberMemory();
  }
  const auto counted = thread_allocations().allocations - before;
  const double allocations = allocation_hook_installed()
                                 ? static_cast<double>(counted)
                                 : static_cast<double>(state.iterations()) * kAllocationsPerGraph;
  state.counters["allocations_per_second"] = benchmark::Counter(allocations, benchmark::Counter::kIsRate);
  state.counters["allocations_per_iteration"] = allocations / static_cast<double>(state.iterations());
  // Bytes handed out per iteration, counted by the allocator hook on this thread: unlike the MemoryManager's
  // max_bytes_used it is there when repetitions are interleaved (perfval bench's default).
  if (allocation_hook_installed())
    state.counters["bytes_per_iteration"] =
        static_cast<double>(thread_allocations().bytes - bytes_before) / static_cast<double>(state.iterations());
  state.SetItemsProcessed(state.iterations() * kSeriesPerGraph);
}

enum class Payload { nodes, jobs };

std::string render_payload(Payload p, int nodes) {
  const auto& snapshot = cluster_snapshot(nodes);
  return p == Payload::nodes ? target::render_nodes_json(snapshot) : target::render_jobs_json(snapshot);
}

std::size_t payload_items(Payload p, int nodes) {
  const auto& snapshot = cluster_snapshot(nodes);
  return p == Payload::nodes ? snapshot.nodes.size() : snapshot.jobs.size();
}

void json_serialize(benchmark::State& state, Payload payload) {
  const int nodes = static_cast<int>(state.range(0));
  const auto& snapshot = cluster_snapshot(nodes);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string body = payload == Payload::nodes ? target::render_nodes_json(snapshot)
                                                 : target::render_jobs_json(snapshot);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(payload_items(payload, nodes)));
}

void json_deserialize(benchmark::State& state, Payload payload) {
  const int nodes = static_cast<int>(state.range(0));
  const std::string body = render_payload(payload, nodes);
  for (auto _ : state) {
    nlohmann::json doc = nlohmann::json::parse(body);
    benchmark::DoNotOptimize(doc);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(payload_items(payload, nodes)));
}

// The pause to free a graph: built with the timer paused, destroyed with it running.
template <typename Graph, typename Build>
void reclaim_pause(benchmark::State& state, Build build) {
  std::vector<double> pauses_ms;
  for (auto _ : state) {
    state.PauseTiming();
    auto graph = std::make_unique<Graph>(build());
    benchmark::DoNotOptimize(graph.get());
    state.ResumeTiming();
    const auto start = Clock::now();
    graph.reset();
    benchmark::ClobberMemory();
    pauses_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::vector<double> copy = pauses_ms;
  state.counters["gc_pause_time_p50"] = percentile(copy, 50);
  state.counters["gc_pause_time_p99"] = percentile(copy, 99);
  state.counters["gc_pause_time_max"] = percentile(copy, 100);
}

void reclaim_snapshot(benchmark::State& state) {
  const int nodes = static_cast<int>(state.range(0));
  reclaim_pause<target::ClusterSnapshot>(state, [nodes] { return cluster_snapshot(nodes); });
}

void reclaim_json_dom(benchmark::State& state) {
  const std::string body = render_payload(Payload::nodes, static_cast<int>(state.range(0)));
  reclaim_pause<nlohmann::json>(state, [&body] { return nlohmann::json::parse(body); });
}

constexpr int kCounters = 256;  // 32 cache lines of counters

// Every thread increments the same atomics: the cache lines bounce between cores.
void concurrent_shared(benchmark::State& state) {
  static std::array<std::atomic<std::uint64_t>, kCounters> shared{};
  for (auto _ : state) {
    for (auto& c : shared) c.fetch_add(1, std::memory_order_relaxed);
  }
  state.SetItemsProcessed(state.iterations() * kCounters);
}

// Every thread increments its own counters and merges once at the end (h2load style).
void concurrent_per_thread(benchmark::State& state) {
  static std::array<std::atomic<std::uint64_t>, kCounters> totals{};
  std::array<std::uint64_t, kCounters> local{};
  for (auto _ : state) {
    for (auto& c : local) benchmark::DoNotOptimize(++c);
  }
  for (int i = 0; i < kCounters; ++i) totals[i].fetch_add(local[i], std::memory_order_relaxed);
  state.SetItemsProcessed(state.iterations() * kCounters);
}

}  // namespace

void register_memory_benchmarks(const SuiteConfig& config) {
  (void)config;
  benchmark::RegisterBenchmark("memory/allocation/mixed", allocation);
  const std::vector<std::int64_t> sizes{1000, 5000};
  for (const auto& [name, payload] : {std::pair{"nodes", Payload::nodes}, std::pair{"jobs", Payload::jobs}}) {
    auto* s = benchmark::RegisterBenchmark((std::string("memory/json_serialize/") + name).c_str(), json_serialize,
                                           payload);
    auto* d = benchmark::RegisterBenchmark((std::string("memory/json_deserialize/") + name).c_str(),
                                           json_deserialize, payload);
    for (auto size : sizes) {
      s->Arg(size);
      d->Arg(size);
    }
    s->Unit(benchmark::kMillisecond);
    d->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("memory/reclaim_pause/snapshot", reclaim_snapshot)
      ->Arg(5000)
      ->Unit(benchmark::kMicrosecond)
      ->ComputeStatistics("p99", p99_statistic);
  benchmark::RegisterBenchmark("memory/reclaim_pause/json_dom", reclaim_json_dom)
      ->Arg(5000)
      ->Unit(benchmark::kMillisecond)
      ->ComputeStatistics("p99", p99_statistic);
  for (auto* b : {benchmark::RegisterBenchmark("memory/concurrent_access/shared", concurrent_shared),
                  benchmark::RegisterBenchmark("memory/concurrent_access/per_thread", concurrent_per_thread)}) {
    b->Threads(1)->Threads(2)->Threads(4)->UseRealTime();
  }
}

}  // namespace perfval::bench
