// Issue 4 end to end with real measurements: two real `perfval bench --quick` runs of one build compared never
// regress (exit 0); the first run with its timings made 3x worse fails (exit 99) with a Markdown report naming
// the regressed benchmarks, and 30 % worse is inconclusive from two runs, which --inconclusive fail turns into
// a failure. Two single runs on this shared machine differ by up to 70 % in a benchmark (docs/regression.md),
// so the gate's noise model, not luck, keeps the first comparison from failing (issue 15): the baselines'
// tolerance (150 %) is wider than that, and the slowed copies are made from the previous run itself, so their
// change is exactly the planted one whatever the machine did between the two real runs. One process of 9
// repetitions per run (the run-to-run floor decides; tests/regression/process_noise_test.cpp covers processes).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <map>

#include "process.hpp"

namespace {
using nlohmann::json;
using perfval::test::run_process;
using perfval::test::TempDir;
using namespace std::chrono_literals;

const std::vector<std::string> kBenchmarks = {"cpu/metric_render/5000", "cpu/regex_boost/metric_names",
                                              "cpu/json_parse/jobs/1000", "cpu/regex_boost/label_filter"};

json load(const std::string& path) {
  std::ifstream in(path);
  return json::parse(in);
}

void save(const std::string& path, const json& doc) { std::ofstream(path) << doc.dump(1); }

std::string bench_run(const TempDir& dir, const std::string& name) {
  const std::string out = dir.path() + "/" + name + ".json";
  std::string filter = "--benchmark_filter=^(";
  for (std::size_t i = 0; i < kBenchmarks.size(); ++i) filter += (i ? "|" : "") + kBenchmarks[i];
  filter += ")$";
  const auto r = run_process({PERFVAL_BIN, "bench", "--quick", "--category", "cpu", filter, "--processes", "1",
                              "--repetitions", "9",
                              "--benchmark_min_time=0.05", "--out", out},
                             240s);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return out;
}

// Median CPU time (ms) of each benchmark in a Google Benchmark JSON file.
std::map<std::string, double> medians(const json& doc) {
  std::map<std::string, double> out;
  for (const auto& b : doc["benchmarks"]) {
    if (b.value("run_type", "") == "aggregate" && b.value("aggregate_name", "") == "median" &&
        b.value("run_name", "").rfind("control/", 0) != 0) {
      const double scale = b["time_unit"] == "us" ? 1e-3 : b["time_unit"] == "ns" ? 1e-6 : 1.0;
      out[b["run_name"]] = b["cpu_time"].get<double>() * scale;
    }
  }
  return out;
}

TEST(RegressRealBench, TwoRealRunsNeverRegressAndThreeTimesWorseFails) {
  TempDir dir;
  const std::string a = bench_run(dir, "week46");
  const std::string b = bench_run(dir, "week47");
  const auto base = medians(load(a));
  ASSERT_EQ(base.size(), kBenchmarks.size()) << "every benchmark ran";

  // Baselines measured from the first run (as `--update-baseline` would), with a tolerance wider than this
  // machine's run-to-run noise (a benchmark's CPU time can be 70 % higher in another process) and narrower than
  // the planted 3x, so the verdict rests on the comparison with the previous run.
  std::string yaml;
  for (std::size_t i = 0; i < kBenchmarks.size(); ++i) {
    yaml += "bench_" + std::to_string(i) + ": {metric: cpu_time, baseline: " + std::to_string(base.at(kBenchmarks[i])) +
            ", tolerance: 150%, unit: ms, source: {benchmark: " + kBenchmarks[i] + ", counter: cpu_time}}\n";
  }
  const std::string baselines = dir.write("baselines.yaml", yaml);

  auto compare = [&](const std::string& current) {
    return run_process({PERFVAL_BIN, "regress", "--baseline", baselines, "--previous", a, "--current", current,
                        "--no-change-points"}, 60s);
  };
  const auto same = compare(b);
  EXPECT_EQ(same.exit_code, 0) << same.out << same.err;

  // The first run again, every repetition of the four benchmarks slower (times up, rates down): against the
  // first run the change is exactly the factor.
  auto slowed = [&](double factor, const std::string& name) {
    json worse = load(a);
    for (auto& row : worse["benchmarks"]) {
      if (row.value("run_name", "").rfind("control/", 0) == 0) continue;  // the machine itself did not change
      for (const char* t : {"real_time", "cpu_time"}) {
        if (row.contains(t)) row[t] = row[t].get<double>() * factor;  // BigO/RMS rows have coefficients instead
      }
      for (const char* r : {"items_per_second", "bytes_per_second"}) {
        if (row.contains(r)) row[r] = row[r].get<double>() / factor;
      }
    }
    const std::string path = dir.path() + "/" + name;
    save(path, worse);
    return path;
  };
  const std::string thirty = slowed(1.3, "week47-30pct.json");
  const auto undecided = compare(thirty);
  EXPECT_EQ(undecided.exit_code, 0) << undecided.out;
  EXPECT_NE(undecided.out.find("inconclusive"), std::string::npos) << undecided.out;
  const auto strict = run_process({PERFVAL_BIN, "regress", "--baseline", baselines, "--previous", a, "--current",
                                   thirty, "--no-change-points", "--inconclusive", "fail"}, 60s);
  EXPECT_EQ(strict.exit_code, 99) << strict.out;
  const std::string slow = slowed(3.0, "week47-slow.json");
  const std::string report = dir.path() + "/report.md";
  const auto regressed = run_process({PERFVAL_BIN, "regress", "--baseline", baselines, "--previous", a, "--current",
                                      slow, "--no-change-points", "--format", "markdown", "--report", report}, 60s);
  EXPECT_EQ(regressed.exit_code, 99) << regressed.out << regressed.err;
  std::ifstream in(report);
  const std::string md((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t i = 0; i < kBenchmarks.size(); ++i) {
    EXPECT_NE(md.find("bench_" + std::to_string(i)), std::string::npos) << md;
  }
  EXPECT_NE(md.find("regressed"), std::string::npos) << md;
}

}  // namespace
