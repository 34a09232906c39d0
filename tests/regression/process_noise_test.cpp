// Processes as the unit: `perfval bench --processes N` rows become one sample per process, their spread is the
// noise (with a small drift floor and Student's t); every benchmark's common shift is taken out, and a move of
// every benchmark together that the controls do not show is inconclusive, not silently normalized away.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <regex>

#include "perfval/regression/gate.hpp"
#include "perfval/regression/results.hpp"

namespace perfval::regression {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ProcessSamples, EachProcessMedianIsOneIndependentSample) {
  std::string rows;
  const double times[3][2] = {{10, 11}, {20, 21}, {30, 90}};  // two repetitions in each of three processes
  for (int p = 0; p < 3; ++p)
    for (double t : times[p])
      rows += std::string(rows.empty() ? "" : ",") + R"({"name":"cpu/x","run_name":"cpu/x","run_type":"iteration",)" +
              R"("real_time":)" + std::to_string(t) + R"(,"cpu_time":)" + std::to_string(t) +
              R"(,"time_unit":"ns","perfval_process":)" + std::to_string(p) + "}";
  RunResults run;
  read_results_text(R"({"context":{"perfval_processes":3},"benchmarks":[)" + rows + "]}", "r.json", run);
  const Measurement* m = run.find("bench:cpu/x:cpu_time");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->independent_samples);
  EXPECT_EQ(m->samples, (std::vector<double>{10.5, 20.5, 60}));
  EXPECT_DOUBLE_EQ(m->value, 20.5);
  EXPECT_EQ(run.find("bench:cpu/x:perfval_process"), nullptr);  // not a counter

  RunResults single;  // no process index: repetitions of one process, not independent
  read_results_text(R"({"benchmarks":[{"name":"cpu/x","run_type":"iteration","real_time":1,"cpu_time":1},
                        {"name":"cpu/x","run_type":"iteration","real_time":2,"cpu_time":2}]})", "s.json", single);
  EXPECT_FALSE(single.find("bench:cpu/x:cpu_time")->independent_samples);
}

// A run of `n` benchmarks in `processes` processes: each benchmark's processes spread by `spread` (log SD)
// around its level times `speed`; benchmark 0 is `slow_first` slower.
RunResults process_run(const std::string& label, std::mt19937_64& rng, double speed, double slow_first,
                       int processes = 8, double spread = 0.03, std::size_t n = 12) {
  RunResults run;
  run.label = label;
  std::normal_distribution<double> noise(0, spread);
  for (std::size_t b = 0; b < n; ++b) {
    const std::string name = "cpu/bench" + std::to_string(b);
    Measurement m{"bench:" + name + ":cpu_time", 0, {}, "ns", label, true};
    for (int p = 0; p < processes; ++p)
      m.samples.push_back(1000.0 * (b + 1) * speed * (b == 0 ? slow_first : 1.0) * std::exp(noise(rng)));
    m.value = m.samples.front();
    run.benchmarks.push_back(name);
    run.measurements[m.key] = m;
  }
  return run;
}

const MetricResult* row_named(const RegressionReport& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

TEST(ProcessNoise, SameBuildPassesAndTwentyFivePercentIsFoundThroughAWholeRunShift) {
  std::mt19937_64 rng(7);
  int false_alarms = 0, found = 0;
  for (int t = 0; t < 50; ++t) {
    const RunResults a = process_run("a", rng, 1.0, 1.0);
    // The whole current run is 8 % slower (the machine), benchmark 0 another 25 % (the code).
    const RegressionReport same = evaluate(BaselineFile{}, process_run("b", rng, 1.08, 1.0), a, {});
    false_alarms += same.gate_failed() ? 1 : 0;
    const RegressionReport slow = evaluate(BaselineFile{}, process_run("c", rng, 1.08, 1.25), a, {});
    const MetricResult* first = row_named(slow, "cpu/bench0");
    ASSERT_NE(first, nullptr);
    found += first->verdict == Verdict::regressed ? 1 : 0;
    EXPECT_THAT(first->noise_source, HasSubstr("8 + 8 processes"));
    ASSERT_TRUE(first->normalized_change_pct);
    EXPECT_NEAR(*first->normalized_change_pct, 25, 6);  // the 8 % every benchmark moved is taken out
  }
  EXPECT_EQ(false_alarms, 0);
  EXPECT_GE(found, 45);  // 90 %: 3 % spread over 8 + 8 processes, at 0.01 over 12 metrics
}

TEST(ProcessNoise, SignificanceIsForTheWholeComparison) {
  std::mt19937_64 rng(3);
  const RegressionReport r = evaluate(BaselineFile{}, process_run("b", rng, 1, 1), process_run("a", rng, 1, 1), {});
  EXPECT_DOUBLE_EQ(r.metric_alpha, 0.01 / 12);
  bool said = false;
  for (const auto& n : r.notes) said = said || n.find("per metric over 12 metrics (Bonferroni)") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(ProcessNoise, TheReportSaysWhatChangeItCouldHaveSeen) {
  std::mt19937_64 rng(11);
  // Quiet processes (3 %): every metric could show a 25 % slowdown; noisy ones (40 %) none could.
  const RegressionReport quiet = evaluate(BaselineFile{}, process_run("b", rng, 1, 1), process_run("a", rng, 1, 1), {});
  const auto q = quiet.sensitivity();
  EXPECT_EQ(q.compared, 12u);
  EXPECT_EQ(q.would_catch, 12u);
  EXPECT_LT(q.median_detectable_pct, 25);
  EXPECT_GE(q.median_detectable_pct, 10);  // never below the threshold
  const RegressionReport noisy =
      evaluate(BaselineFile{}, process_run("b", rng, 1, 1, 4, 0.4), process_run("a", rng, 1, 1, 4, 0.4), {});
  const auto n = noisy.sensitivity();
  EXPECT_EQ(n.would_catch, 0u);
  EXPECT_GT(n.median_detectable_pct, 100);
  EXPECT_THAT(noisy.sensitivity_line(), HasSubstr("would be called regressed in 0 of 12 metrics"));
  // Each compared row carries its own figure (Noise.DetectableChangeIsWhereTheCallFlips shows where it comes from).
  const MetricResult* row = row_named(quiet, "cpu/bench3");
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(row->detectable_pct);
  EXPECT_EQ(row->verdict, Verdict::unchanged);
}

// Under --history, runs of independent samples (processes, interleaved repetitions) keep the noise their samples
// and the machine's drift show: the history widens it where the metric moved more between runs, but the 20 %
// floor of one-process runs does not apply (it made the history mode blind: 170 % median detectable change on
// 21 quiet quick runs, 65 % against the previous run alone).
TEST(ProcessNoise, AHistoryWidensTheNoiseOfProcessRunsButDoesNotImposeTheFloor) {
  std::mt19937_64 rng(5);
  std::vector<RunResults> steady, jumpy;
  for (int i = 0; i < 12; ++i) {
    steady.push_back(process_run("run-" + std::to_string(i), rng, 1, 1));
    // bench0's processes agree closely, but whole runs of it sit 8 % above or below (the last one on its level).
    jumpy.push_back(process_run("run-" + std::to_string(i), rng, 1, i == 11 ? 1.0 : i % 2 == 0 ? 1.08 : 0.92));
  }
  const RunResults slower = process_run("cur", rng, 1, 1.3);

  const RegressionReport quiet = evaluate(BaselineFile{}, slower, steady.back(), steady);
  const MetricResult* q = row_named(quiet, "cpu/bench0");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->verdict, Verdict::regressed) << q->reason;
  EXPECT_THAT(q->noise_source, HasSubstr("8 + 8 processes"));
  EXPECT_THAT(q->noise_source, HasSubstr("over 12 history runs is within that"));
  EXPECT_LT(*q->noise_pct, 10);

  const RegressionReport wide = evaluate(BaselineFile{}, slower, jumpy.back(), jumpy);
  const MetricResult* w = row_named(wide, "cpu/bench0");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->verdict, Verdict::inconclusive) << w->reason;
  EXPECT_THAT(w->noise_source, HasSubstr("beyond what its 8 + 8 samples and the machine's drift show"));
  EXPECT_THAT(w->reason, HasSubstr("an interleaved A/B (perfval compare) would tell"));
  EXPECT_THAT(w->reason, Not(HasSubstr("--noise-floor")));
  // The same pair without the history: the processes alone call it.
  const RegressionReport pair = evaluate(BaselineFile{}, slower, jumpy.back(), {});
  EXPECT_EQ(row_named(pair, "cpu/bench0")->verdict, Verdict::regressed);
}

// Where the history's spread decides, its t takes the history's runs - 2 degrees of freedom, but never more than
// the samples' (3 + 3 processes: 4): with 12 history runs' 10, the critical value at 0.01 / 12 would fall from
// about 8.6 to 4.6, and a history only a little wider than the processes' noise would call what they cannot.
TEST(ProcessNoise, AHistoryThatDecidesNeverGivesMoreDegreesOfFreedomThanTheSamples) {
  std::mt19937_64 rng(9);
  std::vector<RunResults> history;
  for (int i = 0; i < 12; ++i)
    history.push_back(process_run("run-" + std::to_string(i), rng, 1, i == 11 ? 1.0 : i % 2 == 0 ? 1.03 : 0.97, 3));
  const RunResults slower = process_run("cur", rng, 1, 1.5, 3);
  const RegressionReport r = evaluate(BaselineFile{}, slower, history.back(), history);
  const MetricResult* row = row_named(r, "cpu/bench0");
  ASSERT_NE(row, nullptr);
  EXPECT_THAT(row->noise_source, HasSubstr("beyond what its 3 + 3 samples"));
  EXPECT_EQ(row->verdict, Verdict::inconclusive) << row->reason;
  EXPECT_GT(*row->p_value, r.metric_alpha);
  EXPECT_THAT(row->reason, Not(HasSubstr("x the samples")));  // no number of samples gets below the history
}

TEST(ProcessNoise, ARatesDetectableFallCountsAsTheSlowdownItMeans) {
  RegressionReport r;
  auto row = [](Direction d, double detectable) {
    MetricResult m;
    m.direction = d;
    m.detectable_pct = detectable;
    return m;
  };
  r.metrics = {row(Direction::lower_is_better, 24),   // a 24 % slowdown: sees 25 %
               row(Direction::higher_is_better, 22),  // a 22 % fall is a 28 % slowdown: does not
               row(Direction::higher_is_better, 19)};  // a 19 % fall is a 23 % slowdown: sees 25 %
  const auto s = r.sensitivity();
  EXPECT_EQ(s.compared, 3u);
  EXPECT_EQ(s.would_catch, 2u);
  EXPECT_NEAR(s.median_detectable_pct, 24, 1e-9);
}

TEST(CommonShift, EveryBenchmarkMovingTogetherIsInconclusiveAndSaysSo) {
  std::mt19937_64 rng(11);
  const RunResults a = process_run("a", rng, 1.0, 1.0);
  const RunResults b = process_run("b", rng, 1.3, 1.0);  // all 30 % slower; no controls to tell the machine
  const RegressionReport r = evaluate(BaselineFile{}, b, a, {});
  const MetricResult* together = row_named(r, "every benchmark together");
  ASSERT_NE(together, nullptr);
  EXPECT_EQ(together->verdict, Verdict::inconclusive);
  EXPECT_THAT(together->reason, HasSubstr("together in CPU time, the controls were not measured"));
  EXPECT_THAT(together->reason, HasSubstr("a machine change or a global regression"));
  EXPECT_FALSE(r.gate_failed());  // --inconclusive pass
  GateOptions strict;
  strict.inconclusive_fails = true;
  EXPECT_TRUE(evaluate(BaselineFile{}, b, a, {}, strict).gate_failed());
  for (const auto& m : r.metrics)
    if (m.name != "every benchmark together") {
      EXPECT_EQ(m.verdict, Verdict::unchanged) << m.name << ": " << m.reason;
    }
}

TEST(CommonShift, ControlsThatShowTheSameMoveMakeItTheMachine) {
  std::mt19937_64 rng(5);
  RunResults a = process_run("a", rng, 1.0, 1.0), b = process_run("b", rng, 1.3, 1.0);
  for (const char* c : {"control/cpu", "control/memory", "control/syscall"}) {
    a.benchmarks.push_back(c), b.benchmarks.push_back(c);
    a.measurements["bench:" + std::string(c) + ":cpu_time"] = {"bench:" + std::string(c) + ":cpu_time", 100, {100}, "ns", "a"};
    b.measurements["bench:" + std::string(c) + ":cpu_time"] = {"bench:" + std::string(c) + ":cpu_time", 128, {128}, "ns", "b"};
  }
  const RegressionReport r = evaluate(BaselineFile{}, b, a, {});
  EXPECT_EQ(row_named(r, "every benchmark together"), nullptr);
  EXPECT_EQ(r.count(Verdict::inconclusive), 0u);
  EXPECT_FALSE(r.gate_failed());
}

// A `perfval bench --processes P --repetitions R` document: `n` benchmarks, each repetition's time = level x
// factor(benchmark, process) x exp(noise). With `extras`, every row also has a rate (items_per_second) and a size
// (bytes_per_iteration), and a control/cpu benchmark (index n) follows the factors.
std::string bench_doc(std::mt19937_64& rng, int processes, int reps, std::size_t n, double spread,
                      const std::function<double(std::size_t, int)>& factor, const std::string& interleaved,
                      bool extras) {
  std::normal_distribution<double> noise(0, spread);
  std::string rows;
  for (std::size_t b = 0; b < n + (extras ? 1 : 0); ++b)
    for (int p = 0; p < processes; ++p)
      for (int r = 0; r < reps; ++r) {
        const double t = 1000.0 * static_cast<double>(b + 1) * factor(b, p) * std::exp(noise(rng));
        const std::string name = b == n ? "control/cpu" : "cpu/bench" + std::to_string(b);
        rows += std::string(rows.empty() ? "" : ",") + R"({"name":")" + name + R"(","run_name":")" + name +
                R"(","run_type":"iteration","real_time":)" + std::to_string(t) + R"(,"cpu_time":)" +
                std::to_string(t) + R"(,"time_unit":"ns","repetition_index":)" + std::to_string(r) +
                R"(,"perfval_process":)" + std::to_string(p) +
                (extras ? R"(,"items_per_second":)" + std::to_string(1e9 / t) + R"(,"bytes_per_iteration":4096)"
                        : std::string()) +
                "}";
      }
  return R"({"context":{"perfval_processes":)" + std::to_string(processes) + R"(,"perfval_interleaved":)" +
         interleaved + R"(},"benchmarks":[)" + rows + "]}";
}

// The same with one factor per process; with `alternate`, odd benchmarks take the factors in reverse (processes
// that differ per benchmark, not as a whole).
std::string interleaved_doc(std::mt19937_64& rng, int processes, int reps, std::size_t n, double spread,
                            const std::vector<double>& process_factor, const std::string& interleaved = "true",
                            bool alternate = false, bool extras = false) {
  return bench_doc(rng, processes, reps, n, spread, [&](std::size_t b, int p) {
    return process_factor[alternate && b % 2 == 1 ? processes - 1 - p : p];
  }, interleaved, extras);
}

TEST(InterleavedRepetitions, EachIsASampleWorthWhatTheProcessesLetItBe) {
  std::mt19937_64 rng(5);
  RunResults run;
  read_results_text(interleaved_doc(rng, 2, 5, 8, 0.05, {1.0, 1.0}), "r.json", run);
  const Measurement* m = run.find("bench:cpu/bench3:cpu_time");
  ASSERT_NE(m, nullptr);
  EXPECT_TRUE(m->independent_samples);
  EXPECT_TRUE(m->design_effect_measured);
  EXPECT_EQ(m->samples.size(), 10u);  // every repetition of both processes
  EXPECT_GE(m->design_effect, 1.0);
  EXPECT_LT(m->design_effect, 3.0);  // the processes do not differ: the repetitions count nearly in full
  EXPECT_NEAR(m->value, 4000, 4000 * 0.1);  // the geometric mean

  // Processes 40 % apart, but not as a whole (odd benchmarks the other way round): a repetition is worth far less
  // than a process's share.
  RunResults apart;
  // (8 benchmarks, 4 each way: the median process offset, the mean of the middle two, is a few percent at most,
  // so whatever speed is taken out stays below the note's 5 %)
  read_results_text(interleaved_doc(rng, 2, 5, 8, 0.05, {1.0, 1.4}, "true", true), "a.json", apart);
  // (capped at the 5 repetitions per process: the samples are then worth the processes' medians)
  EXPECT_DOUBLE_EQ(apart.find("bench:cpu/bench3:cpu_time")->design_effect, 5.0);
  EXPECT_TRUE(apart.notes.empty());

  // The machine 40 % slower while the second process ran, in every benchmark alike: that is the machine, not the
  // benchmarks, and it is taken out of the samples, so the repetitions count nearly in full again (40 benchmarks,
  // as a quick run's 60: with 8, the median of their between-process ratios is itself too noisy to bound).
  RunResults slower_machine;
  read_results_text(interleaved_doc(rng, 2, 5, 40, 0.05, {1.0, 1.4}, "true", false, true), "m.json", slower_machine);
  const Measurement* s = slower_machine.find("bench:cpu/bench3:cpu_time");
  EXPECT_LT(s->design_effect, 3.0);
  const auto spread = [&](const std::string& key) {
    const Measurement* m = slower_machine.find(key);
    const auto [low, high] = std::minmax_element(m->samples.begin(), m->samples.end());
    return *high / *low;
  };
  EXPECT_LT(spread("bench:cpu/bench3:cpu_time"), 1.3);  // raw, the processes' samples were 40 % apart (plus noise)
  EXPECT_LT(spread("bench:cpu/bench3:items_per_second"), 1.3);  // a rate: multiplied by the process's speed
  EXPECT_DOUBLE_EQ(spread("bench:cpu/bench3:bytes_per_iteration"), 1.0);  // a size: left alone
  EXPECT_GT(spread("bench:control/cpu:cpu_time"), 1.3);  // a control keeps what it measured
  EXPECT_GT(spread("bench:cpu/bench3:real_time"), 1.3);   // not the time this benchmark is judged by: as measured
  EXPECT_NEAR(s->value, 4000 * std::sqrt(1.4), 4000 * 0.1);  // the run keeps its mean speed
  ASSERT_EQ(slower_machine.notes.size(), 1u);
  EXPECT_THAT(slower_machine.notes[0], HasSubstr("m.json: its 2 processes ran at different speeds"));
  EXPECT_THAT(slower_machine.notes[0], ::testing::ContainsRegex("cpu_time (3[5-9]|4[0-5])\\.[0-9] %"));

  // Three processes, each 40 % slower in a third of the benchmarks: every process's median offset is the same
  // (-log(1.4) / 3), which is no process being faster than another. Centred, nothing is taken out, and the run's
  // value stays what it measured (uncentred it would move by about 12 %).
  std::mt19937_64 same_rng(7);
  const auto slow_in_turn = [](std::size_t b, int p) { return b % 3 == static_cast<std::size_t>(p) ? 1.4 : 1.0; };
  const std::string rotating = bench_doc(same_rng, 3, 5, 11, 0.02, slow_in_turn, "true", false);
  RunResults turns;
  read_results_text(rotating, "t.json", turns);
  // benchmark 4 (5 us): its process 1 was the slow one, so its geometric mean is 5 us x cbrt(1.4)
  EXPECT_NEAR(turns.find("bench:cpu/bench4:cpu_time")->value, 5000 * std::cbrt(1.4), 5000 * 0.03);
  EXPECT_TRUE(turns.notes.empty());

  // Back-to-back repetitions (perfval_interleaved false) share their process's moment: processes' medians, as
  // measured (a process 40 % slower stays so: its median is one sample of the run-to-run noise).
  RunResults back_to_back;
  read_results_text(interleaved_doc(rng, 2, 5, 8, 0.05, {1.0, 1.4}, "false"), "b.json", back_to_back);
  const Measurement* medians = back_to_back.find("bench:cpu/bench3:cpu_time");
  ASSERT_EQ(medians->samples.size(), 2u);
  EXPECT_GT(std::max(medians->samples[0], medians->samples[1]) / std::min(medians->samples[0], medians->samples[1]), 1.3);
  EXPECT_FALSE(medians->design_effect_measured);
  EXPECT_TRUE(back_to_back.notes.empty());

  RunResults bad;
  try {
    read_results_text(interleaved_doc(rng, 2, 5, 8, 0.05, {1.0, 1.0}, "\"yes\""), "bad.json", bad);
    FAIL() << "a perfval_interleaved that is not true or false was accepted";
  } catch (const std::exception& e) {
    EXPECT_THAT(e.what(), HasSubstr("bad.json"));
    EXPECT_THAT(e.what(), HasSubstr("context.perfval_interleaved"));
    EXPECT_THAT(e.what(), HasSubstr("expected true or false"));
  }
}

// Two processes of five interleaved repetitions see a 40 % slowdown that the two processes' medians cannot.
TEST(InterleavedRepetitions, TenRepetitionsFindWhatTwoProcessMediansCannot) {
  std::mt19937_64 rng(9);
  // A run read from its document, with benchmark 0 `slower` in every repetition; as processes' medians when
  // `interleaved` is false.
  auto read = [](const std::string& doc, const std::string& label, double slower, bool interleaved) {
    RunResults run;
    run.label = label;
    read_results_text(interleaved ? doc : std::regex_replace(doc, std::regex("\"perfval_interleaved\":true"),
                                                             "\"perfval_interleaved\":false"),
                      label + ".json", run);
    Measurement& m = run.measurements.at("bench:cpu/bench0:cpu_time");
    for (double& s : m.samples) s *= slower;
    m.value *= slower;
    return run;
  };
  int found = 0, found_by_medians = 0, false_alarms = 0;
  for (int t = 0; t < 40; ++t) {
    // 40 benchmarks, as a quick run has 60: the run's design effect is a median over them.
    const std::string a = interleaved_doc(rng, 2, 5, 40, 0.06, {1.0, 1.0});
    const std::string b = interleaved_doc(rng, 2, 5, 40, 0.06, {1.0, 1.0});
    const std::string c = interleaved_doc(rng, 2, 5, 40, 0.06, {1.0, 1.0});
    false_alarms += evaluate(BaselineFile{}, read(b, "b", 1, true), read(a, "a", 1, true), {}).gate_failed() ? 1 : 0;
    const RegressionReport slow = evaluate(BaselineFile{}, read(c, "c", 1.4, true), read(a, "a", 1, true), {});
    found += row_named(slow, "cpu/bench0")->verdict == Verdict::regressed ? 1 : 0;
    const RegressionReport medians = evaluate(BaselineFile{}, read(c, "c", 1.4, false), read(a, "a", 1, false), {});
    found_by_medians += row_named(medians, "cpu/bench0")->verdict == Verdict::regressed ? 1 : 0;
  }
  EXPECT_EQ(false_alarms, 0);
  EXPECT_GE(found, 30);  // ~85 % expected: 6 % per repetition, 10 + 10 samples, 3 % drift, 0.01 over 40 metrics
  EXPECT_LE(found_by_medians, 4);  // two samples a side: Student's t with 2 degrees of freedom at 0.01 / 40
}

// Measured (gn7, 21 quiet quick runs): in 5 of 21 runs one process ran 5-8 % slower in every benchmark than the
// other, which tripled the run's design effect and made the median detectable change of its comparisons 200-325 %.
// A machine that slowed between the two processes of a run must not blind the comparison.
TEST(InterleavedRepetitions, AMachineThatSlowedWhileOneProcessRanDoesNotBlindTheRun) {
  std::mt19937_64 rng(21);
  auto read = [](const std::string& doc, const std::string& label, double slower) {
    RunResults run;
    run.label = label;
    read_results_text(doc, label + ".json", run);
    Measurement& m = run.measurements.at("bench:cpu/bench0:cpu_time");
    for (double& s : m.samples) s *= slower;
    m.value *= slower;
    return run;
  };
  int found = 0, false_alarms = 0;
  for (int t = 0; t < 20; ++t) {
    const std::string a = interleaved_doc(rng, 2, 5, 40, 0.06, {1.0, 1.0});
    const std::string b = interleaved_doc(rng, 2, 5, 40, 0.06, {1.0, 1.08});  // its second process 8 % slower
    false_alarms += evaluate(BaselineFile{}, read(b, "b", 1), read(a, "a", 1), {}).gate_failed() ? 1 : 0;
    const RegressionReport slow = evaluate(BaselineFile{}, read(b, "b", 1.4), read(a, "a", 1), {});
    found += row_named(slow, "cpu/bench0")->verdict == Verdict::regressed ? 1 : 0;
  }
  EXPECT_EQ(false_alarms, 0);
  // As with both processes at one speed (~85 %, the test above): 18 of 20 here. With the slower process left in
  // the samples (the reader before this test), the design effect of 3-5 left a few degrees of freedom: 0 of 20.
  EXPECT_GE(found, 14);
}

TEST(LoadedMachine, WallClockRowsAgainstThePreviousRunAreShownNotJudged) {
  auto run = [](const std::string& label, double t, const std::string& load) {
    RunResults r;
    r.label = label;
    r.machine.testbed = {"AMD EPYC", 2};
    r.machine.load_average = load;
    Measurement m{"bench:memory/shared/real_time/threads:4:real_time", t, {t}, "ms", label};
    r.benchmarks.push_back("memory/shared/real_time/threads:4");
    r.measurements[m.key] = m;
    return r;
  };
  const RunResults before = run("a", 10, "1.00 1.00 1.00"), after = run("b", 18, "15.00 14.00 12.00");
  const RegressionReport r = evaluate(BaselineFile{}, after, before, {});
  const MetricResult* row = row_named(r, "memory/shared/real_time/threads:4");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->verdict, Verdict::unchanged) << row->reason;
  EXPECT_THAT(row->reason, HasSubstr("+80.0% vs 10 ms not judged: a wall-clock figure"));
  EXPECT_FALSE(r.gate_failed());
  bool said = false;
  for (const auto& n : r.notes) said = said || n.find("1 wall-clock rows were not judged against a: b started") == 0;
  EXPECT_TRUE(said);
  GateOptions strict;
  strict.strict_testbed = true;
  const RegressionReport judged = evaluate(BaselineFile{}, after, before, {}, strict);
  EXPECT_THAT(row_named(judged, "memory/shared/real_time/threads:4")->reason, Not(HasSubstr("not judged")));
  EXPECT_TRUE(row_named(judged, "memory/shared/real_time/threads:4")->p_value);
  // On a machine that was not oversubscribed the row is judged as before.
  const RegressionReport quiet = evaluate(BaselineFile{}, run("c", 18, "1.50 1.00 1.00"), before, {});
  EXPECT_THAT(row_named(quiet, "memory/shared/real_time/threads:4")->reason, Not(HasSubstr("not judged")));
}

}  // namespace
}  // namespace perfval::regression
