// PERFVAL_BENCH_EXTRA_WORK_PCT: a real, known slowdown of a few benchmarks, so the regression gate can be
// validated on real paired runs of a "slower build" (scripts/gate-noise.sh) instead of scaled copies.
#include <algorithm>
#include <cstdlib>

#include "suite.hpp"

namespace perfval::bench {

ExtraWork::ExtraWork() {
  static const double extra = [] {
    const char* v = std::getenv("PERFVAL_BENCH_EXTRA_WORK_PCT");
    return v ? std::clamp(std::atof(v), 0.0, 100.0) / 100 : 0.0;
  }();
  extra_ = extra;
}

int ExtraWork::rounds() {
  credit_ += extra_;
  if (credit_ < 1) return 1;
  credit_ -= 1;
  return 2;
}

}  // namespace perfval::bench
