// Reads the `simulation:` section of the capacity config: growth scenarios, cluster growth and SLA tiers.
#include <algorithm>
#include <limits>

#include "config_internal.hpp"
#include "perfval/common/duration.hpp"

namespace perfval::capacity {

namespace {

int metric_index(const YamlValue& key_owner, const std::string& key) {
  const auto& keys = metric_keys();
  const auto it = std::find(keys.begin(), keys.end(), key);
  if (it == keys.end()) key_owner.check_keys(keys);  // throws naming the key, with did-you-mean
  return static_cast<int>(it - keys.begin());
}

std::vector<GrowthScenario> parse_scenarios(const YamlValue& v) {
  std::vector<GrowthScenario> out;
  for (const auto& [name, value] : v.entries()) {
    const double m = value.as_double();
    if (m < 0) value.fail("growth multiplier must not be negative, got " + value.as_string());
    out.push_back({name, m});
  }
  if (out.empty()) v.fail("expected at least one scenario such as expected: 1.0");
  return out;
}

std::vector<ClusterMilestone> parse_cluster_growth(const YamlValue& v) {
  std::vector<ClusterMilestone> out;
  for (const auto& item : v.items()) {
    item.check_keys({"day", "nodes"});
    ClusterMilestone m;
    const YamlValue day = item.require("day");
    m.day = day.as_string() == "0" ? 0.0 : days_value(day);
    m.nodes = item.require("nodes").as_positive_double();
    if (!out.empty() && m.day <= out.back().day) day.fail("milestones must be in increasing day order");
    out.push_back(m);
  }
  if (out.empty()) v.fail("expected at least one milestone such as {day: 0, nodes: 1000}");
  return out;
}

std::vector<SlaTier> parse_tiers(const YamlValue& v) {
  std::vector<SlaTier> out;
  for (const auto& item : v.items()) {
    item.check_keys({"name", "max_nodes", "p95", "min_rps", "max_memory", "max_errors"});
    SlaTier t;
    t.name = item.require("name").as_string();
    const auto max_nodes = item.get("max_nodes");
    t.max_nodes = max_nodes && !max_nodes->is_null() ? max_nodes->as_positive_double()
                                                     : std::numeric_limits<double>::infinity();
    t.p95_ms = to_ms(item.require("p95").as_positive_duration());
    t.min_rps = item.require("min_rps").as_positive_double();
    t.max_memory_bytes = item.require("max_memory").as_bytes();
    t.max_error_pct = item.require("max_errors").as_percent();
    if (!out.empty() && t.max_nodes <= out.back().max_nodes) item.fail("tiers must be in increasing max_nodes order");
    out.push_back(t);
  }
  if (out.empty()) v.fail("expected at least one SLA tier");
  return out;
}

void parse_per_metric(const YamlValue& v, double* target, bool percent) {
  for (const auto& [key, value] : v.entries()) {
    const int i = metric_index(v, key);
    target[i] = percent ? value.as_percent() : value.as_double();
  }
}

}  // namespace

SimulationConfig parse_simulation(const YamlValue& v, SimulationConfig s) {
  v.check_keys({"scenarios", "checkpoints", "cluster_growth", "sla_tiers", "baseline", "monthly_growth",
                "node_elasticity"});
  if (auto x = v.get("scenarios")) s.scenarios = parse_scenarios(*x);
  if (auto x = v.get("checkpoints")) {
    s.checkpoints_days.clear();
    for (const auto& item : x->items()) s.checkpoints_days.push_back(days_value(item));
  }
  if (auto x = v.get("cluster_growth")) s.cluster_growth = parse_cluster_growth(*x);
  if (auto x = v.get("sla_tiers")) s.sla_tiers = parse_tiers(*x);
  if (auto x = v.get("baseline")) {
    parse_per_metric(*x, s.baseline, false);
    for (const auto& [key, value] : x->entries()) {
      if (s.baseline[metric_index(*x, key)] < 0) value.fail("must not be negative");
    }
  }
  if (auto x = v.get("monthly_growth")) parse_per_metric(*x, s.monthly_growth_pct, true);
  if (auto x = v.get("node_elasticity")) parse_per_metric(*x, s.node_elasticity, false);
  return s;
}

}  // namespace perfval::capacity
