// Nearest-rank percentiles over samples a benchmark collected itself (latencies, pauses).
#pragma once

#include <vector>

namespace perfval::bench {

// The smallest sample with at least p% of samples at or below it (nearest rank); 0 for no samples.
// `p` in [0, 100]. Reorders `samples` (nth_element), so pass a copy if the order matters.
double percentile(std::vector<double>& samples, double p);

// p99 of the repetitions' values, for ComputeStatistics("p99", ...) on families whose tail matters.
double p99_statistic(const std::vector<double>& values);

}  // namespace perfval::bench
