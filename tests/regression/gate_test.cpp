// Tests of the gate's verdicts: baselines, previous runs with and without repetitions, SLA tiers, missing data.
#include "perfval/regression/gate.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>

namespace perfval::regression {
namespace {

using ::testing::HasSubstr;

void add(RunResults& run, const std::string& key, double value, std::vector<double> samples, const std::string& unit) {
  run.measurements[key] = Measurement{key, value, std::move(samples), unit, run.label + ".json"};
}

RunResults bench_run(const std::string& label, const std::map<std::string, std::vector<double>>& times_ns) {
  RunResults run;
  run.label = label;
  run.path = label;
  for (const auto& [name, samples] : times_ns) {
    run.benchmarks.push_back(name);
    double sum = 0;
    for (double s : samples) sum += s;
    add(run, "bench:" + name + ":real_time", sum / static_cast<double>(samples.size()), samples, "ns");
  }
  return run;
}

RunResults summary_run(const std::string& label, double p95_ms, double rps, double error_ratio,
                       std::optional<double> nodes, std::optional<double> memory_bytes = std::nullopt) {
  RunResults run;
  run.label = label;
  run.path = label;
  run.scenarios = {"baseline"};
  run.target_nodes = nodes;
  add(run, "summary:baseline:http_req_duration:p(95)", p95_ms, {}, "ms");
  add(run, "summary:baseline:http_req_duration:p(99)", p95_ms * 2, {}, "ms");
  add(run, "summary:baseline:http_reqs:rate", rps, {}, "/s");
  add(run, "summary:baseline:http_req_failed:rate", error_ratio, {}, "ratio");
  if (memory_bytes) add(run, "resource:baseline:memory_bytes", *memory_bytes, {}, "bytes");
  return run;
}

const MetricResult& row(const RegressionReport& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return m;
  throw std::runtime_error("no row " + name);
}

// Tolerance and threshold alone: no run-to-run floor (--noise-floor 0), as for values known to be exact.
GateOptions exact() {
  GateOptions o;
  o.noise_floor_pct = 0;
  return o;
}

const std::vector<double> nine{100, 102, 98, 101, 99, 103, 97, 100, 100};  // mean 100, ns

std::vector<double> scaled(const std::vector<double>& xs, double f) {
  std::vector<double> out;
  for (double x : xs) out.push_back(x * f);
  return out;
}

TEST(GateBaseline, OutsideToleranceInTheBadDirectionIsARegression) {
  const BaselineFile b = parse_baselines(
      "alloc: {metric: allocations_per_second, baseline: 10000, tolerance: 10%, unit: allocs/sec}\n", "b.yaml");
  RunResults cur;
  cur.label = "current";
  cur.benchmarks = {"memory/allocation"};
  add(cur, "bench:memory/allocation:allocations_per_second", 8500, {}, "/s");
  RegressionReport r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_EQ(row(r, "alloc").verdict, Verdict::regressed);
  EXPECT_NEAR(*row(r, "alloc").change_vs_baseline_pct, -15, 1e-9);
  EXPECT_EQ(r.exit_code(), 99);
  EXPECT_THAT(r.headline(), HasSubstr("FAIL: 1 regression"));

  cur.measurements.begin()->second.value = 9500;  // 5 % worse: inside tolerance
  r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_EQ(row(r, "alloc").verdict, Verdict::unchanged);
  EXPECT_EQ(r.exit_code(), 0);

  cur.measurements.begin()->second.value = 12000;  // 20 % better
  r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_EQ(row(r, "alloc").verdict, Verdict::improved);
  EXPECT_EQ(r.exit_code(), 0);
}

TEST(GateBaseline, TimesAreConvertedToTheBaselineUnit) {
  const BaselineFile b = parse_baselines(
      "parse: {metric: parse_time, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse}}\n", "b.yaml");
  const RunResults cur = bench_run("current", {{"cpu/parse", {2.5e6, 2.5e6}}});  // 2.5 ms in ns
  const RegressionReport r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_DOUBLE_EQ(*row(r, "parse").current, 2.5);
  EXPECT_EQ(row(r, "parse").verdict, Verdict::regressed);
}

TEST(GateMissing, EntriesOfAnotherKindOfInputAreCountedNotRows) {
  const BaselineFile b = parse_baselines(
      "alloc: {metric: allocations_per_second, baseline: 10000, tolerance: 10%, unit: allocs/sec}\n"
      "gc: {metric: gc_pause_time_p99, baseline: 10, tolerance: 25%, unit: ms}\n"
      "parse: {metric: t, baseline: 5, tolerance: 10%, unit: ns, source: {benchmark: cpu/parse}}\n", "b.yaml");
  RunResults cur = bench_run("current", {{"memory/allocation", {5, 5}}});
  add(cur, "bench:memory/allocation:allocations_per_second", 10100, {}, "/s");
  RegressionReport r = evaluate(b, cur, std::nullopt, {});
  EXPECT_EQ(row(r, "alloc").verdict, Verdict::unchanged);
  EXPECT_EQ(r.inapplicable, std::vector<std::string>{"gc"});  // a load-test metric: this run has no summary
  EXPECT_THAT(r.notes.back(), HasSubstr("1 baseline entries do not apply to this run"));
  const MetricResult& parse = row(r, "parse");  // a benchmark the run lacks: missing data, naming the file line
  EXPECT_EQ(parse.verdict, Verdict::missing_data);
  EXPECT_THAT(parse.reason, AllOf(HasSubstr("b.yaml:3:"), HasSubstr("no benchmark cpu/parse in current")));
  EXPECT_EQ(r.exit_code(), 0);  // something was judged and nothing regressed
  // A load-test summary is not judged against the benchmark entries.
  r = evaluate(b, summary_run("load", 100, 200, 0, 500), std::nullopt, {});
  EXPECT_EQ(r.inapplicable, (std::vector<std::string>{"alloc", "parse"}));
  EXPECT_THAT(r.inapplicable_why, HasSubstr("benchmark results"));
}

TEST(GateTestbed, AbsoluteBenchmarkBaselinesFromAnotherMachineAreShownNotJudged) {
  const BaselineFile b = parse_baselines(
      "testbed: \"Intel Xeon Gold 6338, 8 cores\"\n"
      "parse: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse}}\n"
      "here: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse},"
      " testbed: \"AMD EPYC, 2 cores\"}\n", "b.yaml");
  RunResults cur = bench_run("current", {{"cpu/parse", {3e6, 3e6}}});  // 3 ms: 50 % over both baselines
  cur.machine.testbed = {"AMD EPYC", 2};
  RegressionReport r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_TRUE(row(r, "parse").other_testbed);
  EXPECT_EQ(row(r, "parse").verdict, Verdict::unchanged);
  EXPECT_THAT(row(r, "parse").reason, HasSubstr("baseline measured on another machine"));
  EXPECT_NEAR(*row(r, "parse").change_vs_baseline_pct, 50, 1e-9);
  EXPECT_EQ(row(r, "here").verdict, Verdict::regressed);  // the entry's own testbed is this machine
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("1 baseline entries were measured on another machine") == 0;
  EXPECT_TRUE(noted);
  GateOptions strict = exact();
  strict.strict_testbed = true;
  EXPECT_EQ(row(evaluate(b, cur, std::nullopt, {}, strict), "parse").verdict, Verdict::regressed);
  cur.machine.testbed = {"intel  xeon gold 6338", 8};  // same testbed, spelled differently
  EXPECT_EQ(row(evaluate(b, cur, std::nullopt, {}, exact()), "parse").verdict, Verdict::regressed);
}

// An entry without counter: reads the time the gate judges the benchmark by: CPU time, the wall clock for
// benchmarks timed by it, Go's ns/op for Go benchmarks.
TEST(GateBaseline, WithoutACounterTheBenchmarksOwnTimeIsRead) {
  const BaselineFile b = parse_baselines(
      "cpu: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse}}\n"
      "wall: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: net/echo/real_time}}\n"
      "go: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: BenchmarkCollect}}\n",
      "b.yaml");
  RunResults cur = bench_run("current", {{"cpu/parse", {9e6}}, {"net/echo/real_time", {2e6}}});
  add(cur, "bench:cpu/parse:cpu_time", 2e6, {2e6}, "ns");
  add(cur, "bench:net/echo/real_time:cpu_time", 0.1e6, {0.1e6}, "ns");
  cur.benchmarks.push_back("BenchmarkCollect");
  add(cur, "bench:BenchmarkCollect:ns/op", 2e6, {2e6}, "ns");
  add(cur, "bench:BenchmarkCollect:B/op", 4096, {4096}, "B");
  const RegressionReport r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_EQ(row(r, "cpu").key, "bench:cpu/parse:cpu_time");
  EXPECT_EQ(row(r, "wall").key, "bench:net/echo/real_time:real_time");
  EXPECT_EQ(row(r, "go").key, "bench:BenchmarkCollect:ns/op");
  for (const char* n : {"cpu", "wall", "go"}) EXPECT_EQ(row(r, n).verdict, Verdict::unchanged) << n;
}

TEST(GateTestbed, WallClockBaselinesOfARunOnAnOversubscribedMachineAreShownNotJudged) {
  const BaselineFile b = parse_baselines(
      "testbed: \"AMD EPYC, 2 cores\"\n"
      "wall: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse, counter: real_time}}\n"
      "cpu: {metric: t, baseline: 2, tolerance: 10%, unit: ms, source: {benchmark: cpu/parse, counter: cpu_time}}\n",
      "b.yaml");
  RunResults cur = bench_run("current", {{"cpu/parse", {10e6, 10e6}}});  // 10 ms of wall-clock time: 5x
  add(cur, "bench:cpu/parse:cpu_time", 10e6, {10e6, 10e6}, "ns");       // and of CPU time
  cur.machine.testbed = {"AMD EPYC", 2};
  cur.machine.load_average = "14.02 13.50 12.00";  // 14 runnable on 2 cores
  RegressionReport r = evaluate(b, cur, std::nullopt, {}, exact());
  EXPECT_TRUE(row(r, "wall").baseline_loaded_machine);
  EXPECT_EQ(row(r, "wall").verdict, Verdict::unchanged);
  EXPECT_THAT(row(r, "wall").reason, HasSubstr("not judged: a wall-clock figure of a run that started on an oversubscribed"));
  EXPECT_NEAR(*row(r, "wall").change_vs_baseline_pct, 400, 1e-9);  // still shown
  EXPECT_FALSE(row(r, "cpu").baseline_loaded_machine);
  EXPECT_EQ(row(r, "cpu").verdict, Verdict::regressed);  // CPU time leaves the waiting out: judged
  bool noted = false;
  for (const auto& n : r.notes) noted = noted || n.find("1 wall-clock baseline entries were shown, not judged: current "
                                                        "started with the machine oversubscribed (load 14.02 on 2 cores)") == 0;
  EXPECT_TRUE(noted);
  GateOptions strict = exact();
  strict.strict_testbed = true;
  EXPECT_EQ(row(evaluate(b, cur, std::nullopt, {}, strict), "wall").verdict, Verdict::regressed);
  cur.machine.load_average = "1.50 1.00 1.00";  // fewer runnable than cores: judged
  EXPECT_EQ(row(evaluate(b, cur, std::nullopt, {}, exact()), "wall").verdict, Verdict::regressed);
}

TEST(GateMissing, NothingJudgedExitsTwoAndStrictModeFails) {
  const BaselineFile b =
      parse_baselines("x: {metric: widgets_per_second, baseline: 5, tolerance: 10%, unit: widgets/sec}\n", "b.yaml");
  const RunResults cur = bench_run("current", {{"a", {1, 1}}});
  RegressionReport r = evaluate(b, cur, std::nullopt, {});
  EXPECT_EQ(row(r, "x").verdict, Verdict::missing_data);
  EXPECT_THAT(row(r, "x").reason, HasSubstr("no input provides metric widgets_per_second"));
  EXPECT_TRUE(r.nothing_judged());
  EXPECT_EQ(r.exit_code(), 2);
  GateOptions strict;
  strict.fail_on_missing = true;
  r = evaluate(b, cur, std::nullopt, {}, strict);
  EXPECT_EQ(r.exit_code(), 99);
}

TEST(GateMissing, MismatchedUnitsAreReported) {
  const BaselineFile b = parse_baselines(
      "alloc: {metric: a, baseline: 5, tolerance: 10%, unit: ms, source: {benchmark: m, counter: items_per_second}}\n",
      "b.yaml");
  RunResults cur = bench_run("current", {{"m", {1, 1}}});
  add(cur, "bench:m:items_per_second", 100, {}, "/s");
  const RegressionReport r = evaluate(b, cur, std::nullopt, {});
  EXPECT_EQ(row(r, "alloc").verdict, Verdict::missing_data);
  EXPECT_THAT(row(r, "alloc").reason, AllOf(HasSubstr("mismatched units"), HasSubstr("/s"), HasSubstr("ms")));
}

TEST(GateMissing, AmbiguousAndFailedBenchmarksAreExplained) {
  const BaselineFile b = parse_baselines(
      "alloc: {metric: t, baseline: 5, tolerance: 10%, unit: ns, source: {benchmark: memory/allocation}}\n"
      "net: {metric: t, baseline: 5, tolerance: 10%, unit: ns, source: {benchmark: network/echo}}\n", "b.yaml");
  RunResults cur = bench_run("current", {{"memory/allocation/64", {1, 1}}, {"memory/allocation/1024", {2, 2}}});
  cur.benchmarks.push_back("network/echo");
  cur.failed["bench:network/echo"] = "connection refused";
  const RegressionReport r = evaluate(b, cur, std::nullopt, {});
  EXPECT_THAT(row(r, "alloc").reason, AllOf(HasSubstr("matches several"), HasSubstr("memory/allocation/64")));
  EXPECT_THAT(row(r, "net").reason, HasSubstr("failed in current: connection refused"));
}

// Three control benchmarks at `factor` times their reference times (the machine `factor` times slower).
void add_controls(RunResults& run, double factor) {
  for (const auto& [name, ns] : {std::pair{"control/cpu", 10000.0}, {"control/memory", 80000.0}, {"control/syscall", 50000.0}}) {
    run.benchmarks.push_back(name);
    add(run, "bench:" + std::string(name) + ":real_time", ns * factor, scaled(nine, ns * factor / 100), "ns");
  }
}

TEST(GatePrevious, TwoSingleRunsCannotTellThirtyPercentFromRunNoise) {
  // The repetitions agree closely, yet a run as a whole can be 20-30 % off on a shared machine: under the
  // default 20 % per-run floor a 30 % change between two runs is inconclusive, and it passes the gate.
  BaselineFile none;
  const RunResults prev = bench_run("prev", {{"a", nine}, {"b", nine}});
  const RunResults cur = bench_run("cur", {{"a", scaled(nine, 1.3)}, {"b", nine}});
  const RegressionReport r = evaluate(none, cur, prev, {});
  const MetricResult& a = row(r, "a");
  EXPECT_EQ(a.verdict, Verdict::inconclusive) << a.reason;
  EXPECT_EQ(a.test, "run-level noise");
  EXPECT_THAT(a.reason, HasSubstr("runs of several processes (perfval bench --processes, go test -count) or an interleaved A/B (perfval compare)"));
  EXPECT_NEAR(*a.change_vs_previous_pct, 30, 1e-9);
  EXPECT_GT(*a.noise_pct, 25);  // sqrt(2) x 20 % per run, and the repetitions
  EXPECT_EQ(row(r, "b").verdict, Verdict::unchanged);
  EXPECT_EQ(r.exit_code(), 0);
  EXPECT_THAT(r.inconclusive_warning(), HasSubstr("1 metric is inconclusive"));
  GateOptions strict;
  strict.inconclusive_fails = true;
  EXPECT_EQ(evaluate(none, cur, prev, {}, strict).exit_code(), 99);
  // Three times as slow is beyond the noise of two runs.
  const RunResults thrice = bench_run("cur", {{"a", scaled(nine, 3.0)}, {"b", nine}});
  EXPECT_EQ(row(evaluate(none, thrice, prev, {}), "a").verdict, Verdict::regressed);
}

TEST(GatePrevious, RepetitionsAloneNoLongerMakeARegression) {
  // Mann-Whitney over these repetitions gives p < 0.0001 for 30 %; with the run as the unit the floor decides.
  BaselineFile none;
  const RunResults prev = bench_run("prev", {{"a", nine}});
  const RunResults cur = bench_run("cur", {{"a", scaled(nine, 1.3)}});
  EXPECT_NE(evaluate(none, cur, prev, {}).count(Verdict::regressed), 1u);
  GateOptions no_floor;
  no_floor.noise_floor_pct = 0;  // trust the repetitions: then 30 % is far beyond their spread
  const MetricResult a = row(evaluate(none, cur, prev, {}, no_floor), "a");
  EXPECT_EQ(a.verdict, Verdict::regressed);
  EXPECT_LT(*a.p_value, 0.0001);
}

TEST(GatePrevious, ControlsNormalizeAWholeRunSlowerMachine) {
  BaselineFile none;
  GateOptions o;
  o.noise_floor_pct = 2;
  o.machine_change_factor = 0;  // normalization alone (the band's widening is tested below)
  RunResults prev = bench_run("prev", {{"a", nine}, {"b", nine}});
  RunResults cur = bench_run("cur", {{"a", scaled(nine, 1.25)}, {"b", scaled(nine, 1.25 * 1.3)}});
  add_controls(prev, 1.0);
  add_controls(cur, 1.25);  // the machine was 25 % slower for the whole current run
  const RegressionReport r = evaluate(none, cur, prev, {}, o);
  EXPECT_EQ(row(r, "a").verdict, Verdict::unchanged) << row(r, "a").reason;
  EXPECT_NEAR(*row(r, "a").normalized_change_pct, 0, 0.5);
  EXPECT_EQ(row(r, "b").verdict, Verdict::regressed) << row(r, "b").reason;
  EXPECT_NEAR(*row(r, "b").normalized_change_pct, 30, 0.5);
  EXPECT_THAT(row(r, "b").reason, HasSubstr("machine +25.0%"));
  for (const auto& m : r.metrics) EXPECT_THAT(m.name, ::testing::Not(HasSubstr("control/")));  // not judged
  bool said = false;
  for (const auto& n : r.notes) said = said || n.find("the current run's machine was 25% slower") != std::string::npos;
  EXPECT_TRUE(said);
  o.normalize = false;
  EXPECT_EQ(row(evaluate(none, cur, prev, {}, o), "a").verdict, Verdict::regressed);
  // By default the band also widens by half the machine's shift: a machine that moved 25 % moves benchmarks by
  // different amounts, so the normalized +30 % is then within the noise.
  const MetricResult b = row(evaluate(none, cur, prev, {}), "b");
  EXPECT_EQ(b.verdict, Verdict::inconclusive);
  EXPECT_THAT(b.noise_source, HasSubstr("for the machine's shift"));
}

TEST(GatePrevious, CpuTimeIsJudgedUnlessTheBenchmarkIsTimedByTheWallClock) {
  BaselineFile none;
  RunResults prev = bench_run("prev", {{"cpu/parse", nine}, {"net/echo/real_time", nine}});
  RunResults cur = bench_run("cur", {{"cpu/parse", nine}, {"net/echo/real_time", nine}});
  add(prev, "bench:cpu/parse:cpu_time", 100, nine, "ns");
  add(cur, "bench:cpu/parse:cpu_time", 100, nine, "ns");
  const RegressionReport r = evaluate(none, cur, prev, {});
  EXPECT_EQ(row(r, "cpu/parse").metric, "cpu_time");
  EXPECT_EQ(row(r, "net/echo/real_time").metric, "real_time");
  EXPECT_GT(*row(r, "net/echo/real_time").noise_pct, 2 * *row(r, "cpu/parse").noise_pct);  // 2.5x floor
}

TEST(GatePrevious, HistorySpreadOfEachMetricDecides) {
  // On a runner known to be quiet (--noise-floor 2) the history's spread of each metric sets its band.
  BaselineFile none;
  GateOptions quiet_runner;
  quiet_runner.noise_floor_pct = 2;
  std::mt19937_64 rng(4);
  std::normal_distribution<double> quiet(1, 0.02), loud(1, 0.25);
  std::vector<RunResults> history;
  for (int w = 1; w <= 12; ++w)
    history.push_back(bench_run("2026-W" + std::to_string(10 + w), {{"quiet", scaled(nine, quiet(rng))},
                                                                  {"loud", scaled(nine, loud(rng))}}));
  const RunResults cur = bench_run("2026-W23", {{"quiet", scaled(nine, 1.25)}, {"loud", scaled(nine, 1.25)}});
  RegressionReport r = evaluate(none, cur, history.back(), history, quiet_runner);
  EXPECT_EQ(row(r, "quiet").verdict, Verdict::regressed) << row(r, "quiet").reason;
  EXPECT_THAT(row(r, "quiet").noise_source, HasSubstr("over 12 history runs"));
  EXPECT_NE(row(r, "loud").verdict, Verdict::regressed) << row(r, "loud").reason;
  EXPECT_GT(*row(r, "loud").noise_pct, 20);
  // Under the default floor a history cannot make a metric look quieter than the floor.
  r = evaluate(none, cur, history.back(), history);
  EXPECT_NE(row(r, "quiet").verdict, Verdict::regressed);
  EXPECT_THAT(row(r, "quiet").noise_source, HasSubstr("floor, so the floor"));
}

// A load test's whole-run p95 against a history of whole-run p95s: the runs differ by ~1 %, their per-second
// intervals by a third. With a history, the history's spread is the noise of such a value; the intervals'
// spread (which would make +25 % look like noise) is not added, against the previous run nor the baseline. The
// advice of an inconclusive row under the default floor says that the history alone would tell.
TEST(GatePrevious, SummaryIntervalsDoNotAddToTheHistorysSpread) {
  const BaselineFile b = parse_baselines(
      "p95: {metric: p95, baseline: 10, tolerance: 10%, unit: ms, source: {summary: http_req_duration, field: \"p(95)\"}}\n",
      "b.yaml");
  const auto run = [](const std::string& label, double p95) {
    RunResults r;
    r.label = r.path = label;
    r.scenarios = {"nightly"};
    add(r, "summary:nightly:http_req_duration:p(95)", p95, {p95 * 0.6, p95 * 1.4, p95 * 0.9, p95 * 1.2}, "ms");
    return r;
  };
  std::vector<RunResults> history;
  for (int w = 0; w < 12; ++w) history.push_back(run("run-" + std::to_string(10 + w), 10 * (1 + 0.01 * (w % 3 - 1))));
  const RunResults cur = run("run-22", 12.5);
  GateOptions quiet_runner;
  quiet_runner.noise_floor_pct = 3;
  RegressionReport r = evaluate(b, cur, history.back(), history, quiet_runner);
  EXPECT_EQ(row(r, "p95").verdict, Verdict::regressed) << row(r, "p95").reason;
  EXPECT_LT(*row(r, "p95").noise_pct, 6);
  EXPECT_THAT(row(r, "p95").reason, HasSubstr("vs baseline 10 ms"));
  EXPECT_THAT(row(r, "p95").reason, HasSubstr("vs previous"));
  r = evaluate(b, cur, history.back(), history);  // the default floor (20 %) decides
  EXPECT_EQ(row(r, "p95").verdict, Verdict::inconclusive) << row(r, "p95").reason;
  EXPECT_THAT(row(r, "p95").reason, HasSubstr("below the ±20% floor: on a quiet, dedicated runner a lower --noise-floor"));
}

TEST(GatePrevious, SignificantButSmallChangeIsUnchanged) {
  BaselineFile none;
  const RunResults prev = bench_run("prev", {{"a", nine}});
  const RunResults cur = bench_run("cur", {{"a", scaled(nine, 1.05)}});
  const RegressionReport r = evaluate(none, cur, prev, {}, exact());
  EXPECT_LT(*row(r, "a").p_value, 0.001);
  EXPECT_EQ(row(r, "a").verdict, Verdict::unchanged);
}

TEST(GatePrevious, ZeroValuesFallBackToTheThreshold) {
  BaselineFile none;
  const RunResults prev = bench_run("prev", {{"a", {0}}, {"b", {100}}});
  const RunResults cur = bench_run("cur", {{"a", {5}}, {"b", {103}}});
  const RegressionReport r = evaluate(none, cur, prev, {});
  EXPECT_EQ(row(r, "a").verdict, Verdict::unchanged);  // no relative change from 0
  EXPECT_EQ(row(r, "b").verdict, Verdict::unchanged);
}

TEST(GatePrevious, BenchmarkGoneFromCurrentIsMissing) {
  BaselineFile none;
  const RunResults prev = bench_run("prev", {{"a", {100}}, {"gone", {100}}});
  const RunResults cur = bench_run("cur", {{"a", {100}}});
  const RegressionReport r = evaluate(none, cur, prev, {});
  EXPECT_EQ(row(r, "gone").verdict, Verdict::missing_data);
  EXPECT_EQ(*row(r, "gone").previous, 100);
  EXPECT_THAT(row(r, "gone").reason, HasSubstr("in prev but not in cur"));
}

TEST(GatePrevious, LoadTestLatencyUsesIntervalSamples) {
  BaselineFile none;
  RunResults prev = summary_run("prev", 100, 200, 0, 100, 1e8);
  RunResults cur = summary_run("cur", 140, 200, 0, 100, 1e8);
  prev.measurements["summary:baseline:http_req_duration:p(95)"].samples = {98, 101, 100, 99, 102, 100, 97, 103, 100, 100};
  cur.measurements["summary:baseline:http_req_duration:p(95)"].samples = {138, 141, 140, 139, 142, 140, 137, 143, 140, 140};
  RegressionReport r = evaluate(none, cur, prev, {});
  const MetricResult& p95 = row(r, "response time p95");
  EXPECT_EQ(p95.verdict, Verdict::inconclusive);  // +40 % from two load runs: within the per-run floor
  EXPECT_EQ(p95.current_samples, 10u);
  EXPECT_EQ(p95.test, "run-level noise");
  r = evaluate(none, cur, prev, {}, exact());
  EXPECT_EQ(row(r, "response time p95").verdict, Verdict::regressed);
  EXPECT_EQ(row(r, "throughput").verdict, Verdict::unchanged);
}

TEST(GateSla, TierFromTargetNodesAndBreaches) {
  BaselineFile none;
  none.path = "b.yaml";
  // 500 nodes: small tier (p95 < 2 s, > 100 rps, < 512Mi, < 0.5 % errors).
  RegressionReport r = evaluate(none, summary_run("cur", 2500, 150, 0.001, 500, 100e6), std::nullopt, {});
  EXPECT_EQ(r.sla_tier, SlaTier::small);
  EXPECT_EQ(row(r, "response time p95").verdict, Verdict::sla_breach);
  EXPECT_EQ(*row(r, "response time p95").sla_limit, 2000);
  EXPECT_EQ(row(r, "throughput").verdict, Verdict::unchanged);
  EXPECT_EQ(row(r, "error rate").verdict, Verdict::unchanged);
  EXPECT_EQ(row(r, "memory").verdict, Verdict::unchanged);
  EXPECT_EQ(r.exit_code(), 99);
  EXPECT_THAT(r.headline(), HasSubstr("1 SLA breach"));
  // The same run on a 2,000-node cluster is medium tier: p95 < 5 s passes, but 40 rps < 50 breaches.
  r = evaluate(none, summary_run("cur", 2500, 40, 0.008, 2000, 900e6), std::nullopt, {});
  EXPECT_EQ(r.sla_tier, SlaTier::medium);
  EXPECT_EQ(row(r, "response time p95").verdict, Verdict::unchanged);
  EXPECT_EQ(row(r, "throughput").verdict, Verdict::sla_breach);
  EXPECT_EQ(row(r, "error rate").verdict, Verdict::unchanged);  // 0.8 % < 1 %
  EXPECT_NEAR(*row(r, "error rate").current, 0.8, 1e-12);
  EXPECT_EQ(row(r, "memory").verdict, Verdict::unchanged);
  // Large tier: 2 % errors allowed, 2Gi memory.
  r = evaluate(none, summary_run("cur", 9000, 30, 0.03, 6000, 3e9), std::nullopt, {});
  EXPECT_EQ(r.sla_tier, SlaTier::large);
  EXPECT_EQ(row(r, "error rate").verdict, Verdict::sla_breach);
  EXPECT_EQ(row(r, "memory").verdict, Verdict::sla_breach);
  EXPECT_EQ(row(r, "response time p95").verdict, Verdict::unchanged);
}

TEST(GateSla, UnknownClusterSizeIsNotedAndMissingResourcesAreRows) {
  BaselineFile none;
  none.path = "b.yaml";
  const RegressionReport r = evaluate(none, summary_run("cur", 100, 200, 0, std::nullopt), std::nullopt, {});
  EXPECT_FALSE(r.sla_tier);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_THAT(r.notes.back(), HasSubstr("SLA not checked"));
  EXPECT_EQ(row(r, "memory").verdict, Verdict::missing_data);
  EXPECT_EQ(row(r, "CPU").verdict, Verdict::missing_data);
  EXPECT_EQ(row(r, "GC pause max").verdict, Verdict::missing_data);
  GateOptions forced;
  forced.sla_tier = SlaTier::small;
  EXPECT_EQ(evaluate(none, summary_run("cur", 2100, 200, 0, std::nullopt), std::nullopt, {}, forced).exit_code(), 99);
}

TEST(GateSla, BaselineEntryOnAnSlaMetricCarriesTheLimit) {
  const BaselineFile b = parse_baselines(
      "sla: {tier: small}\napi: {metric: api_response_time_p95, baseline: 100, tolerance: 20%, unit: s}\n", "b.yaml");
  const RegressionReport r = evaluate(b, summary_run("cur", 2100, 200, 0, std::nullopt), std::nullopt, {});
  const MetricResult& api = row(r, "api");
  EXPECT_DOUBLE_EQ(*api.current, 2.1);
  EXPECT_DOUBLE_EQ(*api.sla_limit, 2);
  EXPECT_EQ(api.verdict, Verdict::sla_breach);
  for (const auto& m : r.metrics) EXPECT_NE(m.name, "response time p95");  // no duplicate row
}

TEST(GateHistory, ChangePointSaysWhenTheShiftBegan) {
  BaselineFile none;
  std::vector<RunResults> history;
  for (int w = 30; w < 46; ++w) {
    const double t = w < 40 ? 100 + (w % 3) : 130 + (w % 3);
    history.push_back(bench_run("2026-W" + std::to_string(w), {{"a", {t}}}));
  }
  const RunResults cur = bench_run("2026-W46", {{"a", {131}}});
  const RegressionReport r = evaluate(none, cur, history.back(), history);
  ASSERT_TRUE(row(r, "a").shift_began);
  EXPECT_EQ(*row(r, "a").shift_began, "2026-W40");
  EXPECT_NEAR(*row(r, "a").shift_to, 131, 1.5);
  EXPECT_EQ(row(r, "a").verdict, Verdict::unchanged);  // vs the previous week nothing changed
}

TEST(MeasuredValues, ForUpdatingBaselines) {
  const BaselineFile b = parse_baselines(
      "alloc: {metric: allocations_per_second, baseline: 10000, tolerance: 10%, unit: allocs/sec}\n"
      "lat: {metric: api_response_time_p95, baseline: 100, tolerance: 10%, unit: ms}\n", "b.yaml");
  RunResults cur = bench_run("current", {{"memory/allocation", {5}}});
  add(cur, "bench:memory/allocation:allocations_per_second", 12000, {}, "/s");
  const auto values = measured_baseline_values(b, cur);
  EXPECT_EQ(values.size(), 1u);
  EXPECT_EQ(values.at("alloc"), 12000);
}

}  // namespace
}  // namespace perfval::regression
