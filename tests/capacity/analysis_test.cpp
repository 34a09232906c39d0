// Tests of src/capacity/analysis.cpp, recommend.cpp and report.cpp: time to limits, alerts, recommendations.
#include "perfval/capacity/analysis.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "perfval/capacity/report.hpp"
#include "perfval/common/error.hpp"

namespace perfval::capacity {
namespace {

constexpr double kDay = 86400;
constexpr double kT0 = 1'700'000'000;

// A noiseless-enough line sampled hourly: value(day) = a + b * day, with a small deterministic wiggle.
Series line(const std::string& metric, double a, double b, double days = 60) {
  Series s;
  s.metric = metric;
  for (int h = 0; h <= days * 24; ++h) {
    s.t.push_back(kT0 + h * 3600.0);
    s.v.push_back(a + b * h / 24.0 + 0.05 * ((h * 7919) % 13 - 6) / 6.0);
  }
  return s;
}

AnalysisInput input(MetricKind k, Series s) { return {default_metric(k), std::move(s)}; }

const Recommendation* find_rec(const CapacityReport& r, const std::string& resource) {
  for (const auto& x : r.recommendations) {
    if (x.resource == resource) return &x;
  }
  return nullptr;
}

TEST(Analysis, CpuCrossingItsThresholdWithinTheHorizonAlertsAndSaysWhen) {
  // 40 % + 0.5 %/day over 60 days: 70 % now, 80 % in 20 days, 85 % at the 30-day horizon.
  const CapacityConfig c = default_config();
  const auto report = analyze(c, {input(MetricKind::cpu, line("cpu", 40, 0.5))}, {150, "config"}, kT0);
  ASSERT_EQ(report.analysed, 1) << report.metrics[0].error;
  const MetricResult& m = report.metrics[0];
  EXPECT_NEAR(m.current, 70, 0.5);
  EXPECT_NEAR(m.projected, 85, 0.5);
  ASSERT_TRUE(m.days_to_threshold.has_value());
  EXPECT_NEAR(*m.days_to_threshold, 20, 0.5);
  EXPECT_FALSE(m.days_to_limit.has_value());  // 100 % would take 60 days
  EXPECT_NEAR(m.growth_pct, 15.0 / 70 * 100, 1);
  EXPECT_TRUE(m.growth_exceeded);
  EXPECT_TRUE(m.alert);
  EXPECT_EQ(report.exit_code(), exit_code::threshold_failed);
  // Peak ~85 % of 1000m = 850m; to stay under 80 % needs ~1063m -> 1500m (multiple of the 500m increment).
  const Recommendation* cpu = find_rec(report, "cpu_limit");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->recommended, "1500m");
  EXPECT_TRUE(cpu->change);
  EXPECT_TRUE(cpu->sufficient);
}

TEST(Analysis, SlowGrowthIsAnalysedWithoutAlert) {
  const auto report = analyze(default_config(), {input(MetricKind::cpu, line("cpu", 20, 0.1))}, {150, "config"}, kT0);
  EXPECT_FALSE(report.alert);
  EXPECT_EQ(report.exit_code(), exit_code::ok);
  EXPECT_FALSE(report.metrics[0].days_to_threshold.has_value());
  EXPECT_EQ(find_rec(report, "cpu_limit")->recommended, "1000m");
  EXPECT_FALSE(find_rec(report, "cpu_limit")->change);
}

TEST(Analysis, WhenTheMaximumIsNotEnoughItSaysSo) {
  // cpu at 300 % of 1000m and growing (a percent of the limit that may exceed 100: bounds.max none):
  // needs > 4000m even at the max.
  AnalysisInput in = input(MetricKind::cpu, line("cpu", 250, 2));
  in.metric.bound_max.reset();
  const auto report = analyze(default_config(), {in}, {150, "config"}, kT0);
  const Recommendation* cpu = find_rec(report, "cpu_limit");
  ASSERT_NE(cpu, nullptr);
  EXPECT_EQ(cpu->recommended, "4000m");
  EXPECT_FALSE(cpu->sufficient);
  EXPECT_NE(cpu->action.find("not enough"), std::string::npos) << cpu->action;
}

TEST(Analysis, MemoryLimitsRoundToTheIncrement) {
  // 90 % of 1Gi and flat-ish: peak ~0.92Gi / 0.85 = 1.08Gi -> 1.5Gi.
  const auto report = analyze(default_config(), {input(MetricKind::memory, line("memory", 88, 0.02))}, {150, "config"}, kT0);
  const Recommendation* mem = find_rec(report, "memory_limit");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(mem->recommended_value, 1.5 * 1024 * 1024 * 1024);
  EXPECT_EQ(mem->recommended, "1.5Gi");
}

TEST(Analysis, ReplicasFollowTheMeasuredThroughput) {
  const auto rps = input(MetricKind::requests, line("requests", 300, 5));  // ~825 rps at 45 days
  const auto configured = analyze(default_config(), {rps}, {150, "config"}, kT0);
  const auto measured = analyze(default_config(), {rps}, {50, "summary.json"}, kT0);
  const double peak = configured.metrics[0].peak_upper;
  EXPECT_EQ(find_rec(configured, "replicas")->recommended_value, std::ceil(peak / (150 * 0.8)));
  EXPECT_EQ(find_rec(measured, "replicas")->recommended_value, std::min(20.0, std::ceil(peak / (50 * 0.8))));
  EXPECT_NE(find_rec(measured, "replicas")->action.find("summary.json"), std::string::npos);
}

TEST(Analysis, BadMetricsAreReportedAndTheOthersStillAnalysed) {
  Series bad = line("memory", 10, 1);
  bad.v.resize(4);
  bad.t.resize(4);
  Series nan = line("storage", 10, 1);
  nan.error = "d.csv:5:3: storage: NaN value";
  const auto report = analyze(default_config(),
                              {input(MetricKind::cpu, line("cpu", 20, 0.1)), input(MetricKind::memory, bad),
                               input(MetricKind::storage, nan)},
                              {150, "config"}, kT0);
  EXPECT_EQ(report.analysed, 2);
  EXPECT_EQ(report.failed, 1);
  EXPECT_EQ(report.exit_code(), exit_code::ok);
  // Four points: no model, but a forecast (the last value) with a wide interval and the reason.
  EXPECT_EQ(report.metrics[1].method, "naive");
  EXPECT_DOUBLE_EQ(report.metrics[1].projected, bad.v.back());
  EXPECT_NE(report.metrics[1].reason.find("4 points are too few for a model"), std::string::npos) << report.metrics[1].reason;
  EXPECT_EQ(report.metrics[1].confidence, "low");
  EXPECT_EQ(report.metrics[2].error, "d.csv:5:3: storage: NaN value");
}

TEST(Analysis, NothingAnalysedIsBadInput) {
  Series broken = line("cpu", 10, 0);
  broken.error = "d.csv:3:5: cpu: negative value -1";
  const auto report = analyze(default_config(), {input(MetricKind::cpu, broken)}, {150, "config"}, kT0);
  EXPECT_EQ(report.exit_code(), exit_code::usage);
  EXPECT_EQ(report.metrics[0].error, "d.csv:3:5: cpu: negative value -1");
}

TEST(Analysis, ValuesOutsideTheBoundsAreKeptWithAWarningNamingFileAndLine) {
  Series s = line("cpu", 90, 1, 30);  // percent, rising through 100 after day 10
  s.file = "data.csv";
  for (std::size_t i = 0; i < s.t.size(); ++i) s.lines.push_back(static_cast<int>(i) + 2);
  const auto report = analyze(default_config(), {input(MetricKind::cpu, s)}, {150, "config"}, kT0);
  const MetricResult& r = report.metrics[0];
  ASSERT_TRUE(r.analysed()) << r.error;
  std::size_t above = 0, first = 0;
  for (std::size_t i = 0; i < s.v.size(); ++i) {
    if (s.v[i] > 100 && above++ == 0) first = i;
  }
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].find("data.csv:" + std::to_string(first + 2) + ": cpu: " + std::to_string(above) +
                               " values outside the bounds [0, 100]"),
            std::string::npos)
      << r.warnings[0];
  EXPECT_EQ(r.points, s.v.size());  // kept
  EXPECT_LE(r.projected, 100);
  for (const auto& i : r.intervals) EXPECT_LE(i.upper, 100);
  for (const auto& p : r.path) {
    EXPECT_LE(p.value, 100);
    for (const auto& i : p.intervals) EXPECT_LE(i.upper, 100);
  }
}

TEST(Analysis, ThroughputIsReadFromRunSummaries) {
  const auto dir = std::filesystem::temp_directory_path() / ("perfval_cap_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto a = (dir / "a.json").string(), b = (dir / "b.json").string(), bad = (dir / "bad.json").string();
  std::ofstream(a) << R"({"schema":"perfval/summary/v1","metrics":{"http_reqs":{"type":"counter","count":6000,"rate":100.0}}})";
  std::ofstream(b) << R"({"schema":"perfval/summary/v1","metrics":{"http_reqs":{"type":"counter","count":6000,"rate":200.0}}})";
  std::ofstream(bad) << R"({"schema":"something/else"})";
  const Throughput t = measured_throughput(default_config(), {a, b});
  EXPECT_DOUBLE_EQ(t.per_replica_rps, 150);
  EXPECT_NE(t.source.find("a.json"), std::string::npos);
  EXPECT_DOUBLE_EQ(measured_throughput(default_config(), {}).per_replica_rps, 150);
  EXPECT_THROW(measured_throughput(default_config(), {bad}), Error);
  std::filesystem::remove_all(dir);
}

TEST(Report, JsonCarriesSchemaMetricsAndRecommendations) {
  const auto report = analyze(default_config(),
                              {input(MetricKind::cpu, line("cpu", 40, 0.5)), input(MetricKind::storage, line("storage", 10, 0.01))},
                              {150, "config"}, kT0);
  const auto doc = nlohmann::json::parse(to_json(report));
  EXPECT_EQ(doc["schema"], "perfval/capacity/v1");
  EXPECT_EQ(doc["alert"], true);
  ASSERT_EQ(doc["metrics"].size(), 2u);
  EXPECT_EQ(doc["metrics"][0]["projected"]["intervals"].size(), 2u);
  EXPECT_TRUE(doc["metrics"][1]["capacity_threshold"]["days_until"].is_null());
  EXPECT_EQ(doc["metrics"][1]["capacity_threshold"]["within_horizon"], false);
  ASSERT_GE(doc["recommendations"].size(), 1u);
  EXPECT_EQ(doc["recommendations"][0]["resource"], "cpu_limit");
  EXPECT_EQ(doc["recommendations"][0]["recommended"], "1500m");
}

TEST(Report, MarkdownAndConsoleShowAlertsAndErrors) {
  Series bad = line("memory", 10, 1);
  bad.error = "memory: query returned no series";
  const auto report = analyze(default_config(),
                              {input(MetricKind::cpu, line("cpu", 40, 0.5)), input(MetricKind::memory, bad)},
                              {150, "config"}, kT0);
  const std::string md = to_markdown(report), console = to_console(report);
  EXPECT_NE(md.find("| metric | model |"), std::string::npos);
  EXPECT_NE(md.find("**ALERT**"), std::string::npos);
  EXPECT_NE(md.find("memory: query returned no series"), std::string::npos);
  EXPECT_NE(console.find("ALERT"), std::string::npos);
  EXPECT_NE(console.find("error: memory: query returned no series"), std::string::npos);
  try {
    render(report, "jsn");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean \"json\""), std::string::npos);
  }
}

}  // namespace
}  // namespace perfval::capacity
