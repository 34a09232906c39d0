// Tests for how a run's target resources are reported: console lines and pushed Prometheus metrics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "perfval/report/prometheus.hpp"
#include "perfval/report/run_console.hpp"

namespace perfval::report {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

loadgen::RunSummary summary_reading(bool with_data) {
  loadgen::RunSummary s;
  s.name = "res";
  s.duration = 2;
  s.catalog.entries.push_back({"res", "r"});
  s.totals = loadgen::Stats(1);
  loadgen::ResourceTracker tracker("metrics_url http://127.0.0.1:9100/metrics");
  loadgen::ResourceReading r;
  if (with_data) {
    for (int i = 0; i < 3; ++i) {
      r.t = i;
      r.memory_bytes = (64 + 32 * i) * 1048576.0;
      r.cpu_seconds = 0.25 * i;
      r.gc_quantiles = {{0.5, 0.0001}, {1.0, 0.002}};
      tracker.add(r);
    }
  } else {
    r.error = "connect: Connection refused";
    tracker.add(r);
  }
  s.resources = tracker.summary();
  return s;
}

const PushedMetric* find(const std::vector<PushedMetric>& ms, const std::string& name) {
  for (const auto& m : ms)
    if (m.name == name) return &m;
  return nullptr;
}

TEST(RunResourcesReport, ConsoleShowsMemoryCpuAndGcOfTheTarget) {
  const std::string out = render_run_summary(summary_reading(true));
  EXPECT_THAT(out, HasSubstr("target_memory_bytes.............: max=128Mi avg=96Mi last=128Mi"));
  EXPECT_THAT(out, HasSubstr("target_cpu_cores................: avg=0.250 max=0.250"));
  EXPECT_THAT(out, HasSubstr("target_gc_pause.................: max=2.00ms"));
  EXPECT_THAT(out, HasSubstr("target: metrics_url http://127.0.0.1:9100/metrics, 3 readings"));
}

TEST(RunResourcesReport, ConsoleSaysWhyThereIsNoData) {
  const std::string out = render_run_summary(summary_reading(false));
  EXPECT_THAT(out, HasSubstr("target_memory_bytes.............: no data: connect: Connection refused (1 of 1 readings failed)"));
  EXPECT_THAT(out, Not(HasSubstr("target_cpu_cores")));
}

TEST(RunResourcesReport, PushedMetricsOnlyForFiguresWithData) {
  const auto pushed = load_test_metrics(summary_reading(true), "slurm");
  ASSERT_TRUE(find(pushed, "slurm_load_test_target_memory_bytes"));
  EXPECT_DOUBLE_EQ(find(pushed, "slurm_load_test_target_memory_bytes")->value, 128 * 1048576.0);
  EXPECT_DOUBLE_EQ(find(pushed, "slurm_load_test_target_cpu_cores")->value, 0.25);
  EXPECT_DOUBLE_EQ(find(pushed, "slurm_load_test_target_gc_pause_max_seconds")->value, 0.002);
  const auto none = load_test_metrics(summary_reading(false), "slurm");
  EXPECT_FALSE(find(none, "slurm_load_test_target_memory_bytes")) << "no data is not pushed as 0";
  EXPECT_DOUBLE_EQ(find(none, "slurm_load_test_target_resource_errors")->value, 1);
  loadgen::RunSummary unsampled = summary_reading(false);
  unsampled.resources = loadgen::ResourceSummary{};
  EXPECT_FALSE(find(load_test_metrics(unsampled, "slurm"), "slurm_load_test_target_resource_errors"));
}

}  // namespace
}  // namespace perfval::report
