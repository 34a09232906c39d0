// Tests that the shipped scenarios/ files load and carry the SLA they promise (docs/scenarios.md).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const std::string kDir = std::string(PERFVAL_SOURCE_DIR) + "/scenarios/";
const std::vector<std::string> kSlaScenarios = {"baseline", "stress", "spike", "endurance", "capacity"};

TestPlan load(const std::string& name) { return load_test_plan(kDir + name + ".yaml"); }

// The threshold on an unfiltered metric with this aggregation, or nullptr.
const Threshold* find(const TestPlan& plan, const std::string& metric, const std::string& aggregation) {
  for (const auto& t : plan.thresholds) {
    if (t.selector.metric == metric && t.selector.tags.empty() && t.expr.aggregation == aggregation) return &t;
  }
  return nullptr;
}

void expect_threshold(const TestPlan& plan, const std::string& metric, const std::string& aggregation,
                      ThresholdExpr::Op op, double value) {
  const Threshold* t = find(plan, metric, aggregation);
  ASSERT_NE(t, nullptr) << plan.file << ": no " << metric << " " << aggregation << " threshold";
  EXPECT_EQ(t->expr.op, op) << plan.file << ": " << t->expr.source;
  EXPECT_DOUBLE_EQ(t->expr.value, value) << plan.file << ": " << t->expr.source;
}

// Mean number of active VUs over the run (stages interpolate linearly), for closed-model VU executors.
double mean_vus(const Scenario& s) {
  const ExecutorConfig& e = s.executor;
  if (e.kind != ExecutorKind::ramping_vus) return static_cast<double>(e.vus);
  double area = 0, seconds_total = 0, from = static_cast<double>(e.start_vus);
  for (const auto& st : e.stages) {
    const double d = std::chrono::duration<double>(st.duration).count();
    area += (from + st.target) / 2 * d;
    seconds_total += d;
    from = st.target;
  }
  return area / seconds_total;
}

double peak_vus(const Scenario& s) {
  double peak = static_cast<double>(s.executor.start_vus);
  for (const auto& st : s.executor.stages) peak = std::max(peak, st.target);
  return s.executor.kind == ExecutorKind::ramping_vus ? peak : static_cast<double>(s.executor.vus);
}

TEST(ScenarioFiles, EveryShippedFileLoads) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    if (entry.path().extension() != ".yaml") continue;
    EXPECT_NO_THROW(load_test_plan(entry.path().string())) << entry.path();
    ++count;
  }
  EXPECT_GE(count, 6);
}

TEST(ScenarioFiles, SlaScenariosCarryTheSla) {
  for (const auto& name : kSlaScenarios) {
    const TestPlan plan = load(name);
    EXPECT_EQ(plan.name, name);
    using Op = ThresholdExpr::Op;
    expect_threshold(plan, "http_req_duration", "p(95)", Op::lt, 5000);
    expect_threshold(plan, "http_req_duration", "p(99)", Op::lt, 10000);
    expect_threshold(plan, "http_req_failed", "rate", Op::lt, 0.01);
    expect_threshold(plan, "availability", "rate", Op::gt, 0.999);
    const Threshold* rps = find(plan, "http_reqs", "rate");
    ASSERT_NE(rps, nullptr) << name;
    EXPECT_EQ(rps->expr.op, Op::gt) << name;
    if (name != "baseline") {
      EXPECT_DOUBLE_EQ(rps->expr.value, 45) << name;
    }
  }
}

TEST(ScenarioFiles, RequestRateFloorsAreReachable) {
  // A closed-model VU sends at most one request per think_time, so the floor must sit below VUs / think_time.
  for (const auto& name : kSlaScenarios) {
    const TestPlan plan = load(name);
    const Scenario& s = plan.scenarios.at(0);
    const double ceiling = mean_vus(s) / std::chrono::duration<double>(s.think_time).count();
    const Threshold* rps = find(plan, "http_reqs", "rate");
    ASSERT_NE(rps, nullptr) << name;
    EXPECT_LT(rps->expr.value, ceiling) << name << ": " << rps->expr.source << " but at most " << ceiling << "/s";
  }
}

TEST(ScenarioFiles, SlaScenariosTargetTheExporterWithTheDocumentedMix) {
  for (const auto& name : kSlaScenarios) {
    const TestPlan plan = load(name);
    ASSERT_EQ(plan.scenarios.size(), 1u) << name;
    const Scenario& s = plan.scenarios[0];
    EXPECT_EQ(s.base_url, "http://slurm-exporter.slurm-exporter:8080") << name;
    EXPECT_EQ(s.think_time, seconds(1)) << name;
    EXPECT_EQ(s.timeout, seconds(30)) << name;
    std::map<std::string, std::uint32_t> weights;
    for (const auto& r : s.requests) weights[r.path] = r.weight;
    EXPECT_EQ(weights["/metrics"], 9u) << name;
    EXPECT_EQ(weights["/health"], 1u) << name;
  }
}

TEST(ScenarioFiles, SlaScenarioShapes) {
  struct Shape {
    std::string name;
    ExecutorKind kind;
    double peak;    // VUs
    Nanos length;   // planned duration
  };
  const std::vector<Shape> shapes = {
      {"baseline", ExecutorKind::constant_vus, 10, minutes(10)},
      {"stress", ExecutorKind::ramping_vus, 100, minutes(15)},
      {"spike", ExecutorKind::ramping_vus, 200, minutes(5)},
      {"endurance", ExecutorKind::constant_vus, 50, minutes(60)},
      {"capacity", ExecutorKind::ramping_vus, 500, minutes(20)},
  };
  for (const auto& shape : shapes) {
    const Scenario s = load(shape.name).scenarios.at(0);
    EXPECT_EQ(s.executor.kind, shape.kind) << shape.name;
    EXPECT_DOUBLE_EQ(peak_vus(s), shape.peak) << shape.name;
    EXPECT_EQ(planned_duration(s), shape.length) << shape.name;
  }
  // The capacity run climbs in several steps rather than one ramp.
  // (The plan is kept in a variable: a range-for over a member of a temporary would read freed memory.)
  const TestPlan capacity = load("capacity");
  std::set<double> levels;
  for (const auto& st : capacity.scenarios[0].executor.stages) levels.insert(st.target);
  EXPECT_GE(levels.size(), 4u);
}

TEST(ScenarioFiles, SmokeRunsBrieflyAgainstTheEmbeddedTarget) {
  const TestPlan plan = load("smoke");
  const Scenario& s = plan.scenarios.at(0);
  ASSERT_TRUE(s.embedded.has_value());
  EXPECT_EQ(s.embedded->nodes, 1000);
  EXPECT_EQ(s.embedded->host, "127.0.0.1");
  EXPECT_LE(max_total_duration(plan), seconds(20));
  std::set<std::string> paths;
  for (const auto& r : s.requests) paths.insert(r.path);
  for (const char* p : {"/metrics", "/health", "/slurm/v0.0.44/ping", "/slurm/v0.0.44/nodes", "/slurm/v0.0.44/jobs"}) {
    EXPECT_EQ(paths.count(p), 1u) << p;
  }
  EXPECT_FALSE(plan.thresholds.empty());
}

}  // namespace
}  // namespace perfval::loadgen
