// Tests of src/capacity/config.cpp: the shipped config's defaults and errors that name file, line and field.
#include "perfval/capacity/config.hpp"
#include "perfval/capacity/analysis.hpp"

#include <gtest/gtest.h>

#include "perfval/common/error.hpp"

namespace perfval::capacity {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_config(yaml, "cap.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

const MetricConfig& metric(const CapacityConfig& c, MetricKind k) {
  for (const auto& m : c.metrics) {
    if (m.kind == k) return m;
  }
  throw std::runtime_error("metric missing");
}

TEST(CapacityConfig, ShippedFileHasTheDocumentedDefaults) {
  const CapacityConfig c = load_config(std::string(PERFVAL_SOURCE_DIR) + "/baselines/capacity-planning.yaml");
  ASSERT_EQ(c.metrics.size(), 5u);
  EXPECT_EQ(metric(c, MetricKind::cpu).horizon_days, 30);
  EXPECT_EQ(metric(c, MetricKind::cpu).growth_threshold_pct, 15);
  EXPECT_EQ(metric(c, MetricKind::cpu).capacity_threshold, 80);
  EXPECT_EQ(metric(c, MetricKind::memory).capacity_threshold, 85);
  EXPECT_EQ(metric(c, MetricKind::memory).growth_threshold_pct, 20);
  EXPECT_EQ(metric(c, MetricKind::cardinality).horizon_days, 60);
  EXPECT_EQ(metric(c, MetricKind::cardinality).capacity_threshold, 40000);
  EXPECT_EQ(metric(c, MetricKind::requests).horizon_days, 45);
  EXPECT_EQ(metric(c, MetricKind::requests).capacity_threshold, 1000);
  EXPECT_EQ(metric(c, MetricKind::storage).horizon_days, 90);
  EXPECT_EQ(metric(c, MetricKind::storage).growth_threshold_pct, 10);
  EXPECT_EQ(c.scaling.cpu.limit, 1000);
  EXPECT_EQ(c.scaling.cpu.increment, 500);
  EXPECT_EQ(c.scaling.cpu.max, 4000);
  EXPECT_EQ(c.scaling.memory.limit, 1024.0 * 1024 * 1024);
  EXPECT_EQ(c.scaling.memory.increment, 512.0 * 1024 * 1024);
  EXPECT_EQ(c.scaling.memory.max, 8.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(c.scaling.replicas.min, 3);
  EXPECT_EQ(c.scaling.replicas.max, 10);
  EXPECT_EQ(c.scaling.replicas.recommended_max, 20);
  EXPECT_EQ(c.simulation.scenarios.size(), 3u);
  EXPECT_EQ(c.simulation.sla_tiers.size(), 3u);
}

TEST(CapacityConfig, BuiltInDefaultsMatchTheTableWhenAMetricOnlyNamesItsQuery) {
  const CapacityConfig c = parse_config("metrics:\n  storage:\n    query: up\n", "cap.yaml");
  ASSERT_EQ(c.metrics.size(), 1u);
  EXPECT_EQ(c.metrics[0].horizon_days, 90);
  EXPECT_EQ(c.metrics[0].capacity_threshold, 80);
  EXPECT_EQ(c.metrics[0].query, "up");
  EXPECT_EQ(c.metrics[0].column, "storage");
}

TEST(CapacityConfig, MisspelledKeyNamesLineFieldAndSuggestion) {
  const std::string e = error_of("metrics:\n  cpu:\n    horizn: 30d\n");
  EXPECT_NE(e.find("cap.yaml:3:5: metrics.cpu.horizn: unknown key"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean \"horizon\""), std::string::npos) << e;
}

TEST(CapacityConfig, UnknownMetricSuggestsTheKnownOne) {
  const std::string e = error_of("metrics:\n  memroy: {}\n");
  EXPECT_NE(e.find("cap.yaml:2:3"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean \"memory\""), std::string::npos) << e;
}

TEST(CapacityConfig, BadValuesNameTheirField) {
  EXPECT_NE(error_of("metrics:\n  cpu:\n    horizon: soon\n").find("cap.yaml:3:14: metrics.cpu.horizon: expected a positive duration"),
            std::string::npos);
  EXPECT_NE(error_of("metrics:\n  cpu: {capacity_threshold: 90, hard_limit: 50}\n").find("metrics.cpu.hard_limit: must not be below"),
            std::string::npos);
  EXPECT_NE(error_of("scaling:\n  cpu: {limit: lots}\n").find("scaling.cpu.limit: expected CPU"), std::string::npos);
  EXPECT_NE(error_of("metrics:\n  cpu: {aggregate: total}\n").find("metrics.cpu.aggregate: expected one of each, sum"),
            std::string::npos);
  EXPECT_NE(error_of("intervals: [80, 120]\n").find("intervals[1]"), std::string::npos);
}

TEST(CapacityConfig, MeasuredThroughputIsAPathBesideTheConfigAndExcludesATypedOne) {
  const CapacityConfig c = parse_config("scaling:\n  replicas: {measured: runs/summary.json}\n", "conf/cap.yaml");
  EXPECT_EQ(c.scaling.replicas.measured, "runs/summary.json");
  EXPECT_EQ(measured_path(c), "conf/runs/summary.json");
  EXPECT_NE(error_of("scaling:\n  replicas: {per_replica_rps: 100, measured: s.json}\n")
                .find("scaling.replicas.measured: give per_replica_rps or measured, not both"),
            std::string::npos);
  EXPECT_EQ(measured_path(parse_config("scaling:\n  replicas: {measured: /abs/s.json}\n", "conf/cap.yaml")), "/abs/s.json");
}

TEST(CapacityConfig, UnitsOfScaling) {
  const CapacityConfig c = parse_config("scaling:\n  cpu: {limit: 1.5, increment: 250m, max: 4}\n  memory: {limit: 2Gi, increment: 256Mi, max: 16Gi}\n", "cap.yaml");
  EXPECT_EQ(c.scaling.cpu.limit, 1500);
  EXPECT_EQ(c.scaling.cpu.increment, 250);
  EXPECT_EQ(c.scaling.cpu.max, 4000);
  EXPECT_EQ(c.scaling.memory.limit, 2.0 * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_days("2w").value(), 14);
  EXPECT_EQ(parse_days("36h").value(), 1.5);
  EXPECT_FALSE(parse_days("x").has_value());
}

}  // namespace
}  // namespace perfval::capacity
