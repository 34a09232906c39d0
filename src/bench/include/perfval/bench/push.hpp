// Benchmark results as Prometheus gauges for the Pushgateway (names and meaning: docs/metrics.md). The push
// itself is perfval::report's, shared with the other commands.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace perfval::bench {

struct BenchGauge {
  std::string name;                           // full metric name, prefix included
  std::string help;                           // HELP text
  std::map<std::string, std::string> labels;  // benchmark, counter (job/instance are added by the push)
  double value = 0;                           // median over repetitions, in the counter's unit
};

// From a Google Benchmark JSON document: PREFIX_benchmark_value{benchmark,counter} for every counter plus
// counter="real_time_ns", PREFIX_benchmark_memory_allocs_per_second from memory/allocation, and
// PREFIX_last_benchmark_timestamp = `run_started_unix` (seconds). Failed benchmarks contribute nothing.
std::vector<BenchGauge> benchmark_gauges(const nlohmann::json& doc, const std::string& prefix,
                                         std::int64_t run_started_unix);

}  // namespace perfval::bench
