// Judging one metric row: baseline tolerance, previous-run comparison with significance, SLA limit (internal).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/gate.hpp"

namespace perfval::regression::detail {

struct Observed {
  double value = 0;             // representative value, in the row's unit
  std::vector<double> samples;  // repetitions / intervals, in the row's unit
};

// `key` of `run` converted to `unit`; nullopt with *why set when absent or in an incompatible unit.
std::optional<Observed> observe(const RunResults& run, const std::string& key, const std::string& unit,
                                std::string* why);

// Fills current/previous/changes/p-value/test and the verdict and reason of a row whose current value exists.
void judge(MetricResult& row, const std::optional<Observed>& previous, const Observed& current,
           const GateOptions& options);

}  // namespace perfval::regression::detail
