// What the run report's parts share: one perfval/summary/v1 document as the report reads it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "html_page.hpp"

namespace perfval::report::html {

struct RunView {
  Fields doc;          // the whole summary
  std::string label;   // the run's name in legends when several runs are overlaid ("" for a single run)
  int color = 0;       // palette index of this run when overlaid
};

// A threshold's limit read from its expression ("p(95)<5s" -> aggregation "p(95)", 5000 ms for durations).
struct ThresholdLimit {
  std::string aggregation;  // "p(95)", "avg", "rate", "count", ...
  std::string op;           // "<", "<=", ">", ">="
  double value = 0;         // ms for duration metrics, else the number as written (sizes in bytes)
};
std::optional<ThresholdLimit> parse_threshold_limit(const std::string& metric, const std::string& expression);

// The run's http_req_duration thresholds that a latency chart can draw as a line (not counts or rates).
struct LatencyThreshold {
  std::string expression;  // as written, e.g. "p(95)<5s"
  ThresholdLimit limit;    // its limit, ms
  bool ok = false;         // held on the whole run
};
std::vector<LatencyThreshold> latency_thresholds(const RunView& run);

// A threshold's observed value as the console prints it (latency for durations, bytes for memory).
std::string format_observed(const std::string& metric, const std::optional<double>& observed);

// Sections drawn from the per-second series (throughput, latency, errors, VUs, checks, resources).
std::string over_time_section(const std::vector<RunView>& runs);
// The latency percentile spectrum (log 1/(1-q) axis): all requests, corrected and uncorrected, and per name.
std::string spectrum_section(const std::vector<RunView>& runs);
// The load steps of a ramping run: the capacity answer, rps and p95 per step with the SLA line, and the table.
std::string steps_section(const RunView& run);
// Status codes and transport errors by kind as bars, with the first example of each error kind.
std::string outcomes_section(const RunView& run);

}  // namespace perfval::report::html
