// Finding which measurement of a run a baseline entry refers to (internal to the regression module).
#pragma once

#include <string>

#include "perfval/regression/baseline.hpp"
#include "perfval/regression/results.hpp"

namespace perfval::regression::detail {

struct Resolution {
  std::string key;    // measurement key; empty when unresolved
  std::string error;  // why it could not be resolved (names the run and the metric)
};

// Resolves an entry's source in `run`: explicit benchmark/summary/resource sources, or for a bare metric
// name the well-known metric table and then a benchmark counter of that name.
Resolution resolve_source(const BaselineEntry& entry, const RunResults& run);

// The well-known metric table as (metric, description) pairs, for docs and error messages.
std::vector<std::string> well_known_metrics();

}  // namespace perfval::regression::detail
