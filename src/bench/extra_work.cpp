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
  const long long until = thread_cpu_ns() + static_cast<long long>(static_cast<double>(thread_cpu_ns() - start) * extra);
  volatile unsigned spin = 0;
  while (thread_cpu_ns() < until) spin = spin + 1;
}

}  // namespace perfval::bench
