// scalability/: /metrics for 1K..10K-node clusters, 10^4..10^6 series in a prometheus-cpp registry (memory per
// series, render time), concurrent scrapers against the embedded target, and resident memory while serving.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <map>
#include <memory>
#include <optional>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <string>
#include <vector>

#include "perfval/bench/alloc_stats.hpp"
#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/loopback_client.hpp"
#include "perfval/bench/proc_stats.hpp"
#include "perfval/target/cluster.hpp"
#include "perfval/target/metrics_renderer.hpp"
#include "suite.hpp"

namespace perfval::bench {
namespace {

// One simulation step, a snapshot and the full /metrics body: the exporter's work per collection.
void cluster_metrics(benchmark::State& state) {
  static std::map<int, std::unique_ptr<target::Cluster>> clusters;
  const int nodes = static_cast<int>(state.range(0));
  auto& cluster = clusters[nodes];
  if (!cluster) {
    target::ClusterOptions options;
    options.nodes = nodes;
    cluster = std::make_unique<target::Cluster>(options);
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    cluster->step();
    const target::ClusterSnapshot snapshot = cluster->snapshot();
    std::string body = target::render_metrics(snapshot);
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  state.counters["body_bytes"] = static_cast<double>(bytes) / static_cast<double>(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(state.iterations() * nodes);
  state.SetComplexityN(nodes);
}

// A registry holding `series` gauges (10 per node), and what holding them costs.
struct Cardinality {
  int series = 0;                                  // gauges in the registry
  std::shared_ptr<prometheus::Registry> registry;  // the exporter's registry
  double bytes_per_series = 0;                     // heap bytes held per gauge, bytes
};

const Cardinality& cardinality_fixture(int series) {
  static std::unique_ptr<Cardinality> current;  // one size at a time: 10^6 series hold hundreds of MB
  if (current && current->series == series) return *current;
  current.reset();
  auto c = std::make_unique<Cardinality>();
  c->series = series;
  const auto before = thread_allocations().net_bytes();
  c->registry = std::make_shared<prometheus::Registry>();
  auto& family = prometheus::BuildGauge().Name("slurm_node_metric").Help("per-node series").Register(*c->registry);
  for (int i = 0; i < series; ++i) {
    family.Add({{"node", "node" + std::to_string(100000 + i / 10)}, {"metric", "m" + std::to_string(i % 10)}})
        .Set(static_cast<double>(i));
  }
  c->bytes_per_series = static_cast<double>(thread_allocations().net_bytes() - before) / series;
  current = std::move(c);
  return *current;
}

void cardinality(benchmark::State& state) {
  const Cardinality& c = cardinality_fixture(static_cast<int>(state.range(0)));
  const prometheus::TextSerializer serializer;
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string body = serializer.Serialize(c.registry->Collect());
    bytes += body.size();
    benchmark::DoNotOptimize(body.data());
  }
  if (allocation_hook_installed()) state.counters["bytes_per_series"] = c.bytes_per_series;
  state.SetItemsProcessed(state.iterations() * c.series);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetComplexityN(c.series);
}

std::optional<Endpoint> reach(benchmark::State& state, bool embedded_only, int nodes) {
  try {
    return embedded_only ? embedded_target(nodes) : benchmark_target(nodes);
  } catch (const std::exception& e) {
    state.SkipWithError((std::string("cannot start the embedded target: ") + e.what()).c_str());
    return std::nullopt;
  }
}

// Each thread is one scraper with its own keep-alive connection, scraping /metrics back to back.
void concurrent_scrapers(benchmark::State& state) {
  const auto endpoint = reach(state, false, static_cast<int>(state.range(0)));
  if (!endpoint) return;
  LoopbackClient client(*endpoint, {});
  std::size_t bytes = 0;
  if (!run_rounds(state, client, "/metrics", nullptr, &bytes)) return;
  state.counters["scrapes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

// Peak resident memory of this process (target and clients) while 8 scrapers pull /metrics at once.
void memory_under_load(benchmark::State& state) {
  const auto endpoint = reach(state, true, static_cast<int>(state.range(0)));
  if (!endpoint) return;
  ClientOptions options;
  options.connections = 8;
  LoopbackClient client(*endpoint, options);
  malloc_trim(0);  // start from what is live, not from what earlier benchmarks left in malloc's free lists
  const bool reset = reset_peak_resident_memory();
  const ResidentMemory before = resident_memory();
  std::size_t bytes = 0;
  if (!run_rounds(state, client, "/metrics", nullptr, &bytes)) return;
  const ResidentMemory after = resident_memory();
  state.counters["peak_rss_bytes"] = static_cast<double>(reset ? after.peak_bytes : after.current_bytes);
  state.counters["rss_growth_bytes"] = static_cast<double>(after.current_bytes - before.current_bytes);
  state.counters["scrapes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations() * options.connections), benchmark::Counter::kIsRate);
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}

}  // namespace

void register_scalability_benchmarks(const SuiteConfig& config) {
  benchmark::RegisterBenchmark("scalability/cluster_metrics", cluster_metrics)
      ->Arg(1000)
      ->Arg(5000)
      ->Arg(10000)
      ->Complexity(benchmark::oN)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("scalability/concurrent_scrapers", concurrent_scrapers)
      ->Arg(1000)
      ->Threads(1)
      ->Threads(2)
      ->Threads(4)
      ->Threads(8)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("scalability/memory_under_load", memory_under_load)
      ->Arg(5000)
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
  // Last: 10^6 series leave the heap fragmented, which would inflate the resident memory figures above.
  auto* c = benchmark::RegisterBenchmark("scalability/cardinality", cardinality)->Arg(10000)->Arg(100000);
  if (!config.quick) c->Arg(1000000);
  c->Complexity(benchmark::oN)->Unit(benchmark::kMillisecond);
}

}  // namespace perfval::bench
