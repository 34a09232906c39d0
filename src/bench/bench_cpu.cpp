// cpu/: Prometheus text render and parse, regex matching (std::regex vs Boost.Regex), concurrent collectors
// updating a prometheus-cpp registry, and JSON parsing throughput without a DOM.
#include <benchmark/benchmark.h>

#include <boost/regex.hpp>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <regex>
#include <string>
#include <vector>

#include "perfval/bench/fixtures.hpp"
#include "perfval/bench/json_scan.hpp"
#include "perfval/common/prom_text.hpp"
#include "perfval/target/metrics_renderer.hpp"
#include "perfval/target/slurm_api.hpp"
#include "suite.hpp"

namespace perfval::bench {
namespace {

std::size_t count_samples(const std::string& text) {
  return parse_prometheus_text(text, [](const PromSample&) {}).samples;
}

// Render and parse one /metrics body: what an exporter plus a scraper do per scrape.
void metric_processing(benchmark::State& state) {
  const auto& snapshot = cluster_snapshot(static_cast<int>(state.range(0)));
  std::size_t samples = 0;
  double checksum = 0;
  for (auto _ : state) {
    const std::string body = target::render_cluster_metrics(snapshot);
    samples += parse_prometheus_text(body, [&checksum](const PromSample& s) { checksum += s.value; }).samples;
  }
  benchmark::DoNotOptimize(checksum);
  state.counters["metrics_processed_per_second"] = benchmark::Counter(static_cast<double>(samples),
                                                                      benchmark::Counter::kIsRate);
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
}

void metric_render(benchmark::State& state) {
  const auto& snapshot = cluster_snapshot(static_cast<int>(state.range(0)));
  const std::size_t samples = count_samples(target::render_cluster_metrics(snapshot));
  std::size_t bytes = 0;
  for (auto _ : state) {
    with_extra_work([&] {
      std::string body = target::render_cluster_metrics(snapshot);
      bytes += body.size();
      benchmark::DoNotOptimize(body.data());
    });
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(samples));
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetComplexityN(state.range(0));
}

void metric_parse(benchmark::State& state) {
  const std::string body = target::render_cluster_metrics(cluster_snapshot(static_cast<int>(state.range(0))));
  std::size_t samples = 0;
  for (auto _ : state) {
    with_extra_work([&] {
      std::size_t labels = 0;
      samples += parse_prometheus_text(body, [&labels](const PromSample& s) { labels += s.labels.size(); }).samples;
      benchmark::DoNotOptimize(labels);
    });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(samples));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.SetComplexityN(state.range(0));
}

// Sample lines of a 1000-node body split into metric names and label sets, the inputs of a relabel rule.
struct RegexInput {
  std::vector<std::string> names;
  std::vector<std::string> label_sets;
};

const RegexInput& regex_input() {
  static const RegexInput input = [] {
    RegexInput in;
    const std::string body = target::render_cluster_metrics(cluster_snapshot(1000));
    parse_prometheus_text(body, [&in](const PromSample& s) {
      in.names.emplace_back(s.name);
      std::string labels;
      for (const auto& l : s.labels) labels += std::string(l.name) + "=\"" + std::string(l.raw_value) + "\",";
      in.label_sets.push_back(std::move(labels));
    });
    return in;
  }();
  return input;
}

// An allow-list of metric families (anchored, like metric_relabel_configs) and a label filter (searched).
constexpr const char* kNamePattern = "slurm_(node|partition)_(cpus|memory|alloc)[a-z_]*";
constexpr const char* kLabelPattern = "partition=\"(gpu|bigmem)\".*state=\"(idle|mixed)\"";

enum class Input { names, labels };

template <typename Regex, typename MatchFn>
void regex_bench(benchmark::State& state, Input which, MatchFn match) {
  const auto& in = regex_input();
  const auto& lines = which == Input::names ? in.names : in.label_sets;
  const Regex re(which == Input::names ? kNamePattern : kLabelPattern);
  std::size_t matched = 0;
  for (auto _ : state) {
    matched = 0;
    for (const auto& line : lines) matched += match(line, re) ? 1 : 0;
    benchmark::DoNotOptimize(matched);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(lines.size()));
  state.counters["lines_matched"] = static_cast<double>(matched);
  state.counters["lines"] = static_cast<double>(lines.size());
}

void regex_std(benchmark::State& state, Input which) {
  regex_bench<std::regex>(state, which, [which](const std::string& s, const std::regex& re) {
    return which == Input::names ? std::regex_match(s, re) : std::regex_search(s, re);
  });
}

void regex_boost(benchmark::State& state, Input which) {
  regex_bench<boost::regex>(state, which, [which](const std::string& s, const boost::regex& re) {
    return which == Input::names ? boost::regex_match(s, re) : boost::regex_search(s, re);
  });
}

// N collectors (threads) each setting gauges for its share of 1000 nodes, looked up by labels every time as
// an exporter's collect loop does; the family's lock is the shared point.
void concurrent_collection(benchmark::State& state) {
  static auto registry = std::make_shared<prometheus::Registry>();
  static auto& family = prometheus::BuildGauge().Name("perfval_node_cpu_load").Help("load").Register(*registry);
  constexpr int kNodes = 1000;
  const int threads = state.threads();
  const int first = state.thread_index() * kNodes / threads;
  const int last = (state.thread_index() + 1) * kNodes / threads;
  std::vector<std::string> names;
  for (int i = first; i < last; ++i) names.push_back("node" + std::to_string(10000 + i));
  double v = 0;
  for (auto _ : state) {
    v += 1.0;
    for (const auto& n : names) family.Add({{"node", n}, {"cluster", "perfval"}}).Set(v);
  }
  state.counters["updates_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(names.size()),
                         benchmark::Counter::kIsRate);
}

void json_parse(benchmark::State& state, bool nodes) {
  const auto& snapshot = cluster_snapshot(static_cast<int>(state.range(0)));
  const std::string body = nodes ? target::render_nodes_json(snapshot) : target::render_jobs_json(snapshot);
  std::size_t values = 0;
  for (auto _ : state) {
    with_extra_work([&] {
      const JsonShape shape = scan_json(body);
      values += shape.values();
      benchmark::DoNotOptimize(values);
    });
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(body.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
}

}  // namespace

void register_cpu_benchmarks(const SuiteConfig& config) {
  const std::vector<std::int64_t> sizes =
      config.quick ? std::vector<std::int64_t>{1000, 5000} : std::vector<std::int64_t>{1000, 5000, 10000};
  benchmark::RegisterBenchmark("cpu/metric_processing", metric_processing)->Arg(1000)->Unit(benchmark::kMillisecond);
  for (auto* b : {benchmark::RegisterBenchmark("cpu/metric_render", metric_render),
                  benchmark::RegisterBenchmark("cpu/metric_parse", metric_parse)}) {
    for (auto n : sizes) b->Arg(n);
    b->Complexity(benchmark::oN)->Unit(benchmark::kMillisecond);
  }
  for (const auto& [what, input] : {std::pair{"metric_names", Input::names}, std::pair{"label_filter", Input::labels}}) {
    benchmark::RegisterBenchmark((std::string("cpu/regex_std/") + what).c_str(), regex_std, input)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark((std::string("cpu/regex_boost/") + what).c_str(), regex_boost, input)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::RegisterBenchmark("cpu/concurrent_collection", concurrent_collection)
      ->Threads(1)
      ->Threads(2)
      ->Threads(4)
      ->UseRealTime()
      ->Unit(benchmark::kMicrosecond);
  for (const auto& [what, nodes] : {std::pair{"nodes", true}, std::pair{"jobs", false}}) {
    benchmark::RegisterBenchmark((std::string("cpu/json_parse/") + what).c_str(), json_parse, nodes)
        ->Arg(1000)
        ->Arg(5000)
        ->Unit(benchmark::kMillisecond);
  }
}

}  // namespace perfval::bench
