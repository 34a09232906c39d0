// The knee rule of load steps on its own, for callers other than the step evaluation (perfval bench's in-flight
// sweep): the last step before one where throughput grew less than half as fast as the load while p95 rose by
// more than a fifth; "not reached" when none did.
#pragma once

#include <vector>

#include "perfval/loadgen/steps.hpp"

namespace perfval::loadgen {

Knee knee_of(const std::vector<StepResult>& steps);

}  // namespace perfval::loadgen
