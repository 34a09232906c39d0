// The Pushgateway gauges of a Google Benchmark document: medians per counter, the allocation gauge, the run time.
#include "perfval/bench/push.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace perfval::bench {
namespace {

using nlohmann::json;

json row(const std::string& name, double real_time, const std::string& unit, const json& counters) {
  json r = {{"name", name}, {"run_name", name}, {"run_type", "iteration"}, {"real_time", real_time},
            {"cpu_time", real_time}, {"time_unit", unit}, {"iterations", 10}};
  r.update(counters);
  return r;
}

std::map<std::string, double> by_key(const std::vector<BenchGauge>& gauges) {
  std::map<std::string, double> out;
  for (const auto& g : gauges) {
    std::string key = g.name;
    for (const auto& [k, v] : g.labels) key += "," + k + "=" + v;
    EXPECT_FALSE(out.count(key)) << "duplicate " << key;
    out[key] = g.value;
  }
  return out;
}

TEST(Push, MediansPerCounterAllocationGaugeAndRunTime) {
  json doc = {{"benchmarks", json::array()}};
  auto& rows = doc["benchmarks"];
  for (double t : {40.0, 70.0, 50.0}) rows.push_back(row("memory/allocation/mixed", t, "us", {{"allocations_per_second", t * 1e6}}));
  rows.push_back({{"name", "memory/allocation/mixed_mean"}, {"run_name", "memory/allocation/mixed"},
                  {"run_type", "aggregate"}, {"aggregate_name", "mean"}, {"real_time", 999}});
  rows.push_back({{"name", "network/x"}, {"run_name", "network/x"}, {"run_type", "iteration"},
                  {"error_occurred", true}, {"error_message", "connect refused"}});
  const auto g = by_key(benchmark_gauges(doc, "slurm", 1700000000));
  EXPECT_EQ(g.at("slurm_benchmark_value,benchmark=memory/allocation/mixed,counter=allocations_per_second"), 5e7);
  EXPECT_EQ(g.at("slurm_benchmark_value,benchmark=memory/allocation/mixed,counter=real_time_ns"), 50000);
  EXPECT_EQ(g.at("slurm_benchmark_memory_allocs_per_second"), 5e7);
  EXPECT_EQ(g.at("slurm_last_benchmark_timestamp"), 1700000000);
  for (const auto& [key, value] : g) EXPECT_EQ(key.find("network/x"), std::string::npos) << key;  // failed: absent
  EXPECT_EQ(g.size(), 4u);  // two counters of one benchmark, the allocation gauge, the timestamp
}

TEST(Push, PrefixIsApplied) {
  json doc = {{"benchmarks", json::array({row("cpu/a/1", 2, "ms", json::object())})}};
  const auto g = by_key(benchmark_gauges(doc, "perfval_ci", 1));
  EXPECT_EQ(g.at("perfval_ci_benchmark_value,benchmark=cpu/a/1,counter=real_time_ns"), 2e6);
  EXPECT_FALSE(g.count("perfval_ci_benchmark_memory_allocs_per_second"));
}

}  // namespace
}  // namespace perfval::bench
