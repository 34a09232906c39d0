// Pushgateway gauges from Google Benchmark JSON: medians of the repetition rows per benchmark and counter.
#include "perfval/bench/push.hpp"

#include <algorithm>
#include <set>

namespace perfval::bench {
namespace {

using nlohmann::json;

// Fields of a row that are not measurements.
const std::set<std::string> kNotMeasurements{
    "name", "run_name", "run_type", "aggregate_name", "aggregate_unit", "repetitions", "repetition_index", "threads",
    "iterations", "real_time", "cpu_time", "time_unit", "error_occurred", "error_message", "family_index",
    "per_family_instance_index", "label", "big_o", "rms", "complexity_n"};

double to_ns(double value, const std::string& unit) {
  if (unit == "us") return value * 1e3;
  if (unit == "ms") return value * 1e6;
  if (unit == "s") return value * 1e9;
  return value;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

std::vector<BenchGauge> benchmark_gauges(const json& doc, const std::string& prefix, std::int64_t run_started_unix) {
  std::map<std::string, std::map<std::string, std::vector<double>>> values;  // benchmark -> counter -> samples
  for (const auto& row : doc.value("benchmarks", json::array())) {
    if (row.value("run_type", "iteration") != "iteration" || row.value("error_occurred", false)) continue;
    auto& counters = values[row.value("run_name", row.value("name", ""))];
    if (row.contains("real_time") && row["real_time"].is_number())
      counters["real_time_ns"].push_back(to_ns(row["real_time"].get<double>(), row.value("time_unit", "ns")));
    for (auto it = row.begin(); it != row.end(); ++it)
      if (!kNotMeasurements.count(it.key()) && it->is_number()) counters[it.key()].push_back(it->get<double>());
  }
  std::vector<BenchGauge> out;
  const std::string value_help = "perfval bench: median over repetitions of a benchmark's time or counter";
  for (const auto& [bench, counters] : values)
    for (const auto& [counter, samples] : counters)
      out.push_back({prefix + "_benchmark_value", value_help, {{"benchmark", bench}, {"counter", counter}}, median(samples)});
  for (const auto& [bench, counters] : values) {
    const auto it = counters.find("allocations_per_second");
    if (bench.rfind("memory/allocation/", 0) != 0 || it == counters.end()) continue;
    out.push_back({prefix + "_benchmark_memory_allocs_per_second", "allocations per second (memory/allocation)", {},
                   median(it->second)});
    break;
  }
  out.push_back({prefix + "_last_benchmark_timestamp", "Unix seconds of the perfval bench run", {},
                 static_cast<double>(run_started_unix)});
  return out;
}

}  // namespace perfval::bench
