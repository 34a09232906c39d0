// Tests for `target.resources` in scenario files and the thresholds on the target's resources.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "perfval/common/error.hpp"
#include "perfval/loadgen/scenario.hpp"

namespace perfval::loadgen {
namespace {

using ::testing::HasSubstr;

std::string plan_with(const std::string& resources, const std::string& thresholds = "") {
  return "target:\n  base_url: http://127.0.0.1:8080\n  resources:\n" + resources +
         "requests: [{name: metrics, path: /metrics}]\nexecutor: constant-vus\nvus: 1\nduration: 1s\n" +
         (thresholds.empty() ? "" : "thresholds:\n" + thresholds);
}

std::string error_of(const std::string& yaml) {
  try {
    parse_test_plan(yaml, "plan.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted:\n" << yaml;
  return "";
}

TEST(ScenarioResources, MetricsUrlAbsoluteOrAPathOnTheTarget) {
  auto plan = parse_test_plan(plan_with("    metrics_url: http://10.0.0.1:8080/metrics\n    interval: 2s\n"), "p.yaml");
  ASSERT_TRUE(plan.scenarios[0].resources);
  const ResourceConfig& c = *plan.scenarios[0].resources;
  EXPECT_EQ(c.source, ResourceConfig::Source::metrics_url);
  EXPECT_EQ(c.url, "http://10.0.0.1:8080/metrics");
  EXPECT_EQ(c.interval, std::chrono::seconds(2));
  plan = parse_test_plan(plan_with("    metrics_url: /metrics\n"), "p.yaml");
  EXPECT_EQ(plan.scenarios[0].resources->url, "/metrics") << "resolved on base_url when the run starts";
}

TEST(ScenarioResources, PrometheusWithSelectorAndMetricNames) {
  const auto plan = parse_test_plan(
      plan_with("    prometheus: {url: 'http://prometheus:9090', selector: '{namespace=\"x\",pod=~\"x-.*\"}',\n"
                "                 memory_metric: process_resident_memory_bytes, rate_window: 30s}\n"),
      "p.yaml");
  const ResourceConfig& c = *plan.scenarios[0].resources;
  EXPECT_EQ(c.source, ResourceConfig::Source::prometheus);
  EXPECT_EQ(c.selector, "{namespace=\"x\",pod=~\"x-.*\"}");
  EXPECT_EQ(c.memory_metric, "process_resident_memory_bytes");
  EXPECT_EQ(c.cpu_metric, "container_cpu_usage_seconds_total");
  EXPECT_EQ(c.rate_window, std::chrono::seconds(30));
}

TEST(ScenarioResources, PidOfALiveProcess) {
  const auto plan = parse_test_plan(plan_with("    pid: " + std::to_string(getpid()) + "\n"), "p.yaml");
  EXPECT_EQ(plan.scenarios[0].resources->pid, getpid());
}

TEST(ScenarioResources, BadBlocksNameFileLineAndField) {
  EXPECT_THAT(error_of(plan_with("    metrics_url: /metrics\n    pid: 1\n")),
              HasSubstr("plan.yaml:4:5: target.resources: set exactly one of metrics_url"));
  EXPECT_THAT(error_of(plan_with("    interval: 1s\n")), HasSubstr("set exactly one of metrics_url"));
  EXPECT_THAT(error_of(plan_with("    metrics_url: not a url\n")), HasSubstr("target.resources.metrics_url: invalid"));
  EXPECT_THAT(error_of(plan_with("    prometheus: {url: 'http://p:9090', selector: 'pod=x'}\n")),
              HasSubstr("label matchers in braces"));
  EXPECT_THAT(error_of(plan_with("    metrics_url: /metrics\n    interval: 10ms\n")),
              HasSubstr("target.resources.interval: at least 100ms"));
  EXPECT_THAT(error_of(plan_with("    pid: 4000000\n")), HasSubstr("process 4000000 does not exist"));
  EXPECT_THAT(error_of(plan_with("    metric_url: /metrics\n")), HasSubstr("metrics_url"));
}

TEST(ScenarioResources, ScenariosMaySampleOnlyOneTarget) {
  const std::string yaml =
      "target: {base_url: 'http://127.0.0.1:8080', resources: {metrics_url: /metrics}}\n"
      "requests: [{name: a, path: /}]\n"
      "scenarios:\n"
      "  one: {executor: constant-vus, vus: 1, duration: 1s}\n"
      "  two:\n"
      "    target: {base_url: 'http://127.0.0.1:8081', resources: {pid: " + std::to_string(getpid()) + "}}\n"
      "    executor: constant-vus\n    vus: 1\n    duration: 1s\n";
  EXPECT_THAT(error_of(yaml), HasSubstr("plan.yaml:6:5: scenarios.two: target.resources differs from scenario one's"));
  const std::string inherited = yaml.substr(0, yaml.find("  two:")) + "  two: {executor: constant-vus, vus: 1, duration: 1s}\n";
  EXPECT_EQ(parse_test_plan(inherited, "p.yaml").scenarios.size(), 2U) << "the same block inherited is fine";
}

TEST(ResourceThresholds, SizesDurationsAndPlainNumbers) {
  const auto plan = parse_test_plan(plan_with("    metrics_url: /metrics\n",
                                              "  target_memory_bytes: ['max<512Mi', 'avg<1.5GB']\n"
                                              "  target_cpu_cores: ['avg<0.5']\n"
                                              "  target_gc_pause: ['max<10ms']\n"),
                                    "p.yaml");
  ASSERT_EQ(plan.thresholds.size(), 4U);
  EXPECT_DOUBLE_EQ(plan.thresholds[0].expr.value, 512.0 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(plan.thresholds[1].expr.value, 1.5e9);
  EXPECT_DOUBLE_EQ(plan.thresholds[2].expr.value, 0.5);
  EXPECT_DOUBLE_EQ(plan.thresholds[3].expr.value, 10.0);
}

TEST(ResourceThresholds, RejectTagsPercentilesAndWrongUnits) {
  const std::string r = "    metrics_url: /metrics\n";
  EXPECT_THAT(error_of(plan_with(r, "  target_memory_bytes{name:metrics}: ['max<1Gi']\n")),
              HasSubstr("takes no tags"));
  EXPECT_THAT(error_of(plan_with(r, "  target_memory_bytes: ['p(95)<1Gi']\n")),
              HasSubstr("does not apply to target_memory_bytes"));
  EXPECT_THAT(error_of(plan_with(r, "  target_memory_bytes: ['max<1Qi']\n")), HasSubstr("unknown size unit \"Qi\""));
  EXPECT_THAT(error_of(plan_with(r, "  target_cpu_cores: ['max<1s']\n")), HasSubstr("plain number"));
}

}  // namespace
}  // namespace perfval::loadgen
