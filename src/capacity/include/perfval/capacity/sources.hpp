// Where capacity series come from: the Prometheus HTTP API (query_range) and --data files.
#pragma once

#include <string>
#include <vector>

#include "perfval/capacity/analysis.hpp"

namespace perfval::capacity {

inline constexpr double kPrometheusMaxPoints = 11000;  // points per series Prometheus returns at most

// The smallest whole-second step >= resolution_s that keeps a range within Prometheus' points limit.
double choose_step(double range_s, double resolution_s);

struct PrometheusQuery {
  std::string base_url;     // e.g. "http://127.0.0.1:9090" (a path prefix is kept)
  double start = 0;         // Unix seconds
  double end = 0;           // Unix seconds
  double resolution_s = 60; // finest step wanted, seconds
  double timeout_s = 30;    // per request, seconds
};

// Runs one range query and returns its series, aggregated as the metric says (or one per label set).
// Throws perfval::Error (message without the metric name; the caller adds it) when Prometheus is unreachable,
// answers with an error, or returns nothing. Series with NaN/negative values carry Series::error.
std::vector<Series> query_prometheus(const PrometheusQuery& q, const MetricConfig& metric);

struct SourceOptions {
  std::string data_file;       // --data FILE, or ""
  std::string prometheus_url;  // --prometheus URL, or ""
  double now_unix = 0;         // end of the Prometheus range
};

// One input per series of every configured metric; a metric that cannot be read becomes an input whose
// Series::error says why (naming the metric), so the others are still analysed. Throws perfval::Error when
// neither source is given or the data file itself is malformed.
std::vector<AnalysisInput> collect_inputs(const CapacityConfig& config, const SourceOptions& options);

}  // namespace perfval::capacity
