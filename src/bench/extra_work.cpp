// PERFVAL_BENCH_EXTRA_WORK_PCT: a real, known slowdown of a few benchmarks, so the regression gate can be
// validated on real paired runs of a "slower build" (scripts/gate-noise.sh) instead of scaled copies.
#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "suite.hpp"

namespace perfval::bench {

int work_size(std::int64_t nodes) {
  static const double extra = [] {
    const char* v = std::getenv("PERFVAL_BENCH_EXTRA_WORK_PCT");
    return v ? std::max(0.0, std::atof(v)) : 0.0;
  }();
  return static_cast<int>(std::llround(static_cast<double>(nodes) * (1 + extra / 100)));
}

}  // namespace perfval::bench
