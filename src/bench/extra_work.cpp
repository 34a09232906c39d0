// PERFVAL_BENCH_EXTRA_WORK_PCT: a real, known slowdown of a few benchmarks, so the regression gate can be
// validated on real paired runs of a "slower build" (scripts/gate-noise.sh) instead of scaled copies.
#include <time.h>

#include <algorithm>
#include <cstdlib>

#include "suite.hpp"

namespace perfval::bench {

namespace {

double extra_fraction() {
  static const double extra = [] {
    const char* v = std::getenv("PERFVAL_BENCH_EXTRA_WORK_PCT");
    return v ? std::clamp(std::atof(v), 0.0, 1000.0) / 100 : 0.0;
  }();
  return extra;
}

// This thread's CPU time, nanoseconds: the clock Google Benchmark's cpu_time follows, so the extra work is
// P % of what the benchmark itself measures even while other processes take turns on the CPU.
long long thread_cpu_ns() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<long long>(t.tv_sec) * 1000000000LL + t.tv_nsec;
}

}  // namespace

void with_extra_work(const std::function<void()>& body) {
  const double extra = extra_fraction();
  if (extra == 0) return body();
  const long long start = thread_cpu_ns();
  body();
  const long long end = thread_cpu_ns();
  const long long until = end + static_cast<long long>(static_cast<double>(end - start) * extra);
  // The clock is read once per block of additions, not per addition: a system call on every turn of the spin
  // added its own cost (PCT=10 read +24.6 % in a loaded A/B of scripts/gate-noise.sh; docs/performance.md).
  volatile unsigned spin = 0;
  do {
    for (int i = 0; i < 512; ++i) spin = spin + 1;
  } while (thread_cpu_ns() < until);
}

}  // namespace perfval::bench
