// Invariants of regression::RunResults, shared by the benchmark-reader fuzz targets.
#include "results_invariants.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "fuzz_support.hpp"

namespace perfval::fuzz {

namespace {

bool names_a_benchmark(const regression::RunResults& r, const std::string& key) {
  return std::any_of(r.benchmarks.begin(), r.benchmarks.end(),
                     [&](const std::string& b) { return key.rfind("bench:" + b + ":", 0) == 0; });
}

// Samples small enough that their mean cannot overflow.
bool tame(const std::vector<double>& samples) {
  return std::all_of(samples.begin(), samples.end(), [](double s) { return std::fabs(s) < 1e300; });
}

}  // namespace

void check_results(const regression::RunResults& results) {
  for (const auto& [key, m] : results.measurements) {
    require(m.key == key, "a measurement filed under another key");
    require(key.rfind("bench:", 0) == 0 || key.rfind("summary:", 0) == 0 || key.rfind("resource:", 0) == 0,
            "a measurement key of no known kind");
    if (key.rfind("bench:", 0) != 0) continue;
    require(names_a_benchmark(results, key), "a benchmark measurement whose benchmark is not listed");
    if (m.samples.empty() || !tame(m.samples)) continue;
    const auto [lo, hi] = std::minmax_element(m.samples.begin(), m.samples.end());
    const double slack = 1e-9 * std::max(std::fabs(*lo), std::fabs(*hi));
    require(m.value >= *lo - slack && m.value <= *hi + slack, "a benchmark's value outside its repetitions");
  }
  for (const auto& [key, message] : results.failed) {
    require(key.rfind("bench:", 0) == 0 && !message.empty(), "a failed benchmark without key or message");
  }
}

}  // namespace perfval::fuzz
