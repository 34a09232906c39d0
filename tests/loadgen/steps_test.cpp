// Load steps: plateaus and warm-up from the stages, fixed windows of a continuous ramp, each step judged on its
// own data, the capacity answer (found, not reached, not determined, cut short by abortOnFail) and the knee.
#include "perfval/loadgen/steps.hpp"

#include <gtest/gtest.h>

#include <array>

#include "perfval/loadgen/summary.hpp"

namespace perfval::loadgen {
namespace {

TestPlan plan_of(const std::string& executor, const std::string& thresholds = "") {
  return parse_test_plan("name: t\ntarget: {base_url: http://127.0.0.1:9}\nrequests: [{name: m, path: /m}]\n" + executor +
                             thresholds,
                         "t.yaml");
}

const char* kStaircase =
    "executor: ramping-vus\nstartVUs: 0\nstages:\n"
    "  - {duration: 10s, target: 100}\n  - {duration: 40s, target: 100}\n"
    "  - {duration: 10s, target: 200}\n  - {duration: 40s, target: 200}\n"
    "  - {duration: 10s, target: 300}\n  - {duration: 40s, target: 300}\n";

TEST(PlanSteps, EachHoldIsAStepWithItsWarmupLeftOut) {
  const auto steps = plan_steps(plan_of(kStaircase).scenarios);
  ASSERT_TRUE(steps);
  EXPECT_FALSE(steps->fixed_windows);
  ASSERT_EQ(steps->steps.size(), 3U);
  // Stage 2 holds 100 VUs from 10 s to 50 s; its first 10 s (min(10 s, 40 s / 4)) are warm-up.
  EXPECT_EQ(steps->steps[0].stage, 2);
  EXPECT_DOUBLE_EQ(steps->steps[0].level, 100);
  EXPECT_EQ(steps->steps[0].window.first, 21);  // second 21 covers (20, 21]
  EXPECT_EQ(steps->steps[0].window.last, 50);
  EXPECT_EQ(steps->steps[2].stage, 6);
  EXPECT_EQ(steps->steps[2].window.first, 121);  // the hold runs from 110 s to 150 s
  EXPECT_DOUBLE_EQ(steps->warmup_s, 10);
}

TEST(PlanSteps, ShortPlateausLoseAQuarterAndArrivalRatesArePerSecond) {
  const auto steps = plan_of(
      "executor: ramping-arrival-rate\nstartRate: 60\ntimeUnit: 1m\npreAllocatedVUs: 5\nmaxVUs: 10\nstages:\n"
      "  - {duration: 4s, target: 60}\n  - {duration: 1s, target: 120}\n  - {duration: 4s, target: 120}\n");
  const auto s = plan_steps(steps.scenarios);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->steps.size(), 2U);
  EXPECT_TRUE(s->arrival_rate);
  EXPECT_DOUBLE_EQ(s->steps[0].level, 1);  // 60 per minute
  EXPECT_DOUBLE_EQ(s->steps[1].level, 2);
  EXPECT_EQ(s->steps[0].window.first, 2);  // warm-up 1 s of 4 s
  EXPECT_EQ(s->steps[1].window.first, 7);  // the hold runs from 5 s to 9 s
  EXPECT_EQ(s->steps[1].window.last, 9);
}

TEST(PlanSteps, AContinuousRampIsCutIntoFixedWindows) {
  const auto s = plan_steps(plan_of("executor: ramping-vus\nstartVUs: 0\nstages: [{duration: 100s, target: 100}]\n").scenarios);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->fixed_windows);
  ASSERT_EQ(s->steps.size(), 10U);
  EXPECT_EQ(s->steps[0].window.first, 1);
  EXPECT_EQ(s->steps[0].window.last, 10);
  EXPECT_DOUBLE_EQ(s->steps[0].level, 5);  // the level planned at the window's middle
  EXPECT_DOUBLE_EQ(s->steps[9].level, 95);
}

TEST(PlanSteps, ConstantExecutorsHaveNoSteps) {
  EXPECT_FALSE(plan_steps(plan_of("executor: constant-vus\nvus: 2\nduration: 10s\n").scenarios));
}

// A run as the engine would record it: per second, `rps` requests of `latency_ms` each.
struct Second {
  std::uint64_t requests;
  double latency_ms;
  std::uint64_t failed = 0;
};

RunSummary recorded(const TestPlan& plan, const StepPlan& steps, const std::vector<Second>& seconds) {
  RunSummary s;
  s.scenarios = plan.scenarios;
  s.threshold_specs = plan.thresholds;
  s.catalog.entries.push_back({"t", "m"});
  std::vector<TimeWindow> windows;
  for (const auto& p : steps.steps) windows.push_back(p.window);
  StatsWindows kept(windows, 1);
  for (std::size_t i = 0; i < seconds.size(); ++i) {
    Stats d(1);
    auto& r = d.by_request[0];
    r.duration.record(static_cast<std::int64_t>(seconds[i].latency_ms * 1000), static_cast<std::int64_t>(seconds[i].requests));
    r.requests = seconds[i].requests;
    r.failed = seconds[i].failed;
    kept.add(static_cast<int>(i) + 1, d);
    s.totals += d;
    IntervalSample x;
    x.t = static_cast<double>(i + 1);
    x.requests = seconds[i].requests;
    s.timeseries.push_back(x);
  }
  s.duration = static_cast<double>(seconds.size());
  s.windows = kept.take();
  return s;
}

// 3 steps of 4 s (1 s warm-up) at 1, 4 and 16 VUs, 1-s ramps between them (14 s): measured seconds 2-4, 7-9
// and 12-14.
const char* kSmall =
    "executor: ramping-vus\nstartVUs: 1\nstages:\n"
    "  - {duration: 4s, target: 1}\n  - {duration: 1s, target: 4}\n  - {duration: 4s, target: 4}\n"
    "  - {duration: 1s, target: 16}\n  - {duration: 4s, target: 16}\n";

// Per second of kSmall: a value for each of the three levels.
std::vector<Second> by_level(const std::array<Second, 3>& levels) {
  std::vector<Second> out;
  for (int n = 1; n <= 14; ++n) out.push_back(levels[n <= 5 ? 0 : n <= 10 ? 1 : 2]);
  return out;
}

// Throughput flat at 100/s, latency up 4x per step: a server that is saturated from the first step.
std::vector<Second> flat_throughput() { return by_level({{{100, 10}, {100, 40}, {100, 160}}}); }

TEST(EvaluateSteps, TheAnswerIsTheStepBelowTheSlaLine) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<100ms\"], http_reqs: [\"count>1\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  RunSummary s = recorded(plan, steps, flat_throughput());
  evaluate_steps(s, steps);
  ASSERT_EQ(s.steps.size(), 3U);
  EXPECT_TRUE(s.steps[0].sla_ok);
  EXPECT_TRUE(s.steps[1].sla_ok);
  EXPECT_FALSE(s.steps[2].sla_ok);
  EXPECT_NEAR(s.steps[1].p95_ms, 40, 0.5);
  EXPECT_DOUBLE_EQ(s.steps[1].rps, 100);  // 300 requests over seconds 7..9
  ASSERT_EQ(s.steps[2].failed_thresholds.size(), 1U);  // count>1 is about the run, not judged per step
  EXPECT_EQ(s.steps[2].failed_thresholds[0].expression, "p(95)<100ms");
  ASSERT_TRUE(s.capacity_found);
  EXPECT_EQ(s.capacity_found->status, "found");
  EXPECT_EQ(s.capacity_found->step, 2);
  EXPECT_DOUBLE_EQ(s.capacity_found->vus, 4);
  EXPECT_EQ(s.capacity_found->broke_step, 3);
  EXPECT_EQ(s.capacity_found->broke_reason, "p(95)=160ms >= 100ms");
  // Throughput never grew: the knee is the first step, two steps below the SLA answer.
  ASSERT_TRUE(s.knee);
  EXPECT_EQ(s.knee->status, "found");
  EXPECT_EQ(s.knee->step, 1);
}

TEST(EvaluateSteps, NotReachedWhenEveryStepHolds) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<1s\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  RunSummary s = recorded(plan, steps, flat_throughput());
  evaluate_steps(s, steps);
  EXPECT_EQ(s.capacity_found->status, "not reached");
  EXPECT_EQ(s.capacity_found->step, 3);
  EXPECT_FALSE(s.capacity_found->broke_step);
}

TEST(EvaluateSteps, AKneeNeedsThroughputToStallWhileLatencyClimbs) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<1s\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  // Throughput x4 with latency flat, then +12 % while latency triples.
  std::vector<Second> grows = by_level({{{100, 10}, {400, 10}, {450, 30}}});
  RunSummary s = recorded(plan, steps, grows);
  evaluate_steps(s, steps);
  ASSERT_EQ(s.knee->status, "found");
  EXPECT_EQ(s.knee->step, 2);
  EXPECT_NE(s.knee->reason.find("from 4 VUs to 16 VUs"), std::string::npos) << s.knee->reason;
  for (auto& x : grows) x.latency_ms = 10;  // throughput stalls but latency does not climb: no knee
  RunSummary flat = recorded(plan, steps, grows);
  evaluate_steps(flat, steps);
  EXPECT_EQ(flat.knee->status, "not reached");
}

TEST(EvaluateSteps, AStepCutShortByAbortOnFailIsBroken) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<1s\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  auto seconds = flat_throughput();
  seconds.resize(12);  // stopped in the third step's first measured second
  RunSummary s = recorded(plan, steps, seconds);
  s.aborted = true;
  s.abort_reason = "threshold http_req_duration: p(95)<50ms crossed at 12 s (abortOnFail)";
  evaluate_steps(s, steps);
  ASSERT_EQ(s.steps.size(), 3U);
  EXPECT_FALSE(s.steps[2].complete);
  EXPECT_FALSE(s.steps[2].sla_ok);
  EXPECT_EQ(s.capacity_found->status, "found");
  EXPECT_EQ(s.capacity_found->step, 2);
  EXPECT_NE(s.capacity_found->broke_reason.find("abortOnFail"), std::string::npos);
}

TEST(EvaluateSteps, AbortedBeforeTheFirstStepIsNotDetermined) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<1s\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  RunSummary s = recorded(plan, steps, {{100, 10}});
  s.aborted = true;
  s.abort_reason = "threshold http_req_failed: rate<0.01 crossed at 1 s (abortOnFail)";
  evaluate_steps(s, steps);
  EXPECT_EQ(s.capacity_found->status, "not determined");
  EXPECT_FALSE(s.capacity_found->step);
  EXPECT_NE(s.capacity_found->reason.find("rate<0.01"), std::string::npos) << s.capacity_found->reason;
}

TEST(EvaluateSteps, AnInterruptedRunSaysHowFarItGot) {
  const auto plan = plan_of(kSmall, "thresholds: {http_req_duration: [\"p(95)<1s\"]}\n");
  const auto steps = *plan_steps(plan.scenarios);
  auto seconds = flat_throughput();
  seconds.resize(7);
  RunSummary s = recorded(plan, steps, seconds);
  s.aborted = s.interrupted = true;
  s.abort_reason = "interrupted by SIGINT";
  evaluate_steps(s, steps);
  EXPECT_EQ(s.capacity_found->status, "not determined");
  EXPECT_EQ(s.capacity_found->step, 1);
  EXPECT_NE(s.capacity_found->reason.find("at least 1 VU within the SLA"), std::string::npos) << s.capacity_found->reason;
}

TEST(DescribeFailure, NamesTheAggregateItsValueAndTheLimitAsWritten) {
  Threshold t;
  t.selector = parse_metric_selector("http_req_duration");
  t.expr = parse_threshold_expression("p(99)<10s");
  EXPECT_EQ(describe_failure(t, 11200.0), "p(99)=11.2s >= 10s");
  Threshold f;
  f.selector = parse_metric_selector("http_req_failed");
  f.expr = parse_threshold_expression("rate<0.01", ThresholdUnit::plain);
  EXPECT_EQ(describe_failure(f, 0.034), "http_req_failed rate=0.034 >= 0.01");
  EXPECT_EQ(describe_failure(f, std::nullopt), "http_req_failed rate: no data");
}

}  // namespace
}  // namespace perfval::loadgen
