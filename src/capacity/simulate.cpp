// Growth scenarios: organic growth times a multiplier, cluster growth through node elasticity, SLA tiers by size.
#include "perfval/capacity/simulate.hpp"

#include <algorithm>
#include <cmath>

#include "perfval/common/did_you_mean.hpp"
#include "perfval/common/error.hpp"
#include "perfval/common/size.hpp"

namespace perfval::capacity {

double nodes_at(const SimulationConfig& s, double day) {
  const auto& m = s.cluster_growth;
  if (m.empty()) return 0;
  double planned = m.back().nodes;
  if (day <= m.front().day) {
    planned = m.front().nodes;
  } else {
    for (std::size_t i = 1; i < m.size(); ++i) {
      if (day <= m[i].day) {
        const double f = (day - m[i - 1].day) / (m[i].day - m[i - 1].day);
        planned = m[i - 1].nodes + f * (m[i].nodes - m[i - 1].nodes);
        break;
      }
    }
  }
  return planned;
}

const SlaTier& tier_for(const SimulationConfig& s, double nodes) {
  for (const auto& t : s.sla_tiers) {
    if (nodes <= t.max_nodes) return t;
  }
  return s.sla_tiers.back();
}

namespace {

const GrowthScenario& find_scenario(const SimulationConfig& s, const std::string& name) {
  std::vector<std::string> names;
  for (const auto& sc : s.scenarios) {
    if (sc.name == name) return sc;
    names.push_back(sc.name);
  }
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
  throw Error("--scenario: unknown scenario \"" + name + "\"" + did_you_mean_suffix(name, names) + "; expected " + list);
}

// Today's values and monthly growth from fitted metrics where there are any.
void fitted_basis(const CapacityReport& report, SimulationResult& r) {
  bool seen[5] = {};
  std::string used;
  for (const auto& m : report.metrics) {
    const int k = static_cast<int>(m.kind);
    if (!m.analysed() || seen[k]) continue;
    seen[k] = true;
    r.base[k] = m.current;
    // Growth over the horizon, as a compound rate per 30 days.
    r.monthly_growth_pct[k] = (std::pow(std::max(0.0, 1 + m.growth_pct / 100), 30 / m.horizon_days) - 1) * 100;
    used += (used.empty() ? "" : ", ") + m.name;
  }
  if (!used.empty()) r.basis = "fitted (" + used + "); config for the rest";
}

void check_point(const CapacityConfig& c, const Throughput& tp, SimulationPoint& p) {
  const auto& sc = c.scaling;
  const double cpu_m = p.values[0] / 100 * sc.cpu.limit;
  p.memory_bytes = p.values[1] / 100 * sc.memory.limit;
  double thresholds[5] = {};
  for (const auto& m : c.metrics) thresholds[static_cast<int>(m.kind)] = m.capacity_threshold;
  for (const auto& m : c.metrics) {
    const int k = static_cast<int>(m.kind);
    // cpu, memory and requests are answered by limits and replicas below; the others can only be flagged.
    const bool flag_only = m.kind == MetricKind::cardinality || m.kind == MetricKind::storage;
    if (flag_only && p.values[k] > thresholds[k]) {
      p.breaches.push_back(std::string(to_string(m.kind)) + " " + std::to_string(static_cast<long long>(p.values[k])) +
                           " " + m.unit + " exceeds its capacity threshold " + std::to_string(static_cast<long long>(thresholds[k])));
    }
  }
  const double cpu_share = (thresholds[0] > 0 ? thresholds[0] : 80) / 100;
  const double mem_share = (thresholds[1] > 0 ? thresholds[1] : 85) / 100;
  const double cpu_need = std::ceil(cpu_m / cpu_share / sc.cpu.increment - 1e-9) * sc.cpu.increment;
  const double mem_need = std::ceil(p.memory_bytes / mem_share / sc.memory.increment - 1e-9) * sc.memory.increment;
  p.cpu_limit_m = std::clamp(cpu_need, sc.cpu.limit, sc.cpu.max);
  p.memory_limit_bytes = std::clamp(mem_need, sc.memory.limit, sc.memory.max);
  if (cpu_need > sc.cpu.max) p.breaches.push_back("cpu needs " + std::to_string(static_cast<long long>(cpu_need)) + "m, above the max");
  if (mem_need > sc.memory.max) p.breaches.push_back("memory needs " + format_bytes(mem_need) + ", above the max " + format_bytes(sc.memory.max));
  if (p.memory_bytes > p.tier.max_memory_bytes) {
    p.breaches.push_back("memory " + format_bytes(p.memory_bytes) + " exceeds the " + p.tier.name + " tier budget " +
                         format_bytes(p.tier.max_memory_bytes));
  }
  const double per_replica = tp.per_replica_rps * sc.replicas.target_utilization_pct / 100;
  p.replicas = std::max(sc.replicas.min, static_cast<int>(std::ceil(p.values[3] / per_replica - 1e-9)));
  if (p.replicas > sc.replicas.recommended_max) {
    p.breaches.push_back(std::to_string(p.replicas) + " replicas exceed the recommended max " + std::to_string(sc.replicas.recommended_max));
  } else if (p.replicas > sc.replicas.max) {
    p.breaches.push_back(std::to_string(p.replicas) + " replicas exceed max " + std::to_string(sc.replicas.max));
  }
}

}  // namespace

SimulationResult simulate(const CapacityConfig& c, const std::string& scenario, const CapacityReport* fitted,
                          const Throughput& tp) {
  const SimulationConfig& s = c.simulation;
  const GrowthScenario& sc = find_scenario(s, scenario);
  SimulationResult r;
  r.scenario = sc.name;
  r.multiplier = sc.multiplier;
  r.basis = "config";
  std::copy(std::begin(s.baseline), std::end(s.baseline), r.base);
  std::copy(std::begin(s.monthly_growth_pct), std::end(s.monthly_growth_pct), r.monthly_growth_pct);
  if (fitted) fitted_basis(*fitted, r);
  const double nodes_today = nodes_at(s, 0);
  for (double day : s.checkpoints_days) {
    SimulationPoint p;
    p.day = day;
    p.nodes = nodes_at(s, day);
    p.tier = tier_for(s, p.nodes);
    for (int k = 0; k < 5; ++k) {
      const double organic = std::pow(std::max(0.0, 1 + sc.multiplier * r.monthly_growth_pct[k] / 100), day / 30);
      p.values[k] = r.base[k] * organic * std::pow(p.nodes / nodes_today, s.node_elasticity[k]);
    }
    check_point(c, tp, p);
    r.points.push_back(std::move(p));
  }
  return r;
}

}  // namespace perfval::capacity
