// The one-screen console summary: one row per benchmark (repetitions folded into median and spread), grouped
// under its category, with the counter a reader looks for first.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace perfval::bench {

// One repetition of one benchmark as the reporter saw it.
struct RunRecord {
  std::string run_name;                  // "cpu/metric_parse/1000" (no aggregate suffix)
  double real_time_ns = 0.0;             // wall time per iteration, nanoseconds
  std::map<std::string, double> counters;  // user counters, already finalised (rates per second)
  std::string error;                     // non-empty when the benchmark reported error_occurred
};

struct SummaryRow {
  std::string name;          // run name
  std::string category;      // first part of the name
  int repetitions = 0;       // repetitions that succeeded
  double median_ns = 0.0;    // median wall time per iteration, nanoseconds
  double spread_pct = 0.0;   // coefficient of variation across repetitions, percent (0 for one)
  std::string figure;        // the headline counter, e.g. "p95 0.041 ms" or "2.1G B/s"; "" if none
  std::string error;         // error message of a failed benchmark
};

// Folds repetitions by run name, keeping first-seen order.
std::vector<SummaryRow> summarize(const std::vector<RunRecord>& runs);

// The grouped table (categories in suite order, unknown ones last), ending with a count of failures.
std::string render_table(const std::vector<SummaryRow>& rows);

// "12.3 ms", "850 ns", "1.2 s".
std::string format_duration_ns(double ns);
// "1.23M", "45.6k", "999": three significant digits with k/M/G/T.
std::string format_si(double value);

}  // namespace perfval::bench
