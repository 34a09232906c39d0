// Tests for command-line overrides of a scenario plan (--target, --vus, --duration, --rate, --scenario).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;
using std::chrono::minutes;
using std::chrono::seconds;

const std::string kCommon = "target: {base_url: \"http://127.0.0.1:8080\"}\n"
                            "requests: [{name: metrics, path: /metrics}, {name: health, path: /health}]\n";

// Overrides with one field set (designated initializers would warn about the others under -Wextra).
Overrides target_is(const std::string& url) { Overrides o; o.target = url; return o; }
Overrides vus_is(std::int64_t vus) { Overrides o; o.vus = vus; return o; }
Overrides duration_is(Nanos d) { Overrides o; o.duration = d; return o; }
Overrides rate_is(double rate) { Overrides o; o.rate = rate; return o; }
Overrides scenario_is(const std::string& name) { Overrides o; o.scenario = name; return o; }

TestPlan plan_of(const std::string& executor_yaml) { return parse_test_plan(kCommon + executor_yaml, "p.yaml"); }

std::string override_error(TestPlan plan, const Overrides& o) {
  try {
    apply_overrides(plan, o);
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  ADD_FAILURE() << "override accepted";
  return "";
}

TEST(ScenarioOverrides, TargetReplacesBaseUrlAndEmbedded) {
  auto plan = parse_test_plan("target: {embedded: {nodes: 5}}\nrequests: [{name: a, path: /}]\nvus: 1\nduration: 1s\n",
                              "p.yaml");
  apply_overrides(plan, target_is("http://127.0.0.1:9999/"));
  EXPECT_EQ(plan.scenarios[0].base_url, "http://127.0.0.1:9999");
  EXPECT_FALSE(plan.scenarios[0].embedded.has_value());
  EXPECT_THAT(override_error(plan, target_is("127.0.0.1:80")), HasSubstr("--target: invalid URL"));
  EXPECT_THAT(override_error(plan, target_is("http://127.0.0.1:80/?a=1")), HasSubstr("cannot have a query"));
}

TEST(ScenarioOverrides, VusOnConstantAndIterationExecutors) {
  auto plan = plan_of("vus: 10\nduration: 1m\n");
  apply_overrides(plan, vus_is(3));
  EXPECT_EQ(plan.scenarios[0].executor.vus, 3);
  auto per_vu = plan_of("executor: per-vu-iterations\nvus: 2\niterations: 5\n");
  apply_overrides(per_vu, vus_is(7));
  EXPECT_EQ(per_vu.scenarios[0].executor.vus, 7);
  EXPECT_THAT(override_error(plan, vus_is(0)), HasSubstr("--vus: must be at least 1"));
  auto shared = plan_of("executor: shared-iterations\nvus: 2\niterations: 5\n");
  EXPECT_THAT(override_error(shared, vus_is(6)), HasSubstr("only 5 iterations"));
}

TEST(ScenarioOverrides, VusScalesRampingStagesToThePeak) {
  auto plan = plan_of("executor: ramping-vus\nstartVUs: 10\n"
                      "stages: [{duration: 1m, target: 50}, {duration: 1m, target: 100}, {duration: 1m, target: 0}]\n");
  apply_overrides(plan, vus_is(20));
  const auto& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.start_vus, 2);
  EXPECT_DOUBLE_EQ(e.stages[0].target, 10);
  EXPECT_DOUBLE_EQ(e.stages[1].target, 20);
  EXPECT_DOUBLE_EQ(e.stages[2].target, 0);
}

TEST(ScenarioOverrides, VusOnArrivalRateSetsPreAllocated) {
  auto plan = plan_of("executor: constant-arrival-rate\nrate: 10\nduration: 1m\npreAllocatedVUs: 5\nmaxVUs: 50\n");
  apply_overrides(plan, vus_is(20));
  EXPECT_EQ(plan.scenarios[0].executor.pre_allocated_vus, 20);
  EXPECT_EQ(plan.scenarios[0].executor.max_vus, 50);
  apply_overrides(plan, vus_is(80));
  EXPECT_EQ(plan.scenarios[0].executor.max_vus, 80);
}

TEST(ScenarioOverrides, DurationPerExecutor) {
  auto constant = plan_of("vus: 1\nduration: 10m\n");
  apply_overrides(constant, duration_is(seconds(30)));
  EXPECT_EQ(planned_duration(constant.scenarios[0]), seconds(30));

  auto ramping = plan_of("stages: [{duration: 1m, target: 5}, {duration: 3m, target: 5}]\n");
  apply_overrides(ramping, duration_is(minutes(2)));
  EXPECT_EQ(ramping.scenarios[0].executor.stages[0].duration, seconds(30));
  EXPECT_EQ(ramping.scenarios[0].executor.stages[1].duration, seconds(90));
  EXPECT_EQ(planned_duration(ramping.scenarios[0]), minutes(2));

  auto thirds = plan_of("stages: [{duration: 1s, target: 5}, {duration: 1s, target: 5}, {duration: 1s, target: 1}]\n");
  apply_overrides(thirds, duration_is(seconds(10)));
  EXPECT_EQ(planned_duration(thirds.scenarios[0]), seconds(10));  // exact despite rounding

  auto iterations = plan_of("executor: per-vu-iterations\nvus: 1\niterations: 9\n");
  apply_overrides(iterations, duration_is(seconds(45)));
  EXPECT_EQ(iterations.scenarios[0].executor.max_duration, seconds(45));
  EXPECT_THAT(override_error(constant, duration_is(Nanos{0})), HasSubstr("--duration: must be greater than zero"));
}

TEST(ScenarioOverrides, RateOnArrivalRateExecutors) {
  auto constant = plan_of("executor: constant-arrival-rate\nrate: 10\nduration: 1m\npreAllocatedVUs: 5\n");
  apply_overrides(constant, rate_is(40));
  EXPECT_DOUBLE_EQ(constant.scenarios[0].executor.rate, 40);

  auto ramping = plan_of("executor: ramping-arrival-rate\nstartRate: 5\npreAllocatedVUs: 5\n"
                         "stages: [{duration: 1m, target: 20}, {duration: 1m, target: 10}]\n");
  apply_overrides(ramping, rate_is(100));
  const auto& e = ramping.scenarios[0].executor;
  EXPECT_DOUBLE_EQ(e.start_rate, 25);
  EXPECT_DOUBLE_EQ(e.stages[0].target, 100);
  EXPECT_DOUBLE_EQ(e.stages[1].target, 50);

  auto vus = plan_of("vus: 1\nduration: 1s\n");
  EXPECT_THAT(override_error(vus, rate_is(5)), HasSubstr("--rate: scenario \"p\" uses constant-vus"));
}

TEST(ScenarioOverrides, ScenarioKeepsOnlyTheNamedOne) {
  auto plan = parse_test_plan(kCommon + R"(
scenarios:
  warmup: {vus: 1, duration: 10s}
  main: {vus: 5, duration: 1m, startTime: 10s}
thresholds:
  http_req_duration: ["p(95)<1s"]
  "http_req_duration{scenario:warmup}": ["p(95)<2s"]
  "http_req_duration{scenario:main}": ["p(95)<3s"]
)",
                              "p.yaml");
  EXPECT_THAT(override_error(plan, scenario_is("mian")),
              HasSubstr("no scenario \"mian\" (did you mean \"main\"?); its scenarios are warmup, main"));
  apply_overrides(plan, scenario_is("main"));
  ASSERT_EQ(plan.scenarios.size(), 1u);
  EXPECT_EQ(plan.scenarios[0].name, "main");
  EXPECT_EQ(plan.scenarios[0].executor.start_time, Nanos{0});
  // The threshold on the dropped scenario could only fail for lack of data, so it goes too.
  ASSERT_EQ(plan.thresholds.size(), 2u);
  EXPECT_TRUE(plan.thresholds[0].selector.tags.empty());
  EXPECT_EQ(plan.thresholds[1].selector.tags.at("scenario"), "main");
}

TEST(ScenarioOverrides, AppliedToEveryScenario) {
  auto plan = parse_test_plan(kCommon + "scenarios:\n  a: {vus: 1, duration: 10s}\n  b: {vus: 2, duration: 20s}\n",
                              "p.yaml");
  Overrides both = vus_is(4);
  both.duration = seconds(5);
  apply_overrides(plan, both);
  for (const auto& s : plan.scenarios) {
    EXPECT_EQ(s.executor.vus, 4);
    EXPECT_EQ(s.executor.duration, seconds(5));
  }
  EXPECT_EQ(max_total_duration(plan), seconds(35));
}

}  // namespace
}  // namespace perfval::loadgen
