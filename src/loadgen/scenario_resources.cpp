// Parsing of `target.resources` (docs/scenarios.md#resources): where the target's memory, CPU and GC pauses
// are read from during a run.
#include <algorithm>

#include "perfval/common/proc_stat.hpp"
#include "perfval/http/url.hpp"
#include "scenario_parse.hpp"

namespace perfval::loadgen::detail {

namespace {

const std::vector<std::string> kSources = {"metrics_url", "prometheus", "pid"};

std::string absolute_url(const YamlValue& node, const char* what) {
  const std::string url = node.as_string();
  std::string why;
  const auto parsed = http::parse_url(url, &why);
  if (!parsed) node.fail(std::string("invalid ") + what + " \"" + url + "\": " + why);
  return url;
}

void parse_prometheus(const YamlValue& node, ResourceConfig& c) {
  if (!node.is_map()) node.fail("expected a mapping such as {url: http://prometheus:9090, selector: '{pod=~\"x-.*\"}'}");
  node.check_keys({"url", "selector", "memory_metric", "cpu_metric", "rate_window"});
  c.url = absolute_url(node.require("url"), "Prometheus URL");
  if (auto v = node.get("selector")) {
    c.selector = v->as_string();
    if (!c.selector.empty() && (c.selector.front() != '{' || c.selector.back() != '}')) {
      v->fail("a selector is label matchers in braces, e.g. '{namespace=\"slurm-exporter\",pod=~\"slurm-exporter-.*\"}'");
    }
  }
  if (auto v = node.get("memory_metric")) c.memory_metric = v->as_string();
  if (auto v = node.get("cpu_metric")) c.cpu_metric = v->as_string();
  if (auto v = node.get("rate_window")) c.rate_window = v->as_positive_duration();
}

}  // namespace

ResourceConfig parse_resources(const YamlValue& node) {
  if (!node.is_map()) node.fail("expected a mapping with metrics_url, prometheus or pid");
  node.check_keys({"metrics_url", "prometheus", "pid", "interval", "timeout"});
  const auto given = std::count_if(kSources.begin(), kSources.end(), [&](const std::string& k) { return node.has(k); });
  if (given != 1) node.fail("set exactly one of metrics_url (the target's own /metrics), prometheus or pid");
  ResourceConfig c;
  if (auto v = node.get("metrics_url")) {
    c.source = ResourceConfig::Source::metrics_url;
    const std::string url = v->as_string();
    // A path is taken on the scenario's base URL when the run starts (embedded targets, --target).
    c.url = !url.empty() && url.front() == '/' ? url : absolute_url(*v, "metrics_url");
  } else if (auto p = node.get("prometheus")) {
    c.source = ResourceConfig::Source::prometheus;
    parse_prometheus(*p, c);
  } else {
    const YamlValue pid = node.require("pid");
    c.source = ResourceConfig::Source::pid;
    const std::int64_t n = pid.as_positive_int();
    if (n > 4'194'304) pid.fail("not a process id: " + std::to_string(n));
    c.pid = static_cast<int>(n);
    std::string why;
    if (!read_process_usage(c.pid, &why)) pid.fail(why);
  }
  if (auto v = node.get("interval")) {
    c.interval = v->as_positive_duration();
    if (c.interval < std::chrono::milliseconds(100)) v->fail("at least 100ms (each reading is a request to the target)");
  }
  if (auto v = node.get("timeout")) c.timeout = v->as_positive_duration();
  return c;
}

void check_one_resources(const YamlValue& root, const std::vector<Scenario>& scenarios) {
  const Scenario* first = nullptr;
  for (const auto& s : scenarios) {
    if (!s.resources) continue;
    if (first == nullptr) {
      first = &s;
      continue;
    }
    if (*s.resources == *first->resources) continue;
    const YamlValue where = root.has("scenarios") ? root.require("scenarios").require(s.name) : root;
    where.fail("target.resources differs from scenario " + first->name +
               "'s: a run samples one target's resources (set them once, at top level)");
  }
}

}  // namespace perfval::loadgen::detail
