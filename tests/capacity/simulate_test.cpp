// Tests of src/capacity/simulate.cpp: cluster growth, SLA tiers by size, scenario multipliers.
#include "perfval/capacity/simulate.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "perfval/common/error.hpp"

namespace perfval::capacity {
namespace {

TEST(Simulate, ClusterGrowthAndTiers) {
  const CapacityConfig c = default_config();
  EXPECT_EQ(nodes_at(c.simulation, 0), 1000);
  EXPECT_EQ(nodes_at(c.simulation, 90), 3000);
  EXPECT_EQ(nodes_at(c.simulation, 180), 5000);
  EXPECT_EQ(nodes_at(c.simulation, 365), 10000);
  EXPECT_EQ(nodes_at(c.simulation, 500), 10000);
  EXPECT_EQ(tier_for(c.simulation, 500).name, "small");
  EXPECT_EQ(tier_for(c.simulation, 1000).name, "medium");
  EXPECT_EQ(tier_for(c.simulation, 5000).name, "medium");
  EXPECT_EQ(tier_for(c.simulation, 5001).name, "large");
  EXPECT_EQ(tier_for(c.simulation, 10000).p95_ms, 10000);
}

TEST(Simulate, ScenariosScaleGrowth) {
  const CapacityConfig c = default_config();
  const Throughput tp{150, "config"};
  const auto lo = simulate(c, "conservative", nullptr, tp);
  const auto mid = simulate(c, "expected", nullptr, tp);
  const auto hi = simulate(c, "aggressive", nullptr, tp);
  ASSERT_EQ(mid.points.size(), 4u);
  EXPECT_EQ(mid.points[3].day, 365);
  EXPECT_EQ(mid.points[3].tier.name, "large");
  EXPECT_EQ(mid.points[0].tier.name, "medium");
  for (int k = 0; k < 5; ++k) {
    EXPECT_LT(lo.points[3].values[k], mid.points[3].values[k]);
    EXPECT_LT(mid.points[3].values[k], hi.points[3].values[k]);
  }
  // cardinality: 12000 series x 1.15^(365/30) organic x (10000/1000)^1.0 nodes.
  EXPECT_NEAR(mid.points[3].values[2], 12000 * std::pow(1.15, 365.0 / 30) * 10, 1);
  EXPECT_GT(mid.points[3].replicas, mid.points[0].replicas);
  EXPECT_FALSE(hi.points[3].breaches.empty());
}

TEST(Simulate, FittedMetricsReplaceTheConfiguredBaseline) {
  const CapacityConfig c = default_config();
  CapacityReport report;
  MetricResult cpu;
  cpu.name = "cpu";
  cpu.kind = MetricKind::cpu;
  cpu.current = 50;
  cpu.growth_pct = 21;  // over a 60-day horizon: 10 % per 30 days
  cpu.horizon_days = 60;
  report.metrics.push_back(cpu);
  const auto r = simulate(c, "expected", &report, {150, "config"});
  EXPECT_EQ(r.base[0], 50);
  EXPECT_NEAR(r.monthly_growth_pct[0], 10, 1e-9);
  EXPECT_EQ(r.base[1], c.simulation.baseline[1]);
  EXPECT_NE(r.basis.find("cpu"), std::string::npos);
}

TEST(Simulate, UnknownScenarioSuggestsTheNearestName) {
  try {
    simulate(default_config(), "agressive", nullptr, {150, "config"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"aggressive\""), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace perfval::capacity
