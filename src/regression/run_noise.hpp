// Per-row noise context for the gate (internal): the machine's shift between two runs that a row follows, and
// the row's own run-to-run spread over a history.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/noise.hpp"
#include "perfval/regression/results.hpp"

namespace perfval::regression::detail {

// Locations of a run's control benchmarks (control/...), by name, for each time field.
struct RunControls {
  std::map<std::string, RunLocation> real_time;  // wall-clock time per iteration
  std::map<std::string, RunLocation> cpu_time;   // CPU time per iteration
  const std::map<std::string, RunLocation>& field(const std::string& name) const {
    return name == "real_time" ? real_time : cpu_time;
  }
};

RunControls controls_of(const RunResults& run);

// True for a benchmark's measurement key ("bench:NAME:FIELD"), and for a control benchmark's ("bench:control/...").
bool is_benchmark_key(const std::string& key);
bool is_control_key(const std::string& key);

// The time Google Benchmark measures a benchmark by: "real_time" for benchmarks timed by the wall clock
// (names with /real_time or /manual_time), else "cpu_time".
std::string time_field_of(const std::string& benchmark);

// The control field a benchmark measurement follows: real_time for its wall-clock time and for times and rates
// of benchmarks timed by the wall clock (".../real_time", ".../manual_time"), cpu_time for the others; "" for
// values that do not scale with the machine's speed (sizes, counts, ratios, load-test metrics).
std::string control_field(const std::string& key, const std::string& unit);

// +1 for times (a slower machine makes them larger), -1 for rates, 0 for anything else.
int speed_sign(const std::string& unit);

// A benchmark row whose value is a wall-clock figure: the time of a benchmark timed by the wall clock, a time
// counter (a pause, a latency percentile) or a rate of a wall-clock benchmark. CPU time, sizes and counts are not.
bool wall_clock_row(const std::string& key, const std::string& unit);

struct RowNoise {
  double log_shift = 0;                 // log(current / previous) the machine alone explains, signed for the unit
  std::string shift_field;              // control field followed; "" when the row is not normalized
  std::optional<double> history_sigma;  // the row's run-to-run spread over the history (log scale)
  std::size_t history_runs = 0;         // history runs with a value for the row
  double floor = 0;                     // run-to-run noise of one run when no history says (log scale)
  double machine_change = 0;            // extra noise of a difference for how much the machine moved (log scale)
  std::string shift_source;             // "common" (every benchmark's median shift) or "controls"
  bool processes = false;               // both runs' samples are independent runs (processes, go -count lines)
  double drift = 0;                     // the machine's drift of one run when samples are processes (log scale)
  double repetition_drift = 0;          // the same for interleaved repetitions with their design effect
  double alpha = 0.001;                 // significance level of this row: the comparison's, over its rows
};

// The row's spread over `history` (oldest first, the current run excluded), each run's value brought to the
// current run's machine speed through the controls when both have them; nullopt below `min_runs` values.
std::optional<double> history_sigma(const std::vector<RunResults>& history, const RunResults& current,
                                    const std::string& key, const std::string& unit, std::size_t min_runs,
                                    std::size_t* runs);

}  // namespace perfval::regression::detail
