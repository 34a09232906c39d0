// Synthetic histories through the whole gate: noise alone rarely fails it; a planted 25 % regression does.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "perfval/regression/gate.hpp"

namespace perfval::regression {
namespace {

constexpr int trials = 200;
constexpr int repetitions = 9;
const std::vector<std::string> names{"memory/allocation/64", "memory/allocation/1024", "cpu/parse/prometheus",
                                     "cpu/compress/zstd", "network/http/keepalive"};
const std::vector<double> true_ns{120, 950, 15000, 48000, 230000};  // each benchmark's true mean time, ns

// One run of every benchmark with 9 repetitions, each normal with a 5 % coefficient of variation.
RunResults synthetic_run(const std::string& label, std::mt19937_64& rng, double slowdown_of_first) {
  RunResults run;
  run.label = label;
  run.path = label;
  for (std::size_t b = 0; b < names.size(); ++b) {
    const double mu = true_ns[b] * (b == 0 ? slowdown_of_first : 1.0);
    std::normal_distribution<double> noise(mu, 0.05 * mu);
    Measurement m{"bench:" + names[b] + ":real_time", 0, {}, "ns", label + ".json"};
    double sum = 0;
    for (int r = 0; r < repetitions; ++r) m.samples.push_back(noise(rng)), sum += m.samples.back();
    m.value = sum / repetitions;
    run.benchmarks.push_back(names[b]);
    run.measurements[m.key] = m;
  }
  return run;
}

int failing_trials(double slowdown, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BaselineFile no_baselines;
  no_baselines.path = "none.yaml";
  GateOptions options;  // defaults: threshold 20 %, alpha 0.05
  int failed = 0;
  for (int t = 0; t < trials; ++t) {
    const RunResults previous = synthetic_run("previous", rng, 1.0);
    const RunResults current = synthetic_run("current", rng, slowdown);
    const RegressionReport report = evaluate(no_baselines, current, previous, {}, options);
    EXPECT_EQ(report.metrics.size(), names.size());
    failed += report.gate_failed() ? 1 : 0;
  }
  return failed;
}

TEST(GateSimulation, NoiseOnlyFailsAtMostAlphaOfTrials) {
  const int failed = failing_trials(1.0, 11);
  std::printf("noise only (5 benchmarks, CV 5%%, %d repetitions): gate failed in %d of %d trials\n", repetitions,
              failed, trials);
  EXPECT_LE(failed, static_cast<int>(0.05 * trials));
}

TEST(GateSimulation, PlantedTwentyFivePercentRegressionIsFlagged) {
  const int failed = failing_trials(1.25, 12);
  std::printf("planted 25%% regression (CV 5%%, %d repetitions): gate failed in %d of %d trials\n", repetitions,
              failed, trials);
  EXPECT_GE(failed, static_cast<int>(0.95 * trials));
}

}  // namespace
}  // namespace perfval::regression
