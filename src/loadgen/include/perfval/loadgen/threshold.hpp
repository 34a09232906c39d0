// k6-style thresholds: parsing "p(95)<5s", "rate<0.01", "count>100" and evaluating them against aggregates.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perfval::loadgen {

// One expression such as "p(95)<5s".
struct ThresholdExpr {
  enum class Op { lt, le, gt, ge, eq, ne };
  std::string aggregation;  // "avg", "min", "med", "max", "p(95)", "rate", "count", "value"
  double percentile = 0;    // for "p(N)": N in [0, 100]
  Op op = Op::lt;
  double value = 0;         // right-hand side: ms for durations (a unit is converted), bytes for sizes
  std::string source;       // the expression as written, whitespace kept as given

  bool passes(double observed) const;
};

// "<", "<=", ">", ">=", "==" or "!=", for messages and reports.
const char* to_string(ThresholdExpr::Op op);

// What a threshold value's unit means for a metric: durations ("5s", bare = ms), sizes ("512Mi", bare = bytes),
// or plain numbers (no unit).
enum class ThresholdUnit { duration, size, plain };
ThresholdUnit threshold_unit(std::string_view metric);  // target_memory_bytes: size, target_cpu_cores: plain

// Parses one expression; throws perfval::Error (no location: the caller wraps it) with a reason.
ThresholdExpr parse_threshold_expression(std::string_view text, ThresholdUnit unit = ThresholdUnit::duration);

// A metric selector such as "http_req_duration{name:metrics,scenario:stress}".
struct MetricSelector {
  std::string metric;                       // "http_req_duration"
  std::map<std::string, std::string> tags;  // {"name": "metrics"}
  std::string key;                          // canonical text: metric, then tags sorted by key
};
// Throws perfval::Error with a reason on malformed selectors.
MetricSelector parse_metric_selector(std::string_view text);

struct Threshold {
  MetricSelector selector;
  ThresholdExpr expr;
  bool abort_on_fail = false;                  // stop the run as soon as this fails (after delay_abort_eval)
  std::chrono::nanoseconds delay_abort_eval{0};  // do not abort before this much run time has passed
};

// Looks up an aggregate of a metric (e.g. "p(95)" of "http_req_duration{name:metrics}"); nullopt when the metric
// has no data or does not support that aggregation. Durations are in milliseconds, rates in [0, 1] or per second.
using AggregateLookup = std::function<std::optional<double>(const MetricSelector&, const ThresholdExpr&)>;

struct ThresholdResult {
  const Threshold* threshold = nullptr;
  std::optional<double> observed;  // nullopt when the metric had no data (the threshold then fails)
  bool ok = false;
};

std::vector<ThresholdResult> evaluate_thresholds(const std::vector<Threshold>& thresholds,
                                                 const AggregateLookup& lookup);

}  // namespace perfval::loadgen
