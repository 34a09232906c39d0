// The regression gate: compares the current run with baselines, the previous run and the history, per metric.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/baseline.hpp"
#include "perfval/regression/change_point.hpp"
#include "perfval/regression/noise.hpp"
#include "perfval/regression/results.hpp"
#include "perfval/regression/sla.hpp"
#include "perfval/regression/units.hpp"

namespace perfval::regression {

// unchanged: within the threshold (or tolerance); inconclusive: beyond it but inside the noise, so the data
// cannot tell (docs/regression.md says what would).
enum class Verdict { unchanged, improved, regressed, inconclusive, sla_breach, missing_data };

std::string to_string(Verdict v);   // "unchanged", "improved", "regressed", "inconclusive", "SLA breach", "missing data"
std::string verdict_id(Verdict v);  // the same with '_' for ' ' and lower case: "sla_breach", "missing_data"

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
  std::optional<double> normalized_change_pct;  // change vs previous with the machine's own shift taken out, percent
  std::optional<double> noise_pct;      // standard deviation of that change allowed for by the verdict, percent
  std::string noise_source;             // where the noise came from, e.g. "history spread (12 runs)"
  std::optional<double> detectable_pct;  // the smallest change for the worse this comparison would call regressed,
                                         // percent (slower, or a rate that fell): its threshold or its noise
  std::optional<double> p_value;        // two-sided p of the change against its noise
  std::optional<double> change_ci_low_pct;   // lower bound of the (1 - alpha) interval of the change, percent
  std::optional<double> change_ci_high_pct;  // upper bound of that interval, percent of previous
  bool other_testbed = false;           // the baseline was measured on another testbed, so it was not judged
  bool baseline_loaded_machine = false;  // a wall-clock figure of a run that started oversubscribed: its baseline
                                         // is shown, not judged
  bool previous_loaded_machine = false;  // the same against the previous run: either run started oversubscribed
  std::size_t previous_samples = 0;     // repetitions / intervals behind `previous`
  std::size_t current_samples = 0;      // repetitions / intervals behind `current`
  std::string test;                     // "run-level noise", "threshold only" or "" (no previous)
  std::optional<double> sla_limit;      // SLA limit in `unit`
  std::string sla_op;                   // "<" (must stay below) or ">" (must stay above)
  std::optional<std::string> shift_began;  // run label where the latest change point starts
  std::optional<double> shift_from;     // mean of the segment before that change point, `unit`
  std::optional<double> shift_to;       // mean from that change point on, `unit`
  std::vector<RowChangePoint> change_points;  // every change point over history + current, ascending index
  std::optional<RowDrift> drift;        // set when the latest segment drifts steadily
  std::vector<std::string> series_runs;  // the series change points index: history runs with the metric, then current
  std::vector<double> series_values;     // their values, in `unit` (empty without a history)
  Verdict verdict = Verdict::unchanged;
  std::string reason;                   // why, in a sentence
};

// The median over every benchmark of log(current / previous) of one time field: how the run moved as a whole.
struct CommonShift {
  double log_shift = 0;
  std::size_t benchmarks = 0;  // benchmarks it is the median of; 0 when too few to say
  bool measured() const { return benchmarks > 0; }
};

struct GateOptions {
  double threshold_pct = 10;            // change against the previous run that counts, percent
  double alpha = 0.01;                  // significance level of the whole comparison (Bonferroni over its rows)
  double noise_floor_pct = 20;          // run-to-run noise of one run, at least, percent (docs/regression.md)
  double drift_floor_pct = 3;           // the machine's drift of one run when samples are processes, percent
  double repetition_drift_floor_pct = 3;  // the same when they are interleaved repetitions (design effect)
  std::size_t min_common_benchmarks = 5;  // benchmarks needed to normalize by their common shift
  double wall_clock_floor_factor = 3;   // the floor times this for benchmarks timed by the wall clock
  double machine_change_factor = 0.5;   // noise added per unit of the controls' wall-clock shift between runs
  std::size_t min_history_runs = 5;     // history runs needed for a metric's own spread
  bool normalize = true;                // take the machine's shift (common shift, else controls) out of changes
  bool strict_testbed = false;          // judge absolute benchmark baselines measured on another testbed too
  bool inconclusive_fails = false;      // --inconclusive fail: an inconclusive metric fails the gate
  bool change_points = true;            // look for change points over the history
  ChangePointOptions change_point;      // its settings
  std::optional<SlaTier> sla_tier;      // forced tier (command line); else baselines file, else target.nodes
  bool fail_on_missing = false;         // missing data fails the gate too
};

struct RegressionReport {
  std::string title = "perfval regress";  // the command that judged: perfval regress or perfval compare
  std::optional<int> stopped_code;         // stopped before it was done (a failed command: 2, interrupted: 105):
  std::string stopped_reason;              // the exit code, and a short why ("after 12 of 20 rounds: interrupted")
  std::string more_data_hint;              // what makes the detectable changes smaller (sensitivity line); empty:
                                           // regress's (more repetitions or processes, an A/B, a history)
  std::string baseline_file;             // path of the baselines file
  std::string current;                   // current run label
  std::string previous;                  // previous run label ("" when none)
  std::vector<std::string> history;      // history run labels, oldest first (current excluded)
  std::optional<SlaTier> sla_tier;       // tier whose limits were applied
  std::string sla_tier_source;           // how the tier was chosen
  double threshold_pct = 10;             // as in GateOptions, percent
  double alpha = 0.01;                   // as in GateOptions: for the whole comparison
  double metric_alpha = 0.01;            // what each row is judged at: alpha / rows compared (Bonferroni)
  double noise_floor_pct = 20;           // as in GateOptions, percent
  bool fail_on_missing = false;          // as in GateOptions
  bool inconclusive_fails = false;       // as in GateOptions
  MachineContext current_machine;        // where the current run was measured
  MachineContext previous_machine;       // where the previous run was measured
  Testbed baseline_testbed;              // where the baselines file says its values were measured
  MachineShift machine_shift;            // wall-clock shift of the controls, previous -> current
  MachineShift machine_shift_cpu;        // CPU-time shift of the controls, previous -> current
  CommonShift common_shift;              // every benchmark's median wall-clock shift (benchmarks timed by it)
  CommonShift common_shift_cpu;          // every benchmark's median CPU-time shift
  std::vector<std::string> inapplicable;  // baseline entries the current run cannot provide (kind of input absent)
  std::string inapplicable_why;          // one sentence: why they do not apply
  std::vector<MetricResult> metrics;     // one row per metric
  std::vector<std::string> notes;        // warnings about the inputs (gaps, aborted runs, low repetitions)

  std::size_t count(Verdict v) const;
  // How sensitive the comparison was: over the rows with a detectable change, how many would have called a
  // slowdown of `probe_pct` regressed, and the median detectable change as a slowdown (a rate's detectable fall
  // f counts as the slowdown 1 / (1 - f) - 1). compared == 0 when none had one.
  struct Sensitivity {
    std::size_t compared = 0;
    std::size_t would_catch = 0;
    double probe_pct = 25;
    double median_detectable_pct = 0;
  };
  Sensitivity sensitivity(double probe_pct = 25) const;
  std::string sensitivity_line() const;  // "sensitivity: ..." or "" when nothing was compared with a noise model
  bool gate_failed() const;              // a regression or SLA breach (or missing data / inconclusive when told)
  bool row_fails(const MetricResult& m) const;  // the row alone would fail the gate
  bool nothing_judged() const;           // every row is missing data (or there are none)
  int exit_code() const;                 // 0, 99 (gate failed) or 2 (nothing could be judged)
  std::string headline() const;          // one line: "FAIL: 2 regressions, 1 SLA breach (of 14 metrics)"
  std::string inconclusive_warning() const;  // "warning: 3 metrics are inconclusive ..." or "" when none
  // `alpha` is for the whole comparison of `rows` rows: metric_alpha = alpha * share / rows (Bonferroni), and a
  // note says so when there is more than one row, or when `share` < 1 (one look of a sequential A/B spends only
  // that fraction of alpha) and there is at least one.
  void set_family_alpha(double alpha, std::size_t rows, double share = 1);

 private:
  std::string judged_headline() const;  // headline() of the rows, whether or not the comparison stopped early
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
