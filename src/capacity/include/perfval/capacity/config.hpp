// The capacity-planning configuration (baselines/capacity-planning.yaml, documented in docs/capacity.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace perfval::capacity {

// The five metrics perfval knows how to turn into recommendations.
enum class MetricKind { cpu, memory, cardinality, requests, storage };
const char* to_string(MetricKind kind);  // "cpu", "memory", ...
const std::vector<std::string>& metric_keys();

// How several series returned by one query are analysed.
enum class Aggregate { each, sum, avg, max, min };
const char* to_string(Aggregate a);

// Which Fourier seasonality terms the fits may use.
enum class SeasonalityMode { automatic, none, daily, weekly, daily_weekly };
const char* to_string(SeasonalityMode m);

struct MetricConfig {
  MetricKind kind = MetricKind::cpu;
  std::string description;         // free text for reports
  std::string unit;                // "percent", "series", "rps"; cpu/memory/storage percentages are of the limit
  std::string query;               // PromQL for --prometheus; empty when the metric only comes from files
  std::string column;              // column of a --data file; defaults to the metric key
  Aggregate aggregate = Aggregate::each;  // what to do when the query returns several series
  double horizon_days = 30;        // days ahead to forecast
  double growth_threshold_pct = 15;  // percent growth over the horizon that is worth reporting
  double capacity_threshold = 80;  // metric unit; crossing it within the horizon is an alert
  std::optional<double> hard_limit;  // metric unit; the value at which things break (absent: none)
  SeasonalityMode seasonality = SeasonalityMode::automatic;
  double bound_min = 0;              // metric unit: no value, forecast or interval goes below this
  std::optional<double> bound_max;   // metric unit: ... nor above this (percent: 100; absent: unbounded)
};

struct ResourceScaling {
  double limit = 0;      // current limit: millicores (cpu) or bytes (memory)
  double increment = 0;  // recommendations are rounded up to a multiple of this, same unit
  double max = 0;        // never recommend more than this, same unit
};

struct ReplicaScaling {
  int min = 3;                    // replicas
  int max = 10;                   // replicas allowed by the current deployment
  int recommended_max = 20;       // replicas beyond which scaling out is not advised
  double per_replica_rps = 150;   // requests per second one replica sustains (used without run summaries)
  double target_utilization_pct = 80;  // percent of per-replica throughput to plan for
  std::string measured;           // summary.json of a capacity run: per_replica_rps is its capacity_found.rps
};

struct ScalingPolicy {
  ResourceScaling cpu{1000, 500, 4000};                              // millicores
  ResourceScaling memory{1024.0 * 1024 * 1024, 512.0 * 1024 * 1024,  // bytes
                         8.0 * 1024 * 1024 * 1024};
  ReplicaScaling replicas;
};

// An SLA tier chosen by cluster size (nodes).
struct SlaTier {
  std::string name;           // "small", "medium", "large"
  double max_nodes = 0;       // nodes, inclusive: the tier applies up to this size (the last tier has infinity)
  double p95_ms = 0;          // milliseconds: p95 latency objective
  double min_rps = 0;         // requests per second the target must sustain
  double max_memory_bytes = 0;  // bytes of target memory allowed
  double max_error_pct = 0;   // percent of failed requests allowed
};

struct ClusterMilestone {
  double day = 0;    // days from now
  double nodes = 0;  // cluster size at that day
};

struct GrowthScenario {
  std::string name;         // "conservative", "expected", "aggressive"
  double multiplier = 1.0;  // scales the organic (per-month) growth rate of every metric
};

struct SimulationConfig {
  std::vector<GrowthScenario> scenarios;     // selectable with --scenario
  std::vector<double> checkpoints_days{30, 90, 180, 365};  // days ahead to report
  std::vector<ClusterMilestone> cluster_growth;  // nodes over time, linear between milestones
  std::vector<SlaTier> sla_tiers;            // ordered by max_nodes
  // Per metric (indexed by MetricKind): today's value, monthly organic growth and node elasticity.
  double baseline[5] = {35, 45, 12000, 250, 30};           // metric units, used when no data is given
  double monthly_growth_pct[5] = {8, 10, 15, 12, 6};       // percent per 30 days of organic growth
  double node_elasticity[5] = {0.5, 0.5, 1.0, 0.3, 1.0};   // d log(value) / d log(nodes)
};

struct CapacityConfig {
  std::string file;                       // where it was read from ("" for the built-in defaults)
  double history_days = 90;               // how far back to read from Prometheus
  double resolution_s = 60;               // finest Prometheus step, seconds
  std::vector<double> interval_levels{80, 95};  // percent, prediction interval coverage
  std::size_t min_points = 10;            // fewer points than this is not a fit
  std::size_t max_fit_points = 4096;      // longer series are reduced to this many bucket medians
  std::vector<MetricConfig> metrics;      // in file order
  ScalingPolicy scaling;
  SimulationConfig simulation;
};

// The documented defaults for one metric (the table in docs/capacity.md).
MetricConfig default_metric(MetricKind kind);
// Every metric with its defaults, plus the default scaling policy and simulation.
CapacityConfig default_config();
// Reads and validates a config file; throws perfval::Error naming file:line:col and field.
CapacityConfig load_config(const std::string& path);
CapacityConfig parse_config(const std::string& yaml_text, const std::string& name);

// "30d", "12h", "90m" -> days. nullopt when malformed.
std::optional<double> parse_days(const std::string& text);
// "1000m", "1.5", "2" (cores) -> millicores. nullopt when malformed.
std::optional<double> parse_millicores(const std::string& text);

}  // namespace perfval::capacity
