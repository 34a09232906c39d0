// `perfval capacity simulate`: growth scenarios projected to checkpoints, with cluster growth and SLA tiers.
#pragma once

#include <string>
#include <vector>

#include "perfval/capacity/analysis.hpp"
#include "perfval/capacity/config.hpp"

namespace perfval::capacity {

struct SimulationPoint {
  double day = 0;               // days from now
  double nodes = 0;             // projected cluster size
  SlaTier tier;                 // SLA tier for that size
  double values[5] = {};        // per MetricKind, metric unit (cpu/memory/storage percent of today's limits)
  double cpu_limit_m = 0;       // millicores recommended for the projected cpu, capped at the max
  double memory_limit_bytes = 0;  // bytes recommended for the projected memory, capped at the max
  double memory_bytes = 0;      // bytes of memory in use (percent of today's limit converted)
  int replicas = 0;             // replicas for the projected request volume
  std::vector<std::string> breaches;  // what no longer fits: thresholds, maxima, the tier's memory budget
};

struct SimulationResult {
  std::string scenario;         // "expected", ...
  double multiplier = 1;        // growth multiplier of the scenario
  std::string basis;            // "config" or where fitted growth came from
  double base[5] = {};          // per MetricKind, today's value, metric unit
  double monthly_growth_pct[5] = {};  // per MetricKind, organic growth per 30 days before the multiplier, percent
  std::vector<SimulationPoint> points;  // one per checkpoint
};

// Planned cluster size at `day`: linear between milestones, the last one held (the plan is the same in every
// scenario; scenarios scale organic growth).
double nodes_at(const SimulationConfig& s, double day);
// The tier for a cluster size: the first whose max_nodes is >= nodes (max_nodes is inclusive).
const SlaTier& tier_for(const SimulationConfig& s, double nodes);

// Projects the scenario. With a report, today's values and growth rates come from its fitted metrics
// (the first analysed series of each kind); otherwise from simulation.baseline / monthly_growth.
// Throws perfval::Error naming the unknown scenario (with did-you-mean).
SimulationResult simulate(const CapacityConfig& config, const std::string& scenario, const CapacityReport* fitted,
                          const Throughput& throughput);

std::string to_json(const SimulationResult& r);  // schema perfval/capacity-simulation/v1
std::string to_markdown(const SimulationResult& r);
std::string to_console(const SimulationResult& r);
std::string render(const SimulationResult& r, const std::string& format);

}  // namespace perfval::capacity
