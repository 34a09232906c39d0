// Synthetic runs with run-level noise through the whole gate: the machine's speed moves for whole runs (which the
// controls see) and each benchmark moves a little per run on top. Treating repetitions as independent samples
// (Mann-Whitney) cries wolf on such runs; the run-level model does not, and still finds a planted change.
// Real back-to-back runs are measured by scripts/gate-noise.sh (docs/regression.md).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>

#include "perfval/regression/gate.hpp"
#include "perfval/regression/stats.hpp"

namespace perfval::regression {
namespace {

constexpr int trials = 200;
constexpr int repetitions = 9;
const std::vector<std::string> names{"memory/allocation/64", "memory/allocation/1024", "cpu/parse/prometheus",
                                     "cpu/compress/zstd", "network/http/keepalive"};
const std::vector<double> true_ns{120, 950, 15000, 48000, 230000};  // each benchmark's true time, ns

struct Noise {
  double machine = 0.15;  // SD of the whole run's speed (log), shared by every benchmark and the controls
  double per_run = 0.02;  // SD of each benchmark's own shift in a run (log)
  double within = 0.03;   // SD of a repetition around its run's value (log)
};

void add(RunResults& run, const std::string& name, double ns, const Noise& n, std::mt19937_64& rng) {
  std::normal_distribution<double> rep(0, n.within);
  Measurement m{"bench:" + name + ":cpu_time", 0, {}, "ns", run.label + ".json"};
  for (int r = 0; r < repetitions; ++r) m.samples.push_back(ns * std::exp(rep(rng)));
  m.value = mean(m.samples);
  run.benchmarks.push_back(name);
  run.measurements[m.key] = m;
}

RunResults synthetic_run(const std::string& label, std::mt19937_64& rng, double slowdown_of_first, const Noise& n) {
  RunResults run;
  run.label = label;
  run.path = label;
  std::normal_distribution<double> machine(0, n.machine), own(0, n.per_run), control(0, 0.01);
  const double speed = std::exp(machine(rng));
  for (std::size_t b = 0; b < names.size(); ++b)
    add(run, names[b], true_ns[b] * speed * std::exp(own(rng)) * (b == 0 ? slowdown_of_first : 1.0), n, rng);
  for (const char* c : {"control/cpu", "control/memory", "control/syscall"})
    add(run, c, 10000 * speed * std::exp(control(rng)), n, rng);
  return run;
}

// Trials in which the gate failed, comparing with the previous run (history_runs = 0) or with a history.
int failing_trials(double slowdown, std::uint64_t seed, std::size_t history_runs, const Noise& n,
                   const GateOptions& options = {}) {
  std::mt19937_64 rng(seed);
  BaselineFile none;
  int failed = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<RunResults> history;
    for (std::size_t h = 0; h < std::max<std::size_t>(history_runs, 1); ++h)
      history.push_back(synthetic_run("run" + std::to_string(h), rng, 1.0, n));
    const RunResults current = synthetic_run("current", rng, slowdown, n);
    const RegressionReport report =
        evaluate(none, current, history.back(), history_runs ? history : std::vector<RunResults>{}, options);
    EXPECT_EQ(report.metrics.size(), names.size());
    failed += report.gate_failed() ? 1 : 0;
  }
  return failed;
}

// What treating repetitions as independent samples does: Mann-Whitney p < 0.05 and a change beyond 20 %.
int repetition_test_false_alarms(std::uint64_t seed, const Noise& n) {
  std::mt19937_64 rng(seed);
  int failed = 0;
  for (int t = 0; t < trials; ++t) {
    const RunResults a = synthetic_run("a", rng, 1.0, n), b = synthetic_run("b", rng, 1.0, n);
    bool any = false;
    for (const auto& name : names) {
      const Measurement& x = a.measurements.at("bench:" + name + ":cpu_time");
      const Measurement& y = b.measurements.at("bench:" + name + ":cpu_time");
      any = any || (mann_whitney_u(x.samples, y.samples).p_value < 0.05 && y.value > 1.2 * x.value);
    }
    failed += any ? 1 : 0;
  }
  return failed;
}

TEST(GateSimulation, WholeRunNoiseFailsTheRepetitionTestButNotTheGate) {
  const Noise n;
  const int gate = failing_trials(1.0, 11, 0, n), naive = repetition_test_false_alarms(11, n);
  std::printf("same build, machine speed SD 15%% per run: gate failed in %d of %d trials; Mann-Whitney over "
              "repetitions in %d\n", gate, trials, naive);
  EXPECT_LE(gate, 2);
  EXPECT_GE(naive, trials / 4);
}

TEST(GateSimulation, ThreeTimesAsSlowIsFoundFromTwoRuns) {
  // Under the default 20 % per-run floor (measured on a shared machine), two runs only tell gross changes.
  Noise n;
  n.machine = 0.10;
  const int failed = failing_trials(3.0, 12, 0, n);
  std::printf("planted 3x slowdown, previous run only: gate failed in %d of %d trials\n", failed, trials);
  EXPECT_GE(failed, static_cast<int>(0.95 * trials));
}

TEST(GateSimulation, HistoryFindsTwentyFivePercentOnAQuietRunner) {
  // A dedicated runner told so (--noise-floor 2): each metric's own spread over 20 runs decides.
  const Noise n;
  GateOptions quiet;
  quiet.noise_floor_pct = 2;
  const int found = failing_trials(1.25, 13, 20, n, quiet), false_alarms = failing_trials(1.0, 14, 20, n, quiet);
  std::printf("history of 20 runs: planted 25%% found in %d of %d trials; same build failed in %d\n", found, trials,
              false_alarms);
  EXPECT_GE(found, static_cast<int>(0.95 * trials));
  EXPECT_LE(false_alarms, 2);
}

}  // namespace
}  // namespace perfval::regression
