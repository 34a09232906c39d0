// Nearest-rank percentiles: exact order statistics, no interpolation, so a p99 is a value that occurred.
#include "perfval/bench/percentiles.hpp"

#include <algorithm>
#include <cmath>

namespace perfval::bench {

double percentile(std::vector<double>& samples, double p) {
  if (samples.empty()) return 0.0;
  const double clamped = std::clamp(p, 0.0, 100.0);
  const auto n = samples.size();
  auto rank = static_cast<std::size_t>(std::ceil(clamped / 100.0 * static_cast<double>(n)));
  if (rank == 0) rank = 1;
  const auto nth = samples.begin() + static_cast<std::ptrdiff_t>(rank - 1);
  std::nth_element(samples.begin(), nth, samples.end());
  return *nth;
}

double p99_statistic(const std::vector<double>& values) {
  std::vector<double> copy = values;
  return percentile(copy, 99.0);
}

}  // namespace perfval::bench
