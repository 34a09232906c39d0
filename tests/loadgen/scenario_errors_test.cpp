// Tests for the scenario parser's rejections: each bad input fails with file:line:col, the field and a reason.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;

// A valid file body to splice bad lines into; it takes lines 1-5 of every document below.
const std::string kHead =
    "target:\n"
    "  base_url: http://127.0.0.1:8080\n"
    "requests:\n"
    "  - {name: metrics, path: /metrics, weight: 9}\n"
    "  - {name: health, path: /health}\n";

// Parses `yaml` as plan.yaml and returns the error message; fails the test if it parses.
std::string error_of(const std::string& yaml) {
  try {
    parse_test_plan(yaml, "plan.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.exit_code(), exit_code::usage);
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return "";
}

// The message starts with "plan.yaml:<where>: <field>: " and contains `reason`.
void expect_error(const std::string& yaml, const std::string& where, const std::string& field,
                  const std::string& reason) {
  const std::string message = error_of(yaml);
  EXPECT_THAT(message, HasSubstr("plan.yaml:" + where + ": " + field + ": ")) << yaml;
  EXPECT_THAT(message, HasSubstr(reason)) << yaml;
}

TEST(ScenarioErrors, MisspelledTopLevelKeySuggestsTheRightOne) {
  expect_error(kHead + "vus: 1\nduration: 1s\nthresolds:\n  http_reqs: [\"count>1\"]\n", "8:1", "thresolds",
               "unknown key \"thresolds\" (did you mean \"thresholds\"?)");
  expect_error(kHead + "exector: constant-vus\nvus: 1\nduration: 1s\n", "6:1", "exector",
               "(did you mean \"executor\"?)");
}

TEST(ScenarioErrors, UnknownExecutorSuggestsTheRightOne) {
  expect_error(kHead + "executor: constant-vu\nvus: 1\nduration: 1s\n", "6:11", "executor",
               "unknown executor \"constant-vu\" (did you mean \"constant-vus\"?)");
}

TEST(ScenarioErrors, KeyOfAnotherExecutorNamesKeyAndExecutor) {
  expect_error(kHead + "executor: constant-vus\nvus: 1\nduration: 1s\nrate: 5\n", "9:1", "rate",
               "\"rate\" does not apply to executor constant-vus");
  expect_error(kHead + "executor: ramping-vus\nvus: 5\nstages: [{duration: 1s, target: 1}]\n", "7:1", "vus",
               "does not apply to executor ramping-vus");
}

TEST(ScenarioErrors, VusBelowOne) {
  expect_error(kHead + "vus: 0\nduration: 1s\n", "6:6", "vus", "must be greater than zero");
}

TEST(ScenarioErrors, WrongTypes) {
  expect_error(kHead + "vus: ten\nduration: 1s\n", "6:6", "vus", "expected an integer");
  expect_error(kHead + "vus: 1\nduration: [1s]\n", "7:11", "duration", "expected a duration");
  expect_error(kHead + "vus: 1\nduration: 1s\nthink_time: soon\n", "8:13", "think_time", "expected a duration");
  expect_error(kHead + "vus: 1\nduration: 1s\nname: [a]\n", "8:7", "name", "expected a string");
}

TEST(ScenarioErrors, DurationsThatMustBePositive) {
  expect_error(kHead + "vus: 1\nduration: 0s\n", "7:11", "duration", "must be greater than zero");
  expect_error(kHead + "vus: 1\nduration: -5s\n", "7:11", "duration", "expected a duration");
  expect_error(kHead + "vus: 1\nduration: 1s\ntimeout: 0\n", "8:10", "timeout", "must be greater than zero");
  expect_error(kHead + "executor: ramping-vus\nstages: [{duration: 0s, target: 3}]\n", "7:21", "stages[0].duration",
               "must be greater than zero");
}

TEST(ScenarioErrors, MissingRequiredExecutorOption) {
  expect_error(kHead + "executor: constant-vus\nvus: 2\n", "6:1", "duration", "required by executor constant-vus");
  expect_error(kHead + "executor: constant-arrival-rate\nrate: 5\nduration: 1s\n", "6:1", "preAllocatedVUs",
               "required by executor constant-arrival-rate");
  expect_error("scenarios:\n  a:\n    vus: 2\n" + kHead, "3:5", "scenarios.a.duration",
               "required by executor constant-vus");
}

TEST(ScenarioErrors, EmptyStages) {
  expect_error(kHead + "executor: ramping-vus\nstages: []\n", "7:9", "stages", "at least one stage");
  expect_error(kHead + "executor: ramping-vus\nstartVUs: 0\nstages: [{duration: 1s, target: 0}]\n", "8:9",
               "stages", "never run a VU");
}

TEST(ScenarioErrors, MaxVusBelowPreAllocated) {
  expect_error(kHead + "executor: constant-arrival-rate\nrate: 5\nduration: 1s\npreAllocatedVUs: 10\nmaxVUs: 5\n",
               "10:9", "maxVUs", "must be >= preAllocatedVUs");
}

TEST(ScenarioErrors, SharedIterationsFewerThanVus) {
  expect_error(kHead + "executor: shared-iterations\nvus: 10\niterations: 5\n", "8:13", "iterations",
               "iterations >= vus");
}

TEST(ScenarioErrors, MalformedThresholdPointsAtTheListItem) {
  const std::string yaml = kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_req_duration: [\"p(95)<5s\", \"p(95)<<5s\"]\n";
  expect_error(yaml, "9:35", "thresholds.http_req_duration[1]", "invalid threshold \"p(95)<<5s\": ");
}

TEST(ScenarioErrors, ThresholdAggregationMustFitTheMetric) {
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_req_failed: [\"p(95)<1\"]\n", "9:21",
               "thresholds.http_req_failed[0]", "does not apply to http_req_failed, a rate metric (use rate)");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_req_duration: [\"rate<1\"]\n", "9:23",
               "thresholds.http_req_duration[0]", "a trend metric");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  vus: [\"count<1\"]\n", "9:9", "thresholds.vus[0]",
               "a gauge metric (use value, min, max)");
}

TEST(ScenarioErrors, ThresholdMetricAndTags) {
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_req_duraton: [\"p(95)<1s\"]\n", "9:3",
               "thresholds.http_req_duraton", "(did you mean \"http_req_duration\"?)");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  \"http_req_duration{name:metric}\": [\"p(95)<1s\"]\n",
               "9:3", "thresholds.http_req_duration{name:metric}", "no request named \"metric\"");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  \"http_reqs{scenario:x}\": [\"count>1\"]\n", "9:3",
               "thresholds.http_reqs{scenario:x}", "no scenario named \"x\"");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  \"http_reqs{status:200}\": [\"count>1\"]\n", "9:3",
               "thresholds.http_reqs{status:200}", "unknown tag \"status\"");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  \"http_reqs{name:metrics\": [\"count>1\"]\n", "9:3",
               "thresholds.http_reqs{name:metrics", "invalid metric selector: ");
}

TEST(ScenarioErrors, ThresholdShapes) {
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_req_failed: rate<0.01\n", "9:20",
               "thresholds.http_req_failed", "expected a list of expressions");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_reqs: [{threshold: count>1, abortOnFial: true}]\n",
               "9:36", "thresholds.http_reqs[0].abortOnFial", "(did you mean \"abortOnFail\"?)");
  expect_error(kHead + "vus: 1\nduration: 1s\nthresholds:\n  http_reqs: [{abortOnFail: true}]\n", "9:15",
               "thresholds.http_reqs[0].threshold", "required field is missing");
}

TEST(ScenarioErrors, TargetProblems) {
  const std::string tail = "requests: [{name: a, path: /}]\nvus: 1\nduration: 1s\n";
  expect_error("target:\n  base_url: ftp://host/\n" + tail, "2:13", "target.base_url", "invalid URL \"ftp://host/\"");
  expect_error("target:\n  base_url: http://\n" + tail, "2:13", "target.base_url", "invalid URL");
  expect_error("target:\n  base_url: http://h:1\n  embedded: {}\n" + tail, "3:3", "target.embedded",
               "either base_url or embedded");
  expect_error("target: {}\n" + tail, "1:9", "target", "needs base_url");
  expect_error(tail, "1:1", "target", "required field is missing");
  expect_error("target:\n  embedded: {nodes: 10, error_rate: 1.5}\n" + tail, "2:37", "target.embedded.error_rate",
               "between 0 and 1");
  expect_error("target:\n  embedded: {latency: slow}\n" + tail, "2:23", "target.embedded.latency",
               "invalid latency \"slow\"");
  expect_error("target:\n  embedded: {stall: 5s/1s}\n" + tail, "2:21", "target.embedded.stall", "LENGTH < PERIOD");
  expect_error("target:\n  embedded: {node: 5}\n" + tail, "2:14", "target.embedded.node", "did you mean \"nodes\"");
}

TEST(ScenarioErrors, RequestProblems) {
  const std::string head = "target: {base_url: \"http://h:1\"}\nvus: 1\nduration: 1s\nrequests:\n";
  expect_error(head + "  - {name: a, path: /}\n  - {name: a, path: /x}\n", "6:12", "requests[1].name",
               "duplicate request name \"a\"");
  expect_error(head + "  - {name: a, method: FETCH, path: /}\n", "5:23", "requests[0].method",
               "unknown HTTP method \"FETCH\"");
  expect_error(head + "  - {name: a, method: PUTT, path: /}\n", "5:23", "requests[0].method",
               "(did you mean \"PUT\"?)");
  expect_error(head + "  - {name: a, path: metrics}\n", "5:21", "requests[0].path", "must start with \"/\"");
  expect_error(head + "  - {name: a, path: /, weight: 0}\n", "5:32", "requests[0].weight", "must be greater than zero");
  expect_error(head + "  - {name: a, path: /, weight: 1.5}\n", "5:32", "requests[0].weight", "expected an integer");
  expect_error(head + "  - {path: /}\n", "5:5", "requests[0].name", "required field is missing");
  expect_error(head + "  - {name: a, path: /, headers: [x]}\n", "5:33", "requests[0].headers", "expected a mapping");
  expect_error(head + "  - {name: a, path: /, header: {}}\n", "5:24", "requests[0].header",
               "(did you mean \"headers\"?)");
  expect_error("target: {base_url: \"http://h:1\"}\nvus: 1\nduration: 1s\nrequests: []\n", "4:11", "requests",
               "at least one request");
}

TEST(ScenarioErrors, NamedScenarioProblems) {
  expect_error(kHead + "vus: 5\nscenarios:\n  a: {vus: 1, duration: 1s}\n", "6:1", "vus",
               "belong inside each entry of scenarios:");
  expect_error(kHead + "scenarios:\n  a: {vu: 1, duration: 1s}\n", "7:7", "scenarios.a.vu", "(did you mean \"vus\"?)");
  expect_error(kHead + "scenarios:\n  a:\n    executor: per-vu-iteration\n", "8:15", "scenarios.a.executor",
               "(did you mean \"per-vu-iterations\"?)");
  expect_error(kHead + "scenarios: {}\n", "6:12", "scenarios", "at least one scenario");
  expect_error("scenarios:\n  a: {vus: 1, duration: 1s, requests: [{name: x, path: /}]}\n", "2:6", "scenarios.a.target",
               "set it in this scenario or at top level");
  expect_error(kHead + "scenarios:\n  a: {executor: constant-vus, vus: 1, duration: 1s, rate: 3}\n", "7:53",
               "scenarios.a.rate", "does not apply to executor constant-vus");
}

TEST(ScenarioErrors, FileLevelProblems) {
  const std::string missing = ::testing::TempDir() + "no/such/scenario.yaml";
  try {
    load_test_plan(missing);
    ADD_FAILURE() << "loaded a missing file";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr(missing));
    EXPECT_EQ(e.exit_code(), exit_code::usage);
  }
  EXPECT_THAT(error_of(kHead + "vus: [1\nduration: 1s\n"), HasSubstr("plan.yaml:7:"));
  EXPECT_THAT(error_of(kHead + "vus: [1\nduration: 1s\n"), HasSubstr("YAML syntax error"));
  EXPECT_THAT(error_of(""), HasSubstr("plan.yaml: the scenario file is empty"));
  EXPECT_THAT(error_of("# only a comment\n"), HasSubstr("empty"));
  EXPECT_THAT(error_of("- a\n- b\n"), HasSubstr("plan.yaml:1:1: a scenario file must be a mapping"));
}

}  // namespace
}  // namespace perfval::loadgen
