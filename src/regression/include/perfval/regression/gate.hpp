// The regression gate: compares the current run with baselines, the previous run and the history, per metric.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/baseline.hpp"
#include "perfval/regression/change_point.hpp"
#include "perfval/regression/results.hpp"
#include "perfval/regression/sla.hpp"
#include "perfval/regression/units.hpp"

namespace perfval::regression {

enum class Verdict { ok, improved, regressed, not_significant, sla_breach, missing_data };

std::string to_string(Verdict v);  // "ok", "improved", "regressed", "not significant", "SLA breach", "missing data"
std::string verdict_id(Verdict v);  // "ok", "improved", "regressed", "not_significant", "sla_breach", "missing_data"

// A change point in a row's series: the history runs that have the metric, oldest first, then the current run.
struct RowChangePoint {
  std::size_t index = 0;   // position in that series of the first run of the new segment (0 = oldest)
  std::string run;         // that run's label
  double before = 0;       // mean of the segment before it, after all splits, in the row's unit
  double after = 0;        // mean of the segment it starts, in the row's unit
  double change_pct = 0;   // (after - before) / |before|, percent
  double p_value = 1;      // the larger of the t-test and the step-beyond-a-line test p-values
};

// A steady drift of the row's latest segment that no step explains.
struct RowDrift {
  std::size_t index = 0;      // position in the row's series where the drifting segment begins
  std::string since_run;      // that run's label
  double pct_per_run = 0;     // fitted slope, percent of the level at `index` per run
  double total_pct = 0;       // fitted change from `index` to the current run, percent
  double p_value = 1;         // two-sided p-value of "no slope"
};

struct MetricResult {
  std::string name;       // row name: baseline entry key, benchmark name or monitored metric
  std::string metric;     // what is measured, e.g. allocations_per_second or http_req_duration p(95)
  std::string key;        // canonical measurement key in the inputs ("" when it could not be resolved)
  std::string unit;       // unit of baseline, previous and current
  Direction direction = Direction::lower_is_better;
  std::optional<double> baseline;       // expected value from the baselines file, in `unit`
  std::optional<double> tolerance_pct;  // allowed change against the baseline, percent
  std::optional<double> previous;       // previous run's value, in `unit`
  std::optional<double> current;        // current run's value, in `unit`
  std::optional<double> change_vs_baseline_pct;  // (current - baseline) / baseline, percent
  std::optional<double> change_vs_previous_pct;  // (current - previous) / previous, percent
  std::optional<double> p_value;        // two-sided Mann-Whitney p of previous vs current samples
  std::optional<double> change_ci_low_pct;   // lower bound of the (1 - alpha) interval of the change, percent
  std::optional<double> change_ci_high_pct;  // upper bound of that interval, percent of previous
  std::size_t previous_samples = 0;     // repetitions / intervals behind `previous`
  std::size_t current_samples = 0;      // repetitions / intervals behind `current`
  std::string test;                     // "mann-whitney", "threshold only" or "" (no previous)
  std::optional<double> sla_limit;      // SLA limit in `unit`
  std::string sla_op;                   // "<" (must stay below) or ">" (must stay above)
  std::optional<std::string> shift_began;  // run label where the latest change point starts
  std::optional<double> shift_from;     // mean of the segment before that change point, `unit`
  std::optional<double> shift_to;       // mean from that change point on, `unit`
  std::vector<RowChangePoint> change_points;  // every change point over history + current, ascending index
  std::optional<RowDrift> drift;        // set when the latest segment drifts steadily
  std::vector<std::string> series_runs;  // the series change points index: history runs with the metric, then current
  std::vector<double> series_values;     // their values, in `unit` (empty without a history)
  Verdict verdict = Verdict::ok;
  std::string reason;                   // why, in a sentence
};

struct GateOptions {
  double threshold_pct = 20;            // degradation against the previous run that counts, percent
  double alpha = 0.05;                  // Mann-Whitney significance level
  std::size_t min_samples = 2;          // fewest samples per side for the significance test
  std::size_t warn_samples = 9;         // fewer samples than this get a low-power warning
  bool change_points = true;            // look for change points over the history
  ChangePointOptions change_point;      // its settings
  std::optional<SlaTier> sla_tier;      // forced tier (command line); else baselines file, else target.nodes
  bool fail_on_missing = false;         // missing data fails the gate too
};

struct RegressionReport {
  std::string baseline_file;             // path of the baselines file
  std::string current;                   // current run label
  std::string previous;                  // previous run label ("" when none)
  std::vector<std::string> history;      // history run labels, oldest first (current excluded)
  std::optional<SlaTier> sla_tier;       // tier whose limits were applied
  std::string sla_tier_source;           // how the tier was chosen
  double threshold_pct = 20;             // as in GateOptions, percent
  double alpha = 0.05;                   // as in GateOptions
  bool fail_on_missing = false;          // as in GateOptions
  std::vector<MetricResult> metrics;     // one row per metric
  std::vector<std::string> notes;        // warnings about the inputs (gaps, aborted runs, low repetitions)

  std::size_t count(Verdict v) const;
  bool gate_failed() const;              // a regression or SLA breach (or missing data with fail_on_missing)
  bool nothing_judged() const;           // every row is missing data (or there are none)
  int exit_code() const;                 // 0, 99 (gate failed) or 2 (nothing could be judged)
  std::string headline() const;          // one line: "FAIL: 2 regressions, 1 SLA breach (of 14 metrics)"
};

// previous is the run to compare against (a --previous PATH or the latest history run); history holds the
// earlier runs, oldest first, excluding current (previous may be its last element).
RegressionReport evaluate(const BaselineFile& baselines, const RunResults& current,
                          const std::optional<RunResults>& previous, const std::vector<RunResults>& history,
                          const GateOptions& options = {});

// The measured value of each baseline entry in `run`, converted to the entry's unit (for --update-baseline);
// entries the run does not provide are left out.
std::map<std::string, double> measured_baseline_values(const BaselineFile& baselines, const RunResults& run);

}  // namespace perfval::regression
