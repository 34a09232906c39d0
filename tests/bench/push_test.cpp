// The Pushgateway exposition of a Google Benchmark document: means per counter, failures, the allocation gauge.
#include "perfval/bench/push.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "perfval/bench/prom_text.hpp"
#include "perfval/common/error.hpp"

namespace perfval::bench {
namespace {

using nlohmann::json;

json row(const std::string& name, double real_time, const std::string& unit, json counters) {
  json r = {{"name", name}, {"run_name", name}, {"run_type", "iteration"}, {"real_time", real_time},
            {"cpu_time", real_time}, {"time_unit", unit}, {"iterations", 10}};
  r.update(counters);
  return r;
}

TEST(Push, ExpositionHasMeansFailuresAndTheAllocationGauge) {
  json doc = {{"benchmarks", json::array()}};
  auto& rows = doc["benchmarks"];
  rows.push_back(row("memory/allocation/mixed", 40, "us", {{"allocations_per_second", 3e7}}));
  rows.push_back(row("memory/allocation/mixed", 60, "us", {{"allocations_per_second", 5e7}}));
  rows.push_back({{"name", "memory/allocation/mixed_mean"}, {"run_name", "memory/allocation/mixed"},
                  {"run_type", "aggregate"}, {"aggregate_name", "mean"}, {"real_time", 999}});
  rows.push_back({{"name", "network/x"}, {"run_name", "network/x"}, {"run_type", "iteration"},
                  {"error_occurred", true}, {"error_message", "connect refused"}});
  const std::string text = benchmark_exposition(doc, "slurm");
  std::map<std::string, double> series;
  parse_prometheus_text(text, [&](const PromSample& s) {
    std::string key(s.name);
    for (const auto& l : s.labels) key += "," + std::string(l.name) + "=" + unescape_label_value(l.raw_value);
    series[key] = s.value;
  });
  EXPECT_EQ(series.at("slurm_benchmark_value,benchmark=memory/allocation/mixed,counter=allocations_per_second"), 4e7);
  EXPECT_EQ(series.at("slurm_benchmark_value,benchmark=memory/allocation/mixed,counter=real_time_ns"), 50000);
  EXPECT_EQ(series.at("slurm_benchmark_failed,benchmark=memory/allocation/mixed"), 0);
  EXPECT_EQ(series.at("slurm_benchmark_failed,benchmark=network/x"), 1);
  EXPECT_EQ(series.at("slurm_benchmark_memory_allocs_per_second"), 4e7);
  EXPECT_EQ(series.count("slurm_benchmark_value,benchmark=network/x,counter=real_time_ns"), 0u);
}

TEST(Push, NamesAreValidated) {
  EXPECT_NO_THROW(check_metric_prefix("perfval_ci", "--metric-prefix"));
  EXPECT_THROW(check_metric_prefix("9lives", "--metric-prefix"), Error);
  EXPECT_THROW(check_metric_prefix("a-b", "--metric-prefix"), Error);
  EXPECT_NO_THROW(check_job_name("benchmark-memory", "--push-job"));
  EXPECT_THROW(check_job_name("a/b", "--push-job"), Error);
}

TEST(Push, UnreachableGatewayIsAnErrorNamingIt) {
  try {
    push_to_gateway("http://127.0.0.1:1", "job", "x 1\n");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("--pushgateway: cannot push to http://127.0.0.1:1"));
    EXPECT_EQ(e.exit_code(), exit_code::internal_error);
  }
}

}  // namespace
}  // namespace perfval::bench
