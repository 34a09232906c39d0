// Tests for the scenario parser: every accepted form of a scenario file and what it reads into the TestPlan.
#include "perfval/loadgen/scenario.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace perfval::loadgen {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

const std::string kCommon = R"(
target:
  base_url: http://slurm-exporter.slurm-exporter:8080
requests:
  - {name: metrics, method: GET, path: /metrics, weight: 9}
  - {name: health,  method: get, path: /health,  weight: 1, headers: {Accept: text/plain}, body: ""}
)";

TestPlan parse(const std::string& text) { return parse_test_plan(text, "plan.yaml"); }

TEST(ScenarioParse, FlatConstantVusWithEverySharedField) {
  const auto plan = parse(R"(
name: baseline
description: Normal operational load
think_time: 1s
timeout: 30s
executor: constant-vus
vus: 10
duration: 10m
)" + kCommon);
  EXPECT_EQ(plan.file, "plan.yaml");
  EXPECT_EQ(plan.name, "baseline");
  EXPECT_EQ(plan.description, "Normal operational load");
  ASSERT_EQ(plan.scenarios.size(), 1u);
  const Scenario& s = plan.scenarios[0];
  EXPECT_EQ(s.name, "baseline");
  EXPECT_EQ(s.base_url, "http://slurm-exporter.slurm-exporter:8080");
  EXPECT_FALSE(s.embedded.has_value());
  EXPECT_EQ(s.think_time, seconds(1));
  EXPECT_EQ(s.timeout, seconds(30));
  EXPECT_EQ(s.executor.kind, ExecutorKind::constant_vus);
  EXPECT_EQ(s.executor.vus, 10);
  EXPECT_EQ(s.executor.duration, minutes(10));
  EXPECT_EQ(s.executor.graceful_stop, seconds(30));
  ASSERT_EQ(s.requests.size(), 2u);
  EXPECT_EQ(s.requests[0].name, "metrics");
  EXPECT_EQ(s.requests[0].weight, 9u);
  EXPECT_EQ(s.requests[1].method, "GET");  // upper-cased
  EXPECT_EQ(s.requests[1].path, "/health");
  ASSERT_EQ(s.requests[1].headers.size(), 1u);
  EXPECT_EQ(s.requests[1].headers[0].name, "Accept");
  EXPECT_EQ(s.requests[1].headers[0].value, "text/plain");
  EXPECT_EQ(planned_duration(s), minutes(10));
  EXPECT_EQ(max_total_duration(plan), minutes(10) + seconds(30));
}

TEST(ScenarioParse, DefaultsWhenOptionalFieldsAreAbsent) {
  const auto plan = parse_test_plan("vus: 2\nduration: 5s\n" + kCommon, "dir/quick-check.yaml");
  const Scenario& s = plan.scenarios[0];
  EXPECT_EQ(plan.name, "quick-check");  // the file name without extension
  EXPECT_EQ(s.executor.kind, ExecutorKind::constant_vus);
  EXPECT_EQ(s.think_time, Nanos{0});
  EXPECT_EQ(s.timeout, seconds(30));
  EXPECT_TRUE(plan.thresholds.empty());
}

TEST(ScenarioParse, RequestDefaultsAndPostBody) {
  const auto plan = parse(R"(
vus: 1
duration: 1s
target: {base_url: "http://127.0.0.1:9000/api/"}
requests:
  - name: ping
    path: /ping?x=1
  - name: submit
    method: post
    path: /jobs
    body: '{"job": 1}'
)");
  const Scenario& s = plan.scenarios[0];
  EXPECT_EQ(s.base_url, "http://127.0.0.1:9000/api");  // trailing slash dropped, path prefix kept
  EXPECT_EQ(s.requests[0].method, "GET");
  EXPECT_EQ(s.requests[0].weight, 1u);
  EXPECT_EQ(s.requests[0].path, "/ping?x=1");
  EXPECT_EQ(s.requests[1].method, "POST");
  EXPECT_EQ(s.requests[1].body, "{\"job\": 1}");
}

TEST(ScenarioParse, RampingVus) {
  const auto plan = parse(R"(
executor: ramping-vus
startVUs: 0
stages:
  - {duration: 30s, target: 200}
  - {duration: 1m, target: 200}
  - {duration: 10s, target: 0}
gracefulRampDown: 5s
)" + kCommon);
  const ExecutorConfig& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.kind, ExecutorKind::ramping_vus);
  EXPECT_EQ(e.start_vus, 0);
  ASSERT_EQ(e.stages.size(), 3u);
  EXPECT_EQ(e.stages[0].duration, seconds(30));
  EXPECT_EQ(e.stages[0].target, 200);
  EXPECT_EQ(e.stages[2].target, 0);
  EXPECT_EQ(e.graceful_ramp_down, seconds(5));
  EXPECT_EQ(planned_duration(plan.scenarios[0]), seconds(100));
}

TEST(ScenarioParse, StagesWithoutExecutorMeanRampingVus) {
  const auto plan = parse("stages: [{duration: 10s, target: 5}]\n" + kCommon);
  EXPECT_EQ(plan.scenarios[0].executor.kind, ExecutorKind::ramping_vus);
  EXPECT_EQ(plan.scenarios[0].executor.start_vus, 1);  // k6 default
}

TEST(ScenarioParse, ConstantArrivalRate) {
  const auto plan = parse(R"(
executor: constant-arrival-rate
rate: 50
timeUnit: 1s
duration: 2m
preAllocatedVUs: 20
)" + kCommon);
  const ExecutorConfig& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.kind, ExecutorKind::constant_arrival_rate);
  EXPECT_TRUE(is_arrival_rate(e.kind));
  EXPECT_DOUBLE_EQ(e.rate, 50);
  EXPECT_EQ(e.time_unit, seconds(1));
  EXPECT_EQ(e.duration, minutes(2));
  EXPECT_EQ(e.pre_allocated_vus, 20);
  EXPECT_EQ(e.max_vus, 20);  // defaults to preAllocatedVUs
}

TEST(ScenarioParse, RampingArrivalRate) {
  const auto plan = parse(R"(
executor: ramping-arrival-rate
startRate: 5
timeUnit: 1m
preAllocatedVUs: 10
maxVUs: 50
stages: [{duration: 1m, target: 100.5}, {duration: 2m, target: 0}]
)" + kCommon);
  const ExecutorConfig& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.kind, ExecutorKind::ramping_arrival_rate);
  EXPECT_DOUBLE_EQ(e.start_rate, 5);
  EXPECT_EQ(e.time_unit, minutes(1));
  EXPECT_EQ(e.max_vus, 50);
  EXPECT_DOUBLE_EQ(e.stages[0].target, 100.5);
  EXPECT_EQ(planned_duration(plan.scenarios[0]), minutes(3));
}

TEST(ScenarioParse, PerVuIterations) {
  const auto plan = parse("executor: per-vu-iterations\nvus: 4\niterations: 25\n" + kCommon);
  const ExecutorConfig& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.kind, ExecutorKind::per_vu_iterations);
  EXPECT_EQ(e.vus, 4);
  EXPECT_EQ(e.iterations, 25);
  EXPECT_EQ(e.max_duration, minutes(10));  // k6 default
  EXPECT_EQ(planned_duration(plan.scenarios[0]), minutes(10));
}

TEST(ScenarioParse, SharedIterations) {
  const auto plan = parse("executor: shared-iterations\nvus: 4\niterations: 100\nmaxDuration: 30s\n"
                          "gracefulStop: 0s\n" + kCommon);
  const ExecutorConfig& e = plan.scenarios[0].executor;
  EXPECT_EQ(e.kind, ExecutorKind::shared_iterations);
  EXPECT_EQ(e.iterations, 100);
  EXPECT_EQ(e.max_duration, seconds(30));
  EXPECT_EQ(e.graceful_stop, Nanos{0});
  EXPECT_EQ(max_total_duration(plan), seconds(30));
}

TEST(ScenarioParse, ExecutorNamesRoundTrip) {
  for (auto kind : {ExecutorKind::constant_vus, ExecutorKind::ramping_vus, ExecutorKind::constant_arrival_rate,
                    ExecutorKind::ramping_arrival_rate, ExecutorKind::per_vu_iterations,
                    ExecutorKind::shared_iterations}) {
    EXPECT_EQ(is_arrival_rate(kind), std::string(to_string(kind)).find("arrival-rate") != std::string::npos);
  }
  EXPECT_STREQ(to_string(ExecutorKind::constant_arrival_rate), "constant-arrival-rate");
  EXPECT_STREQ(to_string(ExecutorKind::per_vu_iterations), "per-vu-iterations");
}

TEST(ScenarioParse, EmbeddedTarget) {
  const auto plan = parse(R"(
vus: 1
duration: 1s
target:
  embedded: {nodes: 1000, latency: "uniform:1ms-5ms", error_rate: 0.02, stall: 100ms/10s, threads: 2, seed: 7}
requests: [{name: m, path: /metrics}]
)");
  const Scenario& s = plan.scenarios[0];
  EXPECT_TRUE(s.base_url.empty());
  ASSERT_TRUE(s.embedded.has_value());
  EXPECT_EQ(s.embedded->host, "127.0.0.1");
  EXPECT_EQ(s.embedded->port, 0);
  EXPECT_EQ(s.embedded->nodes, 1000);
  EXPECT_EQ(s.embedded->latency.kind, target::LatencySpec::Kind::uniform);
  EXPECT_EQ(s.embedded->latency.b, milliseconds(5));
  EXPECT_DOUBLE_EQ(s.embedded->error_rate, 0.02);
  EXPECT_EQ(s.embedded->stall.period, seconds(10));
  EXPECT_EQ(s.embedded->threads, 2);
  EXPECT_EQ(s.embedded->seed, 7u);
}

TEST(ScenarioParse, EmptyEmbeddedUsesDefaults) {
  const auto plan = parse("vus: 1\nduration: 1s\ntarget: {embedded: {}}\nrequests: [{name: m, path: /}]\n");
  ASSERT_TRUE(plan.scenarios[0].embedded.has_value());
  EXPECT_EQ(plan.scenarios[0].embedded->nodes, target::ServeOptions{}.nodes);
  EXPECT_EQ(plan.scenarios[0].embedded->port, 0);
}

TEST(ScenarioParse, NamedScenariosInheritTopLevelFields) {
  const auto plan = parse(R"(
name: mixed
description: shared
think_time: 1s
scenarios:
  readers:
    executor: constant-vus
    vus: 5
    duration: 1m
  writers:
    executor: constant-arrival-rate
    rate: 10
    duration: 30s
    preAllocatedVUs: 2
    startTime: 30s
    think_time: 0s
    timeout: 5s
    description: posts
    target: {embedded: {nodes: 10}}
    requests: [{name: submit, method: POST, path: /jobs}]
)" + kCommon);
  ASSERT_EQ(plan.scenarios.size(), 2u);
  const Scenario& r = plan.scenarios[0];
  const Scenario& w = plan.scenarios[1];
  EXPECT_EQ(plan.name, "mixed");
  EXPECT_EQ(r.name, "readers");
  EXPECT_EQ(r.description, "shared");
  EXPECT_EQ(r.think_time, seconds(1));
  EXPECT_EQ(r.base_url, "http://slurm-exporter.slurm-exporter:8080");
  EXPECT_EQ(r.requests.size(), 2u);
  EXPECT_EQ(w.name, "writers");
  EXPECT_EQ(w.description, "posts");
  EXPECT_EQ(w.think_time, Nanos{0});
  EXPECT_EQ(w.timeout, seconds(5));
  EXPECT_TRUE(w.base_url.empty());
  ASSERT_TRUE(w.embedded.has_value());
  ASSERT_EQ(w.requests.size(), 1u);
  EXPECT_EQ(w.requests[0].name, "submit");
  EXPECT_EQ(w.executor.start_time, seconds(30));
  // writers: 30s start + 30s + 30s gracefulStop beats readers: 1m + 30s.
  EXPECT_EQ(max_total_duration(plan), seconds(90));
}

TEST(ScenarioParse, ThresholdsStringAndObjectForms) {
  const auto plan = parse(R"(
vus: 1
duration: 1s
thresholds:
  http_req_duration: ["p(95)<5s", "p(99)<10s"]
  http_req_failed: ["rate<0.01"]
  availability: ["rate>0.999"]
  http_reqs: ["rate>45"]
  "http_req_duration{name:metrics}": [{threshold: "p(99)<250ms", abortOnFail: true, delayAbortEval: 10s}]
)" + kCommon);
  ASSERT_EQ(plan.thresholds.size(), 6u);
  const Threshold& p95 = plan.thresholds[0];
  EXPECT_EQ(p95.selector.metric, "http_req_duration");
  EXPECT_EQ(p95.expr.aggregation, "p(95)");
  EXPECT_DOUBLE_EQ(p95.expr.value, 5000);  // milliseconds
  EXPECT_FALSE(p95.abort_on_fail);
  EXPECT_EQ(plan.thresholds[2].selector.metric, "http_req_failed");
  EXPECT_EQ(plan.thresholds[4].expr.aggregation, "rate");
  const Threshold& tagged = plan.thresholds[5];
  EXPECT_EQ(tagged.selector.metric, "http_req_duration");
  EXPECT_EQ(tagged.selector.tags.at("name"), "metrics");
  EXPECT_DOUBLE_EQ(tagged.expr.value, 250);
  EXPECT_TRUE(tagged.abort_on_fail);
  EXPECT_EQ(tagged.delay_abort_eval, seconds(10));
}

TEST(ScenarioParse, ThresholdAggregationsThatFitEachMetricType) {
  const auto plan = parse(R"(
scenarios:
  main: {vus: 1, duration: 1s}
thresholds:
  "http_req_duration_uncorrected{scenario:main}": ["avg<1s", "min<1s", "med<1s", "max<2s", "p(99.9)<3s"]
  iterations: ["count>10", "rate>1"]
  dropped_iterations: ["count<1"]
  vus: ["value<=10", "max<=10", "min>=0"]
  vus_max: ["value<20"]
  data_sent: ["count>0"]
  data_received: ["rate>0"]
)" + kCommon);
  EXPECT_EQ(plan.thresholds.size(), 14u);
  EXPECT_EQ(plan.thresholds[0].selector.tags.at("scenario"), "main");
}

TEST(ScenarioParse, LoadsFromFile) {
  const std::string path = ::testing::TempDir() + "scenario_test_load.yaml";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    const std::string text = "vus: 3\nduration: 2s\n" + kCommon;
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  const auto plan = load_test_plan(path);
  EXPECT_EQ(plan.file, path);
  EXPECT_EQ(plan.name, "scenario_test_load");
  EXPECT_EQ(plan.scenarios[0].executor.vus, 3);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace perfval::loadgen
