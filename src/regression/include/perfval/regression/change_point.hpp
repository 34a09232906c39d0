// Change-point detection over a history of values: E-divisive means with a permutation significance test.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace perfval::regression {

struct ChangePointOptions {
  double alpha = 0.05;            // a split is kept when its permutation p-value is below this
  int permutations = 199;         // shuffles per significance test (p-value resolution 1/(permutations+1))
  std::size_t min_segment = 3;    // fewest points on either side of a change point
  std::uint64_t seed = 20261122;  // permutation RNG seed, so a history always gives the same answer
};

struct ChangePoint {
  std::size_t index = 0;   // first index of the new segment: the shift began at series[index]
  double statistic = 0;    // scaled energy-distance divergence between the two sides (series units)
  double p_value = 1;      // permutation p-value of the split within its segment
  double mean_before = 0;  // mean of the segment before the change point (series units)
  double mean_after = 0;   // mean of the segment after it (series units)
};

// Energy divergence statistic Q(tau) of Matteson & James (2014) with alpha = 1 for splitting
// series[begin, end) at tau; exposed for tests.
double e_divisive_statistic(const std::vector<double>& series, std::size_t begin, std::size_t end, std::size_t tau);

// Hierarchical E-divisive: repeatedly splits the segment with the largest divergence while the split is
// significant. Returns change points sorted by index; none for a constant or too short series.
std::vector<ChangePoint> e_divisive(const std::vector<double>& series, const ChangePointOptions& options = {});

}  // namespace perfval::regression
