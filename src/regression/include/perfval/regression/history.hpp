// A results history directory: one run per sub-folder (or results file), ordered by name, e.g. results/2026-W46/.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "perfval/regression/results.hpp"

namespace perfval::regression {

struct History {
  std::vector<RunResults> runs;    // readable runs, oldest (smallest name) first
  std::vector<std::string> notes;  // unreadable runs that were skipped, gaps between ISO weeks
};

// Reads every sub-folder and top-level results file (*.json, Go benchmark text) of `dir` as one run, sorted
// by name. A run that cannot be read is skipped with a note naming its file. Throws Error when `dir` is not a
// folder or holds no readable run.
History load_history(const std::string& dir);

// ISO week number of a label "YYYY-Www" as a running count of weeks (for gap detection); nullopt otherwise.
std::optional<long> iso_week_ordinal(const std::string& label);

// "no run for 2026-W45 (between 2026-W44 and 2026-W46)" notes for missing ISO weeks between labels.
std::vector<std::string> history_gaps(const std::vector<std::string>& labels);

}  // namespace perfval::regression
