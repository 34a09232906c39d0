// `perfval capacity analyze` results: per-metric forecasts, time to limits, and scaling recommendations.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "perfval/capacity/config.hpp"
#include "perfval/capacity/forecast.hpp"
#include "perfval/capacity/series.hpp"

namespace perfval::capacity {

// One point of the forecast path: the forecast and its intervals at one time in the horizon.
struct PathPoint {
  double t = 0;                     // Unix seconds
  double value = 0;                 // metric unit: point forecast
  std::vector<Interval> intervals;  // one per configured level
};

inline constexpr std::size_t kObservedBuckets = 600;

// The history as read, thinned for charts: one bucket of consecutive points.
struct ObservedBucket {
  double t = 0;     // Unix seconds of the bucket's first point
  double low = 0;   // metric unit: lowest point in the bucket
  double high = 0;  // metric unit: highest point in the bucket
};

struct MetricResult {
  std::string name;           // series name: the metric key, plus labels when a query returned several series
  MetricKind kind = MetricKind::cpu;
  std::string unit;           // from the config: "percent", "series", "rps", ...
  std::string error;          // why it could not be analysed; "" when analysed
  std::vector<std::string> warnings;  // what did not stop the analysis, e.g. values outside the bounds
  // Below: only meaningful when error is empty.
  std::string model;          // chosen model, e.g. "exponential+weekly"
  std::string method;         // "backtest", or "naive" when the history is too short to backtest
  std::string reason;         // why that model, in words
  std::string window;         // the history the chosen model was fitted on, in words
  std::string interval_method;  // how the intervals were made, in words
  double r2 = 0;              // in-sample coefficient of determination (regression models; else 0)
  double backtest_error_pct = -1;  // percent of the level: the chosen model's backtest error; -1 without backtest
  double backtest_vs_naive = 1;    // the chosen model's backtest error / the naive forecast's
  double backtest_horizon_days = 0;  // days: the longest lead the backtest scored
  int backtest_origins = 0;          // forecast origins in the backtest
  std::vector<CandidateScore> backtest;  // every candidate's backtest error, best first
  std::string confidence;     // "high", "medium" or "low"
  std::string confidence_reason;   // what the grade rests on
  std::size_t points = 0;     // raw points read
  std::size_t fit_points = 0; // points fitted (bucket medians for long series)
  std::size_t outliers = 0;   // fitted points ignored as spikes
  double history_from = 0;    // Unix seconds of the first point
  double history_to = 0;      // Unix seconds of the last point
  std::vector<ObservedBucket> observed;  // the history for charts: at most kObservedBuckets buckets (+ the last point)
  double horizon_days = 0;    // days ahead
  double current = 0;         // metric unit: the latest level (median of the last non-spike points)
  double projected = 0;       // metric unit: point forecast at the horizon
  std::vector<Interval> intervals;  // at the horizon, one per configured level
  std::vector<PathPoint> path;      // the forecast across the horizon, at the data's spacing (at most 2000 points)
  double bound_min = 0;             // metric unit: forecasts and intervals stay at or above this
  std::optional<double> bound_max;  // metric unit: ... and at or below this
  double peak_upper = 0;      // metric unit: highest upper bound of the narrowest interval within the horizon
  double growth_pct = 0;      // percent change of the trend over the horizon
  double growth_threshold_pct = 0;  // percent, from the config
  bool growth_exceeded = false;     // growth_pct > growth_threshold_pct
  double capacity_threshold = 0;    // metric unit
  std::optional<double> days_to_threshold;  // days until the forecast reaches the capacity threshold; none: not within the horizon
  std::optional<double> hard_limit;         // metric unit
  std::optional<double> days_to_limit;      // days until the forecast reaches the hard limit; none: not within the horizon
  bool alert = false;         // the capacity threshold is reached within the horizon

  bool analysed() const { return error.empty(); }
};

struct Recommendation {
  std::string metric;         // MetricResult::name it derives from
  std::string resource;       // "cpu_limit", "memory_limit", "replicas", "storage", "cardinality"
  std::string current;        // human form: "1000m", "1Gi", "3"
  std::string recommended;    // human form, or "" when there is nothing to change
  double current_value = 0;   // millicores, bytes, replicas (resource dependent)
  double recommended_value = 0;  // same unit as current_value
  bool change = false;        // recommended differs from current
  bool sufficient = true;     // false when even the configured maximum is not enough
  std::string action;         // one sentence a person can act on
};

// Per-replica throughput used for replica counts, and where it came from.
struct Throughput {
  // Not an aggregate, so the many `{rps, "config"}` call sites need no third member.
  Throughput(double rps = 0, std::string from = "", std::string at = "")
      : per_replica_rps(rps), source(std::move(from)), measured_at(std::move(at)) {}
  double per_replica_rps = 0;  // requests per second one replica sustains
  std::string source;          // "config", the summary files it was measured in, or the capacity run it came from
  std::string measured_at;     // RFC 3339 start of the capacity run (--measured); "" otherwise
};

struct CapacityReport {
  std::string config_file;     // config path
  double generated_at = 0;     // Unix seconds
  std::vector<MetricResult> metrics;
  std::vector<Recommendation> recommendations;
  Throughput throughput;
  int analysed = 0;            // metrics analysed
  int failed = 0;              // metrics that could not be analysed
  bool alert = false;          // some metric reaches its capacity threshold within its horizon

  int exit_code() const;       // 0 analysed, 99 alert, 2 nothing could be analysed
};

// One series to analyse and the metric config it belongs to.
struct AnalysisInput {
  MetricConfig metric;
  Series series;
};

// Analyses every input (errors in one do not stop the others) and derives the recommendations.
CapacityReport analyze(const CapacityConfig& config, const std::vector<AnalysisInput>& inputs,
                       const Throughput& throughput, double now_unix);

// Analyses one series; errors become MetricResult::error naming the metric.
MetricResult analyze_series(const CapacityConfig& config, const MetricConfig& metric, const Series& series);

// Recommendations for one analysed metric (none for an unanalysed one).
std::vector<Recommendation> recommend(const CapacityConfig& config, const MetricResult& result,
                                      const Throughput& throughput);

// Mean of metrics.http_reqs.rate over perfval run summaries (schema perfval/summary/v1); throws
// perfval::Error naming the file for unreadable or foreign files. Empty paths: the configured value.
Throughput measured_throughput(const CapacityConfig& config, const std::vector<std::string>& summary_paths);

// The throughput within the SLA of a capacity run (`capacity_found.rps` of its summary.json), citing the file and
// the run's date. Throws perfval::Error (exit 2) naming the file when it has no capacity_found, or found none.
Throughput measured_capacity(const std::string& summary_path);
// scaling.replicas.measured, relative to the config file's directory ("" when not set).
std::string measured_path(const CapacityConfig& config);

}  // namespace perfval::capacity
